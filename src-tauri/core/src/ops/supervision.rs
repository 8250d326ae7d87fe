//! Supervision (§七(一)) and rewards and penalties (§七(三)): inspections of departments and
//! stages on a reproducible random sample of cases, with findings and rectification items
//! followed to completion; rewards and penalties proposed with their reasons and decided by a
//! managing role.

use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::events::EventBody;
use crate::domain::supervision::{
    InspectionAspect, InspectionCaseChecked, InspectionClosed, InspectionFindingsSaved,
    InspectionOpened, RectificationAdded, RectificationDone, SampleVerdict, SanctionDecided,
    SanctionKind, SanctionProposed, SanctionSubject,
};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldRule};
use crate::ops::emergency::append;
use crate::ops::fields::{bounded_date, date, problem, text, today, unknown};
use crate::storage::Db;

fn state(reason: &'static str) -> CoreError {
    CoreError::SupervisionState { reason }
}

/// The most cases one inspection samples.
pub const MAX_SAMPLE: i64 = 200;

/// Draws `k` of `population` (in the order given) with a seed: a partial Fisher–Yates shuffle
/// driven by ChaCha8 seeded with the seed's 64 bits. The same population, `k` and seed give
/// the same sample, in the same order, on any machine.
pub fn draw_sample(population: &[String], k: usize, seed: u64) -> Vec<String> {
    let mut ids = population.to_vec();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let k = k.min(ids.len());
    for i in 0..k {
        let j = rng.gen_range(i..ids.len());
        ids.swap(i, j);
    }
    ids.truncate(k);
    ids
}

/// A seed as people read and type it: 16 hex digits.
pub fn parse_seed(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    (!raw.is_empty() && raw.len() <= 16).then(|| u64::from_str_radix(raw, 16).ok()).flatten()
}

