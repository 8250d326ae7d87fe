//! The CLI as a script or an administrator uses it: the real binary on a real file.

use std::path::Path;
use std::process::{Command, Output};

fn cli(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redress-cli"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("REDRESS_LANG")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .expect("run redress-cli")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout))
    })
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_owned()
}

#[test]
fn demo_then_list_prints_five_cases() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    let demo = cli(&db, &["demo", "--cases", "1000", "--until", "2026-11-28"]);
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    assert_eq!(json(&demo)["cases_created"], 1000);

    let out = cli(&db, &["call", "cases.list", r#"{"limit": 5}"#]);
    assert!(out.status.success());
    let page = json(&out);
    assert_eq!(page["total"], 1000);
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 5);
    for item in items {
        assert!(item["case_no"].as_str().expect("case_no").contains("-HQ-"));
        assert!(item["id"].as_str().is_some_and(|id| id.len() == 36));
    }

    // The statistics of the whole history agree with the ledger, by quarter and by category.
    let stats = cli(
        &db,
        &[
            "stats",
            "--from",
            "2024-01-01",
            "--to",
            "2026-11-28",
            "--by",
            "quarter",
            "--group",
            "category",
            "--cross",
            "category,channel",
            "--json",
        ],
    );
    assert!(stats.status.success(), "{}", String::from_utf8_lossy(&stats.stderr));
    let stats = json(&stats);
    let total = stats["total"]["count"].as_i64().expect("total");
    let listed = json(&cli(&db, &["call", "cases.list", &format!("{}", stats["cases"])]));
    assert_eq!(listed["total"], total);
    let quarters: i64 = stats["trend"]
        .as_array()
        .expect("trend")
        .iter()
        .map(|p| p["count"].as_i64().expect("n"))
        .sum();
    assert_eq!(quarters, total);
    assert_eq!(stats["breakdowns"].as_array().map(Vec::len), Some(1));
    assert_eq!(stats["cross"]["rows_by"], "category");
    let bad = cli(&db, &["stats", "--from", "2026-02-30", "--to", "2026-03-01"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stdout).contains("\"from\""), "names the field");
}

#[test]
fn a_malformed_request_prints_a_typed_error_and_exits_non_zero() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    let out = cli(&db, &["call", "cases.list", r#"{"limit": "five"}"#]);
    assert!(!out.status.success());
    let err = &json(&out)["error"];
    assert_eq!(err["code"], "request.malformed");
    assert_eq!(err["fields"][0]["field"], "limit");
    assert!(err["message"].as_str().expect("message").contains("请求格式不正确"));

    let out = cli(&db, &["--lang", "en", "call", "cases.list", r#"{"limit": 9999}"#]);
    assert!(!out.status.success());
    let err = &json(&out)["error"];
    assert_eq!(err["code"], "validation.failed");
    assert_eq!(err["fields"][0]["message"], "Must be between 1 and 500");

    let out = cli(&db, &["call", "no.such.operation", "{}"]);
    assert!(!out.status.success());
    assert_eq!(json(&out)["error"]["code"], "request.unknown_operation");
}

#[test]
fn starting_twice_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    assert!(cli(&db, &["demo", "--cases", "20"]).status.success());
    let before = sha256(&db);
    for _ in 0..2 {
        let out = cli(&db, &["call", "system.info"]);
        assert!(out.status.success());
        assert_eq!(json(&out)["case_count"], 20);
    }
    assert_eq!(sha256(&db), before);
}

#[test]
fn a_database_from_a_newer_version_is_refused_byte_for_byte() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    assert!(cli(&db, &["demo", "--cases", "5"]).status.success());
    let stamp = Command::new("sqlite3").arg(&db).arg("PRAGMA user_version = 42;").status();
    assert!(stamp.expect("sqlite3").success());
    let before = sha256(&db);
    let out = cli(&db, &["call", "cases.list", "{}"]);
    assert!(!out.status.success());
    let err = &json(&out)["error"];
    assert_eq!(err["code"], "storage.newer_schema");
    assert!(err["message"].as_str().expect("message").contains("42"));
    assert_eq!(sha256(&db), before);
}

#[test]
fn verify_and_rebuild_report_what_they_did() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    let demo = json(&cli(&db, &["demo", "--cases", "50"]));
    let events = demo["events_written"].as_u64().expect("events");
    let verify = json(&cli(&db, &["verify"]));
    assert_eq!(verify["events_checked"].as_u64(), Some(events));
    let rebuild = json(&cli(&db, &["rebuild"]));
    assert_eq!(rebuild["events_applied"].as_u64(), Some(events));
}

