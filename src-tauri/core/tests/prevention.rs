//! Prevention (§二): training coverage per unit against an independent count, with passing
//! scores and the twelve-month window; the risk-point register from an alert to its review;
//! operating standards through their versions to the lookup at intake; satisfaction survey
//! files imported whole or not at all, and their scores beside an independent count of
//! complaints.

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

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive()
}

#[tokio::test]
async fn standards_are_versioned_and_the_one_in_force_is_looked_up_at_intake() {
    let t = support::with_demo(5, 4).await;
    let db = &t.db;
    let legal = support::actor(db, "legal01").await;
    let manager = support::actor(db, "manager01").await;
    let agent = support::actor(db, "agent01").await;
    let today = today();
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let today = today.to_string();

    // Unknown category, empty body: every problem at once, nothing saved.
    let bad = call(
        db,
        &legal,
        "standards.save",
        json!({"kind": "charges", "title": "安装收费标准", "body": " ", "categories": ["nope"]}),
    )
    .await
    .expect_err("invalid");
    let fields: BTreeSet<String> = bad.fields.iter().map(|f| f.field.clone()).collect();
    assert_eq!(fields, BTreeSet::from(["body".to_owned(), "categories[0]".to_owned()]));
    assert_eq!(call(db, &agent, "standards.list", json!({})).await.expect("list"), json!([]));

    let returns = call(
        db,
        &legal,
        "standards.save",
        json!({"kind": "service_commitment",
        "title": "七天无理由退货承诺", "body": "自签收之日起七日内，商品完好的，可无理由退货。",
        "categories": ["after_sales", "after_sales"]}),
    )
    .await
    .expect("draft");
    let id = returns["id"].as_str().expect("id").to_owned();
    assert_eq!(returns["versions"][0]["categories"], json!(["after_sales"]), "deduplicated");
    // Editing the draft keeps version 1.
    let edited = call(db, &legal, "standards.save", json!({"id": id, "kind": "service_commitment",
        "title": "七天无理由退货承诺", "body": "自签收之日起七日内，商品完好、配件齐全的，可无理由退货。",
        "categories": ["after_sales"]}))
        .await
        .expect("edit");
    assert_eq!(edited["versions"].as_array().expect("v").len(), 1);
    // Nothing is in force before approval: the agent finds nothing.
    let none = call(db, &agent, "standards.lookup", json!({})).await.expect("lookup");
    assert_eq!(none, json!([]));
    // Legal drafts; only a manager approves, from today or later.
    let refused = call(
        db,
        &legal,
        "standards.approve",
        json!({"id": id, "version": 1, "effective_from": today}),
    )
    .await
    .expect_err("legal may not approve");
    assert_eq!(refused.code, "auth.forbidden");
    let past = call(
        db,
        &manager,
        "standards.approve",
        json!({"id": id, "version": 1, "effective_from": "2020-01-01"}),
    )
    .await
    .expect_err("past");
    assert_eq!(past.fields[0].field, "effective_from");
    let approved = call(
        db,
        &manager,
        "standards.approve",
        json!({"id": id, "version": 1, "effective_from": today}),
    )
    .await
    .expect("approve");
    assert_eq!(approved["versions"][0]["in_force"], true);
    let again = call(
        db,
        &manager,
        "standards.approve",
        json!({"id": id, "version": 1, "effective_from": today}),
    )
    .await
    .expect_err("approved once");
    assert_eq!(again.code, "supervision.invalid_state");

    // The next version needs a change note, and is not in force before its day.
    let no_note = call(db, &legal, "standards.save", json!({"id": id, "kind": "service_commitment",
        "title": "七天无理由退货承诺", "body": "十五日内可无理由退货。", "categories": ["after_sales"]}))
        .await
        .expect_err("note");
    assert_eq!(no_note.fields[0].field, "change_note");
    call(
        db,
        &legal,
        "standards.save",
        json!({"id": id, "kind": "service_commitment",
        "title": "十五天无理由退货承诺", "body": "自签收之日起十五日内可无理由退货。",
        "categories": ["after_sales"], "change_note": "延长至十五日"}),
    )
    .await
    .expect("v2");
    let v2 = call(
        db,
        &manager,
        "standards.approve",
        json!({"id": id, "version": 2, "effective_from": tomorrow}),
    )
    .await
    .expect("v2 approved");
    let in_force: Vec<i64> = v2["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter(|v| v["in_force"] == true)
        .map(|v| v["version"].as_i64().expect("n"))
        .collect();
    assert_eq!(in_force, vec![1], "version 2 is in force only from tomorrow");

    // A second standard in another category; the lookup ranks the complaint's category first
    // and narrows by every word.
    let charges = call(
        db,
        &legal,
        "standards.save",
        json!({"kind": "charges", "title": "空调安装收费标准",
        "body": "标准安装免费；加长铜管每米 80 元。", "categories": ["product_quality"]}),
    )
    .await
    .expect("charges");
    call(
        db,
        &manager,
        "standards.approve",
        json!({"id": charges["id"], "version": 1, "effective_from": today}),
    )
    .await
    .expect("in force");
    let found = call(db, &agent, "standards.lookup", json!({"category": "product_quality"}))
        .await
        .expect("lookup");
    let titles: Vec<(&str, bool)> = found
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["title"].as_str().expect("t"), r["matches_category"].as_bool().expect("m")))
        .collect();
    assert_eq!(titles, vec![("空调安装收费标准", true), ("七天无理由退货承诺", false)]);
    let narrowed =
        call(db, &agent, "standards.lookup", json!({"query": "铜管 每米"})).await.expect("words");
    assert_eq!(narrowed.as_array().expect("rows").len(), 1);
    assert_eq!(narrowed[0]["title"], "空调安装收费标准");
    let nothing =
        call(db, &agent, "standards.lookup", json!({"query": "铜管 退货"})).await.expect("w");
    assert_eq!(nothing, json!([]));
}

