use redress_core::ops::demo::{self, DemoRequest, DemoResponse};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn demo_generate(
    state: State<'_, AppState>,
    request: DemoRequest,
) -> Result<DemoResponse, ApiError> {
    operation!(state, "demo.generate", demo::generate, request)
}
