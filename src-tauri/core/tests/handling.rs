//! Handling a dispute end to end (§四): the whole path with a rejected offer, an approval, a
//! delay and a reopening; the moves the workflow refuses; and random sequences of commands by
//! random roles, which must never reach an invalid state and must replay to the same state.

use crate::support;

use proptest::prelude::*;
use redress_core::auth::accounts::load_actor;
use redress_core::ops::dispatch;
use redress_core::{projection, Actor, ApiError, Lang};
use serde_json::{json, Value};

fn today() -> String {
    chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive().to_string()
}

fn later(days: i64) -> String {
    (chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive()
        + chrono::Duration::days(days))
    .to_string()
}

async fn as_account(t: &support::TempDb, username: &str) -> Actor {
    let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE username = ?")
        .bind(username)
        .fetch_one(t.db.pool())
        .await
        .expect("account");
    let mut conn = t.db.pool().acquire().await.expect("conn");
    load_actor(&mut conn, &id).await.expect("actor")
}

async fn call(t: &support::TempDb, actor: &Actor, op: &str, req: Value) -> Result<Value, ApiError> {
    dispatch(&t.db, actor, op, &req.to_string()).await.map_err(|e| e.to_api(Lang::Zh))
}

fn status(v: &Value) -> &str {
    v["status"].as_str().expect("status")
}

fn plan(version: &str, amount: &str) -> Value {
    json!([
        {"kind": "exchange", "description": format!("{version}：更换同型号新机"),
         "responsible_id": "handler.as", "steps": [
            {"title": "调拨新机", "due_on": later(3)}, {"title": "上门更换并回收旧机", "due_on": later(5)}]},
        {"kind": "compensation", "description": "补偿误工", "amount": amount,
         "responsible_id": "handler.as", "steps": [{"title": "支付补偿", "due_on": later(5)}]}
    ])
}

