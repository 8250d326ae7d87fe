//! Statistics (`stats.summary`) against an independent count in plain Rust over the same rows:
//! totals, every breakdown, trends, the cross tabulation, 环比 and 同比, cases received a minute
//! either side of midnight at a month's end (China time), merged cases; every figure's ledger
//! filter lists exactly its cases; a department head's figures cover their scope; and the CFPB
//! file's counts per month, product, channel and response against its reference statistics.

use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use redress_core::import::ImportMapping;
use redress_core::{Actor, Db};
use serde_json::{json, Value};
use support::call;

/// One case as the independent count sees it.
#[derive(Debug)]
struct Case {
    day: NaiveDate,
    fields: BTreeMap<&'static str, Option<String>>,
    merged: bool,
}

/// The dimensions, in the order of the columns read below.
const DIMENSIONS: [&str; 8] =
    ["category", "channel", "department", "store", "product", "severity", "root_cause", "status"];

async fn cases(db: &Db) -> Vec<Case> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT received_at, category, channel, department_id, store_id, product_name, \
         severity, root_cause, status FROM cases ORDER BY rowid",
    )
    .fetch_all(db.pool())
    .await
    .expect("rows");
    // China is UTC+8 all year (no summer time): the day a case was received there.
    let china = FixedOffset::east_opt(8 * 3600).expect("offset");
    rows.iter()
        .map(|r| {
            let at: String = r.get(0);
            let day = DateTime::parse_from_rfc3339(&at)
                .expect("instant")
                .with_timezone(&Utc)
                .with_timezone(&china)
                .date_naive();
            let status: String = r.get(8);
            let fields = DIMENSIONS
                .iter()
                .enumerate()
                .map(|(i, name)| (*name, r.get::<Option<String>, _>(i + 1)))
                .collect();
            Case { day, fields, merged: status == "merged" }
        })
        .collect()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
}

fn within(c: &Case, period: &Value) -> bool {
    let from = day(period["from"].as_str().expect("from"));
    let to = day(period["to"].as_str().expect("to"));
    !c.merged && c.day >= from && c.day <= to
}

fn count(all: &[Case], period: &Value, keep: impl Fn(&Case) -> bool) -> i64 {
    all.iter().filter(|c| within(c, period) && keep(c)).count() as i64
}

/// Checks one `stats.summary` answer against the rows, and each figure's ledger filter.
async fn check(db: &Db, actor: &Actor, all: &[Case], stats: &Value) {
    let periods = [&stats["period"], &stats["previous"], &stats["last_year"]];
    let total = &stats["total"];
    for (name, p) in ["count", "previous", "last_year"].iter().zip(periods) {
        assert_eq!(total[name], count(all, p, |_| true), "total {name}");
    }
    assert_eq!(listed(db, actor, &stats["cases"]).await, total["count"], "the period's cases");
    for breakdown in stats["breakdowns"].as_array().expect("breakdowns") {
        let dimension = breakdown["dimension"].as_str().expect("dimension");
        let mut seen = 0;
        for item in breakdown["items"].as_array().expect("items") {
            assert_eq!(item["others"], false, "every product listed here");
            let key = item["key"].as_str().map(str::to_owned);
            for (name, p) in ["count", "previous", "last_year"].iter().zip(periods) {
                let expected = count(all, p, |c| c.fields[dimension] == key);
                assert_eq!(item["figure"][name], expected, "{dimension} {key:?} {name}");
            }
            let n = item["figure"]["count"].as_i64().expect("n");
            seen += n;
            assert_eq!(listed(db, actor, &item["cases"]).await, n, "{dimension} {key:?}: cases");
        }
        assert_eq!(seen, total["count"].as_i64().expect("n"), "{dimension} sums to the total");
    }
    for point in stats["trend"].as_array().expect("trend") {
        let n = count(all, &point["period"], |_| true);
        assert_eq!(point["count"], n, "{}", point["label"]);
        assert_eq!(listed(db, actor, &point["cases"]).await, n, "{}", point["label"]);
    }
    if let Some(cross) = stats["cross"].as_object() {
        let by = |k: &str| {
            let d = cross[k].as_str().expect("dimension");
            *DIMENSIONS.iter().find(|name| **name == d).expect("known")
        };
        let (rows_by, columns_by) = (by("rows_by"), by("columns_by"));
        let key = |line: &Value| line["key"].as_str().map(str::to_owned);
        for (r, row) in cross["rows"].as_array().expect("rows").iter().enumerate() {
            for (k, column) in cross["columns"].as_array().expect("columns").iter().enumerate() {
                let expected = count(all, periods[0], |c| {
                    c.fields[rows_by] == key(row) && c.fields[columns_by] == key(column)
                });
                assert_eq!(cross["cells"][r][k], expected, "cell {r} {k}");
                // A cell's cases: its row's filter and its column's together.
                let mut both = row["cases"].clone();
                for (name, value) in column["cases"].as_object().expect("filter") {
                    both[name] = value.clone();
                }
                assert_eq!(listed(db, actor, &both).await, expected, "cell {r} {k}: cases");
            }
            assert_eq!(listed(db, actor, &row["cases"]).await, cross["row_totals"][r], "row {r}");
        }
    }
}

