//! Supervision and assessment (§七) and consumers' personal data (PIPL): compliance checks,
//! scorecards, inspections, rewards and penalties, retention, legal holds, anonymisation; and
//! prevention (§二): training, the risk-point register, operating standards and satisfaction
//! surveys.

use redress_core::ops::compliance::{self, ComplianceRequest, ComplianceResponse};
use redress_core::ops::prevention::{
    self, RiskPointView, RiskRecordRequest, RiskReviewRequest, RisksListRequest, TrainingCoverage,
    TrainingCoverageRequest, TrainingRecordRequest, TrainingView, TrainingsListRequest,
};
use redress_core::ops::privacy::{
    self, AnonymisedConsumer, ConsumerAnonymiseRequest, ConsumerExportRequest,
    ConsumerExportResult, LegalHoldRequest, LegalHoldState, PrivacyLogRequest, PrivacyLogRow,
    PrivacySettings, PrivacySettingsRequest, RetentionReport, RetentionRunRequest, RetentionRunRow,
    RetentionRunsRequest,
};
use redress_core::ops::scorecard::{
    self, ScorecardExportRequest, ScorecardExported, ScorecardRequest, ScorecardResponse,
};
use redress_core::ops::standards::{
    self, StandardApproveRequest, StandardInForce, StandardRequest, StandardSaveRequest,
    StandardSummary, StandardView, StandardsListRequest, StandardsLookupRequest,
};
use redress_core::ops::supervision::{
    self, InspectionCheckRequest, InspectionFindingsRequest, InspectionOpenRequest,
    InspectionRequest, InspectionSummary, InspectionView, InspectionsListRequest,
    RectificationAddRequest, RectificationDoneRequest, SanctionDecideRequest,
    SanctionProposeRequest, SanctionView, SanctionsListRequest,
};
use redress_core::ops::surveys::{
    self, SurveyBatchView, SurveyBatchesRequest, SurveyImportReport, SurveyImportRequest,
    SurveySummary, SurveySummaryRequest, SurveyWithdrawRequest,
};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn compliance_list(
    state: State<'_, AppState>,
    request: ComplianceRequest,
) -> Result<ComplianceResponse, ApiError> {
    operation!(state, "compliance.list", compliance::list, request)
}

#[tauri::command]
pub async fn scorecard_get(
    state: State<'_, AppState>,
    request: ScorecardRequest,
) -> Result<ScorecardResponse, ApiError> {
    operation!(state, "scorecard.get", scorecard::get, request)
}

#[tauri::command]
pub async fn scorecard_export(
    state: State<'_, AppState>,
    request: ScorecardExportRequest,
) -> Result<ScorecardExported, ApiError> {
    operation!(state, "scorecard.export", scorecard::export, request)
}

#[tauri::command]
pub async fn inspections_list(
    state: State<'_, AppState>,
    request: InspectionsListRequest,
) -> Result<Vec<InspectionSummary>, ApiError> {
    operation!(state, "inspections.list", supervision::list, request)
}

#[tauri::command]
pub async fn inspections_get(
    state: State<'_, AppState>,
    request: InspectionRequest,
) -> Result<InspectionView, ApiError> {
    operation!(state, "inspections.get", supervision::get, request)
}

#[tauri::command]
pub async fn inspections_open(
    state: State<'_, AppState>,
    request: InspectionOpenRequest,
) -> Result<InspectionView, ApiError> {
    operation!(state, "inspections.open", supervision::open, request)
}

#[tauri::command]
pub async fn inspections_check(
    state: State<'_, AppState>,
    request: InspectionCheckRequest,
) -> Result<InspectionView, ApiError> {
    operation!(state, "inspections.check", supervision::check, request)
}

#[tauri::command]
pub async fn inspections_findings(
    state: State<'_, AppState>,
    request: InspectionFindingsRequest,
) -> Result<InspectionView, ApiError> {
    operation!(state, "inspections.findings", supervision::findings, request)
}

#[tauri::command]
pub async fn inspections_rectify(
    state: State<'_, AppState>,
    request: RectificationAddRequest,
) -> Result<InspectionView, ApiError> {
    operation!(state, "inspections.rectify", supervision::rectify, request)
}

#[tauri::command]
pub async fn inspections_rectified(
    state: State<'_, AppState>,
    request: RectificationDoneRequest,
) -> Result<InspectionView, ApiError> {
    operation!(state, "inspections.rectified", supervision::rectified, request)
}

#[tauri::command]
pub async fn inspections_close(
    state: State<'_, AppState>,
    request: InspectionRequest,
) -> Result<InspectionView, ApiError> {
    operation!(state, "inspections.close", supervision::close, request)
}

#[tauri::command]
pub async fn sanctions_list(
    state: State<'_, AppState>,
    request: SanctionsListRequest,
) -> Result<Vec<SanctionView>, ApiError> {
    operation!(state, "sanctions.list", supervision::sanctions, request)
}

#[tauri::command]
pub async fn sanctions_propose(
    state: State<'_, AppState>,
    request: SanctionProposeRequest,
) -> Result<SanctionView, ApiError> {
    operation!(state, "sanctions.propose", supervision::propose, request)
}

#[tauri::command]
pub async fn sanctions_decide(
    state: State<'_, AppState>,
    request: SanctionDecideRequest,
) -> Result<SanctionView, ApiError> {
    operation!(state, "sanctions.decide", supervision::decide, request)
}

#[tauri::command]
pub async fn privacy_settings(
    state: State<'_, AppState>,
    request: PrivacySettingsRequest,
) -> Result<PrivacySettings, ApiError> {
    operation!(state, "privacy.settings", privacy::settings, request)
}

