//! Logs through `tracing` to daily files in the app's log folder, fourteen days kept.

use std::path::Path;
use std::sync::Mutex;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

pub fn init(dir: &Path) -> Result<WorkerGuard, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let file = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("redress")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env("REDRESS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second start in the same process (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Redress starting");
    Ok(guard)
}

/// Keeps the log writer alive until the app exits, then flushes it.
pub struct LogGuard(Mutex<Option<WorkerGuard>>);

impl LogGuard {
    pub fn new(guard: WorkerGuard) -> Self {
        LogGuard(Mutex::new(Some(guard)))
    }

    pub fn flush(&self) {
        drop(self.0.lock().ok().and_then(|mut g| g.take()));
    }
}
