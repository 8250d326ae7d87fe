//! Reference documents kept in versions: contingency plans (§六) and operating standards
//! (§二(二)). A draft is edited until a managing role approves it; an approved version never
//! changes again (the next save drafts the version after it); the version in force on a day is
//! the approved one with the latest effective date on or before that day. What the two share
//! is here; each keeps its own content and its own table of versions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::error::{ensure_valid, CoreError, CoreResult};
use crate::ops::fields::bounded_date;
use crate::storage::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    Approved,
}

impl VersionStatus {
    pub fn from_code(code: &str) -> VersionStatus {
        if code == "approved" {
            VersionStatus::Approved
        } else {
            VersionStatus::Draft
        }
    }
}

/// A table of versions, keyed by (`key`, `version`), with a `status` of draft or approved.
pub(crate) struct Versions {
    pub table: &'static str,
    pub key: &'static str,
    /// The entity a missing document is reported as.
    pub entity: &'static str,
    /// The error for changing an approved version.
    pub approved: fn() -> CoreError,
}

impl Versions {
    async fn status(
        &self,
        conn: &mut SqliteConnection,
        id: &str,
        version: Option<i64>,
    ) -> CoreResult<Option<(i64, String)>> {
        let (table, key) = (self.table, self.key);
        let sql = match version {
            Some(_) => {
                format!("SELECT version, status FROM {table} WHERE {key} = ?1 AND version = ?2")
            }
            None => format!(
                "SELECT version, status FROM {table} WHERE {key} = ?1 \
                 ORDER BY version DESC LIMIT 1"
            ),
        };
        Ok(sqlx::query_as(&sql).bind(id).bind(version).fetch_optional(&mut *conn).await?)
    }

    /// The document and version a save writes: a new document's first version (`id` none),
    /// its draft again, or the version after its approved latest.
    pub async fn slot(
        &self,
        conn: &mut SqliteConnection,
        id: Option<&str>,
    ) -> CoreResult<(String, i64)> {
        let Some(id) = id else {
            return Ok((uuid::Uuid::now_v7().to_string(), 1));
        };
        match self.status(conn, id, None).await? {
            None => Err(CoreError::NotFound { entity: self.entity, id: id.to_owned() }),
            Some((v, status)) if status == "draft" => Ok((id.to_owned(), v)),
            Some((v, _)) => Ok((id.to_owned(), v + 1)),
        }
    }

    /// Checks an approval: the effective day (today or later) and a version that exists and
    /// is still a draft. Answers the day, `YYYY-MM-DD`.
    pub async fn approval(
        &self,
        conn: &mut SqliteConnection,
        db: &Db,
        id: &str,
        version: i64,
        effective_from: &str,
    ) -> CoreResult<String> {
        let mut problems = Vec::new();
        let from = bounded_date(db, "effective_from", effective_from, false, &mut problems);
        ensure_valid(problems)?;
        match self.status(conn, id, Some(version)).await?.map(|(_, s)| s).as_deref() {
            None => {
                Err(CoreError::NotFound { entity: self.entity, id: format!("{id} v{version}") })
            }
            Some("approved") => Err((self.approved)()),
            _ => Ok(from.map(|d| d.to_string()).unwrap_or_default()),
        }
    }
}

/// Which of `versions` is in force on `today`: the approved one (it has an effective date)
/// with the latest effective date not after today, the higher version on a tie.
pub(crate) fn in_force<T>(
    versions: &[T],
    effective: impl Fn(&T) -> (Option<&str>, i64),
    today: NaiveDate,
) -> Option<usize> {
    let today = today.to_string();
    versions
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            let (from, version) = effective(v);
            from.filter(|d| *d <= today.as_str()).map(|d| (d, version, i))
        })
        .max()
        .map(|(_, _, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_effective_on_or_before_today_is_in_force() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("day");
        let v = [
            (Some("2026-12-01"), 3), // approved, not yet in force
            (None, 4),               // a draft
            (Some("2026-11-28"), 2),
            (Some("2026-01-01"), 1),
        ];
        assert_eq!(in_force(&v, |x| (x.0, x.1), today), Some(2));
        let later = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        assert_eq!(in_force(&v, |x| (x.0, x.1), later), Some(0));
        let before = NaiveDate::from_ymd_opt(2025, 12, 31).expect("day");
        assert_eq!(in_force(&v, |x| (x.0, x.1), before), None);
        // Two versions effective on the same day: the later version.
        let tie = [(Some("2026-11-01"), 1), (Some("2026-11-01"), 2)];
        assert_eq!(in_force(&tie, |x| (x.0, x.1), today), Some(1));
    }
}
