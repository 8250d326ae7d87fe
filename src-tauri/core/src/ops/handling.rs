//! Handling a dispute (§四): moving it along the workflow, the dispute team, investigation,
//! solution plans and their approval, negotiation, execution, feedback and closing. Every
//! change is an event on the case's timeline; the workflow's rules are in
//! `domain::workflow` and are checked here, before anything is written.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::case::{
    CaseStatus, ContactMethod, MeasureKind, OfferResponse, PlanStatus, RootCause, Satisfaction,
    SourceKind, TeamRole,
};
use crate::domain::events::{
    CaseAssigned, CaseClosed, CaseFeedbackRecorded, CaseInvestigationNoted, CaseNegotiated,
    CasePlanDecided, CasePlanDrafted, CasePlanOffered, CaseStepDelayed, CaseStepDone, CaseTeamSet,
    CaseTransitioned, EventBody, PlanMeasure, PlanStepDraft, TeamMember,
};
use crate::domain::workflow::{self, Move};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldRule};
use crate::event_log;
use crate::intake_rules::{money, text};
use crate::ops::cases::in_scope;
use crate::ops::fields::{bounded_date, problem};
use crate::storage::Db;

/// Where a case stands, as the handling operations need it.
pub(crate) struct CaseState {
    pub id: String,
    pub status: CaseStatus,
}

/// The case `id`, if the actor may see it.
pub(crate) async fn case_state(
    conn: &mut SqliteConnection,
    actor: &Actor,
    id: &str,
) -> CoreResult<CaseState> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM cases WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let status = status.ok_or_else(|| CoreError::NotFound { entity: "case", id: id.to_owned() })?;
    if !in_scope(conn, actor, id).await? {
        return Err(CoreError::Forbidden { permission: Some(Permission::CaseView) });
    }
    let status = CaseStatus::from_code(&status)
        .ok_or_else(|| CoreError::Internal(format!("status {status}")))?;
    Ok(CaseState { id: id.to_owned(), status })
}

/// Where `mv` takes the case, or `case.invalid_state`.
fn allowed(state: &CaseState, mv: Move) -> CoreResult<CaseStatus> {
    workflow::next(state.status, mv).ok_or(CoreError::InvalidState { detail: "workflow" })
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// An active account by id or user name: (id, display name).
async fn account(
    conn: &mut SqliteConnection,
    id_or_name: &str,
) -> CoreResult<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, display_name FROM accounts WHERE (id = ?1 OR username = ?1) AND active = 1 \
         ORDER BY id = ?1 DESC, created_hlc, id LIMIT 1",
    )
    .bind(id_or_name.trim())
    .fetch_optional(&mut *conn)
    .await?)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Moved {
    pub id: String,
    pub status: CaseStatus,
}

