//! Emergency handling (§六): early warning on generated histories, contingency plans and their
//! versions, drills, and an incident's whole lifecycle.

use crate::pdf_tools;
use crate::support;

use std::collections::BTreeMap;

use base64::Engine;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::{Rng, SeedableRng};
use redress_core::{Actor, Db};
use serde_json::{json, Value};
use support::call;

/// A Poisson draw (Knuth), for the generated histories.
fn poisson(rng: &mut impl Rng, lambda: f64) -> u32 {
    let limit = (-lambda).exp();
    let mut k = 0;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= limit {
            return k;
        }
        k += 1;
    }
}

const STEADY_PRODUCTS: usize = 30;
const SEASONAL: &str = "空气炸锅AF5";
const NEW_SEASON: &str = "电动牙刷T3";
const BURST: &str = "燃气热水器JSQ16";

struct History {
    /// Receipt times (China time) of each product's cases.
    by_product: BTreeMap<String, Vec<NaiveDateTime>>,
    csv: String,
    burst_end: NaiveDateTime,
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time")
}

/// Two years of complaints, 2024-11-01 to 2026-11-13: thirty products at steady rates; one
/// that rises every year over Double 11 (11–13 November); one that rises over Double 11 of 2026
/// only; and a burst of forty complaints about one water heater within 36 hours in June 2026.
fn history(seed: u64) -> History {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut by_product: BTreeMap<String, Vec<NaiveDateTime>> = BTreeMap::new();
    let first = NaiveDate::from_ymd_opt(2024, 11, 1).expect("day");
    let last = NaiveDate::from_ymd_opt(2026, 11, 13).expect("day");
    let rates: Vec<f64> = (0..STEADY_PRODUCTS).map(|i| 0.2 + 0.1 * i as f64).collect();
    let mut day = first;
    while day <= last {
        let mut put = |rng: &mut rand_chacha::ChaCha8Rng, product: &str, n: u32| {
            for _ in 0..n {
                let minute = rng.gen_range(8 * 60..22 * 60);
                let t = day.and_hms_opt(minute / 60, minute % 60, 0).expect("time");
                by_product.entry(product.to_owned()).or_default().push(t);
            }
        };
        for (i, rate) in rates.iter().enumerate() {
            let n = poisson(&mut rng, *rate);
            put(&mut rng, &format!("稳定商品{i:02}"), n);
        }
        let double_11 =
            (11..=13).contains(&chrono::Datelike::day(&day)) && chrono::Datelike::month(&day) == 11;
        let seasonal = if double_11 { 10 } else { poisson(&mut rng, 1.5) };
        put(&mut rng, SEASONAL, seasonal);
        let new_season = if double_11 && chrono::Datelike::year(&day) == 2026 {
            10
        } else {
            poisson(&mut rng, 1.5)
        };
        put(&mut rng, NEW_SEASON, new_season);
        let n = poisson(&mut rng, 0.2);
        put(&mut rng, BURST, n);
        day = day.succ_opt().expect("next day");
    }
    let burst_end = at("2026-06-10 12:00");
    for i in 0..40 {
        let t = burst_end - Duration::minutes(36 * 60 * (i + 1) / 41);
        by_product.entry(BURST.to_owned()).or_default().push(t);
    }
    let mut csv = String::new();
    let mut n = 0;
    for (product, times) in &mut by_product {
        times.sort();
        for t in times.iter() {
            n += 1;
            csv.push_str(&format!(
                "E{n},{},{product},质量问题投诉,received\n",
                t.format("%Y-%m-%d %H:%M")
            ));
        }
    }
    History { by_product, csv, burst_end }
}

async fn alerts(db: &Db, when: &str) -> Value {
    call(db, &Actor::system(), "alerts.list", json!({"at": when})).await.expect("alerts")
}

