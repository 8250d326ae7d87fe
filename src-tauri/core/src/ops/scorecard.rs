//! Scorecards (考核, §七(二)2): the KPIs of each department or staff member for a period
//! against their targets, a score from the ratings, and the rewards and penalties decided for
//! the period; exported to .xlsx for the HR performance system. Method in docs/METRICS.md.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::error::CoreResult;
use crate::export::io_error;
use crate::i18n::Lang;
use crate::ops::kpi::{KpiCode, KpiGroupBy, KpiLine, KpiRating, KpiRequest};
use crate::storage::Db;

/// Whose scorecards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ScorecardBy {
    #[default]
    Department,
    /// Each handler (the staff member a case is assigned to).
    Staff,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ScorecardRequest {
    /// `2026-10`, `2026-Q3` or `2026`.
    pub period: String,
    #[serde(default)]
    #[ts(optional)]
    pub by: Option<ScorecardBy>,
}

/// Points of a rating: green 100, amber 60, red 0.
pub fn points(rating: KpiRating) -> f64 {
    match rating {
        KpiRating::Green => 100.0,
        KpiRating::Amber => 60.0,
        KpiRating::Red => 0.0,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ScorecardLine {
    /// The KPIs, their targets and ratings, each with the ledger filter of its cases.
    pub kpi: KpiLine,
    /// The mean of the rated KPIs' points (green 100, amber 60, red 0), one decimal; none
    /// when no KPI of the line has a target.
    pub score: Option<f64>,
    /// KPIs with a target (those the score averages).
    pub rated: i64,
    /// Approved rewards and penalties of the period (and periods within it).
    pub reward_points: i64,
    pub penalty_points: i64,
    pub reward_fen: i64,
    pub penalty_fen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ScorecardResponse {
    pub period: String,
    pub label: String,
    pub by: ScorecardBy,
    pub lines: Vec<ScorecardLine>,
}

pub async fn get(db: &Db, actor: &Actor, req: ScorecardRequest) -> CoreResult<ScorecardResponse> {
    actor.require_any(&[Permission::SupervisionManage, Permission::KpiManage])?;
    let by = req.by.unwrap_or_default();
    let kpi = crate::ops::kpi::summary(
        db,
        actor,
        KpiRequest {
            period: req.period.clone(),
            by: Some(match by {
                ScorecardBy::Department => KpiGroupBy::Department,
                ScorecardBy::Staff => KpiGroupBy::Handler,
            }),
        },
    )
    .await?;
    // The KPIs have checked the period.
    let period = crate::ops::kpi::KpiPeriod::parse(&req.period)
        .map(|p| p.label)
        .unwrap_or_else(|| req.period.clone());
    let mut conn = db.pool().acquire().await?;
    let approved =
        crate::ops::supervision::sanctions_of(&mut conn, None, Some(&period), None).await?;
    let mut sums: HashMap<String, (i64, i64, i64, i64)> = HashMap::new();
    for s in approved.iter().filter(|s| s.status == "approved") {
        let e = sums.entry(s.subject_id.clone()).or_default();
        match s.kind {
            crate::domain::supervision::SanctionKind::Reward => {
                e.0 += s.points.unwrap_or(0);
                e.2 += s.amount_fen.unwrap_or(0);
            }
            crate::domain::supervision::SanctionKind::Penalty => {
                e.1 += s.points.unwrap_or(0);
                e.3 += s.amount_fen.unwrap_or(0);
            }
        }
    }
    let lines = kpi
        .lines
        .iter()
        .filter(|l| l.key.is_some())
        .map(|line| {
            let rated: Vec<f64> = line.values.iter().filter_map(|v| v.rating.map(points)).collect();
            let score = (!rated.is_empty())
                .then(|| (rated.iter().sum::<f64>() / rated.len() as f64 * 10.0).round() / 10.0);
            let (rp, pp, rf, pf) =
                line.key.as_ref().and_then(|k| sums.get(k)).copied().unwrap_or_default();
            ScorecardLine {
                kpi: line.clone(),
                score,
                rated: rated.len() as i64,
                reward_points: rp,
                penalty_points: pp,
                reward_fen: rf,
                penalty_fen: pf,
            }
        })
        .collect();
    Ok(ScorecardResponse { period, label: kpi.label.clone(), by, lines })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ScorecardExportRequest {
    pub period: String,
    #[serde(default)]
    #[ts(optional)]
    pub by: Option<ScorecardBy>,
    /// The .xlsx file to write.
    pub path: String,
    #[serde(default)]
    #[ts(optional)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ScorecardExported {
    pub path: String,
    pub rows: i64,
}

fn kpi_title(kpi: KpiCode, lang: Lang) -> &'static str {
    match (kpi, lang) {
        (KpiCode::ComplaintRate, Lang::Zh) => "投诉率（‱）",
        (KpiCode::OnTimeRate, Lang::Zh) => "处理及时率（%）",
        (KpiCode::SatisfactionRate, Lang::Zh) => "满意率（%）",
        (KpiCode::MeanScore, Lang::Zh) => "平均评分",
        (KpiCode::FirstContactRate, Lang::Zh) => "首次解决率（%）",
        (KpiCode::MeanHandlingDays, Lang::Zh) => "平均处理时长（工作日）",
        (KpiCode::MedianHandlingDays, Lang::Zh) => "处理时长中位数（工作日）",
        (KpiCode::ReopenRate, Lang::Zh) => "重新处理率（%）",
        (KpiCode::Overdue, Lang::Zh) => "逾期件数",
        (KpiCode::ComplaintRate, Lang::En) => "Complaint rate (‱)",
        (KpiCode::OnTimeRate, Lang::En) => "On-time rate (%)",
        (KpiCode::SatisfactionRate, Lang::En) => "Satisfaction rate (%)",
        (KpiCode::MeanScore, Lang::En) => "Mean score",
        (KpiCode::FirstContactRate, Lang::En) => "First-contact resolution (%)",
        (KpiCode::MeanHandlingDays, Lang::En) => "Mean handling time (working days)",
        (KpiCode::MedianHandlingDays, Lang::En) => "Median handling time (working days)",
        (KpiCode::ReopenRate, Lang::En) => "Reopen rate (%)",
        (KpiCode::Overdue, Lang::En) => "Overdue",
    }
}

/// Writes the scorecards to an .xlsx workbook: one row per department or staff member, the
/// KPIs with their ratings, the score and the period's rewards and penalties.
pub async fn export(
    db: &Db,
    actor: &Actor,
    req: ScorecardExportRequest,
) -> CoreResult<ScorecardExported> {
    let card = get(db, actor, ScorecardRequest { period: req.period.clone(), by: req.by }).await?;
    let lang = req.lang.unwrap_or(Lang::Zh);
    let path = req.path.clone();
    if !path.to_lowercase().ends_with(".xlsx") {
        return Err(io_error(&path, "the file must end in .xlsx"));
    }
    let zh = lang == Lang::Zh;
    let mut head: Vec<String> = vec![
        if zh { "期间" } else { "Period" }.into(),
        match (card.by, zh) {
            (ScorecardBy::Department, true) => "部门",
            (ScorecardBy::Staff, true) => "人员",
            (ScorecardBy::Department, false) => "Department",
            (ScorecardBy::Staff, false) => "Staff member",
        }
        .into(),
        if zh { "编号" } else { "Id" }.into(),
        if zh { "受理件数" } else { "Received" }.into(),
        if zh { "结案件数" } else { "Closed" }.into(),
    ];
    for kpi in KpiCode::ALL {
        head.push(kpi_title(kpi, lang).into());
        head.push(format!("{}{}", kpi_title(kpi, lang), if zh { " 评级" } else { " rating" }));
    }
    for h in if zh {
        ["考核得分", "奖励积分", "处罚积分", "奖励金额（元）", "处罚金额（元）"]
    } else {
        ["Score", "Reward points", "Penalty points", "Rewards (yuan)", "Penalties (yuan)"]
    } {
        head.push(h.into());
    }
    let rating = |r: Option<KpiRating>| match (r, zh) {
        (Some(KpiRating::Green), true) => "达标",
        (Some(KpiRating::Amber), true) => "预警",
        (Some(KpiRating::Red), true) => "未达标",
        (Some(KpiRating::Green), false) => "green",
        (Some(KpiRating::Amber), false) => "amber",
        (Some(KpiRating::Red), false) => "red",
        (None, _) => "",
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name(if zh { "考核评分" } else { "Scorecards" }).map_err(|e| io_error(&path, e))?;
    for (c, h) in head.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold).map_err(|e| io_error(&path, e))?;
        sheet
            .set_column_width(c as u16, if c == 1 { 24 } else { 14 })
            .map_err(|e| io_error(&path, e))?;
    }
    sheet.set_freeze_panes(1, 2).map_err(|e| io_error(&path, e))?;
    for (i, line) in card.lines.iter().enumerate() {
        let r = i as u32 + 1;
        let mut c = 0u16;
        let put_text = |sheet: &mut rust_xlsxwriter::Worksheet, c: &mut u16, s: &str| {
            let res = sheet.write_string(r, *c, s).map(|_| ());
            *c += 1;
            res
        };
        put_text(sheet, &mut c, &card.period).map_err(|e| io_error(&path, e))?;
        put_text(sheet, &mut c, line.kpi.name.as_deref().unwrap_or(""))
            .map_err(|e| io_error(&path, e))?;
        put_text(sheet, &mut c, line.kpi.key.as_deref().unwrap_or(""))
            .map_err(|e| io_error(&path, e))?;
        for n in [line.kpi.received, line.kpi.closed] {
            sheet.write_number(r, c, n as f64).map_err(|e| io_error(&path, e))?;
            c += 1;
        }
        for kpi in KpiCode::ALL {
            let v = line.kpi.values.iter().find(|v| v.kpi == kpi);
            if let Some(value) = v.and_then(|v| v.value) {
                sheet.write_number(r, c, value).map_err(|e| io_error(&path, e))?;
            }
            c += 1;
            put_text(sheet, &mut c, rating(v.and_then(|v| v.rating)))
                .map_err(|e| io_error(&path, e))?;
        }
        if let Some(score) = line.score {
            sheet.write_number(r, c, score).map_err(|e| io_error(&path, e))?;
        }
        c += 1;
        for n in [
            line.reward_points as f64,
            line.penalty_points as f64,
            line.reward_fen as f64 / 100.0,
            line.penalty_fen as f64 / 100.0,
        ] {
            sheet.write_number(r, c, n).map_err(|e| io_error(&path, e))?;
            c += 1;
        }
    }
    sheet
        .autofilter(0, 0, card.lines.len() as u32, head.len() as u16 - 1)
        .map_err(|e| io_error(&path, e))?;
    book.save(&path).map_err(|e| io_error(&path, e))?;
    Ok(ScorecardExported { path, rows: card.lines.len() as i64 })
}
