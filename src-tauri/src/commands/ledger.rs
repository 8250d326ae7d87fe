//! The ledger's files: export, the import wizard's steps, progress and cancel of both, a
//! person's ledger preferences; and the native dialogs that pick the files.

use redress_core::export::{ExportRequest, ExportResult};
use redress_core::import::{ImportMapping, ImportReport};
use redress_core::jobs::JobProgress;
use redress_core::ops::imports::{
    self, ImportBatchView, ImportBatchesRequest, ImportInspectRequest, ImportInspection,
    ImportMappingSaveRequest, ImportMappingsRequest, ImportPreview, ImportPreviewRequest,
    ImportRunRequest, JobRequest, PreferenceGetRequest, PreferenceSaveRequest,
};
use redress_core::ApiError;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn cases_export(
    state: State<'_, AppState>,
    request: ExportRequest,
) -> Result<ExportResult, ApiError> {
    operation!(state, "cases.export", imports::export_cases, request)
}

#[tauri::command]
pub async fn imports_inspect(
    state: State<'_, AppState>,
    request: ImportInspectRequest,
) -> Result<ImportInspection, ApiError> {
    operation!(state, "imports.inspect", imports::inspect, request)
}

#[tauri::command]
pub async fn imports_preview(
    state: State<'_, AppState>,
    request: ImportPreviewRequest,
) -> Result<ImportPreview, ApiError> {
    operation!(state, "imports.preview", imports::preview, request)
}

#[tauri::command]
pub async fn imports_run(
    state: State<'_, AppState>,
    request: ImportRunRequest,
) -> Result<ImportReport, ApiError> {
    operation!(state, "imports.run", imports::run, request)
}

#[tauri::command]
pub async fn imports_mappings(
    state: State<'_, AppState>,
    request: ImportMappingsRequest,
) -> Result<Vec<ImportMapping>, ApiError> {
    operation!(state, "imports.mappings", imports::mappings, request)
}

#[tauri::command]
pub async fn imports_mapping_save(
    state: State<'_, AppState>,
    request: ImportMappingSaveRequest,
) -> Result<Vec<ImportMapping>, ApiError> {
    operation!(state, "imports.mapping_save", imports::mapping_save, request)
}

#[tauri::command]
pub async fn imports_batches(
    state: State<'_, AppState>,
    request: ImportBatchesRequest,
) -> Result<Vec<ImportBatchView>, ApiError> {
    operation!(state, "imports.batches", imports::batches, request)
}

#[tauri::command]
pub async fn jobs_status(
    state: State<'_, AppState>,
    request: JobRequest,
) -> Result<Option<JobProgress>, ApiError> {
    operation!(state, "jobs.status", imports::job_status, request)
}

#[tauri::command]
pub async fn jobs_cancel(
    state: State<'_, AppState>,
    request: JobRequest,
) -> Result<bool, ApiError> {
    operation!(state, "jobs.cancel", imports::job_cancel, request)
}

#[tauri::command]
pub async fn preferences_get(
    state: State<'_, AppState>,
    request: PreferenceGetRequest,
) -> Result<Option<serde_json::Value>, ApiError> {
    operation!(state, "preferences.get", imports::preference_get, request)
}

#[tauri::command]
pub async fn preferences_save(
    state: State<'_, AppState>,
    request: PreferenceSaveRequest,
) -> Result<Option<serde_json::Value>, ApiError> {
    operation!(state, "preferences.save", imports::preference_save, request)
}

/// The native "open file" dialog for a spreadsheet to import; the chosen path, if any.
#[tauri::command]
pub async fn dialog_pick_spreadsheet(app: AppHandle, title: String) -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter("Excel / CSV", &["xlsx", "xls", "csv"])
        .pick_file(move |file| {
            let _ = tx.send(file);
        });
    super::chosen(rx).await
}

/// The native "save as" dialog for an export (.xlsx, .csv or .json); the chosen path, if any.
#[tauri::command]
pub async fn dialog_save_spreadsheet(
    app: AppHandle,
    title: String,
    file_name: String,
) -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let lower = file_name.to_lowercase();
    let dialog = app.dialog().file().set_title(title).set_file_name(file_name);
    // The file's kind by its suggested name: a ledger as CSV or Excel, a consumer's data
    // (exported on their request) as JSON.
    let dialog = if lower.ends_with(".csv") {
        dialog.add_filter("CSV (UTF-8)", &["csv"])
    } else if lower.ends_with(".json") {
        dialog.add_filter("JSON", &["json"])
    } else {
        dialog.add_filter("Excel", &["xlsx"])
    };
    dialog.save_file(move |path| {
        let _ = tx.send(path);
    });
    super::chosen(rx).await
}

/// Writes text (an import's error report, CSV) to a file the person picks, with a UTF-8
/// byte-order mark so that Excel and WPS read Chinese; where it was written, if anywhere.
#[tauri::command]
pub async fn text_save(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    file_name: String,
    text: String,
) -> Result<Option<String>, ApiError> {
    let Some(path) = dialog_save_spreadsheet(app, title, file_name).await else {
        return Ok(None);
    };
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(&path, bytes)
        .map_err(|e| redress_core::CoreError::Io(e).to_api(state.lang()))?;
    Ok(Some(path))
}