/// How many cases the ledger lists with a figure's filter.
async fn listed(db: &Db, actor: &Actor, filter: &Value) -> i64 {
    let mut req = filter.clone();
    req["limit"] = json!(1);
    let page = call(db, actor, "cases.list", req).await.expect("ledger");
    page["total"].as_i64().expect("total")
}

async fn summary(db: &Db, actor: &Actor, req: Value) -> Value {
    let mut req = req;
    req["top_products"] = json!(500);
    call(db, actor, "stats.summary", req).await.expect("stats")
}

/// Cases received a minute either side of midnight at the end of March 2026 and of March 2025
/// (China time), a merged duplicate, and a case with no department or store.
async fn import_edges(db: &Db, dir: &Path) {
    let report = support::import_rows(
        db,
        dir,
        "edges",
        "E1,2026-03-31 23:59,电热水壶,底座漏电,received\n\
         E2,2026-04-01 00:00,电热水壶,底座漏电,received\n\
         E3,2025-03-31 23:59,电热水壶,开关失灵,closed\n\
         E4,2025-04-01 00:01,电热水壶,开关失灵,closed\n\
         E5,2026-02-28 23:59,电热水壶,开关失灵,closed\n",
    )
    .await;
    assert_eq!(report["imported"], 5, "{report}");
}

