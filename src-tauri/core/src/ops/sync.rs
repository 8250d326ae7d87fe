//! `sync.*`: where this site stands with the headquarters hub, pointing it at a hub, and one
//! full sync on demand (the app also syncs in the background). docs/SYNC.md.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::error::{ensure_valid, CoreResult, FieldRule};
use crate::hub_client::HubClient;
use crate::ops::fields::{problem, text};
use crate::storage::Db;
use crate::sync::{self, SyncReport, SyncStatus};

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SyncStatusRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SyncView {
    /// This site's code (in its case numbers) and name.
    pub site_code: String,
    pub site_name: String,
    pub status: SyncStatus,
    /// A hub is configured.
    pub configured: bool,
    /// Certificates of its own are trusted for the hub (else the system's).
    pub own_certificate: bool,
    /// The public key (hex) of this site's signing key for bundles, when one is set: to compare
    /// with the one headquarters registered.
    pub public_key: Option<String>,
    /// Sites whose events arrived stamped far ahead of this computer's clock.
    pub clock_flags: Vec<sync::ClockFlag>,
    /// Events that clashed with what another site did (the newest `CLASHES_LISTED`), and how
    /// many there are in all; to administrators only (empty for others).
    pub clashes: Vec<sync::Clash>,
    pub clashes_total: i64,
}

pub async fn status(db: &Db, actor: &Actor, _req: SyncStatusRequest) -> CoreResult<SyncView> {
    actor.require(Permission::CaseView)?;
    let hub = sync::hub(db).await?;
    // Clashes name cases of every site: for administrators, who look after them.
    let (clashes, clashes_total) = if actor.may(Permission::AccountManage) {
        sync::clashes(db).await?
    } else {
        (Vec::new(), 0)
    };
    Ok(SyncView {
        site_code: db.site().site_code.clone(),
        site_name: db.site().name.clone(),
        status: sync::status(db).await?,
        configured: hub.is_some(),
        own_certificate: hub.is_some_and(|h| h.ca_pem.is_some()),
        public_key: crate::bundle::own_key(db)
            .await?
            .and_then(|k| crate::bundle::public_key_of(&k)),
        clock_flags: sync::clock_flags(db).await?,
        clashes,
        clashes_total,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SyncConfigureRequest {
    /// `https://…`; empty: this site works alone (no hub).
    pub hub_url: String,
    /// The credential `redress-hub site add` printed for this site (empty: keep the one set).
    #[serde(default)]
    pub token: String,
    /// Certificates (PEM) to trust for the hub instead of the system's: absent, keep the ones
    /// set; empty, the system's roots again.
    #[serde(default)]
    #[ts(optional)]
    pub ca_pem: Option<String>,
    /// The signing key for bundles `redress-hub site add` issued with the credential (64 hex):
    /// absent, keep the one set; empty, none. A branch without any hub needs only this.
    #[serde(default)]
    #[ts(optional)]
    pub signing_key: Option<String>,
}

/// Points this site at a hub (an administrator's setting).
pub async fn configure(db: &Db, actor: &Actor, req: SyncConfigureRequest) -> CoreResult<SyncView> {
    actor.require(Permission::AccountManage)?;
    let mut problems = Vec::new();
    let signing_key = match req.signing_key.as_deref().map(str::trim) {
        None => crate::bundle::own_key(db).await?,
        Some("") => None,
        Some(k) => {
            if crate::bundle::signing_key(k).is_none() || k.len() != 64 {
                problems
                    .push(problem("signing_key", FieldRule::Invalid { detail: "64 hex".into() }));
            }
            Some(k.to_ascii_lowercase())
        }
    };
    let url = req.hub_url.trim();
    if url.is_empty() {
        ensure_valid(problems)?;
        sync::configure(db, None, None, None).await?;
        crate::bundle::set_own_key(db, signing_key.as_deref()).await?;
        return status(db, actor, SyncStatusRequest {}).await;
    }
    text("hub_url", url, true, 200, &mut problems);
    if !url.starts_with("https://") || url.len() <= "https://".len() {
        problems.push(problem("hub_url", FieldRule::Invalid { detail: "https://…".into() }));
    }
    let kept = sync::hub(db).await?;
    let token = match (req.token.trim(), &kept) {
        ("", Some(k)) => k.token.clone(),
        ("", None) => {
            problems.push(problem("token", FieldRule::Required));
            String::new()
        }
        (t, _) => {
            if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
                problems.push(problem("token", FieldRule::Invalid { detail: "64 hex".into() }));
            }
            t.to_owned()
        }
    };
    let pem = match req.ca_pem.as_deref().map(str::trim) {
        None => kept.and_then(|k| k.ca_pem),
        Some("") => None,
        Some(p) => {
            if !p.contains("-----BEGIN CERTIFICATE-----") {
                problems.push(problem("ca_pem", FieldRule::Invalid { detail: "PEM".into() }));
            }
            Some(p.to_owned())
        }
    };
    ensure_valid(problems)?;
    sync::configure(db, Some(url), Some(&token), pem.as_deref()).await?;
    crate::bundle::set_own_key(db, signing_key.as_deref()).await?;
    status(db, actor, SyncStatusRequest {}).await
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SyncRunRequest {}

/// What "sync now" did: nothing without a hub (this site works alone), else the sync's report.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SyncRunResult {
    pub configured: bool,
    pub report: Option<SyncReport>,
}

/// One full sync now.
pub async fn run(db: &Db, actor: &Actor, _req: SyncRunRequest) -> CoreResult<SyncRunResult> {
    actor.require(Permission::CaseView)?;
    if sync::hub(db).await?.is_none() {
        return Ok(SyncRunResult { configured: false, report: None });
    }
    let report = run_now(db, DEFAULT_BATCH, |_| {}).await?;
    Ok(SyncRunResult { configured: true, report: Some(report) })
}

/// Events a request when nobody says otherwise.
pub const DEFAULT_BATCH: u32 = 500;

/// One full sync with the configured hub, `batch` events a request (the app's background sync
/// and `redress-cli sync` call this too); the failure is remembered for the status line.
pub async fn run_now(
    db: &Db,
    batch: u32,
    progress: impl FnMut(sync::SyncProgress),
) -> CoreResult<SyncReport> {
    let Some(hub) = sync::hub(db).await? else {
        return Err(crate::CoreError::Validation(vec![problem("hub_url", FieldRule::Required)]));
    };
    let client = HubClient::new(&hub.url, &hub.token, hub.ca_pem.as_deref().map(str::as_bytes))?;
    match sync::run(db, &client, batch, progress).await {
        Ok(report) => Ok(report),
        Err(e) => {
            sync::record_error(db, &e.to_string()).await?;
            Err(e)
        }
    }
}
