//! `settings.*`: what an administrator can change about how the app behaves.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::codes::{self, CodeList};
use crate::domain::case::Severity;
use crate::domain::events::{EventBody, SettingChanged};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::settings::{
    approval_threshold_fen, deadline_rules, idle_lock_minutes, DeadlineRule, APPROVAL_THRESHOLD,
    DEADLINE_RULES, IDLE_LOCK_MINUTES,
};
use crate::storage::Db;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// Minutes without activity before the app locks (1–240).
    pub idle_lock_minutes: i64,
    /// Time limits per channel and severity, in working days (the most specific rule wins).
    pub deadlines: Vec<DeadlineRule>,
    /// Money to a consumer in one plan (fen) above which the plan needs approval by a legal or
    /// managing role before it is offered.
    pub approval_threshold_fen: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsGetRequest {}

pub async fn get(db: &Db, _actor: &Actor, _req: SettingsGetRequest) -> CoreResult<Settings> {
    let mut conn = db.pool().acquire().await?;
    Ok(Settings {
        idle_lock_minutes: idle_lock_minutes(&mut conn).await?,
        deadlines: deadline_rules(&mut conn).await?,
        approval_threshold_fen: approval_threshold_fen(&mut conn).await?,
    })
}

/// Problems with a set of deadline rules: limits out of range, unknown channels, two rules for
/// the same channel and severity, or a severity with no rule that applies to every channel.
async fn check_deadlines(
    conn: &mut sqlx::SqliteConnection,
    rules: &[DeadlineRule],
) -> CoreResult<Vec<FieldProblem>> {
    let channels = codes::entries(conn, CodeList::Channel).await?;
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rules.iter().enumerate() {
        let field = |name: &str| format!("deadlines[{i}].{name}");
        if r.acknowledge_working_days > 30 {
            problems.push(FieldProblem {
                field: field("acknowledge_working_days"),
                rule: FieldRule::OutOfRange { min: 0, max: 30 },
            });
        }
        if !(1..=365).contains(&r.resolve_working_days) {
            problems.push(FieldProblem {
                field: field("resolve_working_days"),
                rule: FieldRule::OutOfRange { min: 1, max: 365 },
            });
        }
        if let Some(c) = &r.channel {
            if !channels.iter().any(|e| &e.code == c) {
                problems.push(FieldProblem {
                    field: field("channel"),
                    rule: FieldRule::UnknownValue { value: c.clone() },
                });
            }
        }
        if !seen.insert((r.channel.clone(), r.severity)) {
            problems.push(FieldProblem { field: field("severity"), rule: FieldRule::Taken });
        }
    }
    let catch_all = rules.iter().any(|r| r.channel.is_none() && r.severity.is_none());
    for s in Severity::ALL {
        let covered = rules.iter().any(|r| r.channel.is_none() && r.severity == Some(*s));
        if !catch_all && !covered {
            problems.push(FieldProblem { field: "deadlines".into(), rule: FieldRule::Required });
            break;
        }
    }
    Ok(problems)
}

/// Saves what changed. Security settings need `account.manage`; time limits need
/// `taxonomy.edit`.
pub async fn update(db: &Db, actor: &Actor, req: Settings) -> CoreResult<Settings> {
    actor.require_any(&[Permission::AccountManage, Permission::TaxonomyEdit])?;
    let mut tx = db.begin_write().await?;
    let lock_changed = req.idle_lock_minutes != idle_lock_minutes(&mut tx).await?;
    let deadlines_changed = req.deadlines != deadline_rules(&mut tx).await?;
    let threshold_changed = req.approval_threshold_fen != approval_threshold_fen(&mut tx).await?;
    if lock_changed {
        actor.require(Permission::AccountManage)?;
    }
    if deadlines_changed || threshold_changed {
        actor.require(Permission::TaxonomyEdit)?;
    }
    let mut problems = Vec::new();
    if !(1..=240).contains(&req.idle_lock_minutes) {
        problems.push(FieldProblem {
            field: "idle_lock_minutes".into(),
            rule: FieldRule::OutOfRange { min: 1, max: 240 },
        });
    }
    problems.extend(check_deadlines(&mut tx, &req.deadlines).await?);
    if !(0..=10_000_000_000).contains(&req.approval_threshold_fen) {
        problems.push(FieldProblem {
            field: "approval_threshold_fen".into(),
            rule: FieldRule::OutOfRange { min: 0, max: 10_000_000_000 },
        });
    }
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let mut changes = Vec::new();
    if lock_changed {
        changes.push((IDLE_LOCK_MINUTES, serde_json::json!(req.idle_lock_minutes)));
    }
    if deadlines_changed {
        let value =
            serde_json::to_value(&req.deadlines).map_err(|e| CoreError::Internal(e.to_string()))?;
        changes.push((DEADLINE_RULES, value));
    }
    if threshold_changed {
        changes.push((APPROVAL_THRESHOLD, serde_json::json!(req.approval_threshold_fen)));
    }
    for (key, value) in changes {
        let body = EventBody::SettingChanged(SettingChanged { key: key.into(), value });
        let event = NewEvent { case_id: None, occurred_at: db.now(), body };
        event_log::append(&mut tx, db, actor, event).await?;
    }
    tx.commit().await?;
    Ok(req)
}
