//! The ledger at 1,000,000 cases: `cases.list` — the first page, each single filter with a
//! sort, and the count of the filtered set — beside the same SQL run by the `sqlite3`
//! command-line tool on the same file, in the same run (the baseline).
//!
//! Cases are written straight into the ledger's tables (the event log is not what the ledger
//! reads), with varied channels, categories, severities, statuses, departments, stores,
//! handlers, dates and deadlines, once into `target/bench-data/ledger-N.db`, and reused; delete
//! it to regenerate. `REDRESS_BENCH_CASES` changes the size.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use redress_core::ops::cases::{list, CasesListRequest, ROW_COLUMNS, ROW_JOINS};
use redress_core::ops::kpi::{self, KpiRequest};
use redress_core::ops::reports::{self, ReportDraftRequest, ReportRequest};
use redress_core::ops::stats::{summary, StatsRequest};
use redress_core::{Actor, Db, OpenOptions};
use serde_json::json;

const CHANNELS: &[&str] = &[
    "hotline",
    "website",
    "wechat",
    "app",
    "store",
    "regulator_referral",
    "letter_email",
    "media",
];
const CATEGORIES: &[&str] = &[
    "product_quality",
    "after_sales",
    "price_charges",
    "misleading_advertising",
    "contract_terms",
    "delivery_logistics",
    "service_attitude",
    "safety_harm",
];
const STATUSES: &[&str] = &[
    "received",
    "investigating",
    "planning",
    "negotiating",
    "executing",
    "feedback",
    "closed",
    "closed",
    "closed",
    "closed",
    "withdrawn",
];
const SEVERITIES: &[&str] =
    &["general", "general", "general", "serious", "serious", "major", "mass"];
const PRODUCTS: &[&str] = &[
    "燃气热水器",
    "变频空调",
    "滚筒洗衣机",
    "嵌入式烤箱",
    "智能手机",
    "笔记本电脑",
    "双开门冰箱",
    "扫地机器人",
    "净水器",
    "吸油烟机",
];

fn data_path(n: u64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/bench-data/ledger-{n}.db"))
}

