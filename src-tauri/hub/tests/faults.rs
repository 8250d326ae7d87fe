//! Faults with real processes, on a real PostgreSQL: a branch's sync process killed (SIGKILL)
//! mid-push and mid-pull, the hub process killed mid-push and started again, PostgreSQL stopped
//! with `pg_ctl stop -m immediate` and started again — then everything converges and nothing
//! is lost: every event the branch holds is at the hub under the number the branch recorded,
//! numbers without gaps, chains intact, and a branch that pulled under fire holds exactly the
//! events it may see (its own, those of no case, those of cases handed to it), every link of
//! them checking.
//!
//! The branch's sync runs in a child process: this test binary again, running only
//! `child_sync` (ignored unless asked for) with what to sync in an environment variable.
//!
//! Crash safety: a writer process taking complaints, importing evidence files and syncing is
//! killed at random points a few hundred times; after each kill the database is opened as the
//! app opens it and checked (integrity, the audit chain, every reported success present, no
//! half-written case or evidence entry).

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use redress_core::evidence::{Check, Store as EvidenceStore};
use redress_core::hub_client::HubClient;
use redress_core::ops::dispatch;
use redress_core::{projection, storage, sync, OpenOptions};
use redress_hub::store::Store;

mod common;
use common::{demo_db, free_port, site_db, Pg};

const CHILD: &str = "REDRESS_FAULT_CHILD";

/// A child process's start: what its parent asked (in `CHILD`), the branch database opened
/// as the app opens it, and a client of the hub.
async fn child_start() -> (serde_json::Value, redress_core::Db, HubClient) {
    let spec: serde_json::Value =
        serde_json::from_str(&std::env::var(CHILD).expect("spec")).expect("json");
    let db = storage::open(OpenOptions::new(spec["db"].as_str().expect("db"))).await.expect("open");
    let client = HubClient::new(
        spec["url"].as_str().expect("url"),
        spec["token"].as_str().expect("token"),
        Some(spec["ca"].as_str().expect("ca").as_bytes()),
    )
    .expect("client");
    (spec, db, client)
}

/// The child process: one full sync of a branch database with the hub, then exit. Run only by
/// the test below (it is ignored in a normal run).
#[tokio::test]
#[ignore = "run as a child process by the fault tests"]
async fn child_sync() {
    let (spec, db, client) = child_start().await;
    let batch = spec["batch"].as_u64().expect("batch") as u32;
    // Failures (the hub killed under it) end the child like a kill would.
    let _ = sync::run(&db, &client, batch, |_| {}).await;
}

/// The writer: takes complaints, attaches a generated file to every third, syncs every fifth,
/// for ever (until killed). After each success it prints one line — `case ID`, `evidence
/// CASE_ID SHA256` or `sync PUSHED` — and only then goes on.
#[tokio::test]
#[ignore = "run as a child process by the crash test"]
async fn child_writer() {
    let (spec, db, client) = child_start().await;
    let files = std::path::PathBuf::from(spec["files"].as_str().expect("files"));
    let mut x = spec["seed"].as_u64().expect("seed") | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let actor = redress_core::Actor::system();
    let mut out = std::io::stdout();
    for i in 0u64.. {
        let n = next();
        let request = serde_json::json!({
            "consumer": {"name": format!("王{}", ["芳", "磊", "静", "强"][(n % 4) as usize]),
                "mobile": format!("139{:08}", n % 100_000_000)},
            "channel": "hotline", "product_name": "燃气热水器", "quantity": 1,
            "content": format!("安装后第{}天漏水，要求上门维修", n % 30 + 1), "demand": "repair",
            "category": "product_quality", "department_id": "DEP-AS", "severity": "general",
            "complexity": "complex"});
        let made = dispatch(&db, &actor, "cases.create", &request.to_string()).await.expect("case");
        let case_id = made["id"].as_str().expect("id").to_owned();
        writeln!(out, "case {case_id}").expect("stdout");
        if i % 3 == 0 {
            // A file of its own content, 4 KiB to 512 KiB.
            let size = 4096 + (next() % (508 * 1024)) as usize;
            let mut bytes = Vec::with_capacity(size + 8);
            while bytes.len() < size {
                bytes.extend_from_slice(&next().to_le_bytes());
            }
            let path = files.join(format!("{}.jpg", next()));
            std::fs::write(&path, &bytes).expect("file");
            let request = serde_json::json!({"case_id": case_id, "source": "消费者提供",
                "files": [{"path": path, "kind": "photo"}]});
            let added = dispatch(&db, &actor, "evidence.add", &request.to_string())
                .await
                .expect("evidence");
            let sha = added["items"][0]["sha256"].as_str().expect("sha256");
            writeln!(out, "evidence {case_id} {sha}").expect("stdout");
        }
        if i % 5 == 4 {
            let report = sync::run(&db, &client, 20, |_| {}).await.expect("sync");
            writeln!(out, "sync {}", report.pushed).expect("stdout");
        }
    }
}

