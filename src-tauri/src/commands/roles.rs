use redress_core::ops::roles::{self, RoleUpdateRequest, RoleView, RolesListRequest};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn roles_list(
    state: State<'_, AppState>,
    request: RolesListRequest,
) -> Result<Vec<RoleView>, ApiError> {
    operation!(state, "roles.list", roles::list, request)
}

#[tauri::command]
pub async fn roles_update(
    state: State<'_, AppState>,
    request: RoleUpdateRequest,
) -> Result<RoleView, ApiError> {
    operation!(state, "roles.update", roles::update, request)
}
