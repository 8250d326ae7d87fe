//! Emergency handling of major and mass disputes (§六): `contingency.*` (plans and their
//! versions), `drills.*`, and `incidents.*` (declare, link cases, activate a plan, report to the
//! authorities, contain, review, close). Every change is an event; the incident's timeline is
//! the list of its events.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, Transaction};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::doc_no::{self, Numbered};
use crate::documents::emergency as doc;
use crate::domain::emergency::*;
use crate::domain::events::EventBody;
use crate::error::{ensure_valid, CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::intake_rules;
use crate::ops::alerts::AlertCase;
use crate::ops::documents::{generated, GeneratedPdf};
use crate::ops::fields::{date, problem, text, today, unknown};
use crate::ops::versioned::{in_force, VersionStatus, Versions};
use crate::storage::Db;
use crate::time::{self, china};

/// Incident numbers: `纠纷应急〔2026〕1号`.
pub const INCIDENT_PREFIX: &str = "纠纷应急";
/// Cases an incident's view lists at most (all are counted).
const CASES_SHOWN: i64 = 500;

// ---------------------------------------------------------------------------------------------
// Validation helpers

fn valid_phone(raw: &str) -> bool {
    intake_rules::mobile(raw).is_some() || intake_rules::landline(raw).is_some()
}

/// An instant given by a person (RFC 3339, or `YYYY-MM-DD HH:MM` China time); default now.
fn instant(
    problems: &mut Vec<FieldProblem>,
    db: &Db,
    field: &str,
    raw: Option<&str>,
) -> Option<String> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(time::to_db(db.now())),
        Some(raw) => match crate::ops::alerts::parse_at(raw) {
            Some(t) if t <= db.now() + Duration::minutes(5) => Some(time::to_db(t)),
            Some(_) => {
                problems.push(problem(
                    field,
                    FieldRule::Invalid { detail: "not in the future".into() },
                ));
                None
            }
            None => {
                problems
                    .push(problem(field, FieldRule::Invalid { detail: "YYYY-MM-DD HH:MM".into() }));
                None
            }
        },
    }
}

fn state(reason: &'static str) -> CoreError {
    CoreError::EmergencyState { reason }
}

