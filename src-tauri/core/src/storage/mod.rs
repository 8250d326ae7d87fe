//! The SQLite file: where it lives, how it is opened, checked, copied and migrated.

mod open;

pub use open::{default_db_path, open, supported_schema_version, OpenOptions, APP_IDENTIFIER};

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::error::{CoreError, CoreResult};
use crate::hlc::Hlc;

/// The code a new database takes until told otherwise: headquarters, or a local app without a
/// hub.
pub const HEADQUARTERS_CODE: &str = "HQ";

/// The site (installation) this database belongs to.
#[derive(Debug, Clone)]
pub struct Site {
    pub site_id: String,
    pub site_code: String,
    pub name: String,
}

impl Site {
    /// The site as its row stands, read in the caller's transaction. Numbers (of cases and
    /// documents) are made from this, not from [`Db::site`]: the copy in memory is replaced
    /// only after a rename commits, and a write that began just then would still see the old
    /// code.
    pub async fn read(conn: &mut sqlx::SqliteConnection) -> CoreResult<Option<Site>> {
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT site_id, site_code, name FROM site WHERE singleton = 1")
                .fetch_optional(&mut *conn)
                .await?;
        Ok(row.map(|(site_id, site_code, name)| Site { site_id, site_code, name }))
    }
}

/// An open database: the pool, this site's identity and its clock. Passed to every operation.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: SqlitePool,
    /// Shared by every clone: a site that has numbered no case yet may still take its code
    /// and name (at the first start, or from the hub at its first sync).
    pub(crate) site: Arc<RwLock<Site>>,
    pub(crate) hlc: Arc<Hlc>,
    pub(crate) path: PathBuf,
    /// The sync under way on this database, as far as it has come (shared by every clone: the
    /// status shows a background sync's progress too).
    pub(crate) sync_progress: Arc<std::sync::Mutex<Option<crate::sync::SyncProgress>>>,
    /// One sync at a time on this database (the background one and 立即同步 may meet): the
    /// second waits for the first.
    pub(crate) sync_turn: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).field("site", &self.site()).finish()
    }
}

impl Db {
    /// This site as it stands (a copy: its code and name may change before its first case).
    pub fn site(&self) -> Site {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Gives this site its code (in its case numbers) and name, while it has numbered no case.
    /// The code: 1–12 letters or digits, kept in capitals (checked by the caller).
    pub async fn rename_site(&self, code: &str, name: &str) -> CoreResult<Site> {
        let mut tx = self.begin_write().await?;
        let renamed = self.rename_site_in(&mut tx, code, name).await?;
        tx.commit().await?;
        Ok(self.took_name(renamed))
    }

    /// The rename inside the caller's transaction: the site row as it will stand, to give to
    /// [`Db::took_name`] once the transaction is committed.
    pub(crate) async fn rename_site_in(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        code: &str,
        name: &str,
    ) -> CoreResult<Site> {
        let current = self.site();
        let renamed = Site {
            site_id: current.site_id.clone(),
            site_code: code.trim().to_ascii_uppercase(),
            name: name.trim().to_owned(),
        };
        if renamed.site_code != current.site_code {
            let numbered: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM events WHERE site_id = ? AND kind = 'case.created')",
            )
            .bind(&current.site_id)
            .fetch_one(&mut **tx)
            .await?;
            if numbered {
                return Err(CoreError::SiteCodeFixed { code: current.site_code });
            }
        }
        sqlx::query("UPDATE site SET site_code = ?, name = ? WHERE singleton = 1")
            .bind(&renamed.site_code)
            .bind(&renamed.name)
            .execute(&mut **tx)
            .await?;
        Ok(renamed)
    }

    /// This process's copy of the site, after its row was renamed and committed.
    pub(crate) fn took_name(&self, renamed: Site) -> Site {
        let mut site = self.site.write().unwrap_or_else(|e| e.into_inner());
        if site.site_code != renamed.site_code || site.name != renamed.name {
            tracing::info!(site = %renamed.site_code, name = %renamed.name, "site renamed");
        }
        *site = renamed;
        site.clone()
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

    /// `PRAGMA integrity_check`: `["ok"]`, or what SQLite found wrong.
    pub async fn integrity_check(&self) -> CoreResult<Vec<String>> {
        Ok(sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&self.pool).await?)
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