fn cli_as(db: &Path, account: &str, password: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_redress-cli"))
        .arg("--db")
        .arg(db)
        .args(["--as", account])
        .args(args)
        .env("REDRESS_PASSWORD", password)
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("REDRESS_LANG")
        .output()
        .expect("run redress-cli")
}

#[test]
fn acting_as_an_account_applies_its_permissions() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    assert!(cli(&db, &["demo", "--cases", "30", "--until", "2026-11-28"]).status.success());

    let wrong = cli_as(&db, "agent01", "nope", &["call", "cases.list", "{}"]);
    assert!(!wrong.status.success());
    assert_eq!(json(&wrong)["error"]["code"], "auth.invalid_credentials");

    let refused = cli_as(&db, "agent01", "Demo2026", &["demo", "--cases", "1"]);
    assert!(!refused.status.success());
    assert_eq!(json(&refused)["error"]["code"], "auth.forbidden");

    let listed = cli_as(&db, "agent01", "Demo2026", &["call", "cases.list", r#"{"limit": 500}"#]);
    assert!(listed.status.success());
    let names: Vec<String> = json(&listed)["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["consumer_name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(names.iter().any(|n| n.ends_with('某')), "names masked for an agent: {names:?}");

    let verify = cli_as(&db, "manager01", "Demo2026", &["verify"]);
    assert!(verify.status.success());
    let events: i64 = json(&verify)["events_checked"].as_i64().expect("n");
    let signed_in = Command::new("sqlite3")
        .arg(&db)
        .arg("SELECT COUNT(*) FROM events WHERE kind = 'account.signed_in'")
        .output()
        .expect("sqlite3");
    assert_eq!(
        String::from_utf8_lossy(&signed_in.stdout).trim(),
        "3",
        "each sign-in is on the record"
    );
    assert!(events > 30);
}

#[test]
fn case_new_records_the_documented_example_and_lists_field_errors() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    assert!(cli(&db, &["demo", "--cases", "5"]).status.success());
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/intake.json");
    let mut request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example).expect("example")).expect("JSON");
    request["expected_resolution"] = serde_json::Value::Null;
    let file = dir.path().join("intake.json");
    std::fs::write(&file, request.to_string()).expect("write");
    let out = cli(&db, &["case", "new", "--json", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let made = json(&out);
    assert!(made["case_no"].as_str().expect("case_no").contains("-HQ-"));
    assert_eq!(made["id"].as_str().expect("id").len(), 36);

    request["quantity"] = serde_json::json!(0);
    request["consumer"]["mobile"] = serde_json::json!("12345");
    std::fs::write(&file, request.to_string()).expect("write");
    let out = cli(&db, &["case", "new", "--json", file.to_str().expect("path")]);
    assert!(!out.status.success());
    let err = &json(&out)["error"];
    assert_eq!(err["code"], "validation.failed");
    let fields: Vec<&str> = err["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("f"))
        .collect();
    assert!(fields.contains(&"quantity") && fields.contains(&"consumer.mobile"), "{fields:?}");
}

#[test]
fn evidence_is_added_verified_and_exported_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    assert!(cli(&db, &["demo", "--cases", "5", "--until", "2026-11-28"]).status.success());
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/intake.json");
    let made = cli(&db, &["case", "new", "--json", example.to_str().expect("path")]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stdout));
    let case_no = json(&made)["case_no"].as_str().expect("case_no").to_owned();
    let receipt = dir.path().join("发票 扫描件.jpg");
    let chat = dir.path().join("chat.txt");
    std::fs::write(&receipt, b"\xff\xd8\xff receipt scan").expect("write");
    std::fs::write(&chat, "客服：已为您登记。").expect("write");

    let added = cli(
        &db,
        &[
            "evidence",
            "add",
            "--case",
            &case_no,
            "--kind",
            "receipt",
            "--source",
            "消费者提供",
            receipt.to_str().expect("p"),
            chat.to_str().expect("p"),
        ],
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stdout));
    assert_eq!(json(&added)["items"].as_array().expect("items").len(), 2);

    let ok = cli(&db, &["evidence", "verify", "--case", &case_no]);
    assert!(ok.status.success());
    assert_eq!(json(&ok)["intact"], 2);

    let out = dir.path().join("导出");
    let exported =
        cli(&db, &["evidence", "export", "--case", &case_no, "--out", out.to_str().expect("p")]);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stdout));
    let check = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&out)
        .output()
        .expect("sha256sum");
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));

    // A stored file changed behind the app's back: verify says so and exits non-zero.
    let hash = sha256(&chat);
    let stored =
        dir.path().join("x.evidence/sha256").join(&hash[..2]).join(&hash[2..4]).join(&hash);
    let mut perms = std::fs::metadata(&stored).expect("stored").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&stored, perms).expect("writable");
    std::fs::write(&stored, "客服：已为您退款。").expect("tamper");
    let bad = cli(&db, &["evidence", "verify"]);
    assert!(!bad.status.success(), "a changed file must fail verify");
    let report = json(&bad);
    assert_eq!(report["problems"][0]["problem"], "changed");
    assert_eq!(report["problems"][0]["evidence"]["file_name"], "chat.txt");
    // The whole check says so too, with the database itself sound.
    let whole = cli(&db, &["verify"]);
    assert!(!whole.status.success(), "verify covers the evidence store");
    let report = json(&whole);
    assert_eq!(report["integrity"], "ok");
    assert_eq!(report["chain"], "intact");
    assert_eq!(report["evidence"]["problems"][0]["problem"], "changed");
}

