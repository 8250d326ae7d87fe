//! The contingency plan (应急预案) and the incident report (突发事件处置报告) as printed
//! documents (§六).

use chrono::{DateTime, Utc};

use super::fonts::Face;
use super::pdf::{Align, Block, Colour, Column, Document, RunningHead, Style, Table};
use super::text::{date_str_cn, numeral_cn};
use crate::domain::case::CaseStatus;
use crate::domain::emergency::ContingencyContent;
use crate::export::status_label;
use crate::i18n::Lang;
use crate::ops::emergency::IncidentView;
use crate::time;

pub struct ContingencyPdf {
    pub company: String,
    pub kind: String,
    pub title: String,
    pub version: i64,
    pub approved: bool,
    pub approved_by: Option<String>,
    pub effective_from: Option<String>,
    pub change_note: String,
    pub content: ContingencyContent,
    pub created: DateTime<Utc>,
}

pub struct IncidentPdf {
    pub company: String,
    pub author: String,
    pub created: DateTime<Utc>,
    pub view: IncidentView,
    /// Linked cases per status code.
    pub by_status: Vec<(String, i64)>,
}

fn body() -> Style {
    Style::new(Face::Serif, 12.0).leading(21.0).indent(2.0).align(Align::Justify)
}

fn heading(text: &str) -> Block {
    Block::heading(text, Style::new(Face::Sans, 14.0).leading(22.0), 12.0, 6.0)
}

fn paragraphs(text: &str) -> Vec<Block> {
    let blocks: Vec<Block> = text
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block::spaced(p, body(), 0.0, 2.0))
        .collect();
    if blocks.is_empty() {
        vec![Block::spaced("（无）", body(), 0.0, 2.0)]
    } else {
        blocks
    }
}

fn table(columns: &[(&str, f32)], rows: Vec<Vec<String>>) -> Block {
    Block::Table(Table {
        columns: columns
            .iter()
            .map(|(title, weight)| Column {
                title: (*title).to_owned(),
                weight: *weight,
                align: None,
            })
            .collect(),
        header: true,
        rows,
        style: Style::new(Face::Serif, 9.5).leading(13.0),
        header_style: Style::new(Face::Sans, 9.5).leading(13.0).align(Align::Centre),
        padding: 3.0,
        borders: true,
    })
}

fn title_block(b: &mut Vec<Block>, company: &str, title: &str, line: &str) {
    let centred =
        |size: f32, face: Face| Style::new(face, size).leading(size * 1.5).align(Align::Centre);
    b.push(Block::spaced(company, centred(14.0, Face::Sans), 0.0, 6.0));
    b.push(Block::spaced(title, centred(20.0, Face::SerifBold), 0.0, 6.0));
    b.push(Block::spaced(line, centred(12.0, Face::Kai), 0.0, 10.0));
    b.push(Block::Rule { thickness: 0.8, colour: Colour::RED, before: 0.0, after: 10.0 });
}

fn when(db_text: &Option<String>) -> String {
    db_text.as_deref().map(time::display).unwrap_or_else(|| "—".into())
}

pub fn plan_document(p: &ContingencyPdf) -> Document {
    let mut b = Vec::new();
    let status = match (&p.effective_from, p.approved) {
        (Some(d), true) => format!(
            "第{}版　{}批准　自{}起施行",
            p.version,
            p.approved_by.clone().unwrap_or_default(),
            date_str_cn(d)
        ),
        _ => format!("第{}版　草稿（未批准）", p.version),
    };
    title_block(&mut b, &p.company, &p.title, &format!("{}类应急预案　{status}", p.kind));
    let c = &p.content;
    let mut n = 0;
    let mut section = |b: &mut Vec<Block>, name: &str| {
        n += 1;
        b.push(heading(&format!("{}、{name}", numeral_cn(n))));
    };
    section(&mut b, "适用范围与启动条件");
    b.extend(paragraphs(&c.scope));
    section(&mut b, "组织机构与职责分工");
    b.push(table(
        &[
            ("职务", 1.2),
            ("姓名", 1.0),
            ("电话", 1.4),
            ("替补", 1.0),
            ("替补电话", 1.4),
            ("职责", 3.0),
        ],
        c.organisation
            .iter()
            .map(|r| {
                vec![
                    r.role.clone(),
                    r.name.clone(),
                    r.phone.clone(),
                    r.deputy.clone(),
                    r.deputy_phone.clone(),
                    r.duties.clone(),
                ]
            })
            .collect(),
    ));
    section(&mut b, "处理流程");
    b.push(table(
        &[("序号", 0.6), ("步骤", 4.0), ("负责", 1.2), ("时限", 1.2)],
        c.steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![
                    (i + 1).to_string(),
                    s.title.clone(),
                    s.role.clone(),
                    s.within_hours.map(|h| format!("启动后{h}小时内")).unwrap_or_default(),
                ]
            })
            .collect(),
    ));
    section(&mut b, "沟通协调机制");
    b.extend(paragraphs(&c.communication));
    section(&mut b, "信息报告");
    if c.reporting.is_empty() {
        b.extend(paragraphs(""));
    } else {
        b.push(table(
            &[("报告对象", 2.0), ("时限", 1.4), ("报告内容", 4.0)],
            c.reporting
                .iter()
                .map(|r| {
                    vec![
                        r.authority.clone(),
                        format!("事件认定后{}小时内", r.within_hours),
                        r.content.clone(),
                    ]
                })
                .collect(),
        ));
    }
    if !p.change_note.is_empty() {
        section(&mut b, "本版修订说明");
        b.extend(paragraphs(&p.change_note));
    }
    Document {
        title: format!("{}（第{}版）", p.title, p.version),
        author: p.company.clone(),
        subject: "应急预案".into(),
        keywords: vec!["应急预案".into(), p.kind.clone()],
        created: p.created,
        margins: (30.0, 26.0, 28.0, 28.0),
        head: Some(RunningHead { left: p.company.clone(), right: p.title.clone(), logo: None }),
        page_numbers: true,
        blocks: b,
    }
}