/// A survey file's rows: day, store code, product, score.
fn survey_csv(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut s = String::from("调查日期,门店编码,商品名称,满意度评分\n");
    for (d, st, p, sc) in rows {
        s.push_str(&format!("{d},{st},{p},{sc}\n"));
    }
    s
}

#[tokio::test]
async fn survey_files_import_whole_or_not_at_all_and_sit_beside_the_complaints() {
    let t = support::with_demo(400, 12).await;
    let db = &t.db;
    let head = support::actor(db, "head.as").await;
    let stores: Vec<(String, String)> =
        sqlx::query_as("SELECT id, code FROM org_units WHERE kind = 'store' ORDER BY code LIMIT 2")
            .fetch_all(db.pool())
            .await
            .expect("stores");
    let dept: String =
        sqlx::query_scalar("SELECT code FROM org_units WHERE kind = 'department' LIMIT 1")
            .fetch_one(db.pool())
            .await
            .expect("dept");
    let (a, b) = (&stores[0], &stores[1]);
    let this = today();
    let m = |back: u32| this.checked_sub_months(Months::new(back)).expect("m");
    // The first of the month: never in the future (the 5th was, on the 1st to the 4th).
    let day = |back: u32| m(back).format("%Y-%m-01").to_string();

    // A file with broken rows: every problem reported, nothing imported.
    let broken = t.dir.path().join("坏文件.csv");
    let tomorrow = (this + chrono::Duration::days(1)).to_string();
    std::fs::write(
        &broken,
        survey_csv(&[
            (&day(1), &a.1, "空调", "4"),
            ("昨天", &a.1, "空调", "4"),
            (&tomorrow, &a.1, "空调", "4"),
            (&day(1), "NO-SUCH", "空调", "4"),
            (&day(1), &dept, "空调", "4"),
            (&day(1), &a.1, "空调", "6"),
        ]),
    )
    .expect("write");
    let r = call(db, &head, "surveys.import", json!({"path": broken, "scale": "five"}))
        .await
        .expect("report");
    let problems: Vec<(u64, String)> = r["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| (p["row"].as_u64().expect("row"), p["column"].as_str().expect("c").to_owned()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (3, "调查日期".to_owned()),
            (4, "调查日期".to_owned()),
            (5, "门店编码".to_owned()),
            (6, "门店编码".to_owned()),
            (7, "满意度评分".to_owned()),
        ]
    );
    assert!(r["batch_id"].is_null());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_results")
        .fetch_one(db.pool())
        .await
        .expect("n");
    assert_eq!(n, 0, "nothing of a refused file is imported");
    // A file without a score column is refused by its columns.
    let headless = t.dir.path().join("缺列.csv");
    std::fs::write(&headless, "日期,门店\n2026-01-01,X\n").expect("write");
    let e = call(db, &head, "surveys.import", json!({"path": headless, "scale": "five"}))
        .await
        .expect_err("columns");
    assert_eq!(e.fields[0].field, "file");

    // A good file: store a over three months, store b in one; scores in words and numbers.
    let rows = [
        (day(3), &a.1, "空调", "5"),
        (day(3), &a.1, "空调", "满意"),
        (day(2), &a.1, "空调", "3"),
        (day(2), &a.1, "冰箱", "2"),
        (day(1), &a.1, "", "非常满意"),
        (day(1), &b.1, "冰箱", "4"),
    ];
    let good = t.dir.path().join("满意度.csv");
    let as_refs: Vec<(&str, &str, &str, &str)> =
        rows.iter().map(|(d, s, p, c)| (d.as_str(), s.as_str(), *p, *c)).collect();
    std::fs::write(&good, survey_csv(&as_refs)).expect("write");
    let dry =
        call(db, &head, "surveys.import", json!({"path": good, "scale": "five", "dry_run": true}))
            .await
            .expect("dry");
    assert_eq!(
        (dry["rows"].as_u64(), dry["stores"].as_i64(), dry["products"].as_i64()),
        (Some(6), Some(2), Some(2))
    );
    assert!(dry["batch_id"].is_null(), "a dry run imports nothing");
    let imported = call(db, &head, "surveys.import", json!({"path": good, "scale": "five"}))
        .await
        .expect("import");
    let batch = imported["batch_id"].as_str().expect("batch").to_owned();
    let twice = call(db, &head, "surveys.import", json!({"path": good, "scale": "five"}))
        .await
        .expect_err("once");
    assert_eq!(twice.code, "supervision.invalid_state");

    // The summary against an independent computation: means of the 100-point scores, and
    // complaints counted from the cases themselves.
    let summary = call(
        db,
        &head,
        "surveys.summary",
        json!({"from": m(3).format("%Y-%m").to_string(), "to": this.format("%Y-%m").to_string()}),
    )
    .await
    .expect("summary");
    assert_eq!(summary["months"].as_array().expect("months").len(), 4);
    let series = |key: &str| {
        summary["series"]
            .as_array()
            .expect("s")
            .iter()
            .find(|s| s["key"] == key)
            .cloned()
            .expect(key)
    };
    let sa = series(&a.0);
    let scores: Vec<Value> =
        sa["cells"].as_array().expect("cells").iter().map(|c| c["score"].clone()).collect();
    assert_eq!(scores, vec![json!(90.0), json!(50.0), json!(100.0), Value::Null]);
    assert_eq!(sa["responses"], 5);
    assert_eq!(sa["score"], json!(76.0)); // (100 + 80 + 60 + 40 + 100) / 5
    for (i, cell) in sa["cells"].as_array().expect("cells").iter().enumerate() {
        let month = m(3 - i as u32).format("%Y-%m").to_string();
        let counted: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases WHERE store_id = ? AND status <> 'merged' \
             AND substr(datetime(received_at, '+8 hours'), 1, 7) = ?",
        )
        .bind(&a.0)
        .bind(&month)
        .fetch_one(db.pool())
        .await
        .expect("count");
        assert_eq!(cell["complaints"].as_i64(), Some(counted), "{month}");
    }
    let scored: Vec<(f64, f64)> = sa["cells"]
        .as_array()
        .expect("c")
        .iter()
        .filter(|c| !c["score"].is_null())
        .map(|c| (c["score"].as_f64().expect("s"), c["complaints"].as_f64().expect("n")))
        .collect();
    assert_eq!(sa["correlation"].as_f64(), redress_core::ops::surveys::pearson(&scored));
    // The lowest score first; the total is every store's.
    assert_eq!(summary["series"][0]["key"], a.0.as_str());
    assert_eq!(summary["total"][2]["responses"], 2);
    assert_eq!(summary["total"][2]["score"], json!(90.0));
    let by_product = call(
        db,
        &head,
        "surveys.summary",
        json!({"from": m(3).format("%Y-%m").to_string(), "by": "product"}),
    )
    .await
    .expect("products");
    let products: BTreeMap<String, Value> = by_product["series"]
        .as_array()
        .expect("s")
        .iter()
        .map(|s| (s["key"].as_str().expect("k").to_owned(), s["score"].clone()))
        .collect();
    assert_eq!(
        products,
        BTreeMap::from([("冰箱".to_owned(), json!(60.0)), ("空调".to_owned(), json!(80.0))])
    );

    // Withdrawn: gone from the figures, kept in the list; the same file may then come again.
    let withdrawn =
        call(db, &head, "surveys.withdraw", json!({"batch_id": batch, "reason": "导错了月份"}))
            .await
            .expect("withdraw");
    assert!(!withdrawn[0]["withdrawn_at"].is_null());
    let empty =
        call(db, &head, "surveys.summary", json!({"from": m(3).format("%Y-%m").to_string()}))
            .await
            .expect("summary");
    assert_eq!(empty["series"], json!([]));
    call(db, &head, "surveys.import", json!({"path": good, "scale": "five"})).await.expect("again");
    // An .xlsx on the 100-point scale reads the same way.
    let xlsx = t.dir.path().join("满意度.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["日期", "门店", "评分", "样本数"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("h");
    }
    sheet.write_string(1, 0, day(0)).expect("d");
    sheet.write_string(1, 1, b.1.as_str()).expect("s");
    sheet.write_number(1, 2, 70.0).expect("n");
    sheet.write_number(1, 3, 3.0).expect("n");
    book.save(&xlsx).expect("save");
    let r = call(db, &head, "surveys.import", json!({"path": xlsx, "scale": "hundred"}))
        .await
        .expect("xlsx");
    assert_eq!(r["responses"], 3);
    let batches = call(db, &head, "surveys.batches", json!({})).await.expect("batches");
    assert_eq!(batches.as_array().expect("b").len(), 3);
    let verified =
        call(db, &redress_core::Actor::system(), "audit.verify", json!({})).await.expect("audit");
    assert_eq!(verified["intact"], true);
}
