//! KPIs (`kpi.summary`) against an independent computation in plain Rust: the cases' rows, the
//! clock pauses and reopenings read from the event log (not from the projection's counters),
//! handling times counted day by day on the holiday calendar. Periods that cut through cases
//! (received in one, closed in the next), reopened cases, paused clocks and holidays all occur
//! in the demo data (years of it, with Spring Festivals and National Days). Every figure's
//! ledger filter lists exactly the cases it counts. Business volume, targets and their ratings,
//! and bad input, too.

use crate::support;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use redress_core::calendar::Calendar;
use redress_core::{Actor, Db};
use serde_json::{json, Value};
use support::call;

#[derive(Debug, Clone)]
pub(crate) struct Row {
    received: DateTime<Utc>,
    closed: Option<DateTime<Utc>>,
    due: Option<DateTime<Utc>>,
    status: String,
    satisfaction: Option<String>,
    score: Option<i64>,
    complexity: String,
    paused_at: Option<String>,
    unit: Option<String>,
    pub(crate) department: Option<String>,
    store: Option<String>,
    pub(crate) handler: Option<String>,
    /// From the log: working days the clock stood still, and times reopened.
    paused_days: i64,
    reopened: i64,
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("instant").with_timezone(&Utc)
}

fn china_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&redress_core::time::china()).date_naive()
}

pub(crate) async fn rows(db: &Db) -> Vec<Row> {
    use sqlx::Row as _;
    let mut paused: HashMap<String, i64> = HashMap::new();
    let mut reopened: HashMap<String, i64> = HashMap::new();
    let events = sqlx::query(
        "SELECT case_id, kind, payload FROM events WHERE kind IN \
         ('case.clock_resumed', 'case.feedback_recorded')",
    )
    .fetch_all(db.pool())
    .await
    .expect("events");
    for e in events {
        let case: String = e.get(0);
        let kind: String = e.get(1);
        let payload: Value = serde_json::from_str(e.get::<&str, _>(2)).expect("payload");
        if kind == "case.clock_resumed" {
            *paused.entry(case).or_default() +=
                payload["paused_working_days"].as_i64().expect("days");
        } else if payload["satisfaction"] == "dissatisfied" {
            *reopened.entry(case).or_default() += 1;
        }
    }
    let found = sqlx::query(
        "SELECT id, received_at, closed_at, due_at, status, satisfaction, score, complexity, \
         paused_at, department_id, store_id, handler_id FROM cases",
    )
    .fetch_all(db.pool())
    .await
    .expect("cases");
    found
        .iter()
        .map(|r| {
            let id: String = r.get(0);
            let department: Option<String> = r.get(9);
            let store: Option<String> = r.get(10);
            Row {
                received: at(r.get(1)),
                closed: r.get::<Option<&str>, _>(2).map(at),
                due: r.get::<Option<&str>, _>(3).map(at),
                status: r.get(4),
                satisfaction: r.get(5),
                score: r.get(6),
                complexity: r.get(7),
                paused_at: r.get(8),
                unit: store.clone().or_else(|| department.clone()),
                department,
                store,
                handler: r.get(11),
                paused_days: paused.get(&id).copied().unwrap_or(0),
                reopened: reopened.get(&id).copied().unwrap_or(0),
            }
        })
        .collect()
}

/// The nearest branch or subsidiary at or above each unit.
async fn branches(db: &Db) -> HashMap<String, Option<String>> {
    let units: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT id, kind, parent_id FROM org_units")
            .fetch_all(db.pool())
            .await
            .expect("units");
    let by_id: HashMap<&str, (&str, Option<&str>)> =
        units.iter().map(|(id, k, p)| (id.as_str(), (k.as_str(), p.as_deref()))).collect();
    units
        .iter()
        .map(|(id, _, _)| {
            let mut at = Some(id.as_str());
            let mut found = None;
            while let Some(u) = at {
                let (kind, parent) = by_id[u];
                if kind == "branch" || kind == "subsidiary" {
                    found = Some(u.to_owned());
                    break;
                }
                at = parent;
            }
            (id.clone(), found)
        })
        .collect()
}

