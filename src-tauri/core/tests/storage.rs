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