fn products(alerts: &Value) -> Vec<String> {
    alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| {
            format!(
                "{}:{}",
                a["dimension"].as_str().expect("dim"),
                a["value"].as_str().expect("value")
            )
        })
        .collect()
}

#[tokio::test]
async fn early_warning_finds_a_planted_burst_and_nothing_in_steady_or_seasonal_data() {
    let t = support::fresh().await;
    let h = history(20261111);
    let rows = h.csv.lines().count();
    let report = support::import_rows(&t.db, t.dir.path(), "history", &h.csv).await;
    assert_eq!(report["imported"], rows, "{report}");

    // Steady data over the second year: no alert at any of these moments.
    for when in [
        "2026-01-15 18:00",
        "2026-03-01 09:00",
        "2026-04-20 20:00",
        "2026-08-01 12:00",
        "2026-09-15 15:00",
        "2026-10-20 10:00",
    ] {
        let a = alerts(&t.db, when).await;
        assert_eq!(products(&a), Vec::<String>::new(), "no alert expected at {when}: {a}");
        assert!(a["method"]["tests"].as_i64().expect("tests") >= STEADY_PRODUCTS as i64, "{a}");
    }

    // The planted burst: found, on its product, with exactly its window's cases.
    let a = alerts(&t.db, &h.burst_end.format("%Y-%m-%d %H:%M").to_string()).await;
    let found = a["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|x| x["dimension"] == "product" && x["value"] == BURST)
        .unwrap_or_else(|| panic!("the burst is found: {a}"));
    let hours = found["window_hours"].as_i64().expect("window");
    let from = h.burst_end - Duration::hours(hours);
    let expected: usize =
        h.by_product[BURST].iter().filter(|t| **t >= from && **t < h.burst_end).count();
    assert!(expected >= 40, "the window holds the burst");
    assert_eq!(found["observed"], expected as i64, "{found}");
    assert_eq!(found["case_ids"].as_array().expect("ids").len(), expected);
    assert!(found["cases"].as_array().expect("cases").iter().all(|c| c["product"] == BURST));
    assert!(
        found["p_value"].as_f64().expect("p")
            < a["method"]["threshold"].as_f64().expect("threshold")
    );
    assert!(found["observed"].as_f64().expect("o") >= 2.0 * found["expected"].as_f64().expect("e"));
    // Only the burst's product stands out then.
    assert_eq!(products(&a), vec![format!("product:{BURST}")], "{a}");

    // Double 11: the product that rises every year does not alert (its own last year shows the
    // rise); the one that never rose before does.
    let a = alerts(&t.db, "2026-11-13").await;
    let names = products(&a);
    assert!(names.contains(&format!("product:{NEW_SEASON}")), "a rise without history alerts: {a}");
    assert!(!names.contains(&format!("product:{SEASONAL}")), "seasonality alone does not: {a}");
    let seasonal_factor = {
        // The same check through the seasonal product's numbers: its factor came from its own
        // history and explains the rise.
        let mut qb = 0.0;
        for x in a["alerts"].as_array().expect("alerts") {
            if x["value"] == NEW_SEASON {
                assert_eq!(x["seasonal_source"], "own", "{x}");
                qb = x["seasonal_factor"].as_f64().expect("factor");
            }
        }
        qb
    };
    assert!(
        seasonal_factor < 1.5,
        "last year showed no rise for the new product: {seasonal_factor}"
    );

    // The CLI's form of the moment and bad input.
    let bad = call(&t.db, &Actor::system(), "alerts.list", json!({"at": "11/13/2026"}))
        .await
        .expect_err("refused");
    assert_eq!(bad.code, "validation.failed");
    assert_eq!(bad.fields[0].field, "at");
}

fn plan_content(phone: &str) -> Value {
    json!({
        "scope": "同一型号、同一批次商品短期内集中投诉，或涉及人身安全的质量问题。",
        "communication": "指挥组每日17时通报；门店统一口径，由联络员发布。",
        "organisation": [
            {"role": "总指挥", "name": "王强", "phone": phone, "deputy": "赵敏",
             "deputy_phone": "13900003333", "duties": "决定启动、升级和结束"},
            {"role": "联络员", "name": "李娜", "phone": "021-64001234", "duties": "对内对外联络"}
        ],
        "steps": [
            {"title": "核实事件情况、确定影响范围", "role": "联络员", "within_hours": 2},
            {"title": "通知门店暂停销售同批次商品", "role": "总指挥", "within_hours": 4},
            {"title": "逐一回访涉事消费者", "role": "联络员"}
        ],
        "reporting": [
            {"authority": "市场监督管理局", "within_hours": 24, "content": "事件概况、涉及数量、已采取措施"}
        ]
    })
}

fn pdf_text(v: &Value) -> String {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(v["data"].as_str().expect("data"))
        .expect("base64");
    assert!(bytes.starts_with(b"%PDF-"));
    let file = pdf_tools::write_temp(&bytes);
    pdf_tools::qpdf_check(&file);
    pdf_tools::fonts_all_embedded_subset(&file);
    pdf_tools::squash(&pdf_tools::text(&file))
}

#[tokio::test]
async fn plans_are_versioned_approved_drilled_and_revised() {
    let t = support::with_demo(40, 5).await;
    let manager = support::actor(&t.db, "manager01").await;
    let legal = support::actor(&t.db, "legal01").await;
    let db = &t.db;

    // Bad input names its fields, and nothing is saved.
    let bad = call(
        db,
        &legal,
        "contingency.save",
        json!({"kind": "product_safety", "title": "",
        "content": plan_content("12345")}),
    )
    .await
    .expect_err("refused");
    let fields: Vec<&str> = bad.fields.iter().map(|f| f.field.as_str()).collect();
    assert!(
        fields.contains(&"title") && fields.contains(&"content.organisation[0].phone"),
        "{bad:?}"
    );
    let demo_plans = call(db, &legal, "contingency.list", json!({})).await.expect("list");
    assert_eq!(demo_plans.as_array().expect("plans").len(), 2, "the demo's plans, no more");

    let v1 = call(
        db,
        &legal,
        "contingency.save",
        json!({"kind": "product_safety",
        "title": "产品质量安全事件应急预案", "content": plan_content("138 0000 1111")}),
    )
    .await
    .expect("draft");
    let id = v1["id"].as_str().expect("id").to_owned();
    assert_eq!(v1["versions"][0]["content"]["organisation"][0]["phone"], "13800001111");
    // A legal officer drafts; only a managing role approves.
    let refused = call(
        db,
        &legal,
        "contingency.approve",
        json!({"id": id, "version": 1, "effective_from": "2026-01-01"}),
    )
    .await
    .expect_err("forbidden");
    assert_eq!(refused.code, "auth.forbidden");
    let today = chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive();
    let approved = call(
        db,
        &manager,
        "contingency.approve",
        json!({"id": id, "version": 1, "effective_from": today.to_string()}),
    )
    .await
    .expect("approved");
    assert_eq!(approved["versions"][0]["status"], "approved");
    assert_eq!(approved["versions"][0]["in_force"], true);
    // Approved is final.
    let again = call(
        db,
        &manager,
        "contingency.approve",
        json!({"id": id, "version": 1, "effective_from": today.to_string()}),
    )
    .await
    .expect_err("final");
    assert_eq!(again.code, "emergency.invalid_state");

    // A drill of the version in force, and what went wrong.
    let drill = call(
        db,
        &legal,
        "drills.record",
        json!({"plan_id": id, "held_on": today.to_string(),
        "scenario": "某批次热水器两天内集中投诉漏水", "participants": ["王强", "李娜", "赵敏"],
        "duration_minutes": 120, "problems": "联络员电话无人接听，替补未指定",
        "revisions": "联络员增设替补；核实时限缩短为1小时"}),
    )
    .await
    .expect("drill");
    assert_eq!(drill["plan_version"], 1);

    // The revision it called for: version 2, linked to the drill, needing a change note.
    let mut revised = plan_content("13800001111");
    revised["organisation"][1]["deputy"] = json!("陈刚");
    revised["organisation"][1]["deputy_phone"] = json!("13700004444");
    revised["steps"][0]["within_hours"] = json!(1);
    let no_note = call(
        db,
        &legal,
        "contingency.save",
        json!({"id": id, "kind": "product_safety",
        "title": "产品质量安全事件应急预案", "content": revised}),
    )
    .await
    .expect_err("change note");
    assert_eq!(no_note.fields[0].field, "change_note");
    let v2 = call(
        db,
        &legal,
        "contingency.save",
        json!({"id": id, "kind": "product_safety",
        "title": "产品质量安全事件应急预案", "content": revised,
        "change_note": "根据演练：联络员增设替补，核实时限缩短为1小时",
        "source": {"kind": "drill", "id": drill["id"]}}),
    )
    .await
    .expect("v2");
    assert_eq!(v2["versions"].as_array().expect("versions").len(), 2);
    assert_eq!(v2["versions"][0]["version"], 2);
    assert_eq!(v2["versions"][0]["status"], "draft");
    assert_eq!(v2["versions"][0]["source"]["kind"], "drill");
    assert!(v2["versions"][0]["source"]["label"].as_str().expect("label").contains("集中投诉漏水"));
    // Version 1 stays in force until version 2 takes effect; it remains readable after.
    assert_eq!(v2["versions"][1]["in_force"], true);
    let drills = call(db, &legal, "drills.list", json!({"plan_id": id})).await.expect("drills");
    assert_eq!(drills[0]["revised_versions"], json!([2]));
    let tomorrow = today.succ_opt().expect("tomorrow");
    let later = call(
        db,
        &manager,
        "contingency.approve",
        json!({"id": id, "version": 2, "effective_from": tomorrow.to_string()}),
    )
    .await
    .expect("v2 approved");
    assert_eq!(later["versions"][0]["in_force"], false, "v2 is not in force before its date");
    assert_eq!(later["versions"][1]["in_force"], true);
    assert_eq!(later["versions"][1]["content"]["steps"][0]["within_hours"], 2, "v1 unchanged");
    let past = call(
        db,
        &manager,
        "contingency.approve",
        json!({"id": id, "version": 2, "effective_from": "2020-01-01"}),
    )
    .await
    .expect_err("not in the past");
    assert_eq!(past.fields[0].field, "effective_from");

    // Printed: the version asked for.
    let pdf =
        call(db, &legal, "contingency.pdf", json!({"id": id, "version": 2})).await.expect("pdf");
    let text = pdf_text(&pdf);
    for needle in [
        "产品质量安全事件应急预案",
        "第2版",
        "组织机构与职责分工",
        "陈刚",
        "处理流程",
        "启动后1小时内",
        "市场监督管理局",
        "本版修订说明",
    ] {
        assert!(text.contains(needle), "{needle} in the plan PDF: {text}");
    }
}

#[tokio::test]
async fn an_incident_from_alert_to_close() {
    let t = support::with_demo(60, 8).await;
    let db = &t.db;
    let manager = support::actor(db, "manager01").await;
    let legal = support::actor(db, "legal01").await;
    let plan = call(
        db,
        &legal,
        "contingency.save",
        json!({"kind": "product_safety",
        "title": "产品质量安全事件应急预案", "content": plan_content("13800001111")}),
    )
    .await
    .expect("plan");
    let plan_id = plan["id"].as_str().expect("id").to_owned();
    let today = chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive();
    call(
        db,
        &manager,
        "contingency.approve",
        json!({"id": plan_id, "version": 1, "effective_from": today.to_string()}),
    )
    .await
    .expect("approved");

    // Twelve complaints about one model within hours: the alert lists them.
    let mut ids = Vec::new();
    for i in 0..12 {
        let case = call(
            db,
            &Actor::system(),
            "cases.create",
            json!({
            "consumer": {"name": format!("消费者{i}"), "mobile": format!("139{:08}", 10_000 + i)},
            "channel": "hotline", "product_name": "燃气热水器", "product_model": "JSQ16-X9",
            "quantity": 1, "content": "使用中漏水", "demand": "refund",
            "category": "product_quality", "department_id": "DEP-AS", "severity": "serious",
            "complexity": "complex"}),
        )
        .await
        .expect("case");
        ids.push(case["id"].as_str().expect("id").to_owned());
    }
    let alerts = call(db, &manager, "alerts.list", json!({})).await.expect("alerts");
    let dbg: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT received_at, product_model, status FROM cases ORDER BY received_at DESC LIMIT 14",
    )
    .fetch_all(db.pool())
    .await
    .expect("dbg");
    eprintln!("DBG {dbg:?}");
    let alert = alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|a| a["value"] == "JSQ16-X9")
        .unwrap_or_else(|| panic!("an alert on the model: {alerts}"))
        .clone();
    let mut listed: Vec<String> = alert["case_ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|v| v.as_str().expect("id").to_owned())
        .collect();
    listed.sort();
    let mut planted = ids.clone();
    planted.sort();
    assert_eq!(listed, planted);

    // Declared from the alert by a legal officer: its evidence, its cases, and a watch.
    let origin = json!({"dimension": alert["dimension"], "value": alert["value"],
        "label": alert["label"], "window_hours": alert["window_hours"],
        "window_start": alert["window_start"], "window_end": alert["window_end"],
        "observed": alert["observed"], "expected": alert["expected"], "p_value": alert["p_value"]});
    let declared = call(
        db,
        &legal,
        "incidents.declare",
        json!({
        "title": "JSQ16-X9热水器漏水群体投诉", "kind": "product_safety", "level": "mass",
        "summary": "两天内同型号热水器漏水投诉集中出现。",
        "watch": {"dimension": "product", "value": "JSQ16-X9", "label": "JSQ16-X9"},
        "origin": origin, "case_ids": alert["case_ids"]}),
    )
    .await
    .expect("declared");
    let id = declared["id"].as_str().expect("id").to_owned();
    assert!(declared["incident_no"].as_str().expect("no").starts_with("纠纷应急〔"));
    assert_eq!(declared["live"]["cases"], 12);
    assert_eq!(declared["live"]["new_24h"], 12);
    assert_eq!(declared["origin"]["observed"], alert["observed"]);
    let case = call(db, &legal, "cases.get", json!({"id": ids[0]})).await.expect("case");
    assert_eq!(case["incidents"][0]["id"], json!(id), "the case shows its incident");
    assert_eq!(case["incidents"][0]["status"], "open");
    let again = call(db, &manager, "alerts.list", json!({})).await.expect("alerts");
    let covered = again["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .find(|a| a["value"] == "JSQ16-X9")
        .expect("alert");
    assert_eq!(covered["incident"]["id"], json!(id), "the alert shows its incident");

    // A new complaint about the model joins the incident as it arrives.
    let late = call(
        db,
        &Actor::system(),
        "cases.create",
        json!({
        "consumer": {"name": "迟到的消费者", "mobile": "13912345678"}, "channel": "wechat",
        "product_name": "燃气热水器", "product_model": "JSQ16-X9", "quantity": 1,
        "content": "同样漏水", "demand": "refund", "category": "product_quality",
        "department_id": "DEP-AS", "severity": "general", "complexity": "complex"}),
    )
    .await
    .expect("late case");
    let v = call(db, &legal, "incidents.get", json!({"id": id})).await.expect("get");
    assert_eq!(v["live"]["cases"], 13);
    let late_row = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == late["id"])
        .expect("linked");
    assert_eq!(late_row["auto"], true);

    // Closing before anything is done: refused, review first.
    let early =
        call(db, &manager, "incidents.close", json!({"id": id})).await.expect_err("no review");
    assert_eq!(early.code, "emergency.invalid_state");

    // The plan activated: its steps a checklist with owners, its report due in 24 hours.
    let active = call(db, &legal, "incidents.activate", json!({"id": id, "plan_id": plan_id}))
        .await
        .expect("activated");
    assert_eq!(active["plan_version"], 1);
    let steps = active["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["owner"], "李娜");
    assert_eq!(steps[1]["owner"], "王强");
    assert!(steps[0]["due_at"].is_string() && steps[2]["due_at"].is_null());
    let report = &active["reports"][0];
    assert_eq!(report["authority"], "市场监督管理局");
    assert!(report["reported_at"].is_null());
    let twice = call(db, &legal, "incidents.activate", json!({"id": id, "plan_id": plan_id}))
        .await
        .expect_err("once");
    assert_eq!(twice.code, "emergency.invalid_state");

    call(db, &legal, "incidents.step", json!({"id": id, "seq": 1, "action": "start"}))
        .await
        .expect("start");
    let done = call(
        db,
        &legal,
        "incidents.step",
        json!({"id": id, "seq": 1, "action": "done",
        "note": "涉及门店3家，批次20261101"}),
    )
    .await
    .expect("done");
    assert!(done["steps"][0]["done_at"].is_string());
    assert_eq!(done["live"]["steps_done"], 1);

    // Reported to the authority, its reply recorded.
    let reported = call(
        db,
        &legal,
        "incidents.report",
        json!({"id": id, "report_id": report["id"],
        "authority": "市场监督管理局", "channel": "书面", "content": "事件概况、涉及13件、已下架"}),
    )
    .await
    .expect("reported");
    assert!(reported["reports"][0]["reported_at"].is_string());
    assert_eq!(reported["reports"][0]["overdue"], false);
    let replied = call(
        db,
        &legal,
        "incidents.reply",
        json!({"id": id, "report_id": report["id"],
        "reply": "请于三日内报送处置结果"}),
    )
    .await
    .expect("reply");
    assert_eq!(replied["reports"][0]["reply"], "请于三日内报送处置结果");

    // Measures and their effect.
    let measured = call(
        db,
        &legal,
        "incidents.measure",
        json!({"id": id,
        "measure": "全部门店下架JSQ16-X9批次20261101"}),
    )
    .await
    .expect("measure");
    let measure_id = measured["measures"][0]["id"].clone();
    let assessed = call(
        db,
        &legal,
        "incidents.assess",
        json!({"id": id, "measure_id": measure_id,
        "effect": "此后24小时无新增投诉"}),
    )
    .await
    .expect("assessed");
    assert_eq!(assessed["measures"][0]["effect"], "此后24小时无新增投诉");

    // The review, required fields named when missing; then the plan revision it calls for.
    let missing = call(
        db,
        &legal,
        "incidents.review",
        json!({"id": id, "review": {"causes": "",
        "problems": "", "worked": "", "lessons": "", "plan_revisions": ""}}),
    )
    .await
    .expect_err("required");
    let fields: Vec<&str> = missing.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["review.causes", "review.problems", "review.lessons"]);
    call(
        db,
        &legal,
        "incidents.review",
        json!({"id": id, "review": {
        "causes": "供应商密封圈批次缺陷", "problems": "预警后两小时才启动预案",
        "worked": "门店统一口径、专线受理", "lessons": "关键部件进货抽检",
        "plan_revisions": "核实步骤时限缩短为1小时"}}),
    )
    .await
    .expect("review");
    let mut revised = plan_content("13800001111");
    revised["steps"][0]["within_hours"] = json!(1);
    call(db, &legal, "contingency.save", json!({"id": plan_id, "kind": "product_safety",
        "title": "产品质量安全事件应急预案", "content": revised,
        "change_note": "根据事件总结：核实时限缩短为1小时", "source": {"kind": "incident", "id": id}}))
    .await
    .expect("revision");

    // Only a managing role closes; then it is final.
    let forbidden =
        call(db, &legal, "incidents.close", json!({"id": id})).await.expect_err("manager");
    assert_eq!(forbidden.code, "auth.forbidden");
    let closed = call(db, &manager, "incidents.close", json!({"id": id})).await.expect("closed");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["revised_plans"][0]["version"], 2);
    let after = call(db, &legal, "incidents.measure", json!({"id": id, "measure": "再次回访"}))
        .await
        .expect_err("closed");
    assert_eq!(after.code, "emergency.invalid_state");

    // Its own timeline, in order.
    let kinds: Vec<&str> = closed["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "incident.declared",
            "incident.cases_linked",
            "incident.cases_linked",
            "incident.plan_activated",
            "incident.step_updated",
            "incident.step_updated",
            "incident.reported",
            "incident.reply_recorded",
            "incident.measure_recorded",
            "incident.measure_assessed",
            "incident.reviewed",
            "incident.closed"
        ]
    );

    // The incident report.
    let pdf = call(db, &legal, "incidents.pdf", json!({"id": id})).await.expect("pdf");
    let text = pdf_text(&pdf);
    for needle in [
        "JSQ16-X9热水器漏水群体投诉处置报告",
        "事件概况",
        "预警依据",
        "共关联案件13件",
        "处置步骤",
        "核实事件情况",
        "市场监督管理局",
        "请于三日内报送处置结果",
        "控制措施及效果",
        "此后24小时无新增投诉",
        "总结评估",
        "供应商密封圈批次缺陷",
        "据此修订",
        "处置过程记录",
    ] {
        assert!(
            text.contains(&pdf_tools::squash(needle)),
            "{needle} in the incident report: {text}"
        );
    }

    // Linking by hand: by case numbers as people paste them, and every earlier case the watch
    // matches.
    let second = call(
        db,
        &legal,
        "incidents.declare",
        json!({"title": "热水器漏水（复查）",
        "kind": "product_safety", "level": "major", "summary": "复查同型号既往投诉",
        "watch": {"dimension": "product", "value": "JSQ16-X9", "label": "JSQ16-X9"}}),
    )
    .await
    .expect("second");
    let second_id = second["id"].clone();
    assert_eq!(second["live"]["cases"], 0);
    let bad = call(
        db,
        &legal,
        "incidents.link",
        json!({"id": second_id, "case_nos": ["2026-XX-999999"]}),
    )
    .await
    .expect_err("unknown number");
    assert_eq!(bad.fields[0].field, "case_nos[0]");
    let other_no: String = sqlx::query_scalar(
        "SELECT case_no FROM cases WHERE COALESCE(product_model, '') <> 'JSQ16-X9' LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("another case");
    let by_no =
        call(db, &legal, "incidents.link", json!({"id": second_id, "case_nos": [other_no]}))
            .await
            .expect("by number");
    assert_eq!(by_no["live"]["cases"], 1);
    let since = call(
        db,
        &legal,
        "incidents.link",
        json!({"id": second_id,
        "watched_since": today.to_string()}),
    )
    .await
    .expect("by watch");
    assert_eq!(since["live"]["cases"], 14, "the 13 watched cases join the one linked by number");
    let nothing =
        call(db, &legal, "incidents.link", json!({"id": second_id})).await.expect_err("empty");
    assert_eq!(nothing.fields[0].field, "case_nos");

    // The projections are a fold of the log.
    let before = redress_core::projection::snapshot(db).await.expect("snapshot");
    redress_core::projection::rebuild(db).await.expect("rebuild");
    assert_eq!(redress_core::projection::snapshot(db).await.expect("snapshot"), before);
}
