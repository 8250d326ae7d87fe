//! Prevention (§二): training coverage per unit against an independent count, with passing
//! scores and the twelve-month window; the risk-point register from an alert to its review.

use crate::support::{self, call};

use std::collections::{BTreeMap, BTreeSet};

use chrono::Months;
use serde_json::{json, Value};

#[tokio::test]
async fn training_coverage_counts_staff_trained_within_twelve_months_and_passed() {
    let t = support::with_demo(20, 3).await;
    let db = &t.db;
    let head = support::actor(db, "head.as").await;
    let today = chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive();
    let old = today.checked_sub_months(Months::new(13)).expect("old").to_string();
    let recent = (today - chrono::Duration::days(30)).to_string();
    let accounts: Vec<(String, String)> =
        sqlx::query_as("SELECT id, username FROM accounts WHERE active = 1 ORDER BY username")
            .fetch_all(db.pool())
            .await
            .expect("accounts");
    let id = |name: &str| accounts.iter().find(|(_, u)| u == name).expect(name).0.clone();
    // A law course with a test: agent01 passes, agent02 fails. A year-old course for handler.as.
    // A course without a test for legal01.
    let law = call(
        db,
        &head,
        "trainings.record",
        json!({"topic": "civil_code_contracts",
        "title": "《民法典》合同编与格式条款", "held_on": recent, "trainer": "黄律", "hours": 3,
        "pass_score": 60, "attendees": [{"account_id": id("agent01"), "score": 90},
        {"account_id": id("agent02"), "score": 45}]}),
    )
    .await
    .expect("course");
    assert_eq!(law["attendees"].as_array().expect("attendees").len(), 2);
    let passed: BTreeSet<bool> = law["attendees"]
        .as_array()
        .expect("a")
        .iter()
        .map(|a| a["passed"].as_bool().expect("passed"))
        .collect();
    assert_eq!(passed, BTreeSet::from([true, false]));
    call(db, &head, "trainings.record", json!({"topic": "service_process", "title": "受理流程",
        "held_on": old, "trainer": "王强", "hours": 1.5, "attendees": [{"account_id": id("handler.as")}]}))
    .await
    .expect("old course");
    call(db, &head, "trainings.record", json!({"topic": "communication", "title": "沟通技巧",
        "held_on": recent, "trainer": "外聘讲师", "hours": 2, "attendees": [{"account_id": id("legal01")}]}))
    .await
    .expect("no test");
    // Bad input names its fields; nothing is saved.
    let bad = call(
        db,
        &head,
        "trainings.record",
        json!({"topic": "other", "title": "",
        "held_on": "2999-01-01", "trainer": "x", "hours": 0, "pass_score": 120,
        "attendees": [{"account_id": "nobody", "score": 101}]}),
    )
    .await
    .expect_err("bad");
    let fields: BTreeSet<String> = bad.fields.iter().map(|f| f.field.clone()).collect();
    for f in
        ["title", "held_on", "hours", "pass_score", "attendees[0].account_id", "attendees[0].score"]
    {
        assert!(fields.contains(f), "{f}: {fields:?}");
    }
    assert_eq!(
        call(db, &head, "trainings.list", json!({}))
            .await
            .expect("list")
            .as_array()
            .expect("l")
            .len(),
        3
    );

    let coverage = call(db, &head, "trainings.coverage", json!({})).await.expect("coverage");
    let since = coverage["since"].as_str().expect("since").to_owned();
    assert_eq!(since, today.checked_sub_months(Months::new(12)).expect("since").to_string());
    // Independently: per unit, active staff; trained = agent01 and legal01 only.
    let staff: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, unit_id FROM accounts WHERE active = 1")
            .fetch_all(db.pool())
            .await
            .expect("staff");
    let trained: BTreeSet<String> = [id("agent01"), id("legal01")].into();
    let mut expected: BTreeMap<Option<String>, (i64, i64, BTreeSet<String>)> = BTreeMap::new();
    for (account, unit) in &staff {
        let e = expected.entry(unit.clone()).or_default();
        e.0 += 1;
        if trained.contains(account) {
            e.1 += 1;
        } else {
            e.2.insert(account.clone());
        }
    }
    let units = coverage["units"].as_array().expect("units");
    assert_eq!(units.len(), expected.len());
    for u in units {
        let key = u["unit_id"].as_str().map(str::to_owned);
        let (n, k, overdue) = &expected[&key];
        assert_eq!(u["staff"], json!(n));
        assert_eq!(u["trained"], json!(k));
        let listed: BTreeSet<String> = u["overdue"]
            .as_array()
            .expect("o")
            .iter()
            .map(|o| o["account_id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(&listed, overdue);
        let rate = ((*k as f64) * 1000.0 / (*n as f64)).round() / 10.0;
        assert_eq!(u["rate"].as_f64(), Some(rate));
    }
    // handler.as is overdue with the date of the old course; agent02 failed the test.
    let all_overdue: Vec<&Value> =
        units.iter().flat_map(|u| u["overdue"].as_array().expect("o")).collect();
    let handler =
        all_overdue.iter().find(|o| o["account_id"] == id("handler.as").as_str()).expect("handler");
    assert_eq!(handler["last_trained_on"], json!(old));
    let failed =
        all_overdue.iter().find(|o| o["account_id"] == id("agent02").as_str()).expect("agent02");
    assert!(failed["last_trained_on"].is_null());
    let agent = support::actor(db, "agent01").await;
    assert_eq!(
        call(db, &agent, "trainings.coverage", json!({})).await.expect_err("forbidden").code,
        "auth.forbidden"
    );
}

#[tokio::test]
async fn a_risk_point_from_an_alert_is_followed_to_its_review() {
    let t = support::with_demo(30, 4).await;
    let db = &t.db;
    let head = support::actor(db, "head.as").await;
    let agent = support::actor(db, "agent02").await;
    let today = chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive();
    let due = (today + chrono::Duration::days(14)).to_string();
    let alert = json!({"dimension": "product", "value": "JSQ16-X9", "label": "燃气热水器 JSQ16-X9",
        "window_hours": 48, "observed": 14, "expected": 2.3});
    let missing = call(
        db,
        &head,
        "risks.record",
        json!({"title": "热水器漏水", "description": "集中投诉",
        "source_kind": "alert", "measures": "抽检同批次", "owner_id": agent.id, "due_on": due}),
    )
    .await
    .expect_err("an alert's risk needs what the alert showed");
    assert_eq!(missing.fields[0].field, "source");
    let past = call(
        db,
        &head,
        "risks.record",
        json!({"title": "x", "description": "y",
        "source_kind": "manual", "measures": "z", "owner_id": agent.id, "due_on": "2020-01-01"}),
    )
    .await
    .expect_err("due in the past");
    assert_eq!(past.fields[0].field, "due_on");
    let risk = call(
        db,
        &head,
        "risks.record",
        json!({"title": "燃气热水器 JSQ16-X9 漏水集中投诉",
        "description": "48小时内14件，预期2.3件", "source_kind": "alert", "source": alert,
        "measures": "同批次下架抽检；安装工复训", "owner_id": agent.id, "due_on": due}),
    )
    .await
    .expect("recorded");
    assert_eq!(risk["status"], "open");
    assert_eq!(risk["source"], alert);
    assert_eq!(risk["overdue"], false);
    let id = risk["id"].as_str().expect("id").to_owned();
    // The owner reviews it without supervision rights; someone else may not.
    let other = support::actor(db, "agent01").await;
    let refused =
        call(db, &other, "risks.review", json!({"id": id, "review": "x", "status": "closed"}))
            .await
            .expect_err("not theirs");
    assert_eq!(refused.code, "auth.forbidden");
    let reviewed = call(
        db,
        &agent,
        "risks.review",
        json!({"id": id,
        "review": "同批次已下架，复训完成，两周无新增投诉", "status": "mitigated"}),
    )
    .await
    .expect("reviewed");
    assert_eq!(reviewed["status"], "mitigated");
    let open = call(db, &agent, "risks.list", json!({"status": "open"})).await.expect("list");
    assert!(open.as_array().expect("l").iter().all(|r| r["id"] != id.as_str()));
    let before = redress_core::projection::snapshot(db).await.expect("snapshot");
    redress_core::projection::rebuild(db).await.expect("rebuild");
    assert_eq!(redress_core::projection::snapshot(db).await.expect("snapshot"), before);
}