// ---------------------------------------------------------------------------------------------
// Moving along the workflow

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AdvanceRequest {
    pub id: String,
    /// `start_investigation`, `start_planning`, `finish_execution` or `withdraw`; the other
    /// moves have their own operations (offer, negotiate, feedback, close).
    #[serde(rename = "move")]
    #[ts(rename = "move")]
    pub mv: Move,
    /// Required for a withdrawal: the consumer's reason.
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

pub async fn advance(db: &Db, actor: &Actor, req: AdvanceRequest) -> CoreResult<Moved> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    let withdraw = req.mv == Move::Withdraw;
    text("note", req.note.as_deref().unwrap_or(""), withdraw, 1_000, &mut problems);
    if !matches!(
        req.mv,
        Move::StartInvestigation | Move::StartPlanning | Move::FinishExecution | Move::Withdraw
    ) {
        problems.push(problem("move", FieldRule::Invalid { detail: "advance".into() }));
    }
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.id).await?;
    let to = allowed(&state, req.mv)?;
    match req.mv {
        Move::StartPlanning => {
            let notes: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM case_notes WHERE case_id = ?")
                    .bind(&state.id)
                    .fetch_one(&mut *tx)
                    .await?;
            if notes == 0 {
                // The facts come first (§四(二)): at least one investigation note.
                return Err(CoreError::InvalidState { detail: "no_investigation" });
            }
        }
        Move::FinishExecution => {
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM case_steps WHERE case_id = ? AND done_on IS NULL",
            )
            .bind(&state.id)
            .fetch_one(&mut *tx)
            .await?;
            if open > 0 {
                return Err(CoreError::InvalidState { detail: "steps_open" });
            }
        }
        _ => {}
    }
    let body = EventBody::CaseTransitioned(CaseTransitioned {
        from: state.status,
        to,
        note: trimmed(req.note),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Moved { id: state.id, status: to })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub id: String,
    /// The handler it goes to, by account id or user name.
    #[serde(default)]
    #[ts(optional)]
    pub handler_id: Option<String>,
    /// The department it goes to, by id or code.
    #[serde(default)]
    #[ts(optional)]
    pub department_id: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

/// Transfers a case to another handler or department.
pub async fn assign(db: &Db, actor: &Actor, req: AssignRequest) -> CoreResult<Moved> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    text("note", req.note.as_deref().unwrap_or(""), false, 1_000, &mut problems);
    if req.handler_id.is_none() && req.department_id.is_none() {
        problems.push(problem("handler_id", FieldRule::Required));
    }
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.id).await?;
    if state.status.is_finished() {
        return Err(CoreError::InvalidState { detail: "finished" });
    }
    let mut handler = None;
    if let Some(h) = &req.handler_id {
        handler = account(&mut tx, h).await?;
        if handler.is_none() {
            problems.push(problem("handler_id", FieldRule::UnknownValue { value: h.clone() }));
        }
    }
    let mut department = None;
    if let Some(d) = &req.department_id {
        department = sqlx::query_scalar::<_, String>(
            "SELECT id FROM org_units WHERE (id = ?1 OR code = ?1) AND kind <> 'company'",
        )
        .bind(d)
        .fetch_optional(&mut *tx)
        .await?;
        if department.is_none() {
            problems.push(problem("department_id", FieldRule::UnknownValue { value: d.clone() }));
        }
    }
    ensure_valid(problems)?;
    let (handler_id, handler_name) = handler.unzip();
    let body = EventBody::CaseAssigned(CaseAssigned {
        handler: handler_name.unwrap_or_default(),
        handler_id,
        department_id: department,
        note: trimmed(req.note),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Moved { id: state.id, status: state.status })
}

