//! Intake set-up: the channel and category lists and the holiday calendar.

use redress_core::codes::CodeEntry;
use redress_core::ops::calendar::{
    self, CalendarChange, CalendarImportRequest, CalendarListRequest, CalendarSetRequest,
    CalendarYear,
};
use redress_core::ops::codes::{self, CodeEntrySaveRequest, CodeLists, CodesListRequest};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn codes_list(
    state: State<'_, AppState>,
    request: CodesListRequest,
) -> Result<CodeLists, ApiError> {
    operation!(state, "codes.list", codes::list, request)
}

#[tauri::command]
pub async fn codes_save(
    state: State<'_, AppState>,
    request: CodeEntrySaveRequest,
) -> Result<CodeEntry, ApiError> {
    operation!(state, "codes.save", codes::save, request)
}

#[tauri::command]
pub async fn calendar_list(
    state: State<'_, AppState>,
    request: CalendarListRequest,
) -> Result<CalendarYear, ApiError> {
    operation!(state, "calendar.list", calendar::list, request)
}

#[tauri::command]
pub async fn calendar_set(
    state: State<'_, AppState>,
    request: CalendarSetRequest,
) -> Result<CalendarChange, ApiError> {
    operation!(state, "calendar.set", calendar::set, request)
}

#[tauri::command]
pub async fn calendar_import(
    state: State<'_, AppState>,
    request: CalendarImportRequest,
) -> Result<CalendarChange, ApiError> {
    operation!(state, "calendar.import", calendar::import, request)
}
