//! Sync through the real hub (served over TLS on loopback, as `redress-hub serve` does) on a real
//! PostgreSQL started by the benchmark from Debian's packages, each case beside a baseline
//! measured in the same run:
//!
//! 1. `full`: one branch's 100,000 waiting events into an empty hub (`sync::run`: push, then pull
//!    what the hub has for it). Baseline: the same rows loaded by PostgreSQL's own `COPY` into a
//!    plain table (psql `\copy`: no checks, no chain, no numbering, no index).
//! 2. `incremental`: 100 new events of a branch whose 100,000 the hub holds already. Baseline:
//!    the same sync with nothing to send (the round trips alone).
//! 3. `fifty`: 50 branches with 2,000 waiting events each, syncing at once. Baseline: the same 50
//!    one after another.
//!
//! Every measured round starts from a fresh copy: the hub's database is created from a template
//! (`CREATE DATABASE … TEMPLATE …`) and the branches' files are copied, outside the timing. The
//! share of the wall time PostgreSQL spent executing statements (`pg_stat_database.active_time`)
//! is printed for each case. `REDRESS_BENCH_EVENTS` changes the 100,000.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{pg_bin, serve_tls, site_db, Pg};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use redress_core::hub_client::HubClient;
use redress_core::import::{self, ImportMapping};
use redress_core::jobs::Job;
use redress_core::{sync, Actor, Db, OpenOptions};
use redress_hub::store::Store;

const MAPPING: &str = r#"
source = "bench"
external_id = ["编号"]
[fields.received_at]
column = "受理日期"
[fields.channel]
value = "hotline"
[fields.product_name]
column = "商品"
[fields.content]
column = "问题"
[fields.category]
value = "product_quality"
[fields.status]
value = "closed"
[fields.result]
value = "已退款"
[fields.consumer_name]
column = "姓名"
[fields.consumer_mobile]
column = "手机"
"#;

const BRANCHES: usize = 50;
const PER_BRANCH: u64 = 2_000;
const INCREMENT: u64 = 100;
/// Events a push or pull carries (the app's and the CLI's batch).
const BATCH: u32 = 1_000;

/// `rows` complaints (one event each when imported), numbered from `from`.
fn rows(from: u64, rows: u64) -> Vec<u8> {
    let products = ["燃气热水器", "变频空调", "滚筒洗衣机", "智能手机", "双开门冰箱"];
    let problems = ["安装后出现漏水", "使用一周后无法开机", "与宣传描述不符", "门店拒绝退款"];
    let mut text = String::from("编号,受理日期,商品,问题,姓名,手机\n");
    for i in from..from + rows {
        text.push_str(&format!(
            "R{i},2025-{:02}-{:02},{},{}，编号{i},张{},139{:08}\n",
            i % 12 + 1,
            i % 28 + 1,
            products[(i % 5) as usize],
            problems[(i % 4) as usize],
            i % 997,
            i,
        ));
    }
    text.into_bytes()
}

async fn import_rows(db: &Db, from: u64, n: u64) {
    let mapping = ImportMapping::from_toml(MAPPING).expect("mapping");
    let bytes = rows(from, n);
    let table = import::read_table("bench.csv", &bytes, mapping.encoding, None).expect("table");
    let report = import::run(db, &Actor::system(), "bench.csv", &table, &mapping, &Job::default())
        .await
        .expect("import");
    assert_eq!(report.imported, n);
}

/// A branch database with `n` waiting events, closed (checkpointed) so one file is all of it.
async fn branch(dir: &Path, code: &str, n: u64) -> PathBuf {
    let db = site_db(dir, code).await;
    import_rows(&db, 0, n).await;
    db.close().await;
    dir.join(format!("{code}.db"))
}

fn copy(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).expect("copy");
}

async fn open(path: &Path) -> Db {
    redress_core::storage::open(OpenOptions::new(path)).await.expect("open")
}

/// The PostgreSQL server, an admin connection, and fresh databases copied from templates.
struct Hubs {
    pg: Pg,
    admin: Store,
    round: u32,
}

