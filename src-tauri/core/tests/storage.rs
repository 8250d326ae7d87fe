//! Opening, re-opening and refusing database files.

use crate::support;

use redress_core::storage::{self, OpenOptions};
use redress_core::CoreError;
use sha2::{Digest, Sha256};

fn file_hash(path: &std::path::Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("read db")))
}

#[tokio::test]
async fn a_new_database_is_wal_with_foreign_keys_and_stamped() {
    let t = support::fresh().await;
    let mode: String =
        sqlx::query_scalar("PRAGMA journal_mode").fetch_one(t.db.pool()).await.expect("mode");
    assert_eq!(mode, "wal");
    let fk: i64 =
        sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(t.db.pool()).await.expect("fk");
    assert_eq!(fk, 1);
    let version: i64 =
        sqlx::query_scalar("PRAGMA user_version").fetch_one(t.db.pool()).await.expect("v");
    assert_eq!(version, storage::supported_schema_version());
    assert_eq!(t.db.site().site_code, "HQ");
}

#[tokio::test]
async fn opening_twice_changes_nothing() {
    let t = support::with_demo(50, 7).await;
    let path = t.path();
    let site = t.db.site().site_id.clone();
    t.db.close().await;
    let before = file_hash(&path);
    for _ in 0..2 {
        let db = storage::open(OpenOptions::new(&path)).await.expect("reopen");
        assert_eq!(db.site().site_id, site, "the site keeps its identity");
        db.close().await;
    }
    assert_eq!(file_hash(&path), before);
    let copies = std::fs::read_dir(t.dir.path())
        .expect("list")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().to_string_lossy().ends_with(".bak")))
        .count();
    assert_eq!(copies, 0, "no copy is taken when nothing is migrated");
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let t = support::with_demo(10, 1).await;
    let path = t.path();
    sqlx::query("PRAGMA user_version = 999").execute(t.db.pool()).await.expect("stamp");
    t.db.close().await;
    let before = file_hash(&path);
    let err = storage::open(OpenOptions::new(&path)).await.expect_err("refused");
    assert!(matches!(err, CoreError::NewerSchema { found: 999, .. }), "{err:?}");
    assert_eq!(err.code(), "storage.newer_schema");
    assert!(err.to_api(redress_core::Lang::Zh).message.contains("更新版本"));
    assert_eq!(file_hash(&path), before, "not one byte changed");
}

#[tokio::test]
async fn a_database_with_an_unknown_newer_migration_is_refused() {
    let t = support::fresh().await;
    let path = t.path();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', 1, x'00', 0)",
    )
    .execute(t.db.pool())
    .await
    .expect("stamp");
    t.db.close().await;
    let before = file_hash(&path);
    let err = storage::open(OpenOptions::new(&path)).await.expect_err("refused");
    assert!(matches!(err, CoreError::NewerSchema { found: 99, .. }), "{err:?}");
    assert_eq!(file_hash(&path), before);
}

/// A database file written by something older than every migration: a plain SQLite file.
async fn plain_sqlite_file(path: &std::path::Path, table: &str) {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .expect("create");
    sqlx::query(&format!("CREATE TABLE {table} (v TEXT)")).execute(&mut conn).await.expect("table");
    sqlx::query(&format!("INSERT INTO {table} VALUES ('数据')"))
        .execute(&mut conn)
        .await
        .expect("row");
    sqlx::Connection::close(conn).await.expect("close");
}

fn copies_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".bak"))
        .collect()
}

#[tokio::test]
async fn an_older_database_is_copied_before_it_is_migrated() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("old.db");
    plain_sqlite_file(&path, "kept").await;
    let db = storage::open(OpenOptions::new(&path)).await.expect("migrates");
    let kept: String =
        sqlx::query_scalar("SELECT v FROM kept").fetch_one(db.pool()).await.expect("kept");
    assert_eq!(kept, "数据");
    db.close().await;
    let copies = copies_in(dir.path());
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].to_string_lossy().contains(".v0-"));
}

#[tokio::test]
async fn a_failed_migration_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("clash.db");
    // A table named like one the first migration creates makes that migration fail midway.
    plain_sqlite_file(&path, "cases").await;
    let err = storage::open(OpenOptions::new(&path)).await.expect_err("fails");
    assert_eq!(err.code(), "storage.migration_failed", "{err:?}");
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true)
        .connect()
        .await
        .expect("reopen");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .expect("tables");
    assert_eq!(tables, vec!["cases".to_owned()], "nothing of the failed migration is left");
    let v: String =
        sqlx::query_scalar("SELECT v FROM cases").fetch_one(&mut conn).await.expect("row");
    assert_eq!(v, "数据");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn processes_starting_together_on_a_new_file_agree_on_one_database() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("together.db");
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            tokio::spawn(async move { storage::open(OpenOptions::new(path)).await })
        })
        .collect();
    let mut sites = Vec::new();
    for open in opens {
        let db = open.await.expect("task").expect("every opener succeeds");
        sites.push(db.site().site_id.clone());
        db.close().await;
    }
    sites.dedup();
    assert_eq!(sites.len(), 1, "one site identity, created once");
}