#[tokio::test]
async fn figures_match_an_independent_count_and_each_lists_its_cases() {
    let t = support::with_demo(400, 21).await;
    // The importer takes the counting triggers out for each batch and puts them back.
    let triggers = "SELECT group_concat(name || ':' || sql, ';') FROM \
                    (SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name)";
    let before: String =
        sqlx::query_scalar(triggers).fetch_one(t.db.pool()).await.expect("triggers");
    import_edges(&t.db, t.dir.path()).await;
    let after: String =
        sqlx::query_scalar(triggers).fetch_one(t.db.pool()).await.expect("triggers");
    assert_eq!(after, before, "the schema's triggers after an import");
    assert!(before.contains("case_counts_insert") && before.contains("count_days_update"));
    // A merged duplicate: the same dispute as the case it went into, never counted twice.
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM cases WHERE status = 'received' ORDER BY rowid LIMIT 2")
            .fetch_all(t.db.pool())
            .await
            .expect("ids");
    let manager = support::actor(&t.db, "manager01").await;
    call(
        &t.db,
        &manager,
        "cases.merge",
        json!({"id": ids[0], "into": ids[1], "reason": "同一消费者重复来电"}),
    )
    .await
    .expect("merge");
    let all = cases(&t.db).await;
    assert!(all.iter().any(|c| c.merged), "a merged case to leave out");
    // The daily counts the statistics read agree with the cases: kept through intake,
    // handling, closing, reopening, the merge and the import, and rebuilt alike.
    let mut conn = t.db.pool().acquire().await.expect("conn");
    let off = redress_core::counts::differences(&mut conn).await.expect("counts");
    assert!(off.is_empty(), "kept counts: {off:?}");
    drop(conn);

    let march = summary(
        &t.db,
        &Actor::system(),
        json!({"from": "2026-03-01", "to": "2026-03-31", "cross": ["category", "department"]}),
    )
    .await;
    assert_eq!(march["previous"], json!({"from": "2026-02-01", "to": "2026-02-28"}));
    assert_eq!(march["last_year"], json!({"from": "2025-03-01", "to": "2025-03-31"}));
    check(&t.db, &Actor::system(), &all, &march).await;
    // Without breakdowns the total is counted on its own, to the same figure.
    let alone = summary(
        &t.db,
        &Actor::system(),
        json!({"from": "2026-03-01", "to": "2026-03-31", "dimensions": []}),
    )
    .await;
    assert_eq!(alone["total"], march["total"]);
    assert_eq!(alone["breakdowns"], json!([]));
    // The minute before midnight is March's, the minute after April's.
    let kettle = march["breakdowns"]
        .as_array()
        .expect("breakdowns")
        .iter()
        .find(|b| b["dimension"] == "product")
        .and_then(|b| b["items"].as_array().expect("items").iter().find(|i| i["key"] == "电热水壶"))
        .cloned()
        .expect("the kettle's line");
    assert_eq!(kettle["figure"]["count"], 1);
    assert_eq!(kettle["figure"]["previous"], 1);
    assert_eq!(kettle["figure"]["last_year"], 1);

    // The cross tabulation is cached per day: after March changes (a case imported, one of
    // its cases merged away), it is counted again for the days that changed.
    let report = support::import_rows(
        &t.db,
        t.dir.path(),
        "later",
        "L1,2026-03-15 09:30,电热水壶,底座漏电,received\nL2,2026-03-16 10:00,电热水壶,底座漏电,closed\n",
    )
    .await;
    assert_eq!(report["imported"], 2);
    let march_cases: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM cases WHERE status = 'received' AND received_at >= '2026-02-28T16:00:00.000Z' \
         AND received_at < '2026-03-31T16:00:00.000Z' ORDER BY rowid LIMIT 2",
    )
    .fetch_all(t.db.pool())
    .await
    .expect("ids");
    call(
        &t.db,
        &manager,
        "cases.merge",
        json!({"id": march_cases[0], "into": march_cases[1], "reason": "同一消费者重复来电"}),
    )
    .await
    .expect("merge");
    let all = cases(&t.db).await;
    let again = summary(
        &t.db,
        &Actor::system(),
        json!({"from": "2026-03-01", "to": "2026-03-31", "cross": ["category", "department"]}),
    )
    .await;
    check(&t.db, &Actor::system(), &all, &again).await;
    assert_ne!(again["cross"], march["cross"], "the changes show");

    let year =
        summary(&t.db, &Actor::system(), json!({"from": "2026-01-01", "to": "2026-11-28"})).await;
    check(&t.db, &Actor::system(), &all, &year).await;
    assert_eq!(year["trend"].as_array().map(Vec::len), Some(11), "January to November");

    let quarters = summary(
        &t.db,
        &Actor::system(),
        json!({"from": "2025-01-01", "to": "2026-12-31", "by": "quarter",
               "cross": ["store", "severity"]}),
    )
    .await;
    check(&t.db, &Actor::system(), &all, &quarters).await;
    assert_eq!(quarters["trend"][0]["label"], "2025-Q1");
    assert_eq!(quarters["trend"].as_array().map(Vec::len), Some(8));

    // A department head counts the cases of their scope: what their ledger lists.
    let head = support::actor(&t.db, "head.as").await;
    let theirs = summary(&t.db, &head, json!({"from": "2025-01-01", "to": "2026-12-31"})).await;
    let everyone = quarters["total"]["count"].as_i64().expect("n");
    let scoped = theirs["total"]["count"].as_i64().expect("n");
    assert!(scoped > 0 && scoped < everyone, "{scoped} of {everyone}");
    assert_eq!(listed(&t.db, &head, &theirs["cases"]).await, scoped);
}