// ---------------------------------------------------------------------------------------------
// Views

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InspectionSummary {
    pub id: String,
    pub title: String,
    pub held_on: String,
    pub inspector: String,
    pub unit_id: Option<String>,
    pub unit: Option<String>,
    pub stage: Option<String>,
    pub scope: Vec<InspectionAspect>,
    pub period_from: String,
    pub period_to: String,
    pub population: i64,
    pub sample_size: i64,
    pub seed: String,
    pub status: String,
    /// Sampled cases found wanting, and those not yet looked at.
    pub issues: i64,
    pub pending: i64,
    pub rectifications: i64,
    pub rectifications_open: i64,
    /// Open items past their deadline.
    pub rectifications_overdue: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SampledCase {
    pub case_id: String,
    pub case_no: String,
    pub status: String,
    pub received_at: String,
    pub department: Option<String>,
    pub handler: Option<String>,
    pub verdict: SampleVerdict,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RectificationView {
    pub id: String,
    pub item: String,
    pub owner_id: String,
    pub owner: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub done_note: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct InspectionView {
    pub summary: InspectionSummary,
    pub findings: String,
    pub cases: Vec<SampledCase>,
    pub rectifications: Vec<RectificationView>,
}

/// The summary's query; `{today}` is replaced by today's date (`YYYY-MM-DD`, made here).
const SUMMARY: &str = "SELECT i.id, i.title, i.held_on, COALESCE(a.display_name, i.inspector_id), \
     i.unit_id, u.name, i.stage, i.scope, i.period_from, i.period_to, i.population, \
     i.sample_size, i.seed, i.status, \
     (SELECT COUNT(*) FROM inspection_cases s WHERE s.inspection_id = i.id AND s.verdict = 'issue'), \
     (SELECT COUNT(*) FROM inspection_cases s WHERE s.inspection_id = i.id AND s.verdict = 'pending'), \
     (SELECT COUNT(*) FROM rectifications r WHERE r.inspection_id = i.id), \
     (SELECT COUNT(*) FROM rectifications r WHERE r.inspection_id = i.id AND r.done_on IS NULL), \
     (SELECT COUNT(*) FROM rectifications r WHERE r.inspection_id = i.id AND r.done_on IS NULL \
      AND r.due_on < '{today}'), i.findings \
     FROM inspections i LEFT JOIN accounts a ON a.id = i.inspector_id \
     LEFT JOIN org_units u ON u.id = i.unit_id";

fn summary_of(r: &sqlx::sqlite::SqliteRow) -> InspectionSummary {
    InspectionSummary {
        id: r.get(0),
        title: r.get(1),
        held_on: r.get(2),
        inspector: r.get(3),
        unit_id: r.get(4),
        unit: r.get(5),
        stage: r.get(6),
        scope: serde_json::from_str(r.get::<&str, _>(7)).unwrap_or_default(),
        period_from: r.get(8),
        period_to: r.get(9),
        population: r.get(10),
        sample_size: r.get(11),
        seed: r.get(12),
        status: r.get(13),
        issues: r.get(14),
        pending: r.get(15),
        rectifications: r.get(16),
        rectifications_open: r.get(17),
        rectifications_overdue: r.get(18),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct InspectionsListRequest {
    /// `open` or `closed` (default: both).
    #[ts(optional)]
    pub status: Option<String>,
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    req: InspectionsListRequest,
) -> CoreResult<Vec<InspectionSummary>> {
    actor.require(Permission::SupervisionManage)?;
    let mut qb = QueryBuilder::<Sqlite>::new(SUMMARY.replace("{today}", &today(db).to_string()));
    if let Some(status) = req.status.as_deref().filter(|s| !s.is_empty()) {
        qb.push(" WHERE i.status = ").push_bind(status.to_owned());
    }
    qb.push(" ORDER BY i.held_on DESC, i.created_at DESC");
    Ok(qb.build().fetch_all(db.pool()).await?.iter().map(summary_of).collect())
}

async fn load(conn: &mut SqliteConnection, db: &Db, id: &str) -> CoreResult<InspectionView> {
    let mut qb = QueryBuilder::<Sqlite>::new(SUMMARY.replace("{today}", &today(db).to_string()));
    qb.push(" WHERE i.id = ").push_bind(id.to_owned());
    let row = qb
        .build()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "inspection", id: id.to_owned() })?;
    let cases = sqlx::query(
        "SELECT s.case_id, c.case_no, c.status, c.received_at, d.name, \
         COALESCE(a.display_name, c.handler), s.verdict, s.note FROM inspection_cases s \
         JOIN cases c ON c.id = s.case_id LEFT JOIN org_units d ON d.id = c.department_id \
         LEFT JOIN accounts a ON a.id = c.handler_id WHERE s.inspection_id = ? ORDER BY s.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| SampledCase {
        case_id: r.get(0),
        case_no: r.get(1),
        status: r.get(2),
        received_at: r.get(3),
        department: r.get(4),
        handler: r.get(5),
        verdict: SampleVerdict::from_code(r.get::<&str, _>(6)).unwrap_or(SampleVerdict::Pending),
        note: r.get(7),
    })
    .collect();
    let now = today(db).to_string();
    let rectifications = sqlx::query(
        "SELECT r.id, r.item, r.owner_id, COALESCE(a.display_name, r.owner_id), r.due_on, \
         r.done_on, r.done_note FROM rectifications r LEFT JOIN accounts a ON a.id = r.owner_id \
         WHERE r.inspection_id = ? ORDER BY r.due_on, r.created_at",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let done_on: Option<String> = r.get(5);
        let due_on: String = r.get(4);
        RectificationView {
            id: r.get(0),
            item: r.get(1),
            owner_id: r.get(2),
            owner: r.get(3),
            overdue: done_on.is_none() && due_on < now,
            due_on,
            done_on,
            done_note: r.get(6),
        }
    })
    .collect();
    Ok(InspectionView { findings: row.get(19), summary: summary_of(&row), cases, rectifications })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct InspectionRequest {
    pub id: String,
}

pub async fn get(db: &Db, actor: &Actor, req: InspectionRequest) -> CoreResult<InspectionView> {
    actor.require(Permission::SupervisionManage)?;
    let mut conn = db.pool().acquire().await?;
    load(&mut conn, db, &req.id).await
}

// ---------------------------------------------------------------------------------------------
// Opening an inspection: the population and its sample

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct InspectionOpenRequest {
    pub title: String,
    /// The day of the inspection (`YYYY-MM-DD`, not in the future).
    pub held_on: String,
    /// The department, branch or store inspected (none: the whole company).
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<String>,
    /// A case status (stage) to inspect; none: every stage.
    #[serde(default)]
    #[ts(optional)]
    pub stage: Option<crate::domain::case::CaseStatus>,
    pub scope: Vec<InspectionAspect>,
    /// Cases received from … to … (China-time days).
    pub period_from: String,
    pub period_to: String,
    /// How many cases to draw (1–200; fewer when the population is smaller).
    pub sample_size: i64,
    /// 16 hex digits; none: a fresh random seed (kept, so the draw can be repeated).
    #[serde(default)]
    #[ts(optional)]
    pub seed: Option<String>,
}

/// The cases an inspection draws from, by case number: not merged, received in the period,
/// of the unit (its department, its store, or a store under it), at the stage if one is given.
pub async fn population(
    conn: &mut SqliteConnection,
    unit_id: Option<&str>,
    stage: Option<&str>,
    (from, to): (NaiveDate, NaiveDate),
) -> CoreResult<Vec<String>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT c.id FROM cases c WHERE c.status <> 'merged' AND c.received_at >= ",
    );
    qb.push_bind(crate::ops::stats::start_of(from));
    qb.push(" AND c.received_at < ")
        .push_bind(crate::ops::stats::start_of(to.succ_opt().unwrap_or(to)));
    if let Some(unit) = unit_id {
        qb.push(" AND (c.department_id = ").push_bind(unit.to_owned());
        qb.push(" OR c.store_id IN (SELECT id FROM org_units WHERE id = ")
            .push_bind(unit.to_owned());
        qb.push(" OR parent_id = ").push_bind(unit.to_owned()).push("))");
    }
    if let Some(stage) = stage {
        qb.push(" AND c.status = ").push_bind(stage.to_owned());
    }
    qb.push(" ORDER BY c.case_no, c.id");
    Ok(qb.build_query_scalar().fetch_all(&mut *conn).await?)
}

