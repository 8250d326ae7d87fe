//! Which site owns a case (docs/SYNC.md, "Ownership"). A case is owned by the site that
//! recorded it until it is handed over: the owner asks (`case.handover_requested`) and
//! headquarters grants (`case.handover_granted`), or headquarters reassigns it outright
//! (`case.reassigned`). Each change of owner bumps the case's epoch.
//!
//! Only the owner changes a case's state (the events [`owner_only`] names); anyone who sees it
//! adds to its timeline (notes, evidence, plan versions). The rule holds in two places:
//! here, refusing this site's own write with `case.not_owner`; and in the fold, where an event
//! of another site that did not own the case at that point of the fold — the old owner writing
//! offline after a reassignment — is kept in the log but not folded, held for a person to
//! review (`held_for_review`). The fold reads nothing but the log, so every replica holding
//! the same events holds the same owners and the same held entries.

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};

use crate::domain::events::{EventBody, SiteRef};
use crate::error::{CoreError, CoreResult};
use crate::event_log::StoredEvent;

/// The events that change a case's state, which only its owner writes.
pub fn owner_only(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::CaseAssigned(_)
            | EventBody::CaseTransitioned(_)
            | EventBody::CaseClosed(_)
            | EventBody::CaseClockPaused(_)
            | EventBody::CaseClockResumed(_)
            | EventBody::CaseAcknowledged(_)
            | EventBody::CaseMerged(_)
            | EventBody::CaseTeamSet(_)
            | EventBody::CasePlanDecided(_)
            | EventBody::CasePlanOffered(_)
            | EventBody::CaseNegotiated(_)
            | EventBody::CaseStepDone(_)
            | EventBody::CaseStepDelayed(_)
            | EventBody::CaseFeedbackRecorded(_)
            | EventBody::CaseHandoverRequested(_)
    )
}

/// A case's owner as the fold left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub site: SiteRef,
    pub epoch: i64,
    /// A hand-over asked for, and why.
    pub pending: Option<(SiteRef, String)>,
}

/// The code in a case number: `2026-SH01-000123` → `SH01`.
pub fn code_of_case_no(case_no: &str) -> String {
    case_no.split('-').nth(1).unwrap_or_default().to_owned()
}

/// The owner of a case this site holds (None: it holds no such case).
pub async fn owner_of(conn: &mut SqliteConnection, case_id: &str) -> CoreResult<Option<Owner>> {
    let row = sqlx::query(
        "SELECT c.site_id, c.case_no, o.owner_site, o.owner_code, o.owner_name, o.epoch, \
         o.pending_site, o.pending_code, o.pending_name, o.pending_reason \
         FROM cases c LEFT JOIN case_owners o ON o.case_id = c.id WHERE c.id = ?",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let owner = match r.get::<Option<String>, _>(2) {
        Some(site_id) => Owner {
            site: SiteRef { site_id, code: r.get(3), name: r.get(4) },
            epoch: r.get(5),
            pending: r.get::<Option<String>, _>(6).map(|site_id| {
                (
                    SiteRef { site_id, code: r.get(7), name: r.get(8) },
                    r.get::<Option<String>, _>(9).unwrap_or_default(),
                )
            }),
        },
        None => {
            let code = code_of_case_no(&r.get::<String, _>(1));
            Owner {
                site: SiteRef { site_id: r.get(0), name: code.clone(), code },
                epoch: 0,
                pending: None,
            }
        }
    };
    Ok(Some(owner))
}

/// How a site is named to people: its code and its name as the hub last listed it.
pub async fn label(conn: &mut SqliteConnection, site: &SiteRef) -> CoreResult<String> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM known_sites WHERE site_id = ?")
        .bind(&site.site_id)
        .fetch_optional(&mut *conn)
        .await?;
    let name = name.unwrap_or_else(|| site.name.clone());
    Ok(if name == site.code { site.code.clone() } else { format!("{} {name}", site.code) })
}

/// Refuses this site's own write to a case it may not see (docs/SYNC.md, "Visibility"), and
/// its change of state of a case another site owns.
pub(crate) async fn check_local(
    conn: &mut SqliteConnection,
    site_id: &str,
    case_id: &str,
    body: &EventBody,
) -> CoreResult<()> {
    if matches!(body, EventBody::CaseCreated(_)) {
        return Ok(());
    }
    if !may_see(conn, site_id, case_id).await? {
        return Err(CoreError::Handover { reason: "not_visible" });
    }
    if !owner_only(body) {
        return Ok(());
    }
    match owner_of(conn, case_id).await? {
        Some(owner) if owner.site.site_id != site_id => {
            Err(CoreError::NotOwner { owner: label(conn, &owner.site).await? })
        }
        _ => Ok(()),
    }
}

/// Whether a site may see (and so write to) a case, as the hub decides it: headquarters sees
/// every case; a branch the cases it recorded and those ever handed to it. A site with no hub
/// configured is alone, and sees what it holds.
pub async fn may_see(
    conn: &mut SqliteConnection,
    site_id: &str,
    case_id: &str,
) -> CoreResult<bool> {
    let sites: Vec<(String, bool)> =
        sqlx::query_as("SELECT site_id, is_hq FROM known_sites").fetch_all(&mut *conn).await?;
    if sites.iter().any(|(id, hq)| id == site_id && *hq) {
        return Ok(true);
    }
    if sites.is_empty() {
        // Never synced: alone, unless a hub is configured (its first sync will say who is
        // who; until then only this site's own cases, as the hub would have it).
        let hub: Option<String> = sqlx::query_scalar("SELECT hub_url FROM sync_state")
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
        if hub.is_none() {
            return Ok(true);
        }
    }
    let seen: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM cases WHERE id = ?1 AND site_id = ?2 UNION ALL \
         SELECT 1 FROM events WHERE case_id = ?1 \
         AND kind IN ('case.handover_granted', 'case.reassigned') \
         AND json_extract(payload, '$.to.site_id') = ?2 LIMIT 1",
    )
    .bind(case_id)
    .bind(site_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(seen.is_some())
}