#[tokio::test]
async fn bad_periods_name_the_field() {
    let t = support::fresh().await;
    let err = call(
        &t.db,
        &Actor::system(),
        "stats.summary",
        json!({"from": "2026-13-01", "to": "2026-12-31"}),
    )
    .await
    .expect_err("bad date");
    assert_eq!(err.code, "validation.failed");
    assert_eq!(err.fields[0].field, "from");
    let err = call(
        &t.db,
        &Actor::system(),
        "stats.summary",
        json!({"from": "2026-12-01", "to": "2026-11-30"}),
    )
    .await
    .expect_err("backwards");
    assert_eq!(err.fields[0].field, "to");
    let err = call(
        &t.db,
        &Actor::system(),
        "stats.summary",
        json!({"from": "2026-01-01", "to": "2026-01-31", "top_products": 0}),
    )
    .await
    .expect_err("no products");
    assert_eq!(err.fields[0].field, "top_products");
    let empty =
        summary(&t.db, &Actor::system(), json!({"from": "2026-01-01", "to": "2026-01-31"})).await;
    assert_eq!(empty["total"]["count"], 0);
    assert_eq!(empty["total"]["change_previous"], Value::Null, "no base, no change");
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[tokio::test]
async fn cfpb_counts_per_month_product_channel_and_response_match_the_reference() {
    let t = support::fresh().await;
    let text =
        std::fs::read_to_string(repo().join("docs/examples/mappings/cfpb.toml")).expect("mapping");
    let mapping = ImportMapping::from_toml(&text).expect("mapping");
    let external = repo().join("../shared/data/external/cfpb_aravindsriraj");
    let report = call(
        &t.db,
        &Actor::system(),
        "imports.run",
        json!({"path": external.join("complaints_complete_rows.csv"), "mapping": mapping}),
    )
    .await
    .expect("import");
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(external.join("reference_stats.json")).expect("reference"),
    )
    .expect("json");
    assert_eq!(report["imported"], reference["rows"]);
    let counts = |v: &Value| -> BTreeMap<String, i64> {
        v.as_object()
            .expect("object")
            .iter()
            .map(|(k, n)| (k.clone(), n.as_i64().expect("n")))
            .collect()
    };
    let stats = summary(
        &t.db,
        &Actor::system(),
        json!({"from": reference["date_received_min"], "to": reference["date_received_max"]}),
    )
    .await;
    assert_eq!(stats["total"]["count"], reference["rows"]);
    let by_month: BTreeMap<String, i64> = stats["trend"]
        .as_array()
        .expect("trend")
        .iter()
        .filter(|p| p["count"] != 0)
        .map(|p| (p["label"].as_str().expect("label").to_owned(), p["count"].as_i64().expect("n")))
        .collect();
    assert_eq!(by_month, counts(&reference["count_by_month"]));
    let breakdown = |dimension: &str| -> BTreeMap<String, i64> {
        stats["breakdowns"]
            .as_array()
            .expect("breakdowns")
            .iter()
            .find(|b| b["dimension"] == dimension)
            .expect("breakdown")["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| {
                (
                    i["key"].as_str().expect("key").to_owned(),
                    i["figure"]["count"].as_i64().expect("n"),
                )
            })
            .collect()
    };
    assert_eq!(breakdown("product"), counts(&reference["count_by_product"]));
    let via = &mapping.fields[&redress_core::import::ImportField::Channel].values;
    let mut channels: BTreeMap<String, i64> = BTreeMap::new();
    for (word, n) in counts(&reference["count_by_submitted_via"]) {
        *channels.entry(via[&word].clone()).or_default() += n;
    }
    assert_eq!(breakdown("channel"), channels);
    let responses = counts(&reference["count_by_company_response"]);
    let in_progress = responses["In progress"];
    assert_eq!(
        breakdown("status"),
        BTreeMap::from([
            ("closed".to_owned(), responses.values().sum::<i64>() - in_progress),
            ("investigating".to_owned(), in_progress),
        ])
    );
}