pub async fn open(
    db: &Db,
    actor: &Actor,
    req: InspectionOpenRequest,
) -> CoreResult<InspectionView> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("title", &req.title, true, 200, &mut problems);
    let held_on = bounded_date(db, "held_on", &req.held_on, true, &mut problems);
    let from = date("period_from", &req.period_from, &mut problems);
    let to = date("period_to", &req.period_to, &mut problems);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problems.push(problem(
                "period_to",
                FieldRule::Invalid { detail: "not before period_from".into() },
            ));
        }
    }
    if req.scope.is_empty() {
        problems.push(problem("scope", FieldRule::Required));
    }
    if !(1..=MAX_SAMPLE).contains(&req.sample_size) {
        problems.push(problem("sample_size", FieldRule::OutOfRange { min: 1, max: MAX_SAMPLE }));
    }
    let seed = match req.seed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => match parse_seed(raw) {
            Some(s) => Some(s),
            None => {
                problems
                    .push(problem("seed", FieldRule::Invalid { detail: "16 hex digits".into() }));
                None
            }
        },
        None => Some(rand::random::<u64>()),
    };
    let unit = req.unit_id.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let mut tx = db.begin_write().await?;
    if let Some(unit) = unit {
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE id = ?")
            .bind(unit)
            .fetch_one(&mut *tx)
            .await?;
        if known == 0 {
            problems.push(problem("unit_id", FieldRule::UnknownValue { value: unit.to_owned() }));
        }
    }
    ensure_valid(problems)?;
    let (Some(held_on), Some(from), Some(to), Some(seed)) = (held_on, from, to, seed) else {
        return Err(CoreError::Internal("checked inspection".into()));
    };
    let stage = req.stage.map(|s| s.code().to_owned());
    let people = population(&mut tx, unit, stage.as_deref(), (from, to)).await?;
    if people.is_empty() {
        return Err(state("empty_population"));
    }
    let sample = draw_sample(&people, req.sample_size as usize, seed);
    let mut scope = req.scope.clone();
    scope.sort();
    scope.dedup();
    let id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::InspectionOpened(Box::new(InspectionOpened {
        inspection_id: id.clone(),
        title: req.title.trim().to_owned(),
        held_on: held_on.to_string(),
        unit_id: unit.map(str::to_owned),
        stage,
        scope,
        period_from: from.to_string(),
        period_to: to.to_string(),
        population: people.len() as i64,
        seed: format!("{seed:016x}"),
        case_ids: sample,
    }));
    append(&mut tx, db, actor, body).await?;
    let view = load(&mut tx, db, &id).await?;
    tx.commit().await?;
    Ok(view)
}

