use redress_core::ops::settings::{self, Settings, SettingsGetRequest};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn settings_get(
    state: State<'_, AppState>,
    request: SettingsGetRequest,
) -> Result<Settings, ApiError> {
    operation!(state, "settings.get", settings::get, request)
}

#[tauri::command]
pub async fn settings_update(
    state: State<'_, AppState>,
    request: Settings,
) -> Result<Settings, ApiError> {
    operation!(state, "settings.update", settings::update, request)
}
