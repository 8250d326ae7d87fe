//! Complaints about the same matter: linking related cases, merging a true duplicate into the
//! case that carries on, and telling the consumer their complaint was received.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::case::{CaseStatus, ContactMethod};
use crate::domain::events::{CaseAbsorbed, CaseLinked, CaseMerged, CaseUnlinked, EventBody};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log;
use crate::intake_rules::text;
use crate::ops::cases::in_scope;
use crate::ops::intake::case_ref;
use crate::storage::Db;

const WORKERS: [Permission; 2] = [Permission::CaseIntake, Permission::CaseHandle];

/// A case the actor may see, by id or number: (id, case number, status).
async fn visible_case(
    conn: &mut SqliteConnection,
    actor: &Actor,
    field: &str,
    id_or_no: &str,
) -> CoreResult<(String, String, CaseStatus)> {
    let Some((id, no)) = case_ref(conn, id_or_no).await? else {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: field.into(),
            rule: FieldRule::UnknownValue { value: id_or_no.to_owned() },
        }]));
    };
    if !in_scope(conn, actor, &id).await? {
        return Err(CoreError::Forbidden { permission: Some(Permission::CaseView) });
    }
    let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = ?")
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?;
    let status = CaseStatus::from_code(&status)
        .ok_or_else(|| CoreError::Internal(format!("status {status}")))?;
    Ok((id, no, status))
}

