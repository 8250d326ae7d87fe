//! Notices to consumers (§四(四)–(六)): 受理回执, 处理进度告知书, 处理结果告知书 and
//! 和解协议书. The wording is the administrator's template; the structure is fixed.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fonts::Face;
use super::pdf::{Align, Block, Column, Document, Image, RunningHead, Style, Table};
use super::templates::{CompanyProfile, NoticeWording, Templates};
use super::text::{date_cn, date_str_cn, fill, money, money_upper, numeral_cn};

/// Which notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 受理回执.
    Acknowledgment,
    /// 处理进度告知书 (a date moved, §四(五)2).
    Progress,
    /// 处理结果告知书.
    Result,
    /// 和解协议书.
    Settlement,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 4] = [
        NoticeKind::Acknowledgment,
        NoticeKind::Progress,
        NoticeKind::Result,
        NoticeKind::Settlement,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Acknowledgment => "acknowledgment",
            NoticeKind::Progress => "progress",
            NoticeKind::Result => "result",
            NoticeKind::Settlement => "settlement",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A date moved: why, and from when to when.
#[derive(Debug, Clone)]
pub struct Delay {
    pub reason: String,
    pub old_date: String,
    pub new_date: String,
}

/// One agreed measure.
#[derive(Debug, Clone)]
pub struct MeasureFact {
    pub kind: String,
    pub description: String,
    pub amount_fen: Option<i64>,
    /// When it is to be done (its steps' latest date).
    pub due: Option<String>,
}

/// What a notice says about its case, gathered by the caller.
#[derive(Debug, Clone)]
pub struct NoticeFacts {
    pub case_no: String,
    pub consumer_name: String,
    pub consumer_phone: Option<String>,
    pub consumer_address: Option<String>,
    pub received_at: String,
    pub channel: String,
    pub product: String,
    pub category: String,
    pub demand: String,
    pub due_date: Option<String>,
    pub handler: Option<String>,
    pub purchased_at: Option<String>,
    pub order_no: Option<String>,
    pub delay: Option<Delay>,
    pub measures: Vec<MeasureFact>,
    pub result: Option<String>,
    pub closed_at: Option<String>,
    pub today: NaiveDate,
    pub created: DateTime<Utc>,
}

/// Days a settlement gives the company to perform.
pub const PAY_DAYS: u32 = 7;

fn body_style() -> Style {
    Style::new(Face::Serif, 12.0).leading(22.0).indent(2.0)
}

fn images(profile: &CompanyProfile) -> (Option<Arc<Image>>, Option<Arc<Image>>) {
    let load = |data: &Option<String>| {
        data.as_deref()
            .and_then(|d| super::templates::decode_image(d).ok())
            .and_then(|b| Image::decode(&b).ok())
    };
    (load(&profile.logo), load(&profile.seal))
}

fn values(
    kind: NoticeKind,
    f: &NoticeFacts,
    profile: &CompanyProfile,
) -> Vec<(&'static str, String)> {
    let total: i64 = f.measures.iter().filter_map(|m| m.amount_fen).sum();
    let measures = if f.measures.is_empty() {
        "（无）".to_owned()
    } else {
        f.measures
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let amount = m.amount_fen.map(|a| format!("（{}）", money(a))).unwrap_or_default();
                format!("{}. {}：{}{amount}", i + 1, m.kind, m.description)
            })
            .collect::<Vec<_>>()
            .join("；")
            + "。"
    };
    let _ = kind;
    let or_dash = |v: &Option<String>| {
        v.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "—".into())
    };
    vec![
        ("company", profile.company_name.clone()),
        ("hotline", profile.hotline.clone()),
        ("consumer", f.consumer_name.clone()),
        ("case_no", f.case_no.clone()),
        ("received_date", date_str_cn(&f.received_at)),
        ("channel", f.channel.clone()),
        ("product", f.product.clone()),
        ("category", f.category.clone()),
        ("demand", f.demand.clone()),
        ("due_date", f.due_date.as_deref().map_or_else(|| "—".into(), date_str_cn)),
        ("handler", or_dash(&f.handler)),
        ("today", date_cn(f.today)),
        ("delay_reason", f.delay.as_ref().map_or_else(String::new, |d| d.reason.clone())),
        ("old_date", f.delay.as_ref().map_or_else(String::new, |d| date_str_cn(&d.old_date))),
        ("new_date", f.delay.as_ref().map_or_else(String::new, |d| date_str_cn(&d.new_date))),
        ("measures", measures),
        ("result", or_dash(&f.result)),
        ("closed_date", f.closed_at.as_deref().map_or_else(|| "—".into(), date_str_cn)),
        ("amount", money(total)),
        ("amount_upper", money_upper(total)),
        ("purchased_date", f.purchased_at.as_deref().map_or_else(|| "—".into(), date_str_cn)),
        ("order_no", or_dash(&f.order_no)),
        ("pay_days", PAY_DAYS.to_string()),
    ]
}