#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Expected {
    received: i64,
    closed: i64,
    on_time: i64,
    with_feedback: i64,
    satisfied: i64,
    score_sum: i64,
    scored: i64,
    first_contact: i64,
    reopened: i64,
    overdue: i64,
    days: Vec<i64>,
}

pub(crate) fn expected(
    rows: &[&Row],
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Expected {
    let inside = |t: DateTime<Utc>| (from..=to).contains(&china_day(t));
    let mut e = Expected::default();
    for r in rows.iter().filter(|r| r.status != "merged") {
        if inside(r.received) {
            e.received += 1;
        }
        if r.status == "closed" && r.closed.is_some_and(inside) {
            let closed = r.closed.expect("closed");
            e.closed += 1;
            if r.due.is_some_and(|d| closed <= d) {
                e.on_time += 1;
            }
            if let Some(s) = &r.satisfaction {
                e.with_feedback += 1;
                if s == "satisfied" || s == "fairly_satisfied" {
                    e.satisfied += 1;
                }
            }
            if let Some(score) = r.score {
                e.score_sum += score;
                e.scored += 1;
            }
            if r.complexity == "simple" && r.reopened == 0 {
                e.first_contact += 1;
            }
            if r.reopened > 0 {
                e.reopened += 1;
            }
            let days = calendar.working_days_between(r.received, closed) - r.paused_days;
            e.days.push(days.max(0));
        }
        if let Some(due) = r.due.filter(|d| inside(*d) && *d < now) {
            let late_closed = r.status == "closed" && r.closed.is_some_and(|c| c > due);
            let running = !["closed", "withdrawn", "merged"].contains(&r.status.as_str())
                && r.paused_at.is_none();
            if late_closed || running {
                e.overdue += 1;
            }
        }
    }
    e
}

fn rate(a: i64, b: i64, scale: f64, places: i32) -> Value {
    if b == 0 {
        return Value::Null;
    }
    let unit = 10f64.powi(places);
    json!((a as f64 * scale / b as f64 * unit).round() / unit)
}

fn median(days: &[i64]) -> Value {
    if days.is_empty() {
        return Value::Null;
    }
    let mut d = days.to_vec();
    d.sort();
    let n = d.len();
    let m = if n % 2 == 1 { d[n / 2] as f64 } else { (d[n / 2 - 1] + d[n / 2]) as f64 / 2.0 };
    json!((m * 10.0).round() / 10.0)
}

fn value<'a>(line: &'a Value, kpi: &str) -> &'a Value {
    line["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["kpi"] == kpi)
        .unwrap_or_else(|| panic!("{kpi} missing"))
}

async fn listed(db: &Db, actor: &Actor, filter: &Value) -> i64 {
    let mut f = filter.clone();
    f["limit"] = json!(1);
    let page = call(db, actor, "cases.list", f).await.expect("the filter lists");
    page["total"].as_i64().expect("total")
}

