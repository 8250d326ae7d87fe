//! Checking a request's fields: the helpers operations share. Each adds its problems to the
//! request's list, so that every problem of a request is reported at once.

use chrono::NaiveDate;

use crate::error::{CoreError, FieldProblem, FieldRule};
use crate::storage::Db;
use crate::time::china;

pub use crate::intake_rules::text;

pub fn problem(field: impl Into<String>, rule: FieldRule) -> FieldProblem {
    FieldProblem { field: field.into(), rule }
}

/// A request naming something that does not exist, by the field that names it.
pub fn unknown(field: impl Into<String>, value: impl ToString) -> CoreError {
    CoreError::Validation(vec![problem(
        field,
        FieldRule::UnknownValue { value: value.to_string() },
    )])
}

/// Today in China.
pub fn today(db: &Db) -> NaiveDate {
    db.now().with_timezone(&china()).date_naive()
}

/// A day `YYYY-MM-DD`.
pub fn date(field: &str, raw: &str, problems: &mut Vec<FieldProblem>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(problem(field, FieldRule::Invalid { detail: "YYYY-MM-DD".into() }));
            None
        }
    }
}

/// A day `YYYY-MM-DD`; `past`: not after today, else not before today.
pub fn bounded_date(
    db: &Db,
    field: &str,
    raw: &str,
    past: bool,
    problems: &mut Vec<FieldProblem>,
) -> Option<NaiveDate> {
    let d = date(field, raw, problems)?;
    if past && d > today(db) {
        problems.push(problem(field, FieldRule::Invalid { detail: "≤ today".into() }));
        None
    } else if !past && d < today(db) {
        problems.push(problem(field, FieldRule::Invalid { detail: "≥ today".into() }));
        None
    } else {
        Some(d)
    }
}
