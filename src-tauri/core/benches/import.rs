//! Importing 100,000 spreadsheet rows (CSV, UTF-8) into a fresh database: every row checked,
//! mapped, sealed, written through the event log with its projections and search index, in
//! committed batches — beside the baseline of the same file loaded raw by the `sqlite3` tool
//! (`.import --csv` into a plain table: no checks, no log, no index), in the same run.
//! `REDRESS_BENCH_ROWS` changes the size.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use redress_core::import::{self, ImportMapping};
use redress_core::jobs::Job;
use redress_core::{Actor, OpenOptions};

const MAPPING: &str = r#"
source = "bench"
external_id = ["编号"]
[fields.received_at]
column = "受理日期"
[fields.channel]
column = "渠道"
[fields.channel.values]
"电话" = "hotline"
"网站" = "website"
"门店" = "store"
[fields.product_name]
column = "商品"
[fields.content]
column = "问题"
[fields.category]
value = "product_quality"
[fields.status]
column = "状态"
[fields.result]
column = "结果"
[fields.consumer_name]
column = "姓名"
[fields.consumer_mobile]
column = "手机"
"#;

fn data(n: u64) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../target/bench-data/import-{n}.csv"));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let channels = ["电话", "网站", "门店"];
    let products = ["燃气热水器", "变频空调", "滚筒洗衣机", "智能手机", "双开门冰箱"];
    let problems =
        ["安装后出现漏水", "使用一周后无法开机", "与宣传描述不符", "门店拒绝退款", "配送延迟"];
    let mut text = String::from("编号,受理日期,渠道,商品,问题,状态,结果,姓名,手机\n");
    for i in 0..n {
        let closed = rng.gen_range(0..4) > 0;
        text.push_str(&format!(
            "R{i},2025-{:02}-{:02},{},{},{}，编号{i},{},{},张{},139{:08}\n",
            rng.gen_range(1..13),
            rng.gen_range(1..29),
            channels[rng.gen_range(0..3)],
            products[rng.gen_range(0..5)],
            problems[rng.gen_range(0..5)],
            if closed { "closed" } else { "investigating" },
            if closed { "已退款" } else { "" },
            i % 997,
            // A third of the consumers complain more than once.
            i % (n * 2 / 3).max(1),
        ));
    }
    std::fs::write(&path, text).expect("write");
    path
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", ".lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn bench(c: &mut Criterion) {
    let n: u64 =
        std::env::var("REDRESS_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let file = data(n);
    let bytes = std::fs::read(&file).expect("read");
    let mapping = ImportMapping::from_toml(MAPPING).expect("mapping");
    let scratch = tempfile::tempdir().expect("dir");
    let mut group = c.benchmark_group(format!("import_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60))
        .warm_up_time(Duration::from_secs(1));
    let mut round = 0u32;
    group.bench_function(BenchmarkId::new("imports.run", n), |b| {
        b.iter_batched(
            || {
                // The previous round's database goes first (a gigabyte with its log): rounds
                // must not fill the disk or each other's page cache.
                remove_db(&scratch.path().join(format!("run-{round}.db")));
                round += 1;
                let path = scratch.path().join(format!("run-{round}.db"));
                rt.block_on(redress_core::storage::open(OpenOptions::new(path))).expect("open")
            },
            |db| {
                let table = import::read_table("import.csv", &bytes, mapping.encoding, None)
                    .expect("table");
                let report = rt
                    .block_on(import::run(
                        &db,
                        &Actor::system(),
                        "import.csv",
                        &table,
                        &mapping,
                        &Job::default(),
                    ))
                    .expect("import");
                assert_eq!(report.imported, n);
                rt.block_on(db.close());
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function(BenchmarkId::new("sqlite3_import_raw", n), |b| {
        b.iter_batched(
            || {
                round += 1;
                scratch.path().join(format!("raw-{round}.db"))
            },
            |path| {
                let out = Command::new("sqlite3")
                    .arg(&path)
                    .arg(format!(".import --csv {} raw", file.display()))
                    .output()
                    .expect("sqlite3");
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
