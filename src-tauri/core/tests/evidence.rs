//! Evidence: several files at once, each stored once; names made safe; a changed or missing
//! stored file is found; an export whose SHA256SUMS `sha256sum -c` accepts; viewing and
//! exporting on the record.

use crate::support;

use std::process::Command;

use redress_core::evidence::Store;
use redress_core::ops::dispatch;
use redress_core::{projection, Actor, ApiError, Lang};
use serde_json::{json, Value};

async fn call(t: &support::TempDb, op: &str, req: Value) -> Result<Value, ApiError> {
    dispatch(&t.db, &Actor::system(), op, &req.to_string()).await.map_err(|e| e.to_api(Lang::Zh))
}

#[tokio::test]
async fn files_are_stored_once_checked_and_exported_with_a_verifiable_manifest() {
    let t = support::with_demo(3, 41).await;
    let case = support::drive_to(&t.db, support::Stage::Investigating).await;
    let other = support::drive_to(&t.db, support::Stage::Investigating).await;
    let dir = t.dir.path();
    std::fs::write(dir.join("发票.jpg"), b"\xff\xd8\xff receipt").expect("write");
    std::fs::write(dir.join("检测报告.pdf"), b"%PDF-1.7 report").expect("write");
    std::fs::write(dir.join("CON"), b"a chat log").expect("write");
    std::fs::write(dir.join("copy-of-receipt.jpg"), b"\xff\xd8\xff receipt").expect("write");
    let added = call(
        &t,
        "evidence.add",
        json!({"case_id": case.case_id, "source": "消费者提供",
        "files": [
            {"path": dir.join("发票.jpg"), "kind": "receipt", "description": "购机发票"},
            {"path": dir.join("检测报告.pdf"), "kind": "test_report"},
            {"path": dir.join("CON"), "kind": "chat_log"},
        ]}),
    )
    .await
    .expect("attach");
    assert_eq!(added["items"].as_array().expect("items").len(), 3);
    assert_eq!(added["items"][0]["mime"], "image/jpeg");
    assert_eq!(added["items"][2]["file_name"], "_CON", "a reserved Windows name is made safe");
    // The same content again, on another case: stored once, flagged as a duplicate.
    let again = call(
        &t,
        "evidence.add",
        json!({"case_id": other.case_id,
        "files": [{"path": dir.join("copy-of-receipt.jpg"), "kind": "receipt"}]}),
    )
    .await
    .expect("attach copy");
    assert_eq!(again["already_stored"], 1);
    assert_eq!(again["items"][0]["duplicate"], true);
    assert_eq!(
        std::fs::read(dir.join("发票.jpg")).expect("original"),
        b"\xff\xd8\xff receipt",
        "original untouched"
    );
    let store = Store::for_database(&t.path());
    let blobs = walk(&store.root().join("sha256"));
    assert_eq!(blobs, 3, "four files, three contents");

    // Bad input: a missing file is named by its index; nothing is recorded.
    let events_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(t.db.pool()).await.expect("n");
    let missing = call(&t, "evidence.add", json!({"case_id": case.case_id, "files": [
        {"path": dir.join("发票.jpg"), "kind": "receipt"}, {"path": dir.join("nope.png"), "kind": "photo"}]}))
    .await
    .expect_err("missing file");
    assert_eq!(missing.fields[0].field, "files[1].path");
    let events_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(t.db.pool()).await.expect("n");
    assert_eq!(events_before, events_after);

    // Viewing is recorded.
    let opened =
        call(&t, "evidence.open", json!({"id": added["items"][1]["id"]})).await.expect("open");
    assert_eq!(
        std::fs::read(opened["path"].as_str().expect("path")).expect("stored"),
        b"%PDF-1.7 report"
    );

    // Export: files, manifest, SHA256SUMS that sha256sum -c accepts.
    let out = dir.join("export");
    let exported = call(&t, "evidence.export", json!({"case_id": case.case_id, "out_dir": out}))
        .await
        .expect("export");
    assert_eq!(exported["files"], 3);
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["files"].as_array().expect("files").len(), 3);
    assert_eq!(manifest["files"][0]["original_name"], "发票.jpg");
    assert_eq!(manifest["files"][0]["collected_by"], "系统");
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg("SHA256SUMS")
        .current_dir(&out)
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "sha256sum -c: {}", String::from_utf8_lossy(&check.stdout));
    assert_eq!(String::from_utf8_lossy(&check.stdout).matches(": OK").count(), 3);
    let again = call(&t, "evidence.export", json!({"case_id": case.case_id, "out_dir": out}))
        .await
        .expect_err("not empty");
    assert_eq!(again.fields[0].field, "out_dir");

    let custody: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM evidence_custody WHERE evidence_id = ? ORDER BY at, action",
    )
    .bind(added["items"][1]["id"].as_str())
    .fetch_all(t.db.pool())
    .await
    .expect("custody");
    let actions: Vec<&str> = custody.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(actions, ["added", "viewed", "exported"]);

    // Tampering with a stored file, and losing one, are both found.
    let report =
        call(&t, "evidence.verify", json!({"case_id": case.case_id})).await.expect("verify");
    assert_eq!((report["checked"].as_u64(), report["intact"].as_u64()), (Some(3), Some(3)));
    let pdf = store.path_of(added["items"][1]["sha256"].as_str().expect("hash")).expect("path");
    let mut perms = std::fs::metadata(&pdf).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&pdf, perms).expect("writable");
    std::fs::write(&pdf, b"%PDF-1.7 forged").expect("tamper");
    std::fs::remove_file(
        store.path_of(added["items"][2]["sha256"].as_str().expect("hash")).expect("path"),
    )
    .expect("lose");
    let report =
        call(&t, "evidence.verify", json!({"case_id": case.case_id})).await.expect("verify");
    let problems: Vec<(&str, &str)> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (p["evidence"]["kind"].as_str().unwrap_or(""), p["problem"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(problems, [("test_report", "changed"), ("chat_log", "missing")]);
    let refused = call(
        &t,
        "evidence.export",
        json!({"case_id": case.case_id, "out_dir": dir.join("export2")}),
    )
    .await
    .expect_err("a changed file is not exported");
    assert_eq!(refused.code, "evidence.changed");
    assert!(!dir.join("export2").exists(), "no half export left behind");
    let leftovers = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".redress-export"))
        .count();
    assert_eq!(leftovers, 0);

    let before = projection::snapshot(&t.db).await.expect("snapshot");
    projection::rebuild(&t.db).await.expect("rebuild");
    assert_eq!(projection::snapshot(&t.db).await.expect("snapshot"), before);
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum()
        })
        .unwrap_or(0)
}
