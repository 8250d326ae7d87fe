//! What an administrator sets up for intake — channels, categories, time limits, the holiday
//! calendar — and what agents do with earlier complaints: link, merge, acknowledge.

use crate::support;

use chrono::{Datelike, Duration, Weekday};
use redress_core::calendar::Calendar;
use redress_core::ops::dispatch;
use redress_core::time::{china, from_db};
use redress_core::{projection, Actor, ApiError, Lang};
use serde_json::{json, Value};

async fn call(t: &support::TempDb, op: &str, req: Value) -> Result<Value, ApiError> {
    dispatch(&t.db, &Actor::system(), op, &req.to_string()).await.map_err(|e| e.to_api(Lang::Zh))
}

fn complaint(channel: &str, category: &str) -> Value {
    json!({
        "consumer": {"name": "王芳", "mobile": "13700001234"},
        "channel": channel,
        "product_name": "燃气热水器",
        "quantity": 1,
        "order_no": "HY-TEST-0001",
        "content": "热水器点火后熄火，售后两次上门未修好。",
        "demand": "exchange",
        "category": category,
        "department_id": "DEP-AS",
        "severity": "general",
        "complexity": "complex"
    })
}

fn fields(e: &ApiError) -> Vec<(String, String)> {
    e.fields.iter().map(|f| (f.field.clone(), f.code.clone())).collect()
}

#[tokio::test]
async fn channels_and_categories_are_lists_an_administrator_edits() {
    let t = support::with_demo(5, 3).await;
    let lists = call(&t, "codes.list", json!({})).await.expect("lists");
    assert_eq!(lists["channels"].as_array().expect("channels").len(), 9);
    assert_eq!(lists["categories"][0]["label_zh"], "产品质量");
    assert!(!lists["categories"][0]["definition_zh"].as_str().expect("def").is_empty());

    // A new channel, and a built-in one retired and relabelled.
    call(
        &t,
        "codes.save",
        json!({"list": "channel", "code": "douyin", "label_zh": "抖音",
        "label_en": "Douyin", "definition_zh": "抖音店铺与直播间", "active": true}),
    )
    .await
    .expect("add");
    call(
        &t,
        "codes.save",
        json!({"list": "channel", "code": "media", "label_zh": "媒体",
        "label_en": "Media", "active": false}),
    )
    .await
    .expect("retire");
    let lists = call(&t, "codes.list", json!({})).await.expect("lists");
    let douyin = lists["channels"].as_array().expect("channels").last().expect("last").clone();
    assert_eq!(
        (douyin["code"].as_str(), douyin["builtin"].as_bool()),
        (Some("douyin"), Some(false))
    );
    assert!(call(&t, "cases.create", complaint("douyin", "product_quality")).await.is_ok());
    let retired =
        call(&t, "cases.create", complaint("media", "product_quality")).await.expect_err("refused");
    assert_eq!(fields(&retired), [("channel".to_owned(), "field.unknown_value".to_owned())]);
    let unknown =
        call(&t, "cases.create", complaint("hotline", "weather")).await.expect_err("refused");
    assert_eq!(fields(&unknown), [("category".to_owned(), "field.unknown_value".to_owned())]);
    // The store channel needs the store.
    let no_store =
        call(&t, "cases.create", complaint("store", "after_sales")).await.expect_err("refused");
    assert_eq!(fields(&no_store), [("store_id".to_owned(), "field.required".to_owned())]);

    // Bad entries are refused field by field.
    let bad = call(
        &t,
        "codes.save",
        json!({"list": "category", "code": "Bad Code",
        "label_zh": "产品质量", "label_en": "", "active": true}),
    )
    .await
    .expect_err("refused");
    let mut got = fields(&bad);
    got.sort();
    assert_eq!(
        got,
        [
            ("code".to_owned(), "field.invalid".to_owned()),
            ("label_en".to_owned(), "field.required".to_owned()),
            ("label_zh".to_owned(), "field.taken".to_owned()),
        ]
    );

    // Edits are events: rebuilding the projections gives the same lists.
    let before = projection::snapshot(&t.db).await.expect("snapshot");
    projection::rebuild(&t.db).await.expect("rebuild");
    assert_eq!(projection::snapshot(&t.db).await.expect("snapshot"), before);
}

