use redress_core::ops::cases::{
    self, CaseDetail, CaseGetRequest, CasesListRequest, CasesListResponse, ClockPauseRequest,
    ClockResumeRequest, ClockState, RelatedCases, RelatedCasesRequest,
};
use redress_core::ops::intake::{self, IntakeRequest, IntakeResponse};
use redress_core::ops::links::{
    self, AcknowledgeResult, CaseAcknowledgeRequest, CaseLinkRequest, CaseLinkResult,
    CaseMergeRequest, CaseMergeResult,
};
use redress_core::ops::search::{self, SearchRequest, SearchResponse};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn cases_list(
    state: State<'_, AppState>,
    request: CasesListRequest,
) -> Result<CasesListResponse, ApiError> {
    operation!(state, "cases.list", cases::list, request)
}

#[tauri::command]
pub async fn cases_search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> Result<SearchResponse, ApiError> {
    operation!(state, "cases.search", search::search, request)
}

#[tauri::command]
pub async fn cases_get(
    state: State<'_, AppState>,
    request: CaseGetRequest,
) -> Result<CaseDetail, ApiError> {
    operation!(state, "cases.get", cases::get, request)
}

#[tauri::command]
pub async fn cases_create(
    state: State<'_, AppState>,
    request: IntakeRequest,
) -> Result<IntakeResponse, ApiError> {
    operation!(state, "cases.create", intake::create, request)
}

#[tauri::command]
pub async fn cases_related(
    state: State<'_, AppState>,
    request: RelatedCasesRequest,
) -> Result<RelatedCases, ApiError> {
    operation!(state, "cases.related", cases::related, request)
}

#[tauri::command]
pub async fn cases_pause(
    state: State<'_, AppState>,
    request: ClockPauseRequest,
) -> Result<ClockState, ApiError> {
    operation!(state, "cases.pause", cases::pause, request)
}

#[tauri::command]
pub async fn cases_resume(
    state: State<'_, AppState>,
    request: ClockResumeRequest,
) -> Result<ClockState, ApiError> {
    operation!(state, "cases.resume", cases::resume, request)
}

#[tauri::command]
pub async fn cases_acknowledge(
    state: State<'_, AppState>,
    request: CaseAcknowledgeRequest,
) -> Result<AcknowledgeResult, ApiError> {
    operation!(state, "cases.acknowledge", links::acknowledge, request)
}

#[tauri::command]
pub async fn cases_link(
    state: State<'_, AppState>,
    request: CaseLinkRequest,
) -> Result<CaseLinkResult, ApiError> {
    operation!(state, "cases.link", links::link, request)
}

#[tauri::command]
pub async fn cases_unlink(
    state: State<'_, AppState>,
    request: CaseLinkRequest,
) -> Result<CaseLinkResult, ApiError> {
    operation!(state, "cases.unlink", links::unlink, request)
}

#[tauri::command]
pub async fn cases_merge(
    state: State<'_, AppState>,
    request: CaseMergeRequest,
) -> Result<CaseMergeResult, ApiError> {
    operation!(state, "cases.merge", links::merge, request)
}

#[tauri::command]
pub async fn consumers_get(
    state: State<'_, AppState>,
    request: redress_core::ops::consumers::ConsumerRequest,
) -> Result<redress_core::ops::consumers::ConsumerView, ApiError> {
    operation!(state, "consumers.get", redress_core::ops::consumers::get, request)
}

#[tauri::command]
pub async fn consumers_update(
    state: State<'_, AppState>,
    request: redress_core::ops::consumers::ConsumerUpdateRequest,
) -> Result<redress_core::ops::consumers::ConsumerView, ApiError> {
    operation!(state, "consumers.update", redress_core::ops::consumers::update, request)
}

#[tauri::command]
pub async fn consumers_merge(
    state: State<'_, AppState>,
    request: redress_core::ops::consumers::ConsumerMergeRequest,
) -> Result<redress_core::ops::consumers::ConsumerView, ApiError> {
    operation!(state, "consumers.merge", redress_core::ops::consumers::merge, request)
}
