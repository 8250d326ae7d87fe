//! `imports.*`: the import wizard's steps (inspect a file, preview a mapping, run it), saved
//! mappings and past batches; `cases.export`; `jobs.*` for progress and cancel of both; and
//! `preferences.*`, a person's own ledger settings (columns, saved filters).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::export::{self, ExportRequest, ExportResult};
use crate::import::table::Encoding;
use crate::import::{self, ImportMapping, ImportReport, PreviewRow};
use crate::jobs::{self, JobProgress};
use crate::storage::Db;
use crate::time;

/// Rows of the file shown in the wizard as they are.
const SAMPLE_ROWS: usize = 10;
/// Rows of a preview shown converted.
const PREVIEW_ROWS: usize = 20;
/// The largest file an import reads (bytes).
pub const MAX_FILE: u64 = 512 * 1024 * 1024;

pub(crate) fn read_file(path: &str) -> CoreResult<(String, Vec<u8>)> {
    let invalid = |detail: String| {
        CoreError::Validation(vec![FieldProblem {
            field: "path".into(),
            rule: FieldRule::Invalid { detail },
        }])
    };
    let meta = std::fs::metadata(path).map_err(|e| invalid(format!("{path}: {e}")))?;
    if meta.len() > MAX_FILE {
        return Err(invalid(format!("文件超过 {} MB", MAX_FILE / 1024 / 1024)));
    }
    let bytes = std::fs::read(path).map_err(|e| invalid(format!("{path}: {e}")))?;
    let name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned());
    Ok((name, bytes))
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportInspectRequest {
    pub path: String,
    #[serde(default)]
    #[ts(optional)]
    pub encoding: Option<Encoding>,
    #[serde(default)]
    #[ts(optional)]
    pub sheet: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportInspection {
    pub file_name: String,
    /// How the file was read: `utf-8`, `gb18030`, `utf-16`, `xlsx`, `xls`.
    pub encoding: String,
    pub sheets: Vec<String>,
    pub headers: Vec<String>,
    /// The first rows as they are in the file.
    pub sample: Vec<Vec<String>>,
    #[ts(type = "number")]
    pub rows: u64,
    /// A saved mapping whose columns all exist in this file, else a guess from the headers.
    pub mapping: ImportMapping,
    /// The mapping came from the saved one of this source.
    pub saved: Option<String>,
}

pub async fn inspect(
    db: &Db,
    actor: &Actor,
    req: ImportInspectRequest,
) -> CoreResult<ImportInspection> {
    actor.require(Permission::DataImport)?;
    let (file_name, bytes) = read_file(&req.path)?;
    let table = import::read_table(
        &file_name,
        &bytes,
        req.encoding.unwrap_or_default(),
        req.sheet.as_deref(),
    )?;
    let saved = saved_mappings(db).await?;
    let fits = |m: &ImportMapping| {
        let columns = m
            .fields
            .values()
            .flat_map(|f| f.column.iter().chain(f.columns.iter().flatten()))
            .chain(m.external_id.iter());
        let mut any = false;
        for c in columns {
            any = true;
            if !table.headers.iter().any(|h| h.trim() == c.trim()) {
                return false;
            }
        }
        any
    };
    let found = saved.into_iter().find(fits);
    let source = std::path::Path::new(&file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(ImportInspection {
        saved: found.as_ref().map(|m| m.source.clone()),
        mapping: found.unwrap_or_else(|| ImportMapping::guess(&source, &table.headers)),
        file_name,
        encoding: table.encoding.clone(),
        sheets: table.sheets.clone(),
        sample: table.rows.iter().take(SAMPLE_ROWS).map(|r| r.cells.clone()).collect(),
        rows: table.rows.len() as u64,
        headers: table.headers,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportPreviewRequest {
    pub path: String,
    pub mapping: ImportMapping,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    /// What importing the whole file would do (nothing was written).
    pub report: ImportReport,
    /// The first rows converted, with their problems.
    pub rows: Vec<PreviewRow>,
}

pub async fn preview(
    db: &Db,
    actor: &Actor,
    req: ImportPreviewRequest,
) -> CoreResult<ImportPreview> {
    actor.require(Permission::DataImport)?;
    let (file_name, bytes) = read_file(&req.path)?;
    let table =
        import::read_table(&file_name, &bytes, req.mapping.encoding, req.mapping.sheet.as_deref())?;
    let (report, rows) =
        import::analyse(db, &file_name, &table, &req.mapping, PREVIEW_ROWS).await?;
    Ok(ImportPreview { report, rows })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportRunRequest {
    pub path: String,
    pub mapping: ImportMapping,
    /// Check every row and report, writing nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Names the job for `jobs.status` and `jobs.cancel`.
    #[serde(default)]
    #[ts(optional)]
    pub job_id: Option<String>,
}

pub async fn run(db: &Db, actor: &Actor, req: ImportRunRequest) -> CoreResult<ImportReport> {
    actor.require(Permission::DataImport)?;
    let (file_name, bytes) = read_file(&req.path)?;
    let table =
        import::read_table(&file_name, &bytes, req.mapping.encoding, req.mapping.sheet.as_deref())?;
    if req.dry_run {
        return Ok(import::analyse(db, &file_name, &table, &req.mapping, 0).await?.0);
    }
    let job = jobs::start(req.job_id.as_deref());
    import::run(db, actor, &file_name, &table, &req.mapping, &job.job).await
}

const MAPPINGS_KEY: &str = "import.mappings";
/// Preferences of the whole site (not of one person) are kept under this account id.
const SITE: &str = "";

async fn saved_mappings(db: &Db) -> CoreResult<Vec<ImportMapping>> {
    Ok(read_preference(db, SITE, MAPPINGS_KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportMappingsRequest {}

pub async fn mappings(
    db: &Db,
    actor: &Actor,
    _req: ImportMappingsRequest,
) -> CoreResult<Vec<ImportMapping>> {
    actor.require(Permission::DataImport)?;
    saved_mappings(db).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportMappingSaveRequest {
    pub mapping: ImportMapping,
}

/// Keeps a mapping for next time (one per source: saving again replaces it).
pub async fn mapping_save(
    db: &Db,
    actor: &Actor,
    req: ImportMappingSaveRequest,
) -> CoreResult<Vec<ImportMapping>> {
    actor.require(Permission::DataImport)?;
    if req.mapping.source.trim().is_empty() {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "mapping.source".into(),
            rule: FieldRule::Required,
        }]));
    }
    let mut all = saved_mappings(db).await?;
    all.retain(|m| m.source != req.mapping.source);
    all.insert(0, req.mapping);
    let value = serde_json::to_value(&all).map_err(|e| CoreError::Internal(e.to_string()))?;
    write_preference(db, SITE, MAPPINGS_KEY, &value).await?;
    Ok(all)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportBatchesRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS, sqlx::FromRow)]
pub struct ImportBatchView {
    pub id: String,
    pub source: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub rows: i64,
    pub started_at: String,
    pub started_by: String,
    /// `running` (or interrupted: no process finished it), `done`, `cancelled`.
    pub status: String,
    pub finished_at: Option<String>,
    /// Cases of this batch in the ledger now (for an interrupted batch: its committed rows).
    #[ts(type = "number")]
    pub cases: i64,
    #[ts(type = "number")]
    pub duplicates: i64,
    #[ts(type = "number")]
    pub rejected: i64,
}

pub async fn batches(
    db: &Db,
    actor: &Actor,
    _req: ImportBatchesRequest,
) -> CoreResult<Vec<ImportBatchView>> {
    actor.require(Permission::DataImport)?;
    Ok(sqlx::query_as(
        "SELECT b.id, b.source, b.file_name, b.rows, b.started_at, \
         COALESCE(a.display_name, b.started_by) AS started_by, b.status, b.finished_at, \
         (SELECT COUNT(*) FROM case_imports i WHERE i.batch_id = b.id) AS cases, \
         b.duplicates, b.rejected FROM import_batches b LEFT JOIN accounts a ON a.id = b.started_by \
         ORDER BY b.started_at DESC LIMIT 200",
    )
    .fetch_all(db.pool())
    .await?)
}

pub async fn export_cases(db: &Db, actor: &Actor, req: ExportRequest) -> CoreResult<ExportResult> {
    let job = jobs::start(req.job_id.as_deref());
    export::export(db, actor, &req, &job.job).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct JobRequest {
    pub job_id: String,
}

/// How far a running job got; none when no job of that id runs (it finished or never began).
pub async fn job_status(
    _db: &Db,
    _actor: &Actor,
    req: JobRequest,
) -> CoreResult<Option<JobProgress>> {
    Ok(jobs::find(&req.job_id).map(|j| j.progress()))
}

/// Asks a running job to stop at its next safe point; whether it was running.
pub async fn job_cancel(_db: &Db, _actor: &Actor, req: JobRequest) -> CoreResult<bool> {
    Ok(jobs::find(&req.job_id).map(|j| j.cancel()).is_some())
}

/// The preferences a person may keep.
const PREFERENCE_KEYS: [&str; 2] = ["ledger.columns", "ledger.saved_filters"];

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PreferenceGetRequest {
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PreferenceSaveRequest {
    pub key: String,
    pub value: serde_json::Value,
}

fn check_key(key: &str) -> CoreResult<()> {
    if PREFERENCE_KEYS.contains(&key) {
        Ok(())
    } else {
        Err(CoreError::Validation(vec![FieldProblem {
            field: "key".into(),
            rule: FieldRule::UnknownValue { value: key.to_owned() },
        }]))
    }
}

async fn read_preference(
    db: &Db,
    account: &str,
    key: &str,
) -> CoreResult<Option<serde_json::Value>> {
    let text: Option<String> =
        sqlx::query_scalar("SELECT value FROM preferences WHERE account_id = ? AND key = ?")
            .bind(account)
            .bind(key)
            .fetch_optional(db.pool())
            .await?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

async fn write_preference(
    db: &Db,
    account: &str,
    key: &str,
    value: &serde_json::Value,
) -> CoreResult<()> {
    let text = value.to_string();
    if text.len() > 256 * 1024 {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "value".into(),
            rule: FieldRule::TooLong { max: 256 * 1024 },
        }]));
    }
    sqlx::query(
        "INSERT INTO preferences (account_id, key, value, updated_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(account)
    .bind(key)
    .bind(text)
    .bind(time::to_db(db.now()))
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn preference_get(
    db: &Db,
    actor: &Actor,
    req: PreferenceGetRequest,
) -> CoreResult<Option<serde_json::Value>> {
    check_key(&req.key)?;
    read_preference(db, &actor.id, &req.key).await
}

pub async fn preference_save(
    db: &Db,
    actor: &Actor,
    req: PreferenceSaveRequest,
) -> CoreResult<Option<serde_json::Value>> {
    check_key(&req.key)?;
    write_preference(db, &actor.id, &req.key, &req.value).await?;
    Ok(Some(req.value))
}
