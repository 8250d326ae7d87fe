//! 消费纠纷统计分析报告 (§五(三)1): the periodic report to management. A cover, a table of
//! contents, the period's summary, the KPIs against their targets, the distributions and the
//! trend as tables and vector charts, the hotspots with their evidence, the author's
//! conclusions, proposals and measures, and an appendix listing the period's cases; the
//! company and title at the head and 第 x 页 共 y 页 at the foot of every page.

use chrono::{DateTime, NaiveDate, Utc};

use super::chart::Chart;
use super::fonts::Face;
use super::pdf::{Align, Block, Colour, Column, Document, RunningHead, Style, Table, MM};
use super::text::date_cn;

/// A table as the report prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
}

/// One section of distributions: a chart, its table, a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub title: String,
    pub chart: Option<Chart>,
    pub table: ReportTable,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportData {
    pub company: String,
    /// 2026年第三季度消费纠纷统计分析报告.
    pub title: String,
    /// 2026年7月1日至2026年9月30日.
    pub span: String,
    pub author: String,
    pub unit: Option<String>,
    pub date: NaiveDate,
    pub created: DateTime<Utc>,
    /// `客服报〔2026〕3号` once issued.
    pub doc_no: Option<String>,
    /// Paragraphs of the summary (written from the figures).
    pub summary: Vec<String>,
    pub kpis: ReportTable,
    pub kpis_by_unit: Option<ReportTable>,
    pub distributions: Vec<Distribution>,
    pub trend: Chart,
    pub hotspot_method: String,
    pub hotspots: ReportTable,
    pub conclusions: String,
    pub proposals: String,
    pub appendix_note: String,
    pub appendix: ReportTable,
}

/// The sections, in order: the anchor and the heading of each.
pub const SECTIONS: [(&str, &str); 7] = [
    ("summary", "一、总体情况"),
    ("kpis", "二、关键指标与目标完成情况"),
    ("distributions", "三、纠纷分布"),
    ("trend", "四、变化趋势"),
    ("hotspots", "五、热点问题"),
    ("proposals", "六、结论、建议和措施"),
    ("appendix", "附录：本期案件清单"),
];

fn body() -> Style {
    Style::new(Face::Serif, 12.0).leading(21.0).indent(2.0).align(Align::Justify)
}

fn heading(text: &str) -> Block {
    Block::heading(text, Style::new(Face::Sans, 15.0).leading(24.0), 14.0, 8.0)
}

fn subheading(text: &str) -> Block {
    Block::heading(text, Style::new(Face::Kai, 13.0).leading(22.0), 8.0, 4.0)
}

fn table(t: &ReportTable) -> Block {
    Block::Table(Table {
        columns: t
            .columns
            .iter()
            .enumerate()
            .map(|(i, (title, weight))| Column {
                title: title.clone(),
                weight: *weight,
                align: (i > 0).then_some(Align::Right),
            })
            .collect(),
        header: true,
        rows: t.rows.clone(),
        style: Style::new(Face::Serif, 9.5).leading(13.0),
        header_style: Style::new(Face::Sans, 9.5).leading(13.0).align(Align::Centre),
        padding: 3.0,
        borders: true,
    })
}

fn paragraphs(text: &str) -> Vec<Block> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block::spaced(p, body(), 0.0, 2.0))
        .collect()
}

