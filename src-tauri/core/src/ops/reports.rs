//! `reports.*`: the statistical analysis report of a month, quarter or year (§五(三)1). A draft
//! is made from the figures as they stand (the author's scope), the author writes the
//! conclusions and the proposals and measures (建议和措施), and issues it: the report gets its
//! number and date, and its PDF is kept and prints again byte for byte.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::codes::{self, CodeList};
use crate::doc_no::{self, Numbered};
use crate::documents::chart::{Chart, ChartKind, Series};
use crate::documents::report::{self, Distribution, ReportData, ReportTable};
use crate::documents::text::date_cn;
use crate::domain::events::{EventBody, ReportIssued, ReportSaved};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::evidence::Store;
use crate::ops::cases::push_scope;
use crate::ops::documents::{count_pages, generated, root_cause_label, GeneratedPdf};
use crate::ops::hotspots::{self, HotspotsRequest};
use crate::ops::kpi::{self, KpiCode, KpiGroupBy, KpiPeriod, KpiRating, KpiRequest};
use crate::ops::stats::{self, Breakdown, StatsDimension, StatsRequest, TrendUnit};
use crate::storage::Db;
use crate::time::{self, china};

/// Cases the appendix lists at most; beyond, the major and serious ones and the typical ones.
pub const APPENDIX_MAX: i64 = 500;
/// The agency code of report numbers: `纠纷统析〔2026〕3号`.
pub const REPORT_PREFIX: &str = "纠纷统析";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Issued,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReportView {
    pub id: String,
    pub period: String,
    pub status: ReportStatus,
    pub title: String,
    pub conclusions: String,
    pub proposals: String,
    pub doc_no: Option<String>,
    pub issued_on: Option<String>,
    pub issued_by: Option<String>,
    pub pages: Option<i64>,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
}

const VIEW_COLUMNS: &str = "r.id, r.period, r.status, r.title, r.conclusions, r.proposals, \
    r.doc_no, r.issued_on, (SELECT display_name FROM accounts a WHERE a.id = r.issued_by), \
    r.pages, COALESCE((SELECT display_name FROM accounts a WHERE a.id = r.created_by), \
    r.created_by), r.created_at, r.updated_at";

fn view_of(r: &sqlx::sqlite::SqliteRow) -> ReportView {
    ReportView {
        id: r.get(0),
        period: r.get(1),
        status: if r.get::<&str, _>(2) == "issued" {
            ReportStatus::Issued
        } else {
            ReportStatus::Draft
        },
        title: r.get(3),
        conclusions: r.get(4),
        proposals: r.get(5),
        doc_no: r.get(6),
        issued_on: r.get(7),
        issued_by: r.get(8),
        pages: r.get(9),
        author: r.get(10),
        created_at: r.get(11),
        updated_at: r.get(12),
    }
}

