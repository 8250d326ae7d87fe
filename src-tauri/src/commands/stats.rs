//! Statistics, KPIs and reports (§五(二)–(三), §七(二)).

use redress_core::ops::stats::{self, StatsRequest, StatsResponse};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn stats_summary(
    state: State<'_, AppState>,
    request: StatsRequest,
) -> Result<StatsResponse, ApiError> {
    operation!(state, "stats.summary", stats::summary, request)
}