pub(crate) async fn name_of(conn: &mut SqliteConnection, actor_id: &str) -> CoreResult<String> {
    let name: Option<String> = sqlx::query_scalar("SELECT display_name FROM accounts WHERE id = ?")
        .bind(actor_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(name.unwrap_or_else(|| actor_id.to_owned()))
}

// ---------------------------------------------------------------------------------------------
// Contingency plans

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContingencySourceKind {
    Drill,
    Incident,
}

/// What a plan version answers: the drill or the incident review that called for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContingencySource {
    pub kind: ContingencySourceKind,
    pub id: String,
    /// `2026-11-20 演练：…` or the incident's number, as people read it.
    #[serde(default)]
    #[ts(optional)]
    pub label: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ContingencyVersionView {
    pub version: i64,
    pub status: VersionStatus,
    pub title: String,
    pub content: ContingencyContent,
    pub change_note: String,
    pub source: Option<ContingencySource>,
    pub drafted_by: String,
    pub drafted_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub effective_from: Option<String>,
    /// The version in force today.
    pub in_force: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ContingencySummary {
    pub id: String,
    pub kind: EmergencyKind,
    pub title: String,
    /// The version in force today, if one is.
    pub in_force: Option<i64>,
    pub effective_from: Option<String>,
    pub latest_version: i64,
    pub latest_status: VersionStatus,
    pub drills: i64,
    pub last_drill: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ContingencyView {
    pub id: String,
    pub kind: EmergencyKind,
    pub title: String,
    /// Newest first.
    pub versions: Vec<ContingencyVersionView>,
    pub drills: Vec<DrillView>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContingencyListRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContingencyRequest {
    pub id: String,
    /// For `contingency.pdf`: the version printed (default: the one in force, else the latest).
    #[serde(default)]
    #[ts(optional)]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContingencySaveRequest {
    /// None: a new plan.
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<String>,
    pub kind: EmergencyKind,
    pub title: String,
    pub content: ContingencyContent,
    /// What this version changes (required from the second version on).
    #[serde(default)]
    pub change_note: String,
    #[serde(default)]
    #[ts(optional)]
    pub source: Option<ContingencySource>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContingencyApproveRequest {
    pub id: String,
    pub version: i64,
    /// `YYYY-MM-DD`, today or later.
    pub effective_from: String,
}

const PLAN_VERSIONS: Versions = Versions {
    table: "plan_versions",
    key: "plan_id",
    entity: "contingency_plan",
    approved: || state("plan_approved"),
};

const VERSION_COLUMNS: &str = "v.version, v.status, v.title, v.content, v.change_note, \
    v.source_kind, v.source_id, COALESCE(da.display_name, v.drafted_by), v.drafted_at, \
    COALESCE(aa.display_name, v.approved_by), v.approved_at, v.effective_from";

async fn versions(
    conn: &mut SqliteConnection,
    plan_id: &str,
    today: NaiveDate,
) -> CoreResult<Vec<ContingencyVersionView>> {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} FROM plan_versions v \
         LEFT JOIN accounts da ON da.id = v.drafted_by LEFT JOIN accounts aa ON aa.id = v.approved_by \
         WHERE v.plan_id = ? ORDER BY v.version DESC"
    ))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let source = match (r.get::<Option<String>, _>(5).as_deref(), r.get::<Option<String>, _>(6))
        {
            (Some(kind), Some(id)) => {
                let kind = if kind == "drill" {
                    ContingencySourceKind::Drill
                } else {
                    ContingencySourceKind::Incident
                };
                let label = source_label(conn, kind, &id).await?;
                Some(ContingencySource { kind, id, label })
            }
            _ => None,
        };
        out.push(ContingencyVersionView {
            version: r.get(0),
            status: VersionStatus::from_code(r.get(1)),
            title: r.get(2),
            content: serde_json::from_str(r.get::<&str, _>(3)).unwrap_or_default(),
            change_note: r.get(4),
            source,
            drafted_by: r.get(7),
            drafted_at: r.get(8),
            approved_by: r.get(9),
            approved_at: r.get(10),
            effective_from: r.get(11),
            in_force: false,
        });
    }
    if let Some(i) = in_force(&out, |v| (v.effective_from.as_deref(), v.version), today) {
        out[i].in_force = true;
    }
    Ok(out)
}

async fn source_label(
    conn: &mut SqliteConnection,
    kind: ContingencySourceKind,
    id: &str,
) -> CoreResult<Option<String>> {
    Ok(match kind {
        ContingencySourceKind::Drill => sqlx::query_as::<_, (String, String)>(
            "SELECT held_on, scenario FROM drills WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|(d, s)| format!("{d} 演练：{s}")),
        ContingencySourceKind::Incident => {
            sqlx::query_scalar::<_, String>(
                "SELECT incident_no || ' ' || title FROM incidents WHERE id = ?",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        }
    })
}

async fn load_plan(
    conn: &mut SqliteConnection,
    id: &str,
    today: NaiveDate,
) -> CoreResult<ContingencyView> {
    let (kind, title): (String, String) =
        sqlx::query_as("SELECT kind, title FROM contingency_plans WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| CoreError::NotFound { entity: "contingency_plan", id: id.to_owned() })?;
    let versions = versions(conn, id, today).await?;
    let drills = drills_of(conn, Some(id)).await?;
    Ok(ContingencyView {
        id: id.to_owned(),
        kind: EmergencyKind::from_code(&kind).unwrap_or(EmergencyKind::Other),
        title,
        versions,
        drills,
    })
}

pub async fn plans_list(
    db: &Db,
    actor: &Actor,
    _req: ContingencyListRequest,
) -> CoreResult<Vec<ContingencySummary>> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM contingency_plans ORDER BY kind, title")
            .fetch_all(&mut *conn)
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let p = load_plan(&mut conn, &id, today(db)).await?;
        let in_force = p.versions.iter().find(|v| v.in_force);
        let latest = &p.versions[0];
        out.push(ContingencySummary {
            id: p.id.clone(),
            kind: p.kind,
            title: p.title.clone(),
            in_force: in_force.map(|v| v.version),
            effective_from: in_force.and_then(|v| v.effective_from.clone()),
            latest_version: latest.version,
            latest_status: latest.status,
            drills: p.drills.len() as i64,
            last_drill: p.drills.first().map(|d| d.held_on.clone()),
        });
    }
    Ok(out)
}

pub async fn plans_get(
    db: &Db,
    actor: &Actor,
    req: ContingencyRequest,
) -> CoreResult<ContingencyView> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    load_plan(&mut conn, &req.id, today(db)).await
}

fn check_content(problems: &mut Vec<FieldProblem>, c: &ContingencyContent) {
    text("content.scope", &c.scope, true, 5_000, problems);
    text("content.communication", &c.communication, true, 5_000, problems);
    if c.organisation.is_empty() {
        problems.push(problem("content.organisation", FieldRule::Required));
    }
    for (i, r) in c.organisation.iter().enumerate() {
        let f = |x: &str| format!("content.organisation[{i}].{x}");
        text(&f("role"), &r.role, true, 40, problems);
        text(&f("name"), &r.name, true, 40, problems);
        text(&f("duties"), &r.duties, false, 2_000, problems);
        text(&f("deputy"), &r.deputy, false, 40, problems);
        if !valid_phone(&r.phone) {
            problems.push(problem(f("phone"), FieldRule::Invalid { detail: "phone".into() }));
        }
        if !r.deputy_phone.trim().is_empty() && !valid_phone(&r.deputy_phone) {
            problems
                .push(problem(f("deputy_phone"), FieldRule::Invalid { detail: "phone".into() }));
        }
    }
    if c.steps.is_empty() {
        problems.push(problem("content.steps", FieldRule::Required));
    }
    for (i, s) in c.steps.iter().enumerate() {
        text(&format!("content.steps[{i}].title"), &s.title, true, 200, problems);
        text(&format!("content.steps[{i}].role"), &s.role, true, 40, problems);
        if !c.organisation.iter().any(|r| r.role.trim() == s.role.trim())
            && !s.role.trim().is_empty()
        {
            problems.push(problem(
                format!("content.steps[{i}].role"),
                FieldRule::UnknownValue { value: s.role.trim().to_owned() },
            ));
        }
        if let Some(h) = s.within_hours {
            if !(1..=720).contains(&h) {
                problems.push(problem(
                    format!("content.steps[{i}].within_hours"),
                    FieldRule::OutOfRange { min: 1, max: 720 },
                ));
            }
        }
    }
    for (i, r) in c.reporting.iter().enumerate() {
        text(&format!("content.reporting[{i}].authority"), &r.authority, true, 60, problems);
        text(&format!("content.reporting[{i}].content"), &r.content, false, 2_000, problems);
        if !(1..=720).contains(&r.within_hours) {
            problems.push(problem(
                format!("content.reporting[{i}].within_hours"),
                FieldRule::OutOfRange { min: 1, max: 720 },
            ));
        }
    }
}

fn trimmed(c: &ContingencyContent) -> ContingencyContent {
    ContingencyContent {
        scope: c.scope.trim().to_owned(),
        organisation: c
            .organisation
            .iter()
            .map(|r| ContingencyRole {
                role: r.role.trim().to_owned(),
                name: r.name.trim().to_owned(),
                phone: intake_rules::mobile(&r.phone)
                    .or_else(|| intake_rules::landline(&r.phone))
                    .unwrap_or_else(|| r.phone.trim().to_owned()),
                deputy: r.deputy.trim().to_owned(),
                deputy_phone: intake_rules::mobile(&r.deputy_phone)
                    .or_else(|| intake_rules::landline(&r.deputy_phone))
                    .unwrap_or_else(|| r.deputy_phone.trim().to_owned()),
                duties: r.duties.trim().to_owned(),
            })
            .collect(),
        steps: c
            .steps
            .iter()
            .map(|s| ContingencyStep {
                title: s.title.trim().to_owned(),
                role: s.role.trim().to_owned(),
                within_hours: s.within_hours,
            })
            .collect(),
        communication: c.communication.trim().to_owned(),
        reporting: c
            .reporting
            .iter()
            .map(|r| ContingencyReporting {
                authority: r.authority.trim().to_owned(),
                within_hours: r.within_hours,
                content: r.content.trim().to_owned(),
            })
            .collect(),
    }
}

/// Drafts a plan, or its next version, or edits the draft that is its latest version.
pub async fn plans_save(
    db: &Db,
    actor: &Actor,
    req: ContingencySaveRequest,
) -> CoreResult<ContingencyView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    text("title", &req.title, true, 60, &mut problems);
    text("change_note", &req.change_note, false, 2_000, &mut problems);
    check_content(&mut problems, &req.content);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (plan_id, version) = PLAN_VERSIONS.slot(&mut tx, req.id.as_deref()).await?;
    if version > 1 && req.change_note.trim().is_empty() {
        return Err(CoreError::Validation(vec![problem("change_note", FieldRule::Required)]));
    }
    if let Some(source) = &req.source {
        let table = match source.kind {
            ContingencySourceKind::Drill => "drills",
            ContingencySourceKind::Incident => "incidents",
        };
        let found: Option<String> =
            sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = ?"))
                .bind(&source.id)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Err(unknown("source.id", &source.id));
        }
    }
    let body = EventBody::ContingencyPlanSaved(Box::new(ContingencyPlanSaved {
        plan_id: plan_id.clone(),
        version,
        kind: req.kind,
        title: req.title.trim().to_owned(),
        content: trimmed(&req.content),
        change_note: req.change_note.trim().to_owned(),
        source_kind: req.source.as_ref().map(|s| match s.kind {
            ContingencySourceKind::Drill => "drill".to_owned(),
            ContingencySourceKind::Incident => "incident".to_owned(),
        }),
        source_id: req.source.as_ref().map(|s| s.id.clone()),
    }));
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    let view = load_plan(&mut tx, &plan_id, today(db)).await?;
    tx.commit().await?;
    Ok(view)
}

