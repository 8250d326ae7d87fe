//! Automatic compliance checks (§七(一)2): rules over the recorded data that find cases handled
//! against the policy, per department and handler, each finding a click away from its case.
//! Every rule is one SQL condition on a case (`c`), stated in docs/METRICS.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::{CaseScope, Permission};
use crate::error::CoreResult;
use crate::storage::Db;
use crate::time;

/// A compliance rule. Codes are stable: they are printed, filtered on and documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceRule {
    /// Compensation offered (a plan with money put to the consumer or agreed) and no evidence
    /// attached to the case (§四(二)2: facts established before a solution).
    CompensationWithoutEvidence,
    /// The deadline moved (a paused clock resumed with working days added) and no record of
    /// how the consumer was told (§四(五)2).
    DeadlineMovedUninformed,
    /// Closed with no feedback from the consumer: no satisfaction recorded (§四(六)).
    ClosedWithoutFeedback,
    /// Open with its clock running past the deadline, and the clock was never paused with a
    /// reason.
    OverdueWithoutReason,
    /// A major or mass case past intake without a dispute team (§四(一)).
    MajorWithoutTeam,
    /// Reopened because the consumer was not satisfied, then closed without a plan drafted
    /// after the reopening (§四(六)2).
    ReopenedClosedWithoutNewPlan,
}

impl ComplianceRule {
    pub const ALL: [ComplianceRule; 6] = [
        ComplianceRule::CompensationWithoutEvidence,
        ComplianceRule::DeadlineMovedUninformed,
        ComplianceRule::ClosedWithoutFeedback,
        ComplianceRule::OverdueWithoutReason,
        ComplianceRule::MajorWithoutTeam,
        ComplianceRule::ReopenedClosedWithoutNewPlan,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplianceRule::CompensationWithoutEvidence => "compensation_without_evidence",
            ComplianceRule::DeadlineMovedUninformed => "deadline_moved_uninformed",
            ComplianceRule::ClosedWithoutFeedback => "closed_without_feedback",
            ComplianceRule::OverdueWithoutReason => "overdue_without_reason",
            ComplianceRule::MajorWithoutTeam => "major_without_team",
            ComplianceRule::ReopenedClosedWithoutNewPlan => "reopened_closed_without_new_plan",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The condition on a case `c` (merged cases are never checked); `?now` is the moment of
    /// the check.
    fn condition(self) -> &'static str {
        match self {
            ComplianceRule::CompensationWithoutEvidence => {
                "EXISTS (SELECT 1 FROM case_plans p WHERE p.case_id = c.id AND p.money_fen > 0 \
                 AND p.status IN ('offered', 'accepted')) \
                 AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.case_id = c.id)"
            }
            ComplianceRule::DeadlineMovedUninformed => {
                "EXISTS (SELECT 1 FROM events v WHERE v.case_id = c.id \
                 AND v.kind = 'case.clock_resumed' \
                 AND json_extract(v.payload, '$.paused_working_days') > 0 \
                 AND json_extract(v.payload, '$.informed_by') IS NULL)"
            }
            ComplianceRule::ClosedWithoutFeedback => {
                "c.status = 'closed' AND c.satisfaction IS NULL"
            }
            ComplianceRule::OverdueWithoutReason => {
                "c.status NOT IN ('closed', 'withdrawn', 'merged') AND c.paused_at IS NULL \
                 AND c.due_at < ?now AND NOT EXISTS (SELECT 1 FROM events v \
                 WHERE v.case_id = c.id AND v.kind = 'case.clock_paused')"
            }
            ComplianceRule::MajorWithoutTeam => {
                "c.severity IN ('major', 'mass') \
                 AND c.status NOT IN ('received', 'withdrawn', 'merged') \
                 AND NOT EXISTS (SELECT 1 FROM case_team t WHERE t.case_id = c.id)"
            }
            ComplianceRule::ReopenedClosedWithoutNewPlan => {
                "c.status = 'closed' AND c.reopen_count > 0 AND NOT EXISTS (\
                 SELECT 1 FROM case_plans p WHERE p.case_id = c.id AND p.drafted_at > (\
                 SELECT MAX(f.recorded_at) FROM case_feedback f WHERE f.case_id = c.id \
                 AND f.satisfaction = 'dissatisfied'))"
            }
        }
    }

