//! One consumer, many cases (§二(三)): the history seen from any of their cases, contact data
//! corrected on the timeline (and found by search under the new name), duplicates merged.

use crate::support;

use redress_core::{Actor, Db, Lang};
use serde_json::{json, Value};

async fn call(
    db: &Db,
    actor: &Actor,
    op: &str,
    req: Value,
) -> Result<Value, redress_core::ApiError> {
    redress_core::ops::dispatch(db, actor, op, &req.to_string())
        .await
        .map_err(|e| e.to_api(Lang::Zh))
}

async fn intake(db: &Db, name: &str, mobile: &str, product: &str) -> String {
    let req = json!({"consumer": {"name": name, "mobile": mobile}, "channel": "hotline",
        "product_name": product, "quantity": 1, "content": format!("{product}出现故障"), "demand": "repair",
        "category": "after_sales", "severity": "general", "complexity": "complex", "department_id": "DEP-AS"});
    let made = call(db, &Actor::system(), "cases.create", req).await.expect("case");
    made["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn history_edit_on_the_timeline_and_merge() {
    let t = support::with_demo(20, 3).await;
    let first = intake(&t.db, "周晓梅", "13700001234", "壁挂空调").await;
    let second = intake(&t.db, "周晓梅", "137 0000 1234", "电饭煲").await;
    let other = intake(&t.db, "周小梅", "13600009876", "空气炸锅").await;
    let legal = support::actor(&t.db, "legal01").await;

    // The same mobile: one consumer, both cases in the history.
    let seen = call(&t.db, &legal, "consumers.get", json!({"case_id": first})).await.expect("get");
    let cases: Vec<&str> = seen["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    assert_eq!(cases.len(), 2);
    assert!(cases.contains(&first.as_str()) && cases.contains(&second.as_str()));
    assert_eq!(seen["masked"], false);

    // An agent sees the history with the contact masked.
    let agent = support::actor(&t.db, "agent01").await;
    let masked =
        call(&t.db, &agent, "consumers.get", json!({"case_id": first})).await.expect("get");
    assert_eq!(masked["masked"], true);
    assert_ne!(masked["contact"]["mobile"], "13700001234");
    assert_ne!(masked["contact"]["name"], "周晓梅");
    // ... and may not correct what it cannot see.
    let refused = call(
        &t.db,
        &agent,
        "consumers.update",
        json!({"case_id": first,
        "contact": {"name": "周晓梅", "mobile": "13700001235"}}),
    )
    .await
    .expect_err("blind edit");
    assert_eq!(refused.code, "auth.forbidden");

    // Bad input is refused by field, nothing written.
    let bad = call(
        &t.db,
        &legal,
        "consumers.update",
        json!({"case_id": first,
        "contact": {"name": "", "mobile": "12345"}}),
    )
    .await
    .expect_err("bad");
    let fields: Vec<&str> = bad.fields.iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"contact.name") && fields.contains(&"contact.mobile"), "{fields:?}");

    // A correction: on the timeline (which fields, not their values), on every case of theirs,
    // and searchable under the new name.
    let edited = call(&t.db, &legal, "consumers.update", json!({"case_id": first,
        "contact": {"name": "周晓玫", "mobile": "13700001234", "address": "杭州市西湖区文三路 1 号"},
        "note": "消费者来电更正姓名"})).await.expect("update");
    assert_eq!(edited["contact"]["name"], "周晓玫");
    let detail = call(&t.db, &legal, "cases.get", json!({"id": second})).await.expect("case");
    assert_eq!(detail["consumer"]["name"], "周晓玫", "the other case shows the correction too");
    let timeline = call(&t.db, &legal, "cases.get", json!({"id": first})).await.expect("case")
        ["timeline"]
        .clone();
    let entry = timeline
        .as_array()
        .expect("timeline")
        .iter()
        .find(|e| e["kind"] == "consumer.updated")
        .expect("on the timeline");
    assert_eq!(entry["detail"]["changed"], json!(["name", "address"]));
    assert!(entry["detail"].get("sealed").is_none(), "no personal data on the timeline");
    let hits =
        call(&t.db, &legal, "cases.search", json!({"query": "周晓玫"})).await.expect("search");
    assert_eq!(hits["total"], 2);

    // A duplicate record of the same person (another phone): merged, its case moves over.
    let merged = call(
        &t.db,
        &legal,
        "consumers.merge",
        json!({"case_id": first, "duplicate_case": other,
        "note": "同一人，两个号码"}),
    )
    .await
    .expect("merge");
    assert_eq!(merged["cases"].as_array().map(Vec::len), Some(3));
    assert_eq!(merged["merged"], 1);
    let again =
        call(&t.db, &legal, "consumers.merge", json!({"case_id": first, "duplicate_case": other}))
            .await
            .expect_err("twice");
    assert_eq!(again.fields[0].field, "duplicate_case");
    // A new complaint from the retired record's phone joins the record that stays.
    let fourth = intake(&t.db, "周小梅", "13600009876", "电水壶").await;
    let joined =
        call(&t.db, &legal, "consumers.get", json!({"case_id": fourth})).await.expect("get");
    assert_eq!(joined["id"], merged["id"]);
    assert_eq!(joined["cases"].as_array().map(Vec::len), Some(4));

    // The projections rebuild to the same state from the log.
    let before = redress_core::projection::snapshot(&t.db).await.expect("snapshot");
    redress_core::projection::rebuild(&t.db).await.expect("rebuild");
    assert_eq!(redress_core::projection::snapshot(&t.db).await.expect("snapshot"), before);
}