/// Approves a draft version, in force from a date (a managing role's decision).
pub async fn plans_approve(
    db: &Db,
    actor: &Actor,
    req: ContingencyApproveRequest,
) -> CoreResult<ContingencyView> {
    actor.require(Permission::EmergencyApprove)?;
    let mut tx = db.begin_write().await?;
    let effective_from =
        PLAN_VERSIONS.approval(&mut tx, db, &req.id, req.version, &req.effective_from).await?;
    let body = EventBody::ContingencyPlanApproved(ContingencyPlanApproved {
        plan_id: req.id.clone(),
        version: req.version,
        effective_from,
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    let view = load_plan(&mut tx, &req.id, today(db)).await?;
    tx.commit().await?;
    Ok(view)
}

/// The plan as a PDF for printing: one version, with its organisation, process, communication
/// and reporting.
pub async fn plans_pdf(
    db: &Db,
    actor: &Actor,
    req: ContingencyRequest,
) -> CoreResult<GeneratedPdf> {
    let plan =
        plans_get(db, actor, ContingencyRequest { id: req.id.clone(), version: None }).await?;
    let v = match req.version {
        Some(n) => plan.versions.iter().find(|v| v.version == n),
        None => plan.versions.iter().find(|v| v.in_force).or(plan.versions.first()),
    }
    .cloned()
    .ok_or_else(|| CoreError::NotFound { entity: "contingency_plan", id: req.id.clone() })?;
    let mut conn = db.pool().acquire().await?;
    let profile = crate::documents::templates::profile(&mut conn).await?;
    drop(conn);
    let data = doc::ContingencyPdf {
        company: profile.company_name,
        kind: plan.kind.label_zh().to_owned(),
        title: v.title.clone(),
        version: v.version,
        approved: v.status == VersionStatus::Approved,
        approved_by: v.approved_by.clone(),
        effective_from: v.effective_from.clone(),
        change_note: v.change_note.clone(),
        content: v.content.clone(),
        created: db.now(),
    };
    let title = format!("{}（第{}版）", v.title, v.version);
    let (bytes, pages) = render(move || doc::plan_document(&data)).await?;
    Ok(generated(format!("{title}.pdf"), title, pages, &bytes))
}

async fn render(
    make: impl FnOnce() -> crate::documents::pdf::Document + Send + 'static,
) -> CoreResult<(Vec<u8>, usize)> {
    tokio::task::spawn_blocking(move || {
        let fonts = crate::documents::fonts::shared()?;
        Ok(crate::documents::pdf::render(&fonts, &make()))
    })
    .await
    .map_err(|e| CoreError::Internal(format!("rendering: {e}")))?
}

// ---------------------------------------------------------------------------------------------
// Drills

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DrillView {
    pub id: String,
    pub plan_id: String,
    pub plan_title: String,
    pub plan_version: i64,
    pub held_on: String,
    pub scenario: String,
    pub participants: Vec<String>,
    pub duration_minutes: i64,
    pub problems: String,
    pub revisions: String,
    /// The plan versions drafted from this drill's findings.
    pub revised_versions: Vec<i64>,
    pub recorded_by: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DrillsListRequest {
    #[serde(default)]
    #[ts(optional)]
    pub plan_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DrillRecordRequest {
    pub plan_id: String,
    /// Default: the version in force on the day of the drill.
    #[serde(default)]
    #[ts(optional)]
    pub plan_version: Option<i64>,
    pub held_on: String,
    pub scenario: String,
    pub participants: Vec<String>,
    pub duration_minutes: i64,
    /// 演练中发现的问题.
    #[serde(default)]
    pub problems: String,
    /// 决定的修订.
    #[serde(default)]
    pub revisions: String,
}

async fn drills_of(
    conn: &mut SqliteConnection,
    plan_id: Option<&str>,
) -> CoreResult<Vec<DrillView>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT d.id, d.plan_id, p.title, d.plan_version, d.held_on, d.scenario, d.participants, \
         d.duration_minutes, d.problems, d.revisions, COALESCE(a.display_name, d.recorded_by), \
         d.recorded_at, (SELECT json_group_array(v.version) FROM plan_versions v \
         WHERE v.source_kind = 'drill' AND v.source_id = d.id) \
         FROM drills d JOIN contingency_plans p ON p.id = d.plan_id \
         LEFT JOIN accounts a ON a.id = d.recorded_by",
    );
    if let Some(id) = plan_id {
        qb.push(" WHERE d.plan_id = ").push_bind(id.to_owned());
    }
    qb.push(" ORDER BY d.held_on DESC, d.recorded_at DESC");
    Ok(qb
        .build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| DrillView {
            id: r.get(0),
            plan_id: r.get(1),
            plan_title: r.get(2),
            plan_version: r.get(3),
            held_on: r.get(4),
            scenario: r.get(5),
            participants: serde_json::from_str(r.get::<&str, _>(6)).unwrap_or_default(),
            duration_minutes: r.get(7),
            problems: r.get(8),
            revisions: r.get(9),
            recorded_by: r.get(10),
            recorded_at: r.get(11),
            revised_versions: serde_json::from_str(r.get::<&str, _>(12)).unwrap_or_default(),
        })
        .collect())
}

pub async fn drills_list(
    db: &Db,
    actor: &Actor,
    req: DrillsListRequest,
) -> CoreResult<Vec<DrillView>> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    drills_of(&mut conn, req.plan_id.as_deref()).await
}

