//! Backups and restore (docs/BACKUP.md): settings, one now, the list, a check, the databases a
//! restore set aside; and the restore itself, which replaces the open database and so is the
//! shell's work.

use redress_core::backup::{BackupChecked, BackupMade, Restored};
use redress_core::ops::backup::{
    self, BackupConfigureRequest, BackupCreateRequest, BackupDiscardRequest, BackupRestoreRequest,
    BackupStatusRequest, BackupVerifyRequest, BackupView,
};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn backup_status(
    state: State<'_, AppState>,
    request: BackupStatusRequest,
) -> Result<BackupView, ApiError> {
    operation!(state, "backup.status", backup::status, request)
}

#[tauri::command]
pub async fn backup_configure(
    state: State<'_, AppState>,
    request: BackupConfigureRequest,
) -> Result<BackupView, ApiError> {
    operation!(state, "backup.configure", backup::configure, request)
}

#[tauri::command]
pub async fn backup_create(
    state: State<'_, AppState>,
    request: BackupCreateRequest,
) -> Result<BackupMade, ApiError> {
    operation!(state, "backup.create", backup::create, request)
}

#[tauri::command]
pub async fn backup_verify(
    state: State<'_, AppState>,
    request: BackupVerifyRequest,
) -> Result<BackupChecked, ApiError> {
    operation!(state, "backup.verify", backup::verify, request)
}

#[tauri::command]
pub async fn backup_discard_replaced(
    state: State<'_, AppState>,
    request: BackupDiscardRequest,
) -> Result<BackupView, ApiError> {
    operation!(state, "backup.discard_replaced", backup::discard_replaced, request)
}

/// Replaces the open database with a backup's, after checking the backup; everyone is signed
/// out (the accounts are the backup's now).
#[tauri::command]
pub async fn backup_restore(
    state: State<'_, AppState>,
    request: BackupRestoreRequest,
) -> Result<Restored, ApiError> {
    state.restore(std::path::Path::new(&request.path)).await
}
