//! Work the app does on its own while it runs: the retention rule of personal data (PIPL),
//! once a day (the core decides whether a run is due: the rule is on and has not run
//! automatically today; the shell asks at start and then every hour), and a sync with the
//! headquarters hub every few minutes when one is configured (a failed one is remembered for
//! the status line and tried again at the next turn).

use std::time::Duration;

use redress_core::Db;

const EVERY: Duration = Duration::from_secs(60 * 60);
/// How often the app syncs with the hub in the background.
pub const SYNC_EVERY: Duration = Duration::from_secs(5 * 60);

pub async fn sync(db: Db) {
    loop {
        match redress_core::sync::hub(&db).await {
            Ok(Some(_)) => match redress_core::ops::sync::run_now(
                &db,
                redress_core::ops::sync::DEFAULT_BATCH,
                |_| {},
            )
            .await
            {
                Ok(report) => tracing::info!(
                    pushed = report.pushed,
                    pulled = report.pulled,
                    waiting = report.waiting,
                    "background sync"
                ),
                Err(e) => tracing::warn!(error = %e, "background sync failed"),
            },
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "sync settings unreadable"),
        }
        tokio::time::sleep(SYNC_EVERY).await;
    }
}

pub async fn daily(db: Db) {
    loop {
        match redress_core::ops::privacy::run_if_due(&db).await {
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
        tokio::time::sleep(EVERY).await;
    }
}
