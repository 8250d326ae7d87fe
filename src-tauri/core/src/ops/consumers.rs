//! `consumers.*`: one consumer, many cases (§二(三)). A consumer's history as seen from one of
//! their cases; their contact data corrected (on that case's timeline); and two records of the
//! same person merged into one.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::case::{CaseStatus, ConsumerContact};
use crate::domain::events::{ConsumerMerged, ConsumerUpdated, EventBody};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::ops::cases::{in_scope, mask_contact};
use crate::storage::Db;
use crate::{masking, pii};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConsumerRequest {
    /// A case of the consumer (the way a person reaches a consumer's record).
    pub case_id: String,
}

/// One of the consumer's cases.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConsumerCase {
    pub id: String,
    pub case_no: String,
    pub received_at: String,
    pub status: CaseStatus,
    pub product_name: String,
    pub category: String,
    pub result: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConsumerView {
    pub id: String,
    /// In full, or masked for a person who may not see it on this case.
    pub contact: ConsumerContact,
    pub masked: bool,
    /// Every case of this consumer the person may see, newest first (the asked-for one too).
    pub cases: Vec<ConsumerCase>,
    /// Cases of this consumer outside what the person may see.
    #[ts(type = "number")]
    pub hidden: i64,
    /// Records merged into this one.
    #[ts(type = "number")]
    pub merged: i64,
}

