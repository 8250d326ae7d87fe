//! Every operation a person can perform, by name. Each is one async function
//! `(db, actor, request) -> Result<response, CoreError>`; the Tauri commands, `redress-cli
//! call` and (later) the hub call these and nothing else. The list below is the single source
//! for dispatch by name and for the generated TypeScript bindings.

pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bundles;
pub mod calendar;
pub mod cases;
pub mod codes;
pub mod compliance;
pub mod consumers;
pub mod demo;
pub mod documents;
pub mod emergency;
pub mod evidence;
pub mod fields;
pub mod handling;
pub mod hotspots;
pub mod imports;
pub mod intake;
pub mod kpi;
pub mod links;
pub mod org;
pub mod ownership;
pub mod prevention;
pub mod privacy;
pub mod reports;
pub mod roles;
pub mod scorecard;
pub mod search;
pub mod settings;
pub mod standards;
pub mod stats;
pub mod supervision;
pub mod surveys;
pub mod sync;
pub mod system;
pub mod versioned;
pub mod work;

use serde::de::DeserializeOwned;

use crate::actor::Actor;
use crate::error::{CoreError, CoreResult};
use crate::storage::Db;

macro_rules! operations {
    ($($name:literal => $command:ident = $func:path : $req:ty => $res:ty;)+) => {
        /// Runs the operation `name` on a JSON request, giving the JSON response.
        pub async fn dispatch(
            db: &Db,
            actor: &Actor,
            name: &str,
            request: &str,
        ) -> CoreResult<serde_json::Value> {
            match name {
                $($name => {
                    let req: $req = parse_request(name, request)?;
                    // Boxed: unboxed, this future would be as large as the largest operation's,
                    // and a deep test stack overflowed its 2 MiB in a debug build.
                    let res: $res = Box::pin($func(db, actor, req)).await?;
                    serde_json::to_value(res).map_err(|e| CoreError::Internal(e.to_string()))
                })+
                _ => Err(CoreError::UnknownOperation(name.to_owned())),
            }
        }

        /// Every operation: its name, the Tauri command that serves it, and its types.
        pub fn catalogue() -> Vec<crate::bindings::OperationSignature> {
            vec![$(crate::bindings::OperationSignature::of::<$req, $res>($name, stringify!($command)),)+]
        }
    };
}

