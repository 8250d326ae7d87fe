//! Recording complaints: every field rule, the on-the-spot and the transfer paths, deadlines
//! in working days, and the example request in docs/.

use crate::support;

use redress_core::ops::dispatch;
use redress_core::{Actor, Lang};
use serde_json::{json, Value};

fn example() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/intake.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read example")).expect("JSON")
}

async fn create(t: &support::TempDb, req: &Value) -> Result<Value, redress_core::ApiError> {
    dispatch(&t.db, &Actor::system(), "cases.create", &req.to_string())
        .await
        .map_err(|e| e.to_api(Lang::Zh))
}

async fn events(t: &support::TempDb) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(t.db.pool()).await.expect("count")
}

#[tokio::test]
async fn the_documented_example_is_a_valid_complex_case() {
    let t = support::with_demo(10, 2).await;
    let mut req = example();
    req["expected_resolution"] = Value::Null; // the example's date may lie in the past by now
    let made = create(&t, &req).await.expect("valid");
    assert_eq!(made["status"], "received");
    let id = made["id"].as_str().expect("id");
    let detail = dispatch(&t.db, &Actor::system(), "cases.get", &json!({ "id": id }).to_string())
        .await
        .expect("get");
    assert_eq!(detail["consumer"]["mobile"], "13812345678", "stored without spaces");
    assert_eq!(detail["amount_paid_fen"], 239_900);
    assert_eq!(detail["case"]["handler"], "陈静", "transferred to the after-sales handler");
    assert_eq!(detail["case"]["store"], "上海徐汇店");
    assert_eq!(detail["case"]["department"], "售后服务部");
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["case.created", "case.assigned"]);
    assert!(made["case_no"].as_str().expect("no").contains("-HQ-"));
}

#[tokio::test]
async fn a_simple_case_is_settled_and_closed_in_the_same_sitting() {
    let t = support::with_demo(5, 2).await;
    let mut req = example();
    req["complexity"] = json!("simple");
    req["severity"] = json!("general");
    req["handler_id"] = Value::Null;
    req["expected_resolution"] = Value::Null;
    req["on_the_spot"] = json!({
        "answer": "已告知可凭发票在门店办理保修，并预约明日上门检测",
        "consumer_response": "同意",
        "satisfaction": "satisfied"
    });
    let made = create(&t, &req).await.expect("valid");
    assert_eq!(made["status"], "closed");
    assert_eq!(made["expected_resolution"], Value::Null);
    let id = made["id"].as_str().expect("id");
    let detail = dispatch(&t.db, &Actor::system(), "cases.get", &json!({ "id": id }).to_string())
        .await
        .expect("get");
    assert_eq!(detail["case"]["satisfaction"], "satisfied");
    assert!(detail["case"]["result"].as_str().expect("result").contains("预约明日上门检测"));
}

