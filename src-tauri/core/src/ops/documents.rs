//! `documents.*` and `bulletins.*`: notices to consumers and internal bulletins as PDF, the
//! company's particulars and the documents' wording.

use base64::Engine;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::codes::{self, CodeList};
use crate::doc_no::{self, Numbered};
use crate::documents::bulletin::{self, BulletinCase, BulletinContent, Issue};
use crate::documents::mask::{scrub, Masking, Personal};
use crate::documents::notice::{self, Delay, MeasureFact, NoticeFacts, NoticeKind};
use crate::documents::templates::{self, CompanyProfile, Templates};
use crate::documents::text::{date_str_cn, fill, money};
use crate::documents::{fonts, pdf};
use crate::domain::case::{CaseStatus, MeasureKind, OfferResponse, PlanStatus};
use crate::domain::events::{
    BulletinDiscarded, BulletinIssued, BulletinSaved, EventBody, SettingChanged,
};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::evidence::Store;
use crate::ops::cases::{self, CaseDetail, CaseGetRequest};
use crate::ops::work::{self, HandlingRequest, HandlingView};
use crate::storage::Db;
use crate::time::china;

/// A generated PDF, ready to preview, save or print.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct GeneratedPdf {
    /// A file name to suggest when saving: `受理回执-TS202611280001.pdf`.
    pub file_name: String,
    pub title: String,
    pub pages: u32,
    pub size: u32,
    /// The PDF, base64.
    pub data: String,
}

pub(crate) fn generated(
    file_name: String,
    title: String,
    pages: usize,
    bytes: &[u8],
) -> GeneratedPdf {
    GeneratedPdf {
        file_name,
        title,
        pages: u32::try_from(pages).unwrap_or(u32::MAX),
        size: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    }
}

/// Lays out and writes a document off the async threads (fonts are parsed on first use).
async fn render(doc: pdf::Document) -> CoreResult<(Vec<u8>, usize)> {
    tokio::task::spawn_blocking(move || {
        let fonts = fonts::shared()?;
        Ok(pdf::render(&fonts, &doc))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("rendering: {e}")))?
}

// ---------------------------------------------------------------- settings

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DocumentSettings {
    pub profile: CompanyProfile,
    pub templates: Templates,
    /// The wording Redress ships, to restore a template from.
    pub defaults: Templates,
    /// The placeholders each document's wording may use.
    pub placeholders: DocumentPlaceholders,
}