#[tokio::test]
async fn time_limits_follow_the_most_specific_rule_and_the_edited_calendar() {
    let t = support::with_demo(5, 4).await;
    let mut settings = call(&t, "settings.get", json!({})).await.expect("settings");
    assert_eq!(settings["deadlines"].as_array().expect("rules").len(), 4);
    settings["deadlines"]
        .as_array_mut()
        .expect("rules")
        .push(json!({"channel": "regulator_referral", "acknowledge_working_days": 0,
            "resolve_working_days": 7}));
    call(&t, "settings.update", settings.clone()).await.expect("save rules");

    // A company holiday on the next working day pushes every deadline one day on.
    let now = t.db.now();
    let shipped = Calendar::shipped();
    let next = shipped.add_working_days(now, 1).with_timezone(&china()).date_naive();
    call(
        &t,
        "calendar.set",
        json!({"days": [{"date": next.to_string(), "kind": "holiday",
        "name_zh": "公司年会", "name_en": "Company meeting"}]}),
    )
    .await
    .expect("set day");
    let year = call(&t, "calendar.list", json!({"year": next.year()})).await.expect("year");
    let edited: Vec<&Value> =
        year["days"].as_array().expect("days").iter().filter(|d| d["edited"] == true).collect();
    assert_eq!(edited.len(), 1);
    assert_eq!(edited[0]["name_zh"], "公司年会");

    let made = call(&t, "cases.create", complaint("regulator_referral", "product_quality"))
        .await
        .expect("referral");
    let due = from_db(made["due_at"].as_str().expect("due")).expect("instant");
    let calendar = {
        let mut conn = t.db.pool().acquire().await.expect("conn");
        Calendar::load(&mut conn).await.expect("calendar")
    };
    assert!(!calendar.is_working_day(next));
    assert_eq!(calendar.working_days_between(now, due), 7, "the referral rule: 7 days");
    assert_eq!(shipped.working_days_between(now, due), 8, "one more day on the shipped calendar");
    let ack = from_db(made["ack_due_at"].as_str().expect("ack due")).expect("instant");
    assert_eq!(ack.with_timezone(&china()).date_naive(), now.with_timezone(&china()).date_naive());

    let hotline =
        call(&t, "cases.create", complaint("hotline", "product_quality")).await.expect("hotline");
    let due = from_db(hotline["due_at"].as_str().expect("due")).expect("instant");
    assert_eq!(calendar.working_days_between(now, due), 15, "general severity: 15 days");

    // Rules that leave a severity without a limit, or repeat one, are refused.
    let mut broken = settings.clone();
    broken["deadlines"] = json!([
        {"severity": "general", "acknowledge_working_days": 1, "resolve_working_days": 0},
        {"severity": "general", "acknowledge_working_days": 1, "resolve_working_days": 10}
    ]);
    let e = call(&t, "settings.update", broken).await.expect_err("refused");
    let got = fields(&e);
    assert!(
        got.contains(&("deadlines[0].resolve_working_days".into(), "field.out_of_range".into()))
    );
    assert!(got.contains(&("deadlines[1].severity".into(), "field.taken".into())));
    assert!(got.contains(&("deadlines".into(), "field.required".into())));
}

#[tokio::test]
async fn a_holiday_schedule_is_imported_after_a_preview() {
    let t = support::fresh().await;
    let chinese_days = json!({
        "holidays": {"2027-01-01": "New Year's Day,元旦,1", "2027-02-08": "Spring Festival,春节,4"},
        "workdays": {"2027-02-06": "Spring Festival,春节,4"}
    })
    .to_string();
    let preview = call(&t, "calendar.import", json!({"text": chinese_days, "dry_run": true}))
        .await
        .expect("preview");
    assert_eq!(
        (preview["days"].as_u64(), preview["format"].as_str()),
        (Some(3), Some("chinese-days"))
    );
    let year = call(&t, "calendar.list", json!({"year": 2027})).await.expect("2027");
    assert_eq!(year["days"].as_array().expect("days").len(), 0, "a preview saves nothing");
    assert!(!year["years_with_schedule"].as_array().expect("years").contains(&json!(2027)));

    call(&t, "calendar.import", json!({"text": chinese_days, "file_name": "chinese-days.json"}))
        .await
        .expect("import");
    let year = call(&t, "calendar.list", json!({"year": 2027})).await.expect("2027");
    assert_eq!(year["days"].as_array().expect("days").len(), 3);
    assert!(year["years_with_schedule"].as_array().expect("years").contains(&json!(2027)));
    let mut conn = t.db.pool().acquire().await.expect("conn");
    let cal = Calendar::load(&mut conn).await.expect("calendar");
    let sat = chrono::NaiveDate::from_ymd_opt(2027, 2, 6).expect("date");
    assert_eq!(sat.weekday(), Weekday::Sat);
    assert!(cal.is_working_day(sat), "the imported 调休 Saturday");
    drop(conn);

    // A broken file: the line is named, nothing is saved.
    let e = call(
        &t,
        "calendar.import",
        json!({"text": "2027-05-01,休,劳动节\n2027-05-02,maybe,劳动节"}),
    )
    .await
    .expect_err("refused");
    assert_eq!(e.fields[0].field, "text");
    assert!(e.fields[0].message.contains("line 2"), "{}", e.fields[0].message);
    let year = call(&t, "calendar.list", json!({"year": 2027})).await.expect("2027");
    assert_eq!(year["days"].as_array().expect("days").len(), 3);
}

