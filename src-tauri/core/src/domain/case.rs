//! A consumer dispute (`case`) and its fixed vocabularies. Codes are English identifiers from
//! the glossary; the Chinese and English labels people read live in the UI's locale files.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use code_enum;

code_enum! {
    /// 受理渠道 (§三(一)): the built-in channels (an administrator edits the list, `codes`).
    Channel {
        Hotline = "hotline",
        Website = "website",
        Wechat = "wechat",
        App = "app",
        Store = "store",
        RegulatorReferral = "regulator_referral",
        LetterEmail = "letter_email",
        Media = "media",
        Other = "other",
    }
}

code_enum! {
    /// 严重程度: 一般 / 较重 / 重大 / 群体性.
    Severity { General = "general", Serious = "serious", Major = "major", Mass = "mass" }
}

code_enum! {
    /// 简单 (resolved on the spot) or 复杂 (transferred) (§三(二)3).
    Complexity { Simple = "simple", Complex = "complex" }
}

code_enum! {
    /// Where a case stands in the handling workflow (§四).
    CaseStatus {
        Received = "received",
        Investigating = "investigating",
        Planning = "planning",
        Negotiating = "negotiating",
        Executing = "executing",
        Feedback = "feedback",
        Closed = "closed",
        Withdrawn = "withdrawn",
        /// A duplicate merged into another case, which carries on.
        Merged = "merged",
    }
}

code_enum! {
    /// 纠纷性质 / 类别: the default taxonomy (an administrator edits the list, `codes`).
    Category {
        ProductQuality = "product_quality",
        AfterSales = "after_sales",
        PriceCharges = "price_charges",
        MisleadingAdvertising = "misleading_advertising",
        ContractTerms = "contract_terms",
        DeliveryLogistics = "delivery_logistics",
        ServiceAttitude = "service_attitude",
        SafetyHarm = "safety_harm",
        PersonalInformation = "personal_information",
        Other = "other",
    }
}

code_enum! {
    /// 诉求: what the consumer asks for.
    Demand {
        Refund = "refund",
        Exchange = "exchange",
        Repair = "repair",
        Compensation = "compensation",
        Apology = "apology",
        Other = "other",
    }
}

code_enum! {
    /// How the company reached the consumer.
    ContactMethod {
        Phone = "phone",
        Sms = "sms",
        InPerson = "in_person",
        Online = "online",
        Email = "email",
        Letter = "letter",
    }
}

code_enum! {
    /// 满意 / 基本满意 / 不满意.
    Satisfaction { Satisfied = "satisfied", FairlySatisfied = "fairly_satisfied", Dissatisfied = "dissatisfied" }
}

impl CaseStatus {
    /// Closed and withdrawn cases are finished: no deadline runs for them.
    pub fn is_finished(self) -> bool {
        matches!(self, CaseStatus::Closed | CaseStatus::Withdrawn | CaseStatus::Merged)
    }
}

/// A consumer's contact data: personal data, sealed in events (see `pii`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
pub struct ConsumerContact {
    pub name: String,
    pub mobile: Option<String>,
    pub landline: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

code_enum! {
    /// 主要原因: why the dispute arose, recorded at closing and counted by the statistics.
    RootCause {
        ProductDefect = "product_defect",
        Supplier = "supplier",
        ConsumerMisuse = "consumer_misuse",
        Installation = "installation",
        StaffConduct = "staff_conduct",
        Logistics = "logistics",
        PricingError = "pricing_error",
        ContractTerms = "contract_terms",
        Other = "other",
    }
}

code_enum! {
    /// What a member of a dispute team brings (§四(一)).
    TeamRole {
        Legal = "legal",
        CustomerService = "customer_service",
        Business = "business",
        Other = "other",
    }
}

code_enum! {
    /// Where an investigated fact comes from (§四(二)1).
    SourceKind {
        Document = "document",
        ConsumerTalk = "consumer_talk",
        DepartmentStatement = "department_statement",
        SiteVisit = "site_visit",
        ThirdParty = "third_party",
        Other = "other",
    }
}

code_enum! {
    /// A measure of a solution plan (§四(三)).
    MeasureKind {
        Return = "return",
        Exchange = "exchange",
        Repair = "repair",
        Refund = "refund",
        Compensation = "compensation",
        Apology = "apology",
        ServiceImprovement = "service_improvement",
        Other = "other",
    }
}

code_enum! {
    /// The consumer's answer to an offer (§四(四)).
    OfferResponse { Accepted = "accepted", Rejected = "rejected", Counter = "counter" }
}

code_enum! {
    /// Where a solution plan stands. Plans are never overwritten: a revision is a new version.
    PlanStatus {
        /// Drafted; may be offered (or awaits approval, when it needs one).
        Draft = "draft",
        /// Compensation above the threshold: a legal or managing role must approve it first.
        PendingApproval = "pending_approval",
        /// Approval refused: to be revised.
        Declined = "declined",
        /// Put to the consumer.
        Offered = "offered",
        /// Agreed by the consumer: locked for execution.
        Accepted = "accepted",
        /// Refused, or countered, by the consumer.
        Rejected = "rejected",
        /// A later version took its place before it was offered.
        Superseded = "superseded",
    }
}

code_enum! {
    /// What a piece of evidence is (§四(二)2).
    EvidenceKind {
        Receipt = "receipt",
        Contract = "contract",
        TestReport = "test_report",
        ChatLog = "chat_log",
        Audio = "audio",
        Video = "video",
        Photo = "photo",
        Other = "other",
    }
}
