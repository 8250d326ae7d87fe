//! The ledger on a plain file and on the same file encrypted (SQLCipher 4 defaults: AES-256 in
//! CBC mode, HMAC-SHA512 per 4 KiB page), through the same SQLCipher build. The key is a raw
//! 256-bit key (`x'…'`), as an app holding it in the OS keychain would give it: no passphrase
//! derivation at open. Both connections keep 32 MiB of page cache, as the app does; pages
//! beyond it are read through the operating system's cache and, encrypted, decrypted each time.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::Connection;

const KEY: &str = "x'2DD29CA851E7B56E4697B0E1F08507293D761A05CE4D1B628663F411A8086D99'";

/// The generated ledger exported twice by SQLCipher, once in plain and once encrypted: two
/// fresh files of the same layout, so that only the encryption differs.
fn data(n: u64) -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    let source = dir.join(format!("ledger-{n}.db"));
    assert!(
        source.exists(),
        "{} first: cargo bench -p redress-core --bench ledger",
        source.display()
    );
    let export = |name: &str, key: &str| {
        let path = dir.join(format!("ledger-{n}.{name}.db"));
        if !path.exists() {
            let conn = Connection::open(&source).expect("source");
            conn.execute_batch(&format!(
                "ATTACH DATABASE '{}' AS out KEY \"{key}\"; SELECT sqlcipher_export('out'); DETACH out;",
                path.display()
            ))
            .expect("export");
        }
        path
    };
    (export("plain", ""), export("sqlcipher", KEY))
}

fn open(path: &Path, key: bool) -> Connection {
    let conn = Connection::open(path).expect("open");
    if key {
        conn.execute_batch(&format!("PRAGMA key = \"{KEY}\";")).expect("key");
    }
    conn.execute_batch(
        "PRAGMA cache_size = -32768; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
    )
    .expect("pragmas");
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0)).expect("readable");
    assert!(n > 0);
    conn
}

/// The ledger's work: (name, SQL returning rows to read through).
const QUERIES: &[(&str, &str)] = &[
    (
        "first_page",
        "SELECT c.id, c.case_no, c.received_at, c.status, c.product_name, p.name FROM cases c \
         JOIN consumers p ON p.id = c.consumer_id ORDER BY c.received_at DESC, c.rowid DESC LIMIT 50",
    ),
    ("count_status", "SELECT COUNT(*) FROM cases WHERE status = 'negotiating'"),
    (
        "channel_by_case_no",
        "SELECT c.id, c.case_no FROM cases c WHERE c.channel = 'media' ORDER BY c.case_no LIMIT 50",
    ),
    (
        "year_by_category",
        "SELECT category, COUNT(*) FROM cases WHERE received_at >= '2024-12-31T16:00:00.000Z' \
         AND received_at < '2025-12-31T16:00:00.000Z' GROUP BY category",
    ),
    ("full_scan_count", "SELECT COUNT(*) FROM cases WHERE content LIKE '%漏水%'"),
];

fn run(conn: &Connection, sql: &str) -> usize {
    let mut stmt = conn.prepare_cached(sql).expect("prepare");
    let mut rows = stmt.query([]).expect("query");
    let mut n = 0;
    while rows.next().expect("row").is_some() {
        n += 1;
    }
    n
}

fn bench(c: &mut Criterion) {
    let n: u64 =
        std::env::var("REDRESS_BENCH_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let (plain, encrypted) = data(n);
    let files = [("plain", open(&plain, false)), ("sqlcipher", open(&encrypted, true))];
    let mut group = c.benchmark_group(format!("encryption_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    for (name, sql) in QUERIES {
        for (kind, conn) in &files {
            group.bench_function(format!("{name}/{kind}"), |b| b.iter(|| run(conn, sql)));
        }
    }
    // A case saved: one consumer and one case row in a transaction of their own, committed
    // (WAL, synchronous=NORMAL), then removed in another, so the file stays as it was.
    for (kind, conn) in &files {
        group.bench_function(format!("insert_case/{kind}"), |b| {
            b.iter(|| {
                conn.execute_batch(
                    "BEGIN IMMEDIATE; \
                     INSERT INTO consumers (id, name, mobile) VALUES ('enc-b', '李娜', '13700000000'); \
                     INSERT INTO cases (id, case_no, site_id, received_at, channel, consumer_id, \
                     product_name, quantity, category, severity, complexity, content, demand, status, \
                     received_by, due_at, created_hlc, updated_hlc) SELECT 'enc-b', 'ENC-B', site_id, \
                     '2026-11-30T08:00:00.000Z', 'hotline', 'enc-b', '燃气热水器', 1, 'product_quality', \
                     'general', 'complex', '购买后出现故障', 'refund', 'received', '系统', \
                     '2026-12-07T08:00:00.000Z', 0, 0 FROM site; COMMIT; \
                     BEGIN IMMEDIATE; DELETE FROM cases WHERE id = 'enc-b'; \
                     DELETE FROM consumers WHERE id = 'enc-b'; COMMIT;",
                )
                .expect("insert")
            })
        });
    }
    group.finish();
    for (kind, path) in [("plain", &plain), ("sqlcipher", &encrypted)] {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        println!("{kind}: {} bytes", size);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
