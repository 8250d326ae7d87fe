//! Branches and headquarters syncing through the real hub on a real PostgreSQL (started by
//! this test from Debian's packages in a folder of its own): they converge to the same state,
//! duplicates and retries change nothing, a wrong credential is refused, and TLS is real.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use redress_core::ops::demo::DemoRequest;
use redress_core::ops::dispatch;
use redress_core::sync::{self, PullReply, PullRequest, PushReply, PushRequest, Transport};
use redress_core::{projection, storage, Actor, CoreError, CoreResult, Db, OpenOptions};
use redress_hub::store::{SiteRow, Store};
use serde_json::json;

/// A PostgreSQL server of this test's own, on a free port of loopback.
struct Pg {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL from Debian's packages (/usr/lib/postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version with pg_ctl")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

impl Pg {
    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd.args(args).output().expect(program);
        assert!(
            out.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start() -> Pg {
        let dir = tempfile::tempdir().expect("dir");
        let data = dir.path().join("data");
        // initdb refuses to run as root: the server runs as the postgres account then.
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let pg = Pg { _dir: dir, data, bin: pg_bin(), port: free_port(), as_postgres };
        let data = pg.data.to_string_lossy().into_owned();
        pg.run(
            "initdb",
            &["-D", &data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"],
        );
        let options = format!(
            "-F -p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            pg.port,
            pg.data.display()
        );
        pg.run(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-w", "-t", "60", "-l", &format!("{data}/log"), "start"],
        );
        pg
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    async fn hub(&self, name: &str) -> Store {
        let admin = Store::connect(&self.url("postgres"), 1).await.expect("connect");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.expect("db");
        let store = Store::connect(&self.url(name), 8).await.expect("hub db");
        store.migrate().await.expect("migrate");
        store
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let data = self.data.to_string_lossy().into_owned();
        let exe = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        let _ = cmd.args(["-D", &data, "-m", "immediate", "stop"]).output();
    }
}

/// A site talking to the hub's store in this process, as the HTTP face does.
struct Direct {
    store: Arc<Store>,
    site: SiteRow,
}

fn hub_error(e: redress_hub::store::HubError) -> CoreError {
    CoreError::HubRefused { status: 0, code: e.code().into(), message: e.to_string() }
}

impl Transport for Direct {
    async fn push(&self, request: &PushRequest) -> CoreResult<PushReply> {
        self.store.push(&self.site, request).await.map_err(hub_error)
    }
    async fn pull(&self, request: &PullRequest) -> CoreResult<PullReply> {
        self.store.pull(&self.site, request).await.map_err(hub_error)
    }
}

async fn site_db(dir: &Path, code: &str) -> Db {
    let mut options = OpenOptions::new(dir.join(format!("{code}.db")));
    options.new_site_code = code.into();
    options.new_site_name = code.into();
    storage::open(options).await.expect("open")
}

async fn site(store: &Arc<Store>, name: &str, code: &str, hq: bool) -> Direct {
    let added = store.add_site(name, code, hq).await.expect("site add");
    let site = store.authenticate(&added.token).await.expect("token");
    Direct { store: store.clone(), site }
}

async fn sync_now(db: &Db, t: &Direct, batch: u32) -> sync::SyncReport {
    sync::run(db, t, batch, |_| {}).await.expect("sync")
}

async fn new_case(db: &Db, name: &str, mobile: &str) -> String {
    let created = dispatch(
        db,
        &Actor::system(),
        "cases.create",
        &json!({"consumer": {"name": name, "mobile": mobile}, "channel": "hotline",
            "product_name": "燃气热水器", "quantity": 1, "content": "安装后漏水", "demand": "repair",
            "category": "product_quality", "department_id": "DEP-AS", "severity": "general",
            "complexity": "complex"})
        .to_string(),
    )
    .await
    .expect("case");
    created["id"].as_str().expect("id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headquarters_and_two_branches_converge_through_the_hub() {
    let pg = Pg::start();
    let store = Arc::new(pg.hub("converge").await);
    let dir = tempfile::tempdir().expect("dir");
    let hq = site_db(dir.path(), "HQ").await;
    redress_core::ops::demo::generate(
        &hq,
        &Actor::system(),
        DemoRequest { cases: 40, seed: Some(5), until: Some("2026-11-28".into()) },
    )
    .await
    .expect("demo");
    let (t_hq, t_sh, t_bj) = (
        site(&store, "总部", "HQ", true).await,
        site(&store, "上海分公司", "SH01", false).await,
        site(&store, "北京分公司", "BJ01", false).await,
    );
    let sh = site_db(dir.path(), "SH01").await;
    let bj = site_db(dir.path(), "BJ01").await;

    // Headquarters pushes its history in small batches; the branches pull it.
    let first = sync_now(&hq, &t_hq, 97).await;
    assert!(first.pushed > 100, "{first:?}");
    assert_eq!(first.waiting, 0);
    sync_now(&sh, &t_sh, 250).await;
    sync_now(&bj, &t_bj, 1000).await;
    let base = projection::snapshot(&hq).await.expect("snapshot");
    assert_eq!(projection::snapshot(&sh).await.expect("sh"), base);

    // Offline work everywhere, then syncs in an awkward order.
    let a = new_case(&sh, "钱多多", "13800001111").await;
    let b = new_case(&bj, "孙小美", "13900002222").await;
    let c = new_case(&hq, "阿土伯", "13700003333").await;
    sync_now(&bj, &t_bj, 3).await;
    sync_now(&sh, &t_sh, 3).await;
    sync_now(&hq, &t_hq, 3).await;
    sync_now(&bj, &t_bj, 3).await;
    sync_now(&sh, &t_sh, 3).await;

    let states = [
        projection::snapshot(&hq).await.expect("hq"),
        projection::snapshot(&sh).await.expect("sh"),
        projection::snapshot(&bj).await.expect("bj"),
    ];
    assert_eq!(states[0], states[1], "HQ and Shanghai hold the same state");
    assert_eq!(states[0], states[2], "HQ and Beijing hold the same state");
    for id in [&a, &b, &c] {
        assert!(states[0].contains(id.as_str()), "case {id} everywhere");
    }
    // Case numbers carry the site that received the case.
    let no: String = sqlx::query_scalar("SELECT case_no FROM cases WHERE id = ?")
        .bind(&a)
        .fetch_one(hq.pool())
        .await
        .expect("no");
    assert!(no.contains("-SH01-"), "{no}");
    // Every event everywhere, chains intact, nothing waiting.
    let (held, top) = store.counts().await.expect("counts");
    assert_eq!(held, top, "numbered without gaps");
    for db in [&hq, &sh, &bj] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
            .fetch_one(db.pool())
            .await
            .expect("n");
        assert_eq!(n, held);
        assert_eq!(redress_core::event_log::verify(db).await.expect("chains") as i64, held);
        assert_eq!(sync::status(db).await.expect("status").waiting, 0);
    }

    // A sync with nothing new changes nothing; the same push again is acknowledged again.
    let again = sync_now(&sh, &t_sh, 10).await;
    assert_eq!((again.pushed, again.pulled), (0, 0));
    let replay = sync::outgoing(&sh, 1, 1000).await.expect("outgoing");
    let reply = t_sh.push(&replay).await.expect("replayed push");
    assert_eq!(reply.acknowledged.len(), replay.events.len());
    assert_eq!(store.counts().await.expect("counts").0, held, "a duplicate push adds nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_cannot_push_another_sites_events_or_a_tampered_one() {
    let pg = Pg::start();
    let store = Arc::new(pg.hub("refusals").await);
    let dir = tempfile::tempdir().expect("dir");
    let sh = site_db(dir.path(), "SH01").await;
    let bj = site_db(dir.path(), "BJ01").await;
    let (t_sh, t_bj) =
        (site(&store, "上海", "SH01", false).await, site(&store, "北京", "BJ01", false).await);
    for (db, seed) in [(&sh, 1), (&bj, 2)] {
        redress_core::ops::demo::generate(
            db,
            &Actor::system(),
            DemoRequest { cases: 3, seed: Some(seed), until: Some("2026-11-28".into()) },
        )
        .await
        .expect("demo");
    }
    new_case(&bj, "孙小美", "13900002222").await;
    sync_now(&sh, &t_sh, 100).await;
    // Beijing's credential with Shanghai's events: refused.
    let theirs = sync::outgoing(&sh, 1, 100).await.expect("sh events");
    let refused = t_bj.push(&theirs).await.expect_err("another site's events");
    assert!(matches!(&refused, CoreError::HubRefused { code, .. } if code == "hub.wrong_site"));
    // A changed payload does not match its hash.
    let mut mine = sync::outgoing(&bj, 1, 100).await.expect("bj events");
    mine.events[0].payload = mine.events[0].payload.replacen('"', "\"x", 1);
    let tampered = t_bj.push(&mine).await.expect_err("tampered");
    assert!(matches!(&tampered, CoreError::HubRefused { code, .. } if code == "hub.tampered"));
    // Starting past the hub's next sequence: nothing taken, the reply asks from 1.
    let mut late = sync::outgoing(&bj, 2, 100).await.expect("bj events");
    late.events.truncate(1);
    let reply = t_bj.push(&late).await.expect("a gap");
    assert_eq!((reply.acknowledged.len(), reply.next_seq), (0, 1));
    assert_eq!(
        store.counts().await.expect("n").0,
        sync::outgoing(&sh, 1, 1000).await.expect("sh").events.len() as i64
    );
}

/// The hub served over TLS on loopback with a self-signed certificate the client trusts.
async fn serve_tls(
    store: Arc<Store>,
) -> (String, String, axum_server::Handle<std::net::SocketAddr>) {
    redress_hub::install_crypto();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("certificate");
    let (cert_pem, key_pem) = (cert.cert.pem(), cert.signing_key.serialize_pem());
    let config = axum_server::tls_rustls::RustlsConfig::from_pem(
        cert_pem.clone().into_bytes(),
        key_pem.into_bytes(),
    )
    .await
    .expect("tls config");
    let handle = axum_server::Handle::new();
    let app = redress_hub::http::router(redress_hub::http::Hub { store });
    let server = axum_server::bind_rustls(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), config)
        .handle(handle.clone())
        .serve(app.into_make_service());
    tokio::spawn(server);
    let addr = handle.listening().await.expect("listening");
    (format!("https://127.0.0.1:{}", addr.port()), cert_pem, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_syncs_over_https_and_a_wrong_credential_is_refused() {
    use redress_core::hub_client::HubClient;
    let pg = Pg::start();
    let store = Arc::new(pg.hub("https").await);
    let (url, ca, handle) = serve_tls(store.clone()).await;
    let dir = tempfile::tempdir().expect("dir");
    let hq = site_db(dir.path(), "HQ").await;
    redress_core::ops::demo::generate(
        &hq,
        &Actor::system(),
        DemoRequest { cases: 5, seed: Some(9), until: Some("2026-11-28".into()) },
    )
    .await
    .expect("demo");
    let added = store.add_site("总部", "HQ", true).await.expect("site");

    let client = HubClient::new(&url, &added.token, Some(ca.as_bytes())).expect("client");
    let health = client.health().await.expect("health");
    assert_eq!(health["status"], "ok");
    let mut seen = Vec::new();
    let report = sync::run(&hq, &client, 50, |p| seen.push(p)).await.expect("sync over https");
    assert_eq!(report.waiting, 0);
    assert!(report.pushed > 50);
    assert!(seen.len() >= 2, "progress reported batch by batch");
    assert_eq!(store.counts().await.expect("n").0 as u64, report.pushed);

    // A wrong token: refused with the hub's code; nothing is taken or lost.
    let intruder = HubClient::new(&url, "not-a-token", Some(ca.as_bytes())).expect("client");
    let refused = sync::run(&hq, &intruder, 50, |_| {}).await.expect_err("refused");
    assert!(
        matches!(&refused, CoreError::HubRefused { status: 401, code, .. } if code == "hub.unauthorized"),
        "{refused:?}"
    );
    // A client that does not trust the certificate does not talk to the hub at all.
    let untrusting = HubClient::new(&url, &added.token, None).expect("client");
    let err = untrusting.health().await.expect_err("untrusted certificate");
    assert!(matches!(err, CoreError::HubUnreachable(_)), "{err:?}");
    handle.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hub_process_migrates_issues_credentials_and_serves() {
    use redress_core::hub_client::HubClient;
    let pg = Pg::start();
    let admin = Store::connect(&pg.url("postgres"), 1).await.expect("connect");
    sqlx::query("CREATE DATABASE process").execute(admin.pool()).await.expect("db");
    let url = pg.url("process");
    let hub = env!("CARGO_BIN_EXE_redress-hub");
    let run = |args: &[&str]| {
        let out = Command::new(hub)
            .args(args)
            .env("REDRESS_HUB_DATABASE_URL", &url)
            .output()
            .expect("redress-hub");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("JSON on stdout")
    };
    assert_eq!(run(&["migrate"])["migrated"], true);
    let site = run(&["site", "add", "上海分公司", "--code", "SH01"]);
    let token = site["token"].as_str().expect("token").to_owned();
    assert_eq!(token.len(), 64);
    // The same code twice is refused.
    let again = Command::new(hub)
        .args(["site", "add", "上海二", "--code", "SH01"])
        .env("REDRESS_HUB_DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(!again.status.success());

    // serve --config with a certificate on disk.
    let dir = tempfile::tempdir().expect("dir");
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("cert");
    std::fs::write(dir.path().join("hub.crt"), cert.cert.pem()).expect("crt");
    std::fs::write(dir.path().join("hub.key"), cert.signing_key.serialize_pem()).expect("key");
    let port = free_port();
    let config = dir.path().join("hub.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:{port}\"\ndatabase_url = \"{url}\"\n[tls]\ncert = \"hub.crt\"\nkey = \"hub.key\"\n"
        ),
    )
    .expect("config");
    let mut child = Command::new(hub)
        .args(["serve", "--config"])
        .arg(&config)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let base = format!("https://127.0.0.1:{port}");
    let client = HubClient::new(&base, &token, Some(cert.cert.pem().as_bytes())).expect("client");
    let mut up = false;
    for _ in 0..100 {
        if client.health().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the hub answers its health check");
    let sh = site_db(dir.path(), "SH01").await;
    redress_core::ops::demo::generate(
        &sh,
        &Actor::system(),
        DemoRequest { cases: 3, seed: Some(4), until: Some("2026-11-28".into()) },
    )
    .await
    .expect("demo");
    let report = sync::run(&sh, &client, 100, |_| {}).await.expect("sync");
    assert_eq!(report.waiting, 0);
    let health = client.health().await.expect("health");
    assert_eq!(health["events"].as_u64(), Some(report.pushed));
    let _ = child.kill();
    let _ = child.wait();
}