/// An open inspection, in a write transaction.
async fn open_change(db: &Db, id: &str) -> CoreResult<sqlx::Transaction<'static, Sqlite>> {
    let mut tx = db.begin_write().await?;
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM inspections WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    match status.as_deref() {
        None => Err(CoreError::NotFound { entity: "inspection", id: id.to_owned() }),
        Some("open") => Ok(tx),
        Some(_) => Err(state("inspection_closed")),
    }
}

async fn finish(
    mut tx: sqlx::Transaction<'static, Sqlite>,
    db: &Db,
    actor: &Actor,
    id: &str,
    body: EventBody,
) -> CoreResult<InspectionView> {
    append(&mut tx, db, actor, body).await?;
    let view = load(&mut tx, db, id).await?;
    tx.commit().await?;
    Ok(view)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct InspectionCheckRequest {
    pub id: String,
    pub case_id: String,
    pub verdict: SampleVerdict,
    /// What was found (required when the verdict is `issue`).
    #[serde(default)]
    pub note: String,
}

/// The inspector's verdict on one sampled case.
pub async fn check(
    db: &Db,
    actor: &Actor,
    req: InspectionCheckRequest,
) -> CoreResult<InspectionView> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("note", &req.note, req.verdict == SampleVerdict::Issue, 2_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = open_change(db, &req.id).await?;
    let sampled: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM inspection_cases WHERE inspection_id = ? AND case_id = ?",
    )
    .bind(&req.id)
    .bind(&req.case_id)
    .fetch_one(&mut *tx)
    .await?;
    if sampled == 0 {
        return Err(unknown("case_id", &req.case_id));
    }
    let body = EventBody::InspectionCaseChecked(InspectionCaseChecked {
        inspection_id: req.id.clone(),
        case_id: req.case_id.clone(),
        verdict: req.verdict,
        note: req.note.trim().to_owned(),
    });
    finish(tx, db, actor, &req.id, body).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct InspectionFindingsRequest {
    pub id: String,
    pub findings: String,
}

pub async fn findings(
    db: &Db,
    actor: &Actor,
    req: InspectionFindingsRequest,
) -> CoreResult<InspectionView> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("findings", &req.findings, false, 20_000, &mut problems);
    ensure_valid(problems)?;
    let tx = open_change(db, &req.id).await?;
    let body = EventBody::InspectionFindingsSaved(InspectionFindingsSaved {
        inspection_id: req.id.clone(),
        findings: req.findings.trim().to_owned(),
    });
    finish(tx, db, actor, &req.id, body).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RectificationAddRequest {
    pub id: String,
    pub item: String,
    /// The account responsible.
    pub owner_id: String,
    pub due_on: String,
}

/// A rectification item (整改事项) with its owner and deadline.
pub async fn rectify(
    db: &Db,
    actor: &Actor,
    req: RectificationAddRequest,
) -> CoreResult<InspectionView> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("item", &req.item, true, 1_000, &mut problems);
    let due = date("due_on", &req.due_on, &mut problems);
    ensure_valid(problems)?;
    let mut tx = open_change(db, &req.id).await?;
    let owner: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE id = ?")
        .bind(&req.owner_id)
        .fetch_one(&mut *tx)
        .await?;
    if owner == 0 {
        return Err(unknown("owner_id", &req.owner_id));
    }
    let body = EventBody::RectificationAdded(RectificationAdded {
        rectification_id: uuid::Uuid::now_v7().to_string(),
        inspection_id: req.id.clone(),
        item: req.item.trim().to_owned(),
        owner_id: req.owner_id.clone(),
        due_on: due.map(|d| d.to_string()).unwrap_or_default(),
    });
    finish(tx, db, actor, &req.id, body).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RectificationDoneRequest {
    pub rectification_id: String,
    /// Default: today.
    #[serde(default)]
    #[ts(optional)]
    pub done_on: Option<String>,
    /// What was done.
    pub note: String,
}

/// A rectification item completed, by its owner or the inspector.
pub async fn rectified(
    db: &Db,
    actor: &Actor,
    req: RectificationDoneRequest,
) -> CoreResult<InspectionView> {
    let mut problems = Vec::new();
    text("note", &req.note, true, 2_000, &mut problems);
    let done_on = match req.done_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => bounded_date(db, "done_on", raw, true, &mut problems),
        None => Some(today(db)),
    };
    ensure_valid(problems)?;
    let found: Option<(String, String, Option<String>)> =
        sqlx::query_as("SELECT inspection_id, owner_id, done_on FROM rectifications WHERE id = ?")
            .bind(&req.rectification_id)
            .fetch_optional(db.pool())
            .await?;
    let Some((inspection, owner, done)) = found else {
        return Err(CoreError::NotFound { entity: "rectification", id: req.rectification_id });
    };
    if owner != actor.id {
        actor.require(Permission::SupervisionManage)?;
    }
    if done.is_some() {
        return Err(state("rectification_done"));
    }
    let tx = open_change(db, &inspection).await?;
    let body = EventBody::RectificationDone(RectificationDone {
        rectification_id: req.rectification_id.clone(),
        done_on: done_on.map(|d| d.to_string()).unwrap_or_default(),
        note: req.note.trim().to_owned(),
    });
    finish(tx, db, actor, &inspection, body).await
}