/// Checks one line against the independent figures, and each figure's cases.
pub(crate) async fn check_line(db: &Db, actor: &Actor, line: &Value, e: &Expected, what: &str) {
    assert_eq!(line["received"], e.received, "{what}: received");
    assert_eq!(line["closed"], e.closed, "{what}: closed");
    let checks = [
        ("on_time_rate", rate(e.on_time, e.closed, 100.0, 1), e.on_time, e.closed),
        (
            "satisfaction_rate",
            rate(e.satisfied, e.with_feedback, 100.0, 1),
            e.satisfied,
            e.with_feedback,
        ),
        ("mean_score", rate(e.score_sum, e.scored, 1.0, 2), e.score_sum, e.scored),
        (
            "first_contact_rate",
            rate(e.first_contact, e.closed, 100.0, 1),
            e.first_contact,
            e.closed,
        ),
        ("reopen_rate", rate(e.reopened, e.closed, 100.0, 1), e.reopened, e.closed),
        (
            "mean_handling_days",
            rate(e.days.iter().sum(), e.days.len() as i64, 1.0, 1),
            e.days.iter().sum(),
            e.days.len() as i64,
        ),
    ];
    for (kpi, v, numerator, denominator) in checks {
        let got = value(line, kpi);
        assert_eq!(got["value"], v, "{what}: {kpi}");
        assert_eq!(got["numerator"], numerator, "{what}: {kpi} numerator");
        assert_eq!(got["denominator"], denominator, "{what}: {kpi} denominator");
    }
    assert_eq!(value(line, "median_handling_days")["value"], median(&e.days), "{what}: median");
    assert_eq!(value(line, "overdue")["value"], json!(e.overdue as f64), "{what}: overdue");
    // The cases behind each count.
    for (kpi, n) in [
        ("complaint_rate", e.received),
        ("on_time_rate", e.on_time),
        ("satisfaction_rate", e.satisfied),
        ("first_contact_rate", e.first_contact),
        ("reopen_rate", e.reopened),
        ("mean_handling_days", e.closed),
        ("overdue", e.overdue),
    ] {
        assert_eq!(listed(db, actor, &value(line, kpi)["cases"]).await, n, "{what}: {kpi} cases");
    }
    for (kpi, n) in [("on_time_rate", e.closed), ("satisfaction_rate", e.with_feedback)] {
        assert_eq!(listed(db, actor, &value(line, kpi)["base"]).await, n, "{what}: {kpi} base");
    }
}

pub(crate) fn period_days(response: &Value) -> (NaiveDate, NaiveDate) {
    let d =
        |s: &Value| NaiveDate::parse_from_str(s.as_str().expect("day"), "%Y-%m-%d").expect("day");
    (d(&response["period"]["from"]), d(&response["period"]["to"]))
}

#[tokio::test]
async fn kpis_match_an_independent_computation_and_each_lists_its_cases() {
    let t = support::with_demo(1_500, 33).await;
    let db = &t.db;
    let manager = support::actor(db, "manager01").await;
    let all = rows(db).await;
    let branch_of = branches(db).await;
    let calendar = Calendar::shipped();
    let now = Utc::now();
    assert!(all.iter().any(|r| r.paused_days > 0), "the data has paused clocks");
    assert!(all.iter().any(|r| r.reopened > 0 && r.status == "closed"), "and reopened cases");
    assert!(
        all.iter().any(|r| r.closed.is_some_and(|c| china_day(c).format("%m").to_string()
            != china_day(r.received).format("%m").to_string())),
        "and cases closed in a later month than received"
    );

    for period in ["2026-10", "2026-Q3", "2026", "2025-02"] {
        for by in ["company", "branch", "department", "store", "handler"] {
            let r = call(db, &manager, "kpi.summary", json!({"period": period, "by": by}))
                .await
                .expect("kpis");
            let days = period_days(&r);
            let every: Vec<&Row> = all.iter().collect();
            let what = format!("{period} total");
            check_line(db, &manager, &r["total"], &expected(&every, days, now, calendar), &what)
                .await;
            if by == "company" {
                assert_eq!(r["lines"], json!([]));
                continue;
            }
            let key_of = |row: &Row| -> Option<String> {
                match by {
                    "branch" => row.unit.as_ref().and_then(|u| branch_of[u].clone()),
                    "department" => row.department.clone(),
                    "store" => row.store.clone(),
                    _ => row.handler.clone(),
                }
            };
            let mut groups: BTreeMap<Option<String>, Vec<&Row>> = BTreeMap::new();
            for row in &all {
                groups.entry(key_of(row)).or_default().push(row);
            }
            let lines = r["lines"].as_array().expect("lines");
            let mut seen = 0;
            for line in lines {
                let key = line["key"].as_str().map(str::to_owned);
                let members = groups.get(&key).cloned().unwrap_or_default();
                let e = expected(&members, days, now, calendar);
                check_line(db, &manager, line, &e, &format!("{period} {by} {key:?}")).await;
                seen += 1;
            }
            // Every group with something in the period has its line.
            let active = groups
                .values()
                .filter(|m| {
                    let e = expected(m, days, now, calendar);
                    e.received + e.closed + e.overdue > 0
                })
                .count();
            assert_eq!(seen, active, "{period} {by}: one line per group");
        }
    }

    // A department head's total covers their department (and what they handle).
    let head = support::actor(db, "head.as").await;
    let r = call(db, &head, "kpi.summary", json!({"period": "2026"})).await.expect("kpis");
    let listed_scope = listed(db, &head, &value(&r["total"], "complaint_rate")["cases"]).await;
    assert_eq!(r["total"]["received"], listed_scope, "the head's own scope");
    let company = call(db, &manager, "kpi.summary", json!({"period": "2026"})).await.expect("kpis");
    assert!(r["total"]["received"].as_i64() < company["total"]["received"].as_i64());
}