async fn load(conn: &mut SqliteConnection, id: &str) -> CoreResult<ReportView> {
    let row = sqlx::query(&format!("SELECT {VIEW_COLUMNS} FROM reports r WHERE r.id = ?"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "report", id: id.to_owned() })?;
    Ok(view_of(&row))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReportsListRequest {}

/// Issued reports for everyone who sees cases; drafts too for those who write reports.
pub async fn list(db: &Db, actor: &Actor, _req: ReportsListRequest) -> CoreResult<Vec<ReportView>> {
    actor.require(Permission::CaseView)?;
    let statuses =
        if actor.may(Permission::BulletinIssue) { "('draft', 'issued')" } else { "('issued')" };
    let rows = sqlx::query(&format!(
        "SELECT {VIEW_COLUMNS} FROM reports r WHERE r.status IN {statuses} \
         ORDER BY r.period DESC, r.updated_at DESC"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(view_of).collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    pub id: String,
}

pub async fn get(db: &Db, actor: &Actor, req: ReportRequest) -> CoreResult<ReportView> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    let v = load(&mut conn, &req.id).await?;
    if v.status == ReportStatus::Draft && !actor.may(Permission::BulletinIssue) {
        return Err(CoreError::Forbidden { permission: Some(Permission::BulletinIssue) });
    }
    Ok(v)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReportDraftRequest {
    /// `2026-10`, `2026-Q3` or `2026`.
    pub period: String,
}

/// `2026年10月`, `2026年第三季度`, `2026年度`.
fn period_name(p: &KpiPeriod) -> String {
    match p.label.len() {
        4 => format!("{}年度", p.from.year()),
        _ if p.label.contains('Q') => {
            let q = ["一", "二", "三", "四"][((p.from.month() - 1) / 3) as usize];
            format!("{}年第{q}季度", p.from.year())
        }
        _ => format!("{}年{}月", p.from.year(), p.from.month()),
    }
}

fn checked_period(field: &str, text: &str) -> CoreResult<KpiPeriod> {
    KpiPeriod::parse(text).ok_or_else(|| {
        CoreError::Validation(vec![FieldProblem {
            field: field.into(),
            rule: FieldRule::Invalid { detail: "YYYY, YYYY-Qn or YYYY-MM (2000–2100)".into() },
        }])
    })
}

pub async fn draft(db: &Db, actor: &Actor, req: ReportDraftRequest) -> CoreResult<ReportView> {
    actor.require(Permission::BulletinIssue)?;
    let period = checked_period("period", &req.period)?;
    let id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::ReportSaved(ReportSaved {
        report_id: id.clone(),
        period: period.label.clone(),
        title: format!("{}消费纠纷统计分析报告", period_name(&period)),
        conclusions: String::new(),
        proposals: String::new(),
    });
    event_log::append_alone(db, actor, body).await?;
    let mut conn = db.pool().acquire().await?;
    load(&mut conn, &id).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ReportSaveRequest {
    pub id: String,
    pub title: String,
    pub conclusions: String,
    pub proposals: String,
}

pub async fn save(db: &Db, actor: &Actor, req: ReportSaveRequest) -> CoreResult<ReportView> {
    actor.require(Permission::BulletinIssue)?;
    let mut problems = Vec::new();
    let title = req.title.trim();
    if title.is_empty() {
        problems.push(FieldProblem { field: "title".into(), rule: FieldRule::Required });
    } else if title.chars().count() > 60 {
        problems.push(FieldProblem { field: "title".into(), rule: FieldRule::TooLong { max: 60 } });
    }
    for (field, text) in [("conclusions", &req.conclusions), ("proposals", &req.proposals)] {
        if text.chars().count() > 20_000 {
            problems.push(FieldProblem {
                field: field.into(),
                rule: FieldRule::TooLong { max: 20_000 },
            });
        }
    }
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let current = load(&mut tx, &req.id).await?;
    if current.status != ReportStatus::Draft {
        return Err(CoreError::DocumentUnavailable { reason: "issued" });
    }
    let body = EventBody::ReportSaved(ReportSaved {
        report_id: req.id.clone(),
        period: current.period,
        title: title.to_owned(),
        conclusions: req.conclusions.trim().to_owned(),
        proposals: req.proposals.trim().to_owned(),
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    let v = load(&mut tx, &req.id).await?;
    tx.commit().await?;
    Ok(v)
}

/// The report as PDF: a draft from the figures as they stand now; an issued one exactly as it
/// was issued.
pub async fn pdf(db: &Db, actor: &Actor, req: ReportRequest) -> CoreResult<GeneratedPdf> {
    let v = get(db, actor, req).await?;
    if v.status == ReportStatus::Issued {
        let sha: String = sqlx::query_scalar("SELECT pdf_sha256 FROM reports WHERE id = ?")
            .bind(&v.id)
            .fetch_one(db.pool())
            .await?;
        let store = Store::for_database(db.path());
        let bytes = tokio::task::spawn_blocking(move || store.read_verified(&sha))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))??;
        let name = format!("{}-{}.pdf", v.doc_no.clone().unwrap_or_default(), v.title);
        return Ok(generated(name, v.title, count_pages(&bytes), &bytes));
    }
    let (bytes, pages) = rendered(db, actor, &v, None).await?;
    Ok(generated(format!("{}（草稿）.pdf", v.title), v.title, pages, &bytes))
}

/// Issues a draft: the next number of the year, today's date, and its PDF kept.
pub async fn issue(db: &Db, actor: &Actor, req: ReportRequest) -> CoreResult<ReportView> {
    actor.require(Permission::BulletinIssue)?;
    let v = get(db, actor, ReportRequest { id: req.id.clone() }).await?;
    if v.status != ReportStatus::Draft {
        return Err(CoreError::DocumentUnavailable { reason: "issued" });
    }
    let mut problems = Vec::new();
    for (field, text) in [("conclusions", &v.conclusions), ("proposals", &v.proposals)] {
        if text.trim().is_empty() {
            problems.push(FieldProblem { field: field.into(), rule: FieldRule::Required });
        }
    }
    ensure_valid(problems)?;
    let now = db.now();
    let date = now.with_timezone(&china()).date_naive();
    let year = date.year();
    let number = {
        let mut conn = db.pool().acquire().await?;
        doc_no::next(&mut conn, Numbered::Reports, year).await?
    };
    let doc_no = number.format(REPORT_PREFIX);
    let (bytes, pages) = rendered(db, actor, &v, Some(doc_no.clone())).await?;
    let store = Store::for_database(db.path());
    let stored = tokio::task::spawn_blocking(move || store.put_bytes(&bytes))
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
    let mut tx = db.begin_write().await?;
    let fresh = load(&mut tx, &req.id).await?;
    if fresh.status != ReportStatus::Draft || fresh.updated_at != v.updated_at {
        // Edited or issued meanwhile: the PDF made is not of what stands now.
        return Err(CoreError::InvalidState { detail: "report" });
    }
    let body = EventBody::ReportIssued(ReportIssued {
        report_id: req.id.clone(),
        doc_no,
        year,
        seq: number.seq,
        issued_on: date.to_string(),
        pdf_sha256: stored.sha256,
        pdf_size: stored.size as i64,
        pages: pages as i64,
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: now, body })
        .await?;
    let v = load(&mut tx, &req.id).await?;
    tx.commit().await?;
    Ok(v)
}

/// Renders the report twice: the second time with the table of contents' page numbers.
async fn rendered(
    db: &Db,
    actor: &Actor,
    v: &ReportView,
    doc_no: Option<String>,
) -> CoreResult<(Vec<u8>, usize)> {
    let data = data(db, actor, v, doc_no).await?;
    tokio::task::spawn_blocking(move || {
        let fonts = crate::documents::fonts::shared()?;
        let first = crate::documents::pdf::lay_out(&fonts, &report::document(&data, &[]));
        let toc: Vec<(String, usize)> = report::SECTIONS
            .iter()
            .filter_map(|(a, _)| first.anchor(a).map(|p| ((*a).to_owned(), p)))
            .collect();
        let doc = report::document(&data, &toc);
        Ok(crate::documents::pdf::render(&fonts, &doc))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("rendering: {e}")))?
}

fn signed(change: Option<f64>) -> String {
    match change {
        Some(c) if c > 0.0 => format!("+{c:.1}%"),
        Some(c) => format!("{c:.1}%"),
        None => "—".into(),
    }
}

/// `上升 12.5%` / `下降 3.0%` / `持平` / `无可比数据`.
fn movement(change: Option<f64>) -> String {
    match change {
        Some(c) if c > 0.0 => format!("上升{c:.1}%"),
        Some(c) if c < 0.0 => format!("下降{:.1}%", -c),
        Some(_) => "持平".into(),
        None => "无可比数据".into(),
    }
}

fn severity_label(code: &str) -> &'static str {
    match code {
        "general" => "一般",
        "serious" => "较重",
        "major" => "重大",
        "mass" => "群体性",
        _ => "未记录",
    }
}

fn status_label(code: &str) -> &'static str {
    match code {
        "received" => "已受理",
        "investigating" => "调查核实",
        "planning" => "方案制定",
        "negotiating" => "沟通协商",
        "executing" => "执行中",
        "feedback" => "结果反馈",
        "closed" => "已结案",
        "withdrawn" => "已撤回",
        "merged" => "已合并",
        _ => "未知",
    }
}

fn kpi_name(k: KpiCode) -> (&'static str, &'static str) {
    match k {
        KpiCode::ComplaintRate => ("投诉率", "件/万单"),
        KpiCode::OnTimeRate => ("处理及时率", "%"),
        KpiCode::SatisfactionRate => ("满意率", "%"),
        KpiCode::MeanScore => ("平均满意度评分", "分"),
        KpiCode::FirstContactRate => ("首次解决率", "%"),
        KpiCode::MeanHandlingDays => ("平均办理时长", "个工作日"),
        KpiCode::MedianHandlingDays => ("办理时长中位数", "个工作日"),
        KpiCode::ReopenRate => ("重开率", "%"),
        KpiCode::Overdue => ("超期件数", "件"),
    }
}

fn rating_name(r: Option<KpiRating>) -> &'static str {
    match r {
        Some(KpiRating::Green) => "达标",
        Some(KpiRating::Amber) => "预警",
        Some(KpiRating::Red) => "未达标",
        None => "—",
    }
}

fn fmt(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), crate::documents::chart::number)
}

