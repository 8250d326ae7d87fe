//! Backups of a site's data — the database and its evidence store — to a folder the user picks,
//! consistent while the app is in use, and restore from them after checking everything.
//!
//! A backup folder (the one picked) holds:
//!
//! ```text
//! evidence/sha256/ab/cd/<sha256>          every evidence file, by hash, shared by the backups
//! redress-backup-20261130-093000-HQ/      one backup
//!     redress.db                           the database (VACUUM INTO: one read transaction)
//!     manifest.json                        schema, site, counts, and the SHA-256 of the
//!                                          database and of every evidence file it needs
//!     SHA256SUMS                           manifest.json and redress.db, for `sha256sum -c`
//! ```
//!
//! Evidence is copied by hash: a file the folder has already (from an earlier backup) is not
//! copied again, so daily backups of a store of many gigabytes cost what changed. Keeping the
//! newest N of a site's backups removes the older ones and then the evidence files no backup
//! left there names.
//!
//! Restoring checks the backup first (checksums, `PRAGMA integrity_check`, the schema version,
//! the audit chain, every evidence file re-hashed) and changes nothing if any check fails. The
//! database it replaces is moved aside, whole, into `<name>.replaced-<time>/` beside it, and
//! stays there until someone discards it; evidence is only added (a file is its hash: nothing
//! in the store is replaced).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use ts_rs::TS;

use crate::error::{CoreError, CoreResult};
use crate::evidence::{self, Check, Store};
use crate::storage::{self, Db};
use crate::time::china;

/// The manifest's format; a reader refuses a newer one.
pub const FORMAT: u32 = 1;
/// Backup folders are named `redress-backup-<yyyymmdd-hhmmss>-<site code>`.
const PREFIX: &str = "redress-backup-";
const DATABASE: &str = "redress.db";
const MANIFEST: &str = "manifest.json";
const SUMS: &str = "SHA256SUMS";

/// What a backup holds, as written in its `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Manifest {
    pub format: u32,
    /// The app that made it.
    pub app_version: String,
    /// The database's schema version (`PRAGMA user_version`).
    pub schema_version: i64,
    pub site_id: String,
    pub site_code: String,
    pub site_name: String,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    pub database_sha256: String,
    #[ts(type = "number")]
    pub database_bytes: u64,
    #[ts(type = "number")]
    pub cases: i64,
    #[ts(type = "number")]
    pub events: i64,
    /// Every file of the evidence store (attachments, issued documents' PDFs), by hash.
    pub evidence: Vec<EvidenceEntry>,
    /// Files of the evidence store that did not re-hash to their name when the backup was
    /// made (damaged at this site): not copied, listed so someone looks.
    pub evidence_damaged: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EvidenceEntry {
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// A backup found in a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupInfo {
    /// The backup's own folder.
    pub path: String,
    pub name: String,
    pub manifest: Manifest,
    /// Bytes of evidence it needs (shared with other backups in the folder).
    #[ts(type = "number")]
    pub evidence_bytes: u64,
}

/// What making a backup did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupMade {
    pub backup: BackupInfo,
    /// Evidence files copied this time (the others were in the folder already).
    #[ts(type = "number")]
    pub evidence_copied: u64,
    #[ts(type = "number")]
    pub evidence_copied_bytes: u64,
    /// Older backups of this site removed to keep the newest N.
    pub removed: Vec<String>,
}

/// What checking a backup found: nothing wrong, or the list (`CoreError::BackupInvalid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupChecked {
    pub backup: BackupInfo,
    #[ts(type = "number")]
    pub events_checked: u64,
    #[ts(type = "number")]
    pub evidence_checked: u64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Restored {
    pub checked: BackupChecked,
    /// Where the database that was replaced now is (kept until discarded).
    pub replaced_kept_at: Option<String>,
    /// Evidence files the store lacked and took from the backup.
    #[ts(type = "number")]
    pub evidence_added: u64,
}

