//! Backups: made while others write, checked, refused when damaged, restored with the replaced
//! database kept aside; evidence copied by hash, once; the newest N kept.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use redress_core::backup;
use redress_core::evidence::Store;
use redress_core::ops::dispatch;
use redress_core::{event_log, storage, Actor, CoreError, Db, Lang, OpenOptions};
use serde_json::{json, Value};

async fn call(db: &Db, op: &str, req: Value) -> Value {
    dispatch(db, &Actor::system(), op, &req.to_string()).await.expect(op)
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.expect(sql)
}

/// Attaches a file with this content to a new case at the investigation stage.
async fn attach(db: &Db, dir: &Path, name: &str, content: &[u8]) {
    let case = support::drive_to(db, support::Stage::Investigating).await;
    let file = dir.join(name);
    std::fs::write(&file, content).expect("write");
    call(
        db,
        "evidence.add",
        json!({"case_id": case.case_id, "files": [{"path": file, "kind": "receipt"}]}),
    )
    .await;
}

fn sha256sum_accepts(dir: &Path) -> bool {
    Command::new("sha256sum")
        .args(["-c", "--quiet", "SHA256SUMS"])
        .current_dir(dir)
        .status()
        .expect("sha256sum")
        .success()
}

fn problems(err: CoreError) -> Vec<(&'static str, String)> {
    match err {
        CoreError::BackupInvalid { problems } => problems,
        other => panic!("expected backup.invalid, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_made_while_others_write_restores_to_exactly_what_it_held() {
    let t = support::with_demo(40, 3).await;
    attach(&t.db, t.dir.path(), "发票.jpg", b"\xff\xd8\xff receipt one").await;
    let folder = t.dir.path().join("备份");
    // A writer keeps taking complaints while the backup is made.
    let writer = {
        let db = t.db.clone();
        tokio::spawn(async move {
            for _ in 0..30 {
                support::drive_to(&db, support::Stage::Received).await;
            }
        })
    };
    let made = backup::create(&t.db, &folder, None).await.expect("backup");
    writer.await.expect("writer");
    let m = &made.backup.manifest;
    assert_eq!(m.site_id, t.db.site().site_id);
    assert_eq!(m.schema_version, storage::supported_schema_version());
    assert_eq!(m.evidence.len(), 1, "the one attachment");
    assert_eq!(made.evidence_copied, 1);
    assert!(made.backup.name.starts_with("redress-backup-") && made.backup.name.ends_with("-HQ"));
    let dir = PathBuf::from(&made.backup.path);
    assert!(sha256sum_accepts(&dir), "SHA256SUMS checks with sha256sum -c");

    let checked = backup::verify(&dir).await.expect("verifies");
    assert_eq!(checked.events_checked as i64, m.events);
    assert_eq!(checked.evidence_checked, 1);
    assert_eq!(backup::list(&folder).expect("list"), std::slice::from_ref(&made.backup));

    // Restored into a new place: the cases and events of the moment it was taken, the chain
    // whole, the evidence there.
    let target = t.dir.path().join("elsewhere").join("redress.db");
    std::fs::create_dir_all(target.parent().expect("parent")).expect("dir");
    let restored = backup::restore(&target, &dir).await.expect("restore");
    assert_eq!(restored.replaced_kept_at, None, "nothing was there to replace");
    assert_eq!(restored.evidence_added, 1);
    let db = storage::open(OpenOptions::new(&target)).await.expect("open restored");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cases").await, m.cases);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM events").await, m.events);
    assert_eq!(event_log::verify(&db).await.expect("chain") as i64, m.events);
    assert_eq!(db.site().site_id, m.site_id, "the same site");
    let store = Store::for_database(&target);
    assert_eq!(
        store.read_verified(&m.evidence[0].sha256).expect("evidence"),
        b"\xff\xd8\xff receipt one"
    );
    db.close().await;
    assert!(
        count(&t.db, "SELECT COUNT(*) FROM cases").await > m.cases,
        "the writer went on after the copy"
    );
}