// ---------------------------------------------------------------------------------------------
// The dispute team and the investigation

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TeamMemberInput {
    /// Account id or user name.
    pub account_id: String,
    pub role: TeamRole,
    pub duty: String,
    #[serde(default)]
    pub lead: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TeamSetRequest {
    pub id: String,
    /// The whole team as it should stand (empty: dissolve it).
    pub members: Vec<TeamMemberInput>,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

pub async fn team_set(db: &Db, actor: &Actor, req: TeamSetRequest) -> CoreResult<Moved> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    text("note", req.note.as_deref().unwrap_or(""), false, 1_000, &mut problems);
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.id).await?;
    if state.status.is_finished() {
        return Err(CoreError::InvalidState { detail: "finished" });
    }
    let mut members = Vec::new();
    for (i, m) in req.members.iter().enumerate() {
        text(&format!("members[{i}].duty"), &m.duty, true, 200, &mut problems);
        match account(&mut tx, &m.account_id).await? {
            Some((id, name)) if members.iter().any(|x: &TeamMember| x.account_id == id) => {
                let _ = name;
                problems.push(problem(format!("members[{i}].account_id"), FieldRule::Taken));
            }
            Some((account_id, name)) => members.push(TeamMember {
                account_id,
                name,
                role: m.role,
                duty: m.duty.trim().to_owned(),
                lead: m.lead,
            }),
            None => problems.push(problem(
                format!("members[{i}].account_id"),
                FieldRule::UnknownValue { value: m.account_id.clone() },
            )),
        }
    }
    if req.members.len() > 30 {
        problems.push(problem("members", FieldRule::OutOfRange { min: 0, max: 30 }));
    }
    let leads = req.members.iter().filter(|m| m.lead).count();
    if !req.members.is_empty() && leads != 1 {
        // A team has one lead (§四(一)).
        problems.push(problem("members", FieldRule::Invalid { detail: "1 lead".into() }));
    }
    ensure_valid(problems)?;
    let body = EventBody::CaseTeamSet(CaseTeamSet { members, note: trimmed(req.note) });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Moved { id: state.id, status: state.status })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct InvestigateRequest {
    pub id: String,
    pub fact: String,
    pub source_kind: SourceKind,
    pub source: String,
    /// `YYYY-MM-DD`, not in the future.
    pub found_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Created {
    pub id: String,
}

/// A fact established and its source, dated and signed by its author (the actor).
pub async fn investigate(db: &Db, actor: &Actor, req: InvestigateRequest) -> CoreResult<Created> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    text("fact", &req.fact, true, 5_000, &mut problems);
    text("source", &req.source, true, 500, &mut problems);
    let found_on = bounded_date(db, "found_on", &req.found_on, true, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.id).await?;
    if state.status == CaseStatus::Received || state.status.is_finished() {
        return Err(CoreError::InvalidState { detail: "workflow" });
    }
    let note_id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::CaseInvestigationNoted(CaseInvestigationNoted {
        note_id: note_id.clone(),
        fact: req.fact.trim().to_owned(),
        source_kind: req.source_kind,
        source: req.source.trim().to_owned(),
        found_on: found_on.map(|d| d.to_string()).unwrap_or_default(),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Created { id: note_id })
}

// ---------------------------------------------------------------------------------------------
// Solution plans

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    pub title: String,
    /// `YYYY-MM-DD`, today or later.
    pub due_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    pub kind: MeasureKind,
    pub description: String,
    /// Yuan, two decimals at most: required for a refund or compensation.
    #[serde(default)]
    #[ts(optional)]
    pub amount: Option<String>,
    /// The person responsible: account id or user name.
    pub responsible_id: String,
    pub steps: Vec<StepInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PlanDraftRequest {
    pub case_id: String,
    pub summary: String,
    pub measures: Vec<MeasureInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PlanDrafted {
    pub id: String,
    pub version: i64,
    pub status: PlanStatus,
    pub money_fen: i64,
}

/// A new version of the plan. Earlier versions stay as they were.
pub async fn draft(db: &Db, actor: &Actor, req: PlanDraftRequest) -> CoreResult<PlanDrafted> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    text("summary", &req.summary, true, 2_000, &mut problems);
    if req.measures.is_empty() {
        problems.push(problem("measures", FieldRule::Required));
    }
    if req.measures.len() > 20 {
        problems.push(problem("measures", FieldRule::OutOfRange { min: 1, max: 20 }));
    }
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.case_id).await?;
    if state.status != CaseStatus::Planning {
        return Err(CoreError::InvalidState { detail: "workflow" });
    }
    let mut measures = Vec::new();
    let mut money_fen = 0i64;
    for (i, m) in req.measures.iter().enumerate() {
        let at = |name: &str| format!("measures[{i}].{name}");
        text(&at("description"), &m.description, true, 1_000, &mut problems);
        let needs_amount = matches!(m.kind, MeasureKind::Refund | MeasureKind::Compensation);
        let amount_fen = match m.amount.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(raw) => money(raw).map_err(|rule| problems.push(problem(at("amount"), rule))).ok(),
            None if needs_amount => {
                problems.push(problem(at("amount"), FieldRule::Required));
                None
            }
            None => None,
        };
        if needs_amount {
            money_fen += amount_fen.unwrap_or(0);
        }
        let responsible = account(&mut tx, &m.responsible_id).await?;
        if responsible.is_none() {
            problems.push(problem(
                at("responsible_id"),
                FieldRule::UnknownValue { value: m.responsible_id.clone() },
            ));
        }
        if m.steps.is_empty() {
            problems.push(problem(at("steps"), FieldRule::Required));
        }
        let mut steps = Vec::new();
        for (j, s) in m.steps.iter().enumerate() {
            text(&at(&format!("steps[{j}].title")), &s.title, true, 200, &mut problems);
            let due = bounded_date(
                db,
                &at(&format!("steps[{j}].due_on")),
                &s.due_on,
                false,
                &mut problems,
            );
            steps.push(PlanStepDraft {
                step_id: uuid::Uuid::now_v7().to_string(),
                title: s.title.trim().to_owned(),
                due_on: due.map(|d| d.to_string()).unwrap_or_default(),
            });
        }
        let (responsible_id, responsible_name) = responsible.unwrap_or_default();
        measures.push(PlanMeasure {
            kind: m.kind,
            description: m.description.trim().to_owned(),
            amount_fen,
            responsible_id,
            responsible_name,
            steps,
        });
    }
    ensure_valid(problems)?;
    let version: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM case_plans WHERE case_id = ?",
    )
    .bind(&state.id)
    .fetch_one(&mut *tx)
    .await?;
    let threshold = crate::settings::approval_threshold_fen(&mut tx).await?;
    let needs_approval = money_fen > threshold;
    let plan_id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::CasePlanDrafted(Box::new(CasePlanDrafted {
        plan_id: plan_id.clone(),
        version,
        summary: req.summary.trim().to_owned(),
        measures,
        money_fen,
        needs_approval,
    }));
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(PlanDrafted {
        id: plan_id,
        version,
        status: if needs_approval { PlanStatus::PendingApproval } else { PlanStatus::Draft },
        money_fen,
    })
}

