//! Handing cases between sites (docs/SYNC.md, "Ownership"): the owner asks for a hand-over,
//! headquarters grants or declines it, or reassigns a case outright; a person at the owning
//! site reviews what another site wrote after it no longer owned the case. The rules of the
//! fold are in `crate::ownership`.

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::events::{
    CaseHandoverDeclined, CaseHandoverGranted, CaseHandoverRequested, CaseHeldReviewed,
    CaseReassigned, EventBody, SiteRef,
};
use crate::error::{ensure_valid, CoreError, CoreResult};
use crate::event_log;
use crate::intake_rules::text;
use crate::ops::handling::case_state;
use crate::ownership::{self, Owner};
use crate::storage::Db;

/// A site the hub listed at the last sync, as a hand-over target.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SiteOption {
    pub site_id: String,
    pub code: String,
    pub name: String,
    pub is_hq: bool,
    /// This site.
    pub this: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SitesView {
    /// This site is headquarters (it grants hand-overs and reassigns cases).
    pub is_hq: bool,
    /// Empty until this site first synced with a hub: a site alone has no one to hand to.
    pub sites: Vec<SiteOption>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SitesRequest {}

pub async fn sites(db: &Db, actor: &Actor, _req: SitesRequest) -> CoreResult<SitesView> {
    actor.require(Permission::CaseView)?;
    let rows: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT site_id, code, name, is_hq FROM known_sites ORDER BY is_hq DESC, code",
    )
    .fetch_all(db.pool())
    .await?;
    let own = &db.site().site_id;
    let sites: Vec<SiteOption> = rows
        .into_iter()
        .map(|(site_id, code, name, is_hq)| SiteOption {
            this: site_id == *own,
            site_id,
            code,
            name,
            is_hq,
        })
        .collect();
    Ok(SitesView { is_hq: sites.iter().any(|s| s.this && s.is_hq), sites })
}

/// A hand-over asked for and waiting for headquarters.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PendingHandover {
    pub site_id: String,
    /// The target for people: `SH01 上海分公司`.
    pub label: String,
    pub reason: String,
}

/// Who owns a case, as the case page shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseOwnership {
    pub owner_site: String,
    pub owner_label: String,
    /// How many times the case changed owner.
    pub epoch: i64,
    /// This site owns it: it may change the case's state.
    pub mine: bool,
    pub pending: Option<PendingHandover>,
    /// Entries held for review on this case, not yet reviewed.
    pub held_open: i64,
}