fn spawn_child(db: &std::path::Path, url: &str, token: &str, ca: &str, batch: u32) -> Child {
    let spec = serde_json::json!({"db": db, "url": url, "token": token, "ca": ca, "batch": batch});
    Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--ignored", "--exact", "child_sync", "--test-threads", "1"])
        .env(CHILD, spec.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("child")
}

struct HubProcess {
    config: std::path::PathBuf,
    child: Option<Child>,
}

impl HubProcess {
    fn start(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_redress-hub"))
            .args(["serve", "--config"])
            .arg(&self.config)
            .stderr(Stdio::null())
            .spawn()
            .expect("serve");
        self.child = Some(child);
    }

    /// SIGKILL: no graceful shutdown, transactions in flight abandoned.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The hub process over TLS (a self-signed certificate) on a free port of loopback, with its
/// database `name` on `pg`: its URL, the certificate to trust, and the process, started.
fn hub_process(dir: &std::path::Path, pg: &Pg, name: &str) -> (String, String, HubProcess) {
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("cert");
    let ca = cert.cert.pem();
    std::fs::write(dir.join("hub.crt"), &ca).expect("crt");
    std::fs::write(dir.join("hub.key"), cert.signing_key.serialize_pem()).expect("key");
    let port = free_port();
    let config = dir.join("hub.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase_url = \"{}\"\nmax_connections = 4\n\
             [tls]\ncert = \"hub.crt\"\nkey = \"hub.key\"\n",
            pg.url(name)
        ),
    )
    .expect("config");
    let mut hub = HubProcess { config, child: None };
    hub.start();
    (format!("https://127.0.0.1:{port}"), ca, hub)
}

async fn wait_up(client: &HubClient) {
    for _ in 0..200 {
        if client.health().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the hub did not come up");
}

/// What a site holds acknowledged, and everything the hub holds: (event, hub number) in the
/// hub's order.
async fn acknowledged_and_at_hub(
    db: &redress_core::Db,
    hub: &Store,
) -> (Vec<(String, i64)>, Vec<(String, i64)>) {
    let held = sqlx::query_as(
        "SELECT event_id, server_seq FROM events WHERE server_seq IS NOT NULL ORDER BY server_seq",
    )
    .fetch_all(db.pool())
    .await
    .expect("acks");
    let at_hub = sqlx::query_as("SELECT event_id, server_seq FROM events ORDER BY server_seq")
        .fetch_all(hub.pool())
        .await
        .expect("hub events");
    (held, at_hub)
}

/// Delays that land at different points of a sync (deterministic, spread over 20–420 ms).
fn delays(n: usize) -> Vec<u64> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            20 + x % 400
        })
        .collect()
}

