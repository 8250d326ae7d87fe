//! Reading the handling of a case (`cases.handling`) and each person's work list
//! (`work.list`): cases to act on, steps due and overdue, approvals waiting, and for those who
//! lead a unit, its overdue cases.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::{CaseScope, Permission};
use crate::domain::case::{
    CaseStatus, ContactMethod, MeasureKind, OfferResponse, PlanStatus, Satisfaction, SourceKind,
    TeamRole,
};
use crate::domain::events::PlanMeasure;
use crate::domain::workflow::{self, Move};
use crate::error::{CoreError, CoreResult};
use crate::ops::cases::{case_row, mask_row, push_scope, CaseRow, OPEN, ROW_COLUMNS, ROW_JOINS};
use crate::ops::handling::case_state;
use crate::storage::Db;
use crate::time::{china, to_db};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HandlingRequest {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TeamMemberView {
    pub account_id: String,
    pub name: String,
    pub role: TeamRole,
    pub duty: String,
    pub lead: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NoteView {
    pub id: String,
    pub fact: String,
    pub source_kind: SourceKind,
    pub source: String,
    pub found_on: String,
    pub author: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PlanStepView {
    pub step_id: String,
    pub title: String,
    pub due_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct MeasureView {
    pub kind: MeasureKind,
    pub description: String,
    pub amount_fen: Option<i64>,
    pub responsible_id: String,
    pub responsible_name: String,
    pub steps: Vec<PlanStepView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PlanView {
    pub id: String,
    pub version: i64,
    pub summary: String,
    pub measures: Vec<MeasureView>,
    pub money_fen: i64,
    pub needs_approval: bool,
    pub status: PlanStatus,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    pub author: String,
    pub drafted_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StepView {
    pub id: String,
    pub case_id: String,
    pub case_no: String,
    /// The accepted plan the step belongs to, and its version.
    pub plan_id: String,
    pub plan_version: i64,
    pub position: i64,
    pub measure_kind: MeasureKind,
    pub title: String,
    pub responsible_id: String,
    pub responsible_name: String,
    pub due_on: String,
    pub done_on: Option<String>,
    /// Times the date was moved.
    pub delays: i64,
    /// Not done and its date has passed.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RoundView {
    pub id: String,
    pub plan_version: i64,
    pub held_on: String,
    pub method: ContactMethod,
    pub response: OfferResponse,
    pub counter: Option<String>,
    pub notes: Option<String>,
    pub author: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FeedbackView {
    pub communicated_by: ContactMethod,
    pub satisfaction: Satisfaction,
    pub score: i64,
    pub comments: Option<String>,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HandlingView {
    pub id: String,
    pub status: CaseStatus,
    /// Moves the workflow allows from here (the operations still check their own conditions).
    pub moves: Vec<Move>,
    pub reopen_count: i64,
    pub typical: bool,
    pub team: Vec<TeamMemberView>,
    pub notes: Vec<NoteView>,
    /// Every version, newest first.
    pub plans: Vec<PlanView>,
    pub steps: Vec<StepView>,
    pub rounds: Vec<RoundView>,
    pub feedback: Vec<FeedbackView>,
    pub approval_threshold_fen: i64,
}

fn code<T>(value: &str, parse: fn(&str) -> Option<T>) -> CoreResult<T> {
    parse(value).ok_or_else(|| CoreError::Internal(format!("unknown code {value}")))
}

async fn names(conn: &mut SqliteConnection) -> CoreResult<HashMap<String, String>> {
    Ok(sqlx::query_as("SELECT id, display_name FROM accounts")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect())
}

fn today(db: &Db) -> String {
    db.now().with_timezone(&china()).date_naive().to_string()
}

#[derive(sqlx::FromRow)]
struct StepRow {
    id: String,
    case_id: String,
    case_no: String,
    plan_id: String,
    plan_version: i64,
    position: i64,
    measure_kind: String,
    title: String,
    responsible_id: String,
    responsible_name: String,
    due_on: String,
    done_on: Option<String>,
    delays: i64,
}

const STEP_COLUMNS: &str = "s.id, s.case_id, c.case_no, s.plan_id, \
    (SELECT version FROM case_plans p WHERE p.id = s.plan_id) AS plan_version, s.position, \
    s.measure_kind, s.title, s.responsible_id, s.responsible_name, s.due_on, s.done_on, s.delays";

fn step_view(r: StepRow, today: &str) -> CoreResult<StepView> {
    Ok(StepView {
        overdue: r.done_on.is_none() && r.due_on.as_str() < today,
        measure_kind: code(&r.measure_kind, MeasureKind::from_code)?,
        id: r.id,
        case_id: r.case_id,
        case_no: r.case_no,
        plan_id: r.plan_id,
        plan_version: r.plan_version,
        position: r.position,
        title: r.title,
        responsible_id: r.responsible_id,
        responsible_name: r.responsible_name,
        due_on: r.due_on,
        done_on: r.done_on,
        delays: r.delays,
    })
}

pub async fn handling(db: &Db, actor: &Actor, req: HandlingRequest) -> CoreResult<HandlingView> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    let state = case_state(&mut conn, actor, &req.id).await?;
    let names = names(&mut conn).await?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let (reopen_count, typical): (i64, i64) =
        sqlx::query_as("SELECT reopen_count, typical FROM cases WHERE id = ?")
            .bind(&req.id)
            .fetch_one(&mut *conn)
            .await?;

    let team = sqlx::query_as::<_, (String, String, String, String, i64)>(
        "SELECT account_id, name, role, duty, lead FROM case_team WHERE case_id = ? \
         ORDER BY lead DESC, name",
    )
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(account_id, name, role, duty, lead)| {
        Ok(TeamMemberView {
            account_id,
            name,
            role: code(&role, TeamRole::from_code)?,
            duty,
            lead: lead != 0,
        })
    })
    .collect::<CoreResult<_>>()?;

    let notes = sqlx::query_as::<_, (String, String, String, String, String, String, String)>(
        "SELECT id, fact, source_kind, source, found_on, author, recorded_at FROM case_notes \
         WHERE case_id = ? ORDER BY created_hlc",
    )
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, fact, kind, source, found_on, author, recorded_at)| {
        Ok(NoteView {
            id,
            fact,
            source_kind: code(&kind, SourceKind::from_code)?,
            source,
            found_on,
            author: name(&author),
            recorded_at,
        })
    })
    .collect::<CoreResult<_>>()?;

    type PlanRow = (
        String,
        i64,
        String,
        String,
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
    );
    let plans = sqlx::query_as::<_, PlanRow>(
        "SELECT id, version, summary, measures, money_fen, needs_approval, status, decided_by, \
         decision_note, author, drafted_at FROM case_plans WHERE case_id = ? ORDER BY version DESC",
    )
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(
        |(
            id,
            version,
            summary,
            measures,
            money_fen,
            needs,
            status,
            decided_by,
            note,
            author,
            at,
        )| {
            let measures: Vec<PlanMeasure> = serde_json::from_str(&measures)
                .map_err(|e| CoreError::Internal(format!("plan measures: {e}")))?;
            Ok(PlanView {
                id,
                version,
                summary,
                measures: measures
                    .into_iter()
                    .map(|m| MeasureView {
                        kind: m.kind,
                        description: m.description,
                        amount_fen: m.amount_fen,
                        responsible_id: m.responsible_id,
                        responsible_name: m.responsible_name,
                        steps: m
                            .steps
                            .into_iter()
                            .map(|s| PlanStepView {
                                step_id: s.step_id,
                                title: s.title,
                                due_on: s.due_on,
                            })
                            .collect(),
                    })
                    .collect(),
                money_fen,
                needs_approval: needs != 0,
                status: code(&status, PlanStatus::from_code)?,
                decided_by: decided_by.as_deref().map(name),
                decision_note: note,
                author: name(&author),
                drafted_at: at,
            })
        },
    )
    .collect::<CoreResult<_>>()?;

    let today = today(db);
    let steps = sqlx::query_as::<_, StepRow>(&format!(
        "SELECT {STEP_COLUMNS} FROM case_steps s JOIN cases c ON c.id = s.case_id \
         WHERE s.case_id = ? ORDER BY s.position"
    ))
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| step_view(r, &today))
    .collect::<CoreResult<_>>()?;

    type RoundRow = (String, i64, String, String, String, Option<String>, Option<String>, String);
    let rounds = sqlx::query_as::<_, RoundRow>(
        "SELECT r.id, p.version, r.held_on, r.method, r.response, r.counter, r.notes, r.author \
         FROM case_rounds r JOIN case_plans p ON p.id = r.plan_id WHERE r.case_id = ? \
         ORDER BY r.created_hlc",
    )
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, plan_version, held_on, method, response, counter, notes, author)| {
        Ok(RoundView {
            id,
            plan_version,
            held_on,
            method: code(&method, ContactMethod::from_code)?,
            response: code(&response, OfferResponse::from_code)?,
            counter,
            notes,
            author: name(&author),
        })
    })
    .collect::<CoreResult<_>>()?;

    let feedback = sqlx::query_as::<_, (String, String, i64, Option<String>, String)>(
        "SELECT communicated_by, satisfaction, score, comments, recorded_at FROM case_feedback \
         WHERE case_id = ? ORDER BY created_hlc",
    )
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(by, satisfaction, score, comments, recorded_at)| {
        Ok(FeedbackView {
            communicated_by: code(&by, ContactMethod::from_code)?,
            satisfaction: code(&satisfaction, Satisfaction::from_code)?,
            score,
            comments,
            recorded_at,
        })
    })
    .collect::<CoreResult<_>>()?;

    Ok(HandlingView {
        moves: Move::ALL
            .into_iter()
            .filter(|m| workflow::next(state.status, *m).is_some())
            .collect(),
        id: state.id,
        status: state.status,
        reopen_count,
        typical: typical != 0,
        team,
        notes,
        plans,
        steps,
        rounds,
        feedback,
        approval_threshold_fen: crate::settings::approval_threshold_fen(&mut conn).await?,
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct WorkListRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ApprovalView {
    pub plan_id: String,
    pub case_id: String,
    pub case_no: String,
    pub version: i64,
    pub summary: String,
    pub money_fen: i64,
    pub author: String,
    pub drafted_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct WorkList {
    /// Open cases the person handles or is on the team of, the most urgent first.
    pub cases: Vec<CaseRow>,
    /// Open steps the person is responsible for, by date: today's and overdue ones first.
    pub steps: Vec<StepView>,
    /// Plans waiting for the person's approval (with `compensation.approve`).
    pub approvals: Vec<ApprovalView>,
    /// For those who see a department or more and handle cases: its overdue cases and overdue
    /// steps, whoever holds them.
    pub unit_overdue_cases: Vec<CaseRow>,
    pub unit_overdue_steps: Vec<StepView>,
}

/// At most this many entries per list.
const WORK_LIMIT: i64 = 200;

pub async fn list(db: &Db, actor: &Actor, _req: WorkListRequest) -> CoreResult<WorkList> {
    actor.require(Permission::CaseView)?;
    let now = to_db(db.now());
    let today = today(db);
    let me = actor.id.clone();

    let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {ROW_COLUMNS}{ROW_JOINS} WHERE "));
    // The person's cases found through the handler and team indexes (an `OR` of the two would
    // read every open case: 0.75 s at a million).
    qb.push(OPEN).push(" AND c.id IN (SELECT h.id FROM cases h WHERE h.handler_id = ");
    qb.push_bind(me.clone());
    qb.push(" UNION SELECT t.case_id FROM case_team t WHERE t.account_id = ");
    qb.push_bind(me.clone()).push(") ORDER BY c.due_at IS NULL, c.due_at LIMIT ");
    qb.push_bind(WORK_LIMIT);
    let rows = qb.build().fetch_all(db.pool()).await?;
    let cases = rows
        .iter()
        .map(|r| case_row(r, &now).map(|row| mask_row(row, actor, r)))
        .collect::<CoreResult<_>>()?;

    let steps = sqlx::query_as::<_, StepRow>(&format!(
        "SELECT {STEP_COLUMNS} FROM case_steps s JOIN cases c ON c.id = s.case_id \
         WHERE s.done_on IS NULL AND s.responsible_id = ? AND c.status = 'executing' \
         ORDER BY s.due_on, s.position LIMIT ?"
    ))
    .bind(&me)
    .bind(WORK_LIMIT)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| step_view(r, &today))
    .collect::<CoreResult<_>>()?;

    let mut approvals = Vec::new();
    if actor.may(Permission::CompensationApprove) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT pl.id, c.id, c.case_no, pl.version, pl.summary, pl.money_fen, pl.author, \
             pl.drafted_at FROM case_plans pl JOIN cases c ON c.id = pl.case_id",
        );
        let clause = if push_scope(&mut qb, actor) { " AND " } else { " WHERE " };
        qb.push(clause).push("pl.status = 'pending_approval' ORDER BY pl.drafted_at LIMIT ");
        qb.push_bind(WORK_LIMIT);
        let names = {
            let mut conn = db.pool().acquire().await?;
            names(&mut conn).await?
        };
        type ApprovalRow = (String, String, String, i64, String, i64, String, String);
        for (plan_id, case_id, case_no, version, summary, money_fen, author, drafted_at) in
            qb.build_query_as::<ApprovalRow>().fetch_all(db.pool()).await?
        {
            approvals.push(ApprovalView {
                plan_id,
                case_id,
                case_no,
                version,
                summary,
                money_fen,
                author: names.get(&author).cloned().unwrap_or(author),
                drafted_at,
            });
        }
    }

    let mut unit_overdue_cases = Vec::new();
    let mut unit_overdue_steps = Vec::new();
    let leads_unit = actor.grant.case_scope != CaseScope::Own && actor.may(Permission::CaseHandle);
    if let (true, Some(unit)) = (leads_unit, actor.unit_id.clone()) {
        let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {ROW_COLUMNS}{ROW_JOINS} WHERE "));
        qb.push(crate::ops::cases::RUNNING).push(" AND c.due_at < ").push_bind(now.clone());
        qb.push(" AND (c.department_id = ").push_bind(unit.clone());
        qb.push(" OR c.store_id = ").push_bind(unit.clone());
        qb.push(") ORDER BY c.due_at LIMIT ").push_bind(WORK_LIMIT);
        let rows = qb.build().fetch_all(db.pool()).await?;
        unit_overdue_cases = rows
            .iter()
            .map(|r| case_row(r, &now).map(|row| mask_row(row, actor, r)))
            .collect::<CoreResult<_>>()?;
        unit_overdue_steps = sqlx::query_as::<_, StepRow>(&format!(
            "SELECT {STEP_COLUMNS} FROM case_steps s JOIN cases c ON c.id = s.case_id \
             WHERE s.done_on IS NULL AND s.due_on < ? AND c.status = 'executing' \
             AND (c.department_id = ? OR c.store_id = ?) ORDER BY s.due_on LIMIT ?"
        ))
        .bind(&today)
        .bind(&unit)
        .bind(&unit)
        .bind(WORK_LIMIT)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| step_view(r, &today))
        .collect::<CoreResult<_>>()?;
    }

    Ok(WorkList { cases, steps, approvals, unit_overdue_cases, unit_overdue_steps })
}
