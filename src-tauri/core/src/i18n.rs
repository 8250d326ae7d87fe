//! The languages the core speaks to people in. zh-CN first, English second.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// Reads a locale tag such as `zh-CN`, `zh_CN.UTF-8` or `en_US`; anything not English is
    /// Chinese, the users' own language.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// The name of an entity as a person reads it in an error message.
pub fn entity_name(entity: &str, lang: Lang) -> &str {
    match (entity, lang) {
        ("case", Lang::Zh) => "案件",
        ("case", Lang::En) => "Case",
        ("consumer", Lang::Zh) => "消费者",
        ("consumer", Lang::En) => "Consumer",
        ("org_unit", Lang::Zh) => "组织单位",
        ("org_unit", Lang::En) => "Organisation unit",
        ("bulletin", Lang::Zh) => "通报",
        ("bulletin", Lang::En) => "Bulletin",
        ("contingency_plan", Lang::Zh) => "应急预案",
        ("contingency_plan", Lang::En) => "Contingency plan",
        ("incident", Lang::Zh) => "突发事件",
        ("incident", Lang::En) => "Incident",
        (other, _) => other,
    }
}