#[tokio::test]
async fn killed_branches_a_killed_hub_and_a_crashed_postgres_lose_nothing() {
    let pg = Pg::start();
    let store = pg.hub("faults").await;
    let hq_site = store.add_site("总部", "HQ", true).await.expect("hq");
    let br_site = store.add_site("成都分公司", "CD01", false).await.expect("br");
    // A second headquarters computer: it may see every case, so its pulls carry headquarters'
    // thousands of events while they are killed.
    let mirror_site = store.add_site("总部备用机", "HQ2", true).await.expect("hq2");
    let dir = tempfile::tempdir().expect("dir");
    let (url, ca, mut hub) = hub_process(dir.path(), &pg, "faults");
    let hq_client = HubClient::new(&url, &hq_site.token, Some(ca.as_bytes())).expect("client");
    wait_up(&hq_client).await;

    // Headquarters' database with a few thousand events to push.
    let hq_path = dir.path().join("HQ.db");
    {
        let hq = demo_db(dir.path(), "HQ", 500, 11).await;
        hq.close().await;
    }
    let br_path = dir.path().join("CD01.db");
    site_db(dir.path(), "CD01").await.close().await;
    let mirror_path = dir.path().join("HQ2.db");
    site_db(dir.path(), "HQ2").await.close().await;
    let watch = Store::connect(&pg.url("faults"), 1).await.expect("connect");
    // Rounds whose kill left headquarters' push, or the mirror's pull, part done.
    let (mut mid_push, mut mid_pull) = (0, 0);

    // Rounds of faults while headquarters pushes (and, once it has pushed some, while the
    // branch and the mirror pull): the sync processes killed at a random point; every third
    // round the hub killed too; one round (the hub running) PostgreSQL stopped as by a power
    // cut.
    for (round, delay) in delays(12).into_iter().enumerate() {
        let before = watch.counts().await.map(|c| c.0).unwrap_or(0);
        let mut pusher = spawn_child(&hq_path, &url, &hq_site.token, &ca, 10);
        let mut puller = spawn_child(&br_path, &url, &br_site.token, &ca, 15);
        let mut mirror = spawn_child(&mirror_path, &url, &mirror_site.token, &ca, 25);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        if round % 3 == 1 {
            hub.kill();
        }
        if round == 8 {
            pg.crash_and_restart();
        }
        for child in [&mut pusher, &mut puller, &mut mirror] {
            let _ = child.kill();
            let _ = child.wait();
        }
        if round == 8 {
            // The hub outlived its database's crash, and serves again on new connections.
            let running = hub.child.as_mut().map(|c| matches!(c.try_wait(), Ok(None)));
            assert_eq!(running, Some(true), "the hub process survives PostgreSQL's crash");
        }
        if hub.child.is_none() {
            hub.start();
        }
        wait_up(&hq_client).await;
        // Where the kills left things.
        let (after, top) = watch.counts().await.expect("counts");
        let hq = storage::open(OpenOptions::new(&hq_path)).await.expect("hq");
        let waiting = sync::status(&hq).await.expect("status").waiting;
        hq.close().await;
        let mirror = storage::open(OpenOptions::new(&mirror_path)).await.expect("hq2");
        let cursor = sync::cursor(&mirror).await.expect("cursor");
        mirror.close().await;
        if after > before && waiting > 0 {
            mid_push += 1;
        }
        if cursor > 0 && cursor < top {
            mid_pull += 1;
        }
    }
    eprintln!("kills that left a push part done: {mid_push}; a pull: {mid_pull}");
    assert!(mid_push > 0, "some kill landed in the middle of headquarters' push");
    assert!(mid_pull > 0, "some kill landed in the middle of the mirror's pull");

    // Then the syncs run to the end.
    let hq = storage::open(OpenOptions::new(&hq_path)).await.expect("hq");
    let under_fire = Store::connect(&pg.url("faults"), 1).await.expect("connect");
    let (taken, _) = under_fire.counts().await.expect("counts");
    let waiting = sync::status(&hq).await.expect("status").waiting;
    eprintln!("under fire: the hub took {taken} events; {waiting} still waiting at headquarters");
    assert!(taken > 0, "syncs got somewhere between the kills");
    let br = storage::open(OpenOptions::new(&br_path)).await.expect("br");
    let br_client = HubClient::new(&url, &br_site.token, Some(ca.as_bytes())).expect("client");
    let done = sync::run(&hq, &hq_client, 500, |_| {}).await.expect("hq finishes");
    assert_eq!(done.waiting, 0);
    sync::run(&br, &br_client, 500, |_| {}).await.expect("the branch finishes");
    // Headquarters takes what the branch pushed last.
    sync::run(&hq, &hq_client, 500, |_| {}).await.expect("hq again");
    let mirror = storage::open(OpenOptions::new(&mirror_path)).await.expect("hq2");
    let mirror_client =
        HubClient::new(&url, &mirror_site.token, Some(ca.as_bytes())).expect("client");
    sync::run(&mirror, &mirror_client, 500, |_| {}).await.expect("the mirror finishes");
    sync::run(&hq, &hq_client, 500, |_| {}).await.expect("hq takes the mirror's sign-ins");

    // Nothing lost, nothing numbered twice, the numbers the branch kept are the hub's.
    let hub_store = Store::connect(&pg.url("faults"), 2).await.expect("connect");
    let (events, top) = hub_store.counts().await.expect("counts");
    assert_eq!(events, top, "numbered without gaps");
    let (held, at_hub) = acknowledged_and_at_hub(&hq, &hub_store).await;
    assert_eq!(held.len() as i64, events, "every event is at the hub and acknowledged");
    assert_eq!(held, at_hub, "each event under the number headquarters recorded for it");
    assert_eq!(redress_core::event_log::verify(&hq).await.expect("chain") as i64, events);
    // The hub's case projection survived the kills and the crash as its events say.
    let (kept, recomputed) = common::hub_cases_kept_and_recomputed(&hub_store).await;
    assert!(kept.len() >= 500, "{} cases", kept.len());
    assert_eq!(kept, recomputed);
    // The mirror, pulled from under fire, holds every event too, every link checking, and the
    // same state as headquarters.
    let everything: Vec<String> = sqlx::query_scalar("SELECT event_id FROM events ORDER BY 1")
        .fetch_all(hub_store.pool())
        .await
        .expect("hub events");
    let mirrored: Vec<String> = sqlx::query_scalar("SELECT event_id FROM events ORDER BY 1")
        .fetch_all(mirror.pool())
        .await
        .expect("mirror events");
    assert_eq!(mirrored, everything, "the mirror holds every event the hub holds");
    assert_eq!(redress_core::event_log::verify(&mirror).await.expect("chain") as i64, events);
    assert_eq!(
        projection::snapshot(&mirror).await.expect("mirror"),
        projection::snapshot(&hq).await.expect("hq")
    );
    // The branch that pulled under fire holds exactly what it may see: its own events, those of
    // no case, and those of cases it recorded or was handed (headquarters' cases are not).
    let visible: Vec<String> = sqlx::query_scalar(
        "SELECT event_id FROM events e WHERE e.case_id IS NULL OR e.site_id = $1 OR EXISTS \
         (SELECT 1 FROM case_access a WHERE a.case_id = e.case_id AND a.site_id = $1) \
         ORDER BY event_id",
    )
    .bind(&br.site().site_id)
    .fetch_all(hub_store.pool())
    .await
    .expect("visible");
    let at_branch: Vec<String> =
        sqlx::query_scalar("SELECT event_id FROM events ORDER BY event_id")
            .fetch_all(br.pool())
            .await
            .expect("branch events");
    assert_eq!(at_branch, visible, "the branch holds what it may see, and nothing else");
    assert!((visible.len() as i64) < events, "headquarters' cases stay at headquarters");
    assert_eq!(
        redress_core::event_log::verify(&br).await.expect("chain") as usize,
        visible.len(),
        "every link the branch holds checks"
    );
    let state = projection::snapshot(&br).await.expect("br");
    projection::rebuild(&br).await.expect("rebuild");
    assert_eq!(projection::snapshot(&br).await.expect("rebuilt"), state);
    hub.kill();
}

