//! Supervision and assessment (§七) and personal data (PIPL): each compliance rule on cases built
//! to trip it and on cases built not to; scorecards against the KPI test's independent
//! computation; inspections' reproducible samples and their closing; rewards and penalties;
//! the retention rule; anonymisation that keeps the statistics and the audit chain and leaves
//! no readable personal data of the consumer anywhere.

use crate::kpi;
use crate::pdf_tools;
use crate::support::{self, call, Stage};

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Utc;
use redress_core::domain::case::{CaseStatus, Satisfaction};
use redress_core::domain::events::{CaseClosed, CaseTransitioned, EventBody};
use redress_core::event_log::{self, NewEvent};
use redress_core::hlc::{ManualClock, WallClock};
use redress_core::{storage, Actor, Db, OpenOptions};
use serde_json::{json, Value};

const DAY_MS: u64 = 86_400_000;

async fn with_clock(cases: u32, seed: u64) -> (tempfile::TempDir, Db, Arc<ManualClock>) {
    let t = support::with_demo(cases, seed).await;
    let path = t.path();
    t.db.close().await;
    let clock = Arc::new(ManualClock::new(Utc::now().timestamp_millis() as u64));
    let mut options = OpenOptions::new(&path);
    options.clock = Box::new(clock.clone());
    let db = storage::open(options).await.expect("reopen");
    (t.dir, db, clock)
}

async fn sys(db: &Db, op: &str, req: Value) -> Value {
    call(db, &Actor::system(), op, req).await.unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn findings_of(r: &Value, rule: &str) -> HashSet<String> {
    r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["case_id"].as_str().expect("case").to_owned())
        .collect()
}

async fn major_case(db: &Db) -> String {
    let created = sys(
        db,
        "cases.create",
        json!({"consumer": {"name": "钱磊", "mobile": "13700003333"}, "channel": "hotline",
        "product_name": "电动自行车", "quantity": 1, "content": "充电时电池起火", "demand": "compensation",
        "category": "product_quality", "department_id": "DEP-AS", "handler_id": "handler.as",
        "severity": "major", "complexity": "complex", "acknowledged": true}),
    )
    .await;
    let id = created["id"].as_str().expect("id").to_owned();
    sys(db, "cases.advance", json!({"id": id, "move": "start_investigation"})).await;
    id
}