/// Backs the open database and its evidence up into `folder` (created if missing). With
/// `keep`, only the newest `keep` backups of this site stay there afterwards.
pub async fn create(db: &Db, folder: &Path, keep: Option<u32>) -> CoreResult<BackupMade> {
    fs::create_dir_all(folder)?;
    let _lock = lock(folder)?;
    let site = db.site();
    let created = db.now();
    let staging = folder.join(format!(".{PREFIX}{}", uuid::Uuid::now_v7()));
    fs::create_dir(&staging)?;
    let made = async {
        let copy = staging.join(DATABASE);
        // One read transaction: the copy is the database as of one moment, while others write.
        let mut conn = db.pool().acquire().await?;
        sqlx::query("VACUUM INTO ?").bind(copy.display().to_string()).execute(&mut *conn).await?;
        drop(conn);

        let mut copy_conn = read_only(&copy).await?;
        let schema_version: i64 =
            sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut copy_conn).await?;
        let (cases, events): (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM events)")
                .fetch_one(&mut copy_conn)
                .await?;
        sqlx::Connection::close(copy_conn).await?;

        // Every file of the store, listed after the copy was taken: a file is stored before
        // the event that names it is written, so all the copy names are among them.
        let live = Store::for_database(db.path());
        let shared = Store::at(folder.join("evidence"));
        let (entries, damaged, copied, copied_bytes) = blocking(move || {
            let named = stored_hashes(&live)?;
            copy_evidence(&live, &shared, &named)
        })
        .await?;
        let (database_sha256, database_bytes) = blocking({
            let copy = copy.clone();
            move || Ok(evidence::hash_file(&copy)?)
        })
        .await?;
        let manifest = Manifest {
            format: FORMAT,
            app_version: env!("CARGO_PKG_VERSION").into(),
            schema_version,
            site_id: site.site_id.clone(),
            site_code: site.site_code.clone(),
            site_name: site.name.clone(),
            created_at: created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            database_sha256,
            database_bytes,
            cases,
            events,
            evidence: entries,
            evidence_damaged: damaged,
        };
        write_manifest(&staging, &manifest)?;
        let stamp = created.with_timezone(&china()).format("%Y%m%d-%H%M%S");
        let mut name = format!("{PREFIX}{stamp}-{}", site.site_code);
        let mut n = 1;
        while folder.join(&name).exists() {
            n += 1;
            name = format!("{PREFIX}{stamp}-{}-{n}", site.site_code);
        }
        fs::rename(&staging, folder.join(&name))?;
        Ok::<_, CoreError>((name, manifest, copied, copied_bytes))
    }
    .await;
    let (name, manifest, evidence_copied, evidence_copied_bytes) = match made {
        Ok(made) => made,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let removed = match keep {
        Some(keep) => rotate(folder, &site.site_id, keep.max(1) as usize)?,
        None => Vec::new(),
    };
    tracing::info!(backup = %name, cases = manifest.cases, evidence_copied, "backup made");
    Ok(BackupMade {
        backup: info(folder.join(&name), manifest),
        evidence_copied,
        evidence_copied_bytes,
        removed,
    })
}

/// The backups in `folder`, newest first. Folders that are not backups are passed over.
pub fn list(folder: &Path) -> CoreResult<Vec<BackupInfo>> {
    let mut found = Vec::new();
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let path = entry?.path();
        let is_backup = path.is_dir()
            && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with(PREFIX));
        if let (true, Ok(manifest)) = (is_backup, read_manifest(&path)) {
            found.push(info(path, manifest));
        }
    }
    found.sort_by(|a, b| {
        b.manifest.created_at.cmp(&a.manifest.created_at).then(b.name.cmp(&a.name))
    });
    Ok(found)
}

