//! Operations by name, as the CLI and the app call them.

use crate::support;

use redress_core::ops::dispatch;
use redress_core::{Actor, Lang};

async fn call(
    t: &support::TempDb,
    name: &str,
    json: &str,
) -> Result<serde_json::Value, redress_core::ApiError> {
    dispatch(&t.db, &Actor::system(), name, json).await.map_err(|e| e.to_api(Lang::Zh))
}

#[tokio::test]
async fn cases_list_pages_and_sorts() {
    let t = support::with_demo(120, 5).await;
    let page = call(&t, "cases.list", r#"{"limit": 5}"#).await.expect("list");
    assert_eq!(page["total"], 120);
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 5);
    let received: Vec<&str> =
        items.iter().map(|i| i["received_at"].as_str().expect("time")).collect();
    assert!(received.windows(2).all(|w| w[0] >= w[1]), "newest first by default");

    let asc = call(&t, "cases.list", r#"{"limit": 500, "sort_by": "case_no", "sort_dir": "asc"}"#)
        .await
        .expect("list");
    let numbers: Vec<&str> = asc["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["case_no"].as_str().expect("no"))
        .collect();
    assert_eq!(numbers.len(), 120);
    assert!(numbers.windows(2).all(|w| w[0] < w[1]));
    assert!(numbers[0].ends_with("-HQ-000001"), "{}", numbers[0]);

    let second = call(&t, "cases.list", r#"{"limit": 5, "offset": 5}"#).await.expect("page 2");
    assert_ne!(second["items"][0]["id"], items[0]["id"]);

    let closed =
        call(&t, "cases.list", r#"{"status": "closed", "limit": 500}"#).await.expect("closed");
    assert!(closed["items"].as_array().expect("items").iter().all(|i| i["status"] == "closed"));
    assert!(closed["total"].as_i64().expect("n") > 0);

    let open = call(&t, "cases.list", r#"{"open": true, "limit": 500}"#).await.expect("open");
    let open_items = open["items"].as_array().expect("items");
    assert!(open_items.iter().all(|i| i["status"] != "closed" && i["status"] != "withdrawn"));
    let overdue =
        call(&t, "cases.list", r#"{"overdue": true, "limit": 500}"#).await.expect("overdue");
    let overdue_items = overdue["items"].as_array().expect("items");
    assert!(overdue_items.iter().all(|i| i["overdue"] == true));
    let flagged = open_items.iter().filter(|i| i["overdue"] == true).count();
    assert_eq!(overdue["total"].as_u64().expect("n") as usize, flagged);

    // The complements: every case is either open or finished, either overdue or not.
    let count = |json: &'static str| {
        let t = &t;
        async move { call(t, "cases.list", json).await.expect("list")["total"].as_i64().expect("n") }
    };
    assert_eq!(count(r#"{"open": true}"#).await + count(r#"{"open": false}"#).await, 120);
    assert_eq!(count(r#"{"overdue": true}"#).await + count(r#"{"overdue": false}"#).await, 120);
    assert_eq!(count(r#"{"open": false, "overdue": true}"#).await, 0);
    assert_eq!(
        count(r#"{"open": true, "overdue": false}"#).await + count(r#"{"overdue": true}"#).await,
        count(r#"{"open": true}"#).await
    );
}

#[tokio::test]
async fn status_and_severity_sort_by_meaning_not_spelling() {
    let t = support::with_demo(300, 8).await;
    let rank = |list: &serde_json::Value, key: &str, order: &[&str]| -> Vec<usize> {
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| order.iter().position(|o| i[key] == *o).expect("known code"))
            .collect()
    };
    let severities = ["general", "serious", "major", "mass"];
    let by_severity =
        call(&t, "cases.list", r#"{"limit": 500, "sort_by": "severity", "sort_dir": "asc"}"#)
            .await
            .expect("list");
    let ranks = rank(&by_severity, "severity", &severities);
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "general → serious → major → mass");
    let statuses = [
        "received",
        "investigating",
        "planning",
        "negotiating",
        "executing",
        "feedback",
        "closed",
        "withdrawn",
    ];
    let by_status =
        call(&t, "cases.list", r#"{"limit": 500, "sort_by": "status", "sort_dir": "desc"}"#)
            .await
            .expect("list");
    let ranks = rank(&by_status, "status", &statuses);
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "workflow order, last step first");
}

#[tokio::test]
async fn demo_data_can_be_added_twice() {
    let t = support::with_demo(40, 3).await;
    let again = call(&t, "demo.generate", r#"{"cases": 40, "seed": 3, "until": "2026-11-28"}"#)
        .await
        .expect("a second batch");
    assert_eq!(again["cases_created"], 40);
    assert_eq!(again["org_units_created"], 0, "the organisation exists already");
    let all = call(&t, "cases.list", r#"{"limit": 1}"#).await.expect("list");
    assert_eq!(all["total"], 80);
}

#[tokio::test]
async fn cases_get_gives_the_case_and_its_timeline() {
    let t = support::with_demo(30, 5).await;
    let page = call(&t, "cases.list", r#"{"status": "closed", "limit": 1}"#).await.expect("list");
    let id = page["items"][0]["id"].as_str().expect("id");
    let detail = call(&t, "cases.get", &format!(r#"{{"id": "{id}"}}"#)).await.expect("get");
    assert_eq!(detail["case"]["id"], id);
    let timeline = detail["timeline"].as_array().expect("timeline");
    assert_eq!(timeline[0]["kind"], "case.created");
    assert_eq!(timeline.last().expect("last")["kind"], "case.closed");
    assert!(timeline[0]["detail"].get("sealed").is_none(), "sealed data stays out of the timeline");
    assert!(!detail["consumer"]["name"].as_str().expect("name").is_empty());
}

#[tokio::test]
async fn bad_requests_get_typed_errors_naming_the_field() {
    let t = support::fresh().await;
    let err = call(&t, "cases.list", r#"{"limit": "five"}"#).await.expect_err("malformed");
    assert_eq!(err.code, "request.malformed");
    assert_eq!(err.fields[0].field, "limit");

    let err = call(&t, "cases.list", r#"{"limit": 0}"#).await.expect_err("range");
    assert_eq!(err.code, "validation.failed");
    assert_eq!(err.fields[0].field, "limit");
    assert_eq!(err.fields[0].code, "field.out_of_range");

    let err = call(&t, "cases.list", r#"{"limt": 5}"#).await.expect_err("unknown field");
    assert_eq!(err.code, "request.malformed");

    let err = call(&t, "cases.list", "{not json").await.expect_err("not json");
    assert_eq!(err.code, "request.malformed");

    let err = call(&t, "cases.nope", "{}").await.expect_err("unknown op");
    assert_eq!(err.code, "request.unknown_operation");

    let err = call(&t, "cases.get", r#"{"id": "missing"}"#).await.expect_err("missing");
    assert_eq!(err.code, "entity.not_found");

    let err = call(&t, "demo.generate", r#"{"cases": 0, "until": "2026-13-01"}"#)
        .await
        .expect_err("invalid");
    let fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["cases", "until"]);
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(t.db.pool()).await.expect("n");
    assert_eq!(count, 0, "a refused request writes nothing");
}

#[tokio::test]
async fn demo_data_is_deterministic_for_a_seed() {
    let a = support::with_demo(200, 11).await;
    let b = support::with_demo(200, 11).await;
    let c = support::with_demo(200, 12).await;
    let req = r#"{"limit": 500, "sort_by": "case_no", "sort_dir": "asc"}"#;
    let la = call(&a, "cases.list", req).await.expect("a");
    let lb = call(&b, "cases.list", req).await.expect("b");
    let lc = call(&c, "cases.list", req).await.expect("c");
    let strip = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        // `overdue` depends on today; ids are each database's own (mixed with its site's id, so
        // that two sites loading the same demo create nothing twice); everything else is the
        // seed's.
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                let mut i = i.clone();
                let fields = i.as_object_mut().expect("object");
                fields.remove("overdue");
                fields.retain(|k, _| k != "id" && !k.ends_with("_id"));
                i
            })
            .collect()
    };
    assert_eq!(strip(&la), strip(&lb));
    assert_ne!(strip(&la), strip(&lc));
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["items"].as_array().expect("items").iter().map(|i| i["id"].to_string()).collect()
    };
    assert!(
        ids(&la).iter().zip(ids(&lb)).all(|(x, y)| *x != y),
        "the same demo at two databases under ids of their own"
    );
}

#[tokio::test]
async fn demo_data_looks_like_a_living_retailer() {
    let t = support::with_demo(2_000, 1).await;
    let pool = t.db.pool();
    let distinct = |col: &'static str| async move {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(DISTINCT {col}) FROM cases"))
            .fetch_one(pool)
            .await
            .expect("n");
        n
    };
    assert_eq!(distinct("channel").await, 9, "all channels");
    assert_eq!(distinct("category").await, 10, "all categories");
    assert_eq!(distinct("severity").await, 4, "all severities");
    assert!(distinct("status").await >= 7, "statuses spread along the workflow");
    assert!(distinct("store_id").await >= 10, "stores in several cities");
    let (first, last): (String, String) =
        sqlx::query_as("SELECT MIN(received_at), MAX(received_at) FROM cases")
            .fetch_one(pool)
            .await
            .expect("range");
    assert!(first.as_str() < "2025-01-15" && last.as_str() > "2026-11-01", "{first}..{last}");
    let latest: String =
        sqlx::query_scalar("SELECT MAX(occurred_at) FROM events WHERE case_id IS NOT NULL")
            .fetch_one(pool)
            .await
            .expect("latest");
    // The history ends on 2026-11-28 at 21:00 China time: nothing happens after it.
    assert!(latest.as_str() <= "2026-11-28T13:00:00.000Z", "{latest}");
    let repeat: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT consumer_id FROM cases GROUP BY consumer_id HAVING COUNT(*) > 1)").fetch_one(pool).await.expect("n");
    assert!(repeat > 0, "some consumers complain more than once");
    let chinese: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM consumers WHERE name GLOB '*[一-龥]*'")
            .fetch_one(pool)
            .await
            .expect("n");
    assert!(chinese > 0);
}
