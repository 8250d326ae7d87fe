//! `backup.*`: backups from the app (docs/BACKUP.md). Where they go, how many are kept and
//! whether one is made every day (this machine's settings), one now, the backups in the
//! folder, checking one, and the databases a restore set aside. The restore itself replaces
//! the open database, so it is the shell's and the CLI's, not an operation here.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::backup::{self, BackupChecked, BackupInfo, BackupMade};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldRule};
use crate::ops::fields::problem;
use crate::storage::Db;
use crate::time::{self, china};

/// How many of a site's backups may be kept at most.
pub const MAX_KEEP: u32 = 1000;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupStatusRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupConfigureRequest {
    /// An absolute path; created if missing, and must be writable. Empty: no folder (no
    /// backups on schedule).
    pub folder: String,
    /// This site's backups kept in the folder (the oldest go): 1–1000.
    pub keep: u32,
    /// One backup a day while the app runs.
    pub daily: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupCreateRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupVerifyRequest {
    /// A backup's own folder (from the list).
    pub path: String,
}

/// The shell's `backup_restore`: the database replaced by this backup's (its own folder).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupRestoreRequest {
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BackupDiscardRequest {
    /// A database a restore set aside (from `replaced`).
    pub path: String,
}

/// Backups as the settings screen shows them.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BackupView {
    pub folder: Option<String>,
    pub keep: u32,
    pub daily: bool,
    /// The last backup made, when and its name.
    pub last_at: Option<String>,
    pub last_name: Option<String>,
    /// The last attempt, when it failed after the last success: what went wrong and when.
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// A daily backup is due (none yet today, China time).
    pub due: bool,
    /// The backups in the folder, newest first.
    pub backups: Vec<BackupInfo>,
    /// Why the folder could not be read, if it could not.
    pub folder_problem: Option<String>,
    /// Databases a restore replaced, kept beside this one until discarded (newest first).
    pub replaced: Vec<ReplacedDatabase>,
    /// This site's own id and code: a backup of another site is told apart before a restore.
    pub site_id: String,
    pub site_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ReplacedDatabase {
    pub path: String,
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

#[derive(sqlx::FromRow)]
struct State {
    folder: Option<String>,
    keep: i64,
    daily: bool,
    last_at: Option<String>,
    last_name: Option<String>,
    last_error: Option<String>,
    last_error_at: Option<String>,
}

async fn state(db: &Db) -> CoreResult<State> {
    Ok(sqlx::query_as(
        "SELECT folder, keep, daily, last_at, last_name, last_error, last_error_at \
         FROM backup_state WHERE singleton = 1",
    )
    .fetch_one(db.pool())
    .await?)
}

/// The number of backups kept, as stored (1–1000 by the table's check).
fn keep_of(keep: i64) -> u32 {
    u32::try_from(keep).unwrap_or(30)
}

/// Whether a daily backup is due at `now`: on, with a folder, and none made today.
fn due(s: &State, now: DateTime<Utc>) -> bool {
    let today = now.with_timezone(&china()).date_naive();
    let last_day = s
        .last_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&china()).date_naive());
    s.daily && s.folder.is_some() && last_day.is_none_or(|d| d < today)
}

async fn view(db: &Db) -> CoreResult<BackupView> {
    let s = state(db).await?;
    let (backups, folder_problem) = match &s.folder {
        Some(folder) => match backup::list(Path::new(folder)) {
            Ok(list) => (list, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        },
        None => (Vec::new(), None),
    };
    let replaced = backup::replaced(db.path())?
        .into_iter()
        .map(|p| ReplacedDatabase {
            name: p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            bytes: folder_bytes(&p),
            path: p.display().to_string(),
        })
        .collect();
    Ok(BackupView {
        due: due(&s, db.now()),
        folder: s.folder,
        keep: keep_of(s.keep),
        daily: s.daily,
        last_at: s.last_at,
        last_name: s.last_name,
        last_error: s.last_error,
        last_error_at: s.last_error_at,
        backups,
        folder_problem,
        replaced,
        site_id: db.site().site_id,
        site_code: db.site().site_code,
    })
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum::<u64>()
        })
        .unwrap_or(0)
}