fn particulars(rows: Vec<(&str, String)>) -> Block {
    let label = Style::new(Face::Sans, 10.5).leading(17.0).align(Align::Left);
    Block::Table(Table {
        columns: vec![
            Column { title: "项目".into(), weight: 1.0, align: None },
            Column { title: "内容".into(), weight: 3.2, align: None },
        ],
        header: false,
        rows: rows.into_iter().map(|(k, v)| vec![k.to_owned(), v]).collect(),
        style: Style { face: Face::Serif, ..label },
        header_style: label,
        padding: 5.0,
        borders: true,
    })
}

fn title_block(title: &str, case_no: &str) -> Vec<Block> {
    vec![
        Block::spaced(
            title,
            Style::new(Face::SerifBold, 22.0).leading(32.0).align(Align::Centre),
            6.0,
            4.0,
        ),
        Block::spaced(
            format!("编号：{case_no}"),
            Style::new(Face::Serif, 10.5).leading(16.0).align(Align::Right),
            0.0,
            12.0,
        ),
    ]
}

fn signature(profile: &CompanyProfile, today: NaiveDate, seal: Option<Arc<Image>>) -> Vec<Block> {
    let right = Style::new(Face::Serif, 12.0).leading(22.0).align(Align::Right);
    let mut blocks = vec![
        Block::Space(26.0),
        Block::text(format!("{}　　", profile.company_name), right),
        Block::text(format!("{}　　", date_cn(today)), right),
    ];
    if let Some(seal) = seal {
        blocks.push(Block::Stamp { image: seal, width: 42.0 * super::pdf::MM, dx: 0.0, dy: -11.0 });
    }
    blocks
}

fn document(
    title: &str,
    f: &NoticeFacts,
    profile: &CompanyProfile,
    logo: Option<Arc<Image>>,
    blocks: Vec<Block>,
) -> Document {
    Document {
        title: format!("{title}（{}）", f.case_no),
        author: profile.company_name.clone(),
        subject: title.to_owned(),
        keywords: vec![title.to_owned(), f.case_no.clone()],
        created: f.created,
        margins: (30.0, 26.0, 28.0, 28.0),
        head: Some(RunningHead {
            left: profile.company_name.clone(),
            right: title.to_owned(),
            logo,
        }),
        page_numbers: true,
        blocks,
    }
}

fn paragraphs(text: &str, style: Style) -> Vec<Block> {
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| Block::text(l.trim(), style)).collect()
}

fn letter(
    kind: NoticeKind,
    w: &NoticeWording,
    f: &NoticeFacts,
    profile: &CompanyProfile,
) -> Document {
    let v = values(kind, f, profile);
    let (logo, seal) = images(profile);
    let title = fill(&w.title, &v);
    let mut blocks = title_block(&title, &f.case_no);
    let salutation = fill(&w.salutation, &v);
    if !salutation.trim().is_empty() {
        blocks.push(Block::spaced(salutation, Style { indent: 0.0, ..body_style() }, 0.0, 2.0));
    }
    blocks.extend(paragraphs(&fill(&w.body, &v), body_style()));
    let due = f.due_date.as_deref().map_or_else(|| "—".into(), date_str_cn);
    let mut rows = vec![
        ("受理编号", f.case_no.clone()),
        ("受理日期", date_str_cn(&f.received_at)),
        ("受理渠道", f.channel.clone()),
        ("投诉事项", format!("{}　{}", f.product, f.category)),
    ];
    match kind {
        NoticeKind::Acknowledgment => {
            rows.push(("您的诉求", f.demand.clone()));
            rows.push(("预计办结日期", due));
        }
        NoticeKind::Progress => {
            if let Some(d) = &f.delay {
                rows.push(("延期原因", d.reason.clone()));
                rows.push(("原定日期", date_str_cn(&d.old_date)));
                rows.push(("新的日期", date_str_cn(&d.new_date)));
            }
        }
        _ => {
            rows.push(("处理结果", f.result.clone().unwrap_or_else(|| "—".into())));
            if let Some(c) = &f.closed_at {
                rows.push(("办结日期", date_str_cn(c)));
            }
        }
    }
    if let Some(h) = f.handler.as_deref().filter(|h| !h.is_empty()) {
        rows.push(("经办人", h.to_owned()));
    }
    rows.push(("服务热线", profile.hotline.clone()));
    blocks.push(Block::Space(8.0));
    blocks.push(particulars(rows));
    blocks.push(Block::Space(8.0));
    blocks.extend(paragraphs(&fill(&w.closing, &v), body_style()));
    blocks.extend(signature(profile, f.today, seal));
    document(&title, f, profile, logo, blocks)
}

