use redress_core::ops::accounts::{
    self, AccountCreateRequest, AccountUpdateRequest, AccountView, AccountsListRequest,
    PasswordResetRequest,
};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn accounts_list(
    state: State<'_, AppState>,
    request: AccountsListRequest,
) -> Result<Vec<AccountView>, ApiError> {
    operation!(state, "accounts.list", accounts::list, request)
}

#[tauri::command]
pub async fn accounts_create(
    state: State<'_, AppState>,
    request: AccountCreateRequest,
) -> Result<AccountView, ApiError> {
    operation!(state, "accounts.create", accounts::create, request)
}

#[tauri::command]
pub async fn accounts_update(
    state: State<'_, AppState>,
    request: AccountUpdateRequest,
) -> Result<AccountView, ApiError> {
    operation!(state, "accounts.update", accounts::update, request)
}

#[tauri::command]
pub async fn accounts_reset_password(
    state: State<'_, AppState>,
    request: PasswordResetRequest,
) -> Result<AccountView, ApiError> {
    operation!(state, "accounts.reset_password", accounts::reset_password, request)
}
