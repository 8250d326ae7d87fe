//! Chinese full-text search at 1,000,000 cases: `cases.search` (count + first page of 20 with
//! snippets) for one- to four-character queries and a name, beside the baseline a spreadsheet or
//! a plain SQL user would run — the same substring test as a `LIKE '%…%'` scan through the
//! `sqlite3` command-line tool on the same file, in the same run.
//!
//! The database is generated once into `target/bench-data/search-<n>.db` (about twelve minutes
//! at a million) and reused; delete it to regenerate. `REDRESS_BENCH_CASES` changes the size
//! (docs/BENCHMARKS.md runs 10^4, 10^5 and 10^6).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::{Rng, SeedableRng};
use redress_core::ops::search::{search, SearchRequest};
use redress_core::{Actor, Db, OpenOptions};

const PRODUCTS: &[&str] = &[
    "燃气热水器",
    "变频空调",
    "滚筒洗衣机",
    "嵌入式烤箱",
    "智能手机",
    "笔记本电脑",
    "双开门冰箱",
    "扫地机器人",
    "电动自行车",
    "净水器",
    "吸油烟机",
    "家用投影仪",
    "儿童安全座椅",
    "会员年卡",
];
const PROBLEMS: &[&str] = &[
    "安装后第三天出现漏水，地板被泡坏",
    "使用一周后无法开机，售后多次维修未果",
    "收到的商品与宣传描述不符",
    "门店承诺七天无理由退货但拒绝办理退款",
    "配送延迟半个月且外包装破损",
    "发票金额与实际支付不一致",
    "客服电话长期无人接听，投诉无门",
    "维修人员上门收取高额费用",
    "噪音过大影响休息，要求换货",
    "屏幕出现亮线，质量问题明显",
    "会员卡余额被无故清零",
    "赠品未按约定发放",
    "电池鼓包存在安全隐患",
    "预付款退款迟迟不到账",
    "促销价格与结算价格不同",
];
const DEMANDS: &[&str] =
    &["要求退货退款", "要求免费维修", "要求换货并赔偿损失", "要求赔礼道歉", "要求退还差价"];
/// One to four characters, and a name (ranked by bm25 when few enough match).
const QUERIES: &[&str] = &["漏", "退款", "热水器", "鼓包", "退货退款", "无法开机", "王芳"];
const SURNAMES: &str = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂";

fn data_path(n: u64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/bench-data/search-{n}.db"))
}

async fn generate(path: &Path, n: u64) -> Db {
    std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
    let db = redress_core::storage::open(OpenOptions::new(path.to_path_buf())).await.expect("open");
    let done: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(db.pool()).await.expect("count");
    if done as u64 >= n {
        return db;
    }
    let started = Instant::now();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let site: String =
        sqlx::query_scalar("SELECT site_id FROM site").fetch_one(db.pool()).await.expect("site");
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let batch = 20_000u64;
    for start in (done as u64..n).step_by(batch as usize) {
        let mut tx = db.begin_write().await.expect("tx");
        for i in start..(start + batch).min(n) {
            let name = format!(
                "{}{}{}",
                surnames[rng.gen_range(0..surnames.len())],
                given[rng.gen_range(0..given.len())],
                given[rng.gen_range(0..given.len())]
            );
            let consumer = format!("p{i}");
            sqlx::query("INSERT INTO consumers (id, name, mobile) VALUES (?, ?, ?)")
                .bind(&consumer)
                .bind(&name)
                .bind(format!("139{:08}", i))
                .execute(&mut *tx)
                .await
                .expect("consumer");
            let product = PRODUCTS[rng.gen_range(0..PRODUCTS.len())];
            let content = format!(
                "{}{}。{}。型号X{}",
                product,
                PROBLEMS[rng.gen_range(0..PROBLEMS.len())],
                DEMANDS[rng.gen_range(0..DEMANDS.len())],
                rng.gen_range(100..999)
            );
            let day = 1 + (i % 700);
            let received = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date")
                + chrono::Duration::days(day as i64);
            sqlx::query(
                "INSERT INTO cases (id, case_no, site_id, received_at, channel, consumer_id, \
                 product_name, quantity, category, severity, complexity, content, demand, status, \
                 received_by, created_hlc, updated_hlc) VALUES (?, ?, ?, ?, 'hotline', ?, ?, 1, \
                 'product_quality', 'general', 'complex', ?, 'refund', 'closed', '系统', 0, 0)",
            )
            .bind(format!("c{i:07}"))
            .bind(format!("2026-HQ-{i:07}"))
            .bind(&site)
            .bind(format!("{received}T02:00:00.000Z"))
            .bind(&consumer)
            .bind(product)
            .bind(&content)
            .execute(&mut *tx)
            .await
            .expect("case");
            sqlx::query("INSERT INTO search_dirty (case_id) VALUES (?)")
                .bind(format!("c{i:07}"))
                .execute(&mut *tx)
                .await
                .expect("dirty");
        }
        redress_core::search::flush(&mut tx).await.expect("index");
        tx.commit().await.expect("commit");
    }
    eprintln!("generated and indexed {n} cases in {:.1} s", started.elapsed().as_secs_f64());
    db
}

fn sqlite3_like(path: &Path, needle: &str) -> String {
    let sql = format!(
        "SELECT COUNT(*) FROM cases c JOIN consumers p ON p.id = c.consumer_id \
         WHERE c.content LIKE '%{needle}%' OR c.product_name LIKE '%{needle}%' OR p.name LIKE '%{needle}%';"
    );
    let out =
        Command::new("sqlite3").arg(path).arg(sql).output().expect("sqlite3 (apt install sqlite3)");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn bench(c: &mut Criterion) {
    let n: u64 =
        std::env::var("REDRESS_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let path = data_path(n);
    let db = rt.block_on(generate(&path, n));
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mut group = c.benchmark_group(format!("search_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    let mut counts = Vec::new();
    for &query in QUERIES {
        let req = || SearchRequest { query: query.into(), limit: Some(20), offset: None };
        let total = rt.block_on(search(&db, &Actor::system(), req())).expect("search").total;
        counts.push(format!("{query}: {total} (LIKE scan: {})", sqlite3_like(&path, query)));
        group.bench_with_input(BenchmarkId::new("cases.search", query), &query, |b, _| {
            b.iter(|| rt.block_on(search(&db, &Actor::system(), req())).expect("search"))
        });
        group.bench_with_input(BenchmarkId::new("sqlite3_like_scan", query), &query, |b, q| {
            b.iter(|| sqlite3_like(&path, q))
        });
    }
    group.finish();
    println!("database: {n} cases, {:.0} MB", size as f64 / 1e6);
    for line in counts {
        println!("matches {line}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
