//! Emergency handling of major and mass disputes (§六): the contingency plan's content, and the
//! payloads of the `plan.*`, `drill.*` and `incident.*` events.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// 突发事件类别: what kind of emergency a plan is for, and an incident is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EmergencyKind {
    /// 产品质量安全
    ProductSafety,
    /// 集中退换货 / 退款
    MassRefund,
    /// 门店停业 / 闭店
    StoreClosure,
    /// 个人信息泄露
    DataLeak,
    /// 舆情危机
    MediaCrisis,
    /// 其他
    Other,
}

impl EmergencyKind {
    pub const ALL: [EmergencyKind; 6] = [
        EmergencyKind::ProductSafety,
        EmergencyKind::MassRefund,
        EmergencyKind::StoreClosure,
        EmergencyKind::DataLeak,
        EmergencyKind::MediaCrisis,
        EmergencyKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EmergencyKind::ProductSafety => "product_safety",
            EmergencyKind::MassRefund => "mass_refund",
            EmergencyKind::StoreClosure => "store_closure",
            EmergencyKind::DataLeak => "data_leak",
            EmergencyKind::MediaCrisis => "media_crisis",
            EmergencyKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            EmergencyKind::ProductSafety => "产品质量安全",
            EmergencyKind::MassRefund => "集中退换货",
            EmergencyKind::StoreClosure => "门店停业",
            EmergencyKind::DataLeak => "个人信息泄露",
            EmergencyKind::MediaCrisis => "舆情危机",
            EmergencyKind::Other => "其他",
        }
    }
}

/// 重大 or 群体性 (§六(一)1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IncidentLevel {
    Major,
    Mass,
}

impl IncidentLevel {
    pub fn code(self) -> &'static str {
        match self {
            IncidentLevel::Major => "major",
            IncidentLevel::Mass => "mass",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "major" => Some(IncidentLevel::Major),
            "mass" => Some(IncidentLevel::Mass),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IncidentLevel::Major => "重大",
            IncidentLevel::Mass => "群体性",
        }
    }
}

/// What the early warning groups cases by, and what an incident watches for new cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WatchDimension {
    /// The product model (or the product's name where no model was recorded).
    Product,
    Store,
    Category,
}

impl WatchDimension {
    pub const ALL: [WatchDimension; 3] =
        [WatchDimension::Product, WatchDimension::Store, WatchDimension::Category];

    pub fn code(self) -> &'static str {
        match self {
            WatchDimension::Product => "product",
            WatchDimension::Store => "store",
            WatchDimension::Category => "category",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The SQL expression of a case's value (over `cases AS c`).
    pub fn key_sql(self) -> &'static str {
        match self {
            WatchDimension::Product => {
                "COALESCE(NULLIF(TRIM(c.product_model), ''), NULLIF(TRIM(c.product_name), ''))"
            }
            WatchDimension::Store => "c.store_id",
            WatchDimension::Category => "c.category",
        }
    }
}

/// One member of the command group (应急指挥组).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContingencyRole {
    /// 总指挥, 副总指挥, 联络员…
    pub role: String,
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub deputy: String,
    #[serde(default)]
    pub deputy_phone: String,
    /// 职责分工.
    #[serde(default)]
    pub duties: String,
}

/// One step of the handling process (处理流程), in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContingencyStep {
    pub title: String,
    /// The role of the command group that carries it out.
    pub role: String,
    /// Hours from the plan's activation by which it should be done.
    #[serde(default)]
    pub within_hours: Option<u32>,
}

/// Whom to report to, within what time of the incident's declaration (§六(二)2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContingencyReporting {
    /// 上级主管部门, 市场监督管理局, 消费者协会…
    pub authority: String,
    pub within_hours: u32,
    /// What the report must contain.
    #[serde(default)]
    pub content: String,
}

/// A contingency plan's content, as one version has it (§六(一)1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct ContingencyContent {
    /// 适用范围 and the conditions that start it.
    pub scope: String,
    /// 组织机构 and 职责分工.
    pub organisation: Vec<ContingencyRole>,
    /// 处理流程.
    pub steps: Vec<ContingencyStep>,
    /// 沟通协调机制.
    pub communication: String,
    /// 信息报告.
    pub reporting: Vec<ContingencyReporting>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContingencyPlanSaved {
    pub plan_id: String,
    pub version: i64,
    pub kind: EmergencyKind,
    pub title: String,
    pub content: ContingencyContent,
    pub change_note: String,
    /// The drill or incident review whose findings this version answers.
    #[serde(default)]
    pub source_kind: Option<String>,
    #[serde(default)]
    pub source_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContingencyPlanApproved {
    pub plan_id: String,
    pub version: i64,
    /// `YYYY-MM-DD`.
    pub effective_from: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillRecorded {
    pub drill_id: String,
    pub plan_id: String,
    pub plan_version: i64,
    pub held_on: String,
    pub scenario: String,
    pub participants: Vec<String>,
    pub duration_minutes: i64,
    pub problems: String,
    pub revisions: String,
}

/// The early-warning alert an incident was declared from, as it stood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AlertEvidence {
    pub dimension: WatchDimension,
    pub value: String,
    pub label: String,
    pub window_hours: i64,
    pub window_start: String,
    pub window_end: String,
    pub observed: i64,
    pub expected: f64,
    pub p_value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentDeclared {
    pub incident_id: String,
    pub incident_no: String,
    pub year: i32,
    pub seq: i64,
    pub title: String,
    pub kind: EmergencyKind,
    pub level: IncidentLevel,
    pub summary: String,
    #[serde(default)]
    pub watch: Option<IncidentWatch>,
    #[serde(default)]
    pub origin: Option<AlertEvidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncidentWatch {
    pub dimension: WatchDimension,
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentCasesLinked {
    pub incident_id: String,
    pub case_ids: Vec<String>,
    /// Linked as they arrived, by the incident's watch, rather than by a person.
    pub auto: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivatedStep {
    pub seq: i64,
    pub title: String,
    pub role: String,
    pub owner: String,
    pub due_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequiredReport {
    pub report_id: String,
    pub authority: String,
    pub due_at: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentPlanActivated {
    pub incident_id: String,
    pub plan_id: String,
    pub plan_version: i64,
    pub steps: Vec<ActivatedStep>,
    pub reports: Vec<RequiredReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentStepUpdated {
    pub incident_id: String,
    pub seq: i64,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub done_at: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentReported {
    pub incident_id: String,
    pub report_id: String,
    pub authority: String,
    pub reported_at: String,
    /// 电话, 书面, 平台报送…
    pub channel: String,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentReplyRecorded {
    pub incident_id: String,
    pub report_id: String,
    pub reply: String,
    pub replied_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentMeasureRecorded {
    pub incident_id: String,
    pub measure_id: String,
    pub taken_at: String,
    pub measure: String,
    #[serde(default)]
    pub effect: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentMeasureAssessed {
    pub incident_id: String,
    pub measure_id: String,
    pub effect: String,
}

/// 总结评估 (§六(三)1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct IncidentReview {
    /// 事件发生的原因.
    pub causes: String,
    /// 处理过程中存在的问题.
    pub problems: String,
    /// 有效做法.
    pub worked: String,
    /// 经验教训.
    pub lessons: String,
    /// 预案完善建议 (§六(三)2).
    pub plan_revisions: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentReviewed {
    pub incident_id: String,
    pub review: IncidentReview,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentClosed {
    pub incident_id: String,
}
