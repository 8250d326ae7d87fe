//! The organisation (§一(二)): company, subsidiaries and branches, departments and stores.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    Company,
    Subsidiary,
    Branch,
    Department,
    Store,
}

impl OrgUnitKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgUnitKind::Company => "company",
            OrgUnitKind::Subsidiary => "subsidiary",
            OrgUnitKind::Branch => "branch",
            OrgUnitKind::Department => "department",
            OrgUnitKind::Store => "store",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Company, Self::Subsidiary, Self::Branch, Self::Department, Self::Store]
            .into_iter()
            .find(|k| k.code() == code)
    }
}