fn problem(field: &str, rule: FieldRule) -> CoreError {
    CoreError::Validation(vec![FieldProblem { field: field.into(), rule }])
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CaseLinkRequest {
    /// The case, by id or number.
    pub id: String,
    /// The case to link it to, by id or number.
    pub other: String,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseLinkResult {
    pub id: String,
    pub other_id: String,
    pub other_case_no: String,
}

pub async fn link(db: &Db, actor: &Actor, req: CaseLinkRequest) -> CoreResult<CaseLinkResult> {
    actor.require_any(&WORKERS)?;
    let mut problems = Vec::new();
    text("note", req.note.as_deref().unwrap_or(""), false, 500, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (id, _, _) = visible_case(&mut tx, actor, "id", &req.id).await?;
    let (other_id, other_no, _) = visible_case(&mut tx, actor, "other", &req.other).await?;
    if id == other_id {
        return Err(problem("other", FieldRule::Invalid { detail: "≠ id".into() }));
    }
    let linked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM case_links WHERE case_id = ? AND other_id = ?")
            .bind(&id)
            .bind(&other_id)
            .fetch_one(&mut *tx)
            .await?;
    if linked > 0 {
        return Err(problem("other", FieldRule::Taken));
    }
    let body = EventBody::CaseLinked(CaseLinked {
        other_case_id: other_id.clone(),
        other_case_no: other_no.clone(),
        note: req.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
    });
    event_log::append_to_case(&mut tx, db, actor, &id, db.now(), body).await?;
    tx.commit().await?;
    Ok(CaseLinkResult { id, other_id, other_case_no: other_no })
}

pub async fn unlink(db: &Db, actor: &Actor, req: CaseLinkRequest) -> CoreResult<CaseLinkResult> {
    actor.require_any(&WORKERS)?;
    let mut tx = db.begin_write().await?;
    let (id, _, _) = visible_case(&mut tx, actor, "id", &req.id).await?;
    let (other_id, other_no, _) = visible_case(&mut tx, actor, "other", &req.other).await?;
    let kind: Option<String> =
        sqlx::query_scalar("SELECT kind FROM case_links WHERE case_id = ? AND other_id = ?")
            .bind(&id)
            .bind(&other_id)
            .fetch_optional(&mut *tx)
            .await?;
    match kind.as_deref() {
        None => return Err(problem("other", FieldRule::UnknownValue { value: req.other })),
        // A merge is undone by nothing: the duplicate's link is its record.
        Some("duplicate") => return Err(CoreError::InvalidState { detail: "merged" }),
        Some(_) => {}
    }
    let body = EventBody::CaseUnlinked(CaseUnlinked {
        other_case_id: other_id.clone(),
        other_case_no: other_no.clone(),
    });
    event_log::append_to_case(&mut tx, db, actor, &id, db.now(), body).await?;
    tx.commit().await?;
    Ok(CaseLinkResult { id, other_id, other_case_no: other_no })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CaseMergeRequest {
    /// The duplicate, by id or number: it is finished and points to `into`.
    pub id: String,
    /// The case that carries on, by id or number.
    pub into: String,
    /// Why they are the same complaint.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseMergeResult {
    pub id: String,
    pub case_no: String,
    pub into_id: String,
    pub into_case_no: String,
}

/// Writes the two events of a merge inside the caller's transaction.
pub(crate) async fn merge_in(
    tx: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    (dup_id, dup_no): (&str, &str),
    (into_id, into_no): (&str, &str),
    reason: String,
) -> CoreResult<()> {
    let now = db.now();
    let merged = EventBody::CaseMerged(CaseMerged {
        into_case_id: into_id.to_owned(),
        into_case_no: into_no.to_owned(),
        reason: reason.clone(),
    });
    event_log::append_to_case(tx, db, actor, dup_id, now, merged).await?;
    let absorbed = EventBody::CaseAbsorbed(CaseAbsorbed {
        from_case_id: dup_id.to_owned(),
        from_case_no: dup_no.to_owned(),
        reason,
    });
    event_log::append_to_case(tx, db, actor, into_id, now, absorbed).await?;
    Ok(())
}

/// Merges a true duplicate into the case that carries on. Nothing is deleted: the duplicate
/// keeps its record and timeline, is finished, and points to the survivor.
pub async fn merge(db: &Db, actor: &Actor, req: CaseMergeRequest) -> CoreResult<CaseMergeResult> {
    actor.require_any(&WORKERS)?;
    let mut problems = Vec::new();
    text("reason", &req.reason, true, 500, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (id, no, status) = visible_case(&mut tx, actor, "id", &req.id).await?;
    let (into_id, into_no, into_status) = visible_case(&mut tx, actor, "into", &req.into).await?;
    if id == into_id {
        return Err(problem("into", FieldRule::Invalid { detail: "≠ id".into() }));
    }
    if status.is_finished() {
        return Err(CoreError::InvalidState { detail: "finished" });
    }
    if into_status == CaseStatus::Merged {
        return Err(problem("into", FieldRule::Invalid { detail: into_status.code().into() }));
    }
    merge_in(&mut tx, db, actor, (&id, &no), (&into_id, &into_no), req.reason.trim().to_owned())
        .await?;
    tx.commit().await?;
    Ok(CaseMergeResult { id, case_no: no, into_id, into_case_no: into_no })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CaseAcknowledgeRequest {
    pub id: String,
    pub method: ContactMethod,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AcknowledgeResult {
    pub id: String,
    pub acknowledged_at: String,
}

/// Records that the consumer was told their complaint was received (受理告知).
pub async fn acknowledge(
    db: &Db,
    actor: &Actor,
    req: CaseAcknowledgeRequest,
) -> CoreResult<AcknowledgeResult> {
    actor.require_any(&WORKERS)?;
    let mut problems = Vec::new();
    text("note", req.note.as_deref().unwrap_or(""), false, 500, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (id, _, status) = visible_case(&mut tx, actor, "id", &req.id).await?;
    let done: Option<String> = sqlx::query_scalar("SELECT acknowledged_at FROM cases WHERE id = ?")
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
    if done.is_some() || status.is_finished() {
        return Err(CoreError::InvalidState { detail: "acknowledged" });
    }
    let now = db.now();
    let body = EventBody::CaseAcknowledged(crate::domain::events::CaseAcknowledged {
        method: req.method,
        note: req.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
    });
    event_log::append_to_case(&mut tx, db, actor, &id, now, body).await?;
    tx.commit().await?;
    Ok(AcknowledgeResult { id, acknowledged_at: crate::time::to_db(now) })
}