/// The case's consumer: (consumer id, whether the actor sees their contact in full).
async fn consumer_of(
    conn: &mut SqliteConnection,
    actor: &Actor,
    case_id: &str,
) -> CoreResult<(String, bool)> {
    if !in_scope(conn, actor, case_id).await? {
        return Err(CoreError::NotFound { entity: "case", id: case_id.to_owned() });
    }
    let row: Option<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT consumer_id, handler_id, received_by_id FROM cases WHERE id = ?")
            .bind(case_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (consumer, handler, receiver) =
        row.ok_or_else(|| CoreError::NotFound { entity: "case", id: case_id.to_owned() })?;
    let full = actor.may(Permission::CaseContact)
        || handler.as_deref() == Some(actor.id.as_str())
        || receiver.as_deref() == Some(actor.id.as_str());
    Ok((consumer, full))
}

async fn view(
    conn: &mut SqliteConnection,
    actor: &Actor,
    case_id: &str,
) -> CoreResult<ConsumerView> {
    let (id, full) = consumer_of(conn, actor, case_id).await?;
    let contact: (String, Option<String>, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT name, mobile, landline, email, address FROM consumers WHERE id = ?")
            .bind(&id)
            .fetch_one(&mut *conn)
            .await?;
    let contact = ConsumerContact {
        name: contact.0,
        mobile: contact.1,
        landline: contact.2,
        email: contact.3,
        address: contact.4,
    };
    let all: Vec<String> =
        sqlx::query_scalar("SELECT id FROM cases WHERE consumer_id = ? ORDER BY received_at DESC")
            .bind(&id)
            .fetch_all(&mut *conn)
            .await?;
    let mut cases = Vec::new();
    let mut hidden = 0;
    for case in all {
        if in_scope(conn, actor, &case).await? {
            let row: (String, String, String, String, String, String, Option<String>) = sqlx::query_as(
                "SELECT id, case_no, received_at, status, product_name, category, result FROM cases WHERE id = ?",
            )
            .bind(&case)
            .fetch_one(&mut *conn)
            .await?;
            let status = CaseStatus::from_code(&row.3)
                .ok_or_else(|| CoreError::Internal(format!("unknown status {}", row.3)))?;
            cases.push(ConsumerCase {
                id: row.0,
                case_no: row.1,
                received_at: row.2,
                status,
                product_name: row.4,
                category: row.5,
                result: row.6,
            });
        } else {
            hidden += 1;
        }
    }
    let merged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consumers WHERE merged_into = ?")
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?;
    let contact = if full {
        contact
    } else {
        let mut masked = mask_contact(contact);
        masked.name = masking::name(&masked.name);
        masked
    };
    Ok(ConsumerView { id, contact, masked: !full, cases, hidden, merged })
}

pub async fn get(db: &Db, actor: &Actor, req: ConsumerRequest) -> CoreResult<ConsumerView> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    view(&mut conn, actor, &req.case_id).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConsumerUpdateRequest {
    pub case_id: String,
    /// The whole contact as it should stand.
    pub contact: ConsumerContact,
    /// Why (e.g. 消费者来电更正手机号).
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

/// Re-indexes every case of these consumers for search (their names are searchable).
async fn reindex_consumers(conn: &mut SqliteConnection, consumers: &[&str]) -> CoreResult<()> {
    for consumer in consumers {
        let cases: Vec<String> = sqlx::query_scalar("SELECT id FROM cases WHERE consumer_id = ?")
            .bind(consumer)
            .fetch_all(&mut *conn)
            .await?;
        for case in cases {
            crate::search::reindex(conn, &case).await?;
        }
    }
    Ok(())
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    req: ConsumerUpdateRequest,
) -> CoreResult<ConsumerView> {
    actor.require_any(&[Permission::CaseIntake, Permission::CaseHandle])?;
    let mut problems = Vec::new();
    let contact = crate::ops::intake::check_contact(&req.contact, "contact", &mut |field, rule| {
        problems.push(FieldProblem { field: field.into(), rule })
    });
    crate::intake_rules::text("note", req.note.as_deref().unwrap_or(""), false, 200, &mut problems);
    crate::error::ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (consumer_id, full) = consumer_of(&mut tx, actor, &req.case_id).await?;
    if !full {
        // Correcting data one cannot see would mean writing over it blind.
        return Err(CoreError::Forbidden { permission: Some(Permission::CaseContact) });
    }
    let before: (String, Option<String>, Option<String>, Option<String>, Option<String>, i64) =
        sqlx::query_as(
            "SELECT name, mobile, landline, email, address, erased FROM consumers WHERE id = ?",
        )
        .bind(&consumer_id)
        .fetch_one(&mut *tx)
        .await?;
    if before.5 != 0 {
        return Err(CoreError::PersonalDataErased(consumer_id));
    }
    let pairs = [
        ("name", Some(before.0.as_str()), Some(contact.name.as_str())),
        ("mobile", before.1.as_deref(), contact.mobile.as_deref()),
        ("landline", before.2.as_deref(), contact.landline.as_deref()),
        ("email", before.3.as_deref(), contact.email.as_deref()),
        ("address", before.4.as_deref(), contact.address.as_deref()),
    ];
    let changed: Vec<String> =
        pairs.iter().filter(|(_, a, b)| a != b).map(|(f, _, _)| (*f).to_owned()).collect();
    if changed.is_empty() {
        let v = view(&mut tx, actor, &req.case_id).await?;
        tx.commit().await?;
        return Ok(v);
    }
    let key = pii::key_for(&mut tx, &consumer_id).await?;
    let sealed = pii::seal(&key, &consumer_id, &contact)?;
    let body = EventBody::ConsumerUpdated(ConsumerUpdated {
        consumer_id: consumer_id.clone(),
        sealed,
        changed,
        note: req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
    });
    let event = NewEvent { case_id: Some(req.case_id.clone()), occurred_at: db.now(), body };
    event_log::append(&mut tx, db, actor, event).await?;
    reindex_consumers(&mut tx, &[&consumer_id]).await?;
    let v = view(&mut tx, actor, &req.case_id).await?;
    tx.commit().await?;
    Ok(v)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConsumerMergeRequest {
    /// A case of the consumer record that stays.
    pub case_id: String,
    /// A case (id or number) of the duplicate record: all its cases move to the one that stays.
    pub duplicate_case: String,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

pub async fn merge(db: &Db, actor: &Actor, req: ConsumerMergeRequest) -> CoreResult<ConsumerView> {
    actor.require_any(&[Permission::CaseIntake, Permission::CaseHandle])?;
    let mut tx = db.begin_write().await?;
    let (into, _) = consumer_of(&mut tx, actor, &req.case_id).await?;
    let other = crate::ops::intake::case_ref(&mut tx, req.duplicate_case.trim())
        .await?
        .ok_or_else(|| {
            CoreError::Validation(vec![FieldProblem {
                field: "duplicate_case".into(),
                rule: FieldRule::UnknownValue { value: req.duplicate_case.clone() },
            }])
        })?;
    let (from, _) = consumer_of(&mut tx, actor, &other.0).await?;
    if from == into {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "duplicate_case".into(),
            rule: FieldRule::Invalid { detail: "同一消费者 / the same consumer".into() },
        }]));
    }
    let case_nos: Vec<String> =
        sqlx::query_scalar("SELECT case_no FROM cases WHERE consumer_id = ? ORDER BY case_no")
            .bind(&from)
            .fetch_all(&mut *tx)
            .await?;
    let body = EventBody::ConsumerMerged(ConsumerMerged {
        from_consumer_id: from.clone(),
        into_consumer_id: into.clone(),
        case_nos,
        note: req.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
    });
    let event = NewEvent { case_id: Some(req.case_id.clone()), occurred_at: db.now(), body };
    event_log::append(&mut tx, db, actor, event).await?;
    reindex_consumers(&mut tx, &[&into]).await?;
    let v = view(&mut tx, actor, &req.case_id).await?;
    tx.commit().await?;
    Ok(v)
}
