//! Hotspots (`stats.hotspots`) against an independent test in plain Rust: for every dimension,
//! every value's count in the period and in each period of its history is recounted, the
//! Poisson tail is summed the long way, and the rules are applied again; the hotspots listed
//! must be exactly those found here. A planted burst (a product that suddenly draws thirty
//! complaints in October) is among them, with its cases listed; without history there are none.

use crate::support;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use redress_core::Db;
use serde_json::{json, Value};
use support::call;

const COLUMNS: [(&str, &str); 6] = [
    ("category", "category"),
    ("product", "product_name"),
    ("store", "store_id"),
    ("department", "department_id"),
    ("channel", "channel"),
    ("root_cause", "root_cause"),
];

/// P(X ≥ k), X ~ Poisson(λ): one minus the probabilities below k.
fn tail(k: i64, lambda: f64) -> f64 {
    let mut term = (-lambda).exp();
    let mut below = 0.0;
    for j in 0..k {
        below += term;
        term *= lambda / (j + 1) as f64;
    }
    (1.0 - below).max(0.0)
}

async fn plant_burst(db: &Db, dir: &std::path::Path) {
    let mut rows = String::new();
    // One complaint a month for half a year, then thirty in October.
    for (i, month) in (4..=9).enumerate() {
        rows.push_str(&format!("H{i},2026-{month:02}-10 10:00,智能净水器R9,滤芯漏水,received\n"));
    }
    for i in 0..30 {
        let day = 1 + i % 28;
        rows.push_str(&format!("B{i},2026-10-{day:02} 11:00,智能净水器R9,滤芯接口漏水,received\n"));
    }
    let report = support::import_rows(db, dir, "burst", &rows).await;
    assert_eq!(report["imported"], 36, "{report}");
}

fn china_day(s: &str) -> NaiveDate {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
        .with_timezone(&redress_core::time::china())
        .date_naive()
}

fn day(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().expect("day"), "%Y-%m-%d").expect("day")
}

#[tokio::test]
async fn hotspots_are_exactly_those_an_independent_test_finds() {
    let t = support::with_demo(1_500, 3).await;
    let db = &t.db;
    plant_burst(db, t.dir.path()).await;
    let manager = support::actor(db, "manager01").await;
    let r =
        call(db, &manager, "stats.hotspots", json!({"period": "2026-10"})).await.expect("hotspots");
    let history = r["history"].as_array().expect("history");
    assert_eq!(history.len(), 12, "a year of monthly history");
    assert_eq!(history[0]["from"], "2025-10-01");
    assert_eq!(history[11]["to"], "2026-09-30");

    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT received_at, status, category, product_name, store_id, department_id, channel, \
         root_cause FROM cases",
    )
    .fetch_all(db.pool())
    .await
    .expect("rows");
    let windows: Vec<(NaiveDate, NaiveDate)> = history
        .iter()
        .chain(std::iter::once(&r["period"]))
        .map(|p| (day(&p["from"]), day(&p["to"])))
        .collect();
    let mut found: Vec<(String, Option<String>, i64, f64)> = Vec::new();
    for (i, (dimension, _)) in COLUMNS.iter().enumerate() {
        let mut counts: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
        for row in &rows {
            if row.get::<&str, _>(1) == "merged" {
                continue;
            }
            let d = china_day(row.get(0));
            if let Some(w) = windows.iter().position(|(a, b)| (*a..=*b).contains(&d)) {
                let key: Option<String> = row.get(i + 2);
                counts.entry(key).or_insert_with(|| vec![0; windows.len()])[w] += 1;
            }
        }
        let tested: Vec<(Option<String>, Vec<i64>)> =
            counts.into_iter().filter(|(_, c)| c[c.len() - 1] > 0).collect();
        let reported = r["tested"]
            .as_array()
            .expect("tested")
            .iter()
            .find(|t| t[0] == *dimension)
            .map(|t| t[1].as_u64().expect("n") as usize);
        assert_eq!(reported, Some(tested.len()), "{dimension}: values tested");
        let threshold = 0.01 / tested.len().max(1) as f64;
        for (key, c) in tested {
            let observed = c[c.len() - 1];
            let past = &c[..c.len() - 1];
            let expected = (past.iter().sum::<i64>() as f64 / past.len() as f64).max(0.5);
            if observed >= 5
                && observed as f64 / expected >= 1.5
                && tail(observed, expected) < threshold
            {
                found.push(((*dimension).to_owned(), key, observed, expected));
            }
        }
    }
    let items = r["items"].as_array().expect("items");
    let mut listed: Vec<(String, Option<String>, i64, f64)> = items
        .iter()
        .map(|h| {
            (
                h["dimension"].as_str().expect("dimension").to_owned(),
                h["key"].as_str().map(str::to_owned),
                h["observed"].as_i64().expect("observed"),
                h["expected"].as_f64().expect("expected"),
            )
        })
        .collect();
    listed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    found.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(listed.len(), found.len(), "{listed:?} vs {found:?}");
    for (l, f) in listed.iter().zip(&found) {
        assert_eq!((&l.0, &l.1, l.2), (&f.0, &f.1, f.2));
        assert!((l.3 - f.3).abs() < 0.006, "expected {} vs {}", l.3, f.3);
    }
    // The planted burst: thirty-odd cases against about half a case a month.
    let burst = items
        .iter()
        .find(|h| h["dimension"] == "product" && h["key"] == "智能净水器R9")
        .expect("the burst is a hotspot");
    assert_eq!(burst["observed"], 30);
    assert_eq!(burst["expected"], 0.5, "6 cases in 12 months");
    assert!(burst["p_value"].as_f64().expect("p") < 1e-20);
    let h: Vec<i64> = burst["history"]
        .as_array()
        .expect("h")
        .iter()
        .map(|p| p["count"].as_i64().expect("n"))
        .collect();
    assert_eq!(h, vec![0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    let mut filter = burst["cases"].clone();
    filter["limit"] = json!(1);
    let page = call(db, &manager, "cases.list", filter).await.expect("list");
    assert_eq!(page["total"], 30, "its cases");
    // The most significant first.
    let ps: Vec<f64> = items.iter().map(|h| h["p_value"].as_f64().expect("p")).collect();
    assert!(ps.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn without_history_nothing_is_called_a_hotspot_and_bad_periods_are_refused() {
    let t = support::with_demo(300, 4).await;
    let manager = support::actor(&t.db, "manager01").await;
    // The demo's history starts in 2025: a period before it has none.
    let r = call(&t.db, &manager, "stats.hotspots", json!({"period": "2025-02"}))
        .await
        .expect("hotspots");
    assert!(r["history"].as_array().expect("history").len() < 3);
    assert_eq!(r["items"], json!([]));
    let e = call(&t.db, &manager, "stats.hotspots", json!({"period": "2026-W40"}))
        .await
        .expect_err("refused");
    assert_eq!(e.code, "validation.failed");
    assert_eq!(e.fields[0].field, "period");
}