#[test]
fn a_backup_is_made_checked_and_restored_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("x.db");
    assert!(cli(&db, &["demo", "--cases", "20", "--until", "2026-11-28"]).status.success());
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/intake.json");
    let made = json(&cli(&db, &["case", "new", "--json", example.to_str().expect("path")]));
    let case_no = made["case_no"].as_str().expect("case_no").to_owned();
    let receipt = dir.path().join("发票.jpg");
    std::fs::write(&receipt, b"\xff\xd8\xff receipt").expect("write");
    let added = cli(
        &db,
        &["evidence", "add", "--case", &case_no, "--kind", "receipt", receipt.to_str().expect("p")],
    );
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stdout));
    let whole = cli(&db, &["verify"]);
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stdout));

    let folder = dir.path().join("备份");
    let out = cli(&db, &["backup", "--out", folder.to_str().expect("p"), "--keep", "3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let backup = json(&out)["backup"].clone();
    let path = backup["path"].as_str().expect("path").to_owned();
    assert_eq!(backup["manifest"]["evidence"].as_array().expect("evidence").len(), 1);
    let sums = Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&path)
        .output()
        .expect("sha");
    assert!(sums.status.success(), "{}", String::from_utf8_lossy(&sums.stdout));
    let checked = cli(&db, &["restore", "--check", &path]);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stdout));
    assert_eq!(json(&checked)["evidence_checked"], 1);

    // A case taken after the backup is gone once it is restored; the database it was in is
    // kept aside.
    let after = json(&cli(&db, &["case", "new", "--json", example.to_str().expect("path")]));
    let restored = cli(&db, &["restore", &path]);
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stdout));
    let restored = json(&restored);
    assert_eq!(restored["events_checked_after_open"], backup["manifest"]["events"]);
    // No hub: nothing of this site is elsewhere to take back first.
    assert_eq!(restored["sync_before_recording"], false);
    let kept = restored["replaced_kept_at"].as_str().expect("kept");
    assert!(Path::new(kept).join("x.db").is_file());
    let listed = json(&cli(&db, &["call", "cases.list", r#"{"limit": 500}"#]));
    assert_eq!(listed["total"], backup["manifest"]["cases"]);
    let numbers: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["case_no"].as_str().expect("no"))
        .collect();
    assert!(numbers.contains(&case_no.as_str()));
    assert!(!numbers.contains(&after["case_no"].as_str().expect("no")));
    assert!(cli(&db, &["verify"]).status.success(), "the restored database checks whole");

    // Not a backup: a clear error, nothing changed.
    let wrong = cli(&db, &["restore", folder.to_str().expect("p")]);
    assert!(!wrong.status.success());
    assert_eq!(json(&wrong)["error"]["code"], "backup.not_a_backup");
}

/// A full disk and a data folder that turns read-only, for real: a small tmpfs mounted in a
/// private mount namespace (`unshare`, no privileges needed), filled up with a file, then
/// remounted read-only. Each refused write says so in plain words with a stable code, leaves
/// nothing half-written, and the same command succeeds once there is room again.
#[test]
fn a_full_disk_and_a_read_only_folder_are_said_plainly_and_lose_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&data).expect("data");
    std::fs::create_dir_all(&out).expect("out");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/intake.json");
    let photo = dir.path().join("现场照片.jpg");
    let mut bytes = Vec::with_capacity(1 << 20);
    let mut x: u32 = 2463534242;
    while bytes.len() < 1 << 20 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(&photo, &bytes).expect("photo");
    // Each step leaves its stdout, stderr and exit code in out/<step>.{json,err,rc}.
    let script = r#"
