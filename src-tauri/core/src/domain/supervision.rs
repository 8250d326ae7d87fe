//! Supervision and assessment (§七) and personal data (PIPL): the payloads of their events.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::case::code_enum;

code_enum! {
    /// What an inspection looks at (§七(一)2).
    #[derive(PartialOrd, Ord)]
    InspectionAspect {
        /// 受理情况: complaints taken in, acknowledged and routed as the policy says.
        Intake = "intake",
        /// 处理过程的合规性.
        Process = "process",
        /// 处理结果的满意度.
        Satisfaction = "satisfaction",
    }
}

code_enum! {
    /// An inspector's verdict on one sampled case.
    SampleVerdict {
        Pending = "pending",
        Compliant = "compliant",
        Issue = "issue",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionOpened {
    pub inspection_id: String,
    pub title: String,
    pub held_on: String,
    pub unit_id: Option<String>,
    /// A case status code, or none for every stage.
    pub stage: Option<String>,
    pub scope: Vec<InspectionAspect>,
    pub period_from: String,
    pub period_to: String,
    /// The cases the sample was drawn from, and the seed that drew it.
    pub population: i64,
    pub seed: String,
    /// The sample, in the order drawn.
    pub case_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionCaseChecked {
    pub inspection_id: String,
    pub case_id: String,
    pub verdict: SampleVerdict,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionFindingsSaved {
    pub inspection_id: String,
    pub findings: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RectificationAdded {
    pub rectification_id: String,
    pub inspection_id: String,
    pub item: String,
    pub owner_id: String,
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RectificationDone {
    pub rectification_id: String,
    pub done_on: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectionClosed {
    pub inspection_id: String,
}

code_enum! {
    SanctionKind {
        Reward = "reward",
        Penalty = "penalty",
    }
}

code_enum! {
    SanctionSubject {
        /// A staff member (their account).
        Staff = "staff",
        /// A department, store or branch.
        Unit = "unit",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SanctionProposed {
    pub sanction_id: String,
    pub kind: SanctionKind,
    pub subject_kind: SanctionSubject,
    pub subject_id: String,
    /// The assessment period it belongs to: `2026`, `2026-Q3` or `2026-10`.
    pub period: String,
    pub reason: String,
    pub amount_fen: Option<i64>,
    pub points: Option<i64>,
    pub case_ids: Vec<String>,
    /// The scorecard (its period) the decision rests on.
    pub scorecard: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SanctionDecided {
    pub sanction_id: String,
    pub approved: bool,
    pub note: String,
}

/// A case put under legal hold (its personal data kept past the retention period) or let go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLegalHold {
    /// The reason; none: the hold is lifted.
    pub reason: Option<String>,
}

code_enum! {
    /// Why personal data was anonymised or exported.
    PrivacyBasis {
        /// The retention rule: closed long enough ago.
        Retention = "retention",
        /// The consumer asked (PIPL art. 45, 47).
        Request = "request",
    }
}

/// A consumer's personal data made unreadable for good: their key destroyed, the case's
/// projections and search index emptied of it. One event on each of their cases' timelines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerAnonymised {
    pub consumer_id: String,
    pub basis: PrivacyBasis,
    pub note: String,
}

/// A consumer's personal data exported at their request (PIPL art. 45).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerExported {
    pub consumer_id: String,
    pub note: String,
}

code_enum! {
    /// What a training course is about (§二(一)2).
    #[derive(PartialOrd, Ord)]
    TrainingTopic {
        /// 《消费者权益保护法》
        ConsumerRightsLaw = "consumer_rights_law",
        /// 《产品质量法》
        ProductQualityLaw = "product_quality_law",
        /// 《民法典》合同编 (replaced the Contract Law in 2021).
        CivilCodeContracts = "civil_code_contracts",
        ProductKnowledge = "product_knowledge",
        ServiceProcess = "service_process",
        Communication = "communication",
        Other = "other",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TrainingAttendee {
    pub account_id: String,
    /// The test score, 0–100 (none: no test, or not taken).
    #[serde(default)]
    #[ts(optional)]
    pub score: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRecorded {
    pub training_id: String,
    pub topic: TrainingTopic,
    pub title: String,
    pub held_on: String,
    pub trainer: String,
    pub hours: f64,
    pub pass_score: Option<i64>,
    pub attendees: Vec<TrainingAttendee>,
}

code_enum! {
    /// Where a risk point was found.
    RiskSource {
        Manual = "manual",
        /// A hotspot of the statistics (§五(二)2).
        Hotspot = "hotspot",
        /// An early-warning alert (§六).
        Alert = "alert",
    }
}

code_enum! {
    RiskStatus {
        Open = "open",
        /// The measures are in place; watched.
        Mitigated = "mitigated",
        Closed = "closed",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPointRecorded {
    pub risk_id: String,
    pub title: String,
    pub description: String,
    pub source_kind: RiskSource,
    /// What the hotspot or alert showed, as it stood.
    pub source: Option<serde_json::Value>,
    pub measures: String,
    pub owner_id: String,
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPointReviewed {
    pub risk_id: String,
    pub review: String,
    pub status: RiskStatus,
}

code_enum! {
    /// What an operating standard is (§二(二)).
    #[derive(PartialOrd, Ord)]
    StandardKind {
        /// 服务承诺.
        ServiceCommitment = "service_commitment",
        /// 收费标准.
        Charges = "charges",
        /// 格式合同条款.
        ContractTerms = "contract_terms",
        Other = "other",
    }
}

/// A standard drafted, or its next version, or its draft edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardSaved {
    pub standard_id: String,
    pub version: i64,
    pub kind: StandardKind,
    pub title: String,
    pub body: String,
    /// Complaint category codes the standard answers.
    pub categories: Vec<String>,
    pub change_note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardApproved {
    pub standard_id: String,
    pub version: i64,
    pub effective_from: String,
}

code_enum! {
    /// The scale a survey file's scores are on.
    SurveyScale {
        /// 1–5 (非常不满意 … 非常满意).
        Five = "five",
        /// 0–100.
        Hundred = "hundred",
    }
}

/// One row of a survey file, its score on the 100-point scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyRow {
    pub row: u64,
    pub answered_on: String,
    pub store_id: String,
    pub product: String,
    pub score: f64,
    pub responses: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyImported {
    pub batch_id: String,
    pub file_name: String,
    pub sha256: String,
    pub scale: SurveyScale,
    pub rows: Vec<SurveyRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyWithdrawn {
    pub batch_id: String,
    pub reason: String,
}

/// A run of the retention rule (not a dry run): what it found and did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionRan {
    pub months: i64,
    pub cutoff: String,
    pub anonymised: i64,
    pub cases: i64,
    pub held: i64,
    /// Run by the app's daily schedule rather than by a person.
    pub automatic: bool,
}