#[tauri::command]
pub async fn privacy_settings_set(
    state: State<'_, AppState>,
    request: PrivacySettings,
) -> Result<PrivacySettings, ApiError> {
    operation!(state, "privacy.settings_set", privacy::settings_set, request)
}

#[tauri::command]
pub async fn privacy_log(
    state: State<'_, AppState>,
    request: PrivacyLogRequest,
) -> Result<Vec<PrivacyLogRow>, ApiError> {
    operation!(state, "privacy.log", privacy::log, request)
}

#[tauri::command]
pub async fn retention_run(
    state: State<'_, AppState>,
    request: RetentionRunRequest,
) -> Result<RetentionReport, ApiError> {
    operation!(state, "retention.run", privacy::run, request)
}

#[tauri::command]
pub async fn consumers_anonymise(
    state: State<'_, AppState>,
    request: ConsumerAnonymiseRequest,
) -> Result<AnonymisedConsumer, ApiError> {
    operation!(state, "consumers.anonymise", privacy::anonymise_on_request, request)
}

#[tauri::command]
pub async fn consumers_export(
    state: State<'_, AppState>,
    request: ConsumerExportRequest,
) -> Result<ConsumerExportResult, ApiError> {
    operation!(state, "consumers.export", privacy::export, request)
}

#[tauri::command]
pub async fn cases_legal_hold(
    state: State<'_, AppState>,
    request: LegalHoldRequest,
) -> Result<LegalHoldState, ApiError> {
    operation!(state, "cases.legal_hold", privacy::legal_hold, request)
}

#[tauri::command]
pub async fn trainings_list(
    state: State<'_, AppState>,
    request: TrainingsListRequest,
) -> Result<Vec<TrainingView>, ApiError> {
    operation!(state, "trainings.list", prevention::trainings, request)
}

#[tauri::command]
pub async fn trainings_record(
    state: State<'_, AppState>,
    request: TrainingRecordRequest,
) -> Result<TrainingView, ApiError> {
    operation!(state, "trainings.record", prevention::record_training, request)
}

#[tauri::command]
pub async fn trainings_coverage(
    state: State<'_, AppState>,
    request: TrainingCoverageRequest,
) -> Result<TrainingCoverage, ApiError> {
    operation!(state, "trainings.coverage", prevention::coverage, request)
}

#[tauri::command]
pub async fn risks_list(
    state: State<'_, AppState>,
    request: RisksListRequest,
) -> Result<Vec<RiskPointView>, ApiError> {
    operation!(state, "risks.list", prevention::risks, request)
}

#[tauri::command]
pub async fn risks_record(
    state: State<'_, AppState>,
    request: RiskRecordRequest,
) -> Result<RiskPointView, ApiError> {
    operation!(state, "risks.record", prevention::record_risk, request)
}

#[tauri::command]
pub async fn risks_review(
    state: State<'_, AppState>,
    request: RiskReviewRequest,
) -> Result<RiskPointView, ApiError> {
    operation!(state, "risks.review", prevention::review_risk, request)
}

#[tauri::command]
pub async fn retention_runs(
    state: State<'_, AppState>,
    request: RetentionRunsRequest,
) -> Result<Vec<RetentionRunRow>, ApiError> {
    operation!(state, "retention.runs", privacy::runs, request)
}

#[tauri::command]
pub async fn standards_list(
    state: State<'_, AppState>,
    request: StandardsListRequest,
) -> Result<Vec<StandardSummary>, ApiError> {
    operation!(state, "standards.list", standards::list, request)
}

#[tauri::command]
pub async fn standards_get(
    state: State<'_, AppState>,
    request: StandardRequest,
) -> Result<StandardView, ApiError> {
    operation!(state, "standards.get", standards::get, request)
}

#[tauri::command]
pub async fn standards_lookup(
    state: State<'_, AppState>,
    request: StandardsLookupRequest,
) -> Result<Vec<StandardInForce>, ApiError> {
    operation!(state, "standards.lookup", standards::lookup, request)
}

#[tauri::command]
pub async fn standards_save(
    state: State<'_, AppState>,
    request: StandardSaveRequest,
) -> Result<StandardView, ApiError> {
    operation!(state, "standards.save", standards::save, request)
}

#[tauri::command]
pub async fn standards_approve(
    state: State<'_, AppState>,
    request: StandardApproveRequest,
) -> Result<StandardView, ApiError> {
    operation!(state, "standards.approve", standards::approve, request)
}

#[tauri::command]
pub async fn surveys_import(
    state: State<'_, AppState>,
    request: SurveyImportRequest,
) -> Result<SurveyImportReport, ApiError> {
    operation!(state, "surveys.import", surveys::import, request)
}

#[tauri::command]
pub async fn surveys_batches(
    state: State<'_, AppState>,
    request: SurveyBatchesRequest,
) -> Result<Vec<SurveyBatchView>, ApiError> {
    operation!(state, "surveys.batches", surveys::batches, request)
}

#[tauri::command]
pub async fn surveys_withdraw(
    state: State<'_, AppState>,
    request: SurveyWithdrawRequest,
) -> Result<Vec<SurveyBatchView>, ApiError> {
    operation!(state, "surveys.withdraw", surveys::withdraw, request)
}

#[tauri::command]
pub async fn surveys_summary(
    state: State<'_, AppState>,
    request: SurveySummaryRequest,
) -> Result<SurveySummary, ApiError> {
    operation!(state, "surveys.summary", surveys::summary, request)
}
