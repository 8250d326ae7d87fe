//! Work the app does on its own while it runs: the retention rule of personal data (PIPL),
//! once a day. The core decides whether a run is due (the rule is on and has not run
//! automatically today); the shell only asks, at start and then every hour.

use std::time::Duration;

use redress_core::Db;

const EVERY: Duration = Duration::from_secs(60 * 60);

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
