//! Handing cases between sites: the owner asks, headquarters grants, declines or reassigns, and
//! the owning site reviews what was held.

use redress_core::ops::ownership::{self, *};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn sites_list(
    state: State<'_, AppState>,
    request: SitesRequest,
) -> Result<SitesView, ApiError> {
    operation!(state, "sites.list", ownership::sites, request)
}

#[tauri::command]
pub async fn ownership_review(
    state: State<'_, AppState>,
    request: SitesRequest,
) -> Result<OwnershipReview, ApiError> {
    operation!(state, "ownership.review", ownership::review_list, request)
}

#[tauri::command]
pub async fn cases_handover_request(
    state: State<'_, AppState>,
    request: HandoverRequest,
) -> Result<CaseOwnership, ApiError> {
    operation!(state, "cases.handover_request", ownership::request, request)
}

#[tauri::command]
pub async fn cases_handover_grant(
    state: State<'_, AppState>,
    request: HandoverDecision,
) -> Result<CaseOwnership, ApiError> {
    operation!(state, "cases.handover_grant", ownership::grant, request)
}

#[tauri::command]
pub async fn cases_handover_decline(
    state: State<'_, AppState>,
    request: HandoverDecision,
) -> Result<CaseOwnership, ApiError> {
    operation!(state, "cases.handover_decline", ownership::decline, request)
}

#[tauri::command]
pub async fn cases_reassign(
    state: State<'_, AppState>,
    request: HandoverRequest,
) -> Result<CaseOwnership, ApiError> {
    operation!(state, "cases.reassign", ownership::reassign, request)
}

#[tauri::command]
pub async fn cases_held_review(
    state: State<'_, AppState>,
    request: HeldReviewRequest,
) -> Result<CaseOwnership, ApiError> {
    operation!(state, "cases.held_review", ownership::review, request)
}
