use redress_core::ops::org::{
    self, HandlerView, HandlersListRequest, OrgCreateRequest, OrgListRequest, OrgUnitView,
    OrgUpdateRequest,
};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn org_list(
    state: State<'_, AppState>,
    request: OrgListRequest,
) -> Result<Vec<OrgUnitView>, ApiError> {
    operation!(state, "org.list", org::list, request)
}

#[tauri::command]
pub async fn org_create(
    state: State<'_, AppState>,
    request: OrgCreateRequest,
) -> Result<OrgUnitView, ApiError> {
    operation!(state, "org.create", org::create, request)
}

#[tauri::command]
pub async fn org_update(
    state: State<'_, AppState>,
    request: OrgUpdateRequest,
) -> Result<OrgUnitView, ApiError> {
    operation!(state, "org.update", org::update, request)
}

#[tauri::command]
pub async fn org_handlers(
    state: State<'_, AppState>,
    request: HandlersListRequest,
) -> Result<Vec<HandlerView>, ApiError> {
    operation!(state, "org.handlers", org::handlers, request)
}