pub(crate) async fn view(
    conn: &mut SqliteConnection,
    db: &Db,
    case_id: &str,
) -> CoreResult<CaseOwnership> {
    let owner = ownership::owner_of(conn, case_id)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "case", id: case_id.to_owned() })?;
    let pending = match &owner.pending {
        Some((site, reason)) => Some(PendingHandover {
            site_id: site.site_id.clone(),
            label: ownership::label(conn, site).await?,
            reason: reason.clone(),
        }),
        None => None,
    };
    let held_open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM held_for_review WHERE case_id = ? AND reviewed_at IS NULL",
    )
    .bind(case_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(CaseOwnership {
        owner_label: ownership::label(conn, &owner.site).await?,
        mine: owner.site.site_id == db.site().site_id,
        owner_site: owner.site.site_id,
        epoch: owner.epoch,
        pending,
        held_open,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    pub id: String,
    /// The target site's id (from `sites.list`).
    pub to_site: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HandoverDecision {
    pub id: String,
    /// Why (required to decline; optional to grant).
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HeldReviewRequest {
    pub id: String,
    pub event_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub note: Option<String>,
}

/// The site a hand-over goes to: one the hub listed, other than the owner.
async fn target(conn: &mut SqliteConnection, to_site: &str, owner: &Owner) -> CoreResult<SiteRef> {
    let site = ownership::known_site(conn, to_site)
        .await?
        .ok_or(CoreError::Handover { reason: "unknown_site" })?;
    if to_site == owner.site.site_id {
        return Err(CoreError::Handover { reason: "same_site" });
    }
    Ok(SiteRef { site_id: to_site.to_owned(), code: site.code, name: site.name })
}

async fn this_is_hq(conn: &mut SqliteConnection, db: &Db) -> CoreResult<bool> {
    Ok(ownership::known_site(conn, &db.site().site_id).await?.is_some_and(|s| s.is_hq))
}

/// The case (in the actor's scope) and its owner, in the write transaction.
async fn owned(conn: &mut SqliteConnection, actor: &Actor, id: &str) -> CoreResult<Owner> {
    let state = case_state(conn, actor, id).await?;
    ownership::owner_of(conn, &state.id)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "case", id: id.to_owned() })
}

fn reason(field: &str, value: Option<&str>, required: bool) -> CoreResult<Option<String>> {
    let mut problems = Vec::new();
    text(field, value.unwrap_or(""), required, 500, &mut problems);
    ensure_valid(problems)?;
    Ok(value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()))
}

async fn write(
    db: &Db,
    actor: &Actor,
    mut tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    id: &str,
    body: EventBody,
) -> CoreResult<CaseOwnership> {
    event_log::append_to_case(&mut tx, db, actor, id, db.now(), body).await?;
    let out = view(&mut tx, db, id).await?;
    tx.commit().await?;
    Ok(out)
}

/// The owner asks headquarters to hand the case to another site.
pub async fn request(db: &Db, actor: &Actor, req: HandoverRequest) -> CoreResult<CaseOwnership> {
    actor.require(Permission::CaseHandle)?;
    let why = reason("reason", Some(&req.reason), true)?.unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let owner = owned(&mut tx, actor, &req.id).await?;
    if owner.site.site_id != db.site().site_id {
        return Err(CoreError::NotOwner { owner: ownership::label(&mut tx, &owner.site).await? });
    }
    if owner.pending.is_some() {
        return Err(CoreError::Handover { reason: "pending" });
    }
    let to = target(&mut tx, &req.to_site, &owner).await?;
    let body = EventBody::CaseHandoverRequested(CaseHandoverRequested { to, reason: why });
    write(db, actor, tx, &req.id, body).await
}

/// Headquarters grants the hand-over asked for: the target site owns the case from now.
pub async fn grant(db: &Db, actor: &Actor, req: HandoverDecision) -> CoreResult<CaseOwnership> {
    actor.require(Permission::CaseHandle)?;
    let note = reason("note", req.note.as_deref(), false)?;
    let mut tx = db.begin_write().await?;
    let owner = owned(&mut tx, actor, &req.id).await?;
    if !this_is_hq(&mut tx, db).await? {
        return Err(CoreError::Handover { reason: "not_hq" });
    }
    let Some((to, _)) = owner.pending else {
        return Err(CoreError::Handover { reason: "no_request" });
    };
    let body = EventBody::CaseHandoverGranted(CaseHandoverGranted { to, note });
    write(db, actor, tx, &req.id, body).await
}

/// Headquarters declines the hand-over asked for, or the owner withdraws it.
pub async fn decline(db: &Db, actor: &Actor, req: HandoverDecision) -> CoreResult<CaseOwnership> {
    actor.require(Permission::CaseHandle)?;
    let why = reason("note", req.note.as_deref(), true)?.unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let owner = owned(&mut tx, actor, &req.id).await?;
    if owner.pending.is_none() {
        return Err(CoreError::Handover { reason: "no_request" });
    }
    if owner.site.site_id != db.site().site_id && !this_is_hq(&mut tx, db).await? {
        return Err(CoreError::Handover { reason: "not_hq" });
    }
    let body = EventBody::CaseHandoverDeclined(CaseHandoverDeclined { reason: why });
    write(db, actor, tx, &req.id, body).await
}

/// Headquarters moves a case to another site without a release (its owner unreachable, or a
/// decision above it): the epoch moves on, and what the old owner writes afterwards is held.
pub async fn reassign(db: &Db, actor: &Actor, req: HandoverRequest) -> CoreResult<CaseOwnership> {
    actor.require(Permission::CaseHandle)?;
    let why = reason("reason", Some(&req.reason), true)?.unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let owner = owned(&mut tx, actor, &req.id).await?;
    if !this_is_hq(&mut tx, db).await? {
        return Err(CoreError::Handover { reason: "not_hq" });
    }
    let to = target(&mut tx, &req.to_site, &owner).await?;
    let body = EventBody::CaseReassigned(CaseReassigned { to, reason: why });
    write(db, actor, tx, &req.id, body).await
}

/// Moves a case to `to` as the hub's own intake site does when it routes a complaint to its
/// branch (the intake site owns what it records until then). No hub list is consulted: the
/// caller names the site as the hub knows it.
pub async fn route(db: &Db, actor: &Actor, case_id: &str, to: SiteRef) -> CoreResult<()> {
    let mut tx = db.begin_write().await?;
    let reason = format!("按门店或地区分派至 {} {}", to.code, to.name);
    let body = EventBody::CaseReassigned(CaseReassigned { to, reason });
    event_log::append_to_case(&mut tx, db, actor, case_id, db.now(), body).await?;
    tx.commit().await?;
    Ok(())
}

/// A person at the owning site marks an entry held for review as reviewed (having redone what
/// it should have done, or decided it need not be).
pub async fn review(db: &Db, actor: &Actor, req: HeldReviewRequest) -> CoreResult<CaseOwnership> {
    actor.require(Permission::CaseHandle)?;
    let note = reason("note", req.note.as_deref(), false)?;
    let mut tx = db.begin_write().await?;
    let owner = owned(&mut tx, actor, &req.id).await?;
    if owner.site.site_id != db.site().site_id {
        return Err(CoreError::NotOwner { owner: ownership::label(&mut tx, &owner.site).await? });
    }
    let reviewed: Option<Option<String>> = sqlx::query_scalar(
        "SELECT reviewed_at FROM held_for_review WHERE event_id = ? AND case_id = ?",
    )
    .bind(&req.event_id)
    .bind(&req.id)
    .fetch_optional(&mut *tx)
    .await?;
    match reviewed {
        None => return Err(CoreError::NotFound { entity: "held", id: req.event_id }),
        Some(Some(_)) => return Err(CoreError::Handover { reason: "reviewed" }),
        Some(None) => {}
    }
    let body = EventBody::CaseHeldReviewed(CaseHeldReviewed { event_id: req.event_id, note });
    write(db, actor, tx, &req.id, body).await
}

/// A hand-over waiting for headquarters, in the review list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HandoverRow {
    pub case_id: String,
    pub case_no: String,
    pub from_label: String,
    pub to_label: String,
    pub reason: String,
}