pub async fn drills_record(
    db: &Db,
    actor: &Actor,
    req: DrillRecordRequest,
) -> CoreResult<DrillView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    let held_on = date("held_on", &req.held_on, &mut problems);
    if held_on.is_some_and(|d| d > today(db)) {
        problems
            .push(problem("held_on", FieldRule::Invalid { detail: "not in the future".into() }));
    }
    text("scenario", &req.scenario, true, 500, &mut problems);
    text("problems", &req.problems, false, 10_000, &mut problems);
    text("revisions", &req.revisions, false, 10_000, &mut problems);
    let participants: Vec<String> =
        req.participants.iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    if participants.is_empty() {
        problems.push(problem("participants", FieldRule::Required));
    }
    for (i, p) in participants.iter().enumerate() {
        if p.chars().count() > 40 {
            problems.push(problem(format!("participants[{i}]"), FieldRule::TooLong { max: 40 }));
        }
    }
    if !(1..=24 * 60).contains(&req.duration_minutes) {
        problems.push(problem("duration_minutes", FieldRule::OutOfRange { min: 1, max: 24 * 60 }));
    }
    ensure_valid(problems)?;
    let held_on = held_on.unwrap_or_else(|| today(db));
    let mut tx = db.begin_write().await?;
    let plan = load_plan(&mut tx, &req.plan_id, held_on).await?;
    let version = match req.plan_version {
        Some(n) => plan
            .versions
            .iter()
            .find(|v| v.version == n && v.status == VersionStatus::Approved)
            .map(|v| v.version)
            .ok_or_else(|| unknown("plan_version", n))?,
        None => plan
            .versions
            .iter()
            .find(|v| v.in_force)
            .map(|v| v.version)
            .ok_or_else(|| state("no_plan_in_force"))?,
    };
    let drill_id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::DrillRecorded(DrillRecorded {
        drill_id: drill_id.clone(),
        plan_id: req.plan_id.clone(),
        plan_version: version,
        held_on: held_on.to_string(),
        scenario: req.scenario.trim().to_owned(),
        participants,
        duration_minutes: req.duration_minutes,
        problems: req.problems.trim().to_owned(),
        revisions: req.revisions.trim().to_owned(),
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    let drill = drills_of(&mut tx, Some(&req.plan_id))
        .await?
        .into_iter()
        .find(|d| d.id == drill_id)
        .ok_or_else(|| CoreError::Internal("drill not projected".into()))?;
    tx.commit().await?;
    Ok(drill)
}

// ---------------------------------------------------------------------------------------------
// Incidents

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Open,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NamedCount {
    pub name: String,
    pub count: i64,
}

/// The live picture of an incident.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentLive {
    pub cases: i64,
    pub open_cases: i64,
    pub new_24h: i64,
    pub stores: Vec<NamedCount>,
    pub products: Vec<NamedCount>,
    pub steps_done: i64,
    pub steps_total: i64,
    pub reports_made: i64,
    pub reports_overdue: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentStepView {
    pub seq: i64,
    pub title: String,
    pub role: String,
    pub owner: String,
    pub due_at: Option<String>,
    pub started_at: Option<String>,
    pub done_at: Option<String>,
    pub note: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentReportView {
    pub id: String,
    pub authority: String,
    pub due_at: Option<String>,
    pub reported_at: Option<String>,
    pub reported_by: Option<String>,
    pub channel: String,
    pub content: String,
    pub reply: Option<String>,
    pub replied_at: Option<String>,
    /// Due and not made, or made after it was due.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentMeasureView {
    pub id: String,
    pub taken_at: String,
    pub taken_by: String,
    pub measure: String,
    pub effect: Option<String>,
    pub effect_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentCaseRow {
    #[serde(flatten)]
    #[ts(flatten)]
    pub case: AlertCase,
    /// Linked as it arrived, by the incident's watch.
    pub auto: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentLogEntry {
    pub at: String,
    pub actor: String,
    /// The event's kind: `incident.declared`, `incident.reported`…
    pub kind: String,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RevisedPlanVersion {
    pub plan_id: String,
    pub title: String,
    pub version: i64,
    pub status: VersionStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentView {
    pub id: String,
    pub incident_no: String,
    pub title: String,
    pub kind: EmergencyKind,
    pub level: IncidentLevel,
    pub summary: String,
    pub status: IncidentStatus,
    pub watch: Option<IncidentWatch>,
    pub origin: Option<AlertEvidence>,
    pub declared_at: String,
    pub declared_by: String,
    pub plan_id: Option<String>,
    pub plan_title: Option<String>,
    pub plan_version: Option<i64>,
    pub activated_at: Option<String>,
    pub steps: Vec<IncidentStepView>,
    pub reports: Vec<IncidentReportView>,
    pub measures: Vec<IncidentMeasureView>,
    pub review: Option<IncidentReview>,
    pub reviewed_at: Option<String>,
    pub reviewed_by: Option<String>,
    pub revised_plans: Vec<RevisedPlanVersion>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub live: IncidentLive,
    /// Newest first, at most 500 (`live.cases` counts them all).
    pub cases: Vec<IncidentCaseRow>,
    /// Oldest first.
    pub timeline: Vec<IncidentLogEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IncidentSummary {
    pub id: String,
    pub incident_no: String,
    pub title: String,
    pub kind: EmergencyKind,
    pub level: IncidentLevel,
    pub status: IncidentStatus,
    pub declared_at: String,
    pub closed_at: Option<String>,
    pub cases: i64,
    pub new_24h: i64,
    pub steps_done: i64,
    pub steps_total: i64,
    pub reports_overdue: i64,
    pub reviewed: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentsListRequest {
    #[serde(default)]
    #[ts(optional)]
    pub status: Option<IncidentStatus>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentRequest {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentDeclareRequest {
    pub title: String,
    pub kind: EmergencyKind,
    pub level: IncidentLevel,
    pub summary: String,
    /// New cases with this value are linked as they arrive.
    #[serde(default)]
    #[ts(optional)]
    pub watch: Option<IncidentWatch>,
    /// The early-warning alert it is declared from.
    #[serde(default)]
    #[ts(optional)]
    pub origin: Option<AlertEvidence>,
    #[serde(default)]
    pub case_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentLinkRequest {
    pub id: String,
    #[serde(default)]
    pub case_ids: Vec<String>,
    /// Cases by their numbers (`2026-HQ-001001`), as people paste them.
    #[serde(default)]
    pub case_nos: Vec<String>,
    /// Every case the incident's watch matches received on or after this day (`YYYY-MM-DD`):
    /// the earlier complaints that turn out to belong to it.
    #[serde(default)]
    #[ts(optional)]
    pub watched_since: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentActivateRequest {
    pub id: String,
    pub plan_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    Start,
    Done,
    /// Hand it to someone else (owner), or add a note.
    Update,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentStepRequest {
    pub id: String,
    pub seq: i64,
    pub action: StepAction,
    #[serde(default)]
    #[ts(optional)]
    pub owner: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentReportRequest {
    pub id: String,
    /// A report the plan requires (its row); none for any other authority.
    #[serde(default)]
    #[ts(optional)]
    pub report_id: Option<String>,
    pub authority: String,
    /// 电话, 书面, 平台报送, 当面…
    pub channel: String,
    pub content: String,
    /// Default: now.
    #[serde(default)]
    #[ts(optional)]
    pub reported_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentReplyRequest {
    pub id: String,
    pub report_id: String,
    pub reply: String,
    #[serde(default)]
    #[ts(optional)]
    pub replied_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentMeasureRequest {
    pub id: String,
    pub measure: String,
    #[serde(default)]
    #[ts(optional)]
    pub effect: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub taken_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentAssessRequest {
    pub id: String,
    pub measure_id: String,
    pub effect: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IncidentReviewRequest {
    pub id: String,
    pub review: IncidentReview,
}

const INCIDENT_COLUMNS: &str = "i.id, i.incident_no, i.title, i.kind, i.level, i.summary, \
    i.status, i.watch_dimension, i.watch_value, i.watch_label, i.origin, i.declared_at, \
    COALESCE(da.display_name, i.declared_by), i.plan_id, p.title, i.plan_version, \
    i.activated_at, i.review, i.reviewed_at, COALESCE(ra.display_name, i.reviewed_by), \
    i.closed_at, COALESCE(ca.display_name, i.closed_by)";

/// Done after it was due, or due and not done by now.
fn late(due: Option<&str>, done: Option<&str>, now: &str) -> bool {
    match (due, done) {
        (Some(due), Some(done)) => done > due,
        (Some(due), None) => due < now,
        _ => false,
    }
}

async fn load_incident(conn: &mut SqliteConnection, db: &Db, id: &str) -> CoreResult<IncidentView> {
    let r = sqlx::query(&format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents i \
         LEFT JOIN contingency_plans p ON p.id = i.plan_id \
         LEFT JOIN accounts da ON da.id = i.declared_by \
         LEFT JOIN accounts ra ON ra.id = i.reviewed_by \
         LEFT JOIN accounts ca ON ca.id = i.closed_by WHERE i.id = ?"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| CoreError::NotFound { entity: "incident", id: id.to_owned() })?;
    let now = time::to_db(db.now());
    let watch = match (r.get::<Option<String>, _>(7), r.get::<Option<String>, _>(8)) {
        (Some(d), Some(value)) => WatchDimension::from_code(&d).map(|dimension| IncidentWatch {
            dimension,
            label: r.get::<Option<String>, _>(9).unwrap_or_else(|| value.clone()),
            value,
        }),
        _ => None,
    };
    let steps: Vec<IncidentStepView> = sqlx::query(
        "SELECT seq, title, role, owner, due_at, started_at, done_at, note FROM incident_steps \
         WHERE incident_id = ? ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|s| {
        let due_at: Option<String> = s.get(4);
        let done_at: Option<String> = s.get(6);
        let overdue = late(due_at.as_deref(), done_at.as_deref(), &now);
        IncidentStepView {
            seq: s.get(0),
            title: s.get(1),
            role: s.get(2),
            owner: s.get(3),
            due_at,
            started_at: s.get(5),
            done_at,
            note: s.get(7),
            overdue,
        }
    })
    .collect();
    let reports: Vec<IncidentReportView> = sqlx::query(
        "SELECT r.id, r.authority, r.due_at, r.reported_at, COALESCE(a.display_name, r.reported_by), \
         r.channel, r.content, r.reply, r.replied_at FROM incident_reports r \
         LEFT JOIN accounts a ON a.id = r.reported_by WHERE r.incident_id = ? \
         ORDER BY COALESCE(r.due_at, r.reported_at), r.authority",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|x| {
        let due_at: Option<String> = x.get(2);
        let reported_at: Option<String> = x.get(3);
        let overdue = late(due_at.as_deref(), reported_at.as_deref(), &now);
        IncidentReportView {
            id: x.get(0),
            authority: x.get(1),
            due_at,
            reported_at,
            reported_by: x.get(4),
            channel: x.get(5),
            content: x.get(6),
            reply: x.get(7),
            replied_at: x.get(8),
            overdue,
        }
    })
    .collect();
    let measures = sqlx::query(
        "SELECT m.id, m.taken_at, COALESCE(a.display_name, m.taken_by), m.measure, m.effect, \
         m.effect_at FROM incident_measures m LEFT JOIN accounts a ON a.id = m.taken_by \
         WHERE m.incident_id = ? ORDER BY m.taken_at",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|m| IncidentMeasureView {
        id: m.get(0),
        taken_at: m.get(1),
        taken_by: m.get(2),
        measure: m.get(3),
        effect: m.get(4),
        effect_at: m.get(5),
    })
    .collect();
    let product = WatchDimension::Product.key_sql();
    let cases: Vec<IncidentCaseRow> = sqlx::query(&format!(
        "SELECT c.id, c.case_no, c.received_at, c.status, s.name, {product}, c.category, ic.auto \
         FROM incident_cases ic JOIN cases c ON c.id = ic.case_id \
         LEFT JOIN org_units s ON s.id = c.store_id WHERE ic.incident_id = ? \
         ORDER BY c.received_at DESC LIMIT {CASES_SHOWN}"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|c| IncidentCaseRow {
        case: AlertCase {
            id: c.get(0),
            case_no: c.get(1),
            received_at: c.get(2),
            status: c.get(3),
            store: c.get(4),
            product: c.get(5),
            category: c.get(6),
        },
        auto: c.get::<i64, _>(7) != 0,
    })
    .collect();
    let day_ago = time::to_db(db.now() - Duration::hours(24));
    let (total, open, new_24h): (i64, i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(c.status NOT IN ('closed', 'merged', 'withdrawn')), 0), \
         COALESCE(SUM(c.received_at >= ?), 0) FROM incident_cases ic \
         JOIN cases c ON c.id = ic.case_id WHERE ic.incident_id = ?",
    )
    .bind(&day_ago)
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let named = |rows: Vec<(Option<String>, i64)>| -> Vec<NamedCount> {
        rows.into_iter()
            .map(|(name, count)| NamedCount { name: name.unwrap_or_else(|| "—".into()), count })
            .collect()
    };
    let stores = named(
        sqlx::query_as(
            "SELECT s.name, COUNT(*) AS n FROM incident_cases ic JOIN cases c ON c.id = ic.case_id \
             LEFT JOIN org_units s ON s.id = c.store_id WHERE ic.incident_id = ? \
             GROUP BY c.store_id ORDER BY n DESC, s.name LIMIT 20",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?,
    );
    let products = named(
        sqlx::query_as(&format!(
            "SELECT {product} AS k, COUNT(*) AS n FROM incident_cases ic \
             JOIN cases c ON c.id = ic.case_id WHERE ic.incident_id = ? \
             GROUP BY k ORDER BY n DESC, k LIMIT 20"
        ))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?,
    );
    let timeline = sqlx::query(
        "SELECT l.at, COALESCE(a.display_name, l.actor), l.kind, l.detail FROM incident_log l \
         LEFT JOIN accounts a ON a.id = l.actor WHERE l.incident_id = ? ORDER BY l.hlc",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|l| IncidentLogEntry {
        at: l.get(0),
        actor: l.get(1),
        kind: l.get(2),
        detail: serde_json::from_str(l.get::<&str, _>(3)).unwrap_or(serde_json::Value::Null),
    })
    .collect();
    let revised_plans = sqlx::query(
        "SELECT v.plan_id, v.title, v.version, v.status FROM plan_versions v \
         WHERE v.source_kind = 'incident' AND v.source_id = ? ORDER BY v.plan_id, v.version",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|v| RevisedPlanVersion {
        plan_id: v.get(0),
        title: v.get(1),
        version: v.get(2),
        status: VersionStatus::from_code(v.get(3)),
    })
    .collect();
    let live = IncidentLive {
        cases: total,
        open_cases: open,
        new_24h,
        stores,
        products,
        steps_done: steps.iter().filter(|s| s.done_at.is_some()).count() as i64,
        steps_total: steps.len() as i64,
        reports_made: reports.iter().filter(|r| r.reported_at.is_some()).count() as i64,
        reports_overdue: reports.iter().filter(|r| r.overdue && r.reported_at.is_none()).count()
            as i64,
    };
    Ok(IncidentView {
        id: r.get(0),
        incident_no: r.get(1),
        title: r.get(2),
        kind: EmergencyKind::from_code(r.get::<&str, _>(3)).unwrap_or(EmergencyKind::Other),
        level: IncidentLevel::from_code(r.get::<&str, _>(4)).unwrap_or(IncidentLevel::Major),
        summary: r.get(5),
        status: if r.get::<&str, _>(6) == "closed" {
            IncidentStatus::Closed
        } else {
            IncidentStatus::Open
        },
        watch,
        origin: r.get::<Option<&str>, _>(10).and_then(|o| serde_json::from_str(o).ok()),
        declared_at: r.get(11),
        declared_by: r.get(12),
        plan_id: r.get(13),
        plan_title: r.get(14),
        plan_version: r.get(15),
        activated_at: r.get(16),
        review: r.get::<Option<&str>, _>(17).and_then(|o| serde_json::from_str(o).ok()),
        reviewed_at: r.get(18),
        reviewed_by: r.get(19),
        revised_plans,
        closed_at: r.get(20),
        closed_by: r.get(21),
        steps,
        reports,
        measures,
        live,
        cases,
        timeline,
    })
}

pub async fn incidents_list(
    db: &Db,
    actor: &Actor,
    req: IncidentsListRequest,
) -> CoreResult<Vec<IncidentSummary>> {
    actor.require(Permission::CaseView)?;
    let now = time::to_db(db.now());
    let day_ago = time::to_db(db.now() - Duration::hours(24));
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT i.id, i.incident_no, i.title, i.kind, i.level, i.status, i.declared_at, \
         i.closed_at, (SELECT COUNT(*) FROM incident_cases ic WHERE ic.incident_id = i.id), \
         (SELECT COUNT(*) FROM incident_cases ic JOIN cases c ON c.id = ic.case_id \
          WHERE ic.incident_id = i.id AND c.received_at >= ",
    );
    qb.push_bind(day_ago);
    qb.push(
        "), (SELECT COUNT(done_at) FROM incident_steps s WHERE s.incident_id = i.id), \
         (SELECT COUNT(*) FROM incident_steps s WHERE s.incident_id = i.id), \
         (SELECT COUNT(*) FROM incident_reports r WHERE r.incident_id = i.id \
          AND r.reported_at IS NULL AND r.due_at < ",
    );
    qb.push_bind(now);
    qb.push("), i.review IS NOT NULL FROM incidents i");
    if let Some(status) = req.status {
        qb.push(" WHERE i.status = ").push_bind(if status == IncidentStatus::Open {
            "open"
        } else {
            "closed"
        });
    }
    qb.push(" ORDER BY i.status = 'closed', i.declared_at DESC");
    Ok(qb
        .build()
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| IncidentSummary {
            id: r.get(0),
            incident_no: r.get(1),
            title: r.get(2),
            kind: EmergencyKind::from_code(r.get::<&str, _>(3)).unwrap_or(EmergencyKind::Other),
            level: IncidentLevel::from_code(r.get::<&str, _>(4)).unwrap_or(IncidentLevel::Major),
            status: if r.get::<&str, _>(5) == "closed" {
                IncidentStatus::Closed
            } else {
                IncidentStatus::Open
            },
            declared_at: r.get(6),
            closed_at: r.get(7),
            cases: r.get(8),
            new_24h: r.get(9),
            steps_done: r.get(10),
            steps_total: r.get(11),
            reports_overdue: r.get(12),
            reviewed: r.get::<i64, _>(13) != 0,
        })
        .collect())
}

pub async fn incidents_get(
    db: &Db,
    actor: &Actor,
    req: IncidentRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    load_incident(&mut conn, db, &req.id).await
}

/// Cases that exist and are not yet linked to the incident, in the order given.
async fn linkable(
    conn: &mut SqliteConnection,
    incident_id: &str,
    case_ids: &[String],
) -> CoreResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, id) in case_ids.iter().enumerate() {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM incident_cases WHERE incident_id = ? AND case_id = c.id) \
             FROM cases c WHERE c.id = ?",
        )
        .bind(incident_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        match exists {
            None => return Err(unknown(format!("case_ids[{i}]"), id)),
            Some(0) if !out.contains(id) => out.push(id.clone()),
            Some(_) => {}
        }
    }
    Ok(out)
}

async fn open_incident(conn: &mut SqliteConnection, id: &str) -> CoreResult<()> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM incidents WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    match status.as_deref() {
        None => Err(CoreError::NotFound { entity: "incident", id: id.to_owned() }),
        Some("closed") => Err(state("incident_closed")),
        _ => Ok(()),
    }
}

/// A change to an open incident: its write transaction, once the incident is found open.
async fn open_change(db: &Db, id: &str) -> CoreResult<Transaction<'static, Sqlite>> {
    let mut tx = db.begin_write().await?;
    open_incident(&mut tx, id).await?;
    Ok(tx)
}

/// Appends the change's event and returns the incident as it then stands.
async fn record(
    mut tx: Transaction<'static, Sqlite>,
    db: &Db,
    actor: &Actor,
    id: &str,
    body: EventBody,
) -> CoreResult<IncidentView> {
    append(&mut tx, db, actor, body).await?;
    let view = load_incident(&mut tx, db, id).await?;
    tx.commit().await?;
    Ok(view)
}

pub(crate) async fn append(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    body: EventBody,
) -> CoreResult<()> {
    event_log::append(conn, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await
        .map(|_| ())
}

/// Declares a major or mass incident, by hand or from an early-warning alert, with the cases
/// that belong to it; with a watch, new cases of the same product, store or category are
/// linked as they arrive.
pub async fn incidents_declare(
    db: &Db,
    actor: &Actor,
    req: IncidentDeclareRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    text("title", &req.title, true, 60, &mut problems);
    text("summary", &req.summary, true, 5_000, &mut problems);
    if let Some(w) = &req.watch {
        text("watch.value", &w.value, true, 200, &mut problems);
    }
    if req.case_ids.len() > 100_000 {
        problems.push(problem("case_ids", FieldRule::OutOfRange { min: 0, max: 100_000 }));
    }
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let incident_id = uuid::Uuid::now_v7().to_string();
    let year = chrono::Datelike::year(&db.now().with_timezone(&china()));
    let number = doc_no::next(&mut tx, Numbered::Incidents, year).await?;
    let cases = linkable(&mut tx, &incident_id, &req.case_ids).await?;
    let watch = req.watch.as_ref().map(|w| IncidentWatch {
        dimension: w.dimension,
        value: w.value.trim().to_owned(),
        label: if w.label.trim().is_empty() {
            w.value.trim().to_owned()
        } else {
            w.label.trim().to_owned()
        },
    });
    append(
        &mut tx,
        db,
        actor,
        EventBody::IncidentDeclared(Box::new(IncidentDeclared {
            incident_id: incident_id.clone(),
            incident_no: number.format(INCIDENT_PREFIX),
            year,
            seq: number.seq,
            title: req.title.trim().to_owned(),
            kind: req.kind,
            level: req.level,
            summary: req.summary.trim().to_owned(),
            watch,
            origin: req.origin.clone(),
        })),
    )
    .await?;
    if !cases.is_empty() {
        append(
            &mut tx,
            db,
            actor,
            EventBody::IncidentCasesLinked(IncidentCasesLinked {
                incident_id: incident_id.clone(),
                case_ids: cases,
                auto: false,
            }),
        )
        .await?;
    }
    let view = load_incident(&mut tx, db, &incident_id).await?;
    tx.commit().await?;
    Ok(view)
}

pub async fn incidents_link(
    db: &Db,
    actor: &Actor,
    req: IncidentLinkRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    let since = req.watched_since.as_deref().and_then(|d| date("watched_since", d, &mut problems));
    if req.case_ids.is_empty() && req.case_nos.is_empty() && req.watched_since.is_none() {
        problems.push(problem("case_nos", FieldRule::Required));
    }
    if req.case_ids.len() + req.case_nos.len() > 100_000 {
        problems.push(problem("case_nos", FieldRule::OutOfRange { min: 1, max: 100_000 }));
    }
    ensure_valid(problems)?;
    let mut tx = open_change(db, &req.id).await?;
    let mut ids = req.case_ids.clone();
    for (i, no) in req.case_nos.iter().enumerate() {
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM cases WHERE case_no = ?")
            .bind(no.trim())
            .fetch_optional(&mut *tx)
            .await?;
        ids.push(id.ok_or_else(|| unknown(format!("case_nos[{i}]"), no.trim()))?);
    }
    if let Some(day) = since {
        let (dimension, value): (Option<String>, Option<String>) =
            sqlx::query_as("SELECT watch_dimension, watch_value FROM incidents WHERE id = ?")
                .bind(&req.id)
                .fetch_one(&mut *tx)
                .await?;
        let (Some(dimension), Some(value)) =
            (dimension.as_deref().and_then(WatchDimension::from_code), value)
        else {
            return Err(state("no_watch"));
        };
        let start = china()
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map_or_else(|| db.now(), |t| t.with_timezone(&chrono::Utc));
        let matching: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT c.id FROM cases c WHERE {} = ? AND c.received_at >= ? AND c.status <> 'merged' \
             ORDER BY c.received_at",
            dimension.key_sql()
        ))
        .bind(&value)
        .bind(time::to_db(start))
        .fetch_all(&mut *tx)
        .await?;
        ids.extend(matching);
    }
    let cases = linkable(&mut tx, &req.id, &ids).await?;
    if !cases.is_empty() {
        let body = EventBody::IncidentCasesLinked(IncidentCasesLinked {
            incident_id: req.id.clone(),
            case_ids: cases,
            auto: false,
        });
        append(&mut tx, db, actor, body).await?;
    }
    let view = load_incident(&mut tx, db, &req.id).await?;
    tx.commit().await?;
    Ok(view)
}

/// At intake, in the new case's transaction: open incidents watching its product, store or
/// category take it in.
pub(crate) async fn link_arriving(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    case_id: &str,
) -> CoreResult<()> {
    let watching: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT i.id FROM incidents i, cases c WHERE c.id = ? AND i.status = 'open' \
         AND ((i.watch_dimension = 'product' AND i.watch_value = {}) \
           OR (i.watch_dimension = 'store' AND i.watch_value = c.store_id) \
           OR (i.watch_dimension = 'category' AND i.watch_value = c.category)) ORDER BY i.id",
        WatchDimension::Product.key_sql()
    ))
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    for incident_id in watching {
        append(
            conn,
            db,
            actor,
            EventBody::IncidentCasesLinked(IncidentCasesLinked {
                incident_id,
                case_ids: vec![case_id.to_owned()],
                auto: true,
            }),
        )
        .await?;
    }
    Ok(())
}

/// Activates the plan in force for the incident: its steps become a checklist with owners (the
/// command group's people by role) and due times; its reports become due.
pub async fn incidents_activate(
    db: &Db,
    actor: &Actor,
    req: IncidentActivateRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut tx = open_change(db, &req.id).await?;
    let activated: Option<String> =
        sqlx::query_scalar("SELECT plan_id FROM incidents WHERE id = ?")
            .bind(&req.id)
            .fetch_one(&mut *tx)
            .await?;
    if activated.is_some() {
        return Err(state("plan_active"));
    }
    let plan = load_plan(&mut tx, &req.plan_id, today(db)).await.map_err(|e| match e {
        CoreError::NotFound { .. } => unknown("plan_id", &req.plan_id),
        e => e,
    })?;
    let version =
        plan.versions.iter().find(|v| v.in_force).ok_or_else(|| state("no_plan_in_force"))?;
    let declared_at: String = sqlx::query_scalar("SELECT declared_at FROM incidents WHERE id = ?")
        .bind(&req.id)
        .fetch_one(&mut *tx)
        .await?;
    let declared = time::from_db(&declared_at).unwrap_or_else(|| db.now());
    let now = db.now();
    let owners: HashMap<&str, &str> =
        version.content.organisation.iter().map(|r| (r.role.as_str(), r.name.as_str())).collect();
    let steps = version
        .content
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| ActivatedStep {
            seq: i as i64 + 1,
            title: s.title.clone(),
            role: s.role.clone(),
            owner: owners.get(s.role.as_str()).copied().unwrap_or_default().to_owned(),
            due_at: s.within_hours.map(|h| time::to_db(now + Duration::hours(i64::from(h)))),
        })
        .collect();
    let reports = version
        .content
        .reporting
        .iter()
        .map(|r| RequiredReport {
            report_id: uuid::Uuid::now_v7().to_string(),
            authority: r.authority.clone(),
            due_at: time::to_db(declared + Duration::hours(i64::from(r.within_hours))),
            content: r.content.clone(),
        })
        .collect();
    let body = EventBody::IncidentPlanActivated(IncidentPlanActivated {
        incident_id: req.id.clone(),
        plan_id: req.plan_id.clone(),
        plan_version: version.version,
        steps,
        reports,
    });
    record(tx, db, actor, &req.id, body).await
}

pub async fn incidents_step(
    db: &Db,
    actor: &Actor,
    req: IncidentStepRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    if let Some(owner) = &req.owner {
        text("owner", owner, true, 40, &mut problems);
    }
    if let Some(note) = &req.note {
        text("note", note, false, 2_000, &mut problems);
    }
    ensure_valid(problems)?;
    let mut tx = open_change(db, &req.id).await?;
    let step: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT started_at, done_at FROM incident_steps WHERE incident_id = ? AND seq = ?",
    )
    .bind(&req.id)
    .bind(req.seq)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((started, done)) = step else {
        return Err(unknown("seq", req.seq));
    };
    let now = time::to_db(db.now());
    let (started_at, done_at) = match req.action {
        StepAction::Start if started.is_some() || done.is_some() => {
            return Err(state("step_started"))
        }
        StepAction::Start => (Some(now), None),
        StepAction::Done if done.is_some() => return Err(state("step_done")),
        StepAction::Done => (None, Some(now)),
        StepAction::Update => (None, None),
    };
    record(
        tx,
        db,
        actor,
        &req.id,
        EventBody::IncidentStepUpdated(IncidentStepUpdated {
            incident_id: req.id.clone(),
            seq: req.seq,
            owner: req.owner.as_ref().map(|o| o.trim().to_owned()),
            started_at,
            done_at,
            note: req.note.as_ref().map(|n| n.trim().to_owned()),
        }),
    )
    .await
}

/// Records a report to a superior department or a government agency (§六(二)2).
pub async fn incidents_report(
    db: &Db,
    actor: &Actor,
    req: IncidentReportRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    text("authority", &req.authority, true, 60, &mut problems);
    text("channel", &req.channel, true, 20, &mut problems);
    text("content", &req.content, true, 10_000, &mut problems);
    let reported_at = instant(&mut problems, db, "reported_at", req.reported_at.as_deref());
    ensure_valid(problems)?;
    let mut tx = open_change(db, &req.id).await?;
    let report_id = match &req.report_id {
        None => uuid::Uuid::now_v7().to_string(),
        Some(rid) => {
            let made: Option<Option<String>> = sqlx::query_scalar(
                "SELECT reported_at FROM incident_reports WHERE id = ? AND incident_id = ?",
            )
            .bind(rid)
            .bind(&req.id)
            .fetch_optional(&mut *tx)
            .await?;
            match made {
                None => return Err(unknown("report_id", rid)),
                Some(Some(_)) => return Err(state("report_made")),
                Some(None) => rid.clone(),
            }
        }
    };
    record(
        tx,
        db,
        actor,
        &req.id,
        EventBody::IncidentReported(IncidentReported {
            incident_id: req.id.clone(),
            report_id,
            authority: req.authority.trim().to_owned(),
            reported_at: reported_at.unwrap_or_default(),
            channel: req.channel.trim().to_owned(),
            content: req.content.trim().to_owned(),
        }),
    )
    .await
}

pub async fn incidents_reply(
    db: &Db,
    actor: &Actor,
    req: IncidentReplyRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    text("reply", &req.reply, true, 10_000, &mut problems);
    let replied_at = instant(&mut problems, db, "replied_at", req.replied_at.as_deref());
    ensure_valid(problems)?;
    let mut tx = open_change(db, &req.id).await?;
    let made: Option<Option<String>> = sqlx::query_scalar(
        "SELECT reported_at FROM incident_reports WHERE id = ? AND incident_id = ?",
    )
    .bind(&req.report_id)
    .bind(&req.id)
    .fetch_optional(&mut *tx)
    .await?;
    match made {
        None => return Err(unknown("report_id", req.report_id)),
        Some(None) => return Err(state("report_not_made")),
        Some(Some(_)) => {}
    }
    record(
        tx,
        db,
        actor,
        &req.id,
        EventBody::IncidentReplyRecorded(IncidentReplyRecorded {
            incident_id: req.id.clone(),
            report_id: req.report_id.clone(),
            reply: req.reply.trim().to_owned(),
            replied_at: replied_at.unwrap_or_default(),
        }),
    )
    .await
}

/// A measure taken to contain the incident (§六(二)3), with its effect if already known.
pub async fn incidents_measure(
    db: &Db,
    actor: &Actor,
    req: IncidentMeasureRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    text("measure", &req.measure, true, 5_000, &mut problems);
    if let Some(e) = &req.effect {
        text("effect", e, false, 5_000, &mut problems);
    }
    let taken_at = instant(&mut problems, db, "taken_at", req.taken_at.as_deref());
    ensure_valid(problems)?;
    let tx = open_change(db, &req.id).await?;
    record(
        tx,
        db,
        actor,
        &req.id,
        EventBody::IncidentMeasureRecorded(IncidentMeasureRecorded {
            incident_id: req.id.clone(),
            measure_id: uuid::Uuid::now_v7().to_string(),
            taken_at: taken_at.unwrap_or_default(),
            measure: req.measure.trim().to_owned(),
            effect: req.effect.as_ref().map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()),
        }),
    )
    .await
}

pub async fn incidents_assess(
    db: &Db,
    actor: &Actor,
    req: IncidentAssessRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let mut problems = Vec::new();
    text("effect", &req.effect, true, 5_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = open_change(db, &req.id).await?;
    let found: Option<String> =
        sqlx::query_scalar("SELECT id FROM incident_measures WHERE id = ? AND incident_id = ?")
            .bind(&req.measure_id)
            .bind(&req.id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        return Err(unknown("measure_id", req.measure_id));
    }
    record(
        tx,
        db,
        actor,
        &req.id,
        EventBody::IncidentMeasureAssessed(IncidentMeasureAssessed {
            incident_id: req.id.clone(),
            measure_id: req.measure_id.clone(),
            effect: req.effect.trim().to_owned(),
        }),
    )
    .await
}

/// The after-action review (§六(三)): causes, problems, what worked, lessons and the plan
/// revisions it calls for. Written (and rewritten) before the incident is closed.
pub async fn incidents_review(
    db: &Db,
    actor: &Actor,
    req: IncidentReviewRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyManage)?;
    let r = &req.review;
    let mut problems = Vec::new();
    text("review.causes", &r.causes, true, 10_000, &mut problems);
    text("review.problems", &r.problems, true, 10_000, &mut problems);
    text("review.worked", &r.worked, false, 10_000, &mut problems);
    text("review.lessons", &r.lessons, true, 10_000, &mut problems);
    text("review.plan_revisions", &r.plan_revisions, false, 10_000, &mut problems);
    ensure_valid(problems)?;
    let tx = open_change(db, &req.id).await?;
    record(
        tx,
        db,
        actor,
        &req.id,
        EventBody::IncidentReviewed(Box::new(IncidentReviewed {
            incident_id: req.id.clone(),
            review: IncidentReview {
                causes: r.causes.trim().to_owned(),
                problems: r.problems.trim().to_owned(),
                worked: r.worked.trim().to_owned(),
                lessons: r.lessons.trim().to_owned(),
                plan_revisions: r.plan_revisions.trim().to_owned(),
            },
        })),
    )
    .await
}

/// Closes an incident: only once its review is written and every report the plan required has
/// been made.
pub async fn incidents_close(
    db: &Db,
    actor: &Actor,
    req: IncidentRequest,
) -> CoreResult<IncidentView> {
    actor.require(Permission::EmergencyApprove)?;
    let mut tx = open_change(db, &req.id).await?;
    let (reviewed, unreported): (i64, i64) = sqlx::query_as(
        "SELECT review IS NOT NULL, (SELECT COUNT(*) FROM incident_reports r \
         WHERE r.incident_id = i.id AND r.reported_at IS NULL) FROM incidents i WHERE i.id = ?",
    )
    .bind(&req.id)
    .fetch_one(&mut *tx)
    .await?;
    if reviewed == 0 {
        return Err(state("review_required"));
    }
    if unreported > 0 {
        return Err(state("reports_outstanding"));
    }
    record(
        tx,
        db,
        actor,
        &req.id,
        EventBody::IncidentClosed(IncidentClosed { incident_id: req.id.clone() }),
    )
    .await
}

/// The incident report (事件报告): the incident, its timeline, the cases in summary, the reports
/// made, the measures and the review.
pub async fn incidents_pdf(
    db: &Db,
    actor: &Actor,
    req: IncidentRequest,
) -> CoreResult<GeneratedPdf> {
    let v = incidents_get(db, actor, req).await?;
    let mut conn = db.pool().acquire().await?;
    let profile = crate::documents::templates::profile(&mut conn).await?;
    let author = name_of(&mut conn, &actor.id).await?;
    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    let statuses: Vec<(String, i64)> = sqlx::query_as(
        "SELECT c.status, COUNT(*) FROM incident_cases ic JOIN cases c ON c.id = ic.case_id \
         WHERE ic.incident_id = ? GROUP BY c.status",
    )
    .bind(&v.id)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    by_status.extend(statuses);
    let title = format!("{} 事件报告", v.incident_no);
    let data = doc::IncidentPdf {
        company: profile.company_name,
        author,
        created: db.now(),
        view: v,
        by_status: by_status.into_iter().collect(),
    };
    let (bytes, pages) = render(move || doc::incident_document(&data)).await?;
    Ok(generated(format!("{title}.pdf"), title, pages, &bytes))
}
