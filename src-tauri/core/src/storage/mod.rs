//! The SQLite file: where it lives, how it is opened, checked, copied and migrated.

mod open;

pub use open::{default_db_path, open, supported_schema_version, OpenOptions, APP_IDENTIFIER};

use std::path::PathBuf;
use std::sync::Arc;

use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::error::CoreResult;
use crate::hlc::Hlc;

/// The site (installation) this database belongs to.
#[derive(Debug, Clone)]
pub struct Site {
    pub site_id: String,
    pub site_code: String,
    pub name: String,
}

/// An open database: the pool, this site's identity and its clock. Passed to every operation.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: SqlitePool,
    pub(crate) site: Site,
    pub(crate) hlc: Arc<Hlc>,
    pub(crate) path: PathBuf,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).field("site", &self.site).finish()
    }
}

impl Db {
    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Now, by this database's wall clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.hlc.wall_now()
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so two writers
    /// (the app and a CLI on the same file) queue on the busy timeout instead of failing on
    /// a lock upgrade.
    pub async fn begin_write(&self) -> CoreResult<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Folds the write-ahead log into the main file and closes every connection, so that a
    /// closed database is one self-contained file and reopening it changes nothing.
    pub async fn close(&self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await {
            tracing::warn!(error = %e, "checkpoint on close failed");
        }
        self.pool.close().await;
    }
}