/// A plan with its case: (case id, version, status).
async fn plan_of(
    conn: &mut SqliteConnection,
    actor: &Actor,
    plan_id: &str,
) -> CoreResult<(CaseState, i64, PlanStatus)> {
    let row: Option<(String, i64, String)> =
        sqlx::query_as("SELECT case_id, version, status FROM case_plans WHERE id = ?")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (case_id, version, status) =
        row.ok_or_else(|| CoreError::NotFound { entity: "plan", id: plan_id.to_owned() })?;
    let state = case_state(conn, actor, &case_id).await?;
    let status = PlanStatus::from_code(&status)
        .ok_or_else(|| CoreError::Internal(format!("plan status {status}")))?;
    Ok((state, version, status))
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PlanDecideRequest {
    pub plan_id: String,
    pub approved: bool,
    /// Required when refusing: what to change.
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

/// A legal or managing role approves (or refuses) compensation above the threshold.
pub async fn decide(db: &Db, actor: &Actor, req: PlanDecideRequest) -> CoreResult<PlanDrafted> {
    actor.require(Permission::CompensationApprove)?;
    let mut problems = Vec::new();
    text("note", req.note.as_deref().unwrap_or(""), !req.approved, 1_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (state, version, status) = plan_of(&mut tx, actor, &req.plan_id).await?;
    if status != PlanStatus::PendingApproval || state.status != CaseStatus::Planning {
        return Err(CoreError::InvalidState { detail: "plan" });
    }
    let body = EventBody::CasePlanDecided(CasePlanDecided {
        plan_id: req.plan_id.clone(),
        version,
        approved: req.approved,
        note: trimmed(req.note),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    let money_fen: i64 = sqlx::query_scalar("SELECT money_fen FROM case_plans WHERE id = ?")
        .bind(&req.plan_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(PlanDrafted {
        id: req.plan_id,
        version,
        status: if req.approved { PlanStatus::Draft } else { PlanStatus::Declined },
        money_fen,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PlanOfferRequest {
    pub plan_id: String,
}

/// Puts a plan to the consumer: the case moves to negotiation.
pub async fn offer(db: &Db, actor: &Actor, req: PlanOfferRequest) -> CoreResult<Moved> {
    actor.require(Permission::CaseHandle)?;
    let mut tx = db.begin_write().await?;
    let (state, version, status) = plan_of(&mut tx, actor, &req.plan_id).await?;
    let to = allowed(&state, Move::Offer)?;
    if status != PlanStatus::Draft {
        // Not yet approved, refused, or not the latest version.
        return Err(CoreError::InvalidState { detail: "plan" });
    }
    let body =
        EventBody::CasePlanOffered(CasePlanOffered { plan_id: req.plan_id.clone(), version });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Moved { id: state.id, status: to })
}

// ---------------------------------------------------------------------------------------------
// Negotiation, execution, feedback, closing

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NegotiateRequest {
    pub case_id: String,
    /// `YYYY-MM-DD`, not in the future.
    pub held_on: String,
    pub method: ContactMethod,
    pub response: OfferResponse,
    /// Required for a counter-proposal: what the consumer asks instead.
    #[serde(default)]
    #[ts(optional)]
    pub counter: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub notes: Option<String>,
}

/// A round of negotiation on the plan on offer. Accepted: the plan is locked and its steps are
/// to be carried out. Rejected or countered: back to planning for a revised version.
pub async fn negotiate(db: &Db, actor: &Actor, req: NegotiateRequest) -> CoreResult<Moved> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    let held_on = bounded_date(db, "held_on", &req.held_on, true, &mut problems);
    let countered = req.response == OfferResponse::Counter;
    text("counter", req.counter.as_deref().unwrap_or(""), countered, 2_000, &mut problems);
    text("notes", req.notes.as_deref().unwrap_or(""), false, 2_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.case_id).await?;
    let mv = if req.response == OfferResponse::Accepted { Move::Accept } else { Move::Reject };
    let to = allowed(&state, mv)?;
    let offered: Option<(String, i64)> = sqlx::query_as(
        "SELECT id, version FROM case_plans WHERE case_id = ? AND status = 'offered' \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(&state.id)
    .fetch_optional(&mut *tx)
    .await?;
    let (plan_id, version) = offered.ok_or(CoreError::InvalidState { detail: "plan" })?;
    let body = EventBody::CaseNegotiated(CaseNegotiated {
        round_id: uuid::Uuid::now_v7().to_string(),
        plan_id,
        version,
        held_on: held_on.map(|d| d.to_string()).unwrap_or_default(),
        method: req.method,
        response: req.response,
        counter: trimmed(req.counter),
        notes: trimmed(req.notes),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Moved { id: state.id, status: to })
}

/// A step of an accepted plan, with its case: (case, title, due, done).
async fn step_of(
    conn: &mut SqliteConnection,
    actor: &Actor,
    step_id: &str,
) -> CoreResult<(CaseState, String, String, Option<String>)> {
    let row: Option<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT case_id, title, due_on, done_on FROM case_steps WHERE id = ?")
            .bind(step_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (case_id, title, due_on, done_on) =
        row.ok_or_else(|| CoreError::NotFound { entity: "step", id: step_id.to_owned() })?;
    let state = case_state(conn, actor, &case_id).await?;
    if state.status != CaseStatus::Executing || done_on.is_some() {
        return Err(CoreError::InvalidState { detail: "step" });
    }
    Ok((state, title, due_on, done_on))
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StepCompleteRequest {
    pub step_id: String,
    /// `YYYY-MM-DD`, not in the future.
    pub done_on: String,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

pub async fn complete(db: &Db, actor: &Actor, req: StepCompleteRequest) -> CoreResult<Created> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    let done_on = bounded_date(db, "done_on", &req.done_on, true, &mut problems);
    text("note", req.note.as_deref().unwrap_or(""), false, 1_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (state, title, _, _) = step_of(&mut tx, actor, &req.step_id).await?;
    let body = EventBody::CaseStepDone(CaseStepDone {
        step_id: req.step_id.clone(),
        title,
        done_on: done_on.map(|d| d.to_string()).unwrap_or_default(),
        note: trimmed(req.note),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Created { id: req.step_id })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StepDelayRequest {
    pub step_id: String,
    pub reason: String,
    /// `YYYY-MM-DD`, today or later.
    pub new_due_on: String,
    /// How the consumer was told of the new date: no new date without it (§四(五)2).
    pub informed_by: ContactMethod,
    /// `YYYY-MM-DD`, not in the future.
    pub informed_on: String,
}

pub async fn delay(db: &Db, actor: &Actor, req: StepDelayRequest) -> CoreResult<Created> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    text("reason", &req.reason, true, 1_000, &mut problems);
    let new_due = bounded_date(db, "new_due_on", &req.new_due_on, false, &mut problems);
    let informed_on = bounded_date(db, "informed_on", &req.informed_on, true, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (state, title, old_due, _) = step_of(&mut tx, actor, &req.step_id).await?;
    if new_due.map(|d| d.to_string()) == Some(old_due.clone()) {
        return Err(CoreError::Validation(vec![problem(
            "new_due_on",
            FieldRule::Invalid { detail: format!("≠ {old_due}") },
        )]));
    }
    let body = EventBody::CaseStepDelayed(CaseStepDelayed {
        step_id: req.step_id.clone(),
        title,
        reason: req.reason.trim().to_owned(),
        old_due_on: old_due,
        new_due_on: new_due.map(|d| d.to_string()).unwrap_or_default(),
        informed_by: req.informed_by,
        informed_on: informed_on.map(|d| d.to_string()).unwrap_or_default(),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Created { id: req.step_id })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub id: String,
    pub communicated_by: ContactMethod,
    pub satisfaction: Satisfaction,
    /// 1–5.
    pub score: i64,
    /// Required when the consumer is not satisfied: their reasons, for the new plan.
    #[serde(default)]
    #[ts(optional)]
    pub comments: Option<String>,
}

/// The result told to the consumer and their satisfaction. 不满意 reopens the case.
pub async fn feedback(db: &Db, actor: &Actor, req: FeedbackRequest) -> CoreResult<Moved> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    let dissatisfied = req.satisfaction == Satisfaction::Dissatisfied;
    text("comments", req.comments.as_deref().unwrap_or(""), dissatisfied, 2_000, &mut problems);
    if !(1..=5).contains(&req.score) {
        problems.push(problem("score", FieldRule::OutOfRange { min: 1, max: 5 }));
    }
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.id).await?;
    if state.status != CaseStatus::Feedback {
        return Err(CoreError::InvalidState { detail: "workflow" });
    }
    let to = if dissatisfied { allowed(&state, Move::Reopen)? } else { state.status };
    let body = EventBody::CaseFeedbackRecorded(CaseFeedbackRecorded {
        communicated_by: req.communicated_by,
        satisfaction: req.satisfaction,
        score: req.score,
        comments: trimmed(req.comments),
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Moved { id: state.id, status: to })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub id: String,
    /// What was done and how it ended.
    pub result: String,
    pub root_cause: RootCause,
    /// A typical case (典型案例) for internal bulletins.
    #[serde(default)]
    pub typical: bool,
}

/// Closes a case whose consumer's latest feedback is 满意 or 基本满意.
pub async fn close(db: &Db, actor: &Actor, req: CloseRequest) -> CoreResult<Moved> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    text("result", &req.result, true, 2_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.id).await?;
    let to = allowed(&state, Move::Close)?;
    if state.status != CaseStatus::Feedback {
        // Settled on the spot is closed at intake; here, only after feedback.
        return Err(CoreError::InvalidState { detail: "workflow" });
    }
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT satisfaction FROM case_feedback WHERE case_id = ? ORDER BY created_hlc DESC LIMIT 1",
    )
    .bind(&state.id)
    .fetch_optional(&mut *tx)
    .await?;
    let satisfaction = latest
        .as_deref()
        .and_then(Satisfaction::from_code)
        .filter(|s| *s != Satisfaction::Dissatisfied)
        .ok_or(CoreError::InvalidState { detail: "no_feedback" })?;
    let body = EventBody::CaseClosed(CaseClosed {
        result: req.result.trim().to_owned(),
        satisfaction: Some(satisfaction),
        root_cause: Some(req.root_cause.code().to_owned()),
        typical: req.typical,
    });
    event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
    tx.commit().await?;
    Ok(Moved { id: state.id, status: to })
}