operations! {
    "cases.list" => cases_list = cases::list : cases::CasesListRequest => cases::CasesListResponse;
    "stats.summary" => stats_summary = stats::summary : stats::StatsRequest => stats::StatsResponse;
    "alerts.list" => alerts_list = alerts::list : alerts::AlertsRequest => alerts::AlertsResponse;
    "contingency.list" => contingency_list = emergency::plans_list : emergency::ContingencyListRequest => Vec<emergency::ContingencySummary>;
    "contingency.get" => contingency_get = emergency::plans_get : emergency::ContingencyRequest => emergency::ContingencyView;
    "contingency.save" => contingency_save = emergency::plans_save : emergency::ContingencySaveRequest => emergency::ContingencyView;
    "contingency.approve" => contingency_approve = emergency::plans_approve : emergency::ContingencyApproveRequest => emergency::ContingencyView;
    "contingency.pdf" => contingency_pdf = emergency::plans_pdf : emergency::ContingencyRequest => crate::ops::documents::GeneratedPdf;
    "drills.list" => drills_list = emergency::drills_list : emergency::DrillsListRequest => Vec<emergency::DrillView>;
    "drills.record" => drills_record = emergency::drills_record : emergency::DrillRecordRequest => emergency::DrillView;
    "incidents.list" => incidents_list = emergency::incidents_list : emergency::IncidentsListRequest => Vec<emergency::IncidentSummary>;
    "incidents.get" => incidents_get = emergency::incidents_get : emergency::IncidentRequest => emergency::IncidentView;
    "incidents.declare" => incidents_declare = emergency::incidents_declare : emergency::IncidentDeclareRequest => emergency::IncidentView;
    "incidents.link" => incidents_link = emergency::incidents_link : emergency::IncidentLinkRequest => emergency::IncidentView;
    "incidents.activate" => incidents_activate = emergency::incidents_activate : emergency::IncidentActivateRequest => emergency::IncidentView;
    "incidents.step" => incidents_step = emergency::incidents_step : emergency::IncidentStepRequest => emergency::IncidentView;
    "incidents.report" => incidents_report = emergency::incidents_report : emergency::IncidentReportRequest => emergency::IncidentView;
    "incidents.reply" => incidents_reply = emergency::incidents_reply : emergency::IncidentReplyRequest => emergency::IncidentView;
    "incidents.measure" => incidents_measure = emergency::incidents_measure : emergency::IncidentMeasureRequest => emergency::IncidentView;
    "incidents.assess" => incidents_assess = emergency::incidents_assess : emergency::IncidentAssessRequest => emergency::IncidentView;
    "incidents.review" => incidents_review = emergency::incidents_review : emergency::IncidentReviewRequest => emergency::IncidentView;
    "incidents.close" => incidents_close = emergency::incidents_close : emergency::IncidentRequest => emergency::IncidentView;
    "incidents.pdf" => incidents_pdf = emergency::incidents_pdf : emergency::IncidentRequest => crate::ops::documents::GeneratedPdf;
    "stats.hotspots" => stats_hotspots = hotspots::hotspots : hotspots::HotspotsRequest => hotspots::HotspotsResponse;
    "reports.list" => reports_list = reports::list : reports::ReportsListRequest => Vec<reports::ReportView>;
    "reports.get" => reports_get = reports::get : reports::ReportRequest => reports::ReportView;
    "reports.draft" => reports_draft = reports::draft : reports::ReportDraftRequest => reports::ReportView;
    "reports.save" => reports_save = reports::save : reports::ReportSaveRequest => reports::ReportView;
    "reports.pdf" => reports_pdf = reports::pdf : reports::ReportRequest => crate::ops::documents::GeneratedPdf;
    "reports.issue" => reports_issue = reports::issue : reports::ReportRequest => reports::ReportView;
    "kpi.summary" => kpi_summary = kpi::summary : kpi::KpiRequest => kpi::KpiResponse;
    "kpi.targets" => kpi_targets = kpi::targets : kpi::KpiTargetsRequest => Vec<kpi::KpiTargetRow>;
    "kpi.target_set" => kpi_target_set = kpi::target_set : kpi::KpiTargetSetRequest => Vec<kpi::KpiTargetRow>;
    "volume.list" => volume_list = kpi::volume_list : kpi::VolumeListRequest => Vec<kpi::VolumeRow>;
    "volume.set" => volume_set = kpi::volume_set : kpi::VolumeSetRequest => kpi::VolumeSaved;
    "volume.import" => volume_import = kpi::volume_import : kpi::VolumeImportRequest => kpi::VolumeSaved;
    "compliance.list" => compliance_list = compliance::list : compliance::ComplianceRequest => compliance::ComplianceResponse;
    "scorecard.get" => scorecard_get = scorecard::get : scorecard::ScorecardRequest => scorecard::ScorecardResponse;
    "scorecard.export" => scorecard_export = scorecard::export : scorecard::ScorecardExportRequest => scorecard::ScorecardExported;
    "inspections.list" => inspections_list = supervision::list : supervision::InspectionsListRequest => Vec<supervision::InspectionSummary>;
    "inspections.get" => inspections_get = supervision::get : supervision::InspectionRequest => supervision::InspectionView;
    "inspections.open" => inspections_open = supervision::open : supervision::InspectionOpenRequest => supervision::InspectionView;
    "inspections.check" => inspections_check = supervision::check : supervision::InspectionCheckRequest => supervision::InspectionView;
    "inspections.findings" => inspections_findings = supervision::findings : supervision::InspectionFindingsRequest => supervision::InspectionView;
    "inspections.rectify" => inspections_rectify = supervision::rectify : supervision::RectificationAddRequest => supervision::InspectionView;
    "inspections.rectified" => inspections_rectified = supervision::rectified : supervision::RectificationDoneRequest => supervision::InspectionView;
    "inspections.close" => inspections_close = supervision::close : supervision::InspectionRequest => supervision::InspectionView;
    "sanctions.list" => sanctions_list = supervision::sanctions : supervision::SanctionsListRequest => Vec<supervision::SanctionView>;
    "sanctions.propose" => sanctions_propose = supervision::propose : supervision::SanctionProposeRequest => supervision::SanctionView;
    "sanctions.decide" => sanctions_decide = supervision::decide : supervision::SanctionDecideRequest => supervision::SanctionView;
    "privacy.settings" => privacy_settings = privacy::settings : privacy::PrivacySettingsRequest => privacy::PrivacySettings;
    "privacy.settings_set" => privacy_settings_set = privacy::settings_set : privacy::PrivacySettings => privacy::PrivacySettings;
    "privacy.log" => privacy_log = privacy::log : privacy::PrivacyLogRequest => Vec<privacy::PrivacyLogRow>;
    "retention.run" => retention_run = privacy::run : privacy::RetentionRunRequest => privacy::RetentionReport;
    "retention.runs" => retention_runs = privacy::runs : privacy::RetentionRunsRequest => Vec<privacy::RetentionRunRow>;
    "consumers.anonymise" => consumers_anonymise = privacy::anonymise_on_request : privacy::ConsumerAnonymiseRequest => privacy::AnonymisedConsumer;
    "consumers.export" => consumers_export = privacy::export : privacy::ConsumerExportRequest => privacy::ConsumerExportResult;
    "trainings.list" => trainings_list = prevention::trainings : prevention::TrainingsListRequest => Vec<prevention::TrainingView>;
    "trainings.record" => trainings_record = prevention::record_training : prevention::TrainingRecordRequest => prevention::TrainingView;
    "trainings.coverage" => trainings_coverage = prevention::coverage : prevention::TrainingCoverageRequest => prevention::TrainingCoverage;
    "risks.list" => risks_list = prevention::risks : prevention::RisksListRequest => Vec<prevention::RiskPointView>;
    "risks.record" => risks_record = prevention::record_risk : prevention::RiskRecordRequest => prevention::RiskPointView;
    "risks.review" => risks_review = prevention::review_risk : prevention::RiskReviewRequest => prevention::RiskPointView;
    "standards.list" => standards_list = standards::list : standards::StandardsListRequest => Vec<standards::StandardSummary>;
    "standards.get" => standards_get = standards::get : standards::StandardRequest => standards::StandardView;
    "standards.lookup" => standards_lookup = standards::lookup : standards::StandardsLookupRequest => Vec<standards::StandardInForce>;
    "standards.save" => standards_save = standards::save : standards::StandardSaveRequest => standards::StandardView;
    "standards.approve" => standards_approve = standards::approve : standards::StandardApproveRequest => standards::StandardView;
    "surveys.import" => surveys_import = surveys::import : surveys::SurveyImportRequest => surveys::SurveyImportReport;
    "surveys.batches" => surveys_batches = surveys::batches : surveys::SurveyBatchesRequest => Vec<surveys::SurveyBatchView>;
    "surveys.withdraw" => surveys_withdraw = surveys::withdraw : surveys::SurveyWithdrawRequest => Vec<surveys::SurveyBatchView>;
    "surveys.summary" => surveys_summary = surveys::summary : surveys::SurveySummaryRequest => surveys::SurveySummary;
    "sync.status" => sync_status = sync::status : sync::SyncStatusRequest => sync::SyncView;
    "sync.configure" => sync_configure = sync::configure : sync::SyncConfigureRequest => sync::SyncView;
    "sync.run" => sync_run = sync::run : sync::SyncRunRequest => sync::SyncRunResult;
    "backup.status" => backup_status = backup::status : backup::BackupStatusRequest => backup::BackupView;
    "backup.configure" => backup_configure = backup::configure : backup::BackupConfigureRequest => backup::BackupView;
    "backup.create" => backup_create = backup::create : backup::BackupCreateRequest => crate::backup::BackupMade;
    "backup.verify" => backup_verify = backup::verify : backup::BackupVerifyRequest => crate::backup::BackupChecked;
    "backup.discard_replaced" => backup_discard_replaced = backup::discard_replaced : backup::BackupDiscardRequest => backup::BackupView;
    "bundles.export" => bundles_export = bundles::export : bundles::BundleExportRequest => crate::bundle::BundleExportReport;
    "bundles.import" => bundles_import = bundles::import : bundles::BundleImportRequest => crate::bundle::BundleImportReport;
    "bundles.history" => bundles_history = bundles::history : bundles::BundleHistoryRequest => Vec<crate::bundle::BundleLogEntry>;
    "cases.legal_hold" => cases_legal_hold = privacy::legal_hold : privacy::LegalHoldRequest => privacy::LegalHoldState;
    "cases.search" => cases_search = search::search : search::SearchRequest => search::SearchResponse;
    "cases.export" => cases_export = imports::export_cases : crate::export::ExportRequest => crate::export::ExportResult;
    "imports.inspect" => imports_inspect = imports::inspect : imports::ImportInspectRequest => imports::ImportInspection;
    "imports.preview" => imports_preview = imports::preview : imports::ImportPreviewRequest => imports::ImportPreview;
    "imports.run" => imports_run = imports::run : imports::ImportRunRequest => crate::import::ImportReport;
    "imports.mappings" => imports_mappings = imports::mappings : imports::ImportMappingsRequest => Vec<crate::import::ImportMapping>;
    "imports.mapping_save" => imports_mapping_save = imports::mapping_save : imports::ImportMappingSaveRequest => Vec<crate::import::ImportMapping>;
    "imports.batches" => imports_batches = imports::batches : imports::ImportBatchesRequest => Vec<imports::ImportBatchView>;
    "jobs.status" => jobs_status = imports::job_status : imports::JobRequest => Option<crate::jobs::JobProgress>;
    "jobs.cancel" => jobs_cancel = imports::job_cancel : imports::JobRequest => bool;
    "preferences.get" => preferences_get = imports::preference_get : imports::PreferenceGetRequest => Option<serde_json::Value>;
    "preferences.save" => preferences_save = imports::preference_save : imports::PreferenceSaveRequest => Option<serde_json::Value>;
    "consumers.get" => consumers_get = consumers::get : consumers::ConsumerRequest => consumers::ConsumerView;
    "consumers.update" => consumers_update = consumers::update : consumers::ConsumerUpdateRequest => consumers::ConsumerView;
    "consumers.merge" => consumers_merge = consumers::merge : consumers::ConsumerMergeRequest => consumers::ConsumerView;
    "cases.get" => cases_get = cases::get : cases::CaseGetRequest => cases::CaseDetail;
    "cases.create" => cases_create = intake::create : intake::IntakeRequest => intake::IntakeResponse;
    "cases.related" => cases_related = cases::related : cases::RelatedCasesRequest => cases::RelatedCases;
    "cases.pause" => cases_pause = cases::pause : cases::ClockPauseRequest => cases::ClockState;
    "cases.resume" => cases_resume = cases::resume : cases::ClockResumeRequest => cases::ClockState;
    "sites.list" => sites_list = ownership::sites : ownership::SitesRequest => ownership::SitesView;
    "ownership.review" => ownership_review = ownership::review_list : ownership::SitesRequest => ownership::OwnershipReview;
    "cases.handover_request" => cases_handover_request = ownership::request : ownership::HandoverRequest => ownership::CaseOwnership;
    "cases.handover_grant" => cases_handover_grant = ownership::grant : ownership::HandoverDecision => ownership::CaseOwnership;
    "cases.handover_decline" => cases_handover_decline = ownership::decline : ownership::HandoverDecision => ownership::CaseOwnership;
    "cases.reassign" => cases_reassign = ownership::reassign : ownership::HandoverRequest => ownership::CaseOwnership;
    "cases.held_review" => cases_held_review = ownership::review : ownership::HeldReviewRequest => ownership::CaseOwnership;
    "cases.acknowledge" => cases_acknowledge = links::acknowledge : links::CaseAcknowledgeRequest => links::AcknowledgeResult;
    "cases.link" => cases_link = links::link : links::CaseLinkRequest => links::CaseLinkResult;
    "cases.unlink" => cases_unlink = links::unlink : links::CaseLinkRequest => links::CaseLinkResult;
    "cases.merge" => cases_merge = links::merge : links::CaseMergeRequest => links::CaseMergeResult;
    "cases.handling" => cases_handling = work::handling : work::HandlingRequest => work::HandlingView;
    "cases.advance" => cases_advance = handling::advance : handling::AdvanceRequest => handling::Moved;
    "cases.assign" => cases_assign = handling::assign : handling::AssignRequest => handling::Moved;
    "cases.team_set" => cases_team_set = handling::team_set : handling::TeamSetRequest => handling::Moved;
    "cases.investigate" => cases_investigate = handling::investigate : handling::InvestigateRequest => handling::Created;
    "plans.draft" => plans_draft = handling::draft : handling::PlanDraftRequest => handling::PlanDrafted;
    "plans.decide" => plans_decide = handling::decide : handling::PlanDecideRequest => handling::PlanDrafted;
    "plans.offer" => plans_offer = handling::offer : handling::PlanOfferRequest => handling::Moved;
    "cases.negotiate" => cases_negotiate = handling::negotiate : handling::NegotiateRequest => handling::Moved;
    "steps.complete" => steps_complete = handling::complete : handling::StepCompleteRequest => handling::Created;
    "steps.delay" => steps_delay = handling::delay : handling::StepDelayRequest => handling::Created;
    "cases.feedback" => cases_feedback = handling::feedback : handling::FeedbackRequest => handling::Moved;
    "cases.close" => cases_close = handling::close : handling::CloseRequest => handling::Moved;
    "work.list" => work_list = work::list : work::WorkListRequest => work::WorkList;
    "evidence.add" => evidence_add = evidence::add : evidence::EvidenceAddRequest => evidence::EvidenceAttached;
    "evidence.list" => evidence_list = evidence::list : evidence::EvidenceListRequest => Vec<evidence::EvidenceView>;
    "evidence.open" => evidence_open = evidence::open : evidence::EvidenceOpenRequest => evidence::EvidenceOpened;
    "evidence.verify" => evidence_verify = evidence::verify : evidence::EvidenceVerifyRequest => evidence::EvidenceReport;
    "evidence.export" => evidence_export = evidence::export : evidence::EvidenceExportRequest => evidence::EvidenceExport;
    "documents.notice" => documents_notice = documents::notice : documents::NoticeRequest => documents::GeneratedPdf;
    "documents.settings" => documents_settings = documents::settings : documents::DocumentSettingsRequest => documents::DocumentSettings;
    "documents.settings_save" => documents_settings_save = documents::settings_save : documents::DocumentSettingsSave => documents::DocumentSettings;
    "bulletins.list" => bulletins_list = documents::list : documents::BulletinsListRequest => Vec<documents::BulletinSummary>;
    "bulletins.get" => bulletins_get = documents::get : documents::BulletinRequest => documents::BulletinView;
    "bulletins.draft" => bulletins_draft = documents::draft : documents::BulletinDraftRequest => documents::BulletinView;
    "bulletins.save" => bulletins_save = documents::save : documents::BulletinSaveRequest => documents::BulletinView;
    "bulletins.pdf" => bulletins_pdf = documents::pdf : documents::BulletinRequest => documents::GeneratedPdf;
    "bulletins.issue" => bulletins_issue = documents::issue : documents::BulletinRequest => documents::BulletinView;
    "bulletins.discard" => bulletins_discard = documents::discard : documents::BulletinRequest => documents::BulletinView;
    "demo.generate" => demo_generate = demo::generate : demo::DemoRequest => demo::DemoResponse;
    "system.info" => system_info = system::info : system::SystemInfoRequest => system::SystemInfo;
    "auth.change_password" => auth_change_password = auth::change_password : auth::PasswordChangeRequest => auth::PasswordChanged;
    "accounts.list" => accounts_list = accounts::list : accounts::AccountsListRequest => Vec<accounts::AccountView>;
    "accounts.create" => accounts_create = accounts::create : accounts::AccountCreateRequest => accounts::AccountView;
    "accounts.update" => accounts_update = accounts::update : accounts::AccountUpdateRequest => accounts::AccountView;
    "accounts.reset_password" => accounts_reset_password = accounts::reset_password : accounts::PasswordResetRequest => accounts::AccountView;
    "roles.list" => roles_list = roles::list : roles::RolesListRequest => Vec<roles::RoleView>;
    "roles.update" => roles_update = roles::update : roles::RoleUpdateRequest => roles::RoleView;
    "org.list" => org_list = org::list : org::OrgListRequest => Vec<org::OrgUnitView>;
    "org.handlers" => org_handlers = org::handlers : org::HandlersListRequest => Vec<org::HandlerView>;
    "org.create" => org_create = org::create : org::OrgCreateRequest => org::OrgUnitView;
    "org.update" => org_update = org::update : org::OrgUpdateRequest => org::OrgUnitView;
    "audit.verify" => audit_verify = audit::verify : audit::AuditVerifyRequest => audit::AuditReport;
    "settings.get" => settings_get = settings::get : settings::SettingsGetRequest => settings::Settings;
    "settings.update" => settings_update = settings::update : settings::Settings => settings::Settings;
    "codes.list" => codes_list = codes::list : codes::CodesListRequest => codes::CodeLists;
    "codes.save" => codes_save = codes::save : codes::CodeEntrySaveRequest => crate::codes::CodeEntry;
    "calendar.list" => calendar_list = calendar::list : calendar::CalendarListRequest => calendar::CalendarYear;
    "calendar.set" => calendar_set = calendar::set : calendar::CalendarSetRequest => calendar::CalendarChange;
    "calendar.import" => calendar_import = calendar::import : calendar::CalendarImportRequest => calendar::CalendarChange;
}

/// What a person whose password was set by an administrator may do before choosing their own.
pub const ALLOWED_BEFORE_PASSWORD_CHANGE: [&str; 3] =
    ["auth.change_password", "system.info", "settings.get"];

/// Refuses any other operation while the signed-in person must change their password first.
pub fn check_password_change_gate(must_change: bool, operation: &str) -> CoreResult<()> {
    if must_change && !ALLOWED_BEFORE_PASSWORD_CHANGE.contains(&operation) {
        return Err(CoreError::PasswordChangeRequired);
    }
    Ok(())
}

/// Reads a request, turning serde's complaint into a typed error that names the field.
fn parse_request<T: DeserializeOwned>(operation: &str, json: &str) -> CoreResult<T> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let detail = e.into_inner().to_string();
        // A missing field is reported at its parent: name the field itself.
        let missing = detail
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .map(|name| if path == "." { name.to_owned() } else { format!("{path}.{name}") });
        CoreError::MalformedRequest {
            operation: operation.to_owned(),
            detail,
            field: missing.or_else(|| (path != ".").then_some(path)),
        }
    })
}
