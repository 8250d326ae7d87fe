//! Opening a database safely.
//!
//! 1. An existing file is first opened read-only and its schema version read. A file from a
//!    newer program is refused and not touched at all (not even its journal mode).
//! 2. When migrations are pending on a file that holds data, a consistent copy is written
//!    beside it (`VACUUM INTO`) before anything changes.
//! 3. Migrations run; if any fails, the file is put back from the copy, so an upgrade is all
//!    or nothing even across several migration files.
//! 4. WAL, foreign keys, a busy timeout and `synchronous = NORMAL` on every connection.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};

use super::{Db, Site};
use crate::error::{Condition, CoreError, CoreResult};
use crate::hlc::{Hlc, SystemClock, Timestamp, WallClock};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The application's identifier; the data folder is named after it on every platform, the
/// same folder Tauri's `app_data_dir()` gives the desktop app.
pub const APP_IDENTIFIER: &str = "cn.redress.desktop";

pub struct OpenOptions {
    pub path: PathBuf,
    /// The site code used when this database is created (letters and digits, e.g. `SH01`).
    pub new_site_code: String,
    pub new_site_name: String,
    pub clock: Box<dyn WallClock>,
}

impl OpenOptions {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        OpenOptions {
            path: path.into(),
            new_site_code: super::HEADQUARTERS_CODE.into(),
            new_site_name: "总部".into(),
            clock: Box::new(SystemClock),
        }
    }
}

/// `REDRESS_DB` if set, else `redress.db` in the operating system's app-data folder.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("REDRESS_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_IDENTIFIER).join("redress.db")
}

/// The newest schema version this program knows.
pub fn supported_schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

pub async fn open(options: OpenOptions) -> CoreResult<Db> {
    let path = options.path.clone();
    // A folder that cannot be written, or a full disk, is said as such; anything else is
    // `storage.cannot_open` with what the system said.
    let cannot_open = |e: CoreError| match e.storage_condition() {
        Some(Condition::ReadOnly) => {
            let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
            CoreError::ReadOnlyStorage {
                path: folder.unwrap_or(Path::new(".")).display().to_string(),
            }
        }
        Some(Condition::Full) => e,
        None => CoreError::CannotOpen { path: path.display().to_string(), detail: e.to_string() },
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| cannot_open(e.into()))?;
    }

    // One opener at a time: two processes starting together must not both create, copy or
    // migrate the file. Held until the site is known; released when `_lock` drops.
    let _lock = lock_for_opening(&path).map_err(|e| cannot_open(e.into()))?;

    // What an evidence copy cut short (a kill, a full disk) left behind, idle for an hour.
    match crate::evidence::Store::for_database(&path).sweep_tmp(Duration::from_secs(3600)) {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "unfinished evidence copies removed"),
        Err(e) => tracing::warn!(error = %e, "evidence tmp folder not swept"),
    }

    let supported = supported_schema_version();
    let existing = if path.exists() { Some(read_schema_version(&path).await?) } else { None };
    if let Some(found) = existing {
        if found > supported {
            return Err(CoreError::NewerSchema { found, supported });
        }
    }

    let holds_data = std::fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false);
    let backup = match existing {
        Some(found) if found < supported && holds_data => {
            Some(copy_before_migrating(&path, found).await?)
        }
        _ => None,
    };

    let connect = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .map_err(|e| cannot_open(e.into()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Deleted content (a destroyed consumer key, above all) is overwritten, not left in
        // free pages.
        .pragma("secure_delete", "ON")
        // 32 MiB of page cache a connection (SQLite's default is 2 MiB): a ledger of a million
        // cases has two dozen indexes, and a bulk import touches pages all over them; with the
        // default most of its time went to re-reading pages from the file.
        .pragma("cache_size", "-32768")
        .pragma("temp_store", "MEMORY");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .min_connections(0)
        .connect_with(connect)
        .await
        .map_err(|e| cannot_open(e.into()))?;

    if let Err(e) = MIGRATOR.run(&pool).await {
        pool.close().await;
        match (&backup, existing) {
            (Some(copy), _) => restore_copy(copy, &path)?,
            // A file this call created is removed whole rather than left half-built.
            (None, None) => remove_with_sidecars(&path)?,
            (None, Some(_)) => {}
        }
        return Err(CoreError::MigrationFailed(e.to_string()));
    }

    let site = ensure_site(&pool, &options).await?;
    take_restored_marker(&pool, &path).await?;
    let hlc = Hlc::new(options.clock);
    let last: Option<i64> =
        sqlx::query_scalar("SELECT MAX(hlc) FROM events").fetch_one(&pool).await?;
    if let Some(last) = last {
        hlc.observe(Timestamp::from_i64(last));
    }
    // Cases waiting for the search index (those of a database made before search existed).
    let waiting: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM search_dirty").fetch_one(&pool).await?;
    if waiting > 0 {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        let indexed = crate::search::flush(&mut tx).await?;
        tx.commit().await?;
        tracing::info!(indexed, "search index brought up to date");
    }
    tracing::info!(path = %path.display(), site = %site.site_code, "database open");
    let db = Db {
        pool,
        site: Arc::new(std::sync::RwLock::new(site)),
        hlc: Arc::new(hlc),
        path,
        sync_progress: Arc::default(),
        sync_turn: Arc::default(),
    };
    // A pulled batch stored but not folded before the process ended is folded now.
    if crate::sync::refold_if_stale(&db).await? {
        tracing::info!("projections folded again after an interrupted sync");
    }
    Ok(db)
}

/// A database a restore has just replaced is marked restored if it syncs with a hub (whose
/// copy of this site's events may go further than the backup's): recording waits for the sync
/// that takes them back. Without a hub there is nothing to take back. Then the marker goes.
async fn take_restored_marker(pool: &sqlx::SqlitePool, path: &Path) -> CoreResult<()> {
    let marker = crate::backup::restored_marker(path);
    if !marker.exists() {
        return Ok(());
    }
    let marked = sqlx::query(
        "UPDATE sync_state SET restored_at = ? WHERE hub_url IS NOT NULL AND token IS NOT NULL",
    )
    .bind(crate::time::to_db(chrono::Utc::now()))
    .execute(pool)
    .await?
    .rows_affected();
    std::fs::remove_file(&marker)?;
    tracing::info!(syncs = marked > 0, "database restored from a backup opened");
    Ok(())
}

/// An exclusive lock on `<db>.lock` beside the database, waited for if another process holds it.
fn lock_for_opening(path: &Path) -> std::io::Result<std::fs::File> {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(format!("{}.lock", path.display())))?;
    lock.lock()?;
    Ok(lock)
}

