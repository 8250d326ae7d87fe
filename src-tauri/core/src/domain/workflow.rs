//! Which status may follow which (§四). The full handling workflow, with its guards, grows in
//! the handling issue; the transitions themselves are fixed here so every writer obeys them.

use super::case::CaseStatus;
use CaseStatus::*;

/// The main path: 已受理 → 调查核实 → 方案制定 → 沟通协商 → 执行中 → 结果反馈 → 已结案.
pub const MAIN_PATH: [CaseStatus; 7] =
    [Received, Investigating, Planning, Negotiating, Executing, Feedback, Closed];

pub fn may_transition(from: CaseStatus, to: CaseStatus) -> bool {
    match (from, to) {
        (Closed | Withdrawn | Merged, _) => false,
        // Only a merge makes a duplicate (`cases.merge`), never a transition.
        (_, Merged) => false,
        // Withdrawal by the consumer is possible at any open step.
        (_, Withdrawn) => true,
        // Resolved on the spot: straight from intake to closing.
        (Received, Closed) => true,
        // Reopening when the consumer is not satisfied: back to a new plan (§四(六)2).
        (Feedback, Planning) => true,
        // A rejected offer sends the plan back for revision (§四(四)2).
        (Negotiating, Planning) => true,
        _ => MAIN_PATH.windows(2).any(|w| w[0] == from && w[1] == to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn main_path_reopening_and_finished_states() {
        for w in MAIN_PATH.windows(2) {
            assert!(may_transition(w[0], w[1]), "{:?} → {:?}", w[0], w[1]);
        }
        assert!(may_transition(Feedback, Planning));
        assert!(may_transition(Received, Closed));
        assert!(!may_transition(Received, Executing));
        assert!(!may_transition(Closed, Planning));
        assert!(!may_transition(Withdrawn, Received));
        for s in CaseStatus::ALL {
            assert!(!may_transition(*s, *s), "{s:?} to itself");
        }
    }
}
