//! Branch sync with the headquarters hub: status, configuration, sync now; sync bundles.

use redress_core::bundle::{BundleExportReport, BundleImportReport, BundleLogEntry};
use redress_core::ops::bundles::{
    self, BundleExportRequest, BundleHistoryRequest, BundleImportRequest,
};
use redress_core::ops::sync::{
    self, SyncConfigureRequest, SyncRunRequest, SyncRunResult, SyncStatusRequest, SyncView,
};
use redress_core::ApiError;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::{chosen, operation};
use crate::state::AppState;

#[tauri::command]
pub async fn sync_status(
    state: State<'_, AppState>,
    request: SyncStatusRequest,
) -> Result<SyncView, ApiError> {
    operation!(state, "sync.status", sync::status, request)
}

#[tauri::command]
pub async fn sync_configure(
    state: State<'_, AppState>,
    request: SyncConfigureRequest,
) -> Result<SyncView, ApiError> {
    operation!(state, "sync.configure", sync::configure, request)
}

#[tauri::command]
pub async fn sync_run(
    state: State<'_, AppState>,
    request: SyncRunRequest,
) -> Result<SyncRunResult, ApiError> {
    operation!(state, "sync.run", sync::run, request)
}

#[tauri::command]
pub async fn bundles_export(
    state: State<'_, AppState>,
    request: BundleExportRequest,
) -> Result<BundleExportReport, ApiError> {
    operation!(state, "bundles.export", bundles::export, request)
}

#[tauri::command]
pub async fn bundles_import(
    state: State<'_, AppState>,
    request: BundleImportRequest,
) -> Result<BundleImportReport, ApiError> {
    operation!(state, "bundles.import", bundles::import, request)
}

#[tauri::command]
pub async fn bundles_history(
    state: State<'_, AppState>,
    request: BundleHistoryRequest,
) -> Result<Vec<BundleLogEntry>, ApiError> {
    operation!(state, "bundles.history", bundles::history, request)
}

const BUNDLE_FILTER: (&str, &[&str]) = ("Redress 同步包", &["redress-bundle"]);

/// The native "open file" dialog for a sync bundle to import; the chosen path, if any.
#[tauri::command]
pub async fn dialog_pick_bundle(app: AppHandle, title: String) -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_title(title).add_filter(BUNDLE_FILTER.0, BUNDLE_FILTER.1).pick_file(
        move |f| {
            let _ = tx.send(f);
        },
    );
    chosen(rx).await
}

/// The native "save as" dialog for a sync bundle; the chosen path, if any.
#[tauri::command]
pub async fn dialog_save_bundle(
    app: AppHandle,
    title: String,
    file_name: String,
) -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(BUNDLE_FILTER.0, BUNDLE_FILTER.1)
        .save_file(move |p| {
            let _ = tx.send(p);
        });
    chosen(rx).await
}
