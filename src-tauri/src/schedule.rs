//! Work the app does on its own while it runs: the retention rule of personal data (PIPL)
//! and the daily backup, once a day each (the core decides whether a run is due: on, and not
//! done today; the shell asks at start and then every hour), and a sync with the headquarters
//! hub every few minutes when one is configured (a failed one is remembered for the status
//! line and tried again at the next turn). Each turn takes the database as it is then: a
//! restore may have replaced it.

use std::time::Duration;

use redress_core::Db;
use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// The database now, if it is open.
fn current(app: &AppHandle) -> Option<Db> {
    app.try_state::<AppState>()?.db().ok()
}

const EVERY: Duration = Duration::from_secs(60 * 60);
/// How often the app syncs with the hub in the background.
pub const SYNC_EVERY: Duration = Duration::from_secs(5 * 60);

pub async fn sync(app: AppHandle) {
    loop {
        if let Some(db) = current(&app) {
            sync_once(&db).await;
        }
        tokio::time::sleep(SYNC_EVERY).await;
    }
}

/// One sync with the hub, if one is configured; a failure is logged (and kept for the status
/// line by the core).
pub(crate) async fn sync_once(db: &Db) {
    match redress_core::sync::hub(db).await {
        Ok(Some(_)) => {
            let batch = redress_core::ops::sync::DEFAULT_BATCH;
            match redress_core::ops::sync::run_now(db, batch, |_| {}).await {
                Ok(report) => tracing::info!(
                    pushed = report.pushed,
                    pulled = report.pulled,
                    waiting = report.waiting,
                    "background sync"
                ),
                Err(e) => tracing::warn!(error = %e, "background sync failed"),
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "sync settings unreadable"),
    }
}

pub async fn daily(app: AppHandle) {
    loop {
        if let Some(db) = current(&app) {
            once_a_day(&db).await;
        }
        tokio::time::sleep(EVERY).await;
    }
}

async fn once_a_day(db: &Db) {
    match redress_core::ops::backup::run_if_due(db).await {
        Ok(Some(made)) => tracing::info!(
            backup = %made.backup.name,
            evidence_copied = made.evidence_copied,
            removed = made.removed.len(),
            "daily backup made"
        ),
        Ok(None) => {}
        // Recorded for the settings screen by the core; tried again at the next turn.
        Err(e) => tracing::warn!(error = %e, "daily backup failed"),
    }
    match redress_core::ops::privacy::run_if_due(db).await {
        Ok(Some(report)) => tracing::info!(
            anonymised = report.anonymised,
            cases = report.cases,
            held = report.held.len(),
            cutoff = report.cutoff.as_deref().unwrap_or(""),
            "retention rule run"
        ),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "retention rule could not run"),
    }
}
