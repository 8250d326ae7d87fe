//! Statistics, KPIs and reports (§五(二)–(三), §七(二)).

use redress_core::ops::documents::GeneratedPdf;
use redress_core::ops::hotspots::{self, HotspotsRequest, HotspotsResponse};
use redress_core::ops::kpi::{
    self, KpiRequest, KpiResponse, KpiTargetRow, KpiTargetSetRequest, KpiTargetsRequest,
    VolumeImportRequest, VolumeListRequest, VolumeRow, VolumeSaved, VolumeSetRequest,
};
use redress_core::ops::reports::{
    self, ReportDraftRequest, ReportRequest, ReportSaveRequest, ReportView, ReportsListRequest,
};
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

#[tauri::command]
pub async fn kpi_summary(
    state: State<'_, AppState>,
    request: KpiRequest,
) -> Result<KpiResponse, ApiError> {
    operation!(state, "kpi.summary", kpi::summary, request)
}

#[tauri::command]
pub async fn kpi_targets(
    state: State<'_, AppState>,
    request: KpiTargetsRequest,
) -> Result<Vec<KpiTargetRow>, ApiError> {
    operation!(state, "kpi.targets", kpi::targets, request)
}

#[tauri::command]
pub async fn kpi_target_set(
    state: State<'_, AppState>,
    request: KpiTargetSetRequest,
) -> Result<Vec<KpiTargetRow>, ApiError> {
    operation!(state, "kpi.target_set", kpi::target_set, request)
}

#[tauri::command]
pub async fn volume_list(
    state: State<'_, AppState>,
    request: VolumeListRequest,
) -> Result<Vec<VolumeRow>, ApiError> {
    operation!(state, "volume.list", kpi::volume_list, request)
}

#[tauri::command]
pub async fn volume_set(
    state: State<'_, AppState>,
    request: VolumeSetRequest,
) -> Result<VolumeSaved, ApiError> {
    operation!(state, "volume.set", kpi::volume_set, request)
}

#[tauri::command]
pub async fn volume_import(
    state: State<'_, AppState>,
    request: VolumeImportRequest,
) -> Result<VolumeSaved, ApiError> {
    operation!(state, "volume.import", kpi::volume_import, request)
}

#[tauri::command]
pub async fn stats_hotspots(
    state: State<'_, AppState>,
    request: HotspotsRequest,
) -> Result<HotspotsResponse, ApiError> {
    operation!(state, "stats.hotspots", hotspots::hotspots, request)
}

#[tauri::command]
pub async fn reports_list(
    state: State<'_, AppState>,
    request: ReportsListRequest,
) -> Result<Vec<ReportView>, ApiError> {
    operation!(state, "reports.list", reports::list, request)
}

#[tauri::command]
pub async fn reports_get(
    state: State<'_, AppState>,
    request: ReportRequest,
) -> Result<ReportView, ApiError> {
    operation!(state, "reports.get", reports::get, request)
}

#[tauri::command]
pub async fn reports_draft(
    state: State<'_, AppState>,
    request: ReportDraftRequest,
) -> Result<ReportView, ApiError> {
    operation!(state, "reports.draft", reports::draft, request)
}

#[tauri::command]
pub async fn reports_save(
    state: State<'_, AppState>,
    request: ReportSaveRequest,
) -> Result<ReportView, ApiError> {
    operation!(state, "reports.save", reports::save, request)
}

#[tauri::command]
pub async fn reports_pdf(
    state: State<'_, AppState>,
    request: ReportRequest,
) -> Result<GeneratedPdf, ApiError> {
    operation!(state, "reports.pdf", reports::pdf, request)
}

#[tauri::command]
pub async fn reports_issue(
    state: State<'_, AppState>,
    request: ReportRequest,
) -> Result<ReportView, ApiError> {
    operation!(state, "reports.issue", reports::issue, request)
}
