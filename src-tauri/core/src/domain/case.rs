//! A consumer dispute (`case`) and its fixed vocabularies. Codes are English identifiers from
//! the glossary; the Chinese and English labels people read live in the UI's locale files.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

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
    /// Where a case stands in the handling workflow (§四). `merged`: a duplicate merged into
    /// another case, which carries on.
    CaseStatus {
        Received = "received",
        Investigating = "investigating",
        Planning = "planning",
        Negotiating = "negotiating",
        Executing = "executing",
        Feedback = "feedback",
        Closed = "closed",
        Withdrawn = "withdrawn",
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