#[tokio::test]
async fn restoring_keeps_the_replaced_database_aside_until_it_is_discarded() {
    let t = support::with_demo(10, 5).await;
    let folder = t.dir.path().join("backups");
    let made = backup::create(&t.db, &folder, None).await.expect("backup");
    let before = made.backup.manifest.cases;
    for _ in 0..3 {
        support::drive_to(&t.db, support::Stage::Received).await;
    }
    let path = t.path();
    t.db.close().await;

    let restored = backup::restore(&path, Path::new(&made.backup.path)).await.expect("restore");
    let kept = PathBuf::from(restored.replaced_kept_at.expect("kept aside"));
    assert_eq!(backup::replaced(&path).expect("replaced"), std::slice::from_ref(&kept));
    let db = storage::open(OpenOptions::new(&path)).await.expect("open");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM cases").await, before, "as backed up");
    db.close().await;
    // The replaced database, whole, with the three cases the backup did not have.
    let old = storage::open(OpenOptions::new(kept.join("redress.db"))).await.expect("open kept");
    assert_eq!(count(&old, "SELECT COUNT(*) FROM cases").await, before + 3);
    old.close().await;

    backup::discard_replaced(&path, &kept).expect("discard");
    assert!(!kept.exists());
    assert!(backup::replaced(&path).expect("replaced").is_empty());
    let err = backup::discard_replaced(&path, &t.dir.path().join("backups")).expect_err("not one");
    assert_eq!(err.code(), "entity.not_found", "only a folder a restore set aside");
}

#[tokio::test]
async fn a_damaged_backup_is_refused_and_nothing_is_replaced() {
    let t = support::with_demo(10, 9).await;
    attach(&t.db, t.dir.path(), "a.jpg", b"first file").await;
    attach(&t.db, t.dir.path(), "b.jpg", b"second file").await;
    let folder = t.dir.path().join("backups");
    let made = backup::create(&t.db, &folder, None).await.expect("backup");
    let dir = PathBuf::from(&made.backup.path);
    let path = t.path();
    t.db.close().await;
    let live = std::fs::read(&path).expect("live");

    // One byte of the database changed.
    let db_copy = dir.join("redress.db");
    let original = std::fs::read(&db_copy).expect("read");
    let mut bytes = original.clone();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x55;
    std::fs::write(&db_copy, &bytes).expect("write");
    let found = problems(backup::restore(&path, &dir).await.expect_err("refused"));
    assert_eq!(found, [("checksum", "redress.db".to_owned())]);
    std::fs::write(&db_copy, &original).expect("put back");

    // An evidence file gone, another changed.
    let shared = Store::at(folder.join("evidence"));
    let [one, two] = [&made.backup.manifest.evidence[0], &made.backup.manifest.evidence[1]];
    let gone = shared.path_of(&one.sha256).expect("path");
    let mut perms = std::fs::metadata(&gone).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&gone, perms.clone()).expect("perms");
    std::fs::remove_file(&gone).expect("remove");
    let changed = shared.path_of(&two.sha256).expect("path");
    std::fs::set_permissions(&changed, perms).expect("perms");
    std::fs::write(&changed, b"something else").expect("change");
    let err = backup::restore(&path, &dir).await.expect_err("refused");
    assert!(err.to_api(Lang::Zh).message.contains("证据文件缺失"), "{err:?}");
    let mut found = problems(err);
    found.sort();
    assert_eq!(
        found,
        [("evidence_changed", two.sha256.clone()), ("evidence_missing", one.sha256.clone())]
    );

    // A manifest from a newer version of the schema (its checksum made to match).
    let manifest_path = dir.join("manifest.json");
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).expect("read")).expect("json");
    manifest["schema_version"] = json!(storage::supported_schema_version() + 1);
    let text = serde_json::to_vec_pretty(&manifest).expect("json");
    std::fs::write(&manifest_path, &text).expect("write");
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).expect("sums");
    let first = sums.lines().next().expect("line").split_once("  ").expect("pair").0.to_owned();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&text));
    std::fs::write(dir.join("SHA256SUMS"), sums.replace(&first, &sha)).expect("sums");
    let found = problems(backup::verify(&dir).await.expect_err("refused"));
    assert!(found.iter().any(|(kind, _)| *kind == "newer_schema"), "{found:?}");

    assert_eq!(std::fs::read(&path).expect("live"), live, "the database was not touched");
    assert!(backup::replaced(&path).expect("replaced").is_empty(), "nothing set aside");
    let not_one = backup::verify(&folder).await.expect_err("the folder, not a backup");
    assert_eq!(not_one.code(), "backup.not_a_backup");
}