fn settlement(t: &Templates, f: &NoticeFacts, profile: &CompanyProfile) -> Document {
    let w = &t.settlement;
    let v = values(NoticeKind::Settlement, f, profile);
    let (logo, seal) = images(profile);
    let title = fill(&w.title, &v);
    let mut blocks = title_block(&title, &f.case_no);
    let party = Style::new(Face::Serif, 12.0).leading(22.0).align(Align::Left);
    let label = Style { face: Face::Sans, ..party };
    blocks.push(Block::text("甲方（经营者）：".to_owned() + &profile.company_name, label));
    if !profile.address.is_empty() {
        blocks.push(Block::text(format!("地址：{}", profile.address), party.indent(2.0)));
    }
    blocks.push(Block::text(format!("联系电话：{}", profile.hotline), party.indent(2.0)));
    blocks.push(Block::spaced(format!("乙方（消费者）：{}", f.consumer_name), label, 6.0, 0.0));
    if let Some(p) = &f.consumer_phone {
        blocks.push(Block::text(format!("联系电话：{p}"), party.indent(2.0)));
    }
    if let Some(a) = &f.consumer_address {
        blocks.push(Block::text(format!("地址：{a}"), party.indent(2.0)));
    }
    blocks.push(Block::Space(8.0));
    blocks.extend(paragraphs(&fill(&w.preamble, &v), body_style()));
    // The agreed measures, then the standard terms, numbered together.
    let mut n = 0;
    let mut clause = |text: String| {
        n += 1;
        Block::text(format!("{}、{text}", numeral_cn(n)), body_style())
    };
    let total: i64 = f.measures.iter().filter_map(|m| m.amount_fen).sum();
    blocks.push(clause(format!(
        "双方同意按下列措施解决本次纠纷{}：",
        if total > 0 {
            format!("，涉及款项合计{}（{}）", money_upper(total), money(total))
        } else {
            String::new()
        }
    )));
    let rows = f
        .measures
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                (i + 1).to_string(),
                m.kind.clone(),
                m.description.clone(),
                m.amount_fen.map(money).unwrap_or_else(|| "—".into()),
                m.due.as_deref().map_or_else(|| "—".into(), date_str_cn),
            ]
        })
        .collect();
    let cell = Style::new(Face::Serif, 10.5).leading(17.0).align(Align::Left);
    blocks.push(Block::Table(Table {
        columns: vec![
            Column { title: "序号".into(), weight: 0.6, align: None },
            Column { title: "措施".into(), weight: 1.1, align: None },
            Column { title: "具体内容".into(), weight: 3.2, align: None },
            Column { title: "金额（元）".into(), weight: 1.3, align: None },
            Column { title: "完成期限".into(), weight: 1.5, align: None },
        ],
        header: true,
        rows,
        style: cell,
        header_style: Style { face: Face::Sans, align: Align::Centre, ..cell },
        padding: 4.0,
        borders: true,
    }));
    blocks.push(Block::Space(6.0));
    for term in fill(&w.terms, &v).lines().filter(|l| !l.trim().is_empty()) {
        blocks.push(clause(term.trim().to_owned()));
    }
    // Nothing may be added between the terms and the signatures.
    blocks.push(Block::text(
        "（以下无正文）",
        Style::new(Face::Serif, 12.0).leading(22.0).align(Align::Centre),
    ));
    blocks.push(Block::Space(30.0));
    let sign = Style::new(Face::Serif, 12.0).leading(30.0).align(Align::Left);
    blocks.push(Block::Table(Table {
        columns: vec![
            Column { title: String::new(), weight: 1.0, align: None },
            Column { title: String::new(), weight: 1.0, align: None },
        ],
        header: false,
        rows: vec![
            vec!["甲方（盖章）：".into(), "乙方（签字）：".into()],
            vec!["授权代表（签字）：".into(), "身份证件号码：".into()],
            vec!["日期：　　　　年　　月　　日".into(), "日期：　　　　年　　月　　日".into()],
        ],
        style: sign,
        header_style: sign,
        padding: 2.0,
        borders: false,
    }));
    if let Some(seal) = seal {
        // Over 甲方's signature line, left half of the block.
        blocks.push(Block::Stamp {
            image: seal,
            width: 40.0 * super::pdf::MM,
            dx: -72.0 * super::pdf::MM,
            dy: -40.0,
        });
    }
    document(&title, f, profile, logo, blocks)
}

/// The document for `kind`.
pub fn notice(
    kind: NoticeKind,
    facts: &NoticeFacts,
    profile: &CompanyProfile,
    t: &Templates,
) -> Document {
    match kind {
        NoticeKind::Acknowledgment => letter(kind, &t.acknowledgment, facts, profile),
        NoticeKind::Progress => letter(kind, &t.progress, facts, profile),
        NoticeKind::Result => letter(kind, &t.result, facts, profile),
        NoticeKind::Settlement => settlement(t, facts, profile),
    }
}