fn event_label(kind: &str) -> &'static str {
    match kind {
        "incident.declared" => "认定突发事件",
        "incident.cases_linked" => "关联案件",
        "incident.plan_activated" => "启动应急预案",
        "incident.step_updated" => "处置步骤",
        "incident.reported" => "向有关部门报告",
        "incident.reply_recorded" => "收到回复",
        "incident.measure_recorded" => "采取控制措施",
        "incident.measure_assessed" => "评估措施效果",
        "incident.reviewed" => "总结评估",
        "incident.closed" => "结案",
        _ => "其他",
    }
}

fn event_detail(kind: &str, d: &serde_json::Value) -> String {
    let s = |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    match kind {
        "incident.declared" => s("title"),
        "incident.cases_linked" => {
            let n = d.get("case_ids").and_then(|v| v.as_array()).map_or(0, Vec::len);
            if d.get("auto").and_then(|v| v.as_bool()).unwrap_or(false) {
                format!("新受理案件自动关联 {n} 件")
            } else {
                format!("关联 {n} 件")
            }
        }
        "incident.plan_activated" => {
            format!("第{}版", d.get("plan_version").and_then(|v| v.as_i64()).unwrap_or(0))
        }
        "incident.step_updated" => {
            let seq = d.get("seq").and_then(|v| v.as_i64()).unwrap_or(0);
            if d.get("done_at").is_some_and(|v| !v.is_null()) {
                format!("第{seq}步完成")
            } else if d.get("started_at").is_some_and(|v| !v.is_null()) {
                format!("第{seq}步开始")
            } else {
                format!("第{seq}步更新")
            }
        }
        "incident.reported" => format!("{}（{}）", s("authority"), s("channel")),
        "incident.reply_recorded" => s("reply"),
        "incident.measure_recorded" => s("measure"),
        "incident.measure_assessed" => s("effect"),
        _ => String::new(),
    }
}

