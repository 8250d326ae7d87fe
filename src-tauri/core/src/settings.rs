//! Settings an administrator can change: defaults in code, changes as `setting.changed` events.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::domain::case::Severity;

use crate::error::CoreResult;

/// Minutes without activity after which the app locks and asks for the password again.
pub const IDLE_LOCK_MINUTES: &str = "security.idle_lock_minutes";
pub const DEFAULT_IDLE_LOCK_MINUTES: i64 = 15;

/// A whole-number setting, or its default when unset.
pub async fn integer(conn: &mut SqliteConnection, key: &str, default: i64) -> CoreResult<i64> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(default))
}

pub async fn idle_lock_minutes(conn: &mut SqliteConnection) -> CoreResult<i64> {
    integer(conn, IDLE_LOCK_MINUTES, DEFAULT_IDLE_LOCK_MINUTES).await
}

/// Money to a consumer (refunds and compensation of one plan) above which a legal or managing
/// role must approve the plan before it is offered, in fen.
pub const APPROVAL_THRESHOLD: &str = "compensation.approval_threshold_fen";
pub const DEFAULT_APPROVAL_THRESHOLD_FEN: i64 = 200_000;

pub async fn approval_threshold_fen(conn: &mut SqliteConnection) -> CoreResult<i64> {
    integer(conn, APPROVAL_THRESHOLD, DEFAULT_APPROVAL_THRESHOLD_FEN).await
}

/// The time limits for cases, as a list of rules (`deadline_rules`).
pub const DEADLINE_RULES: &str = "deadlines.rules";

/// Time limits in working days for the cases of one channel and severity. `None` matches any;
/// the most specific rule wins: channel and severity, then channel, then severity, then none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    #[ts(optional)]
    #[serde(default)]
    pub channel: Option<String>,
    #[ts(optional)]
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Days to tell the consumer the complaint was received (0: the same day).
    pub acknowledge_working_days: u32,
    /// Days to resolve a complex case.
    pub resolve_working_days: u32,
}

/// The shipped limits: acknowledge within one working day; resolve a general case in 15
/// working days, a serious one in 10, a major one in 5 and a mass dispute in 3.
pub fn default_deadline_rules() -> Vec<DeadlineRule> {
    [(Severity::General, 15), (Severity::Serious, 10), (Severity::Major, 5), (Severity::Mass, 3)]
        .into_iter()
        .map(|(severity, days)| DeadlineRule {
            channel: None,
            severity: Some(severity),
            acknowledge_working_days: 1,
            resolve_working_days: days,
        })
        .collect()
}

pub async fn deadline_rules(conn: &mut SqliteConnection) -> CoreResult<Vec<DeadlineRule>> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(DEADLINE_RULES)
        .fetch_optional(&mut *conn)
        .await?;
    match value {
        Some(v) => serde_json::from_str(&v)
            .map_err(|e| crate::error::CoreError::Internal(format!("{DEADLINE_RULES}: {e}"))),
        None => Ok(default_deadline_rules()),
    }
}

/// The limits that apply to a case: (acknowledge, resolve) in working days.
pub fn limits_for(rules: &[DeadlineRule], channel: &str, severity: Severity) -> (u32, u32) {
    let rank = |r: &DeadlineRule| -> Option<u8> {
        let channel_fits = r.channel.as_deref().is_none_or(|c| c == channel);
        let severity_fits = r.severity.is_none_or(|s| s == severity);
        (channel_fits && severity_fits)
            .then_some(u8::from(r.channel.is_some()) * 2 + u8::from(r.severity.is_some()))
    };
    rules
        .iter()
        .filter_map(|r| rank(r).map(|k| (k, r)))
        .max_by_key(|(k, _)| *k)
        .map_or((1, 15), |(_, r)| (r.acknowledge_working_days, r.resolve_working_days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_rule_wins() {
        let mut rules = default_deadline_rules();
        rules.push(DeadlineRule {
            channel: Some("regulator_referral".into()),
            severity: None,
            acknowledge_working_days: 0,
            resolve_working_days: 7,
        });
        rules.push(DeadlineRule {
            channel: Some("regulator_referral".into()),
            severity: Some(Severity::Mass),
            acknowledge_working_days: 0,
            resolve_working_days: 2,
        });
        assert_eq!(limits_for(&rules, "hotline", Severity::General), (1, 15));
        assert_eq!(limits_for(&rules, "hotline", Severity::Mass), (1, 3));
        assert_eq!(limits_for(&rules, "regulator_referral", Severity::General), (0, 7));
        assert_eq!(limits_for(&rules, "regulator_referral", Severity::Mass), (0, 2));
        assert_eq!(limits_for(&[], "hotline", Severity::Major), (1, 15));
    }
}
