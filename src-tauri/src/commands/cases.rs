use redress_core::ops::cases::{
    self, CaseDetail, CaseGetRequest, CasesListRequest, CasesListResponse,
};
use redress_core::ApiError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn cases_list(
    state: State<'_, AppState>,
    request: CasesListRequest,
) -> Result<CasesListResponse, ApiError> {
    state.call(|db, actor| async move { cases::list(&db, &actor, request).await }).await
}

#[tauri::command]
pub async fn cases_get(
    state: State<'_, AppState>,
    request: CaseGetRequest,
) -> Result<CaseDetail, ApiError> {
    state.call(|db, actor| async move { cases::get(&db, &actor, request).await }).await
}