#[tokio::test]
async fn every_field_rule_names_its_field_and_nothing_is_saved() {
    let t = support::with_demo(5, 2).await;
    let cases = [
        ("purchased_at", json!("2099-01-01"), "field.invalid"),
        ("quantity", json!(0), "field.out_of_range"),
        ("amount_paid", json!("2399.505"), "field.invalid"),
        ("demand_amount", json!("-1"), "field.invalid"),
        ("content", json!("漏".repeat(5_001)), "field.too_long"),
        ("content", json!("   "), "field.required"),
        ("product_name", json!(""), "field.required"),
        ("store_id", json!("NO-SUCH-STORE"), "field.unknown_value"),
        ("handler_id", json!("nobody"), "field.unknown_value"),
        ("expected_resolution", json!("2020-01-01"), "field.invalid"),
    ];
    let before = events(&t).await;
    for (field, value, code) in cases {
        let mut req = example();
        req["expected_resolution"] = Value::Null;
        req[field] = value;
        let err = create(&t, &req).await.expect_err(field);
        assert_eq!(err.code, "validation.failed");
        let hit = err
            .fields
            .iter()
            .find(|f| f.field == field)
            .unwrap_or_else(|| panic!("{field}: {err:?}"));
        assert_eq!(hit.code, code, "{field}");
        assert!(!hit.message.is_empty());
    }
    let consumer_cases = [
        (json!({"name": "王芳", "mobile": "12812345678"}), "consumer.mobile", "field.invalid"),
        (json!({"name": "王芳", "landline": "64871234"}), "consumer.landline", "field.invalid"),
        (json!({"name": "王芳", "email": "wang@"}), "consumer.email", "field.invalid"),
        (json!({"name": "王芳", "address": "上海"}), "consumer.mobile", "field.required"),
        (json!({"name": "", "mobile": "13812345678"}), "consumer.name", "field.required"),
    ];
    for (consumer, field, code) in consumer_cases {
        let mut req = example();
        req["expected_resolution"] = Value::Null;
        req["consumer"] = consumer;
        let err = create(&t, &req).await.expect_err(field);
        let hit = err
            .fields
            .iter()
            .find(|f| f.field == field)
            .unwrap_or_else(|| panic!("{field}: {err:?}"));
        assert_eq!(hit.code, code, "{field}");
    }
    // Several problems at once are all reported.
    let mut req = example();
    req["quantity"] = json!(-3);
    req["purchased_at"] = json!("2099-01-01");
    req["consumer"]["mobile"] = json!("123");
    let err = create(&t, &req).await.expect_err("three problems");
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    for f in ["quantity", "purchased_at", "consumer.mobile"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert_eq!(events(&t).await, before, "a refused intake writes nothing");
}

#[tokio::test]
async fn the_same_mobile_number_is_the_same_consumer_and_deadlines_count_working_days() {
    let t = support::with_demo(5, 2).await;
    let mut req = example();
    req["expected_resolution"] = Value::Null;
    let first = create(&t, &req).await.expect("first");
    req["consumer"]["mobile"] = json!("+86 13812345678");
    let second = create(&t, &req).await.expect("second");
    let consumers: Vec<String> =
        sqlx::query_scalar("SELECT consumer_id FROM cases WHERE id IN (?, ?)")
            .bind(first["id"].as_str())
            .bind(second["id"].as_str())
            .fetch_all(t.db.pool())
            .await
            .expect("consumers");
    assert_eq!(consumers.len(), 2);
    assert_eq!(consumers[0], consumers[1]);
    // A serious case: 10 working days, counted on the holiday calendar.
    let received = chrono::DateTime::parse_from_rfc3339(
        &sqlx::query_scalar::<_, String>("SELECT received_at FROM cases WHERE id = ?")
            .bind(first["id"].as_str())
            .fetch_one(t.db.pool())
            .await
            .expect("received"),
    )
    .expect("time")
    .with_timezone(&chrono::Utc);
    let due = chrono::DateTime::parse_from_rfc3339(first["due_at"].as_str().expect("due"))
        .expect("time")
        .with_timezone(&chrono::Utc);
    assert_eq!(redress_core::calendar::Calendar::shipped().working_days_between(received, due), 10);
}

#[tokio::test]
async fn earlier_complaints_with_the_same_phone_or_order_are_found_while_typing() {
    let t = support::with_demo(5, 2).await;
    let mut req = example();
    req["expected_resolution"] = Value::Null;
    let first = create(&t, &req).await.expect("first");
    let related = |body: Value| {
        let db = t.db.clone();
        async move {
            dispatch(&db, &Actor::system(), "cases.related", &body.to_string())
                .await
                .expect("related")
        }
    };
    let by_phone = related(json!({ "mobile": "+86 138-1234-5678" })).await;
    assert_eq!(by_phone["consumer_case_count"], 1);
    assert_eq!(by_phone["items"][0]["id"], first["id"]);
    let by_order = related(json!({ "order_no": "HY20261103001234" })).await;
    assert_eq!(by_order["items"].as_array().expect("items").len(), 1);
    let nothing = related(json!({ "mobile": "13900000000", "order_no": "NONE" })).await;
    assert_eq!(nothing["items"].as_array().expect("items").len(), 0);
    let empty = related(json!({})).await;
    assert_eq!(empty["consumer_case_count"], 0);
}

#[tokio::test]
async fn a_paused_clock_is_never_overdue_and_resuming_moves_the_deadline() {
    use std::sync::Arc;

    use redress_core::hlc::ManualClock;
    use redress_core::{storage, OpenOptions};

    let t = support::with_demo(5, 2).await;
    let path = t.path();
    t.db.close().await;
    // Monday 2 November 2026, 10:00 in China.
    let clock = Arc::new(ManualClock::new(1_793_584_800_000));
    let mut options = OpenOptions::new(&path);
    options.clock = Box::new(clock.clone());
    let db = storage::open(options).await.expect("reopen");
    let system = Actor::system();
    let call = |name: &'static str, body: Value| {
        let db = db.clone();
        let system = system.clone();
        async move { dispatch(&db, &system, name, &body.to_string()).await }
    };
    let mut req = example();
    req["expected_resolution"] = Value::Null;
    req["purchased_at"] = json!("2026-10-30");
    let made = call("cases.create", req).await.expect("created");
    let id = made["id"].as_str().expect("id").to_owned();
    // Serious: ten working days, to the end of Monday 16 November.
    assert_eq!(made["due_at"], "2026-11-16T15:59:59.000Z");

    clock.set(1_793_584_800_000 + 86_400_000); // Tuesday 3 November
    let paused = call("cases.pause", json!({ "id": id, "reason": "等待第三方检测报告" }))
        .await
        .expect("paused");
    assert_eq!(paused["paused"], true);
    let again =
        call("cases.pause", json!({ "id": id, "reason": "x" })).await.expect_err("already paused");
    assert_eq!(again.code(), "case.invalid_state");

    clock.set(1_793_584_800_000 + 16 * 86_400_000); // Wednesday 18 November: past the old due date
    let row = call("cases.get", json!({ "id": id })).await.expect("get");
    assert_eq!(row["case"]["overdue"], false, "a paused clock is not overdue");
    assert_eq!(row["case"]["paused_reason"], "等待第三方检测报告");
    let overdue = call("cases.list", json!({ "overdue": true, "limit": 500 })).await.expect("list");
    assert!(overdue["items"].as_array().expect("items").iter().all(|i| i["id"] != json!(id)));

    clock.set(1_793_584_800_000 + 8 * 86_400_000); // back to Tuesday 10 November, and resume
    let resumed = call("cases.resume", json!({ "id": id })).await.expect("resumed");
    // Stood still for five working days (4, 5, 6, 9, 10 November): due Monday 23 November.
    assert_eq!(resumed["due_at"], "2026-11-23T15:59:59.000Z");
    let detail = call("cases.get", json!({ "id": id })).await.expect("get");
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert!(kinds.ends_with(&["case.clock_paused", "case.clock_resumed"]), "{kinds:?}");
    assert_eq!(detail["case"]["due_at"], "2026-11-23T15:59:59.000Z");
}
