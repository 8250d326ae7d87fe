//! Long operations (an import, an export) that report progress and can be cancelled. The
//! caller names the job with an id of its choosing; while the operation runs, `jobs.status`
//! reads how far it got and `jobs.cancel` asks it to stop at its next safe point (between
//! committed batches). Jobs live in this process only: a job that is not running is unknown.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A running job's shared state.
#[derive(Debug, Default)]
pub struct Job {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
}

impl Job {
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    pub fn set_done(&self, done: u64) {
        self.done.store(done, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn progress(&self) -> JobProgress {
        JobProgress {
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
            cancelling: self.is_cancelled(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JobProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// A cancel was asked for; the job stops at its next safe point.
    pub cancelling: bool,
}

fn registry() -> &'static Mutex<HashMap<String, Arc<Job>>> {
    static JOBS: OnceLock<Mutex<HashMap<String, Arc<Job>>>> = OnceLock::new();
    JOBS.get_or_init(Default::default)
}

/// Holds a job registered under its id; dropping it forgets the job.
pub struct Registered {
    id: Option<String>,
    pub job: Arc<Job>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(id) = &self.id {
            if let Ok(mut map) = registry().lock() {
                map.remove(id);
            }
        }
    }
}

/// A job for one operation: registered under `id` when the caller gave one, else private.
pub fn start(id: Option<&str>) -> Registered {
    let job = Arc::new(Job::default());
    let id = id.filter(|i| !i.is_empty()).map(str::to_owned);
    if let (Some(id), Ok(mut map)) = (&id, registry().lock()) {
        map.insert(id.clone(), job.clone());
    }
    Registered { id, job }
}

pub fn find(id: &str) -> Option<Arc<Job>> {
    registry().lock().ok().and_then(|map| map.get(id).cloned())
}