#[tokio::test]
async fn each_compliance_rule_finds_the_case_built_to_trip_it_and_not_its_twin() {
    let (dir, db, clock) = with_clock(30, 41).await;
    let db = &db;
    // Compensation offered: without evidence, and with.
    let comp_bad = support::drive_to(db, Stage::Executing).await.case_id;
    let comp_ok = support::drive_to(db, Stage::Executing).await.case_id;
    let file = dir.path().join("发票.jpg");
    std::fs::write(&file, b"\xff\xd8\xff invoice").expect("file");
    sys(
        db,
        "evidence.add",
        json!({"case_id": comp_ok, "files": [{"path": file, "kind": "receipt"}]}),
    )
    .await;
    // Clocks paused today, resumed three weeks later: told and not told; never paused.
    let moved_bad = support::drive_to(db, Stage::Investigating).await.case_id;
    let moved_ok = support::drive_to(db, Stage::Investigating).await.case_id;
    let still_paused = support::drive_to(db, Stage::Investigating).await.case_id;
    let overdue_bad = support::drive_to(db, Stage::Investigating).await.case_id;
    for id in [&moved_bad, &moved_ok, &still_paused] {
        sys(db, "cases.pause", json!({"id": id, "reason": "等待第三方检测报告"})).await;
    }
    // A major case past intake without a team, and one with.
    let major_bad = major_case(db).await;
    let major_ok = major_case(db).await;
    sys(db, "cases.team_set", json!({"id": major_ok, "members": [
        {"account_id": "handler.as", "role": "customer_service", "duty": "联络消费者", "lead": true},
        {"account_id": "legal01", "role": "legal", "duty": "法律意见"}]}))
    .await;
    // Reopened: closed again after a new plan (the workflow's way), and closed without one
    // (as data from an older version or another system may arrive).
    let reopened_bad = support::drive_to(db, Stage::Feedback).await.case_id;
    let reopened_ok = support::drive_to(db, Stage::Feedback).await;
    for id in [&reopened_bad, &reopened_ok.case_id] {
        sys(
            db,
            "cases.feedback",
            json!({"id": id, "communicated_by": "phone",
            "satisfaction": "dissatisfied", "score": 1, "comments": "补偿太少"}),
        )
        .await;
    }
    clock.set(clock.now_ms() + 21 * DAY_MS);
    sys(db, "cases.resume", json!({"id": moved_bad})).await;
    sys(db, "cases.resume", json!({"id": moved_ok, "informed_by": "phone"})).await;
    let resumed = call(
        db,
        &Actor::system(),
        "cases.resume",
        json!({"id": moved_ok, "informed_by": "phone", "informed_on": "2099-01-01"}),
    )
    .await;
    assert!(resumed.is_err(), "a paused clock only resumes once");
    let today = Utc::now().with_timezone(&redress_core::time::china()).date_naive();
    let later = (today + chrono::Duration::days(30)).to_string();
    let plan = sys(
        db,
        "plans.draft",
        json!({"case_id": reopened_ok.case_id, "summary": "提高补偿",
        "measures": [{"kind": "compensation", "description": "补偿", "amount": "500",
        "responsible_id": "handler.as", "steps": [{"title": "支付补偿", "due_on": later}]}]}),
    )
    .await;
    sys(db, "plans.offer", json!({"plan_id": plan["id"]})).await;
    sys(
        db,
        "cases.negotiate",
        json!({"case_id": reopened_ok.case_id,
        "held_on": (today + chrono::Duration::days(21)).to_string(), "method": "phone",
        "response": "accepted"}),
    )
    .await;
    let handling = sys(db, "cases.handling", json!({"id": reopened_ok.case_id})).await;
    for step in handling["steps"].as_array().expect("steps") {
        if step["done_on"].is_null() {
            sys(
                db,
                "steps.complete",
                json!({"step_id": step["id"],
                "done_on": (today + chrono::Duration::days(21)).to_string()}),
            )
            .await;
        }
    }
    sys(db, "cases.advance", json!({"id": reopened_ok.case_id, "move": "finish_execution"})).await;
    sys(
        db,
        "cases.feedback",
        json!({"id": reopened_ok.case_id, "communicated_by": "phone",
        "satisfaction": "satisfied", "score": 4}),
    )
    .await;
    sys(
        db,
        "cases.close",
        json!({"id": reopened_ok.case_id, "result": "补偿到位",
        "root_cause": "product_defect"}),
    )
    .await;
    let mut tx = db.begin_write().await.expect("tx");
    for body in [
        EventBody::CaseTransitioned(CaseTransitioned {
            from: CaseStatus::Planning,
            to: CaseStatus::Feedback,
            note: Some("旧系统迁移".into()),
        }),
        EventBody::CaseClosed(CaseClosed {
            result: "按原方案结案".into(),
            satisfaction: Some(Satisfaction::FairlySatisfied),
            root_cause: None,
            typical: false,
        }),
    ] {
        event_log::append(
            &mut tx,
            db,
            &Actor::system(),
            NewEvent { case_id: Some(reopened_bad.clone()), occurred_at: db.now(), body },
        )
        .await
        .expect("append");
    }
    tx.commit().await.expect("commit");
    // Closed cases imported without the consumer's feedback, and the satisfied ones above.
    let report =
        support::import_rows(db, dir.path(), "old", "H1,2026-03-02 10:00,空调,不制冷,closed\n")
            .await;
    assert_eq!(report["imported"], 1, "{report}");
    let closed_bad: String = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN case_imports i ON i.case_id = c.id WHERE i.source = 'old'",
    )
    .fetch_one(db.pool())
    .await
    .expect("imported");

    let manager = support::actor(db, "manager01").await;
    let r = call(db, &manager, "compliance.list", json!({})).await.expect("compliance");
    let expect = [
        ("compensation_without_evidence", &comp_bad, &comp_ok),
        ("deadline_moved_uninformed", &moved_bad, &moved_ok),
        ("closed_without_feedback", &closed_bad, &reopened_ok.case_id),
        ("overdue_without_reason", &overdue_bad, &moved_ok),
        ("major_without_team", &major_bad, &major_ok),
        ("reopened_closed_without_new_plan", &reopened_bad, &reopened_ok.case_id),
    ];
    for (rule, bad, ok) in expect {
        let found = findings_of(&r, rule);
        assert!(found.contains(bad), "{rule} finds the case built to trip it");
        assert!(!found.contains(ok), "{rule} leaves its twin alone");
    }
    assert!(!findings_of(&r, "overdue_without_reason").contains(&still_paused), "a paused clock");
    // Every rule is listed; the groups add up; each group's cases list in the ledger.
    let rules = r["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 6);
    for g in rules {
        let rule = g["rule"].as_str().expect("rule");
        assert_eq!(g["count"].as_u64(), Some(findings_of(&r, rule).len() as u64), "{rule}");
        let per_dept: i64 = r["by_department"]
            .as_array()
            .expect("by department")
            .iter()
            .filter(|d| d["rule"] == rule)
            .map(|d| d["count"].as_i64().expect("n"))
            .sum();
        assert_eq!(Some(per_dept), g["count"].as_i64(), "{rule} per department");
    }
    let group = r["by_department"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["rule"] == "compensation_without_evidence")
        .expect("a group")
        .clone();
    let listed =
        call(db, &manager, "cases.list", json!({"case_ids": group["case_ids"], "limit": 500}))
            .await
            .expect("ledger");
    assert_eq!(listed["total"], group["count"]);
    // One rule, one department; and a bad department filter finds nothing.
    let one = call(
        db,
        &manager,
        "compliance.list",
        json!({"rules": ["major_without_team"], "handler_id": "nobody"}),
    )
    .await
    .expect("one");
    assert_eq!(one["findings"], json!([]));
    assert_eq!(one["rules"].as_array().expect("rules").len(), 1);
    // The same from the command line's JSON: every finding has its rule code and case id.
    for f in r["findings"].as_array().expect("findings") {
        assert!(f["rule"].is_string() && f["case_id"].is_string() && f["case_no"].is_string());
    }
}

