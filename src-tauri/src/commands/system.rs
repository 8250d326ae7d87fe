use redress_core::ops::system::{self, SystemInfo, SystemInfoRequest};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn system_info(
    state: State<'_, AppState>,
    request: SystemInfoRequest,
) -> Result<SystemInfo, ApiError> {
    operation!(state, "system.info", system::info, request)
}
