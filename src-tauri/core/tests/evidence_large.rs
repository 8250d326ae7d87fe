//! A multi-GiB file (sparse, made here) is attached with flat memory: the store streams it in
//! fixed blocks, and the stored copy keeps its holes. The test runs itself again in a child
//! process, alone, so that the process's peak memory is this test's: the other tests of the
//! suite binary run beside it in the parent and would raise the parent's peak.

use crate::support;

use std::io::{Seek, SeekFrom, Write};

use redress_core::ops::dispatch;
use redress_core::{Actor, Lang};
use serde_json::json;

/// The process's peak resident memory, in KiB (Linux: VmHWM).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Set in the child process that does the work.
const ALONE: &str = "REDRESS_TEST_ALONE";

#[tokio::test]
async fn a_two_gib_file_is_attached_and_verified_with_flat_memory() {
    if std::env::var_os(ALONE).is_none() {
        let name = "evidence_large::a_two_gib_file_is_attached_and_verified_with_flat_memory";
        let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([name, "--exact", "--nocapture", "--test-threads=1"])
            .env(ALONE, "1")
            .output()
            .expect("run alone");
        let log = String::from_utf8_lossy(&out.stderr);
        eprintln!("{log}");
        assert!(out.status.success(), "the test, run alone, failed");
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(log.contains("peak memory before"), "the child measured its memory");
        }
        return;
    }
    let t = support::with_demo(3, 31).await;
    let case = support::drive_to(&t.db, support::Stage::Investigating).await;
    let big = t.dir.path().join("监控录像.mp4");
    {
        let mut f = std::fs::File::create(&big).expect("create");
        f.set_len(2 << 30).expect("sparse length");
        for offset in [0u64, 1 << 30, (2 << 30) - 16] {
            f.seek(SeekFrom::Start(offset)).expect("seek");
            f.write_all(b"REDRESS-EVIDENCE").expect("write");
        }
    }
    let before = peak_rss_kib();
    let added = dispatch(
        &t.db,
        &Actor::system(),
        "evidence.add",
        &json!({"case_id": case.case_id, "files": [{"path": big, "kind": "video"}]}).to_string(),
    )
    .await
    .map_err(|e| e.to_api(Lang::En))
    .expect("attach");
    let item = &added["items"][0];
    assert_eq!(item["size"], 2_i64 << 30);
    let report = dispatch(
        &t.db,
        &Actor::system(),
        "evidence.verify",
        &json!({"case_id": case.case_id}).to_string(),
    )
    .await
    .expect("verify");
    assert_eq!(report["intact"], 1);
    let after = peak_rss_kib();
    if let (Some(before), Some(after)) = (before, after) {
        let grown_mib = after.saturating_sub(before) / 1024;
        eprintln!("peak memory before {before} KiB, after {after} KiB (+{grown_mib} MiB)");
        assert!(grown_mib < 64, "memory grew by {grown_mib} MiB for a 2 GiB file");
    }
    // The stored copy is sparse too: far fewer blocks on disk than bytes.
    let hash = item["sha256"].as_str().expect("hash");
    let stored =
        redress_core::evidence::Store::for_database(&t.path()).path_of(hash).expect("path");
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(&stored).expect("stored");
        assert_eq!(meta.len(), 2 << 30);
        assert!(meta.blocks() * 512 < 64 << 20, "stored copy takes {} bytes", meta.blocks() * 512);
    }
    let (independent, _) = redress_core::evidence::hash_file(&big).expect("hash original");
    assert_eq!(independent, hash);
}