/// Gathers the figures (over the author's scope) and writes the report's data.
async fn data(
    db: &Db,
    actor: &Actor,
    v: &ReportView,
    doc_no: Option<String>,
) -> CoreResult<ReportData> {
    let period = checked_period("period", &v.period)?;
    let mut conn = db.pool().acquire().await?;
    let profile = crate::documents::templates::profile(&mut conn).await?;
    let mut labels: HashMap<(StatsDimension, String), String> = HashMap::new();
    for (list, dimension) in [
        (CodeList::Category, StatsDimension::Category),
        (CodeList::Channel, StatsDimension::Channel),
    ] {
        for e in codes::entries(&mut conn, list).await? {
            labels.insert((dimension, e.code), e.label_zh);
        }
    }
    let unit: Option<String> = match &actor.unit_id {
        Some(u) => {
            sqlx::query_scalar("SELECT name FROM org_units WHERE id = ?")
                .bind(u)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    drop(conn);
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let summary = stats::summary(
        db,
        actor,
        StatsRequest {
            from: from.clone(),
            to: to.clone(),
            by: Some(TrendUnit::Month),
            dimensions: None,
            cross: None,
            top_products: Some(10),
        },
    )
    .await?;
    // The trend: the twelve months up to the period's end, against the same months a year
    // before.
    let end = period.to;
    let start = (end + chrono::Duration::days(1)) - Months::new(12);
    let months = |from: NaiveDate, to: NaiveDate| StatsRequest {
        from: from.to_string(),
        to: to.to_string(),
        by: Some(TrendUnit::Month),
        dimensions: Some(Vec::new()),
        cross: None,
        top_products: None,
    };
    let recent = stats::summary(db, actor, months(start, end)).await?;
    let year_before = stats::summary(
        db,
        actor,
        months(
            start - Months::new(12),
            (end + chrono::Duration::days(1)) - Months::new(12) - chrono::Duration::days(1),
        ),
    )
    .await?;
    let kpis = kpi::summary(
        db,
        actor,
        KpiRequest { period: v.period.clone(), by: Some(KpiGroupBy::Department) },
    )
    .await?;
    let hot = hotspots::hotspots(
        db,
        actor,
        HotspotsRequest { period: v.period.clone(), dimensions: None },
    )
    .await?;

    let name_of =
        |dimension: StatsDimension, key: &Option<String>, name: &Option<String>| -> String {
            match (dimension, key) {
                (_, None) => "未记录".into(),
                (StatsDimension::Severity, Some(k)) => severity_label(k).into(),
                (StatsDimension::Status, Some(k)) => status_label(k).into(),
                (StatsDimension::RootCause, Some(k)) => root_cause_label(k).into(),
                (StatsDimension::Department | StatsDimension::Store, Some(k)) => {
                    name.clone().unwrap_or_else(|| k.clone())
                }
                (_, Some(k)) => {
                    labels.get(&(dimension, k.clone())).cloned().unwrap_or_else(|| k.clone())
                }
            }
        };
    let breakdown = |d: StatsDimension| summary.breakdowns.iter().find(|b| b.dimension == d);
    let item_name = |b: &Breakdown, i: &stats::BreakdownItem| {
        if i.others {
            "其他".to_owned()
        } else {
            name_of(b.dimension, &i.key, &i.name)
        }
    };

    // 一、总体情况.
    let total = &summary.total;
    let mut paragraphs = vec![format!(
        "{}，共受理消费纠纷{}件，环比{}（上期{}件），同比{}（上年同期{}件）。",
        period_name(&period),
        total.count,
        movement(total.change_previous),
        total.previous,
        movement(total.change_last_year),
        total.last_year
    )];
    if let Some(b) = breakdown(StatsDimension::Category) {
        let top: Vec<String> = b
            .items
            .iter()
            .take(3)
            .map(|i| format!("{}{}件（占{:.1}%）", item_name(b, i), i.figure.count, i.share))
            .collect();
        if !top.is_empty() {
            paragraphs.push(format!("从纠纷类别看，居前的是{}。", top.join("、")));
        }
    }
    let value = |k: KpiCode| kpis.total.values.iter().find(|x| x.kpi == k).and_then(|x| x.value);
    paragraphs.push(format!(
        "本期结案{}件，处理及时率{}%，满意率{}%，平均办理{}个工作日，首次解决率{}%，重开率{}%；期限届满而逾期的{}件。",
        kpis.total.closed,
        fmt(value(KpiCode::OnTimeRate)),
        fmt(value(KpiCode::SatisfactionRate)),
        fmt(value(KpiCode::MeanHandlingDays)),
        fmt(value(KpiCode::FirstContactRate)),
        fmt(value(KpiCode::ReopenRate)),
        fmt(value(KpiCode::Overdue)),
    ));
    paragraphs.push(if hot.items.is_empty() {
        "经统计检验，本期未发现较历史水平显著上升的热点。".to_owned()
    } else {
        let names: Vec<String> = hot
            .items
            .iter()
            .take(5)
            .map(|h| {
                format!(
                    "{}（{}件，预期{}件）",
                    name_of(h.dimension, &h.key, &h.name),
                    h.observed,
                    h.expected
                )
            })
            .collect();
        format!(
            "经统计检验，本期有{}个热点较历史水平显著上升，主要是{}。",
            hot.items.len(),
            names.join("、")
        )
    });

    // 二、关键指标.
    let kpi_rows = kpis
        .total
        .values
        .iter()
        .map(|x| {
            let (name, unit) = kpi_name(x.kpi);
            vec![
                format!("{name}（{unit}）"),
                fmt(x.value),
                x.target.as_ref().map_or("—".into(), |t| fmt(Some(t.goal))),
                x.target.as_ref().map_or("—".into(), |t| fmt(Some(t.limit))),
                rating_name(x.rating).into(),
            ]
        })
        .collect();
    let kpi_table = ReportTable {
        columns: vec![
            ("指标".into(), 3.0),
            ("本期".into(), 1.2),
            ("目标".into(), 1.2),
            ("限值".into(), 1.2),
            ("评价".into(), 1.2),
        ],
        rows: kpi_rows,
    };
    let shown = [
        KpiCode::OnTimeRate,
        KpiCode::SatisfactionRate,
        KpiCode::MeanHandlingDays,
        KpiCode::ReopenRate,
        KpiCode::Overdue,
    ];
    let by_unit = (!kpis.lines.is_empty()).then(|| ReportTable {
        columns: std::iter::once(("部门".to_owned(), 2.2))
            .chain([("受理".to_owned(), 1.0), ("结案".to_owned(), 1.0)])
            .chain(shown.iter().map(|k| (kpi_name(*k).0.to_owned(), 1.2)))
            .collect(),
        rows: kpis
            .lines
            .iter()
            .map(|l| {
                let mut row = vec![
                    l.name.clone().unwrap_or_else(|| "未记录".into()),
                    l.received.to_string(),
                    l.closed.to_string(),
                ];
                for k in shown {
                    let x = l.values.iter().find(|x| x.kpi == k);
                    let mut cell = fmt(x.and_then(|x| x.value));
                    if let Some(r) = x.and_then(|x| x.rating) {
                        cell = format!("{cell} {}", rating_name(Some(r)));
                    }
                    row.push(cell);
                }
                row
            })
            .collect(),
    });

    // 三、分布.
    let sections: [(StatsDimension, &str, ChartKind, usize); 7] = [
        (StatsDimension::Category, "按纠纷类别", ChartKind::Bars, 12),
        (StatsDimension::Channel, "按受理渠道", ChartKind::Pie, 8),
        (StatsDimension::Department, "按责任部门", ChartKind::Bars, 12),
        (StatsDimension::Store, "按门店（前十位）", ChartKind::Bars, 10),
        (StatsDimension::Product, "按商品（前十位）", ChartKind::Bars, 10),
        (StatsDimension::Severity, "按严重程度", ChartKind::Pie, 8),
        (StatsDimension::RootCause, "按主要原因（已结案）", ChartKind::Bars, 12),
    ];
    let mut distributions = Vec::new();
    for (dimension, title, kind, most) in sections {
        let Some(b) = breakdown(dimension) else { continue };
        let items: Vec<&stats::BreakdownItem> =
            b.items.iter().filter(|i| i.figure.count > 0).collect();
        let charted: Vec<&&stats::BreakdownItem> =
            items.iter().filter(|i| !i.others).take(most).collect();
        let chart = (!charted.is_empty()).then(|| Chart {
            kind,
            title: format!("{title}（件）"),
            labels: charted.iter().map(|i| item_name(b, i)).collect(),
            series: vec![Series {
                name: "件数".into(),
                values: charted.iter().map(|i| i.figure.count as f64).collect(),
            }],
            height: if kind == ChartKind::Pie { 150.0 } else { 24.0 + 16.0 * charted.len() as f32 },
        });
        let rows = items
            .iter()
            .take(most + 1)
            .map(|i| {
                vec![
                    item_name(b, i),
                    i.figure.count.to_string(),
                    format!("{:.1}%", i.share),
                    signed(i.figure.change_previous),
                    signed(i.figure.change_last_year),
                ]
            })
            .collect();
        distributions.push(Distribution {
            title: title.to_owned(),
            chart,
            table: ReportTable {
                columns: vec![
                    ("名称".into(), 3.0),
                    ("件数".into(), 1.0),
                    ("占比".into(), 1.0),
                    ("环比".into(), 1.0),
                    ("同比".into(), 1.0),
                ],
                rows,
            },
            note: None,
        });
    }

    // 四、趋势.
    let trend = Chart {
        kind: ChartKind::Lines,
        title: "近十二个月受理量（件）".into(),
        labels: recent
            .trend
            .iter()
            .map(|p| format!("{}月", p.label.get(5..).unwrap_or(&p.label).trim_start_matches('0')))
            .collect(),
        series: vec![
            Series {
                name: "本年度".into(),
                values: recent.trend.iter().map(|p| p.count as f64).collect(),
            },
            Series {
                name: "上年同月".into(),
                values: year_before.trend.iter().map(|p| p.count as f64).collect(),
            },
        ],
        height: 200.0,
    };

    // 五、热点.
    let dimension_name = |d: StatsDimension| match d {
        StatsDimension::Category => "类别",
        StatsDimension::Channel => "渠道",
        StatsDimension::Department => "部门",
        StatsDimension::Store => "门店",
        StatsDimension::Product => "商品",
        StatsDimension::Severity => "严重程度",
        StatsDimension::RootCause => "主要原因",
        StatsDimension::Status => "状态",
    };
    let hotspot_rows = hot
        .items
        .iter()
        .map(|h| {
            vec![
                format!(
                    "{}：{}",
                    dimension_name(h.dimension),
                    name_of(h.dimension, &h.key, &h.name)
                ),
                h.observed.to_string(),
                format!("{:.2}", h.expected),
                format!("{:.1}", h.ratio),
                if h.p_value < 1e-4 {
                    format!("{:.1e}", h.p_value)
                } else {
                    format!("{:.4}", h.p_value)
                },
            ]
        })
        .collect();
    let hotspot_method = format!(
        "热点的判定方法：以前{}个同类期间的平均件数为预期值（至少0.5件），按泊松分布检验本期件数是否显著偏高；\
         显著性水平0.01，按同一维度检验的项目数作Bonferroni校正；本期至少{}件且不低于预期值的{}倍。\
         详见《指标定义》（docs/METRICS.md）。",
        hot.history.len(),
        hotspots::MIN_COUNT,
        hotspots::MIN_RATIO
    );

    // 附录.
    let (appendix_note, appendix) = appendix(db, actor, &period, total.count).await?;
    let labels_of = |d: StatsDimension, k: &str| {
        labels.get(&(d, k.to_owned())).cloned().unwrap_or_else(|| k.to_owned())
    };
    let appendix_rows = appendix
        .into_iter()
        .map(|(no, received, category, product, unit, severity, status)| {
            vec![
                no,
                received,
                labels_of(StatsDimension::Category, &category),
                product,
                unit.unwrap_or_else(|| "—".into()),
                format!("{}／{}", severity_label(&severity), status_label(&status)),
            ]
        })
        .collect();

    let now = db.now();
    Ok(ReportData {
        company: profile.company_name,
        title: v.title.clone(),
        span: format!("{}至{}", date_cn(period.from), date_cn(period.to)),
        author: v.author.clone(),
        unit,
        date: v
            .issued_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(|| now.with_timezone(&china()).date_naive()),
        created: now,
        doc_no,
        summary: paragraphs,
        kpis: kpi_table,
        kpis_by_unit: by_unit,
        distributions,
        trend,
        hotspot_method,
        hotspots: ReportTable {
            columns: vec![
                ("热点".into(), 3.2),
                ("本期".into(), 0.9),
                ("预期".into(), 0.9),
                ("倍数".into(), 0.9),
                ("p值".into(), 1.1),
            ],
            rows: hotspot_rows,
        },
        conclusions: v.conclusions.clone(),
        proposals: v.proposals.clone(),
        appendix_note,
        appendix: ReportTable {
            columns: vec![
                ("编号".into(), 1.7),
                ("受理日期".into(), 1.1),
                ("类别".into(), 1.1),
                ("商品".into(), 1.6),
                ("门店／部门".into(), 1.3),
                ("严重程度／状态".into(), 1.3),
            ],
            rows: appendix_rows,
        },
    })
}

type AppendixRow = (String, String, String, String, Option<String>, String, String);

/// The period's cases for the appendix: all of them up to `APPENDIX_MAX`; beyond, the major,
/// mass and serious ones and the typical ones (up to as many), with a note saying so.
async fn appendix(
    db: &Db,
    actor: &Actor,
    period: &KpiPeriod,
    total: i64,
) -> CoreResult<(String, Vec<AppendixRow>)> {
    let start = stats::start_of(period.from);
    let end = stats::start_of(period.to + chrono::Duration::days(1));
    let all = total <= APPENDIX_MAX;
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.case_no, c.received_at, c.category, c.product_name, \
         COALESCE(s.name, d.name), c.severity, c.status FROM cases c \
         LEFT JOIN org_units s ON s.id = c.store_id LEFT JOIN org_units d ON d.id = c.department_id",
    );
    let scoped = push_scope(&mut qb, actor);
    qb.push(if scoped { " AND " } else { " WHERE " });
    qb.push("c.status <> 'merged' AND c.received_at >= ").push_bind(start);
    qb.push(" AND c.received_at < ").push_bind(end);
    if !all {
        qb.push(" AND (c.severity IN ('major', 'mass', 'serious') OR c.typical = 1)");
    }
    qb.push(" ORDER BY c.received_at, c.case_no LIMIT ").push_bind(APPENDIX_MAX);
    let rows = qb.build().fetch_all(db.pool()).await?;
    let listed: Vec<AppendixRow> = rows
        .iter()
        .map(|r| {
            let received = time::from_db(r.get::<&str, _>(1))
                .map(|t| t.with_timezone(&china()).date_naive().to_string())
                .unwrap_or_default();
            (r.get(0), received, r.get(2), r.get(3), r.get(4), r.get(5), r.get(6))
        })
        .collect();
    let note = if all {
        format!("本期受理的全部{total}件案件，按受理时间排列。")
    } else {
        format!(
            "本期共受理{total}件，本附录列出其中重大、群体性、较重及典型案件{}件（至多{APPENDIX_MAX}件），按受理时间排列；完整清单请在台账中按统计期间导出。",
            listed.len()
        )
    };
    Ok((note, listed))
}