/// An event held for review, in the review list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HeldRow {
    pub case_id: String,
    pub case_no: String,
    pub event_id: String,
    pub kind: String,
    /// The site that wrote it (`SH01 上海分公司`, or its id when the hub never listed it).
    pub site_label: String,
    /// `not_owner` or `no_request`.
    pub reason: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OwnershipReview {
    pub is_hq: bool,
    /// Hand-overs waiting for headquarters (all of them at headquarters; this site's own
    /// requests elsewhere).
    pub handovers: Vec<HandoverRow>,
    /// Held entries of cases this site owns, not yet reviewed.
    pub held: Vec<HeldRow>,
}

/// What waits for a person: hand-overs to grant or decline, and held entries to review.
pub async fn review_list(
    db: &Db,
    actor: &Actor,
    _req: SitesRequest,
) -> CoreResult<OwnershipReview> {
    actor.require(Permission::CaseHandle)?;
    let mut conn = db.pool().acquire().await?;
    let is_hq = this_is_hq(&mut conn, db).await?;
    let own = db.site().site_id.clone();
    let rows = sqlx::query(
        "SELECT c.id, c.case_no, o.owner_site, o.owner_code, o.owner_name, o.pending_site, \
         o.pending_code, o.pending_name, o.pending_reason FROM case_owners o \
         JOIN cases c ON c.id = o.case_id WHERE o.pending_site IS NOT NULL \
         AND (? OR o.owner_site = ?) ORDER BY o.updated_hlc",
    )
    .bind(is_hq)
    .bind(&own)
    .fetch_all(&mut *conn)
    .await?;
    let mut handovers = Vec::new();
    for r in rows {
        let from = SiteRef { site_id: r.get(2), code: r.get(3), name: r.get(4) };
        let to = SiteRef { site_id: r.get(5), code: r.get(6), name: r.get(7) };
        handovers.push(HandoverRow {
            case_id: r.get(0),
            case_no: r.get(1),
            from_label: ownership::label(&mut conn, &from).await?,
            to_label: ownership::label(&mut conn, &to).await?,
            reason: r.get(8),
        });
    }
    let rows = sqlx::query(
        "SELECT c.id, c.case_no, h.event_id, h.kind, h.site_id, h.reason, h.hlc \
         FROM held_for_review h JOIN cases c ON c.id = h.case_id \
         LEFT JOIN case_owners o ON o.case_id = c.id \
         WHERE h.reviewed_at IS NULL AND COALESCE(o.owner_site, c.site_id) = ? \
         ORDER BY h.hlc",
    )
    .bind(&own)
    .fetch_all(&mut *conn)
    .await?;
    let mut held = Vec::new();
    for r in rows {
        let site_id: String = r.get(4);
        let site_label = match ownership::known_site(&mut conn, &site_id).await? {
            Some(s) => format!("{} {}", s.code, s.name),
            None => site_id,
        };
        held.push(HeldRow {
            case_id: r.get(0),
            case_no: r.get(1),
            event_id: r.get(2),
            kind: r.get(3),
            site_label,
            reason: r.get(5),
            recorded_at: crate::time::to_db(
                crate::hlc::Timestamp::from_i64(r.get(6)).to_datetime(),
            ),
        });
    }
    Ok(OwnershipReview { is_hq, handovers, held })
}