/// Checks a backup (its own folder) without changing anything: the checksums, the manifest,
/// the schema version, `PRAGMA integrity_check`, the audit chain, and every evidence file it
/// needs re-hashed. Any failure is `CoreError::BackupInvalid` with all that failed.
pub async fn verify(backup: &Path) -> CoreResult<BackupChecked> {
    let manifest = read_manifest(backup)?;
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let sums = {
        let backup = backup.to_path_buf();
        blocking(move || check_sums(&backup)).await?
    };
    problems.extend(sums.into_iter().map(|file| ("checksum", file)));
    if manifest.format > FORMAT {
        problems.push(("manifest", format!("format {}", manifest.format)));
    }
    let supported = storage::supported_schema_version();
    if manifest.schema_version > supported {
        problems.push(("newer_schema", format!("{} > {supported}", manifest.schema_version)));
    }
    let mut events_checked = 0;
    if problems.is_empty() {
        let mut conn = read_only(&backup.join(DATABASE)).await?;
        let integrity: Vec<String> =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&mut conn).await?;
        if integrity != ["ok"] {
            problems.push(("integrity", integrity.join("; ")));
        } else {
            match crate::event_log::verify_on(&mut conn, &manifest.site_id).await {
                Ok(n) => events_checked = n,
                Err(CoreError::BrokenChain { site, seq, detail }) => {
                    problems.push(("chain", format!("{site} #{seq}: {detail}")))
                }
                Err(e) => return Err(e),
            }
        }
        sqlx::Connection::close(conn).await?;
    }
    let shared = Store::at(evidence_folder(backup));
    let entries = manifest.evidence.clone();
    let found = blocking(move || {
        let mut found = Vec::new();
        for e in &entries {
            match shared.check(&e.sha256)? {
                Check::Intact => {}
                Check::Changed => found.push(("evidence_changed", e.sha256.clone())),
                Check::Missing => found.push(("evidence_missing", e.sha256.clone())),
            }
        }
        Ok(found)
    })
    .await?;
    problems.extend(found);
    if !problems.is_empty() {
        return Err(CoreError::BackupInvalid { problems });
    }
    Ok(BackupChecked {
        evidence_checked: manifest.evidence.len() as u64,
        backup: info(backup.to_path_buf(), manifest),
        events_checked,
    })
}

/// Restores the database at `db_path` (closed: no app or CLI may have it open) from a backup,
/// after [`verify`] passed. The database it replaces is moved aside whole; evidence files the
/// store lacks are added from the backup.
pub async fn restore(db_path: &Path, backup: &Path) -> CoreResult<Restored> {
    let checked = verify(backup).await?;
    restore_checked(db_path, backup, checked).await
}

/// [`restore`] of a backup [`verify`] has just passed (`checked`): for a caller that checks
/// first while the database is still in service (the app), so the checks run once.
pub async fn restore_checked(
    db_path: &Path,
    backup: &Path,
    checked: BackupChecked,
) -> CoreResult<Restored> {
    let store = Store::for_database(db_path);
    let shared = Store::at(evidence_folder(backup));
    let entries = checked.backup.manifest.evidence.clone();
    // Evidence first: until the database is swapped nothing names the new files, and a file
    // added is only ever one more file by its hash.
    let evidence_added = blocking(move || {
        let mut added = 0;
        for e in &entries {
            if !store.has(&e.sha256) {
                let mut input = fs::File::open(shared.path_of(&e.sha256)?)?;
                store.receive(&mut input, &e.sha256)?;
                added += 1;
            }
        }
        Ok(added)
    })
    .await?;
    let incoming = sibling(db_path, "restoring");
    fs::copy(backup.join(DATABASE), &incoming)?;
    let (sha256, _) = evidence::hash_file(&incoming)?;
    if sha256 != checked.backup.manifest.database_sha256 {
        let _ = fs::remove_file(&incoming);
        return Err(CoreError::BackupInvalid { problems: vec![("checksum", DATABASE.into())] });
    }
    fs::File::open(&incoming)?.sync_all()?;
    // Written before the swap, so that no restored file is ever opened without it: the next
    // open marks the database restored (`storage::open`), and with a hub configured nothing is
    // recorded before a sync has taken back what the hub holds of this site after the backup.
    // (A restore cut short before the swap leaves it on the old file: one sync clears it.)
    let marker = restored_marker(db_path);
    fs::write(&marker, backup.display().to_string())?;
    fs::File::open(&marker)?.sync_all()?;
    let replaced_kept_at = set_aside(db_path)?;
    fs::rename(&incoming, db_path)?;
    tracing::info!(
        backup = %backup.display(),
        kept = ?replaced_kept_at,
        "database restored from a backup"
    );
    Ok(Restored {
        checked,
        replaced_kept_at: replaced_kept_at.map(|p| p.display().to_string()),
        evidence_added,
    })
}