#[tokio::test]
async fn evidence_is_copied_once_and_the_newest_backups_are_kept() {
    let t = support::with_demo(5, 11).await;
    attach(&t.db, t.dir.path(), "a.jpg", b"first file").await;
    let folder = t.dir.path().join("backups");
    let first = backup::create(&t.db, &folder, Some(2)).await.expect("first");
    assert_eq!(first.evidence_copied, 1);
    attach(&t.db, t.dir.path(), "b.jpg", b"second file").await;
    let second = backup::create(&t.db, &folder, Some(2)).await.expect("second");
    assert_eq!(
        (second.evidence_copied, second.evidence_copied_bytes),
        (1, 11),
        "only the new file"
    );
    assert!(second.removed.is_empty());
    let third = backup::create(&t.db, &folder, Some(2)).await.expect("third");
    assert_eq!(third.evidence_copied, 0);
    assert_eq!(third.removed, std::slice::from_ref(&first.backup.name), "the oldest goes");
    let names: Vec<String> =
        backup::list(&folder).expect("list").into_iter().map(|b| b.name).collect();
    assert_eq!(names, [third.backup.name.clone(), second.backup.name.clone()], "newest first");
    assert!(!Path::new(&first.backup.path).exists());
    for kept in [&second, &third] {
        backup::verify(Path::new(&kept.backup.path)).await.expect("still verifies");
    }
    // Another site's backups in the same folder are not this site's to remove.
    let other = support::fresh().await;
    let theirs = backup::create(&other.db, &folder, Some(1)).await.expect("theirs");
    assert!(theirs.removed.is_empty());
    assert_eq!(backup::list(&folder).expect("list").len(), 3);
}

#[tokio::test]
async fn the_daily_backup_runs_once_a_day_into_the_folder_set_and_failures_are_recorded() {
    let t = support::with_demo(5, 13).await;
    let op = |name: &'static str, req: Value| {
        let db = t.db.clone();
        async move {
            dispatch(&db, &Actor::system(), name, &req.to_string())
                .await
                .map_err(|e| e.to_api(Lang::Zh))
        }
    };
    let view = op("backup.status", json!({})).await.expect("status");
    assert_eq!(
        (view["folder"].clone(), view["keep"].clone(), view["daily"].clone()),
        (Value::Null, json!(30), json!(true))
    );
    assert_eq!(view["due"], false, "nothing is due without a folder");
    // This site, to tell another site's backup apart before a restore.
    assert_eq!(view["site_code"], t.db.site().site_code.as_str());
    assert_eq!(view["site_id"], t.db.site().site_id.as_str());
    assert_eq!(redress_core::ops::backup::run_if_due(&t.db).await.expect("run"), None);

    // Bad settings: each field named, nothing saved.
    let err = op("backup.configure", json!({"folder": "相对/路径", "keep": 0, "daily": true}))
        .await
        .expect_err("refused");
    let mut fields: Vec<&str> = err.fields.iter().map(|f| f.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["folder", "keep"]);
    assert_eq!(op("backup.status", json!({})).await.expect("status")["folder"], Value::Null);
    let now = op("backup.create", json!({})).await.expect_err("no folder yet");
    assert_eq!(now.fields[0].field, "folder");

    let folder = t.dir.path().join("每日备份");
    let view = op("backup.configure", json!({"folder": folder, "keep": 2, "daily": true}))
        .await
        .expect("configure");
    assert!(folder.is_dir(), "made when set");
    assert_eq!(view["due"], true);
    let made = redress_core::ops::backup::run_if_due(&t.db).await.expect("run").expect("due");
    assert_eq!(
        redress_core::ops::backup::run_if_due(&t.db).await.expect("run"),
        None,
        "once a day"
    );
    let view = op("backup.status", json!({})).await.expect("status");
    assert_eq!(view["last_name"], made.backup.name.as_str());
    assert_eq!(view["due"], false);
    assert_eq!(view["backups"].as_array().expect("list").len(), 1);

    // A folder that cannot be written: the failure is kept for the screen, then cleared by the
    // next success.
    let blocked = t.dir.path().join("blocked");
    std::fs::write(&blocked, b"a file, not a folder").expect("file");
    sqlx::query("UPDATE backup_state SET folder = ?")
        .bind(blocked.join("sub").to_string_lossy().into_owned())
        .execute(t.db.pool())
        .await
        .expect("folder");
    op("backup.create", json!({})).await.expect_err("cannot write there");
    let view = op("backup.status", json!({})).await.expect("status");
    assert!(view["last_error"].as_str().expect("error").starts_with("storage.io"), "{view}");
    assert_eq!(view["last_name"], made.backup.name.as_str(), "the last good one stays named");
    sqlx::query("UPDATE backup_state SET folder = ?")
        .bind(folder.to_string_lossy().into_owned())
        .execute(t.db.pool())
        .await
        .expect("folder");
    op("backup.create", json!({})).await.expect("made");
    assert_eq!(op("backup.status", json!({})).await.expect("status")["last_error"], Value::Null);
}