#[tokio::test]
async fn a_complex_case_from_team_to_closing_with_a_rejection_a_delay_and_a_reopening() {
    let t = support::with_demo(20, 11).await;
    let handler = as_account(&t, "handler.as").await;
    let legal = as_account(&t, "legal01").await;
    let case = support::drive_to(&t.db, support::Stage::Received).await;
    let id = case.case_id.as_str();

    // A dispute team: legal, customer service, the business department's head.
    call(&t, &handler, "cases.team_set", json!({"id": id, "members": [
        {"account_id": "handler.as", "role": "customer_service", "duty": "牵头处理、对接消费者", "lead": true},
        {"account_id": "legal01", "role": "legal", "duty": "出具法律意见"},
        {"account_id": "handler.qa", "role": "business", "duty": "组织质量检测"}]}))
    .await
    .expect("team");
    // The quality department's handler sees the case as a member and has it in their work list.
    let qa = as_account(&t, "handler.qa").await;
    let work = call(&t, &qa, "work.list", json!({})).await.expect("work list");
    assert!(work["cases"].as_array().expect("cases").iter().any(|c| c["id"] == id));

    // Planning before any fact is established is refused.
    call(&t, &handler, "cases.advance", json!({"id": id, "move": "start_investigation"}))
        .await
        .expect("investigate");
    let early = call(&t, &handler, "cases.advance", json!({"id": id, "move": "start_planning"}))
        .await
        .expect_err("no facts yet");
    assert_eq!(early.code, "case.invalid_state");
    call(
        &t,
        &handler,
        "cases.investigate",
        json!({"id": id, "fact": "检测报告确认压缩机故障",
        "source_kind": "document", "source": "第三方检测报告 No.2026-118", "found_on": today()}),
    )
    .await
    .expect("note");
    call(&t, &handler, "cases.advance", json!({"id": id, "move": "start_planning"}))
        .await
        .expect("planning");

    // v1 offered and countered; v2 needs approval (compensation above ¥2,000), then accepted.
    let v1 = call(
        &t,
        &handler,
        "plans.draft",
        json!({"case_id": id, "summary": "换机", "measures": plan("v1", "200")}),
    )
    .await
    .expect("v1");
    assert_eq!((v1["version"].as_i64(), v1["status"].as_str()), (Some(1), Some("draft")));
    call(&t, &handler, "plans.offer", json!({"plan_id": v1["id"]})).await.expect("offer v1");
    let countered = call(
        &t,
        &handler,
        "cases.negotiate",
        json!({"case_id": id, "held_on": today(),
        "method": "phone", "response": "counter", "counter": "换机并补偿 3000 元"}),
    )
    .await
    .expect("counter");
    assert_eq!(status(&countered), "planning");
    let v2 = call(
        &t,
        &handler,
        "plans.draft",
        json!({"case_id": id, "summary": "换机并补偿", "measures": plan("v2", "3000")}),
    )
    .await
    .expect("v2");
    assert_eq!(
        (v2["version"].as_i64(), v2["status"].as_str()),
        (Some(2), Some("pending_approval"))
    );
    let unapproved = call(&t, &handler, "plans.offer", json!({"plan_id": v2["id"]}))
        .await
        .expect_err("not approved");
    assert_eq!(unapproved.code, "case.invalid_state");
    let not_allowed =
        call(&t, &handler, "plans.decide", json!({"plan_id": v2["id"], "approved": true}))
            .await
            .expect_err("a handler does not approve");
    assert_eq!(not_allowed.code, "auth.forbidden");
    let approvals = call(&t, &legal, "work.list", json!({})).await.expect("legal's work");
    assert!(approvals["approvals"]
        .as_array()
        .expect("approvals")
        .iter()
        .any(|a| a["plan_id"] == v2["id"]));
    call(
        &t,
        &legal,
        "plans.decide",
        json!({"plan_id": v2["id"], "approved": true, "note": "同意"}),
    )
    .await
    .expect("approve");
    call(&t, &handler, "plans.offer", json!({"plan_id": v2["id"]})).await.expect("offer v2");
    let accepted = call(
        &t,
        &handler,
        "cases.negotiate",
        json!({"case_id": id, "held_on": today(),
        "method": "in_person", "response": "accepted"}),
    )
    .await
    .expect("accept");
    assert_eq!(status(&accepted), "executing");

    // Execution: a delay needs the consumer informed; the case cannot go on with steps open.
    let h = call(&t, &handler, "cases.handling", json!({"id": id})).await.expect("handling");
    let steps: Vec<String> = h["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(steps.len(), 3);
    let uninformed = call(
        &t,
        &handler,
        "steps.delay",
        json!({"step_id": steps[0], "reason": "新机缺货",
        "new_due_on": later(10), "informed_on": today()}),
    )
    .await
    .expect_err("the consumer must be informed");
    assert_eq!(uninformed.code, "request.malformed");
    assert_eq!(uninformed.fields[0].field, "informed_by");
    call(
        &t,
        &handler,
        "steps.delay",
        json!({"step_id": steps[0], "reason": "新机缺货，厂家补货中",
        "new_due_on": later(10), "informed_by": "sms", "informed_on": today()}),
    )
    .await
    .expect("delay");
    call(&t, &handler, "steps.complete", json!({"step_id": steps[0], "done_on": today()}))
        .await
        .expect("done");
    let open = call(&t, &handler, "cases.advance", json!({"id": id, "move": "finish_execution"}))
        .await
        .expect_err("steps open");
    assert_eq!(open.code, "case.invalid_state");
    for s in &steps[1..] {
        call(&t, &handler, "steps.complete", json!({"step_id": s, "done_on": today()}))
            .await
            .expect("done");
    }
    call(&t, &handler, "cases.advance", json!({"id": id, "move": "finish_execution"}))
        .await
        .expect("feedback");

    // 不满意 reopens (reasons required); v3, accepted, executed; 满意; closed as typical.
    let no_reason = call(
        &t,
        &handler,
        "cases.feedback",
        json!({"id": id, "communicated_by": "phone",
        "satisfaction": "dissatisfied", "score": 2}),
    )
    .await
    .expect_err("reasons");
    assert_eq!(no_reason.fields[0].field, "comments");
    let reopened = call(
        &t,
        &handler,
        "cases.feedback",
        json!({"id": id, "communicated_by": "phone",
        "satisfaction": "dissatisfied", "score": 2, "comments": "新机外观有划痕"}),
    )
    .await
    .expect("reopen");
    assert_eq!(status(&reopened), "planning");
    let v3 = call(&t, &handler, "plans.draft", json!({"case_id": id, "summary": "再次换机",
        "measures": [{"kind": "exchange", "description": "更换无划痕新机", "responsible_id": "handler.as",
        "steps": [{"title": "上门更换", "due_on": later(2)}]}]}))
    .await
    .expect("v3");
    assert_eq!(v3["version"], 3);
    call(&t, &handler, "plans.offer", json!({"plan_id": v3["id"]})).await.expect("offer v3");
    call(
        &t,
        &handler,
        "cases.negotiate",
        json!({"case_id": id, "held_on": today(), "method": "phone", "response": "accepted"}),
    )
    .await
    .expect("accept v3");
    let h = call(&t, &handler, "cases.handling", json!({"id": id})).await.expect("handling");
    for s in h["steps"].as_array().expect("steps").iter().filter(|s| s["done_on"].is_null()) {
        call(&t, &handler, "steps.complete", json!({"step_id": s["id"], "done_on": today()}))
            .await
            .expect("done");
    }
    call(&t, &handler, "cases.advance", json!({"id": id, "move": "finish_execution"}))
        .await
        .expect("feedback");
    let premature = call(
        &t,
        &handler,
        "cases.close",
        json!({"id": id, "result": "x", "root_cause": "product_defect"}),
    )
    .await
    .expect_err("no feedback on this round yet");
    assert_eq!(premature.code, "case.invalid_state");
    call(
        &t,
        &handler,
        "cases.feedback",
        json!({"id": id, "communicated_by": "phone", "satisfaction": "satisfied", "score": 5}),
    )
    .await
    .expect("satisfied");
    let closed = call(
        &t,
        &handler,
        "cases.close",
        json!({"id": id, "result": "两次换机，消费者满意",
        "root_cause": "product_defect", "typical": true}),
    )
    .await
    .expect("close");
    assert_eq!(status(&closed), "closed");

    let h = call(&t, &handler, "cases.handling", json!({"id": id})).await.expect("handling");
    assert_eq!(h["reopen_count"], 1);
    assert_eq!(h["typical"], true);
    let versions: Vec<(i64, &str)> = h["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .map(|p| (p["version"].as_i64().expect("v"), p["status"].as_str().expect("s")))
        .collect();
    assert_eq!(versions, [(3, "accepted"), (2, "accepted"), (1, "rejected")], "never overwritten");
    assert_eq!(h["rounds"].as_array().expect("rounds").len(), 3);
    assert_eq!(h["feedback"].as_array().expect("feedback").len(), 2);
    assert_eq!(h["moves"], json!([]), "closed: nothing more");
    let detail = call(&t, &handler, "cases.get", json!({"id": id})).await.expect("detail");
    assert_eq!(detail["case"]["satisfaction"], "satisfied");
    assert_eq!(detail["root_cause"], "product_defect");

    let before = projection::snapshot(&t.db).await.expect("snapshot");
    projection::rebuild(&t.db).await.expect("rebuild");
    assert_eq!(
        projection::snapshot(&t.db).await.expect("snapshot"),
        before,
        "replay gives the live state"
    );
}

#[tokio::test]
async fn withdrawal_needs_a_reason_and_finished_cases_take_no_more_moves() {
    let t = support::with_demo(5, 12).await;
    let handler = as_account(&t, "handler.as").await;
    let case = support::drive_to(&t.db, support::Stage::Negotiating).await;
    let no_reason =
        call(&t, &handler, "cases.advance", json!({"id": case.case_id, "move": "withdraw"}))
            .await
            .expect_err("reason");
    assert_eq!(no_reason.fields[0].field, "note");
    let done = call(
        &t,
        &handler,
        "cases.advance",
        json!({"id": case.case_id, "move": "withdraw", "note": "消费者已与厂家直接和解"}),
    )
    .await
    .expect("withdraw");
    assert_eq!(status(&done), "withdrawn");
    for (op, req) in [
        ("cases.advance", json!({"id": case.case_id, "move": "start_investigation"})),
        (
            "cases.negotiate",
            json!({"case_id": case.case_id, "held_on": today(), "method": "phone", "response": "accepted"}),
        ),
        ("cases.team_set", json!({"id": case.case_id, "members": []})),
    ] {
        let e = call(&t, &handler, op, req).await.expect_err("finished");
        assert_eq!(e.code, "case.invalid_state", "{op}");
    }
    // Moves that have their own operation are not taken by `advance`.
    let other = support::drive_to(&t.db, support::Stage::Feedback).await;
    let e = call(&t, &handler, "cases.advance", json!({"id": other.case_id, "move": "close"}))
        .await
        .expect_err("close has its own operation");
    assert_eq!(e.fields[0].field, "move");
}

// ---------------------------------------------------------------------------------------------
// Random sequences

const ROLES: [&str; 7] =
    ["system", "agent01", "handler.as", "legal01", "head.as", "manager01", "sysadmin"];

#[derive(Debug, Clone)]
enum Command {
    /// Whatever moves the case on from where it stands, with a random answer where the
    /// consumer has one (accept or not, satisfied or not).
    Progress(u8),
    Advance(u8),
    Team,
    Investigate,
    Draft {
        big: bool,
    },
    Decide(bool),
    Offer,
    Negotiate(u8),
    Complete,
    Delay,
    Feedback(u8),
    Close,
}

fn command() -> impl Strategy<Value = Command> {
    // Weighted towards moving on, so that runs reach execution, feedback and reopening; a
    // withdrawal (which ends the run's case) is rare.
    prop_oneof![
        30 => any::<u8>().prop_map(Command::Progress),
        6 => (0u8..3).prop_map(Command::Advance),
        1 => Just(Command::Advance(3)),
        1 => Just(Command::Team),
        3 => Just(Command::Investigate),
        4 => any::<bool>().prop_map(|big| Command::Draft { big }),
        2 => any::<bool>().prop_map(Command::Decide),
        4 => Just(Command::Offer),
        4 => (0u8..4).prop_map(|r| Command::Negotiate(if r == 3 { 0 } else { r })),
        6 => Just(Command::Complete),
        1 => Just(Command::Delay),
        4 => (0u8..3).prop_map(Command::Feedback),
        3 => Just(Command::Close),
    ]
}

/// Mostly people who may handle cases; sometimes those who may not.
fn role() -> impl Strategy<Value = usize> {
    prop_oneof![8 => prop::sample::select(vec![0usize, 2, 3, 4, 5]), 1 => Just(1usize), 1 => Just(6usize)]
}

/// The request for a command against the case as it now stands.
async fn request(t: &support::TempDb, id: &str, c: &Command) -> (&'static str, Value) {
    let latest_plan: Option<String> = sqlx::query_scalar(
        "SELECT id FROM case_plans WHERE case_id = ? ORDER BY version DESC LIMIT 1",
    )
    .bind(id)
    .fetch_optional(t.db.pool())
    .await
    .expect("plan");
    let open_step: Option<String> = sqlx::query_scalar(
        "SELECT id FROM case_steps WHERE case_id = ? AND done_on IS NULL ORDER BY position LIMIT 1",
    )
    .bind(id)
    .fetch_optional(t.db.pool())
    .await
    .expect("step");
    const RESPONSES: [&str; 3] = ["accepted", "rejected", "counter"];
    const SATISFACTIONS: [&str; 3] = ["satisfied", "fairly_satisfied", "dissatisfied"];
    let moves = ["start_investigation", "start_planning", "finish_execution", "withdraw"];
    let progress = match c {
        Command::Progress(n) => {
            let (status, notes): (String, i64) = sqlx::query_as(
                "SELECT status, (SELECT COUNT(*) FROM case_notes WHERE case_id = cases.id) \
                 FROM cases WHERE id = ?",
            )
            .bind(id)
            .fetch_one(t.db.pool())
            .await
            .expect("case");
            let plan_status: Option<String> = sqlx::query_scalar(
                "SELECT status FROM case_plans WHERE case_id = ? ORDER BY version DESC LIMIT 1",
            )
            .bind(id)
            .fetch_optional(t.db.pool())
            .await
            .expect("plan");
            Some(match (status.as_str(), plan_status.as_deref()) {
                ("received", _) => Command::Advance(0),
                ("investigating", _) if notes == 0 => Command::Investigate,
                ("investigating", _) => Command::Advance(1),
                ("planning", Some("pending_approval")) => Command::Decide(n % 4 != 0),
                ("planning", Some("draft")) => Command::Offer,
                ("planning", _) => Command::Draft { big: n % 3 == 0 },
                ("negotiating", _) => Command::Negotiate(if n % 2 == 0 { 0 } else { 1 + n % 2 }),
                ("executing", _) if open_step.is_some() => Command::Complete,
                ("executing", _) => Command::Advance(2),
                ("feedback", _) if n % 4 == 0 => Command::Feedback(2),
                ("feedback", _) if n % 4 == 1 => Command::Close,
                ("feedback", _) => Command::Feedback(n % 2),
                _ => Command::Close,
            })
        }
        _ => None,
    };
    let c = progress.as_ref().unwrap_or(c);
    match c {
        Command::Progress(_) => unreachable!("resolved above"),
        Command::Advance(m) => {
            ("cases.advance", json!({"id": id, "move": moves[*m as usize], "note": "随机"}))
        }
        Command::Team => (
            "cases.team_set",
            json!({"id": id, "members": [
            {"account_id": "handler.as", "role": "customer_service", "duty": "牵头", "lead": true}]}),
        ),
        Command::Investigate => (
            "cases.investigate",
            json!({"id": id, "fact": "事实", "source_kind": "other",
            "source": "来源", "found_on": today()}),
        ),
        Command::Draft { big } => (
            "plans.draft",
            json!({"case_id": id, "summary": "方案", "measures": [
            {"kind": "compensation", "description": "补偿", "amount": if *big { "9000" } else { "100" },
             "responsible_id": "handler.as", "steps": [{"title": "支付", "due_on": later(3)}]}]}),
        ),
        Command::Decide(ok) => (
            "plans.decide",
            json!({"plan_id": latest_plan.unwrap_or_default(),
            "approved": ok, "note": "意见"}),
        ),
        Command::Offer => ("plans.offer", json!({"plan_id": latest_plan.unwrap_or_default()})),
        Command::Negotiate(r) => (
            "cases.negotiate",
            json!({"case_id": id, "held_on": today(), "method": "phone",
            "response": RESPONSES[*r as usize], "counter": "反提议"}),
        ),
        Command::Complete => (
            "steps.complete",
            json!({"step_id": open_step.unwrap_or_default(), "done_on": today()}),
        ),
        Command::Delay => (
            "steps.delay",
            json!({"step_id": open_step.unwrap_or_default(), "reason": "延期",
            "new_due_on": later(9), "informed_by": "phone", "informed_on": today()}),
        ),
        Command::Feedback(s) => (
            "cases.feedback",
            json!({"id": id, "communicated_by": "phone",
            "satisfaction": SATISFACTIONS[*s as usize], "score": 3,
            "comments": "意见"}),
        ),
        Command::Close => {
            ("cases.close", json!({"id": id, "result": "结果", "root_cause": "other"}))
        }
    }
}

/// What must hold whatever happened.
async fn check_invariants(t: &support::TempDb, id: &str) {
    let (status, reopen): (String, i64) =
        sqlx::query_as("SELECT status, reopen_count FROM cases WHERE id = ?")
            .bind(id)
            .fetch_one(t.db.pool())
            .await
            .expect("case");
    let plans: Vec<(String,)> = sqlx::query_as("SELECT status FROM case_plans WHERE case_id = ?")
        .bind(id)
        .fetch_all(t.db.pool())
        .await
        .expect("plans");
    let count = |s: &str| plans.iter().filter(|(p,)| p == s).count();
    let steps: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_steps WHERE case_id = ?")
        .bind(id)
        .fetch_one(t.db.pool())
        .await
        .expect("steps");
    assert!(count("offered") <= 1, "one offer at a time");
    // Negotiating ⇔ an offer on the table — or the consumer withdrew while it was (it stays
    // on record as offered).
    if status == "negotiating" {
        assert_eq!(count("offered"), 1, "negotiating without an offer");
    } else {
        assert!(
            count("offered") == 0 || status == "withdrawn",
            "an offer outstanding while {status}"
        );
    }
    if matches!(status.as_str(), "executing" | "feedback" | "closed") {
        assert!(count("accepted") >= 1, "{status} needs an accepted plan");
        assert!(steps > 0);
    }
    if matches!(status.as_str(), "received" | "investigating") {
        assert!(plans.is_empty(), "no plans before planning");
    }
    if status == "closed" {
        let last: String = sqlx::query_scalar(
            "SELECT satisfaction FROM case_feedback WHERE case_id = ? ORDER BY created_hlc DESC LIMIT 1",
        )
        .bind(id)
        .fetch_one(t.db.pool())
        .await
        .expect("feedback before closing");
        assert_ne!(last, "dissatisfied");
    }
    let dissatisfied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM case_feedback WHERE case_id = ? AND satisfaction = 'dissatisfied'",
    )
    .bind(id)
    .fetch_one(t.db.pool())
    .await
    .expect("feedback");
    assert_eq!(reopen, dissatisfied, "each 不满意 reopened once");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_by_random_roles_keep_the_case_valid_and_replay_exactly(
        seed in 0u64..1_000,
        script in proptest::collection::vec((role(), command()), 1..120),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let t = support::with_demo(3, seed).await;
            let case = support::drive_to(&t.db, support::Stage::Received).await;
            let mut actors = Vec::new();
            for role in ROLES {
                actors.push(if role == "system" { Actor::system() } else { as_account(&t, role).await });
            }
            for (role, c) in &script {
                let (op, req) = request(&t, &case.case_id, c).await;
                let before = projection::snapshot(&t.db).await.expect("snapshot");
                match dispatch(&t.db, &actors[*role], op, &req.to_string()).await {
                    Ok(_) => {}
                    Err(e) => {
                        let code = e.code();
                        assert!(
                            matches!(code, "auth.forbidden" | "case.invalid_state" | "validation.failed" | "entity.not_found"),
                            "{op} by {}: unexpected {code}", ROLES[*role]
                        );
                        assert_eq!(projection::snapshot(&t.db).await.expect("snapshot"), before, "a refused {op} changed state");
                    }
                }
                check_invariants(&t, &case.case_id).await;
            }
            let live = projection::snapshot(&t.db).await.expect("snapshot");
            projection::rebuild(&t.db).await.expect("rebuild");
            assert_eq!(projection::snapshot(&t.db).await.expect("snapshot"), live);
            t.db.close().await;
        });
    }
}