/// A database as the version before document numbers per site left it (schema 27), with an
/// issued bulletin, report and incident, a draft, and the child rows that point at them.
async fn database_at_27(path: &std::path::Path) {
    use sqlx::ConnectOptions;
    let migrations = tempfile::tempdir().expect("dir");
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).expect("ls")
    {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.as_str() < "0028" {
            std::fs::copy(entry.path(), migrations.path().join(&name)).expect("copy");
        }
    }
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(true)
        .connect()
        .await
        .expect("create");
    sqlx::migrate::Migrator::new(migrations.path())
        .await
        .expect("migrations")
        .run(&mut conn)
        .await
        .expect("to 27");
    let event = |n: i64, kind: &str, payload: &str| {
        format!(
            "INSERT INTO events (event_id, site_id, site_seq, hlc, occurred_at, actor, kind, \
             payload, prev_hash, hash) VALUES ('e{n}', 'site-sh', {n}, {n}, \
             '2026-11-20T08:00:00Z', 'u', '{kind}', '{payload}', 'p', 'h')"
        )
    };
    for sql in [
        event(1, "bulletin.issued", r#"{"bulletin_id":"b1","doc_no":"客服通〔2026〕1号"}"#),
        event(2, "report.issued", r#"{"report_id":"r1","doc_no":"纠纷统析〔2026〕1号"}"#),
        event(
            3,
            "incident.declared",
            r#"{"incident_id":"i1","incident_no":"纠纷应急〔2026〕1号"}"#,
        ),
        "INSERT INTO bulletins (id, status, title, content, case_count, doc_no, year, seq, \
         created_by, created_at, updated_at, updated_hlc) VALUES \
         ('b1', 'issued', '典型案例', '{}', 1, '客服通〔2026〕1号', 2026, 1, 'u', 't', 't', 1), \
         ('b2', 'draft', '草稿', '{}', 1, NULL, NULL, NULL, 'u', 't', 't', 1)"
            .into(),
        "INSERT INTO bulletin_cases (bulletin_id, case_id, position) VALUES ('b1', 'c1', 0), \
         ('b2', 'c1', 0)"
            .into(),
        "INSERT INTO reports (id, period, status, title, conclusions, proposals, doc_no, year, \
         seq, created_by, created_at, updated_at, updated_hlc) VALUES ('r1', '2026-10', \
         'issued', '十月', '结论', '建议', '纠纷统析〔2026〕1号', 2026, 1, 'u', 't', 't', 2)"
            .into(),
        "INSERT INTO incidents (id, incident_no, year, seq, title, kind, level, summary, status, \
         declared_at, declared_by, updated_hlc) VALUES ('i1', '纠纷应急〔2026〕1号', 2026, 1, \
         '漏水', 'product_safety', 'major', '概况', 'open', 't', 'u', 3)"
            .into(),
        "INSERT INTO incident_cases (incident_id, case_id, linked_at, linked_by, auto) VALUES \
         ('i1', 'c1', 't', 'u', 0)"
            .into(),
        "INSERT INTO incident_log (incident_id, hlc, at, actor, kind, detail) VALUES \
         ('i1', 3, 't', 'u', 'incident.declared', '{}')"
            .into(),
    ] {
        sqlx::query(&sql).execute(&mut conn).await.expect(&sql);
    }
    sqlx::Connection::close(conn).await.expect("close");
}

#[tokio::test]
async fn documents_numbered_before_numbers_per_site_keep_their_numbers_under_their_site() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("v27.db");
    database_at_27(&path).await;
    let db = storage::open(OpenOptions::new(&path)).await.expect("migrates");
    let rows: Vec<(String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT id, site_id, seq FROM bulletins UNION ALL SELECT id, site_id, seq FROM reports \
         UNION ALL SELECT id, site_id, seq FROM incidents ORDER BY 1",
    )
    .fetch_all(db.pool())
    .await
    .expect("rows");
    let sh = || Some("site-sh".to_owned());
    assert_eq!(
        rows,
        [
            ("b1".into(), sh(), Some(1)),
            ("b2".into(), None, None),
            ("i1".into(), sh(), Some(1)),
            ("r1".into(), sh(), Some(1))
        ],
        "each numbered row under the site whose event numbered it"
    );
    let children: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM bulletin_cases), (SELECT COUNT(*) FROM incident_cases), \
         (SELECT COUNT(*) FROM incident_log)",
    )
    .fetch_one(db.pool())
    .await
    .expect("children");
    assert_eq!(children, (2, 1, 1), "rows pointing at the rebuilt tables are kept");
    let broken: Vec<(String, i64, String, i64)> =
        sqlx::query_as("PRAGMA foreign_key_check").fetch_all(db.pool()).await.expect("fk check");
    assert!(broken.is_empty(), "{broken:?}");
    let references: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%REFERENCES bulletins (id)%' \
         OR sql LIKE '%REFERENCES incidents (id)%'",
    )
    .fetch_one(db.pool())
    .await
    .expect("schema");
    assert_eq!(references, 6, "children still name the tables as they are");
    // The same site cannot take the number again; another site can.
    let again = sqlx::query(
        "INSERT INTO reports (id, period, status, title, conclusions, proposals, site_id, year, \
         seq, created_by, created_at, updated_at, updated_hlc) VALUES ('r2', '2026-10', \
         'issued', '十月', '', '', ?, 2026, 1, 'u', 't', 't', 4)",
    );
    assert!(again.bind("site-sh").execute(db.pool()).await.is_err(), "unique per site and year");
    let again = sqlx::query(
        "INSERT INTO reports (id, period, status, title, conclusions, proposals, site_id, year, \
         seq, created_by, created_at, updated_at, updated_hlc) VALUES ('r3', '2026-10', \
         'issued', '十月', '', '', ?, 2026, 1, 'u', 't', 't', 4)",
    );
    again.bind("site-hz").execute(db.pool()).await.expect("another site's first");
    db.close().await;
}