/// Closes an inspection: every sampled case judged, every rectification item done.
pub async fn close(db: &Db, actor: &Actor, req: InspectionRequest) -> CoreResult<InspectionView> {
    actor.require(Permission::SupervisionManage)?;
    let mut tx = open_change(db, &req.id).await?;
    let view = load(&mut tx, db, &req.id).await?;
    if view.summary.pending > 0 {
        return Err(state("samples_pending"));
    }
    if view.summary.rectifications_open > 0 {
        return Err(state("rectifications_open"));
    }
    let body = EventBody::InspectionClosed(InspectionClosed { inspection_id: req.id.clone() });
    finish(tx, db, actor, &req.id, body).await
}

// ---------------------------------------------------------------------------------------------
// Rewards and penalties

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SanctionView {
    pub id: String,
    pub kind: SanctionKind,
    pub subject_kind: SanctionSubject,
    pub subject_id: String,
    pub subject: String,
    pub period: String,
    pub reason: String,
    pub amount_fen: Option<i64>,
    pub points: Option<i64>,
    pub case_ids: Vec<String>,
    pub case_nos: Vec<String>,
    pub scorecard: Option<String>,
    /// `proposed`, `approved` or `rejected`.
    pub status: String,
    pub proposed_by: String,
    pub proposed_at: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct SanctionsListRequest {
    /// Sanctions of this period and the periods within it (`2026` takes in `2026-Q3`, `2026-10`).
    #[ts(optional)]
    pub period: Option<String>,
    #[ts(optional)]
    pub subject_id: Option<String>,
}

pub async fn sanctions(
    db: &Db,
    actor: &Actor,
    req: SanctionsListRequest,
) -> CoreResult<Vec<SanctionView>> {
    actor.require_any(&[Permission::SupervisionManage, Permission::SanctionApprove])?;
    let mut conn = db.pool().acquire().await?;
    sanctions_of(&mut conn, None, req.period.as_deref(), req.subject_id.as_deref()).await
}

/// Sanctions by id, period (the period itself or any within it) or subject.
pub(crate) async fn sanctions_of(
    conn: &mut SqliteConnection,
    id: Option<&str>,
    period: Option<&str>,
    subject: Option<&str>,
) -> CoreResult<Vec<SanctionView>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT s.id, s.kind, s.subject_kind, s.subject_id, \
         COALESCE(sa.display_name, su.name, s.subject_id), s.period, s.reason, s.amount_fen, \
         s.points, s.case_ids, s.scorecard, s.status, COALESCE(pa.display_name, s.proposed_by), \
         s.proposed_at, COALESCE(da.display_name, s.decided_by), s.decided_at, s.decision_note, \
         (SELECT json_group_array(c.case_no) FROM json_each(s.case_ids) j \
          JOIN cases c ON c.id = j.value) \
         FROM sanctions s LEFT JOIN accounts sa ON sa.id = s.subject_id \
         LEFT JOIN org_units su ON su.id = s.subject_id \
         LEFT JOIN accounts pa ON pa.id = s.proposed_by \
         LEFT JOIN accounts da ON da.id = s.decided_by WHERE 1 = 1",
    );
    if let Some(id) = id {
        qb.push(" AND s.id = ").push_bind(id.to_owned());
    }
    if let Some(subject) = subject.filter(|s| !s.is_empty()) {
        qb.push(" AND s.subject_id = ").push_bind(subject.to_owned());
    }
    qb.push(" ORDER BY s.proposed_at DESC");
    // Within the period asked for: the period itself or one inside it.
    let within = period
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| crate::ops::kpi::KpiPeriod::parse(p).map(|k| (k.from, k.to)));
    Ok(qb
        .build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| SanctionView {
            id: r.get(0),
            kind: SanctionKind::from_code(r.get(1)).unwrap_or(SanctionKind::Reward),
            subject_kind: SanctionSubject::from_code(r.get(2)).unwrap_or(SanctionSubject::Staff),
            subject_id: r.get(3),
            subject: r.get(4),
            period: r.get(5),
            reason: r.get(6),
            amount_fen: r.get(7),
            points: r.get(8),
            case_ids: serde_json::from_str(r.get::<&str, _>(9)).unwrap_or_default(),
            scorecard: r.get(10),
            status: r.get(11),
            proposed_by: r.get(12),
            proposed_at: r.get(13),
            decided_by: r.get(14),
            decided_at: r.get(15),
            decision_note: r.get(16),
            case_nos: serde_json::from_str(r.get::<&str, _>(17)).unwrap_or_default(),
        })
        .filter(|s| match within {
            None => true,
            Some(None) => false,
            Some(Some((from, to))) => crate::ops::kpi::KpiPeriod::parse(&s.period)
                .is_some_and(|k| k.from >= from && k.to <= to),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SanctionProposeRequest {
    pub kind: SanctionKind,
    pub subject_kind: SanctionSubject,
    pub subject_id: String,
    /// `2026`, `2026-Q3` or `2026-10`.
    pub period: String,
    pub reason: String,
    /// Money (fen), points, or both; at least one.
    #[serde(default)]
    #[ts(optional)]
    pub amount_fen: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub points: Option<i64>,
    /// The cases it rests on.
    #[serde(default)]
    pub case_ids: Vec<String>,
    /// The scorecard (its period) it rests on.
    #[serde(default)]
    #[ts(optional)]
    pub scorecard: Option<String>,
}

pub async fn propose(
    db: &Db,
    actor: &Actor,
    req: SanctionProposeRequest,
) -> CoreResult<SanctionView> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("reason", &req.reason, true, 2_000, &mut problems);
    let period = crate::ops::kpi::KpiPeriod::parse(&req.period);
    if period.is_none() {
        problems.push(problem(
            "period",
            FieldRule::Invalid { detail: "YYYY, YYYY-Qn or YYYY-MM".into() },
        ));
    }
    if let Some(s) = req.scorecard.as_deref().filter(|s| !s.is_empty()) {
        if crate::ops::kpi::KpiPeriod::parse(s).is_none() {
            problems.push(problem(
                "scorecard",
                FieldRule::Invalid { detail: "YYYY, YYYY-Qn or YYYY-MM".into() },
            ));
        }
    }
    match (req.amount_fen, req.points) {
        (None, None) => problems.push(problem("amount_fen", FieldRule::Required)),
        (amount, points) => {
            if amount.is_some_and(|a| !(1..=100_000_000).contains(&a)) {
                problems.push(problem(
                    "amount_fen",
                    FieldRule::OutOfRange { min: 1, max: 100_000_000 },
                ));
            }
            if points.is_some_and(|p| !(1..=100).contains(&p)) {
                problems.push(problem("points", FieldRule::OutOfRange { min: 1, max: 100 }));
            }
        }
    }
    let mut tx = db.begin_write().await?;
    let table = match req.subject_kind {
        SanctionSubject::Staff => "accounts",
        SanctionSubject::Unit => "org_units",
    };
    let known: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE id = ?"))
        .bind(&req.subject_id)
        .fetch_one(&mut *tx)
        .await?;
    if known == 0 {
        problems
            .push(problem("subject_id", FieldRule::UnknownValue { value: req.subject_id.clone() }));
    }
    for (i, id) in req.case_ids.iter().enumerate() {
        let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if found == 0 {
            problems.push(problem(
                format!("case_ids[{i}]"),
                FieldRule::UnknownValue { value: id.clone() },
            ));
        }
    }
    ensure_valid(problems)?;
    let id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::SanctionProposed(SanctionProposed {
        sanction_id: id.clone(),
        kind: req.kind,
        subject_kind: req.subject_kind,
        subject_id: req.subject_id.clone(),
        period: period.map(|p| p.label).unwrap_or_default(),
        reason: req.reason.trim().to_owned(),
        amount_fen: req.amount_fen,
        points: req.points,
        case_ids: req.case_ids.clone(),
        scorecard: req.scorecard.clone().filter(|s| !s.is_empty()),
    });
    append(&mut tx, db, actor, body).await?;
    let view = sanctions_of(&mut tx, Some(&id), None, None)
        .await?
        .pop()
        .ok_or_else(|| CoreError::Internal("sanction not projected".into()))?;
    tx.commit().await?;
    Ok(view)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SanctionDecideRequest {
    pub id: String,
    pub approved: bool,
    #[serde(default)]
    pub note: String,
}

/// Approves or rejects a proposal; never one's own.
pub async fn decide(
    db: &Db,
    actor: &Actor,
    req: SanctionDecideRequest,
) -> CoreResult<SanctionView> {
    actor.require(Permission::SanctionApprove)?;
    let mut problems = Vec::new();
    text("note", &req.note, !req.approved, 2_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT status, proposed_by FROM sanctions WHERE id = ?")
            .bind(&req.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((status, proposer)) = found else {
        return Err(CoreError::NotFound { entity: "sanction", id: req.id });
    };
    if status != "proposed" {
        return Err(state("sanction_decided"));
    }
    if proposer == actor.id {
        return Err(state("own_sanction"));
    }
    let body = EventBody::SanctionDecided(SanctionDecided {
        sanction_id: req.id.clone(),
        approved: req.approved,
        note: req.note.trim().to_owned(),
    });
    append(&mut tx, db, actor, body).await?;
    let view = sanctions_of(&mut tx, Some(&req.id), None, None)
        .await?
        .pop()
        .ok_or_else(|| CoreError::Internal("sanction not projected".into()))?;
    tx.commit().await?;
    Ok(view)
}
