//! The kinds of event and their payloads. An event's payload is what changed, and only that;
//! consumers' personal data travels sealed (`pii`). Payloads are add-only: a new field gets a
//! default so that old events still read.

use serde::{Deserialize, Serialize};

use super::case::{
    CaseStatus, Complexity, ConsumerContact, ContactMethod, Demand, EvidenceKind, MeasureKind,
    OfferResponse, Satisfaction, Severity, SourceKind, TeamRole,
};
use super::emergency::{
    ContingencyPlanApproved, ContingencyPlanSaved, DrillRecorded, IncidentCasesLinked,
    IncidentClosed, IncidentDeclared, IncidentMeasureAssessed, IncidentMeasureRecorded,
    IncidentPlanActivated, IncidentReplyRecorded, IncidentReported, IncidentReviewed,
    IncidentStepUpdated,
};
use super::org::OrgUnitKind;
use super::supervision::{
    CaseLegalHold, ConsumerAnonymised, ConsumerExported, InspectionCaseChecked, InspectionClosed,
    InspectionFindingsSaved, InspectionOpened, RectificationAdded, RectificationDone, RetentionRan,
    RiskPointRecorded, RiskPointReviewed, SanctionDecided, SanctionProposed, StandardApproved,
    StandardSaved, SurveyImported, SurveyWithdrawn, TrainingRecorded,
};
use crate::auth::{CaseScope, Permission, RoleCode};
use crate::calendar::SpecialDay;
use crate::codes::CodeList;
use crate::error::{CoreError, CoreResult};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum EventBody {
    #[serde(rename = "org_unit.created")]
    OrgUnitCreated(OrgUnitCreated),
    #[serde(rename = "case.created")]
    CaseCreated(Box<CaseCreated>),
    #[serde(rename = "case.assigned")]
    CaseAssigned(CaseAssigned),
    #[serde(rename = "case.transitioned")]
    CaseTransitioned(CaseTransitioned),
    #[serde(rename = "case.closed")]
    CaseClosed(CaseClosed),
    #[serde(rename = "case.clock_paused")]
    CaseClockPaused(CaseClockPaused),
    #[serde(rename = "case.clock_resumed")]
    CaseClockResumed(CaseClockResumed),
    #[serde(rename = "org_unit.updated")]
    OrgUnitUpdated(OrgUnitUpdated),
    #[serde(rename = "account.created")]
    AccountCreated(AccountCreated),
    #[serde(rename = "account.updated")]
    AccountUpdated(AccountUpdated),
    /// A password was set; the hash itself never enters the log.
    #[serde(rename = "account.password_set")]
    AccountPasswordSet(AccountPasswordSet),
    #[serde(rename = "account.locked")]
    AccountLocked(AccountLockedOut),
    #[serde(rename = "account.signed_in")]
    AccountSignedIn(AccountSignedIn),
    #[serde(rename = "role.updated")]
    RoleUpdated(RoleUpdated),
    #[serde(rename = "setting.changed")]
    SettingChanged(SettingChanged),
    #[serde(rename = "code_entry.saved")]
    CodeEntrySaved(CodeEntrySaved),
    #[serde(rename = "calendar.days_set")]
    CalendarDaysSet(CalendarDaysSet),
    #[serde(rename = "case.acknowledged")]
    CaseAcknowledged(CaseAcknowledged),
    #[serde(rename = "case.linked")]
    CaseLinked(CaseLinked),
    #[serde(rename = "case.unlinked")]
    CaseUnlinked(CaseUnlinked),
    /// This case is a duplicate: it is finished, and the other carries on.
    #[serde(rename = "case.merged")]
    CaseMerged(CaseMerged),
    /// A duplicate was merged into this case (the survivor's side of `case.merged`).
    #[serde(rename = "case.absorbed")]
    CaseAbsorbed(CaseAbsorbed),
    /// The dispute team as it now stands (§四(一)).
    #[serde(rename = "case.team_set")]
    CaseTeamSet(CaseTeamSet),
    /// A fact established by the investigation, with its source (§四(二)1).
    #[serde(rename = "case.investigation_noted")]
    CaseInvestigationNoted(CaseInvestigationNoted),
    /// A version of the solution plan (§四(三)).
    #[serde(rename = "case.plan_drafted")]
    CasePlanDrafted(Box<CasePlanDrafted>),
    /// A legal or managing role approved, or refused, a plan's compensation.
    #[serde(rename = "case.plan_decided")]
    CasePlanDecided(CasePlanDecided),
    /// A plan put to the consumer: the case moves to negotiation.
    #[serde(rename = "case.plan_offered")]
    CasePlanOffered(CasePlanOffered),
    /// A round of negotiation and the consumer's answer (§四(四)).
    #[serde(rename = "case.negotiated")]
    CaseNegotiated(CaseNegotiated),
    /// A step of an agreed plan carried out (§四(五)).
    #[serde(rename = "case.step_done")]
    CaseStepDone(CaseStepDone),
    /// A step's date moved, with the reason, and the consumer told (§四(五)2).
    #[serde(rename = "case.step_delayed")]
    CaseStepDelayed(CaseStepDelayed),
    /// The result communicated and the consumer's satisfaction (§四(六)).
    #[serde(rename = "case.feedback_recorded")]
    CaseFeedbackRecorded(CaseFeedbackRecorded),
    /// A file attached as evidence (§四(二)2); the file itself is in the evidence store.
    #[serde(rename = "evidence.added")]
    EvidenceAdded(Box<EvidenceAdded>),
    /// Evidence opened for viewing (chain of custody).
    #[serde(rename = "evidence.viewed")]
    EvidenceViewed(EvidenceViewed),
    /// Evidence exported with its manifest (chain of custody).
    #[serde(rename = "evidence.exported")]
    EvidenceExported(EvidenceExported),
    /// An internal bulletin drafted or its draft edited (the whole content as it now stands).
    #[serde(rename = "bulletin.saved")]
    BulletinSaved(Box<BulletinSaved>),
    /// A bulletin issued: numbered, dated, its PDF kept.
    #[serde(rename = "bulletin.issued")]
    BulletinIssued(BulletinIssued),
    /// A draft thrown away (kept in the log, gone from the list).
    #[serde(rename = "bulletin.discarded")]
    BulletinDiscarded(BulletinDiscarded),
    /// An import from a spreadsheet began; its cases follow in committed batches.
    #[serde(rename = "import.started")]
    ImportStarted(ImportStarted),
    /// An import ended (done or cancelled) with its counts.
    #[serde(rename = "import.finished")]
    ImportFinished(ImportFinished),
    /// A consumer's contact data corrected (from one of their cases, whose timeline shows it).
    #[serde(rename = "consumer.updated")]
    ConsumerUpdated(ConsumerUpdated),
    /// Two records of the same person made one: the duplicate's cases now belong to the other.
    #[serde(rename = "consumer.merged")]
    ConsumerMerged(ConsumerMerged),
    /// Orders and sales of units per month, entered or imported (the complaint rate's base).
    #[serde(rename = "volume.recorded")]
    VolumeRecorded(VolumeRecorded),
    /// A KPI target set, or removed, for a unit and a period.
    #[serde(rename = "kpi.target_set")]
    KpiTargetSet(KpiTargetSet),
    /// A statistical analysis report drafted or its text edited (as it now stands).
    #[serde(rename = "report.saved")]
    ReportSaved(ReportSaved),
    /// A report issued: numbered, dated, its PDF kept.
    #[serde(rename = "report.issued")]
    ReportIssued(ReportIssued),
    /// A contingency plan's version drafted or its draft edited (as it now stands, §六(一)).
    #[serde(rename = "contingency_plan.saved")]
    ContingencyPlanSaved(Box<ContingencyPlanSaved>),
    /// A plan version approved by a managing role, in force from a date.
    #[serde(rename = "contingency_plan.approved")]
    ContingencyPlanApproved(ContingencyPlanApproved),
    /// A drill of a plan held (§六(一)2).
    #[serde(rename = "drill.recorded")]
    DrillRecorded(DrillRecorded),
    /// A major or mass incident declared (§六(二)).
    #[serde(rename = "incident.declared")]
    IncidentDeclared(Box<IncidentDeclared>),
    /// Cases found to belong to an incident.
    #[serde(rename = "incident.cases_linked")]
    IncidentCasesLinked(IncidentCasesLinked),
    /// A plan activated for an incident: its steps a checklist, its reports due.
    #[serde(rename = "incident.plan_activated")]
    IncidentPlanActivated(IncidentPlanActivated),
    /// A checklist step taken up, handed to someone, or done.
    #[serde(rename = "incident.step_updated")]
    IncidentStepUpdated(IncidentStepUpdated),
    /// A report made to a superior department or a government agency (§六(二)2).
    #[serde(rename = "incident.reported")]
    IncidentReported(IncidentReported),
    /// The authority's reply to a report.
    #[serde(rename = "incident.reply_recorded")]
    IncidentReplyRecorded(IncidentReplyRecorded),
    /// A measure taken to contain the incident (§六(二)3).
    #[serde(rename = "incident.measure_recorded")]
    IncidentMeasureRecorded(IncidentMeasureRecorded),
    /// The effect a measure had.
    #[serde(rename = "incident.measure_assessed")]
    IncidentMeasureAssessed(IncidentMeasureAssessed),
    /// The after-action review (§六(三)).
    #[serde(rename = "incident.reviewed")]
    IncidentReviewed(Box<IncidentReviewed>),
    #[serde(rename = "incident.closed")]
    IncidentClosed(IncidentClosed),
    /// An inspection of a department or stage opened, its cases sampled (§七(一)).
    #[serde(rename = "inspection.opened")]
    InspectionOpened(Box<InspectionOpened>),
    /// The inspector's verdict on one sampled case.
    #[serde(rename = "inspection.case_checked")]
    InspectionCaseChecked(InspectionCaseChecked),
    /// The inspection's findings as they now stand.
    #[serde(rename = "inspection.findings_saved")]
    InspectionFindingsSaved(InspectionFindingsSaved),
    /// A rectification item (整改) with its owner and deadline.
    #[serde(rename = "rectification.added")]
    RectificationAdded(RectificationAdded),
    #[serde(rename = "rectification.done")]
    RectificationDone(RectificationDone),
    #[serde(rename = "inspection.closed")]
    InspectionClosed(InspectionClosed),
    /// A reward or penalty proposed (§七(三)).
    #[serde(rename = "sanction.proposed")]
    SanctionProposed(SanctionProposed),
    /// Approved or rejected by a managing role.
    #[serde(rename = "sanction.decided")]
    SanctionDecided(SanctionDecided),
    /// A legal hold put on a case, or lifted.
    #[serde(rename = "case.legal_hold")]
    CaseLegalHold(CaseLegalHold),
    /// The owning site asks to hand the case over to another site (released, pending
    /// headquarters' grant).
    #[serde(rename = "case.handover_requested")]
    CaseHandoverRequested(CaseHandoverRequested),
    /// Headquarters grants a hand-over asked for: the target site owns the case (epoch + 1).
    #[serde(rename = "case.handover_granted")]
    CaseHandoverGranted(CaseHandoverGranted),
    /// A hand-over asked for is declined by headquarters or withdrawn by the owner.
    #[serde(rename = "case.handover_declined")]
    CaseHandoverDeclined(CaseHandoverDeclined),
    /// Headquarters moves the case to another site without a release (epoch + 1); what the old
    /// owner writes afterwards is held for review.
    #[serde(rename = "case.reassigned")]
    CaseReassigned(CaseReassigned),
    /// A person at the owning site reviewed an event held for review.
    #[serde(rename = "case.held_reviewed")]
    CaseHeldReviewed(CaseHeldReviewed),
    /// The consumer's personal data anonymised (by the retention rule or on request).
    #[serde(rename = "consumer.anonymised")]
    ConsumerAnonymised(ConsumerAnonymised),
    /// The consumer's personal data exported at their request.
    #[serde(rename = "consumer.exported")]
    ConsumerExported(ConsumerExported),
    /// A training course held, with who attended and their test scores (§二(一)).
    #[serde(rename = "training.recorded")]
    TrainingRecorded(TrainingRecorded),
    /// A potential dispute risk registered with its preventive measures (§二(四)1).
    #[serde(rename = "risk_point.recorded")]
    RiskPointRecorded(RiskPointRecorded),
    /// A risk point reviewed: what the measures achieved, and where it stands.
    #[serde(rename = "risk_point.reviewed")]
    RiskPointReviewed(RiskPointReviewed),
    /// An operating standard drafted or its draft edited (§二(二)).
    #[serde(rename = "standard.saved")]
    StandardSaved(StandardSaved),
    /// A standard's version approved, in force from a day.
    #[serde(rename = "standard.approved")]
    StandardApproved(StandardApproved),
    /// A file of satisfaction survey results imported (§二(四)2).
    #[serde(rename = "survey.imported")]
    SurveyImported(SurveyImported),
    /// An imported survey file taken back out (the wrong file, say).
    #[serde(rename = "survey.withdrawn")]
    SurveyWithdrawn(SurveyWithdrawn),
    /// The retention rule run, by a person or by the daily schedule.
    #[serde(rename = "retention.ran")]
    RetentionRan(RetentionRan),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSaved {
    pub report_id: String,
    /// `2026-10`, `2026-Q3` or `2026`.
    pub period: String,
    pub title: String,
    /// 结论: the author's conclusions.
    pub conclusions: String,
    /// 建议和措施.
    pub proposals: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportIssued {
    pub report_id: String,
    pub doc_no: String,
    pub year: i32,
    pub seq: i64,
    pub issued_on: String,
    pub pdf_sha256: String,
    pub pdf_size: i64,
    pub pages: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeEntry {
    pub unit_id: String,
    /// `YYYY-MM`.
    pub month: String,
    pub orders: i64,
    pub sales_fen: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolumeRecorded {
    pub entries: Vec<VolumeEntry>,
    /// `edit`, or the name of the file imported.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTargetSet {
    /// The unit the target is for; none: the company.
    pub unit_id: Option<String>,
    /// `2026`, `2026-Q3` or `2026-10`.
    pub period: String,
    /// The KPI's code (`on_time_rate`, …).
    pub kpi: String,
    /// Goal (green when met) and limit (red when worse); none: the target removed.
    pub goal: Option<f64>,
    pub limit: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerUpdated {
    pub consumer_id: String,
    /// The whole contact as it now stands (`ConsumerContact`), sealed with the consumer's key.
    pub sealed: String,
    /// Which fields changed (`name`, `mobile`, `landline`, `email`, `address`), readable
    /// without the personal data itself.
    pub changed: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerMerged {
    /// The duplicate record, which stays (its sealed data needs its own key) but is retired.
    pub from_consumer_id: String,
    pub into_consumer_id: String,
    /// Cases moved from the duplicate, by number.
    pub case_nos: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportStarted {
    pub batch_id: String,
    /// The mapping's source: duplicates are recognised within it.
    pub source: String,
    pub file_name: String,
    /// Records in the file (header excluded).
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportFinished {
    pub batch_id: String,
    pub imported: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub cancelled: bool,
}

/// Where an imported case came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportOrigin {
    pub batch_id: String,
    pub source: String,
    /// The row's external id in its source, or a fingerprint of the whole row.
    pub key: String,
    /// The record's row number in the file (the header is row 1).
    pub row: u64,
    /// Where the file says the case stands, when it is further than received: set with the
    /// case in one go rather than by handling events that never happened here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ImportedState>,
}

/// An imported case's standing as recorded in its file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedState {
    pub status: CaseStatus,
    /// When it was closed (database time), for a closed case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Satisfaction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinSaved {
    pub bulletin_id: String,
    pub content: crate::documents::bulletin::BulletinContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinIssued {
    pub bulletin_id: String,
    pub doc_no: String,
    pub year: i32,
    pub seq: i64,
    /// `YYYY-MM-DD`.
    pub issued_on: String,
    pub pdf_sha256: String,
    pub pdf_size: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulletinDiscarded {
    pub bulletin_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceAdded {
    pub evidence_id: String,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
    pub mime: String,
    pub kind: EvidenceKind,
    pub description: String,
    /// Where it came from: the consumer, a department, a test laboratory.
    pub source: String,
    /// Who collected it, and when (`YYYY-MM-DD`).
    pub collected_by: String,
    pub collected_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceViewed {
    pub evidence_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceExported {
    pub evidence_ids: Vec<String>,
    /// The folder written to.
    pub destination: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub account_id: String,
    /// The member's name as it was.
    pub name: String,
    pub role: TeamRole,
    pub duty: String,
    pub lead: bool,
}

/// A site as an ownership event names it: its id (the database's site id) and, for people,
/// its code and name as the hub lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRef {
    pub site_id: String,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseHandoverRequested {
    pub to: SiteRef,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseHandoverGranted {
    /// The site granted (the one asked for: a grant of another is held for review).
    pub to: SiteRef,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseHandoverDeclined {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseReassigned {
    pub to: SiteRef,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseHeldReviewed {
    /// The event held.
    pub event_id: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseTeamSet {
    pub members: Vec<TeamMember>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseInvestigationNoted {
    pub note_id: String,
    pub fact: String,
    pub source_kind: SourceKind,
    /// Which document, whom they talked to, which department's statement.
    pub source: String,
    /// When the fact was established (`YYYY-MM-DD`).
    pub found_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStepDraft {
    pub step_id: String,
    pub title: String,
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanMeasure {
    pub kind: MeasureKind,
    pub description: String,
    pub amount_fen: Option<i64>,
    pub responsible_id: String,
    pub responsible_name: String,
    pub steps: Vec<PlanStepDraft>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasePlanDrafted {
    pub plan_id: String,
    pub version: i64,
    pub summary: String,
    pub measures: Vec<PlanMeasure>,
    /// Money to the consumer over all measures (refunds and compensation).
    pub money_fen: i64,
    /// Above the approval threshold in force when drafted.
    pub needs_approval: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasePlanDecided {
    pub plan_id: String,
    #[serde(default)]
    pub version: i64,
    pub approved: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasePlanOffered {
    pub plan_id: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseNegotiated {
    pub round_id: String,
    pub plan_id: String,
    pub version: i64,
    pub held_on: String,
    pub method: ContactMethod,
    pub response: OfferResponse,
    /// What the consumer proposes instead (a counter-proposal).
    pub counter: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStepDone {
    pub step_id: String,
    pub title: String,
    pub done_on: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStepDelayed {
    pub step_id: String,
    pub title: String,
    pub reason: String,
    pub old_due_on: String,
    pub new_due_on: String,
    /// How the consumer was told of the new date, and when: required.
    pub informed_by: ContactMethod,
    pub informed_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseFeedbackRecorded {
    pub communicated_by: ContactMethod,
    pub satisfaction: Satisfaction,
    /// 1 (very poor) to 5 (very good).
    pub score: i64,
    pub comments: Option<String>,
}

/// An entry of a configurable list added or edited (the whole entry as it now stands).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeEntrySaved {
    pub list: CodeList,
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    pub definition_zh: String,
    pub definition_en: String,
    pub position: i64,
    pub active: bool,
    pub requires_store: bool,
}

/// Days of the holiday calendar set by an administrator, by hand or by an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarDaysSet {
    pub days: Vec<SpecialDay>,
    /// Where they came from: `edit`, or the import's format and file name.
    pub source: String,
}

/// The consumer was told that the complaint was received (受理告知).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseAcknowledged {
    pub method: ContactMethod,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLinked {
    pub other_case_id: String,
    pub other_case_no: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseUnlinked {
    pub other_case_id: String,
    pub other_case_no: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseMerged {
    pub into_case_id: String,
    pub into_case_no: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseAbsorbed {
    pub from_case_id: String,
    pub from_case_no: String,
    pub reason: String,
}

/// The deadline clock stops: the case waits for something outside the company's hands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseClockPaused {
    pub reason: String,
}

/// The clock runs again; the deadline moved by the working days it stood still.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseClockResumed {
    pub paused_working_days: i64,
    pub due_at: String,
    /// How the consumer was told of the new deadline, and on which day (absent on events of
    /// earlier versions, and where nobody recorded it: a compliance finding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informed_by: Option<ContactMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informed_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgUnitUpdated {
    pub id: String,
    pub name: Option<String>,
    /// `Some(None)` moves the unit to the top; `None` leaves its parent alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountCreated {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<String>,
    pub roles: Vec<RoleCode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountUpdated {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<RoleCode>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordSetBy {
    /// Chosen at the first start for the first administrator.
    Setup,
    /// Set by an administrator (creation or reset): to be changed at the next sign-in.
    Administrator,
    /// Changed by the account holder.
    Holder,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountPasswordSet {
    pub id: String,
    pub by: PasswordSetBy,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountLockedOut {
    pub id: String,
    pub until: String,
    pub failed_attempts: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSignedIn {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleUpdated {
    pub code: RoleCode,
    pub permissions: Vec<Permission>,
    pub case_scope: CaseScope,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingChanged {
    pub key: String,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgUnitCreated {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent_id: Option<String>,
    pub city: Option<String>,
}

/// A complaint received (§三(二)1–2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseCreated {
    pub case_no: String,
    pub received_at: String,
    /// A code of the channel list (`codes`).
    pub channel: String,
    pub store_id: Option<String>,
    pub department_id: Option<String>,
    pub consumer_id: String,
    /// `SealedCaseText`, sealed with the consumer's key.
    pub sealed: String,
    pub product_name: String,
    pub product_model: Option<String>,
    pub quantity: i64,
    pub amount_paid_fen: Option<i64>,
    pub order_no: Option<String>,
    pub purchased_at: Option<String>,
    /// A code of the category list (`codes`).
    pub category: String,
    pub severity: Severity,
    pub complexity: Complexity,
    pub demand: Demand,
    pub demand_amount_fen: Option<i64>,
    /// The receiving agent's name as it was, and their account.
    pub received_by: String,
    #[serde(default)]
    pub received_by_id: Option<String>,
    pub handler: Option<String>,
    #[serde(default)]
    pub handler_id: Option<String>,
    pub due_at: Option<String>,
    /// The date the consumer was told to expect a resolution (`YYYY-MM-DD`).
    #[serde(default)]
    pub expected_resolution: Option<String>,
    /// When the consumer must be told the complaint was received, unless they already were.
    #[serde(default)]
    pub ack_due_at: Option<String>,
    /// The consumer was told at once (on the phone, at the counter).
    #[serde(default)]
    pub acknowledged: bool,
    /// Set for a case taken in from a spreadsheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportOrigin>,
}

/// What a complaint says about and in the words of its consumer: personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedCaseText {
    pub consumer: ConsumerContact,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseAssigned {
    pub handler: String,
    #[serde(default)]
    pub handler_id: Option<String>,
    pub department_id: Option<String>,
    /// Why the case was transferred (a transfer between handlers or departments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseTransitioned {
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseClosed {
    pub result: String,
    pub satisfaction: Option<Satisfaction>,
    pub root_cause: Option<String>,
    /// Marked as a typical case (典型案例) for internal bulletins.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub typical: bool,
}

impl EventBody {
    /// Splits the body into the stored `kind` and `payload` text.
    pub fn encode(&self) -> CoreResult<(String, String)> {
        let value = serde_json::to_value(self).map_err(|e| CoreError::Internal(e.to_string()))?;
        let kind = value["kind"].as_str().unwrap_or_default().to_owned();
        let payload = serde_json::to_string(&value["payload"])
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok((kind, payload))
    }

    pub fn decode(kind: &str, payload: &str) -> CoreResult<Self> {
        let payload: serde_json::Value = serde_json::from_str(payload)
            .map_err(|e| CoreError::Internal(format!("event payload of {kind} unreadable: {e}")))?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
            .map_err(|e| CoreError::Internal(format!("event {kind} unreadable: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let body = EventBody::CaseTransitioned(CaseTransitioned {
            from: CaseStatus::Received,
            to: CaseStatus::Investigating,
            note: Some("转调查".into()),
        });
        let (kind, payload) = body.encode().expect("encode");
        assert_eq!(kind, "case.transitioned");
        // Keys come out sorted: the stored text is canonical whatever the struct's field order.
        assert_eq!(payload, r#"{"from":"received","note":"转调查","to":"investigating"}"#);
        assert_eq!(EventBody::decode(&kind, &payload).expect("decode"), body);
    }
}
