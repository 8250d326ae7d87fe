//! Handling a dispute: the workflow, team, investigation, plans, negotiation, execution,
//! feedback; and each person's work list.

use redress_core::ops::handling::{self, *};
use redress_core::ops::work::{self, HandlingRequest, HandlingView, WorkList, WorkListRequest};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn cases_handling(
    state: State<'_, AppState>,
    request: HandlingRequest,
) -> Result<HandlingView, ApiError> {
    operation!(state, "cases.handling", work::handling, request)
}

#[tauri::command]
pub async fn cases_advance(
    state: State<'_, AppState>,
    request: AdvanceRequest,
) -> Result<Moved, ApiError> {
    operation!(state, "cases.advance", handling::advance, request)
}

#[tauri::command]
pub async fn cases_assign(
    state: State<'_, AppState>,
    request: AssignRequest,
) -> Result<Moved, ApiError> {
    operation!(state, "cases.assign", handling::assign, request)
}

#[tauri::command]
pub async fn cases_team_set(
    state: State<'_, AppState>,
    request: TeamSetRequest,
) -> Result<Moved, ApiError> {
    operation!(state, "cases.team_set", handling::team_set, request)
}

#[tauri::command]
pub async fn cases_investigate(
    state: State<'_, AppState>,
    request: InvestigateRequest,
) -> Result<Created, ApiError> {
    operation!(state, "cases.investigate", handling::investigate, request)
}

#[tauri::command]
pub async fn plans_draft(
    state: State<'_, AppState>,
    request: PlanDraftRequest,
) -> Result<PlanDrafted, ApiError> {
    operation!(state, "plans.draft", handling::draft, request)
}

#[tauri::command]
pub async fn plans_decide(
    state: State<'_, AppState>,
    request: PlanDecideRequest,
) -> Result<PlanDrafted, ApiError> {
    operation!(state, "plans.decide", handling::decide, request)
}

#[tauri::command]
pub async fn plans_offer(
    state: State<'_, AppState>,
    request: PlanOfferRequest,
) -> Result<Moved, ApiError> {
    operation!(state, "plans.offer", handling::offer, request)
}

#[tauri::command]
pub async fn cases_negotiate(
    state: State<'_, AppState>,
    request: NegotiateRequest,
) -> Result<Moved, ApiError> {
    operation!(state, "cases.negotiate", handling::negotiate, request)
}

#[tauri::command]
pub async fn steps_complete(
    state: State<'_, AppState>,
    request: StepCompleteRequest,
) -> Result<Created, ApiError> {
    operation!(state, "steps.complete", handling::complete, request)
}

#[tauri::command]
pub async fn steps_delay(
    state: State<'_, AppState>,
    request: StepDelayRequest,
) -> Result<Created, ApiError> {
    operation!(state, "steps.delay", handling::delay, request)
}

#[tauri::command]
pub async fn cases_feedback(
    state: State<'_, AppState>,
    request: FeedbackRequest,
) -> Result<Moved, ApiError> {
    operation!(state, "cases.feedback", handling::feedback, request)
}

#[tauri::command]
pub async fn cases_close(
    state: State<'_, AppState>,
    request: CloseRequest,
) -> Result<Moved, ApiError> {
    operation!(state, "cases.close", handling::close, request)
}

#[tauri::command]
pub async fn work_list(
    state: State<'_, AppState>,
    request: WorkListRequest,
) -> Result<WorkList, ApiError> {
    operation!(state, "work.list", work::list, request)
}