/// The report as a document; `toc` gives each section's page (none on the first pass).
pub fn document(r: &ReportData, toc: &[(String, usize)]) -> Document {
    let mut b = Vec::new();
    // Cover.
    b.push(Block::spaced(
        "内部资料 注意保密",
        Style::new(Face::Sans, 11.0).leading(16.0).align(Align::Left),
        0.0,
        0.0,
    ));
    if r.doc_no.is_none() {
        b.push(Block::spaced(
            "草稿",
            Style::new(Face::Sans, 11.0).leading(16.0).align(Align::Right).colour(Colour::RED),
            0.0,
            0.0,
        ));
    }
    b.push(Block::Space(70.0 * MM));
    let centred =
        |size: f32, face: Face| Style::new(face, size).leading(size * 1.6).align(Align::Centre);
    b.push(Block::spaced(&r.company, centred(16.0, Face::Sans), 0.0, 10.0));
    b.push(Block::spaced(&r.title, centred(24.0, Face::SerifBold), 0.0, 12.0));
    b.push(Block::spaced(format!("统计期间：{}", r.span), centred(13.0, Face::Kai), 0.0, 4.0));
    if let Some(no) = &r.doc_no {
        b.push(Block::spaced(no, centred(13.0, Face::Serif), 0.0, 4.0));
    }
    b.push(Block::Space(70.0 * MM));
    let who = match &r.unit {
        Some(unit) => format!("编制：{unit}　{}", r.author),
        None => format!("编制：{}", r.author),
    };
    b.push(Block::spaced(who, centred(12.0, Face::Serif), 0.0, 4.0));
    b.push(Block::spaced(date_cn(r.date), centred(12.0, Face::Serif), 0.0, 0.0));
    b.push(Block::PageBreak);

    // Contents.
    b.push(Block::spaced("目　录", centred(18.0, Face::Sans), 0.0, 14.0));
    let rows = SECTIONS
        .iter()
        .map(|(anchor, title)| {
            let page = toc.iter().find(|(a, _)| a == anchor).map(|(_, p)| p.to_string());
            vec![(*title).to_owned(), page.unwrap_or_else(|| "—".into())]
        })
        .collect();
    b.push(Block::Table(Table {
        columns: vec![
            Column { title: String::new(), weight: 6.0, align: None },
            Column { title: String::new(), weight: 1.0, align: Some(Align::Right) },
        ],
        header: false,
        rows,
        style: Style::new(Face::Serif, 12.0).leading(24.0),
        header_style: Style::new(Face::Serif, 12.0).leading(24.0),
        padding: 2.0,
        borders: false,
    }));
    b.push(Block::PageBreak);

    b.push(Block::spaced(&r.title, centred(18.0, Face::SerifBold), 0.0, 10.0));
    b.push(Block::Anchor("summary".into()));
    b.push(heading(SECTIONS[0].1));
    for p in &r.summary {
        b.push(Block::spaced(p, body(), 0.0, 2.0));
    }

    b.push(Block::Anchor("kpis".into()));
    b.push(heading(SECTIONS[1].1));
    b.push(table(&r.kpis));
    if let Some(units) = &r.kpis_by_unit {
        b.push(subheading("（一）各部门指标"));
        b.push(table(units));
    }

    b.push(Block::Anchor("distributions".into()));
    b.push(heading(SECTIONS[2].1));
    for (i, d) in r.distributions.iter().enumerate() {
        b.push(subheading(&format!("（{}）{}", super::text::numeral_cn(i + 1), d.title)));
        if let Some(chart) = &d.chart {
            b.push(Block::Chart(chart.clone()));
        }
        b.push(table(&d.table));
        if let Some(note) = &d.note {
            b.push(Block::spaced(note, body(), 2.0, 2.0));
        }
    }

    b.push(Block::Anchor("trend".into()));
    b.push(heading(SECTIONS[3].1));
    b.push(Block::Chart(r.trend.clone()));

    b.push(Block::Anchor("hotspots".into()));
    b.push(heading(SECTIONS[4].1));
    b.push(Block::spaced(&r.hotspot_method, body(), 0.0, 4.0));
    if r.hotspots.rows.is_empty() {
        b.push(Block::spaced("本期未发现显著上升的热点。", body(), 0.0, 2.0));
    } else {
        b.push(table(&r.hotspots));
    }

    b.push(Block::Anchor("proposals".into()));
    b.push(heading(SECTIONS[5].1));
    b.push(subheading("（一）结论"));
    b.extend(paragraphs(&r.conclusions));
    b.push(subheading("（二）建议和措施"));
    b.extend(paragraphs(&r.proposals));

    b.push(Block::PageBreak);
    b.push(Block::Anchor("appendix".into()));
    b.push(heading(SECTIONS[6].1));
    b.push(Block::spaced(&r.appendix_note, body(), 0.0, 4.0));
    b.push(table(&r.appendix));

    Document {
        title: r.title.clone(),
        author: r.company.clone(),
        subject: format!("消费纠纷统计分析报告 {}", r.span),
        keywords: vec!["统计分析".into(), "消费纠纷".into()],
        created: r.created,
        margins: (30.0, 22.0, 25.0, 25.0),
        head: Some(RunningHead { left: r.company.clone(), right: r.title.clone(), logo: None }),
        page_numbers: true,
        blocks: b,
    }
}
