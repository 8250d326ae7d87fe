use redress_core::ops::demo::{self, DemoRequest, DemoResponse};
use redress_core::ApiError;
use tauri::State;

use crate::state::AppState;

#[tauri::command]
pub async fn demo_generate(
    state: State<'_, AppState>,
    request: DemoRequest,
) -> Result<DemoResponse, ApiError> {
    state.call(|db, actor| async move { demo::generate(&db, &actor, request).await }).await
}