#[tokio::test]
async fn the_complaint_rate_needs_every_months_volume_and_targets_rate_the_figures() {
    let t = support::with_demo(600, 5).await;
    let db = &t.db;
    let manager = support::actor(db, "manager01").await;
    // Q3 volume for two departments; the customer-service one lacks September.
    let csv = "单位,月份,订单数,销售额\nDEP-AS,2026-07,4000,\nDEP-AS,2026-08,5000,\nDEP-AS,2026-09,\"6,000\",123456.70\n\
               DEP-CS,2026-07,3000,\nDEP-CS,2026-08,3000,\n";
    let saved = call(db, &manager, "volume.import", json!({"text": csv, "file_name": "q3.csv"}))
        .await
        .expect("imported");
    assert_eq!(saved["entries"], 5);
    let listed_volume =
        call(db, &manager, "volume.list", json!({"year": 2026})).await.expect("list");
    assert_eq!(listed_volume.as_array().expect("rows").len(), 5);

    let r = call(db, &manager, "kpi.summary", json!({"period": "2026-Q3", "by": "department"}))
        .await
        .expect("kpis");
    let as_id = unit_id(db, "DEP-AS").await;
    let cs_id = unit_id(db, "DEP-CS").await;
    let line = |id: &str| -> Value {
        r["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .find(|l| l["key"] == id)
            .cloned()
            .expect("line")
    };
    let after_sales = line(&as_id);
    assert_eq!(after_sales["orders"], 15_000);
    let received = after_sales["received"].as_i64().expect("n");
    assert_eq!(
        value(&after_sales, "complaint_rate")["value"],
        rate(received, 15_000, 10_000.0, 2),
        "complaints per 10,000 orders"
    );
    let service = line(&cs_id);
    assert_eq!(service["orders"], Value::Null, "September missing: no rate");
    assert_eq!(value(&service, "complaint_rate")["value"], Value::Null);

    // Targets: the year's for the company, a quarter's for a department; the nearest applies.
    for (unit, period, goal, limit) in
        [(None, "2026", 95.0, 85.0), (Some(as_id.clone()), "2026-Q3", 100.0, 99.0)]
    {
        call(
            db,
            &manager,
            "kpi.target_set",
            json!({"unit_id": unit, "period": period, "kpi": "on_time_rate", "goal": goal, "limit": limit}),
        )
        .await
        .expect("target set");
    }
    let r = call(db, &manager, "kpi.summary", json!({"period": "2026-08", "by": "department"}))
        .await
        .expect("kpis");
    let total = value(&r["total"], "on_time_rate");
    assert_eq!(total["target"]["period"], "2026");
    let v = total["value"].as_f64().expect("value");
    let expected_rating = if v >= 95.0 {
        "green"
    } else if v < 85.0 {
        "red"
    } else {
        "amber"
    };
    assert_eq!(total["rating"], expected_rating);
    let dep = r["lines"].as_array().expect("lines").iter().find(|l| l["key"] == as_id).expect("AS");
    let dep_value = value(dep, "on_time_rate");
    assert_eq!(dep_value["target"]["period"], "2026-Q3", "the quarter's target for its month");
    let v = dep_value["value"].as_f64().expect("value");
    let expected_rating = if v >= 100.0 {
        "green"
    } else if v < 99.0 {
        "red"
    } else {
        "amber"
    };
    assert_eq!(dep_value["rating"], expected_rating);
    // Removing a target.
    call(db, &manager, "kpi.target_set", json!({"period": "2026", "kpi": "on_time_rate"}))
        .await
        .expect("removed");
    let left = call(db, &manager, "kpi.targets", json!({})).await.expect("targets");
    assert_eq!(left.as_array().expect("rows").len(), 1);

    // The log rebuilds the same volume and targets.
    let before = redress_core::projection::snapshot(db).await.expect("snapshot");
    redress_core::projection::rebuild(db).await.expect("rebuild");
    assert_eq!(redress_core::projection::snapshot(db).await.expect("snapshot"), before);
}

/// An org unit's id by its code.
async fn unit_id(db: &Db, code: &str) -> String {
    sqlx::query_scalar("SELECT id FROM org_units WHERE code = ?")
        .bind(code)
        .fetch_one(db.pool())
        .await
        .expect("unit")
}

#[tokio::test]
async fn bad_input_names_its_field_and_saves_nothing() {
    let t = support::with_demo(50, 9).await;
    let db = &t.db;
    let manager = support::actor(db, "manager01").await;
    let fields = |e: redress_core::ApiError| -> Vec<String> {
        assert_eq!(e.code, "validation.failed");
        e.fields.iter().map(|f| f.field.clone()).collect()
    };
    let bad = |req: Value| call(db, &manager, "kpi.summary", req);
    for period in ["2026-13", "2026-Q0", "next year", ""] {
        let e = bad(json!({"period": period})).await.expect_err("refused");
        assert_eq!(fields(e), vec!["period"], "{period}");
    }
    let set = |req: Value| call(db, &manager, "kpi.target_set", req);
    let e = set(json!({"period": "2026", "kpi": "on_time_rate", "goal": 80, "limit": 90}))
        .await
        .expect_err("a limit above the goal of a rate of success");
    assert_eq!(fields(e), vec!["limit"]);
    let e = set(json!({"period": "2026", "kpi": "mean_handling_days", "goal": 8, "limit": 5}))
        .await
        .expect_err("a limit below the goal of a time");
    assert_eq!(fields(e), vec!["limit"]);
    let e = set(json!({"period": "2026", "kpi": "satisfaction_rate", "goal": 120, "limit": 90}))
        .await
        .expect_err("over 100 %");
    assert_eq!(fields(e), vec!["goal"]);
    let e = set(json!({"unit_id": "nowhere", "period": "2026-W3", "kpi": "overdue", "goal": 1}))
        .await
        .expect_err("three problems");
    let mut f = fields(e);
    f.sort();
    assert_eq!(f, vec!["limit", "period", "unit_id"]);
    let e = call(
        db,
        &manager,
        "volume.import",
        json!({"text": "unit,month,orders\nDEP-AS,2026-10,100\nXX,2026-13,-5\nDEP-AS,2026-10,7"}),
    )
    .await
    .expect_err("bad lines");
    let mut f = fields(e);
    f.sort();
    assert_eq!(f, vec!["text[3].month", "text[3].orders", "text[3].unit", "text[4].month"]);
    let none = call(db, &manager, "volume.list", json!({"year": 2026})).await.expect("list");
    assert_eq!(none, json!([]), "nothing half-saved");
    let targets = call(db, &manager, "kpi.targets", json!({})).await.expect("targets");
    assert_eq!(targets, json!([]));
    // Only those who manage KPIs may set them.
    let agent = support::actor(db, "agent01").await;
    let e = call(
        db,
        &agent,
        "volume.set",
        json!({"entries": [{"unit": "DEP-AS", "month": "2026-10", "orders": 1}]}),
    )
    .await
    .expect_err("forbidden");
    assert_eq!(e.code, "auth.forbidden");
}