/// `<db>.restored` beside the database: a restore replaced it, and no program has opened it
/// since.
pub fn restored_marker(db_path: &Path) -> PathBuf {
    sibling(db_path, "restored")
}

/// Databases a restore set aside beside `db_path`, newest first.
pub fn replaced(db_path: &Path) -> CoreResult<Vec<PathBuf>> {
    let dir = db_path.parent().unwrap_or_else(|| Path::new("."));
    let prefix = format!("{}.replaced-", file_name(db_path));
    let mut found: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && file_name(p).starts_with(&prefix))
        .collect();
    found.sort();
    found.reverse();
    Ok(found)
}

/// Deletes a database a restore set aside (once the restored data is confirmed good).
pub fn discard_replaced(db_path: &Path, kept: &Path) -> CoreResult<()> {
    if !replaced(db_path)?.iter().any(|p| p == kept) {
        return Err(CoreError::NotFound { entity: "replaced", id: kept.display().to_string() });
    }
    fs::remove_dir_all(kept)?;
    Ok(())
}

/// The hashes of the files in a store (its `tmp` folder aside).
fn stored_hashes(store: &Store) -> CoreResult<BTreeSet<String>> {
    Ok(files_under(&store.root().join("sha256"))?
        .iter()
        .map(|p| file_name(p))
        .filter(|name| store.path_of(name).is_ok())
        .collect())
}

type Copied = (Vec<EvidenceEntry>, Vec<String>, u64, u64);

/// Copies the files named from the live store into the folder's shared store where it lacks
/// them, each checked against its hash on the way.
fn copy_evidence(live: &Store, shared: &Store, named: &BTreeSet<String>) -> CoreResult<Copied> {
    let (mut entries, mut damaged, mut copied, mut bytes) = (Vec::new(), Vec::new(), 0, 0);
    for sha256 in named {
        if shared.check(sha256)? == Check::Intact {
            let size = fs::metadata(shared.path_of(sha256)?)?.len();
            entries.push(EvidenceEntry { sha256: sha256.clone(), size });
            continue;
        }
        let mut input = match fs::File::open(live.path_of(sha256)?) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                damaged.push(sha256.clone());
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        match shared.receive(&mut input, sha256) {
            Ok(stored) => {
                copied += 1;
                bytes += stored.size;
                entries.push(EvidenceEntry { sha256: sha256.clone(), size: stored.size });
            }
            Err(CoreError::EvidenceChanged(_)) => damaged.push(sha256.clone()),
            Err(e) => return Err(e),
        }
    }
    Ok((entries, damaged, copied, bytes))
}

/// Removes this site's backups beyond the newest `keep`, then the shared evidence files no
/// backup left in the folder names.
fn rotate(folder: &Path, site_id: &str, keep: usize) -> CoreResult<Vec<String>> {
    let all = list(folder)?;
    let mut removed = Vec::new();
    for old in all.iter().filter(|b| b.manifest.site_id == site_id).skip(keep) {
        fs::remove_dir_all(&old.path)?;
        removed.push(old.name.clone());
    }
    if removed.is_empty() {
        return Ok(removed);
    }
    let needed: BTreeSet<String> = list(folder)?
        .into_iter()
        .flat_map(|b| b.manifest.evidence.into_iter().map(|e| e.sha256))
        .collect();
    let shared = Store::at(folder.join("evidence"));
    for path in files_under(&shared.root().join("sha256"))? {
        let name = file_name(&path);
        if !needed.contains(&name) {
            make_writable(&path)?;
            fs::remove_file(&path)?;
        }
    }
    Ok(removed)
}

fn files_under(dir: &Path) -> CoreResult<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e.into()),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    Ok(out)
}

