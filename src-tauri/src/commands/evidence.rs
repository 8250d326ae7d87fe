//! Evidence: the operations, and the native dialogs that choose files to attach and a folder to
//! export to (opened here, so that only paths a person picked reach the core).

use redress_core::ops::evidence::{
    self, EvidenceAddRequest, EvidenceAttached, EvidenceExport, EvidenceExportRequest,
    EvidenceListRequest, EvidenceOpenRequest, EvidenceOpened, EvidenceReport,
    EvidenceVerifyRequest, EvidenceView,
};
use redress_core::ApiError;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn evidence_add(
    state: State<'_, AppState>,
    request: EvidenceAddRequest,
) -> Result<EvidenceAttached, ApiError> {
    operation!(state, "evidence.add", evidence::add, request)
}

#[tauri::command]
pub async fn evidence_list(
    state: State<'_, AppState>,
    request: EvidenceListRequest,
) -> Result<Vec<EvidenceView>, ApiError> {
    operation!(state, "evidence.list", evidence::list, request)
}

#[tauri::command]
pub async fn evidence_open(
    state: State<'_, AppState>,
    request: EvidenceOpenRequest,
) -> Result<EvidenceOpened, ApiError> {
    operation!(state, "evidence.open", evidence::open, request)
}

#[tauri::command]
pub async fn evidence_verify(
    state: State<'_, AppState>,
    request: EvidenceVerifyRequest,
) -> Result<EvidenceReport, ApiError> {
    operation!(state, "evidence.verify", evidence::verify, request)
}

#[tauri::command]
pub async fn evidence_export(
    state: State<'_, AppState>,
    request: EvidenceExportRequest,
) -> Result<EvidenceExport, ApiError> {
    operation!(state, "evidence.export", evidence::export, request)
}

/// The native "open files" dialog, several at once; the chosen paths (none if cancelled).
#[tauri::command]
pub async fn dialog_pick_files(app: AppHandle, title: String) -> Vec<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_title(title).pick_files(move |files| {
        let _ = tx.send(files);
    });
    rx.await
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|f| f.into_path().ok())
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// The native "choose folder" dialog; the chosen folder, if any.
#[tauri::command]
pub async fn dialog_pick_folder(app: AppHandle, title: String) -> Option<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_title(title).pick_folder(move |folder| {
        let _ = tx.send(folder);
    });
    rx.await
        .ok()
        .flatten()
        .and_then(|f| f.into_path().ok())
        .map(|p| p.to_string_lossy().into_owned())
}
