//! What the hub's tests share: a PostgreSQL server of their own, and branch databases.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use redress_core::ops::demo::DemoRequest;
use redress_core::ops::dispatch;
use redress_core::{storage, Actor, Db, OpenOptions};
use redress_hub::blobs::DiskBlobs;
use redress_hub::intake::InProcess;
use redress_hub::store::Store;
use serde_json::json;

/// A PostgreSQL server of this test's own, on a free port of loopback.
pub struct Pg {
    _dir: tempfile::TempDir,
    data: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

pub fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL from Debian's packages (/usr/lib/postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().expect("a PostgreSQL version with pg_ctl")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

impl Pg {
    pub fn run(&self, program: &str, args: &[&str]) {
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

    pub fn start() -> Pg {
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
        pg.start_server();
        pg
    }

    fn start_server(&self) {
        let data = self.data.to_string_lossy().into_owned();
        let options = format!(
            "-F -p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            self.port,
            self.data.display()
        );
        self.run(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-w", "-t", "60", "-l", &format!("{data}/log"), "start"],
        );
    }

    /// `pg_ctl stop -m immediate` (as a power cut: no checkpoint, recovery from the WAL at the
    /// next start), then started again.
    pub fn crash_and_restart(&self) {
        let data = self.data.to_string_lossy().into_owned();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "stop"]);
        self.start_server();
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    pub async fn hub(&self, name: &str) -> Store {
        let admin = Store::connect(&self.url("postgres"), 1).await.expect("connect");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.expect("db");
        let store = Store::connect(&self.url(name), 8).await.expect("hub db");
        store.migrate().await.expect("migrate");
        // Its evidence files in a folder beside the cluster's, gone with it.
        store.with_blobs(Arc::new(DiskBlobs::new(self._dir.path().join(format!("blobs-{name}")))))
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

pub async fn site_db(dir: &Path, code: &str) -> Db {
    let mut options = OpenOptions::new(dir.join(format!("{code}.db")));
    options.new_site_code = code.into();
    options.new_site_name = code.into();
    storage::open(options).await.expect("open")
}

/// A site's database with demo data: the organisation, accounts and `cases` cases of a history
/// ending on 2026-11-28.
pub async fn demo_db(dir: &Path, code: &str, cases: u32, seed: u64) -> Db {
    let db = site_db(dir, code).await;
    redress_core::ops::demo::generate(
        &db,
        &Actor::system(),
        DemoRequest { cases, seed: Some(seed), until: Some("2026-11-28".into()) },
    )
    .await
    .expect("demo");
    db
}

/// A site registered at the hub, talking to its store in this process, and its token.
pub async fn site(store: &Arc<Store>, name: &str, code: &str, hq: bool) -> (InProcess, String) {
    let added = store.add_site(name, code, hq).await.expect("site add");
    let site = store.authenticate(&added.token).await.expect("token");
    (InProcess { store: store.clone(), site }, added.token)
}

/// One full sync of a site through the hub's store; its report.
pub async fn sync_now(db: &Db, t: &InProcess, batch: u32) -> redress_core::sync::SyncReport {
    redress_core::sync::run(db, t, batch, |_| {}).await.expect("sync")
}

pub async fn new_case(db: &Db, name: &str, mobile: &str) -> String {
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

/// The hub served over TLS on loopback with a self-signed certificate the client trusts.
pub async fn serve_tls(
    store: Arc<Store>,
    intake: Option<Arc<redress_hub::intake::Intake>>,
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
    let app = redress_hub::http::router(redress_hub::http::Hub { store, intake });
    let server = axum_server::bind_rustls(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), config)
        .handle(handle.clone())
        .serve(app.into_make_service());
    tokio::spawn(server);
    let addr = handle.listening().await.expect("listening");
    (format!("https://127.0.0.1:{}", addr.port()), cert_pem, handle)
}

/// The hub's case projection (`hub_cases`) as the push transactions kept it, and as the
/// events recompute it (the rule of migration 0009): both in case order.
pub async fn hub_cases_kept_and_recomputed(store: &Store) -> (Vec<HubCaseRow>, Vec<HubCaseRow>) {
    let kept = sqlx::query_as(
        "SELECT case_id, case_no, created_by, owner, moves, events, first_seq, last_seq, last_at \
         FROM hub_cases ORDER BY case_id",
    )
    .fetch_all(store.pool())
    .await
    .expect("hub_cases");
    let recomputed = sqlx::query_as(
        "WITH taken AS (SELECT * FROM events WHERE case_id IS NOT NULL AND withheld IS NULL), \
         agg AS (SELECT case_id, COUNT(*) AS n, MIN(server_seq) AS f, MAX(server_seq) AS l, \
                 (ARRAY_AGG(occurred_at ORDER BY server_seq DESC))[1] AS at \
                 FROM taken GROUP BY case_id), \
         cr AS (SELECT DISTINCT ON (case_id) case_id, site_id, CASE WHEN kind = 'case.created' \
                THEN (payload::jsonb) ->> 'case_no' END AS no \
                FROM taken WHERE kind = 'case.created' ORDER BY case_id, server_seq), \
         moves AS (SELECT case_id, server_seq, CASE WHEN kind IN \
                ('case.handover_granted', 'case.reassigned') \
                THEN (payload::jsonb) -> 'to' ->> 'site_id' END AS target FROM taken \
                WHERE kind IN ('case.handover_granted', 'case.reassigned')), \
         mv AS (SELECT case_id, COUNT(*) AS n, (ARRAY_AGG(target ORDER BY server_seq DESC) \
                FILTER (WHERE target IS NOT NULL))[1] AS target FROM moves GROUP BY case_id) \
         SELECT agg.case_id, cr.no, cr.site_id, COALESCE(mv.target, cr.site_id), \
                COALESCE(mv.n, 0)::int, agg.n, agg.f, agg.l, agg.at \
         FROM agg LEFT JOIN cr USING (case_id) LEFT JOIN mv USING (case_id) ORDER BY 1",
    )
    .fetch_all(store.pool())
    .await
    .expect("recomputed");
    (kept, recomputed)
}

/// A row of `hub_cases`: id, number, creator, owner, moves, events, first and last number, last
/// time.
pub type HubCaseRow =
    (String, Option<String>, Option<String>, Option<String>, i32, i64, i64, i64, String);