/// Whether the fold takes this event: a state change by a site that does not own the case at
/// this point of the fold is held for review instead.
pub(crate) async fn admits(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    body: &EventBody,
    owner: &Owner,
) -> CoreResult<bool> {
    if owner_only(body) && owner.site.site_id != ev.site_id {
        hold(conn, ev, "not_owner", owner.epoch).await?;
        return Ok(false);
    }
    Ok(true)
}

async fn hold(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    reason: &str,
    epoch: i64,
) -> CoreResult<()> {
    sqlx::query(
        "INSERT INTO held_for_review (event_id, case_id, site_id, kind, hlc, reason, epoch) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(&ev.event_id)
    .bind(&ev.case_id)
    .bind(&ev.site_id)
    .bind(&ev.kind)
    .bind(ev.hlc)
    .bind(reason)
    .bind(epoch)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes a case's owner row as it now stands.
async fn store(
    conn: &mut SqliteConnection,
    case_id: &str,
    owner: &Owner,
    hlc: i64,
) -> CoreResult<()> {
    let (pending, reason) = match &owner.pending {
        Some((site, reason)) => (Some(site), Some(reason.as_str())),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO case_owners (case_id, owner_site, owner_code, owner_name, epoch, \
         pending_site, pending_code, pending_name, pending_reason, updated_hlc) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET \
         owner_site = excluded.owner_site, owner_code = excluded.owner_code, \
         owner_name = excluded.owner_name, epoch = excluded.epoch, \
         pending_site = excluded.pending_site, pending_code = excluded.pending_code, \
         pending_name = excluded.pending_name, pending_reason = excluded.pending_reason, \
         updated_hlc = excluded.updated_hlc",
    )
    .bind(case_id)
    .bind(&owner.site.site_id)
    .bind(&owner.site.code)
    .bind(&owner.site.name)
    .bind(owner.epoch)
    .bind(pending.map(|s| &s.site_id))
    .bind(pending.map(|s| &s.code))
    .bind(pending.map(|s| &s.name))
    .bind(reason)
    .bind(hlc)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Folds an ownership event of a case this site holds (its owner given).
pub(crate) async fn apply(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    body: &EventBody,
    mut owner: Owner,
) -> CoreResult<()> {
    let Some(case_id) = ev.case_id.as_deref() else { return Ok(()) };
    match body {
        EventBody::CaseHandoverRequested(r) => {
            owner.pending = Some((r.to.clone(), r.reason.clone()));
        }
        EventBody::CaseHandoverGranted(g) => {
            match &owner.pending {
                Some((to, _)) if to.site_id == g.to.site_id => {}
                // Nothing asked for any more (declined, or another site asked for since): the
                // grant is kept for a person, and changes nothing.
                _ => return hold(conn, ev, "no_request", owner.epoch).await,
            }
            owner = Owner { site: g.to.clone(), epoch: owner.epoch + 1, pending: None };
        }
        EventBody::CaseHandoverDeclined(_) => {
            if owner.pending.is_none() {
                return Ok(());
            }
            owner.pending = None;
        }
        EventBody::CaseReassigned(r) => {
            owner = Owner { site: r.to.clone(), epoch: owner.epoch + 1, pending: None };
        }
        EventBody::CaseHeldReviewed(h) => {
            sqlx::query(
                "UPDATE held_for_review SET reviewed_by = ?, reviewed_at = ?, review_note = ? \
                 WHERE event_id = ? AND case_id = ? AND reviewed_at IS NULL",
            )
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(&h.note)
            .bind(&h.event_id)
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
            return Ok(());
        }
        _ => return Ok(()),
    }
    store(conn, case_id, &owner, ev.hlc).await
}

/// A site the hub lists (`GET /v1/sites`): the targets of a hand-over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct HubSite {
    /// The site's database id; none until it first synced (it cannot own cases before).
    pub site_id: Option<String>,
    pub code: String,
    pub name: String,
    pub is_hq: bool,
}

/// Replaces the sites remembered from the hub with the list it just gave.
pub async fn remember_sites(db: &crate::storage::Db, sites: &[HubSite]) -> CoreResult<()> {
    let now = crate::time::to_db(db.now());
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM known_sites").execute(&mut *tx).await?;
    for s in sites {
        let Some(site_id) = &s.site_id else { continue };
        sqlx::query(
            "INSERT INTO known_sites (site_id, code, name, is_hq, seen_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(site_id)
        .bind(&s.code)
        .bind(&s.name)
        .bind(s.is_hq)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A site remembered from the hub, by id.
pub async fn known_site(conn: &mut SqliteConnection, site_id: &str) -> CoreResult<Option<HubSite>> {
    let row: Option<(String, String, bool)> =
        sqlx::query_as("SELECT code, name, is_hq FROM known_sites WHERE site_id = ?")
            .bind(site_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(code, name, is_hq)| HubSite {
        site_id: Some(site_id.to_owned()),
        code,
        name,
        is_hq,
    }))
}