    /// What the finding shows beside the case: the fact that tripped the rule.
    fn detail(self) -> &'static str {
        match self {
            ComplianceRule::CompensationWithoutEvidence => {
                "(SELECT printf('%d', MAX(p.money_fen)) FROM case_plans p WHERE p.case_id = c.id \
                 AND p.status IN ('offered', 'accepted'))"
            }
            ComplianceRule::DeadlineMovedUninformed => {
                "(SELECT json_extract(v.payload, '$.due_at') FROM events v WHERE v.case_id = c.id \
                 AND v.kind = 'case.clock_resumed' AND json_extract(v.payload, '$.informed_by') \
                 IS NULL ORDER BY v.hlc DESC LIMIT 1)"
            }
            ComplianceRule::ClosedWithoutFeedback => "c.closed_at",
            ComplianceRule::OverdueWithoutReason => "c.due_at",
            ComplianceRule::MajorWithoutTeam => "c.severity",
            ComplianceRule::ReopenedClosedWithoutNewPlan => "printf('%d', c.reopen_count)",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct ComplianceRequest {
    /// Cases of this department (or store) only.
    #[ts(optional)]
    pub department_id: Option<String>,
    /// Cases of this handler only.
    #[ts(optional)]
    pub handler_id: Option<String>,
    /// These rules only (default: all).
    #[ts(optional)]
    pub rules: Option<Vec<ComplianceRule>>,
}

/// One case that breaks one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ComplianceFinding {
    pub rule: ComplianceRule,
    pub case_id: String,
    pub case_no: String,
    pub received_at: String,
    pub status: String,
    pub department_id: Option<String>,
    pub department: Option<String>,
    pub handler_id: Option<String>,
    pub handler: Option<String>,
    /// The fact behind the finding: the amount offered (fen), the moved deadline, the closing
    /// time, the missed deadline, the severity, or the times reopened.
    pub detail: Option<String>,
}

/// Findings counted per rule and department, or per rule and handler.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ComplianceGroup {
    pub rule: ComplianceRule,
    /// The department's or handler's id (none: cases without one).
    pub key: Option<String>,
    pub name: Option<String>,
    pub count: i64,
    /// The cases, for the ledger (`case_ids`), at most 5,000.
    pub case_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ComplianceResponse {
    /// When the checks ran.
    pub checked_at: String,
    /// Findings per rule, every rule listed (0 when none).
    pub rules: Vec<ComplianceGroup>,
    pub by_department: Vec<ComplianceGroup>,
    pub by_handler: Vec<ComplianceGroup>,
    /// Every finding, by rule and case number.
    pub findings: Vec<ComplianceFinding>,
}

/// A finding's group: its key (department or handler id) and that key's name.
type GroupKey = dyn Fn(&ComplianceFinding) -> (Option<String>, Option<String>);

/// Runs every rule (or those asked for) over the cases the actor may see.
pub async fn list(
    db: &Db,
    actor: &Actor,
    req: ComplianceRequest,
) -> CoreResult<ComplianceResponse> {
    actor.require(Permission::CaseView)?;
    let now = time::to_db(db.now());
    let rules = match req.rules.as_deref() {
        Some(r) if !r.is_empty() => r.to_vec(),
        _ => ComplianceRule::ALL.to_vec(),
    };
    let mut findings = Vec::new();
    let mut conn = db.pool().acquire().await?;
    for rule in ComplianceRule::ALL.into_iter().filter(|r| rules.contains(r)) {
        let mut qb = QueryBuilder::<Sqlite>::new(format!(
            "SELECT c.id, c.case_no, c.received_at, c.status, c.department_id, d.name, \
             c.handler_id, COALESCE(a.display_name, c.handler), {} FROM cases c \
             LEFT JOIN org_units d ON d.id = c.department_id \
             LEFT JOIN accounts a ON a.id = c.handler_id",
            rule.detail()
        ));
        qb.push(" WHERE c.status <> 'merged' AND ");
        // `?now` in a rule is the moment of the check.
        for (i, part) in rule.condition().split("?now").enumerate() {
            if i > 0 {
                qb.push_bind(now.clone());
            }
            qb.push(part);
        }
        if actor.grant.case_scope != CaseScope::All {
            qb.push(" AND c.id IN (SELECT c.id FROM cases c");
            crate::ops::cases::push_scope(&mut qb, actor);
            qb.push(")");
        }
        if let Some(unit) = req.department_id.as_deref().filter(|u| !u.is_empty()) {
            qb.push(" AND (c.department_id = ").push_bind(unit.to_owned());
            qb.push(" OR c.store_id = ").push_bind(unit.to_owned()).push(")");
        }
        if let Some(handler) = req.handler_id.as_deref().filter(|h| !h.is_empty()) {
            qb.push(" AND c.handler_id = ").push_bind(handler.to_owned());
        }
        qb.push(" ORDER BY c.case_no");
        for row in qb.build().fetch_all(&mut *conn).await? {
            findings.push(ComplianceFinding {
                rule,
                case_id: row.get(0),
                case_no: row.get(1),
                received_at: row.get(2),
                status: row.get(3),
                department_id: row.get(4),
                department: row.get(5),
                handler_id: row.get(6),
                handler: row.get(7),
                detail: row.get(8),
            });
        }
    }
    let group = |key: &GroupKey| {
        let mut groups: BTreeMap<(ComplianceRule, Option<String>), ComplianceGroup> =
            BTreeMap::new();
        for f in &findings {
            let (k, name) = key(f);
            let g = groups.entry((f.rule, k.clone())).or_insert_with(|| ComplianceGroup {
                rule: f.rule,
                key: k,
                name,
                count: 0,
                case_ids: Vec::new(),
            });
            g.count += 1;
            if g.case_ids.len() < crate::ops::cases::MAX_CASE_IDS {
                g.case_ids.push(f.case_id.clone());
            }
        }
        let mut out: Vec<ComplianceGroup> = groups.into_values().collect();
        out.sort_by(|a, b| a.rule.cmp(&b.rule).then(b.count.cmp(&a.count)));
        out
    };
    let mut per_rule = group(&|_| (None, None));
    for rule in rules {
        if !per_rule.iter().any(|g| g.rule == rule) {
            per_rule.push(ComplianceGroup {
                rule,
                key: None,
                name: None,
                count: 0,
                case_ids: Vec::new(),
            });
        }
    }
    per_rule.sort_by_key(|g| g.rule);
    Ok(ComplianceResponse {
        checked_at: now.clone(),
        by_department: group(&|f| (f.department_id.clone(), f.department.clone())),
        by_handler: group(&|f| (f.handler_id.clone(), f.handler.clone())),
        rules: per_rule,
        findings,
    })
}
