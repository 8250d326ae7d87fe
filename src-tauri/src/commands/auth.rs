//! Signing in and out, the first administrator, the idle lock: the session lives in the shell.

use redress_core::ops::auth::{
    self, AuthStatus, PasswordChangeRequest, PasswordChanged, SessionView, SetupRequest,
    SignInRequest, UnlockRequest,
};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn auth_status(state: State<'_, AppState>) -> Result<AuthStatus, ApiError> {
    state.status().await
}

/// Creates the first administrator and signs them in.
#[tauri::command]
pub async fn auth_setup(
    state: State<'_, AppState>,
    request: SetupRequest,
) -> Result<SessionView, ApiError> {
    let db = state.db()?;
    let username = request.username.clone();
    let password = request.password.clone();
    auth::setup_first_administrator(&db, request).await.map_err(|e| state.api_error(e))?;
    state.sign_in(&username, &password).await
}

#[tauri::command]
pub async fn auth_sign_in(
    state: State<'_, AppState>,
    request: SignInRequest,
) -> Result<SessionView, ApiError> {
    state.sign_in(&request.username, &request.password).await
}

#[tauri::command]
pub fn auth_sign_out(state: State<'_, AppState>) {
    state.sign_out();
}

#[tauri::command]
pub async fn auth_unlock(
    state: State<'_, AppState>,
    request: UnlockRequest,
) -> Result<SessionView, ApiError> {
    state.unlock(&request.password).await
}

#[tauri::command]
pub async fn auth_touch(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.touch().await
}

#[tauri::command]
pub async fn auth_change_password(
    state: State<'_, AppState>,
    request: PasswordChangeRequest,
) -> Result<PasswordChanged, ApiError> {
    operation!(state, "auth.change_password", auth::change_password, request)
}
