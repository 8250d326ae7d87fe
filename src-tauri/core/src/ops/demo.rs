//! `demo.generate`: fills the database with a living retailer's disputes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::demo::{self, DemoPlan};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::storage::Db;

pub const MAX_DEMO_CASES: u32 = 2_000_000;
pub const DEFAULT_SEED: u64 = 20_261_128;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DemoRequest {
    /// How many cases to write (1–2,000,000).
    pub cases: u32,
    /// The same seed and `until` give the same data (default 20261128).
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub seed: Option<u64>,
    /// The last day of the two-year history, `YYYY-MM-DD` (default today, China time).
    #[serde(default)]
    #[ts(optional)]
    pub until: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DemoResponse {
    pub cases_created: u32,
    pub org_units_created: u32,
    #[ts(type = "number")]
    pub events_written: u64,
}

impl DemoRequest {
    pub fn plan(&self) -> CoreResult<DemoPlan> {
        let mut problems = Vec::new();
        if !(1..=MAX_DEMO_CASES).contains(&self.cases) {
            problems.push(FieldProblem {
                field: "cases".into(),
                rule: FieldRule::OutOfRange { min: 1, max: i64::from(MAX_DEMO_CASES) },
            });
        }
        let until = match &self.until {
            None => Some(chrono::Utc::now().with_timezone(&crate::time::china()).date_naive()),
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
        };
        if until.is_none() {
            problems.push(FieldProblem {
                field: "until".into(),
                rule: FieldRule::Invalid { detail: "YYYY-MM-DD".into() },
            });
        }
        match until {
            Some(until) if problems.is_empty() => {
                Ok(DemoPlan { cases: self.cases, seed: self.seed.unwrap_or(DEFAULT_SEED), until })
            }
            _ => Err(CoreError::Validation(problems)),
        }
    }
}

pub async fn generate(db: &Db, actor: &Actor, req: DemoRequest) -> CoreResult<DemoResponse> {
    actor.require(crate::auth::Permission::DemoGenerate)?;
    let plan = req.plan()?;
    let outcome =
        demo::generate(db, actor, &plan, |n| tracing::debug!(cases = n, "demo data")).await?;
    Ok(DemoResponse {
        cases_created: outcome.cases_created,
        org_units_created: outcome.org_units_created,
        events_written: outcome.events_written,
    })
}