#[tokio::test]
async fn scorecards_equal_an_independent_computation_and_export_to_xlsx() {
    let t = support::with_demo(600, 33).await;
    let db = &t.db;
    let manager = support::actor(db, "manager01").await;
    let legal = support::actor(db, "legal01").await;
    let handler: String = sqlx::query_scalar(
        "SELECT handler_id FROM cases WHERE handler_id IS NOT NULL AND status = 'closed' \
         AND closed_at >= '2026' GROUP BY handler_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a busy handler");
    // Targets for the staff member; a reward approved, a penalty rejected.
    for (kpi, goal, limit) in [
        ("on_time_rate", 95.0, 80.0),
        ("satisfaction_rate", 90.0, 60.0),
        ("mean_handling_days", 5.0, 12.0),
    ] {
        call(
            db,
            &manager,
            "kpi.target_set",
            json!({"unit_id": handler, "period": "2026",
            "kpi": kpi, "goal": goal, "limit": limit}),
        )
        .await
        .expect("staff target");
    }
    let targets =
        call(db, &manager, "kpi.targets", json!({"period": "2026"})).await.expect("targets");
    assert!(targets
        .as_array()
        .expect("rows")
        .iter()
        .any(|t| t["unit_id"] == handler.as_str() && t["staff"] == true));
    let reward = call(db, &legal, "sanctions.propose", json!({"kind": "reward", "subject_kind": "staff",
        "subject_id": handler, "period": "2026-Q3", "reason": "满意率第一", "points": 8, "amount_fen": 50000,
        "scorecard": "2026-Q3"})).await.expect("reward");
    let penalty = call(
        db,
        &legal,
        "sanctions.propose",
        json!({"kind": "penalty", "subject_kind": "staff",
        "subject_id": handler, "period": "2026-10", "reason": "逾期", "points": 3}),
    )
    .await
    .expect("penalty");
    assert_eq!(
        call(db, &legal, "sanctions.decide", json!({"id": reward["id"], "approved": true}))
            .await
            .expect_err("legal may not decide")
            .code,
        "auth.forbidden"
    );
    let rejected =
        call(db, &manager, "sanctions.decide", json!({"id": penalty["id"], "approved": false}))
            .await
            .expect_err("a rejection needs its reason");
    assert_eq!(rejected.fields[0].field, "note");
    call(
        db,
        &manager,
        "sanctions.decide",
        json!({"id": penalty["id"], "approved": false, "note": "系统故障所致"}),
    )
    .await
    .expect("rejected");
    call(db, &manager, "sanctions.decide", json!({"id": reward["id"], "approved": true}))
        .await
        .expect("approved");
    let again =
        call(db, &manager, "sanctions.decide", json!({"id": reward["id"], "approved": true}))
            .await
            .expect_err("decided once");
    assert_eq!(again.code, "supervision.invalid_state");
    let no_amount = call(
        db,
        &legal,
        "sanctions.propose",
        json!({"kind": "reward", "subject_kind": "staff",
        "subject_id": handler, "period": "2026", "reason": "x"}),
    )
    .await
    .expect_err("amount or points");
    assert_eq!(no_amount.fields[0].field, "amount_fen");

    let all = kpi::rows(db).await;
    let calendar = redress_core::calendar::Calendar::shipped();
    let now = Utc::now();
    for by in ["staff", "department"] {
        let card = call(db, &manager, "scorecard.get", json!({"period": "2026", "by": by}))
            .await
            .expect("card");
        let days = kpi::period_days(&json!({"period": {"from": "2026-01-01", "to": "2026-12-31"}}));
        let lines = card["lines"].as_array().expect("lines");
        assert!(!lines.is_empty());
        for line in lines {
            let key = line["kpi"]["key"].as_str().expect("key").to_owned();
            let mine: Vec<&kpi::Row> = all
                .iter()
                .filter(|r| match by {
                    "staff" => r.handler.as_deref() == Some(key.as_str()),
                    _ => r.department.as_deref() == Some(key.as_str()),
                })
                .collect();
            let e = kpi::expected(&mine, days, now, calendar);
            kpi::check_line(db, &manager, &line["kpi"], &e, &format!("{by} {key}")).await;
            // The score: the rated KPIs' points, recomputed from their values and targets.
            let mut points = Vec::new();
            for v in line["kpi"]["values"].as_array().expect("values") {
                let (Some(value), Some(t)) = (v["value"].as_f64(), v["target"].as_object()) else {
                    continue;
                };
                let (goal, limit) =
                    (t["goal"].as_f64().expect("goal"), t["limit"].as_f64().expect("limit"));
                let higher = v["kpi"] != "mean_handling_days"
                    && v["kpi"] != "median_handling_days"
                    && v["kpi"] != "complaint_rate"
                    && v["kpi"] != "overdue"
                    && v["kpi"] != "reopen_rate";
                let p = if (higher && value >= goal) || (!higher && value <= goal) {
                    100.0
                } else if (higher && value < limit) || (!higher && value > limit) {
                    0.0
                } else {
                    60.0
                };
                points.push(p);
            }
            let score = (!points.is_empty())
                .then(|| (points.iter().sum::<f64>() / points.len() as f64 * 10.0).round() / 10.0);
            assert_eq!(line["score"].as_f64(), score, "{by} {key}: score");
            assert_eq!(line["rated"], json!(points.len()));
            if by == "staff" && key == handler {
                assert_eq!(points.len(), 3, "the staff member's own targets rate their line");
                assert_eq!(
                    (
                        line["reward_points"].clone(),
                        line["reward_fen"].clone(),
                        line["penalty_points"].clone()
                    ),
                    (json!(8), json!(50000), json!(0))
                );
            }
        }
    }
    // Export for HR: one row per staff member.
    let path = t.dir.path().join("考核评分.xlsx");
    let out = call(
        db,
        &manager,
        "scorecard.export",
        json!({"period": "2026", "by": "staff",
        "path": path}),
    )
    .await
    .expect("export");
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&path).expect("xlsx");
    let sheet = book.worksheet_range("考核评分").expect("sheet");
    assert_eq!(sheet.height() as i64, out["rows"].as_i64().expect("rows") + 1);
    assert_eq!(sheet.get((0, 1)).map(|c| c.to_string()), Some("人员".into()));
    let bad = call(
        db,
        &manager,
        "scorecard.export",
        json!({"period": "2026", "path": t.dir.path().join("x.csv")}),
    )
    .await
    .expect_err("xlsx only");
    assert_eq!(bad.fields[0].field, "path");
}

