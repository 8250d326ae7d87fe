//! Branch sync with the headquarters hub: status, configuration, sync now.

use redress_core::ops::sync::{
    self, SyncConfigureRequest, SyncRunRequest, SyncRunResult, SyncStatusRequest, SyncView,
};
use redress_core::ApiError;
use tauri::State;

use super::operation;
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
