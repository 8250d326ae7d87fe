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

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use redress_core::hub_client::HubClient;
use redress_core::{projection, storage, sync, OpenOptions};
use redress_hub::store::Store;

mod common;
use common::{demo_db, free_port, site_db, Pg};

const CHILD: &str = "REDRESS_FAULT_CHILD";

/// The child process: one full sync of a branch database with the hub, then exit. Run only by
/// the test below (it is ignored in a normal run).
#[tokio::test]
#[ignore = "run as a child process by the fault tests"]
async fn child_sync() {
    let spec: serde_json::Value =
        serde_json::from_str(&std::env::var(CHILD).expect("spec")).expect("json");
    let db = storage::open(OpenOptions::new(spec["db"].as_str().expect("db"))).await.expect("open");
    let client = HubClient::new(
        spec["url"].as_str().expect("url"),
        spec["token"].as_str().expect("token"),
        Some(spec["ca"].as_str().expect("ca").as_bytes()),
    )
    .expect("client");
    let batch = spec["batch"].as_u64().expect("batch") as u32;
    // Failures (the hub killed under it) end the child like a kill would.
    let _ = sync::run(&db, &client, batch, |_| {}).await;
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

async fn wait_up(client: &HubClient) {
    for _ in 0..200 {
        if client.health().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the hub did not come up");
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
    let dir = tempfile::tempdir().expect("dir");
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("cert");
    let ca = cert.cert.pem();
    std::fs::write(dir.path().join("hub.crt"), &ca).expect("crt");
    std::fs::write(dir.path().join("hub.key"), cert.signing_key.serialize_pem()).expect("key");
    let port = free_port();
    let config = dir.path().join("hub.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase_url = \"{}\"\nmax_connections = 4\n\
             [tls]\ncert = \"hub.crt\"\nkey = \"hub.key\"\n",
            pg.url("faults")
        ),
    )
    .expect("config");
    let url = format!("https://127.0.0.1:{port}");
    let mut hub = HubProcess { config, child: None };
    hub.start();
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

    // Rounds of faults while headquarters pushes (and, once it has pushed some, while the
    // branch pulls): the sync process killed at a random point; every third round the hub
    // killed too; one round PostgreSQL stopped as by a power cut.
    for (round, delay) in delays(12).into_iter().enumerate() {
        let mut pusher = spawn_child(&hq_path, &url, &hq_site.token, &ca, 10);
        let mut puller = spawn_child(&br_path, &url, &br_site.token, &ca, 15);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        if round % 3 == 1 {
            hub.kill();
        }
        if round == 7 {
            pg.crash_and_restart();
        }
        let _ = pusher.kill();
        let _ = puller.kill();
        let _ = pusher.wait();
        let _ = puller.wait();
        if hub.child.is_none() {
            hub.start();
            wait_up(&hq_client).await;
        }
    }

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

    // Nothing lost, nothing numbered twice, the numbers the branch kept are the hub's.
    let hub_store = Store::connect(&pg.url("faults"), 2).await.expect("connect");
    let (events, top) = hub_store.counts().await.expect("counts");
    assert_eq!(events, top, "numbered without gaps");
    let held: Vec<(String, i64)> = sqlx::query_as(
        "SELECT event_id, server_seq FROM events WHERE server_seq IS NOT NULL ORDER BY server_seq",
    )
    .fetch_all(hq.pool())
    .await
    .expect("acks");
    assert_eq!(held.len() as i64, events, "every event is at the hub and acknowledged");
    let at_hub: Vec<(String, i64)> =
        sqlx::query_as("SELECT event_id, server_seq FROM events ORDER BY server_seq")
            .fetch_all(hub_store.pool())
            .await
            .expect("hub events");
    assert_eq!(held, at_hub, "each event under the number headquarters recorded for it");
    assert_eq!(redress_core::event_log::verify(&hq).await.expect("chain") as i64, events);
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
