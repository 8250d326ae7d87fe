//! Emergency handling (§六): early-warning alerts, contingency plans, drills and incidents.

use redress_core::ops::alerts::{self, AlertsRequest, AlertsResponse};
use redress_core::ops::documents::GeneratedPdf;
use redress_core::ops::emergency::{
    self, ContingencyApproveRequest, ContingencyListRequest, ContingencyRequest,
    ContingencySaveRequest, ContingencySummary, ContingencyView, DrillRecordRequest, DrillView,
    DrillsListRequest, IncidentActivateRequest, IncidentAssessRequest, IncidentDeclareRequest,
    IncidentLinkRequest, IncidentMeasureRequest, IncidentReplyRequest, IncidentReportRequest,
    IncidentRequest, IncidentReviewRequest, IncidentStepRequest, IncidentSummary, IncidentView,
    IncidentsListRequest,
};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn alerts_list(
    state: State<'_, AppState>,
    request: AlertsRequest,
) -> Result<AlertsResponse, ApiError> {
    operation!(state, "alerts.list", alerts::list, request)
}

#[tauri::command]
pub async fn contingency_list(
    state: State<'_, AppState>,
    request: ContingencyListRequest,
) -> Result<Vec<ContingencySummary>, ApiError> {
    operation!(state, "contingency.list", emergency::plans_list, request)
}

#[tauri::command]
pub async fn contingency_get(
    state: State<'_, AppState>,
    request: ContingencyRequest,
) -> Result<ContingencyView, ApiError> {
    operation!(state, "contingency.get", emergency::plans_get, request)
}

#[tauri::command]
pub async fn contingency_save(
    state: State<'_, AppState>,
    request: ContingencySaveRequest,
) -> Result<ContingencyView, ApiError> {
    operation!(state, "contingency.save", emergency::plans_save, request)
}

#[tauri::command]
pub async fn contingency_approve(
    state: State<'_, AppState>,
    request: ContingencyApproveRequest,
) -> Result<ContingencyView, ApiError> {
    operation!(state, "contingency.approve", emergency::plans_approve, request)
}

#[tauri::command]
pub async fn contingency_pdf(
    state: State<'_, AppState>,
    request: ContingencyRequest,
) -> Result<GeneratedPdf, ApiError> {
    operation!(state, "contingency.pdf", emergency::plans_pdf, request)
}

#[tauri::command]
pub async fn drills_list(
    state: State<'_, AppState>,
    request: DrillsListRequest,
) -> Result<Vec<DrillView>, ApiError> {
    operation!(state, "drills.list", emergency::drills_list, request)
}

#[tauri::command]
pub async fn drills_record(
    state: State<'_, AppState>,
    request: DrillRecordRequest,
) -> Result<DrillView, ApiError> {
    operation!(state, "drills.record", emergency::drills_record, request)
}

#[tauri::command]
pub async fn incidents_list(
    state: State<'_, AppState>,
    request: IncidentsListRequest,
) -> Result<Vec<IncidentSummary>, ApiError> {
    operation!(state, "incidents.list", emergency::incidents_list, request)
}

#[tauri::command]
pub async fn incidents_get(
    state: State<'_, AppState>,
    request: IncidentRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.get", emergency::incidents_get, request)
}

#[tauri::command]
pub async fn incidents_declare(
    state: State<'_, AppState>,
    request: IncidentDeclareRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.declare", emergency::incidents_declare, request)
}

#[tauri::command]
pub async fn incidents_link(
    state: State<'_, AppState>,
    request: IncidentLinkRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.link", emergency::incidents_link, request)
}

#[tauri::command]
pub async fn incidents_activate(
    state: State<'_, AppState>,
    request: IncidentActivateRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.activate", emergency::incidents_activate, request)
}

#[tauri::command]
pub async fn incidents_step(
    state: State<'_, AppState>,
    request: IncidentStepRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.step", emergency::incidents_step, request)
}

#[tauri::command]
pub async fn incidents_report(
    state: State<'_, AppState>,
    request: IncidentReportRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.report", emergency::incidents_report, request)
}

#[tauri::command]
pub async fn incidents_reply(
    state: State<'_, AppState>,
    request: IncidentReplyRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.reply", emergency::incidents_reply, request)
}

#[tauri::command]
pub async fn incidents_measure(
    state: State<'_, AppState>,
    request: IncidentMeasureRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.measure", emergency::incidents_measure, request)
}

#[tauri::command]
pub async fn incidents_assess(
    state: State<'_, AppState>,
    request: IncidentAssessRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.assess", emergency::incidents_assess, request)
}

#[tauri::command]
pub async fn incidents_review(
    state: State<'_, AppState>,
    request: IncidentReviewRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.review", emergency::incidents_review, request)
}

#[tauri::command]
pub async fn incidents_close(
    state: State<'_, AppState>,
    request: IncidentRequest,
) -> Result<IncidentView, ApiError> {
    operation!(state, "incidents.close", emergency::incidents_close, request)
}

#[tauri::command]
pub async fn incidents_pdf(
    state: State<'_, AppState>,
    request: IncidentRequest,
) -> Result<GeneratedPdf, ApiError> {
    operation!(state, "incidents.pdf", emergency::incidents_pdf, request)
}