async fn generate(path: &Path, n: u64) -> Db {
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    let db = redress_core::storage::open(OpenOptions::new(path.to_path_buf())).await.expect("open");
    let done: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(db.pool()).await.expect("count");
    if done as u64 >= n {
        closings(&db).await;
        return db;
    }
    let started = Instant::now();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let site: String =
        sqlx::query_scalar("SELECT site_id FROM site").fetch_one(db.pool()).await.expect("site");
    // Twelve departments and forty stores under eight branches; two hundred handlers.
    let mut tx = db.begin_write().await.expect("tx");
    let units = |code: String, kind: &str, parent: Option<String>| {
        let id = format!("u-{code}");
        let q = sqlx::query("INSERT OR IGNORE INTO org_units (id, code, name, kind, parent_id, created_hlc) VALUES (?, ?, ?, ?, ?, 0)")
            .bind(id.clone())
            .bind(code.clone())
            .bind(code)
            .bind(kind.to_owned())
            .bind(parent);
        (id, q)
    };
    let mut departments = Vec::new();
    for d in 0..12 {
        let (id, q) = units(format!("DEP-{d:02}"), "department", None);
        q.execute(&mut *tx).await.expect("department");
        departments.push(id);
    }
    let mut stores = Vec::new();
    for b in 0..8 {
        let (branch, q) = units(format!("BR-{b}"), "branch", None);
        q.execute(&mut *tx).await.expect("branch");
        for s in 0..5 {
            let (id, q) = units(format!("ST-{b}-{s}"), "store", Some(branch.clone()));
            q.execute(&mut *tx).await.expect("store");
            stores.push(id);
        }
    }
    tx.commit().await.expect("commit");
    let batch = 50_000u64;
    let start_day = chrono::NaiveDate::from_ymd_opt(2024, 12, 1).expect("date");
    for start in (done as u64..n).step_by(batch as usize) {
        let mut tx = db.begin_write().await.expect("tx");
        for i in start..(start + batch).min(n) {
            let consumer = format!("p{i}");
            sqlx::query("INSERT INTO consumers (id, name, mobile) VALUES (?, ?, ?)")
                .bind(&consumer)
                .bind(format!("消费者{}", i % 9973))
                .bind(format!("139{:08}", i))
                .execute(&mut *tx)
                .await
                .expect("consumer");
            // Two years of cases, oldest first, as a real ledger fills.
            let minute = i * (2 * 365 * 24 * 60) / n.max(1);
            let received = start_day.and_hms_opt(0, 0, 0).expect("t")
                + chrono::Duration::minutes(minute as i64);
            let due = received + chrono::Duration::days(rng.gen_range(3..20));
            let status = STATUSES[rng.gen_range(0..STATUSES.len())];
            let handler = (rng.gen_range(0..10) > 0).then(|| format!("h{}", rng.gen_range(0..200)));
            let satisfaction = (status == "closed")
                .then(|| ["satisfied", "fairly_satisfied", "dissatisfied"][rng.gen_range(0..3)]);
            sqlx::query(
                "INSERT INTO cases (id, case_no, site_id, received_at, channel, store_id, department_id, consumer_id, \
                 product_name, quantity, category, severity, complexity, content, demand, status, received_by, \
                 handler, handler_id, due_at, satisfaction, result, created_hlc, updated_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 'complex', '（基准数据）', 'refund', ?, '系统', ?, ?, ?, ?, ?, 0, 0)",
            )
            .bind(format!("c{i:07}"))
            .bind(format!("{}-HQ-{:07}", 2024 + (minute / (365 * 24 * 60)), i))
            .bind(&site)
            .bind(format!("{}Z", received.format("%Y-%m-%dT%H:%M:%S%.3f")))
            .bind(CHANNELS[rng.gen_range(0..CHANNELS.len())])
            .bind(&stores[rng.gen_range(0..stores.len())])
            .bind(&departments[rng.gen_range(0..departments.len())])
            .bind(&consumer)
            .bind(PRODUCTS[rng.gen_range(0..PRODUCTS.len())])
            .bind(CATEGORIES[rng.gen_range(0..CATEGORIES.len())])
            .bind(SEVERITIES[rng.gen_range(0..SEVERITIES.len())])
            .bind(status)
            .bind(handler.as_ref().map(|h| format!("处理人{h}")))
            .bind(&handler)
            .bind(format!("{}Z", due.format("%Y-%m-%dT%H:%M:%S%.3f")))
            .bind(satisfaction)
            .bind((status == "closed").then_some("已为消费者办理退款"))
            .execute(&mut *tx)
            .await
            .expect("case");
        }
        tx.commit().await.expect("commit");
    }
    closings(&db).await;
    sqlx::query("ANALYZE").execute(db.pool()).await.expect("analyze");
    eprintln!("generated {n} cases in {:.1} s", started.elapsed().as_secs_f64());
    db
}

/// What the KPIs read of a closed case — when it closed (1 to 20 days after it was received, so
/// that about one case in six is late), its score, whether it was reopened or settled at
/// intake, the working days its clock stood still — derived from its row number, so that a
/// database generated before these columns were filled gets the same values.
async fn closings(db: &Db) {
    let missing: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE status = 'closed' AND closed_at IS NULL",
    )
    .fetch_one(db.pool())
    .await
    .expect("count");
    if missing == 0 {
        return;
    }
    sqlx::query(
        "UPDATE cases SET \
         closed_at = strftime('%Y-%m-%dT%H:%M:%fZ', received_at, '+' || (1 + rowid % 20) || ' days'), \
         score = CASE WHEN satisfaction = 'dissatisfied' THEN 1 + rowid % 2 ELSE 3 + rowid % 3 END, \
         reopen_count = (rowid % 13 = 0), \
         complexity = CASE WHEN rowid % 4 = 0 THEN 'simple' ELSE 'complex' END, \
         paused_working_days = CASE WHEN rowid % 9 = 0 THEN 1 + rowid % 4 ELSE 0 END \
         WHERE status = 'closed' AND closed_at IS NULL",
    )
    .execute(db.pool())
    .await
    .expect("closings");
}