#[tokio::test]
async fn an_inspection_draws_a_reproducible_sample_and_closes_when_everything_is_done() {
    let t = support::with_demo(200, 9).await;
    let db = &t.db;
    let head = support::actor(db, "head.as").await;
    let agent = support::actor(db, "agent02").await;
    let unit: String = sqlx::query_scalar("SELECT id FROM org_units WHERE code = 'DEP-AS'")
        .fetch_one(db.pool())
        .await
        .expect("unit");
    let req = json!({"title": "售后服务部第四季度检查", "held_on": "2026-11-28", "unit_id": unit,
        "scope": ["process", "intake"], "period_from": "2025-01-01", "period_to": "2026-11-28",
        "sample_size": 6, "seed": "0123456789abcdef"});
    let first = call(db, &head, "inspections.open", req.clone()).await.expect("opened");
    let second = call(db, &head, "inspections.open", req).await.expect("again");
    let ids = |v: &Value| -> Vec<String> {
        v["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .map(|c| c["case_id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(ids(&first), ids(&second), "the same seed draws the same sample");
    // Independently: the population by case number, and the documented draw.
    let mut conn = db.pool().acquire().await.expect("conn");
    let population: Vec<String> = sqlx::query_scalar(
        "SELECT c.id FROM cases c WHERE c.status <> 'merged' AND c.received_at >= '2024-12-31T16:00:00.000Z' \
         AND c.received_at < '2026-11-28T16:00:00.000Z' AND (c.department_id = ?1 OR c.store_id IN \
         (SELECT id FROM org_units WHERE id = ?1 OR parent_id = ?1)) ORDER BY c.case_no, c.id")
        .bind(&unit).fetch_all(&mut *conn).await.expect("population");
    drop(conn);
    assert_eq!(first["summary"]["population"], json!(population.len()));
    assert_eq!(
        ids(&first),
        redress_core::ops::supervision::draw_sample(&population, 6, 0x0123456789abcdef)
    );
    assert_eq!(ids(&first).iter().collect::<HashSet<_>>().len(), 6, "no case twice");
    let id = first["summary"]["id"].as_str().expect("id").to_owned();
    // Bad input names its field; nothing is saved.
    let bad = call(
        db,
        &head,
        "inspections.open",
        json!({"title": "", "held_on": "2999-01-01",
        "scope": [], "period_from": "2026-02-01", "period_to": "2026-01-01", "sample_size": 500,
        "seed": "xyz"}),
    )
    .await
    .expect_err("bad");
    let fields: HashSet<String> = bad.fields.iter().map(|f| f.field.clone()).collect();
    for f in ["title", "held_on", "scope", "period_to", "sample_size", "seed"] {
        assert!(fields.contains(f), "{f} named: {fields:?}");
    }
    let issue = call(
        db,
        &head,
        "inspections.check",
        json!({"id": id, "case_id": ids(&first)[0],
        "verdict": "issue"}),
    )
    .await
    .expect_err("an issue needs its note");
    assert_eq!(issue.fields[0].field, "note");
    let refused =
        call(db, &head, "inspections.close", json!({"id": id})).await.expect_err("pending");
    assert_eq!(refused.code, "supervision.invalid_state");
    for (i, case) in ids(&first).iter().enumerate() {
        let (verdict, note) =
            if i == 0 { ("issue", "延期未告知消费者") } else { ("compliant", "") };
        call(
            db,
            &head,
            "inspections.check",
            json!({"id": id, "case_id": case, "verdict": verdict,
            "note": note}),
        )
        .await
        .expect("checked");
    }
    call(db, &head, "inspections.findings", json!({"id": id, "findings": "一件延期未告知。"}))
        .await
        .expect("findings");
    let view = call(
        db,
        &head,
        "inspections.rectify",
        json!({"id": id, "item": "延期告知话术培训",
        "owner_id": agent.id, "due_on": "2026-12-15"}),
    )
    .await
    .expect("item");
    let item = view["rectifications"][0]["id"].as_str().expect("item").to_owned();
    assert_eq!(view["summary"]["issues"], 1);
    let refused =
        call(db, &head, "inspections.close", json!({"id": id})).await.expect_err("item open");
    assert_eq!(refused.code, "supervision.invalid_state");
    // The owner completes their own item without supervision rights.
    call(
        db,
        &agent,
        "inspections.rectified",
        json!({"rectification_id": item, "note": "已组织培训"}),
    )
    .await
    .expect("done by its owner");
    let closed = call(db, &head, "inspections.close", json!({"id": id})).await.expect("closed");
    assert_eq!(closed["summary"]["status"], "closed");
    let late = call(db, &head, "inspections.findings", json!({"id": id, "findings": "改"}))
        .await
        .expect_err("closed");
    assert_eq!(late.code, "supervision.invalid_state");
    // The projection rebuilt from the log is the same.
    let before = redress_core::projection::snapshot(db).await.expect("snapshot");
    redress_core::projection::rebuild(db).await.expect("rebuild");
    assert_eq!(redress_core::projection::snapshot(db).await.expect("snapshot"), before);
}

async fn figures(db: &Db, actor: &Actor) -> (Value, Value) {
    let stats = call(db, actor, "stats.summary", json!({"from": "2024-01-01", "to": "2026-12-31"}))
        .await
        .expect("stats");
    let kpis = call(db, actor, "kpi.summary", json!({"period": "2026", "by": "department"}))
        .await
        .expect("kpis");
    (stats, kpis)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn anonymisation_keeps_the_statistics_and_the_chain_and_leaves_no_personal_data() {
    let (dir, db, clock) = with_clock(150, 17).await;
    let db = &db;
    let manager = support::actor(db, "manager01").await;
    let legal = support::actor(db, "legal01").await;
    let (name, mobile, street) = ("欧阳靖雯", "13912345678", "漕溪北路88号");
    let created = sys(db, "cases.create", json!({"consumer": {"name": name, "mobile": mobile,
        "address": format!("上海市徐汇区{street}")}, "channel": "hotline", "product_name": "滚筒洗衣机",
        "quantity": 1, "content": format!("{name}女士反映新买的洗衣机漏水，联系电话{mobile}。"),
        "demand": "repair", "category": "product_quality", "department_id": "DEP-AS",
        "handler_id": "handler.as", "severity": "general", "complexity": "complex", "acknowledged": true}))
    .await;
    let case_id = created["id"].as_str().expect("id").to_owned();
    let ack =
        call(db, &manager, "documents.notice", json!({"case": case_id, "kind": "acknowledgment"}))
            .await
            .expect("notice");
    let pdf = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(v["data"].as_str().expect("data"))
            .expect("base64")
    };
    let before_text = pdf_tools::text(&pdf_tools::write_temp(&pdf(&ack)));
    assert!(before_text.contains(name), "the notice names the consumer before");
    let hits = call(db, &manager, "cases.search", json!({"query": name})).await.expect("search");
    assert!(hits["total"].as_i64().expect("total") >= 1, "{hits}");

    // Open: refused; under legal hold: refused; closed and released: anonymised.
    let open =
        call(db, &legal, "consumers.anonymise", json!({"case_id": case_id, "note": "本人来电"}))
            .await
            .expect_err("open case");
    assert_eq!(open.code, "supervision.invalid_state");
    let mut tx = db.begin_write().await.expect("tx");
    event_log::append(
        &mut tx,
        db,
        &Actor::system(),
        NewEvent {
            case_id: Some(case_id.clone()),
            occurred_at: db.now(),
            body: EventBody::CaseClosed(CaseClosed {
                result: "上门维修".into(),
                satisfaction: Some(Satisfaction::Satisfied),
                root_cause: None,
                typical: false,
            }),
        },
    )
    .await
    .expect("closed");
    tx.commit().await.expect("commit");
    call(db, &legal, "cases.legal_hold", json!({"id": case_id, "reason": "消费者已起诉"}))
        .await
        .expect("hold");
    let held =
        call(db, &legal, "consumers.anonymise", json!({"case_id": case_id, "note": "本人来电"}))
            .await
            .expect_err("held");
    assert_eq!(held.code, "supervision.invalid_state");
    let export_path = dir.path().join("个人信息.json");
    call(
        db,
        &legal,
        "consumers.export",
        json!({"case_id": case_id, "path": export_path,
        "note": "本人书面申请查阅"}),
    )
    .await
    .expect("export");
    let exported = std::fs::read_to_string(&export_path).expect("export file");
    assert!(exported.contains(name) && exported.contains(mobile), "the export holds their data");
    call(db, &legal, "cases.legal_hold", json!({"id": case_id})).await.expect("hold lifted");
    let before = figures(db, &manager).await;
    clock.set(clock.now_ms() + 60_000);
    let done = call(
        db,
        &legal,
        "consumers.anonymise",
        json!({"case_id": case_id,
        "note": "本人来电要求删除个人信息（2026-11-29）"}),
    )
    .await
    .expect("anonymised");
    assert_eq!(done["case_ids"], json!([case_id]));
    let again =
        call(db, &legal, "consumers.anonymise", json!({"case_id": case_id, "note": "再次"}))
            .await
            .expect_err("once");
    assert_eq!(again.code, "supervision.invalid_state");

    // The statistics are the same, and the audit chain verifies.
    assert_eq!(figures(db, &manager).await, before, "statistics survive anonymisation");
    let audit = call(db, &manager, "audit.verify", json!({})).await.expect("audit");
    assert_eq!(audit["intact"], true, "{audit}");
    // The case, its timeline and the log record say what happened and no more.
    let detail = call(db, &manager, "cases.get", json!({"id": case_id})).await.expect("case");
    assert_eq!(detail["anonymised"], true);
    assert_eq!(detail["consumer"]["name"], redress_core::projection::ERASED_NAME);
    assert!(detail["consumer"]["mobile"].is_null() && detail["consumer"]["address"].is_null());
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    for k in ["case.legal_hold", "consumer.exported", "consumer.anonymised"] {
        assert!(kinds.contains(&k), "{k} on the timeline");
    }
    let log = call(db, &legal, "privacy.log", json!({})).await.expect("log");
    let actions: Vec<&str> =
        log.as_array().expect("rows").iter().map(|r| r["action"].as_str().expect("a")).collect();
    assert_eq!(actions, ["anonymised", "exported"]);
    // Not found by search, not printed in a notice made afterwards.
    for q in [name, mobile, "漕溪北路", "欧阳"] {
        let hits = call(db, &manager, "cases.search", json!({"query": q})).await.expect("search");
        let ids: Vec<&str> = hits["hits"]
            .as_array()
            .map(|h| h.iter().filter_map(|x| x["case_id"].as_str().or(x["id"].as_str())).collect())
            .unwrap_or_default();
        assert!(!ids.contains(&case_id.as_str()), "{q} still finds the case: {hits}");
    }
    let ack =
        call(db, &manager, "documents.notice", json!({"case": case_id, "kind": "acknowledgment"}))
            .await
            .expect("notice afterwards");
    let text = pdf_tools::text(&pdf_tools::write_temp(&pdf(&ack)));
    for s in [name, mobile, street] {
        assert!(!pdf_tools::squash(&text).contains(s), "{s} in the regenerated notice");
    }
    // Nowhere in the event log, nor in the database file itself.
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM events").fetch_all(db.pool()).await.expect("log");
    for s in [name, mobile, street] {
        assert!(!payloads.iter().any(|p| p.contains(s)), "{s} in the event log");
    }
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(db.pool()).await.expect("checkpoint");
    let path = dir.path().join("redress.db");
    let bytes = std::fs::read(&path).expect("db file");
    let wal = std::fs::read(format!("{}-wal", path.display())).unwrap_or_default();
    for s in [name, mobile, street] {
        assert!(!contains(&bytes, s) && !contains(&wal, s), "{s} readable in the database file");
    }
    // Rebuilt from the log, the consumer stays anonymised and everything else the same.
    let snapshot = redress_core::projection::snapshot(db).await.expect("snapshot");
    redress_core::projection::rebuild(db).await.expect("rebuild");
    assert_eq!(redress_core::projection::snapshot(db).await.expect("snapshot"), snapshot);
}

#[tokio::test]
async fn the_retention_rule_anonymises_old_consumers_except_under_legal_hold() {
    let (_dir, db, _clock) = with_clock(300, 23).await;
    let db = &db;
    let legal = support::actor(db, "legal01").await;
    let manager = support::actor(db, "manager01").await;
    assert_eq!(
        call(db, &legal, "privacy.settings", json!({})).await.expect("settings")
            ["retention_months"],
        36
    );
    let bad = call(db, &legal, "privacy.settings_set", json!({"retention_months": 3}))
        .await
        .expect_err("range");
    assert_eq!(bad.fields[0].field, "retention_months");
    call(db, &legal, "privacy.settings_set", json!({"retention_months": 12}))
        .await
        .expect("12 months");
    let dry = call(db, &legal, "retention.run", json!({"dry_run": true})).await.expect("dry run");
    let due = dry["due"].as_array().expect("due").clone();
    assert!(due.len() >= 3, "old closed consumers in the demo data: {}", due.len());
    // Independently: consumers with every case finished, the last closed before the cutoff.
    let cutoff = dry["cutoff"].as_str().expect("cutoff").to_owned();
    let expected: HashSet<String> = sqlx::query_scalar(
        "SELECT consumer_id FROM cases GROUP BY consumer_id HAVING \
         SUM(status NOT IN ('closed', 'withdrawn', 'merged')) = 0 \
         AND MAX(COALESCE(closed_at, received_at)) < ?",
    )
    .bind(&cutoff)
    .fetch_all(db.pool())
    .await
    .expect("expected")
    .into_iter()
    .collect();
    let listed: HashSet<String> =
        due.iter().map(|d| d["consumer_id"].as_str().expect("c").to_owned()).collect();
    assert_eq!(listed, expected);
    let unchanged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM consumers WHERE erased = 1")
        .fetch_one(db.pool())
        .await
        .expect("n");
    assert_eq!(unchanged, 0, "a dry run changes nothing");
    // One consumer's case under legal hold is kept.
    let kept = due[0]["case_ids"][0].as_str().expect("case").to_owned();
    call(db, &legal, "cases.legal_hold", json!({"id": kept, "reason": "市场监管部门调查中"}))
        .await
        .expect("hold");
    let before = figures(db, &manager).await;
    let run = call(db, &legal, "retention.run", json!({})).await.expect("run");
    assert_eq!(run["anonymised"].as_u64(), Some(due.len() as u64 - 1));
    assert_eq!(run["held"].as_array().expect("held").len(), 1);
    assert_eq!(figures(db, &manager).await, before, "statistics survive the retention run");
    let erased: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM consumers WHERE erased = 1 AND merged_into IS NULL",
    )
    .fetch_one(db.pool())
    .await
    .expect("n");
    assert_eq!(erased, due.len() as i64 - 1);
    let again = call(db, &legal, "retention.run", json!({})).await.expect("again");
    assert_eq!(again["anonymised"], 0, "nothing twice");
    let log = call(db, &legal, "privacy.log", json!({"limit": 1000})).await.expect("log");
    assert!(log.as_array().expect("rows").iter().all(|r| r["basis"] == "retention"));
    // Each run (not the dry one) is logged with what it did.
    let runs = call(db, &legal, "retention.runs", json!({})).await.expect("runs");
    let runs: Vec<(i64, i64, bool, String)> = runs
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_i64().expect(k);
            (
                n("anonymised"),
                n("held"),
                r["automatic"] == true,
                r["cutoff"].as_str().expect("c").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        runs,
        vec![(0, 1, false, cutoff.clone()), (due.len() as i64 - 1, 1, false, cutoff.clone())]
    );
    assert_eq!(call(db, &manager, "audit.verify", json!({})).await.expect("audit")["intact"], true);
}

#[tokio::test]
async fn the_app_runs_the_retention_rule_once_a_day_on_its_own() {
    use redress_core::ops::privacy::run_if_due;
    let (_dir, db, clock) = with_clock(200, 29).await;
    let db = &db;
    let legal = support::actor(db, "legal01").await;
    call(db, &legal, "privacy.settings_set", json!({"retention_months": 0})).await.expect("off");
    assert!(run_if_due(db).await.expect("off").is_none(), "the rule is off");
    call(db, &legal, "privacy.settings_set", json!({"retention_months": 12})).await.expect("on");
    let dry = call(db, &legal, "retention.run", json!({"dry_run": true})).await.expect("dry");
    let due = dry["due"].as_array().expect("due").len() as i64;
    assert!(due > 0, "the demo data has old closed consumers");
    let first = run_if_due(db).await.expect("run").expect("due today");
    assert_eq!(first.anonymised, due);
    assert!(run_if_due(db).await.expect("again").is_none(), "once a day");
    // The next day it runs again, finding only what became due overnight (a consumer whose
    // last case closed exactly twelve months before): what that day's dry run lists.
    clock.set(clock.now_ms() + DAY_MS);
    let overnight = call(db, &legal, "retention.run", json!({"dry_run": true})).await.expect("dry");
    let overnight = overnight["due"].as_array().expect("due").len() as i64;
    let next = run_if_due(db).await.expect("next day").expect("due again");
    assert_eq!(next.anonymised, overnight);
    let runs = call(db, &legal, "retention.runs", json!({})).await.expect("runs");
    let who: Vec<(&str, bool)> = runs
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["actor"].as_str().expect("actor"), r["automatic"] == true))
        .collect();
    assert_eq!(who, vec![("系统", true), ("系统", true)]);
    let log = call(db, &legal, "privacy.log", json!({"limit": 1000})).await.expect("log");
    // A line per case of each consumer anonymised, on either day.
    assert_eq!(log.as_array().expect("rows").len() as i64, first.cases + next.cases);
    let manager = support::actor(db, "manager01").await;
    assert_eq!(call(db, &manager, "audit.verify", json!({})).await.expect("audit")["intact"], true);
}