impl Hubs {
    async fn fresh(&mut self, template: &str) -> (String, Store) {
        self.round += 1;
        let name = format!("run{}", self.round);
        let previous = format!("run{}", self.round - 1);
        sqlx::query(&format!("DROP DATABASE IF EXISTS {previous}"))
            .execute(self.admin.pool())
            .await
            .expect("drop");
        // A template must have no sessions: a closed pool's backends may take a moment to end.
        let mut tries = 0;
        while let Err(e) = sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(self.admin.pool())
            .await
        {
            tries += 1;
            assert!(tries < 50, "create from template: {e}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let store = Store::connect(&self.pg.url(&name), 20).await.expect("connect");
        (name, store)
    }

    /// Milliseconds PostgreSQL's backends spent executing statements in `db` (their counts reach
    /// the statistics when they end: the hub's pool is closed before this is read).
    async fn active_ms(&self, db: &str) -> f64 {
        sqlx::query_scalar("SELECT active_time FROM pg_stat_database WHERE datname = $1")
            .bind(db)
            .fetch_one(self.admin.pool())
            .await
            .expect("active_time")
    }
}

/// One measured round's wall time and PostgreSQL's active time in it.
struct Round {
    wall: Duration,
    pg_ms: f64,
}

#[derive(Default)]
struct Share {
    wall: Duration,
    pg_ms: f64,
}

impl Share {
    fn add(&mut self, r: &Round) {
        self.wall += r.wall;
        self.pg_ms += r.pg_ms;
    }
    fn report(&self, what: &str) {
        let wall_ms = self.wall.as_secs_f64() * 1000.0;
        if wall_ms > 0.0 {
            eprintln!(
                "{what}: PostgreSQL active {:.0} ms of {:.0} ms wall ({:.0} %)",
                self.pg_ms,
                wall_ms,
                100.0 * self.pg_ms / wall_ms
            );
        }
    }
}

/// Syncs `branches` (file, token) at a fresh hub made from `template`, all at once or one after
/// another; the wall time from the first request to the last reply.
async fn round(
    hubs: &mut Hubs,
    template: &str,
    branches: &[(PathBuf, String)],
    scratch: &Path,
    at_once: bool,
    before: impl AsyncFnOnce(&[Db]),
) -> Round {
    let (name, store) = hubs.fresh(template).await;
    let store = Arc::new(store);
    let (url, ca, handle) = serve_tls(store.clone(), None).await;
    let mut dbs = Vec::new();
    for (i, (file, _)) in branches.iter().enumerate() {
        let path = scratch.join(format!("b{i}.db"));
        copy(file, &path);
        dbs.push(open(&path).await);
    }
    before(&dbs).await;
    let clients: Vec<HubClient> = branches
        .iter()
        .map(|(_, token)| HubClient::new(&url, token, Some(ca.as_bytes())).expect("client"))
        .collect();
    let pg_before = hubs.active_ms(&name).await;
    let started = Instant::now();
    if at_once {
        let mut tasks = tokio::task::JoinSet::new();
        for (db, client) in dbs.iter().cloned().zip(clients) {
            tasks.spawn(async move {
                let report = sync::run(&db, &client, BATCH, |_| {}).await.expect("sync");
                assert_eq!(report.waiting, 0);
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("task");
        }
    } else {
        for (db, client) in dbs.iter().zip(&clients) {
            let report = sync::run(db, client, BATCH, |_| {}).await.expect("sync");
            assert_eq!(report.waiting, 0);
        }
    }
    let wall = started.elapsed();
    handle.shutdown();
    store.pool().close().await;
    for db in &dbs {
        db.close().await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pg_ms = hubs.active_ms(&name).await - pg_before;
    Round { wall, pg_ms }
}

/// The branch's events as CSV in the hub's column order (numbered as the hub would), for `COPY`.
async fn events_csv(file: &Path, out: &Path) -> u64 {
    use sqlx::Row;
    let db = open(file).await;
    let rows = sqlx::query(
        "SELECT event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, kind, payload, \
         prev_hash, hash FROM events ORDER BY site_seq",
    )
    .fetch_all(db.pool())
    .await
    .expect("events");
    db.close().await;
    let quote = |s: Option<String>| {
        s.map(|s| format!("\"{}\"", s.replace('"', "\"\""))).unwrap_or_default()
    };
    let mut text = String::new();
    for (i, r) in rows.iter().enumerate() {
        let mut fields = vec![(i + 1).to_string()];
        for column in 0..11 {
            fields.push(match column {
                2 | 3 => r.get::<i64, _>(column).to_string(),
                _ => quote(r.get::<Option<String>, _>(column)),
            });
        }
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    std::fs::write(out, text).expect("csv");
    rows.len() as u64
}

fn bench(c: &mut Criterion) {
    let n: u64 =
        std::env::var("REDRESS_BENCH_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let scratch = tempfile::tempdir().expect("dir");
    let dir = scratch.path();

    // The data, once: a branch with n events, 50 branches with 2,000 each, and the hub's
    // templates (sites registered; one that holds the big branch's events already).
    let pg = Pg::start();
    let (mut hubs, big, synced, many, csv) = rt.block_on(async {
        let empty = pg.hub("empty").await;
        let big_site = empty.add_site("华东分公司", "BIG", false).await.expect("site");
        let mut many = Vec::new();
        for i in 0..BRANCHES {
            let code = format!("S{i:02}");
            let site = empty.add_site(&format!("门店{i}"), &code, false).await.expect("site");
            many.push((branch(dir, &code, PER_BRANCH).await, site.token));
        }
        sqlx::query(
            "CREATE TABLE plain_events (server_seq BIGINT, event_id TEXT, site_id TEXT, \
             site_seq BIGINT, hlc BIGINT, occurred_at TEXT, case_id TEXT, actor TEXT, kind TEXT, \
             payload TEXT, prev_hash TEXT, hash TEXT)",
        )
        .execute(empty.pool())
        .await
        .expect("plain table");
        empty.pool().close().await;
        let big = (branch(dir, "BIG", n).await, big_site.token);
        let csv = dir.join("events.csv");
        let held = events_csv(&big.0, &csv).await;
        eprintln!("branch: {held} events; 50 branches: {} events each", PER_BRANCH);

        let admin = Store::connect(&pg.url("postgres"), 2).await.expect("admin");
        let mut hubs = Hubs { pg, admin, round: 0 };
        // The hub holding the big branch's events, and that branch after its sync.
        let (name, store) = hubs.fresh("empty").await;
        let store = Arc::new(store);
        let (url, ca, handle) = serve_tls(store.clone(), None).await;
        let synced = dir.join("synced.db");
        copy(&big.0, &synced);
        let db = open(&synced).await;
        let client = HubClient::new(&url, &big.1, Some(ca.as_bytes())).expect("client");
        sync::run(&db, &client, BATCH, |_| {}).await.expect("first sync");
        db.close().await;
        handle.shutdown();
        store.pool().close().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        sqlx::query(&format!("ALTER DATABASE {name} RENAME TO holding"))
            .execute(hubs.admin.pool())
            .await
            .expect("rename");
        let synced = (synced, big.1.clone());
        (hubs, big, synced, many, csv)
    });

    let mut group = c.benchmark_group("sync");
    // Each round takes seconds: ten rounds of one iteration each.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(30));

    let mut share = Share::default();
    group.bench_function(BenchmarkId::new("full", n), |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let r = round(
                        &mut hubs,
                        "empty",
                        std::slice::from_ref(&big),
                        dir,
                        true,
                        async |_| {},
                    )
                    .await;
                    share.add(&r);
                    total += r.wall;
                }
                total
            })
        })
    });
    share.report("full");

    let psql = pg_bin().join("psql");
    let mut share = Share::default();
    group.bench_function(BenchmarkId::new("postgres_copy", n), |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (name, store) = hubs.fresh("empty").await;
                    store.pool().close().await;
                    let before = hubs.active_ms(&name).await;
                    let started = Instant::now();
                    let out = Command::new(&psql)
                        .args([
                            "-X",
                            "-q",
                            "-v",
                            "ON_ERROR_STOP=1",
                            "-d",
                            &hubs.pg.url(&name),
                            "-c",
                        ])
                        .arg(format!("\\copy plain_events FROM '{}' CSV", csv.display()))
                        .output()
                        .expect("psql");
                    let wall = started.elapsed();
                    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    share.add(&Round { wall, pg_ms: hubs.active_ms(&name).await - before });
                    total += wall;
                }
                total
            })
        })
    });
    share.report("postgres_copy");

    for (id, more) in [("incremental", INCREMENT), ("nothing_to_do", 0)] {
        let mut share = Share::default();
        group.bench_function(BenchmarkId::new(id, more), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let r = round(
                            &mut hubs,
                            "holding",
                            std::slice::from_ref(&synced),
                            dir,
                            true,
                            async |dbs: &[Db]| {
                                if more > 0 {
                                    import_rows(&dbs[0], 10_000_000, more).await;
                                }
                            },
                        )
                        .await;
                        share.add(&r);
                        total += r.wall;
                    }
                    total
                })
            })
        });
        share.report(id);
    }

    for (id, at_once) in [("fifty_at_once", true), ("fifty_one_by_one", false)] {
        let mut share = Share::default();
        group.bench_function(BenchmarkId::new(id, BRANCHES as u64 * PER_BRANCH), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let r = round(&mut hubs, "empty", &many, dir, at_once, async |_| {}).await;
                        share.add(&r);
                        total += r.wall;
                    }
                    total
                })
            })
        });
        share.report(id);
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