/// The count and the first page of 50 through the `sqlite3` tool: the same SQL as the ledger's.
fn sqlite3(path: &Path, where_clause: &str, order: &str) -> String {
    let sql = format!(
        "SELECT COUNT(*) FROM cases c {where_clause}; \
         SELECT {ROW_COLUMNS}{ROW_JOINS} {where_clause} ORDER BY {order} LIMIT 50;"
    );
    let out =
        Command::new("sqlite3").arg(path).arg(sql).output().expect("sqlite3 (apt install sqlite3)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or_default().to_owned()
}

/// "Overdue" as the ledger means it (open, clock running, past the deadline) at a fixed now:
/// the ledger's own `now` is the clock's, so the baseline uses the same instant.
const OVERDUE: &str =
    "WHERE c.status NOT IN ('closed', 'withdrawn', 'merged') AND c.paused_at IS NULL \
     AND c.due_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const STATUS_ORDER: &str = "CASE c.status WHEN 'received' THEN 0 WHEN 'investigating' THEN 1 \
     WHEN 'planning' THEN 2 WHEN 'negotiating' THEN 3 WHEN 'executing' THEN 4 WHEN 'feedback' THEN 5 \
     WHEN 'closed' THEN 6 WHEN 'withdrawn' THEN 7 ELSE 8 END ASC, c.rowid ASC";

/// The generated database (made once, kept in target/bench-data) and a runtime to query it.
fn database() -> (u64, tokio::runtime::Runtime, PathBuf, Db) {
    let n: u64 =
        std::env::var("REDRESS_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let path = data_path(n);
    let db = rt.block_on(generate(&path, n));
    (n, rt, path, db)
}

fn bench(c: &mut Criterion) {
    let (n, rt, path, db) = database();
    let mut group = c.benchmark_group(format!("ledger_{n}"));
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(6))
        .warm_up_time(Duration::from_secs(1));
    // (name, request, the same filter and order in SQL for the baseline)
    let cases: Vec<(&str, serde_json::Value, &str, &str)> = vec![
        ("first_page", json!({}), "", "c.received_at DESC, c.rowid DESC"),
        ("status+received", json!({"statuses": ["negotiating"]}), "WHERE c.status IN ('negotiating')", "c.received_at DESC, c.rowid DESC"),
        ("category+received", json!({"categories": ["safety_harm"]}), "WHERE c.category IN ('safety_harm')", "c.received_at DESC, c.rowid DESC"),
        ("channel+case_no", json!({"channels": ["media"], "sort_by": "case_no", "sort_dir": "asc"}), "WHERE c.channel IN ('media')", "c.case_no ASC, c.rowid ASC"),
        ("department+due", json!({"department_id": "u-DEP-03", "sort_by": "due_at", "sort_dir": "asc"}), "WHERE c.department_id = 'u-DEP-03'", "c.due_at ASC, c.rowid ASC"),
        ("month+received", json!({"received_from": "2025-06-01", "received_to": "2025-06-30"}), "WHERE c.received_at >= '2025-05-31T16:00:00.000Z' AND c.received_at < '2025-06-30T16:00:00.000Z'", "c.received_at DESC, c.rowid DESC"),
        ("severity+received", json!({"severities": ["mass"]}), "WHERE c.severity IN ('mass')", "c.received_at DESC, c.rowid DESC"),
        ("handler+received", json!({"handler_id": "h42"}), "WHERE c.handler_id = 'h42'", "c.received_at DESC, c.rowid DESC"),
        ("overdue+due", json!({"overdue": true, "sort_by": "due_at", "sort_dir": "asc"}), OVERDUE, "c.due_at ASC, c.rowid ASC"),
        ("all+status_order", json!({"sort_by": "status", "sort_dir": "asc"}), "", STATUS_ORDER),
        ("store+received", json!({"store_id": "u-ST-2-3"}), "WHERE c.store_id IN (SELECT id FROM org_units WHERE id = 'u-ST-2-3' OR parent_id = 'u-ST-2-3')", "c.received_at DESC, c.rowid DESC"),
    ];
    let mut totals = Vec::new();
    for (name, req, where_clause, order) in cases {
        let request: CasesListRequest = serde_json::from_value(req).expect("request");
        let total = rt.block_on(list(&db, &Actor::system(), request.clone())).expect("list").total;
        totals.push(format!("{name}: {total} (sqlite3: {})", sqlite3(&path, where_clause, order)));
        group.bench_with_input(BenchmarkId::new("cases.list", name), &request, |b, r| {
            b.iter(|| rt.block_on(list(&db, &Actor::system(), r.clone())).expect("list"))
        });
        group.bench_with_input(BenchmarkId::new("sqlite3_cli", name), &name, |b, _| {
            b.iter(|| sqlite3(&path, where_clause, order))
        });
    }
    group.finish();
    for line in totals {
        println!("matches {line}");
    }
}

/// A year's full statistics (`stats.summary`: the total, eight breakdowns with the period
/// before and a year before, the monthly trend, a category × department cross tabulation)
/// beside the same counts as plain SQL through the `sqlite3` tool; the same without the cross
/// tabulation; the year's KPIs per department; the annual report's PDF.
fn bench_stats(c: &mut Criterion) {
    let (n, rt, path, db) = database();
    let mut group = c.benchmark_group(format!("stats_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(1));
    let request: StatsRequest = serde_json::from_value(json!({
        "from": "2025-01-01", "to": "2025-12-31", "cross": ["category", "department"]
    }))
    .expect("request");
    // The first call after the cross tabulation's cache is emptied counts the year's cases
    // once; the samples below read the cache.
    rt.block_on(async {
        for table in ["cross_cache", "cross_cached"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(db.pool()).await.expect("empty");
        }
    });
    let cold = Instant::now();
    let answer = rt.block_on(summary(&db, &Actor::system(), request.clone())).expect("stats");
    println!(
        "stats.summary/year, cross tabulation not cached: {:.3} s",
        cold.elapsed().as_secs_f64()
    );
    // The year, 2024, and the same year a year before: China-time bounds as stored.
    let (cur, prev) = (
        "c.received_at >= '2024-12-31T16:00:00.000Z' AND c.received_at < '2025-12-31T16:00:00.000Z'",
        "c.received_at >= '2023-12-31T16:00:00.000Z' AND c.received_at < '2024-12-31T16:00:00.000Z'",
    );
    let any = format!("c.status <> 'merged' AND (({cur}) OR ({prev}))");
    let mut sql = format!("SELECT SUM({cur}), SUM({prev}) FROM cases c WHERE {any};");
    for column in [
        "category",
        "channel",
        "department_id",
        "store_id",
        "product_name",
        "severity",
        "root_cause",
        "status",
    ] {
        sql.push_str(&format!(
            "SELECT {column}, SUM({cur}), SUM({prev}) FROM cases c WHERE {any} GROUP BY 1;"
        ));
    }
    sql.push_str(&format!(
        "SELECT strftime('%Y-%m', received_at, '+8 hours'), COUNT(*) FROM cases c \
         WHERE c.status <> 'merged' AND {cur} GROUP BY 1;\
         SELECT category, department_id, COUNT(*) FROM cases c WHERE c.status <> 'merged' AND {cur} GROUP BY 1, 2;"
    ));
    let baseline = || {
        let out = Command::new("sqlite3").arg(&path).arg(&sql).output().expect("sqlite3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let first = String::from_utf8_lossy(&baseline()).lines().next().unwrap_or_default().to_owned();
    println!("stats of 2025: {} cases (sqlite3: {first})", answer.total.count);
    group.bench_function("stats.summary/year", |b| {
        b.iter(|| rt.block_on(summary(&db, &Actor::system(), request.clone())).expect("stats"))
    });
    group.bench_function("sqlite3_cli/year", |b| b.iter(baseline));
    // Without the cross tabulation (what the page asks for until one is chosen).
    let plain: StatsRequest =
        serde_json::from_value(json!({"from": "2025-01-01", "to": "2025-12-31"})).expect("request");
    group.bench_function("stats.summary/year_without_cross", |b| {
        b.iter(|| rt.block_on(summary(&db, &Actor::system(), plain.clone())).expect("stats"))
    });
    let kpis: KpiRequest =
        serde_json::from_value(json!({"period": "2025", "by": "department"})).expect("request");
    let answer = rt.block_on(kpi::summary(&db, &Actor::system(), kpis.clone())).expect("kpis");
    println!("KPIs of 2025: {} received, {} closed", answer.total.received, answer.total.closed);
    group.bench_function("kpi.summary/year_by_department", |b| {
        b.iter(|| rt.block_on(kpi::summary(&db, &Actor::system(), kpis.clone())).expect("kpis"))
    });
    // The workbench (工作台) as it opens in the data's last month: the ledger's counts and
    // latest cases, the person's work, the month's KPIs and hotspots, the twelve-month trend.
    let dashboard = || async {
        let sys = Actor::system();
        let filter_of =
            |v: serde_json::Value| serde_json::from_value::<CasesListRequest>(v).expect("filter");
        for filter in [
            json!({"limit": 8}),
            json!({"limit": 1, "open": true}),
            json!({"limit": 1, "overdue": true}),
            json!({"limit": 1, "status": "closed"}),
        ] {
            list(&db, &sys, filter_of(filter)).await.expect("cases");
        }
        redress_core::ops::work::list(&db, &sys, serde_json::from_value(json!({})).expect("work"))
            .await
            .expect("work");
        kpi::summary(&db, &sys, KpiRequest { period: "2025-12".into(), by: None })
            .await
            .expect("kpis");
        redress_core::ops::hotspots::hotspots(
            &db,
            &sys,
            serde_json::from_value(json!({"period": "2025-12"})).expect("hotspots"),
        )
        .await
        .expect("hotspots");
        let trend: StatsRequest = serde_json::from_value(
            json!({"from": "2025-01-01", "to": "2025-12-31", "dimensions": [], "by": "month"}),
        )
        .expect("trend");
        summary(&db, &sys, trend).await.expect("trend");
    };
    group.bench_function("workbench/open", |b| b.iter(|| rt.block_on(dashboard())));
    // Early warning (§六) at the end of the data: 64 days of cases and the same season a year
    // before, tested per product, store and category; against sqlite3 counting the same rows
    // per value.
    let at = json!({"at": "2025-12-31 18:00"});
    let alerts = rt
        .block_on(redress_core::ops::alerts::list(
            &db,
            &Actor::system(),
            serde_json::from_value(at.clone()).expect("alerts"),
        ))
        .expect("alerts");
    println!("alerts at the end of 2025: {} ({} tests)", alerts.alerts.len(), alerts.method.tests);
    let ranges = "c.status <> 'merged' AND ((c.received_at >= '2025-10-29T10:00:00.000Z' \
        AND c.received_at < '2025-12-31T10:00:00.000Z') OR (c.received_at >= \
        '2024-10-26T10:00:00.000Z' AND c.received_at < '2025-01-03T10:00:00.000Z'))";
    let alert_sql: String =
        ["COALESCE(NULLIF(TRIM(c.product_model), ''), c.product_name)", "store_id", "category"]
            .iter()
            .map(|k| format!("SELECT {k}, COUNT(*) FROM cases c WHERE {ranges} GROUP BY 1;"))
            .collect();
    let alert_baseline = || {
        let out = Command::new("sqlite3").arg(&path).arg(&alert_sql).output().expect("sqlite3");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    group.bench_function("alerts.list/end_of_year", |b| {
        b.iter(|| {
            rt.block_on(redress_core::ops::alerts::list(
                &db,
                &Actor::system(),
                serde_json::from_value(at.clone()).expect("alerts"),
            ))
            .expect("alerts")
        })
    });
    group.bench_function("sqlite3_cli/alert_counts", |b| b.iter(alert_baseline));
    // The annual report: drafted once, its PDF made from the figures each time.
    let draft = rt
        .block_on(reports::draft(
            &db,
            &Actor::system(),
            ReportDraftRequest { period: "2025".into() },
        ))
        .expect("draft");
    let id = ReportRequest { id: draft.id };
    let pdf = rt.block_on(reports::pdf(&db, &Actor::system(), id.clone())).expect("report");
    println!("annual report: {} pages, {} bytes", pdf.pages, pdf.size);
    group.bench_function("reports.pdf/year", |b| {
        b.iter(|| rt.block_on(reports::pdf(&db, &Actor::system(), id.clone())).expect("report"))
    });
    group.finish();
}

/// Saving one complaint (`cases.create` as the intake form calls it: validation, the consumer's
/// sealed personal data, the event appended to the chain, the ledger row, the search index)
/// into the ledger of `n` cases, beside the least a case's save can be: a consumer row and a
/// case row inserted in one transaction by the `sqlite3` tool on the same file, in WAL mode
/// with `synchronous=NORMAL` as the app runs (its time includes starting `sqlite3`).
fn bench_intake(c: &mut Criterion) {
    let (n, rt, path, db) = database();
    let mut group = c.benchmark_group(format!("intake_{n}"));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    let seq = std::sync::atomic::AtomicU64::new(0);
    let site: String = rt
        .block_on(sqlx::query_scalar("SELECT site_id FROM site").fetch_one(db.pool()))
        .expect("site");
    group.bench_function("cases.create", |b| {
        b.iter(|| {
            let i = seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let request = json!({
                "consumer": {"name": format!("李{}", ["娜", "伟", "敏"][(i % 3) as usize]),
                    "mobile": format!("137{:08}", i)},
                "channel": "hotline", "product_name": PRODUCTS[i as usize % PRODUCTS.len()], "quantity": 1,
                "content": format!("购买第{}天出现故障，多次联系门店未解决，要求退货退款", i % 30 + 1),
                "demand": "refund", "category": "product_quality", "department_id": "DEP-03",
                "severity": "general", "complexity": "complex"});
            rt.block_on(redress_core::ops::dispatch(
                &db,
                &Actor::system(),
                "cases.create",
                &request.to_string(),
            ))
            .expect("intake")
        })
    });
    group.bench_function("sqlite3_cli/insert_case", |b| {
        b.iter(|| {
            let i = seq.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let sql = format!(
                "PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE; \
                 INSERT INTO consumers (id, name, mobile) VALUES ('b{i}', '李娜', '137{i:08}'); \
                 INSERT INTO cases (id, case_no, site_id, received_at, channel, department_id, \
                 consumer_id, product_name, quantity, category, severity, complexity, content, \
                 demand, status, received_by, due_at, created_hlc, updated_hlc) VALUES ('b{i}', \
                 '2026-HQ-B{i:07}', '{site}', strftime('%Y-%m-%dT%H:%M:%fZ','now'), 'hotline', \
                 'u-DEP-03', 'b{i}', '燃气热水器', 1, 'product_quality', 'general', 'complex', \
                 '购买后出现故障，要求退货退款', 'refund', 'received', '系统', \
                 strftime('%Y-%m-%dT%H:%M:%fZ','now','+7 days'), 0, 0); COMMIT;"
            );
            let out = Command::new("sqlite3").arg(&path).arg(sql).output().expect("sqlite3");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        })
    });
    group.finish();
}

criterion_group!(benches, bench, bench_stats, bench_intake);
criterion_main!(benches);