#[tokio::test]
async fn a_repeat_complaint_is_linked_or_merged_and_nothing_is_deleted() {
    let t = support::with_demo(5, 5).await;
    let first =
        call(&t, "cases.create", complaint("hotline", "product_quality")).await.expect("first");
    let first_id = first["id"].as_str().expect("id").to_owned();
    let first_no = first["case_no"].as_str().expect("no").to_owned();

    // While typing, the earlier complaint is found by the phone number.
    let related =
        call(&t, "cases.related", json!({"mobile": "137 0000 1234"})).await.expect("related");
    assert_eq!(related["items"][0]["id"], first_id.as_str());

    // A second complaint linked to it at intake, a third recorded as its duplicate.
    let mut second = complaint("website", "after_sales");
    second["related_case_ids"] = json!([first_no]);
    let second = call(&t, "cases.create", second).await.expect("second");
    let mut third = complaint("hotline", "product_quality");
    third["duplicate_of"] = json!(first_id);
    let third = call(&t, "cases.create", third).await.expect("third");
    assert_eq!(third["status"], "merged");
    assert_eq!(third["merged_into"], first_no.as_str());

    let get = |id: &str| call(&t, "cases.get", json!({"id": id}));
    let dup = get(third["id"].as_str().expect("id")).await.expect("merged case stays readable");
    assert_eq!(dup["merged_into"]["case_no"], first_no.as_str());
    assert_eq!(dup["case"]["status"], "merged");
    assert_eq!(dup["case"]["overdue"], false, "a merged case has no running deadline");
    assert_eq!(dup["content"], "热水器点火后熄火，售后两次上门未修好。");
    let survivor = get(&first_id).await.expect("survivor");
    let kinds: Vec<(String, String)> = survivor["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                l["case_no"].as_str().unwrap_or("").to_owned(),
                l["kind"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&(third["case_no"].as_str().expect("no").to_owned(), "merged_from".into()))
    );
    assert!(kinds.contains(&(second["case_no"].as_str().expect("no").to_owned(), "related".into())));
    let timeline: Vec<&str> = survivor["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert!(timeline.contains(&"case.absorbed"), "{timeline:?}");

    // A finished case cannot be merged again; a case cannot be merged into a duplicate.
    let again =
        call(&t, "cases.merge", json!({"id": third["id"], "into": second["id"], "reason": "x"}))
            .await
            .expect_err("refused");
    assert_eq!(again.code, "case.invalid_state");
    let into_dup =
        call(&t, "cases.merge", json!({"id": second["id"], "into": third["id"], "reason": "x"}))
            .await
            .expect_err("refused");
    assert_eq!(fields(&into_dup), [("into".to_owned(), "field.invalid".to_owned())]);
    let no_reason =
        call(&t, "cases.merge", json!({"id": second["id"], "into": first_id, "reason": " "}))
            .await
            .expect_err("refused");
    assert_eq!(fields(&no_reason), [("reason".to_owned(), "field.required".to_owned())]);

    // Unlinking a related pair; the merge's link stays.
    call(&t, "cases.unlink", json!({"id": first_id, "other": second["id"]})).await.expect("unlink");
    let unmerge = call(&t, "cases.unlink", json!({"id": first_id, "other": third["id"]}))
        .await
        .expect_err("refused");
    assert_eq!(unmerge.code, "case.invalid_state");

    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(t.db.pool()).await.expect("n");
    assert_eq!(n, 8, "five demo cases and three new ones: nothing deleted");
    let before = projection::snapshot(&t.db).await.expect("snapshot");
    projection::rebuild(&t.db).await.expect("rebuild");
    assert_eq!(projection::snapshot(&t.db).await.expect("snapshot"), before);
}

#[tokio::test]
async fn the_consumer_is_told_the_complaint_was_received_within_the_limit() {
    let t = support::with_demo(5, 6).await;
    let web = call(&t, "cases.create", complaint("website", "product_quality")).await.expect("web");
    let id = web["id"].as_str().expect("id").to_owned();
    assert!(web["ack_due_at"].is_string(), "an online complaint waits for its acknowledgment");
    let due = from_db(web["ack_due_at"].as_str().expect("due")).expect("instant");
    assert!(due > t.db.now() && due < t.db.now() + Duration::days(10));
    let row = call(&t, "cases.get", json!({"id": id})).await.expect("get");
    assert_eq!(row["case"]["ack_due_at"], web["ack_due_at"]);

    call(&t, "cases.acknowledge", json!({"id": id, "method": "sms", "note": "短信告知受理编号"}))
        .await
        .expect("acknowledge");
    let row = call(&t, "cases.get", json!({"id": id})).await.expect("get");
    assert_eq!(row["case"]["ack_due_at"], Value::Null);
    assert!(row["acknowledged_at"].is_string());
    let twice = call(&t, "cases.acknowledge", json!({"id": id, "method": "sms"}))
        .await
        .expect_err("refused");
    assert_eq!(twice.code, "case.invalid_state");

    let mut phoned = complaint("hotline", "product_quality");
    phoned["acknowledged"] = json!(true);
    let phoned = call(&t, "cases.create", phoned).await.expect("hotline");
    assert_eq!(phoned["ack_due_at"], Value::Null, "told on the phone");
}