pub async fn status(db: &Db, actor: &Actor, _req: BackupStatusRequest) -> CoreResult<BackupView> {
    actor.require(Permission::AccountManage)?;
    view(db).await
}

pub async fn configure(
    db: &Db,
    actor: &Actor,
    req: BackupConfigureRequest,
) -> CoreResult<BackupView> {
    actor.require(Permission::AccountManage)?;
    let folder = req.folder.trim();
    let mut problems = Vec::new();
    if !(1..=MAX_KEEP).contains(&req.keep) {
        problems.push(problem("keep", FieldRule::OutOfRange { min: 1, max: MAX_KEEP.into() }));
    }
    if !folder.is_empty() {
        if let Err(detail) = writable_folder(Path::new(folder)) {
            problems.push(problem("folder", FieldRule::Invalid { detail }));
        }
    }
    ensure_valid(problems)?;
    sqlx::query("UPDATE backup_state SET folder = ?, keep = ?, daily = ? WHERE singleton = 1")
        .bind(if folder.is_empty() { None } else { Some(folder) })
        .bind(req.keep)
        .bind(req.daily)
        .execute(db.pool())
        .await?;
    view(db).await
}

/// An absolute folder that exists (made if missing) and takes a file.
fn writable_folder(folder: &Path) -> Result<(), String> {
    if !folder.is_absolute() {
        return Err("absolute path".into());
    }
    std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    let probe: PathBuf = folder.join(format!(".redress-probe-{}", uuid::Uuid::now_v7()));
    std::fs::write(&probe, b"").map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A backup now, into the folder set, keeping the newest as set.
pub async fn create(db: &Db, actor: &Actor, _req: BackupCreateRequest) -> CoreResult<BackupMade> {
    actor.require(Permission::AccountManage)?;
    let s = state(db).await?;
    let Some(folder) = s.folder else {
        return Err(CoreError::field("folder", FieldRule::Required));
    };
    make(db, &folder, keep_of(s.keep)).await
}

/// Makes a backup and records how it went.
async fn make(db: &Db, folder: &str, keep: u32) -> CoreResult<BackupMade> {
    match backup::create(db, Path::new(folder), Some(keep)).await {
        Ok(made) => {
            sqlx::query(
                "UPDATE backup_state SET last_at = ?, last_name = ?, last_error = NULL, \
                 last_error_at = NULL WHERE singleton = 1",
            )
            .bind(&made.backup.manifest.created_at)
            .bind(&made.backup.name)
            .execute(db.pool())
            .await?;
            Ok(made)
        }
        Err(e) => {
            sqlx::query(
                "UPDATE backup_state SET last_error = ?, last_error_at = ? WHERE singleton = 1",
            )
            .bind(format!("{}: {e}", e.code()))
            .bind(time::to_db(db.now()))
            .execute(db.pool())
            .await?;
            Err(e)
        }
    }
}

/// The daily backup, if one is due (for the app's schedule).
pub async fn run_if_due(db: &Db) -> CoreResult<Option<BackupMade>> {
    let s = state(db).await?;
    if !due(&s, db.now()) {
        return Ok(None);
    }
    let folder = s.folder.unwrap_or_default();
    make(db, &folder, keep_of(s.keep)).await.map(Some)
}

pub async fn verify(
    _db: &Db,
    actor: &Actor,
    req: BackupVerifyRequest,
) -> CoreResult<BackupChecked> {
    actor.require(Permission::AccountManage)?;
    backup::verify(Path::new(&req.path)).await
}

pub async fn discard_replaced(
    db: &Db,
    actor: &Actor,
    req: BackupDiscardRequest,
) -> CoreResult<BackupView> {
    actor.require(Permission::AccountManage)?;
    backup::discard_replaced(db.path(), Path::new(&req.path))?;
    view(db).await
}
