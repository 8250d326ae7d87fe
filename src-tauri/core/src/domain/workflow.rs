//! The handling workflow (§四) as a state machine: which move is possible from which status, and
//! where it leads. Every operation that changes a case's status asks `next` first; the
//! projection only applies what was allowed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::case::CaseStatus;
use CaseStatus::*;

/// The main path: 已受理 → 调查核实 → 方案制定 → 沟通协商 → 执行中 → 结果反馈 → 已结案.
pub const MAIN_PATH: [CaseStatus; 7] =
    [Received, Investigating, Planning, Negotiating, Executing, Feedback, Closed];

/// What a handler does to move a case on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// 已受理 → 调查核实.
    StartInvestigation,
    /// 调查核实 → 方案制定: the facts are established.
    StartPlanning,
    /// 方案制定 → 沟通协商: a plan is put to the consumer.
    Offer,
    /// 沟通协商 → 执行中: the consumer accepts; the plan is locked.
    Accept,
    /// 沟通协商 → 方案制定: the consumer rejects or counters; the plan is revised.
    Reject,
    /// 执行中 → 结果反馈: every step is done.
    FinishExecution,
    /// 结果反馈 → 方案制定: the consumer is not satisfied (§四(六)2).
    Reopen,
    /// 结果反馈 → 已结案 (or 已受理 → 已结案 for a case settled on the spot).
    Close,
    /// Any open status → 已撤回: the consumer withdraws.
    Withdraw,
}

impl Move {
    pub const ALL: [Move; 9] = [
        Move::StartInvestigation,
        Move::StartPlanning,
        Move::Offer,
        Move::Accept,
        Move::Reject,
        Move::FinishExecution,
        Move::Reopen,
        Move::Close,
        Move::Withdraw,
    ];
}

/// Where `mv` takes a case in status `from`, if it is possible there.
pub fn next(from: CaseStatus, mv: Move) -> Option<CaseStatus> {
    let to = match (from, mv) {
        (Closed | Withdrawn | Merged, _) => return None,
        (_, Move::Withdraw) => Withdrawn,
        (Received, Move::StartInvestigation) => Investigating,
        (Investigating, Move::StartPlanning) => Planning,
        (Planning, Move::Offer) => Negotiating,
        (Negotiating, Move::Accept) => Executing,
        (Negotiating, Move::Reject) => Planning,
        (Executing, Move::FinishExecution) => Feedback,
        (Feedback, Move::Reopen) => Planning,
        (Feedback | Received, Move::Close) => Closed,
        _ => return None,
    };
    Some(to)
}

/// Whether any move leads from `from` to `to`.
pub fn may_transition(from: CaseStatus, to: CaseStatus) -> bool {
    Move::ALL.iter().any(|m| next(from, *m) == Some(to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_path_reopening_and_finished_states() {
        for w in MAIN_PATH.windows(2) {
            assert!(may_transition(w[0], w[1]), "{:?} → {:?}", w[0], w[1]);
        }
        assert_eq!(next(Feedback, Move::Reopen), Some(Planning));
        assert_eq!(next(Negotiating, Move::Reject), Some(Planning));
        assert_eq!(next(Received, Move::Close), Some(Closed));
        assert_eq!(next(Received, Move::Offer), None);
        assert_eq!(next(Planning, Move::Close), None, "no closing without feedback");
        assert!(!may_transition(Received, Executing));
        for s in [Closed, Withdrawn, Merged] {
            for m in Move::ALL {
                assert_eq!(next(s, m), None, "{s:?} is finished");
            }
        }
        for s in CaseStatus::ALL {
            assert!(!may_transition(*s, *s), "{s:?} to itself");
            assert!(!may_transition(*s, Merged), "only a merge makes a duplicate");
        }
    }
}