impl DocumentSettings {
    /// The settings as stored, with what Redress ships beside them.
    fn of(profile: CompanyProfile, templates: Templates) -> Self {
        Self {
            profile,
            templates,
            defaults: Templates::default(),
            placeholders: DocumentPlaceholders::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DocumentPlaceholders {
    pub acknowledgment: Vec<String>,
    pub progress: Vec<String>,
    pub result: Vec<String>,
    pub settlement: Vec<String>,
    pub bulletin: Vec<String>,
}

impl DocumentPlaceholders {
    fn new() -> Self {
        let with = |extra: &[&str]| -> Vec<String> {
            templates::NOTICE_FIELDS.iter().chain(extra).map(|s| (*s).to_owned()).collect()
        };
        Self {
            acknowledgment: with(&[]),
            progress: with(&templates::PROGRESS_FIELDS),
            result: with(&templates::RESULT_FIELDS),
            settlement: with(&templates::SETTLEMENT_FIELDS),
            bulletin: templates::BULLETIN_FIELDS.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentSettingsRequest {}

pub async fn settings(
    db: &Db,
    actor: &Actor,
    _req: DocumentSettingsRequest,
) -> CoreResult<DocumentSettings> {
    actor.require_any(&[Permission::CaseView, Permission::TemplateEdit])?;
    let mut conn = db.pool().acquire().await?;
    let profile = templates::profile(&mut conn).await?;
    Ok(DocumentSettings::of(profile, templates::templates(&mut conn).await?))
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DocumentSettingsSave {
    pub profile: CompanyProfile,
    pub templates: Templates,
}

/// Saves the company's particulars and the wording (`template.edit`).
pub async fn settings_save(
    db: &Db,
    actor: &Actor,
    req: DocumentSettingsSave,
) -> CoreResult<DocumentSettings> {
    actor.require(Permission::TemplateEdit)?;
    let mut problems = req.profile.problems();
    problems.extend(req.templates.problems());
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let mut changes = Vec::new();
    if req.profile != templates::profile(&mut tx).await? {
        changes.push((templates::PROFILE, to_json(&req.profile)?));
    }
    if req.templates != templates::templates(&mut tx).await? {
        changes.push((templates::TEMPLATES, to_json(&req.templates)?));
    }
    for (key, value) in changes {
        let body = EventBody::SettingChanged(SettingChanged { key: key.into(), value });
        event_log::append(
            &mut tx,
            db,
            actor,
            NewEvent { case_id: None, occurred_at: db.now(), body },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(DocumentSettings::of(req.profile, req.templates))
}

fn to_json<T: Serialize>(v: &T) -> CoreResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| CoreError::Internal(e.to_string()))
}

// ---------------------------------------------------------------- notices

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NoticeRequest {
    /// The case's id or number.
    pub case: String,
    pub kind: NoticeKind,
}

fn measure_label(kind: MeasureKind) -> &'static str {
    match kind {
        MeasureKind::Return => "退货",
        MeasureKind::Exchange => "换货",
        MeasureKind::Repair => "维修",
        MeasureKind::Refund => "退款",
        MeasureKind::Compensation => "赔偿",
        MeasureKind::Apology => "赔礼道歉",
        MeasureKind::ServiceImprovement => "服务改进",
        MeasureKind::Other => "其他",
    }
}

async fn label(conn: &mut SqliteConnection, list: CodeList, code: &str) -> CoreResult<String> {
    Ok(codes::entries(conn, list)
        .await?
        .into_iter()
        .find(|e| e.code == code)
        .map_or_else(|| code.to_owned(), |e| e.label_zh))
}

/// The plan the consumer accepted, if any (the newest accepted version).
fn agreed(h: &HandlingView) -> Option<&work::PlanView> {
    let accepted: Vec<i64> = h
        .rounds
        .iter()
        .filter(|r| r.response == OfferResponse::Accepted)
        .map(|r| r.plan_version)
        .collect();
    h.plans.iter().find(|p| accepted.contains(&p.version) || p.status == PlanStatus::Accepted)
}

async fn facts(
    db: &Db,
    actor: &Actor,
    id: &str,
) -> CoreResult<(CaseDetail, HandlingView, NoticeFacts)> {
    let detail = cases::get(db, actor, CaseGetRequest { id: id.to_owned() }).await?;
    let handling = work::handling(db, actor, HandlingRequest { id: id.to_owned() }).await?;
    let mut conn = db.pool().acquire().await?;
    let c = &detail.case;
    let channel = label(&mut conn, CodeList::Channel, &c.channel).await?;
    let category = label(&mut conn, CodeList::Category, &c.category).await?;
    // The newest delay on the timeline.
    let delay = detail.timeline.iter().rev().find(|t| t.kind == "case.step_delayed").map(|t| {
        let s = |k: &str| t.detail.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        Delay { reason: s("reason"), old_date: s("old_due_on"), new_date: s("new_due_on") }
    });
    let measures = agreed(&handling)
        .map(|p| {
            p.measures
                .iter()
                .map(|m| MeasureFact {
                    kind: measure_label(m.kind).to_owned(),
                    description: m.description.clone(),
                    amount_fen: m.amount_fen,
                    due: m.steps.iter().map(|s| s.due_on.clone()).max(),
                })
                .collect()
        })
        .unwrap_or_default();
    let product = match detail.product_model.as_deref().filter(|m| !m.is_empty()) {
        Some(model) => format!("{}（{model}）", c.product_name),
        None => c.product_name.clone(),
    };
    let mut demand = match detail.demand.as_str() {
        "refund" => "退款",
        "exchange" => "换货",
        "repair" => "维修",
        "compensation" => "赔偿",
        "apology" => "赔礼道歉",
        "other" => "其他",
        other => other,
    }
    .to_owned();
    if let Some(a) = detail.demand_amount_fen {
        demand.push_str(&format!("（{}）", money(a)));
    }
    let now = db.now();
    let f = NoticeFacts {
        case_no: c.case_no.clone(),
        consumer_name: detail.consumer.name.clone(),
        consumer_phone: detail.consumer.mobile.clone().or_else(|| detail.consumer.landline.clone()),
        consumer_address: detail.consumer.address.clone(),
        received_at: c.received_at.clone(),
        channel,
        product,
        category,
        demand,
        due_date: c.due_at.clone(),
        handler: c.handler.clone(),
        purchased_at: detail.purchased_at.clone(),
        order_no: detail.order_no.clone(),
        delay,
        measures,
        result: c.result.clone(),
        closed_at: detail.closed_at.clone(),
        today: now.with_timezone(&china()).date_naive(),
        created: now,
    };
    Ok((detail, handling, f))
}

/// A notice to the consumer of a case, as PDF.
pub async fn notice(db: &Db, actor: &Actor, req: NoticeRequest) -> CoreResult<GeneratedPdf> {
    actor.require(Permission::CaseView)?;
    actor.require_any(&[Permission::CaseIntake, Permission::CaseHandle])?;
    let id = {
        let mut conn = db.pool().acquire().await?;
        crate::ops::intake::case_ref(&mut conn, &req.case)
            .await?
            .ok_or_else(|| CoreError::NotFound { entity: "case", id: req.case.clone() })?
            .0
    };
    let (detail, handling, f) = facts(db, actor, &id).await?;
    match req.kind {
        NoticeKind::Progress if f.delay.is_none() => {
            return Err(CoreError::DocumentUnavailable { reason: "no_delay" })
        }
        NoticeKind::Result
            if f.result.is_none() && !matches!(detail.case.status, CaseStatus::Closed) =>
        {
            return Err(CoreError::DocumentUnavailable { reason: "no_result" })
        }
        NoticeKind::Settlement if agreed(&handling).is_none() => {
            return Err(CoreError::DocumentUnavailable { reason: "no_agreement" })
        }
        _ => {}
    }
    let (profile, wording) = {
        let mut conn = db.pool().acquire().await?;
        (templates::profile(&mut conn).await?, templates::templates(&mut conn).await?)
    };
    let doc = notice::notice(req.kind, &f, &profile, &wording);
    let title = doc.subject.clone();
    let (bytes, pages) = render(doc).await?;
    Ok(generated(format!("{title}-{}.pdf", f.case_no), title, pages, &bytes))
}

// ---------------------------------------------------------------- bulletins

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BulletinStatus {
    Draft,
    Issued,
    Discarded,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BulletinSummary {
    pub id: String,
    pub status: BulletinStatus,
    pub title: String,
    pub case_count: i64,
    pub doc_no: Option<String>,
    pub issued_on: Option<String>,
    pub issued_by: Option<String>,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
    pub pdf_size: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BulletinView {
    pub summary: BulletinSummary,
    pub content: BulletinContent,
    /// What the bulletin will print, with personal data masked as `content.masking` says.
    pub preview: BulletinContent,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BulletinsListRequest {
    /// Only drafts or only issued ones; all but discarded ones when absent.
    pub status: Option<BulletinStatus>,
}

const SUMMARY_COLUMNS: &str = "b.id, b.status, b.title, b.case_count, b.doc_no, b.issued_on, \
    (SELECT display_name FROM accounts a WHERE a.id = b.issued_by), \
    COALESCE((SELECT display_name FROM accounts a WHERE a.id = b.created_by), b.created_by), \
    b.created_at, b.updated_at, b.pdf_size";

type SummaryRow = (
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    Option<i64>,
);

fn summary(r: SummaryRow) -> BulletinSummary {
    BulletinSummary {
        id: r.0,
        status: match r.1.as_str() {
            "issued" => BulletinStatus::Issued,
            "discarded" => BulletinStatus::Discarded,
            _ => BulletinStatus::Draft,
        },
        title: r.2,
        case_count: r.3,
        doc_no: r.4,
        issued_on: r.5,
        issued_by: r.6,
        author: r.7,
        created_at: r.8,
        updated_at: r.9,
        pdf_size: r.10,
    }
}

/// Issued bulletins for everyone who sees cases; drafts for those who write bulletins.
pub async fn list(
    db: &Db,
    actor: &Actor,
    req: BulletinsListRequest,
) -> CoreResult<Vec<BulletinSummary>> {
    actor.require(Permission::CaseView)?;
    let writer = actor.may(Permission::BulletinIssue);
    let status = match req.status {
        Some(BulletinStatus::Draft) if !writer => return Ok(Vec::new()),
        Some(BulletinStatus::Discarded) if !writer => return Ok(Vec::new()),
        Some(BulletinStatus::Draft) => "('draft')",
        Some(BulletinStatus::Issued) => "('issued')",
        Some(BulletinStatus::Discarded) => "('discarded')",
        None if writer => "('draft', 'issued')",
        None => "('issued')",
    };
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM bulletins b WHERE b.status IN {status} \
         ORDER BY b.status = 'issued', COALESCE(b.year, 9999) DESC, COALESCE(b.seq, 0) DESC, \
         b.updated_at DESC"
    ))
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(summary).collect())
}

async fn load(
    conn: &mut SqliteConnection,
    actor: &Actor,
    id: &str,
) -> CoreResult<(BulletinSummary, BulletinContent, Option<String>)> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT content, COALESCE(pdf_sha256, '') FROM bulletins WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (content, sha) =
        row.ok_or_else(|| CoreError::NotFound { entity: "bulletin", id: id.to_owned() })?;
    let s: SummaryRow =
        sqlx::query_as(&format!("SELECT {SUMMARY_COLUMNS} FROM bulletins b WHERE b.id = ?"))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let s = summary(s);
    if s.status != BulletinStatus::Issued && !actor.may(Permission::BulletinIssue) {
        return Err(CoreError::Forbidden { permission: Some(Permission::BulletinIssue) });
    }
    let content: BulletinContent = serde_json::from_str(&content)
        .map_err(|e| CoreError::Internal(format!("bulletin: {e}")))?;
    Ok((s, content, Some(sha).filter(|s| !s.is_empty())))
}

/// Name, mobile, landline, e-mail, address.
type ContactRow = (String, Option<String>, Option<String>, Option<String>, Option<String>);

/// The consumers of a bulletin's cases (their data is what masking hides).
async fn people(
    conn: &mut SqliteConnection,
    content: &BulletinContent,
) -> CoreResult<Vec<Personal>> {
    let mut out = Vec::new();
    for c in &content.cases {
        let row: Option<ContactRow> = sqlx::query_as(
            "SELECT p.name, p.mobile, p.landline, p.email, p.address FROM cases c \
                 JOIN consumers p ON p.id = c.consumer_id WHERE c.id = ?",
        )
        .bind(&c.case_id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((name, mobile, landline, email, address)) = row {
            out.push(Personal {
                name,
                phones: mobile.into_iter().chain(landline).collect(),
                email,
                address,
            });
        }
    }
    Ok(out)
}

async fn view(conn: &mut SqliteConnection, actor: &Actor, id: &str) -> CoreResult<BulletinView> {
    let (summary, content, _) = load(conn, actor, id).await?;
    let people = people(conn, &content).await?;
    let preview = bulletin::masked(&content, &people);
    Ok(BulletinView { summary, content, preview })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BulletinRequest {
    pub id: String,
}

pub async fn get(db: &Db, actor: &Actor, req: BulletinRequest) -> CoreResult<BulletinView> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    view(&mut conn, actor, &req.id).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BulletinDraftRequest {
    /// Ids or numbers of the typical cases, in the order the bulletin tells them.
    pub cases: Vec<String>,
}

/// The first draft of one case's part, from what the case records (already masked).
async fn draft_case(db: &Db, actor: &Actor, id: &str, lessons: &str) -> CoreResult<BulletinCase> {
    let (detail, handling, f) = facts(db, actor, id).await?;
    let c = &detail.case;
    let person = Personal {
        name: detail.consumer.name.clone(),
        phones: detail
            .consumer
            .mobile
            .iter()
            .chain(detail.consumer.landline.iter())
            .cloned()
            .collect(),
        email: detail.consumer.email.clone(),
        address: detail.consumer.address.clone(),
    };
    let where_ = c.store.clone().or_else(|| c.department.clone()).unwrap_or_default();
    let heading = format!("{where_}{}{}纠纷", f.product, f.category);
    let summary = format!(
        "{}，消费者{}通过{}反映：{}消费者诉求：{}。",
        date_str_cn(&c.received_at),
        detail.consumer.name,
        f.channel,
        end_sentence(detail.content.trim()),
        f.demand.trim_end_matches('。'),
    );
    let mut cause = String::new();
    if let Some(rc) = &detail.root_cause {
        cause.push_str(&format!("经调查，纠纷的主要原因为{}。", root_cause_label(rc)));
    }
    for n in &handling.notes {
        cause.push_str(&end_sentence(n.fact.trim()));
    }
    if cause.is_empty() {
        cause.push_str("（请填写调查核实的原因）");
    }
    let mut handled = String::new();
    if !f.measures.is_empty() {
        let m: Vec<String> = f
            .measures
            .iter()
            .map(|m| match m.amount_fen {
                Some(a) => format!("{}（{}，{}）", m.description, m.kind, money(a)),
                None => format!("{}（{}）", m.description, m.kind),
            })
            .collect();
        handled.push_str(&format!("经协商，双方同意：{}。", m.join("；")));
    }
    if let Some(r) = &c.result {
        handled.push_str(&format!("处理结果：{}", end_sentence(r.trim())));
    }
    if let Some(fb) = handling.feedback.first() {
        handled.push_str(&format!(
            "回访时消费者评价为{}（{}分）。",
            satisfaction_label(fb.satisfaction),
            fb.score
        ));
    }
    if handled.is_empty() {
        handled.push_str("（请填写处理经过与结果）");
    }
    let m = Masking::default();
    let people = [person];
    Ok(BulletinCase {
        case_id: c.id.clone(),
        case_no: c.case_no.clone(),
        heading: scrub(&heading, &people, m),
        summary: scrub(&summary, &people, m),
        cause: scrub(&cause, &people, m),
        handling: scrub(&handled, &people, m),
        lessons: lessons.to_owned(),
    })
}

fn end_sentence(s: &str) -> String {
    if s.is_empty() || s.ends_with(['。', '！', '？', '.', '!', '?']) {
        s.to_owned()
    } else {
        format!("{s}。")
    }
}

pub(crate) fn root_cause_label(code: &str) -> &'static str {
    match code {
        "product_defect" => "商品质量缺陷",
        "supplier" => "供应商原因",
        "consumer_misuse" => "消费者使用不当",
        "installation" => "安装不规范",
        "staff_conduct" => "员工服务不规范",
        "logistics" => "物流配送问题",
        "pricing_error" => "价格标示错误",
        "contract_terms" => "合同条款不清",
        _ => "其他原因",
    }
}

fn satisfaction_label(s: crate::domain::case::Satisfaction) -> &'static str {
    use crate::domain::case::Satisfaction::*;
    match s {
        Satisfied => "满意",
        FairlySatisfied => "基本满意",
        Dissatisfied => "不满意",
    }
}

/// Drafts a bulletin on the chosen cases, pre-written from their records.
pub async fn draft(db: &Db, actor: &Actor, req: BulletinDraftRequest) -> CoreResult<BulletinView> {
    actor.require(Permission::BulletinIssue)?;
    actor.require(Permission::CaseView)?;
    if req.cases.is_empty() {
        return Err(CoreError::DocumentUnavailable { reason: "no_cases" });
    }
    if req.cases.len() > 50 {
        return Err(CoreError::field("cases", FieldRule::OutOfRange { min: 1, max: 50 }));
    }
    let (profile, wording) = {
        let mut conn = db.pool().acquire().await?;
        (templates::profile(&mut conn).await?, templates::templates(&mut conn).await?)
    };
    let mut ids = Vec::new();
    {
        let mut conn = db.pool().acquire().await?;
        let mut problems = Vec::new();
        for (i, r) in req.cases.iter().enumerate() {
            match crate::ops::intake::case_ref(&mut conn, r).await? {
                Some((id, _)) if !ids.contains(&id) => ids.push(id),
                Some(_) => problems
                    .push(FieldProblem { field: format!("cases[{i}]"), rule: FieldRule::Taken }),
                None => problems.push(FieldProblem {
                    field: format!("cases[{i}]"),
                    rule: FieldRule::UnknownValue { value: r.clone() },
                }),
            }
        }
        ensure_valid(problems)?;
    }
    let w = &wording.bulletin;
    let v = [
        ("company", profile.company_name.clone()),
        ("department", profile.issuing_department.clone()),
        // 两起, not 二起, when counting.
        (
            "count",
            if ids.len() == 2 {
                "两".to_owned()
            } else {
                crate::documents::text::numeral_cn(ids.len())
            },
        ),
        ("year", db.now().with_timezone(&china()).year().to_string()),
    ];
    let lessons = fill(&w.lessons, &v);
    let mut cases = Vec::new();
    for id in &ids {
        cases.push(draft_case(db, actor, id, &lessons).await?);
    }
    let content = BulletinContent {
        title: fill(&w.title, &v),
        addressee: fill(&w.addressee, &v),
        intro: fill(&w.intro, &v),
        cases,
        closing: fill(&w.closing, &v),
        copy_to: Vec::new(),
        masking: Masking::default(),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = db.begin_write().await?;
    let body =
        EventBody::BulletinSaved(Box::new(BulletinSaved { bulletin_id: id.clone(), content }));
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    let v = view(&mut tx, actor, &id).await?;
    tx.commit().await?;
    Ok(v)
}

fn check_content(c: &BulletinContent) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let mut text = |field: String, value: &str, max: usize, required: bool| {
        if required && value.trim().is_empty() {
            problems.push(FieldProblem { field, rule: FieldRule::Required });
        } else if value.chars().count() > max {
            problems.push(FieldProblem { field, rule: FieldRule::TooLong { max } });
        }
    };
    text("title".into(), &c.title, 100, true);
    text("addressee".into(), &c.addressee, 200, false);
    text("intro".into(), &c.intro, 2_000, false);
    text("closing".into(), &c.closing, 2_000, false);
    for (i, k) in c.cases.iter().enumerate() {
        text(format!("cases[{i}].heading"), &k.heading, 100, true);
        text(format!("cases[{i}].summary"), &k.summary, 4_000, true);
        text(format!("cases[{i}].cause"), &k.cause, 4_000, false);
        text(format!("cases[{i}].handling"), &k.handling, 4_000, false);
        text(format!("cases[{i}].lessons"), &k.lessons, 4_000, false);
    }
    for (i, to) in c.copy_to.iter().enumerate() {
        text(format!("copy_to[{i}]"), to, 60, true);
    }
    if c.cases.is_empty() {
        problems.push(FieldProblem { field: "cases".into(), rule: FieldRule::Required });
    }
    problems
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BulletinSaveRequest {
    pub id: String,
    pub content: BulletinContent,
}

/// Saves the author's edits to a draft.
pub async fn save(db: &Db, actor: &Actor, req: BulletinSaveRequest) -> CoreResult<BulletinView> {
    actor.require(Permission::BulletinIssue)?;
    ensure_valid(check_content(&req.content))?;
    let mut tx = db.begin_write().await?;
    let (summary, old, _) = load(&mut tx, actor, &req.id).await?;
    if summary.status != BulletinStatus::Draft {
        return Err(CoreError::DocumentUnavailable { reason: "issued" });
    }
    // Cases stay those drafted (in any order); their ids cannot be swapped for others.
    let known: Vec<&str> = old.cases.iter().map(|c| c.case_id.as_str()).collect();
    let mut problems = Vec::new();
    for (i, c) in req.content.cases.iter().enumerate() {
        if !known.contains(&c.case_id.as_str()) {
            problems.push(FieldProblem {
                field: format!("cases[{i}].case_id"),
                rule: FieldRule::UnknownValue { value: c.case_id.clone() },
            });
        }
    }
    ensure_valid(problems)?;
    if req.content != old {
        let body = EventBody::BulletinSaved(Box::new(BulletinSaved {
            bulletin_id: req.id.clone(),
            content: req.content,
        }));
        event_log::append(
            &mut tx,
            db,
            actor,
            NewEvent { case_id: None, occurred_at: db.now(), body },
        )
        .await?;
    }
    let v = view(&mut tx, actor, &req.id).await?;
    tx.commit().await?;
    Ok(v)
}

async fn bulletin_document(
    conn: &mut SqliteConnection,
    content: &BulletinContent,
    issue: &Issue,
) -> CoreResult<pdf::Document> {
    let people = people(conn, content).await?;
    let profile = templates::profile(conn).await?;
    Ok(bulletin::document(content, issue, &people, &profile))
}

/// The bulletin as PDF: a draft as it stands now; an issued one exactly as it was issued.
pub async fn pdf(db: &Db, actor: &Actor, req: BulletinRequest) -> CoreResult<GeneratedPdf> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    let (summary, content, sha) = load(&mut conn, actor, &req.id).await?;
    if let (BulletinStatus::Issued, Some(sha)) = (summary.status, sha) {
        let store = Store::for_database(db.path());
        let bytes = tokio::task::spawn_blocking(move || store.read_verified(&sha))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))??;
        let pages = count_pages(&bytes);
        let name = format!("{}-{}.pdf", summary.doc_no.clone().unwrap_or_default(), summary.title);
        return Ok(generated(name, summary.title, pages, &bytes));
    }
    let now = db.now();
    let issue =
        Issue { doc_no: None, date: now.with_timezone(&china()).date_naive(), created: now };
    let doc = bulletin_document(&mut conn, &content, &issue).await?;
    drop(conn);
    let (bytes, pages) = render(doc).await?;
    Ok(generated(format!("{}（草稿）.pdf", summary.title), summary.title, pages, &bytes))
}

/// Pages of a PDF this module wrote (its page objects).
pub(crate) fn count_pages(bytes: &[u8]) -> usize {
    let needle = b"/Type /Page\n";
    let alt = b"/Type/Page";
    let n = bytes.windows(needle.len()).filter(|w| *w == needle).count();
    if n > 0 {
        return n;
    }
    bytes.windows(alt.len() + 1).filter(|w| &w[..alt.len()] == alt && w[alt.len()] != b's').count()
}

/// Issues a draft: gives it the next number of the year, dates it, and keeps its PDF.
pub async fn issue(db: &Db, actor: &Actor, req: BulletinRequest) -> CoreResult<BulletinView> {
    actor.require(Permission::BulletinIssue)?;
    let mut tx = db.begin_write().await?;
    let (summary, content, _) = load(&mut tx, actor, &req.id).await?;
    if summary.status != BulletinStatus::Draft {
        return Err(CoreError::DocumentUnavailable { reason: "issued" });
    }
    ensure_valid(check_content(&content))?;
    let now = db.now();
    let date: NaiveDate = now.with_timezone(&china()).date_naive();
    let year = date.year();
    let number = doc_no::next(&mut tx, Numbered::Bulletins, year).await?;
    let profile = templates::profile(&mut tx).await?;
    let doc_no = number.format(&profile.bulletin_prefix);
    let issue = Issue { doc_no: Some(doc_no.clone()), date, created: now };
    let doc = bulletin_document(&mut tx, &content, &issue).await?;
    let (bytes, _) = render(doc).await?;
    let store = Store::for_database(db.path());
    let stored = tokio::task::spawn_blocking(move || store.put_bytes(&bytes))
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
    let body = EventBody::BulletinIssued(BulletinIssued {
        bulletin_id: req.id.clone(),
        doc_no,
        year,
        seq: number.seq,
        issued_on: date.to_string(),
        pdf_sha256: stored.sha256,
        pdf_size: stored.size,
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: now, body })
        .await?;
    let v = view(&mut tx, actor, &req.id).await?;
    tx.commit().await?;
    Ok(v)
}

/// Throws a draft away.
pub async fn discard(db: &Db, actor: &Actor, req: BulletinRequest) -> CoreResult<BulletinView> {
    actor.require(Permission::BulletinIssue)?;
    let mut tx = db.begin_write().await?;
    let (summary, _, _) = load(&mut tx, actor, &req.id).await?;
    if summary.status != BulletinStatus::Draft {
        return Err(CoreError::DocumentUnavailable { reason: "issued" });
    }
    let body = EventBody::BulletinDiscarded(BulletinDiscarded { bulletin_id: req.id.clone() });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    let v = view(&mut tx, actor, &req.id).await?;
    tx.commit().await?;
    Ok(v)
}