/// Stored files are read-only; on Windows a read-only file cannot be deleted.
fn make_writable(path: &Path) -> CoreResult<()> {
    let mut perms = fs::metadata(path)?.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(path, perms)?;
    Ok(())
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> CoreResult<()> {
    let json =
        serde_json::to_vec_pretty(manifest).map_err(|e| CoreError::Internal(e.to_string()))?;
    fs::write(dir.join(MANIFEST), &json)?;
    let sums = format!(
        "{}  {MANIFEST}\n{}  {DATABASE}\n",
        hex::encode(Sha256::digest(&json)),
        manifest.database_sha256
    );
    fs::write(dir.join(SUMS), sums)?;
    for file in [MANIFEST, SUMS, DATABASE] {
        fs::File::open(dir.join(file))?.sync_all()?;
    }
    Ok(())
}

fn read_manifest(backup: &Path) -> CoreResult<Manifest> {
    let not_a_backup = || CoreError::NotABackup { path: backup.display().to_string() };
    let bytes = fs::read(backup.join(MANIFEST)).map_err(|_| not_a_backup())?;
    serde_json::from_slice(&bytes)
        .map_err(|e| CoreError::BackupInvalid { problems: vec![("manifest", e.to_string())] })
}

/// The files of `SHA256SUMS` that are missing or do not hash to their line (the list file
/// itself missing counts as every file).
fn check_sums(backup: &Path) -> CoreResult<Vec<String>> {
    let Ok(sums) = fs::read_to_string(backup.join(SUMS)) else {
        return Ok(vec![SUMS.into()]);
    };
    let mut bad = Vec::new();
    let mut listed = BTreeSet::new();
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let Some((want, file)) = line.split_once("  ") else {
            bad.push(SUMS.to_owned());
            continue;
        };
        listed.insert(file.to_owned());
        if file.contains(['/', '\\']) || file.starts_with('.') {
            bad.push(file.to_owned());
            continue;
        }
        match evidence::hash_file(&backup.join(file)) {
            Ok((found, _)) if found == want => {}
            _ => bad.push(file.to_owned()),
        }
    }
    for needed in [MANIFEST, DATABASE] {
        if !listed.contains(needed) {
            bad.push(needed.to_owned());
        }
    }
    Ok(bad)
}

fn info(path: PathBuf, manifest: Manifest) -> BackupInfo {
    BackupInfo {
        name: file_name(&path),
        path: path.display().to_string(),
        evidence_bytes: manifest.evidence.iter().map(|e| e.size).sum(),
        manifest,
    }
}

/// The shared evidence of the folder a backup is in.
fn evidence_folder(backup: &Path) -> PathBuf {
    backup.parent().unwrap_or_else(|| Path::new(".")).join("evidence")
}

/// Moves the database at `path` and its WAL files into a new `<name>.replaced-<time>/` folder
/// beside it: its path, or none when there was no database.
fn set_aside(path: &Path) -> CoreResult<Option<PathBuf>> {
    if !path.exists() {
        return Ok(None);
    }
    let stamp = chrono::Utc::now().with_timezone(&china()).format("%Y%m%d-%H%M%S");
    let mut kept = sibling(path, &format!("replaced-{stamp}"));
    let mut n = 1;
    while kept.exists() {
        n += 1;
        kept = sibling(path, &format!("replaced-{stamp}-{n}"));
    }
    fs::create_dir(&kept)?;
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            fs::rename(&file, kept.join(format!("{}{suffix}", file_name(path))))?;
        }
    }
    Ok(Some(kept))
}

/// `<dir>/<file name>.<what>` beside `path`.
fn sibling(path: &Path, what: &str) -> PathBuf {
    path.with_file_name(format!("{}.{what}", file_name(path)))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// An exclusive lock on `<folder>/.lock`: two backups into one folder take turns, so keeping
/// the newest N never removes a file another backup is copying.
fn lock(folder: &Path) -> CoreResult<fs::File> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(folder.join(".lock"))?;
    file.lock()?;
    Ok(file)
}

async fn read_only(path: &Path) -> CoreResult<SqliteConnection> {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| CoreError::CannotOpen {
            path: path.display().to_string(),
            detail: e.to_string(),
        })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> CoreResult<T> + Send + 'static,
) -> CoreResult<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| CoreError::Internal(e.to_string()))?
}