/// The schema version of an existing file, read without writing to it: the highest of
/// `PRAGMA user_version` and the newest entry in sqlx's migration table.
async fn read_schema_version(path: &Path) -> CoreResult<i64> {
    let mut conn = read_only(path).await?;
    let user_version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut conn).await?;
    let has_table: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut conn)
    .await?;
    let migrated: i64 = if has_table > 0 {
        sqlx::query("SELECT COALESCE(MAX(version), 0) AS v FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await?
            .get("v")
    } else {
        0
    };
    conn.close().await?;
    Ok(user_version.max(migrated))
}

async fn read_only(path: &Path) -> CoreResult<SqliteConnection> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .foreign_keys(false)
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(|e| CoreError::CannotOpen {
            path: path.display().to_string(),
            detail: e.to_string(),
        })
}

/// A consistent copy of the database beside it, named after the version it holds.
async fn copy_before_migrating(path: &Path, version: i64) -> CoreResult<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S");
    let copy = path.with_extension(format!("v{version}-{stamp}.bak"));
    let mut conn = read_only(path).await?;
    sqlx::query("VACUUM INTO ?").bind(copy.display().to_string()).execute(&mut conn).await?;
    conn.close().await?;
    tracing::info!(copy = %copy.display(), "database copied before migrating");
    Ok(copy)
}

fn restore_copy(copy: &Path, path: &Path) -> CoreResult<()> {
    remove_with_sidecars(path)?;
    std::fs::copy(copy, path)?;
    Ok(())
}

fn remove_with_sidecars(path: &Path) -> CoreResult<()> {
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(file)?;
        }
    }
    Ok(())
}

async fn ensure_site(pool: &sqlx::SqlitePool, options: &OpenOptions) -> CoreResult<Site> {
    if let Some(site) = Site::read(&mut *pool.acquire().await?).await? {
        return Ok(site);
    }
    let site = Site {
        site_id: uuid::Uuid::now_v7().to_string(),
        site_code: options.new_site_code.clone(),
        name: options.new_site_name.clone(),
    };
    sqlx::query(
        "INSERT INTO site (singleton, site_id, site_code, name, created_at) VALUES (1, ?, ?, ?, ?)",
    )
    .bind(&site.site_id)
    .bind(&site.site_code)
    .bind(&site.name)
    .bind(crate::time::to_db(chrono::Utc::now()))
    .execute(pool)
    .await?;
    Ok(site)
}