pub fn incident_document(p: &IncidentPdf) -> Document {
    let v = &p.view;
    let mut b = Vec::new();
    title_block(
        &mut b,
        &p.company,
        &format!("{}处置报告", v.title),
        &format!("{}　{}　{}类", v.incident_no, v.level.label_zh(), v.kind.label_zh()),
    );
    let mut n = 0;
    let mut section = |b: &mut Vec<Block>, name: &str| {
        n += 1;
        b.push(heading(&format!("{}、{name}", numeral_cn(n))));
    };
    section(&mut b, "事件概况");
    b.extend(paragraphs(&v.summary));
    let mut facts = vec![
        vec!["认定时间".into(), format!("{}（{}）", time::display(&v.declared_at), v.declared_by)],
        vec![
            "应急预案".into(),
            match (&v.plan_title, v.plan_version) {
                (Some(t), Some(n)) => format!("{t}（第{n}版），{}启动", when(&v.activated_at)),
                _ => "未启动".into(),
            },
        ],
        vec![
            "状态".into(),
            match &v.closed_at {
                Some(at) => format!(
                    "已结案（{}，{}）",
                    time::display(at),
                    v.closed_by.clone().unwrap_or_default()
                ),
                None => "处置中".into(),
            },
        ],
    ];
    if let Some(o) = &v.origin {
        facts.push(vec![
            "预警依据".into(),
            format!(
                "{}：{} 小时内 {} 件，预期 {:.1} 件，p = {:.2e}",
                o.label, o.window_hours, o.observed, o.expected, o.p_value
            ),
        ]);
    }
    b.push(table(&[("项目", 1.0), ("内容", 5.0)], facts));

    section(&mut b, "关联案件");
    b.push(Block::spaced(
        format!(
            "共关联案件 {} 件，其中尚未办结 {} 件；近24小时新增 {} 件。",
            v.live.cases, v.live.open_cases, v.live.new_24h
        ),
        body(),
        0.0,
        4.0,
    ));
    let status_rows = p
        .by_status
        .iter()
        .map(|(code, count)| {
            let label =
                CaseStatus::from_code(code).map_or(code.as_str(), |s| status_label(s, Lang::Zh));
            vec![label.to_owned(), count.to_string()]
        })
        .collect();
    b.push(table(&[("案件状态", 2.0), ("件数", 1.0)], status_rows));
    if !v.live.stores.is_empty() {
        b.push(Block::Space(6.0));
        b.push(table(
            &[("涉及门店", 3.0), ("件数", 1.0)],
            v.live.stores.iter().map(|s| vec![s.name.clone(), s.count.to_string()]).collect(),
        ));
    }
    if !v.live.products.is_empty() {
        b.push(Block::Space(6.0));
        b.push(table(
            &[("涉及商品/型号", 3.0), ("件数", 1.0)],
            v.live.products.iter().map(|s| vec![s.name.clone(), s.count.to_string()]).collect(),
        ));
    }

    section(&mut b, "处置步骤");
    if v.steps.is_empty() {
        b.extend(paragraphs(""));
    } else {
        b.push(table(
            &[
                ("序号", 0.5),
                ("步骤", 3.0),
                ("负责人", 1.0),
                ("时限", 1.4),
                ("开始", 1.4),
                ("完成", 1.4),
            ],
            v.steps
                .iter()
                .map(|s| {
                    vec![
                        s.seq.to_string(),
                        s.title.clone(),
                        s.owner.clone(),
                        when(&s.due_at),
                        when(&s.started_at),
                        when(&s.done_at),
                    ]
                })
                .collect(),
        ));
    }

    section(&mut b, "信息报告");
    if v.reports.is_empty() {
        b.extend(paragraphs(""));
    } else {
        b.push(table(
            &[
                ("报告对象", 1.6),
                ("时限", 1.4),
                ("报告时间", 1.4),
                ("方式", 0.8),
                ("内容", 2.6),
                ("回复", 2.0),
            ],
            v.reports
                .iter()
                .map(|r| {
                    vec![
                        r.authority.clone(),
                        when(&r.due_at),
                        match &r.reported_at {
                            Some(at) if r.overdue => format!("{}（逾期）", time::display(at)),
                            Some(at) => time::display(at),
                            None => "未报告".into(),
                        },
                        r.channel.clone(),
                        r.content.clone(),
                        r.reply.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ));
    }

    section(&mut b, "控制措施及效果");
    if v.measures.is_empty() {
        b.extend(paragraphs(""));
    } else {
        b.push(table(
            &[("时间", 1.4), ("措施", 3.4), ("实施人", 1.0), ("效果", 3.0)],
            v.measures
                .iter()
                .map(|m| {
                    vec![
                        time::display(&m.taken_at),
                        m.measure.clone(),
                        m.taken_by.clone(),
                        m.effect.clone().unwrap_or_else(|| "待评估".into()),
                    ]
                })
                .collect(),
        ));
    }

    section(&mut b, "总结评估");
    match &v.review {
        None => b.extend(paragraphs("尚未进行总结评估。")),
        Some(r) => {
            for (name, text) in [
                ("（一）事件发生的原因", &r.causes),
                ("（二）处理过程中存在的问题", &r.problems),
                ("（三）有效做法", &r.worked),
                ("（四）经验教训", &r.lessons),
                ("（五）预案完善建议", &r.plan_revisions),
            ] {
                b.push(Block::heading(name, Style::new(Face::Kai, 12.5).leading(21.0), 4.0, 2.0));
                b.extend(paragraphs(text));
            }
            for rp in &v.revised_plans {
                b.push(Block::spaced(
                    format!("据此修订：{}（第{}版）", rp.title, rp.version),
                    body(),
                    0.0,
                    2.0,
                ));
            }
        }
    }

    section(&mut b, "处置过程记录");
    b.push(table(
        &[("时间", 1.4), ("人员", 1.0), ("事项", 1.4), ("内容", 4.0)],
        v.timeline
            .iter()
            .map(|e| {
                vec![
                    time::display(&e.at),
                    e.actor.clone(),
                    event_label(&e.kind).to_owned(),
                    event_detail(&e.kind, &e.detail),
                ]
            })
            .collect(),
    ));
    b.push(Block::spaced(
        format!("报告人：{}　　　{}", p.author, time::display(&time::to_db(p.created))),
        Style::new(Face::Serif, 12.0).leading(21.0).align(Align::Right),
        14.0,
        0.0,
    ));
    Document {
        title: format!("{} {}处置报告", v.incident_no, v.title),
        author: p.company.clone(),
        subject: "突发事件处置报告".into(),
        keywords: vec!["应急处置".into(), v.incident_no.clone()],
        created: p.created,
        margins: (30.0, 26.0, 28.0, 28.0),
        head: Some(RunningHead {
            left: p.company.clone(),
            right: v.incident_no.clone(),
            logo: None,
        }),
        page_numbers: true,
        blocks: b,
    }
}