/// Rounds of the crash test: REDRESS_CRASH_ROUNDS, else 300.
fn crash_rounds() -> usize {
    std::env::var("REDRESS_CRASH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
}

/// What the writer reported done before it was killed: its complete lines.
fn reported(child: &mut Child) -> std::thread::JoinHandle<Vec<String>> {
    let stdout = child.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(stdout);
        let mut lines = Vec::new();
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            if line.ends_with(b"\n") {
                let text = String::from_utf8_lossy(&line).trim().to_owned();
                if text.starts_with("case ")
                    || text.starts_with("evidence ")
                    || text.starts_with("sync ")
                {
                    lines.push(text);
                }
            }
            line.clear();
        }
        lines
    })
}

#[tokio::test]
async fn a_writer_killed_hundreds_of_times_loses_nothing_it_reported() {
    let pg = Pg::start();
    let store = pg.hub("crash").await;
    let branch = store.add_site("成都分公司", "CD01", false).await.expect("br");
    let dir = tempfile::tempdir().expect("dir");
    let (url, ca, _hub) = hub_process(dir.path(), &pg, "crash");
    let client = HubClient::new(&url, &branch.token, Some(ca.as_bytes())).expect("client");
    wait_up(&client).await;
    let db_path = dir.path().join("CD01.db");
    demo_db(dir.path(), "CD01", 20, 5).await.close().await;
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).expect("files");
    let evidence = EvidenceStore::for_database(&db_path);
    let hub_store = Store::connect(&pg.url("crash"), 2).await.expect("connect");

    let mut cases: Vec<String> = Vec::new();
    let mut attached: Vec<(String, String)> = Vec::new();
    let mut syncs = 0;
    let mut checked_evidence = 0;
    let rounds = crash_rounds();
    for (round, delay) in delays(rounds).into_iter().enumerate() {
        let spec = serde_json::json!({"db": db_path, "url": url, "token": branch.token, "ca": ca,
            "files": files, "seed": round as u64 * 7919 + 1});
        let mut writer = Command::new(std::env::current_exe().expect("this test binary"))
            .args(["--ignored", "--exact", "child_writer", "--nocapture", "--test-threads", "1"])
            .env(CHILD, spec.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("writer");
        let lines = reported(&mut writer);
        // Past the writer's start (about 100 ms in a debug build), at a point of its work.
        tokio::time::sleep(Duration::from_millis(60 + delay)).await;
        let _ = writer.kill();
        let _ = writer.wait();
        for line in lines.join().expect("reader") {
            let mut words = line.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some("case"), Some(id), None) => cases.push(id.to_owned()),
                (Some("evidence"), Some(case), Some(sha)) => {
                    attached.push((case.to_owned(), sha.to_owned()))
                }
                (Some("sync"), Some(_), None) => syncs += 1,
                _ => panic!("round {round}: unexpected line {line:?}"),
            }
        }

        // Opened as the app opens it, after a kill at any point.
        let db = storage::open(OpenOptions::new(&db_path)).await.expect("opens after a kill");
        assert_eq!(db.integrity_check().await.expect("integrity"), vec!["ok".to_owned()]);
        redress_core::event_log::verify(&db).await.expect("the audit chain verifies");
        let dangling: Vec<(String, Option<i64>, String, i64)> =
            sqlx::query_as("PRAGMA foreign_key_check").fetch_all(db.pool()).await.expect("fk");
        assert!(dangling.is_empty(), "round {round}: {dangling:?}");
        // Every case whole: its consumer and the event that recorded it.
        let half: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM consumers p \
             WHERE p.id = c.consumer_id) OR NOT EXISTS (SELECT 1 FROM events e \
             WHERE e.case_id = c.id)",
        )
        .fetch_one(db.pool())
        .await
        .expect("cases");
        assert_eq!(half, 0, "round {round}: a case without its consumer or its event");
        for id in &cases {
            let found: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE id = ?")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .expect("case");
            assert_eq!(found, 1, "round {round}: case {id} was reported saved");
        }
        for (case, sha) in &attached {
            let found: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM evidence WHERE case_id = ? AND sha256 = ?",
            )
            .bind(case)
            .bind(sha)
            .fetch_one(db.pool())
            .await
            .expect("evidence");
            assert_eq!(found, 1, "round {round}: evidence {sha} was reported attached");
        }
        // Every evidence entry (reported or not) has its whole file in the store.
        let entries: Vec<String> =
            sqlx::query_scalar("SELECT sha256 FROM evidence ORDER BY rowid LIMIT -1 OFFSET ?")
                .bind(checked_evidence as i64)
                .fetch_all(db.pool())
                .await
                .expect("entries");
        for sha in &entries {
            assert_eq!(evidence.check(sha).expect("check"), Check::Intact, "round {round}: {sha}");
        }
        checked_evidence += entries.len();
        // What the hub acknowledged is at the hub under that number.
        let (acked, at_hub) = acknowledged_and_at_hub(&db, &hub_store).await;
        let at_hub: std::collections::HashMap<String, i64> = at_hub.into_iter().collect();
        for (event, seq) in &acked {
            assert_eq!(at_hub.get(event), Some(seq), "round {round}: event {event} acknowledged");
        }
        if round % 50 == 49 {
            let state = projection::snapshot(&db).await.expect("snapshot");
            projection::rebuild(&db).await.expect("rebuild");
            assert_eq!(projection::snapshot(&db).await.expect("rebuilt"), state, "round {round}");
        }
        db.close().await;
    }
    eprintln!(
        "{rounds} kills: {} cases, {} evidence files and {syncs} syncs reported done",
        cases.len(),
        attached.len()
    );
    assert!(cases.len() >= rounds, "the writer got work done between the kills");
    assert!(!attached.is_empty() && syncs > 0, "evidence imports and syncs were among it");

    // The branch syncs to the end: the hub holds every event of the branch, numbered without
    // gaps, each under the number the branch recorded.
    let db = storage::open(OpenOptions::new(&db_path)).await.expect("open");
    assert_eq!(sync::run(&db, &client, 500, |_| {}).await.expect("sync").waiting, 0);
    let (events, top) = hub_store.counts().await.expect("counts");
    assert_eq!(events, top, "numbered without gaps");
    let (held, at_hub) = acknowledged_and_at_hub(&db, &hub_store).await;
    assert_eq!(held, at_hub, "each event at the hub under the number the branch recorded");
    let state = projection::snapshot(&db).await.expect("snapshot");
    projection::rebuild(&db).await.expect("rebuild");
    assert_eq!(projection::snapshot(&db).await.expect("rebuilt"), state);
}