set -u
D=$1; O=$2; CLI=$3; EX=$4; PHOTO=$5
mount -t tmpfs -o size=16m tmpfs "$D" || exit 90
step() { name=$1; shift; "$CLI" --db "$D/redress.db" "$@" > "$O/$name.json" 2> "$O/$name.err"; echo $? > "$O/$name.rc"; }
fill() { avail=$(df -B1 --output=avail "$D" | tail -1); dd if=/dev/urandom of="$D/filler" bs=4096 count=$(( (avail - $1) / 4096 )) 2>/dev/null; }
step demo demo --cases 5 --until 2026-11-28
step first case new --json "$EX"
CASE=$(grep -o '"case_no": *"[^"]*"' "$O/first.json" | sed 's/.*: *"//; s/"$//')
fill 65536
step full-case case new --json "$EX"
step full-evidence evidence add --case "$CASE" --kind photo --source 消费者提供 "$PHOTO"
ls -A "$D/redress.evidence/tmp" > "$O/full-tmp.txt" 2>/dev/null
rm -f "$D/filler"; fill 0
step zero-case case new --json "$EX"
rm -f "$D/filler"
step after-case case new --json "$EX"
step after-evidence evidence add --case "$CASE" --kind photo --source 消费者提供 "$PHOTO"
mount -o remount,ro "$D" || exit 91
step ro-case case new --json "$EX"
mount -o remount,rw "$D" || exit 92
step list call cases.list '{"limit": 1}'
step verify verify
"#;
    let run = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "bash", "-c", script, "full"])
        .arg(&data)
        .arg(&out)
        .arg(env!("CARGO_BIN_EXE_redress-cli"))
        .arg(&example)
        .arg(&photo)
        .env_remove("REDRESS_LANG")
        .output()
        .expect("unshare (util-linux)");
    assert!(run.status.success(), "{:?}: {}", run.status, String::from_utf8_lossy(&run.stderr));
    let read = |step: &str, what: &str| {
        std::fs::read_to_string(out.join(format!("{step}.{what}"))).unwrap_or_default()
    };
    let step = |name: &str| -> (i32, serde_json::Value) {
        let rc = read(name, "rc").trim().parse().unwrap_or(-1);
        let body = serde_json::from_str(&read(name, "json")).unwrap_or_else(|e| {
            panic!("{name}: stdout is not JSON ({e}): {}{}", read(name, "json"), read(name, "err"))
        });
        (rc, body)
    };
    for ok in ["demo", "first"] {
        assert_eq!(step(ok).0, 0, "{ok}: {}", read(ok, "json"));
    }

    // The disk full while writing a case, while storing a file, and when opening at all.
    for full in ["full-case", "full-evidence", "zero-case"] {
        let (rc, body) = step(full);
        assert_eq!(rc, 1, "{full}");
        assert_eq!(body["error"]["code"], "storage.full", "{full}: {body}");
        assert!(body["error"]["message"].as_str().expect("message").starts_with("磁盘空间已满"));
    }
    assert_eq!(read("full-tmp", "txt"), "", "no half-copied file is left in the store");

    // Room again: the same commands succeed.
    assert_eq!(step("after-case").0, 0, "{}", read("after-case", "json"));
    let (rc, attached) = step("after-evidence");
    assert_eq!(rc, 0, "{attached}");
    assert_eq!(attached["items"].as_array().expect("items").len(), 1);
    assert_eq!(attached["already_stored"], 0, "the refused copy left nothing stored");

    // A read-only folder is named as such.
    let (rc, body) = step("ro-case");
    assert_eq!(rc, 1);
    assert_eq!(body["error"]["code"], "storage.read_only", "{body}");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains(data.to_str().expect("path")) && message.contains("无法写入"),
        "{message}"
    );

    // Nothing half-written: five demo cases, the first and the one after; the chain, the
    // database and the evidence store check.
    assert_eq!(step("list").1["total"], 7);
    assert_eq!(step("verify").0, 0, "{}{}", read("verify", "json"), read("verify", "err"));
}
