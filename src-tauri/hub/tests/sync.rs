//! Branches and headquarters syncing through the real hub on a real PostgreSQL (started by
//! this test from Debian's packages in a folder of its own): headquarters holds everything, a
//! branch exactly what it may see (its own cases, those handed to it, with their whole
//! history), duplicates and retries change nothing, a wrong credential and a write to an unseen
//! case are refused, and TLS is real.

use std::process::Command;
use std::sync::Arc;

use redress_core::sync::{self, Transport};
use redress_core::{projection, CoreError};
use redress_hub::store::Store;

mod common;
use common::{
    demo_db, free_port, hub_cases_kept_and_recomputed, new_case, serve_tls, site, site_db,
    sync_now, Pg,
};
use redress_hub::intake::InProcess;

/// The events the hub shows a site: its own, those of no case, and those of the cases it
/// recorded or was handed (headquarters: all), by id.
async fn visible_to(store: &Store, db: &redress_core::Db, hq: bool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT event_id FROM events e WHERE $2 OR e.case_id IS NULL OR e.site_id = $1 OR EXISTS \
         (SELECT 1 FROM case_access a WHERE a.case_id = e.case_id AND a.site_id = $1) \
         ORDER BY event_id",
    )
    .bind(&db.site().site_id)
    .bind(hq)
    .fetch_all(store.pool())
    .await
    .expect("visible")
}

async fn event_ids(db: &redress_core::Db) -> Vec<String> {
    sqlx::query_scalar("SELECT event_id FROM events ORDER BY event_id")
        .fetch_all(db.pool())
        .await
        .expect("events")
}

/// A case row as the ledger shows it: (status, handler).
async fn case_state(db: &redress_core::Db, id: &str) -> (String, Option<String>) {
    sqlx::query_as("SELECT status, handler FROM cases WHERE id = ?")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("case")
}

async fn call(db: &redress_core::Db, op: &str, request: serde_json::Value) -> serde_json::Value {
    redress_core::ops::dispatch(db, &redress_core::Actor::system(), op, &request.to_string())
        .await
        .expect(op)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headquarters_sees_every_case_a_branch_its_own_and_those_handed_to_it() {
    let pg = Pg::start();
    let store = Arc::new(pg.hub("converge").await);
    let dir = tempfile::tempdir().expect("dir");
    let hq = demo_db(dir.path(), "HQ", 40, 5).await;
    let (t_hq, t_sh, t_bj) = (
        site(&store, "总部", "HQ", true).await.0,
        site(&store, "上海分公司", "SH01", false).await.0,
        site(&store, "北京分公司", "BJ01", false).await.0,
    );
    let sh = site_db(dir.path(), "SH01").await;
    let bj = site_db(dir.path(), "BJ01").await;

    // Headquarters pushes its history in small batches; the branches pull the organisation,
    // accounts and code lists, not headquarters' cases.
    let first = sync_now(&hq, &t_hq, 97).await;
    assert!(first.pushed > 100, "{first:?}");
    assert_eq!(first.pulled, 0, "its own events are not sent back to it");
    assert_eq!(first.waiting, 0);
    sync_now(&sh, &t_sh, 250).await;
    sync_now(&bj, &t_bj, 1000).await;
    let count = |db: &redress_core::Db, table: &str| {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let pool = db.pool().clone();
        async move { sqlx::query_scalar::<_, i64>(&sql).fetch_one(&pool).await.expect("count") }
    };
    assert_eq!(count(&sh, "cases").await, 0, "headquarters' cases stay there");
    assert_eq!(count(&sh, "accounts").await, count(&hq, "accounts").await);
    assert_eq!(count(&sh, "org_units").await, count(&hq, "org_units").await);

    // Offline work everywhere, then syncs in an awkward order.
    let a = new_case(&sh, "钱多多", "13800001111").await;
    let b = new_case(&bj, "孙小美", "13900002222").await;
    let c = new_case(&hq, "阿土伯", "13700003333").await;
    sync_now(&bj, &t_bj, 3).await;
    sync_now(&sh, &t_sh, 3).await;
    sync_now(&hq, &t_hq, 3).await;
    sync_now(&bj, &t_bj, 3).await;
    sync_now(&sh, &t_sh, 3).await;

    // Headquarters holds every case and event; each branch exactly what it may see.
    let (held, top) = store.counts().await.expect("counts");
    assert_eq!(held, top, "numbered without gaps");
    for id in [&a, &b, &c] {
        case_state(&hq, id).await;
    }
    let no: String = sqlx::query_scalar("SELECT case_no FROM cases WHERE id = ?")
        .bind(&a)
        .fetch_one(hq.pool())
        .await
        .expect("no");
    assert!(no.contains("-SH01-"), "case numbers carry the site that received the case: {no}");
    assert_eq!(event_ids(&hq).await.len() as i64, held);
    for (db, hq_site) in [(&hq, true), (&sh, false), (&bj, false)] {
        let ids = event_ids(db).await;
        assert_eq!(ids, visible_to(&store, db, hq_site).await);
        assert_eq!(redress_core::event_log::verify(db).await.expect("chains") as usize, ids.len());
        assert_eq!(sync::status(db).await.expect("status").waiting, 0);
    }
    assert_eq!(count(&sh, "cases").await, 1, "Shanghai holds its own case");
    assert_eq!(count(&bj, "cases").await, 1, "Beijing its own");
    // Headquarters links Shanghai's case to one of its own: Shanghai takes the link event
    // though it does not see the other case (no link row to a case it does not hold).
    let c_no: String = sqlx::query_scalar("SELECT case_no FROM cases WHERE id = ?")
        .bind(&c)
        .fetch_one(hq.pool())
        .await
        .expect("no");
    call(&hq, "cases.link", serde_json::json!({"id": a, "other": c_no})).await;
    sync_now(&hq, &t_hq, 50).await;
    sync_now(&sh, &t_sh, 50).await;
    assert_eq!(count(&sh, "case_links").await, 0);
    assert_eq!(count(&hq, "case_links").await, 2, "both ways where both cases are held");

    // Shanghai asks to hand its case to Beijing; headquarters grants it. Beijing then holds the
    // case with its whole history — events its cursor had passed — and the consumer's key.
    let bj_id = bj.site().site_id.clone();
    call(
        &sh,
        "cases.handover_request",
        serde_json::json!({"id": a, "to_site": bj_id,
        "reason": "顾客已搬到北京"}),
    )
    .await;
    sync_now(&sh, &t_sh, 50).await;
    sync_now(&hq, &t_hq, 50).await;
    call(&hq, "cases.handover_grant", serde_json::json!({"id": a})).await;
    sync_now(&hq, &t_hq, 50).await;
    let report = sync_now(&bj, &t_bj, 50).await;
    assert!(report.pulled >= 3, "the case's creation, the request and the grant: {report:?}");
    let detail = call(&bj, "cases.get", serde_json::json!({"id": a})).await;
    assert_eq!(detail["consumer"]["name"], "钱多多", "the consumer's key came with the case");
    assert_eq!(detail["ownership"]["mine"], true);
    assert_eq!(detail["ownership"]["epoch"], 1);
    // Beijing works it; Shanghai, which recorded it, still sees it and no longer changes it.
    call(&bj, "cases.assign", serde_json::json!({"id": a, "handler_id": "handler.as"})).await;
    sync_now(&bj, &t_bj, 50).await;
    for (db, t) in [(&sh, &t_sh), (&hq, &t_hq)] {
        sync_now(db, t, 50).await;
    }
    let worked = case_state(&bj, &a).await;
    assert_eq!(worked.1.as_deref(), Some("陈静"));
    assert_eq!(case_state(&sh, &a).await, worked);
    assert_eq!(case_state(&hq, &a).await, worked);
    for (db, hq_site) in [(&hq, true), (&sh, false), (&bj, false)] {
        let ids = event_ids(db).await;
        assert_eq!(ids, visible_to(&store, db, hq_site).await);
        assert_eq!(redress_core::event_log::verify(db).await.expect("chains") as usize, ids.len());
        let state = projection::snapshot(db).await.expect("state");
        projection::rebuild(db).await.expect("rebuild");
        assert_eq!(projection::snapshot(db).await.expect("rebuilt"), state);
    }

    // A sync with nothing new changes nothing; the same push again is acknowledged again.
    let held = store.counts().await.expect("counts").0;
    let again = sync_now(&sh, &t_sh, 10).await;
    assert_eq!((again.pushed, again.pulled), (0, 0));
    let replay = sync::outgoing(&sh, 1, 1000).await.expect("outgoing");
    let reply = t_sh.push(&replay).await.expect("replayed push");
    assert_eq!(reply.acknowledged.len(), replay.events.len());
    assert_eq!(store.counts().await.expect("counts").0, held, "a duplicate push adds nothing");

    // A write to a case the site may not see (a branch with no hub configured any more writes
    // to headquarters' case, as a store could to one a bundle brought): the hub keeps it — the
    // branch's chain goes on — but sends it to no site.
    sqlx::query("DELETE FROM known_sites").execute(bj.pool()).await.expect("forget");
    sqlx::query("UPDATE sync_state SET hub_url = NULL").execute(bj.pool()).await.expect("alone");
    let mut tx = bj.begin_write().await.expect("tx");
    let body = redress_core::domain::events::EventBody::CaseHandoverDeclined(
        redress_core::domain::events::CaseHandoverDeclined { reason: "越权".into() },
    );
    redress_core::event_log::append_to_case(
        &mut tx,
        &bj,
        &redress_core::Actor::system(),
        &c,
        bj.now(),
        body,
    )
    .await
    .expect("written here");
    tx.commit().await.expect("commit");
    let foreign: String = sqlx::query_scalar(
        "SELECT event_id FROM events WHERE case_id = ? ORDER BY site_seq DESC LIMIT 1",
    )
    .bind(&c)
    .fetch_one(bj.pool())
    .await
    .expect("written");
    assert_eq!(sync_now(&bj, &t_bj, 50).await.waiting, 0, "acknowledged: nothing stuck");
    let reason: Option<String> =
        sqlx::query_scalar("SELECT withheld FROM events WHERE event_id = $1")
            .bind(&foreign)
            .fetch_one(store.pool())
            .await
            .expect("at the hub");
    assert_eq!(reason.as_deref(), Some("not_visible"));
    assert_eq!(store.withheld_count().await.expect("withheld"), 1);
    sync_now(&hq, &t_hq, 50).await;
    assert!(!event_ids(&hq).await.contains(&foreign), "sent to no site");
    assert_eq!(case_state(&hq, &c).await.0, "received", "headquarters' case unchanged");
    // The branch goes on: its next case reaches headquarters.
    let d = new_case(&bj, "周小白", "13600004444").await;
    assert_eq!(sync_now(&bj, &t_bj, 50).await.waiting, 0);
    sync_now(&hq, &t_hq, 50).await;
    case_state(&hq, &d).await;
    // A second creation of a case the hub holds is withheld too (every replica would fail on
    // it), and grants no access.
    let mut replay = sync::outgoing(&sh, 1, 1).await.expect("sh");
    let created = replay.events[0].event.clone();
    assert_eq!(created.kind, "case.created");
    let mut copy = created.clone();
    copy.event_id = "0193a000-0000-7000-8000-0000000000aa".into();
    copy.site_id = bj.site().site_id.clone();
    let (seq, prev): (i64, String) = sqlx::query_as(
        "SELECT site_seq, hash FROM events WHERE site_id = ? ORDER BY site_seq DESC LIMIT 1",
    )
    .bind(&bj.site().site_id)
    .fetch_one(bj.pool())
    .await
    .expect("head");
    copy.site_seq = seq + 1;
    copy.prev_hash = prev;
    copy.hash = copy.compute_hash();
    replay.site_id = bj.site().site_id.clone();
    replay.events = vec![redress_core::sync::WireEvent { event: copy, server_seq: None }];
    replay.keys.clear();
    t_bj.push(&replay).await.expect("kept");
    assert_eq!(store.withheld_count().await.expect("withheld"), 2);
    // Listed for headquarters (`redress-hub withheld`), newest first, naming site and case.
    let listed = store.withheld(10).await.expect("list");
    let seen: Vec<(Option<&str>, Option<&str>, &str, &str)> = listed
        .iter()
        .map(|w| (w.site_code.as_deref(), w.case_id.as_deref(), w.kind.as_str(), w.reason.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (Some("BJ01"), Some(a.as_str()), "case.created", "duplicate_case"),
            (Some("BJ01"), Some(c.as_str()), "case.handover_declined", "not_visible"),
        ]
    );

    // Headquarters' whole history by bundle reaches Shanghai, whose copy of headquarters'
    // chain has holes (the cases it does not see): each event fills its hole, linking with its
    // neighbours, and Shanghai goes on syncing.
    use redress_core::bundle::{self, Scope};
    bundle::set_own_key(&hq, Some(&bundle::new_key_pair().0)).await.expect("key");
    let file = dir.path().join("总部.redress-bundle");
    bundle::export(&hq, &file, Scope::All, None).await.expect("export");
    let before = event_ids(&sh).await.len();
    let taken = bundle::import(&sh, &file, None).await.expect("holes filled");
    assert!(taken.stored > 0 && event_ids(&sh).await.len() > before, "{taken:?}");
    assert_eq!(
        redress_core::event_log::verify(&sh).await.expect("chains") as usize,
        event_ids(&sh).await.len()
    );
    sync_now(&sh, &t_sh, 50).await;

    // The hub's case projection, kept push by push, is what its events say: the hand-over
    // moved the case to Beijing, the withheld writes count for nothing. The migration's own
    // fill from the events gives the same.
    let (kept, recomputed) = hub_cases_kept_and_recomputed(&store).await;
    assert!(kept.len() > 40, "{} cases", kept.len());
    assert_eq!(kept, recomputed);
    let owner: Option<String> = sqlx::query_scalar(
        "SELECT s.code FROM hub_cases c JOIN sites s ON s.site_id = c.owner \
             WHERE c.case_id = $1",
    )
    .bind(&a)
    .fetch_one(store.pool())
    .await
    .expect("owner");
    assert_eq!(owner.as_deref(), Some("BJ01"), "the case handed to Beijing is Beijing's");
    sqlx::raw_sql(&format!(
        "DROP TABLE hub_cases; {}",
        include_str!("../migrations/0009_cases.sql")
    ))
    .execute(store.pool())
    .await
    .expect("fill again");
    assert_eq!(hub_cases_kept_and_recomputed(&store).await.0, kept);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_cannot_push_another_sites_events_or_a_tampered_one() {
    let pg = Pg::start();
    let store = Arc::new(pg.hub("refusals").await);
    let dir = tempfile::tempdir().expect("dir");
    let sh = demo_db(dir.path(), "SH01", 3, 1).await;
    let bj = demo_db(dir.path(), "BJ01", 3, 2).await;
    let (t_sh, t_bj) =
        (site(&store, "上海", "SH01", false).await.0, site(&store, "北京", "BJ01", false).await.0);
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
    // Intact (its hash made to match) but unreadable: refused before any site must pull it.
    let mut mine = sync::outgoing(&bj, 1, 100).await.expect("bj events");
    mine.events[0].payload = "{\"not\": \"this kind's payload\"}".into();
    mine.events[0].event.hash = mine.events[0].compute_hash();
    let unreadable = t_bj.push(&mine).await.expect_err("unreadable");
    assert!(
        matches!(&unreadable, CoreError::HubRefused { code, .. } if code == "hub.unreadable_event"),
        "{unreadable:?}"
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_branch_takes_its_registered_code_and_a_numbered_one_is_refused_another() {
    use redress_core::hub_client::HubClient;
    let pg = Pg::start();
    let store = Arc::new(pg.hub("identity").await);
    let (url, ca, _handle) = serve_tls(store.clone(), None).await;
    let dir = tempfile::tempdir().expect("dir");

    // A branch's app set up with the defaults (总部, HQ) and no case yet: its first sync gives
    // it the code and name headquarters registered its credential under.
    let bj_site = store.add_site("北京分公司", "BJ01", false).await.expect("site");
    let bj = redress_core::storage::open(redress_core::OpenOptions::new(dir.path().join("bj.db")))
        .await
        .expect("open");
    assert_eq!(bj.site().site_code, "HQ");
    let client = HubClient::new(&url, &bj_site.token, Some(ca.as_bytes())).expect("client");
    let me = client.identity().await.expect("identity").expect("the hub answers");
    assert_eq!((me.code.as_str(), me.name.as_str(), me.is_hq), ("BJ01", "北京分公司", false));
    assert_eq!(me.site_id, None, "not bound before a sync");
    sync::run(&bj, &client, 50, |_| {}).await.expect("sync");
    assert_eq!((bj.site().site_code.as_str(), bj.site().name.as_str()), ("BJ01", "北京分公司"));
    redress_core::ops::demo::generate(
        &bj,
        &redress_core::Actor::system(),
        redress_core::ops::demo::DemoRequest {
            cases: 2,
            seed: Some(3),
            until: Some("2026-11-28".into()),
        },
    )
    .await
    .expect("demo");
    let numbers: Vec<String> =
        sqlx::query_scalar("SELECT case_no FROM cases").fetch_all(bj.pool()).await.expect("nos");
    assert!(!numbers.is_empty() && numbers.iter().all(|n| n.contains("-BJ01-")), "{numbers:?}");
    let me = client.identity().await.expect("identity").expect("the hub answers");
    assert_eq!(me.site_id.as_deref(), Some(bj.site().site_id.as_str()), "bound by the sync");
    // The same credential pasted into a second, new database: refused before it is renamed.
    let copy =
        redress_core::storage::open(redress_core::OpenOptions::new(dir.path().join("b2.db")))
            .await
            .expect("open");
    let refused = sync::run(&copy, &client, 50, |_| {}).await.expect_err("bound elsewhere");
    assert_eq!(refused.code(), "sync.site_mismatch");
    assert_eq!(copy.site().site_code, "HQ", "not renamed after the other database");

    // A database that numbered cases as HQ, given a branch's credential by mistake: refused
    // before anything is sent, naming both codes; the credential stays free for its branch.
    let gz_site = store.add_site("广州分公司", "GZ02", false).await.expect("site");
    let wrong = demo_db(dir.path(), "HQ", 3, 4).await;
    let before = store.counts().await.expect("n").0;
    let client = HubClient::new(&url, &gz_site.token, Some(ca.as_bytes())).expect("client");
    let refused = sync::run(&wrong, &client, 50, |_| {}).await.expect_err("mismatch");
    assert_eq!(refused.code(), "sync.site_mismatch");
    let message = refused.to_api(redress_core::Lang::Zh).message;
    assert!(message.contains("HQ") && message.contains("GZ02 广州分公司"), "{message}");
    assert_eq!(wrong.site().site_code, "HQ");
    assert_eq!(store.counts().await.expect("n").0, before, "nothing taken");
    let me = client.identity().await.expect("identity").expect("the hub answers");
    assert_eq!(me.site_id, None, "the credential is still free");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_syncs_over_https_and_a_wrong_credential_is_refused() {
    use redress_core::hub_client::HubClient;
    let pg = Pg::start();
    let store = Arc::new(pg.hub("https").await);
    let (url, ca, handle) = serve_tls(store.clone(), None).await;
    let dir = tempfile::tempdir().expect("dir");
    let hq = demo_db(dir.path(), "HQ", 5, 9).await;
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

    // A store with no connection sends a bundle; headquarters imports it in its app, which
    // passes it on to the hub over HTTPS: the hub has the store's complaint at once.
    use redress_core::bundle::{self, Scope};
    let store_site = store.add_site("深圳门店", "SZ01", false).await.expect("site");
    let sz = site_db(dir.path(), "SZ01").await;
    bundle::set_own_key(&sz, Some(&store_site.signing_key)).await.expect("key");
    bundle::set_own_key(&hq, Some(&added.signing_key)).await.expect("key");
    let history = dir.path().join("hq.redress-bundle");
    bundle::export(&hq, &history, Scope::All, None).await.expect("hq export");
    bundle::import(&sz, &history, None).await.expect("the store takes headquarters' history");
    new_case(&sz, "王芳", "13600007777").await;
    let file = dir.path().join("sz.redress-bundle");
    let sent = bundle::export(&sz, &file, Scope::Waiting, None).await.expect("export");
    sync::configure(&hq, Some(&url), Some(&added.token), Some(&ca)).await.expect("configure");
    let before = store.counts().await.expect("n").0;
    let took = bundle::import(&hq, &file, None).await.expect("import at HQ");
    assert_eq!(took.stored, sent.events);
    assert_eq!(took.forwarded, Some(true), "{took:?}");
    assert_eq!(store.counts().await.expect("n").0, before + sent.events as i64);
    // Without the hub, the import still stands and says why it was not passed on.
    handle.shutdown();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let again = bundle::import(&hq, &file, None).await.expect("import offline");
    assert_eq!((again.stored, again.forwarded), (0, Some(false)), "{again:?}");
    assert!(again.forward_error.is_some());
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
    // Again, without the advisory lock (as for CockroachDB): nothing left to do, and no error.
    assert_eq!(run(&["migrate", "--no-lock"])["migrated"], true);
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
    let sh = demo_db(dir.path(), "SH01", 3, 4).await;
    let report = sync::run(&sh, &client, 100, |_| {}).await.expect("sync");
    assert_eq!(report.waiting, 0);
    let health = client.health().await.expect("health");
    assert_eq!(health["events"].as_u64(), Some(report.pushed));
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn a_branch_without_a_connection_reaches_the_hub_by_bundles_in_any_order() {
    use redress_core::bundle::{self, Scope};
    let pg = Pg::start();
    let store = Arc::new(pg.hub("bundles").await);
    let dir = tempfile::tempdir().expect("dir");
    let hq = demo_db(dir.path(), "HQ", 10, 8).await;
    let hq_site = store.add_site("总部", "HQ", true).await.expect("hq");
    let gz_site = store.add_site("广州门店", "GZ01", false).await.expect("gz");
    assert_eq!(bundle::public_key_of(&gz_site.signing_key), Some(gz_site.public_key.clone()));
    let t_hq = InProcess {
        store: store.clone(),
        site: store.authenticate(&hq_site.token).await.expect("t"),
    };
    bundle::set_own_key(&hq, Some(&hq_site.signing_key)).await.expect("key");
    sync_now(&hq, &t_hq, 500).await;

    // The store has never been online: headquarters' history reaches it on a stick.
    let gz = site_db(dir.path(), "GZ01").await;
    bundle::set_own_key(&gz, Some(&gz_site.signing_key)).await.expect("key");
    let all = dir.path().join("hq.redress-bundle");
    bundle::export(&hq, &all, Scope::All, None).await.expect("hq export");
    bundle::import(&gz, &all, None).await.expect("gz import");

    // Two complaints, two incremental bundles; the second reaches the hub first.
    new_case(&gz, "李雷", "13800005555").await;
    let first = dir.path().join("gz-1.redress-bundle");
    let b1 = bundle::export(&gz, &first, Scope::New, None).await.expect("b1");
    let second_case = new_case(&gz, "韩梅梅", "13800006666").await;
    // With a photo: the bundle carries the file, and the hub keeps it by its hash.
    let photo = dir.path().join("发票.png");
    std::fs::write(&photo, "发票 No.20261128".repeat(500)).expect("photo");
    let attached = redress_core::ops::dispatch(
        &gz,
        &redress_core::Actor::system(),
        "evidence.add",
        &serde_json::json!({"case_id": second_case, "files": [{"path": photo, "kind": "receipt"}]})
            .to_string(),
    )
    .await
    .expect("evidence");
    let photo_sha = attached["items"][0]["sha256"].as_str().expect("sha256").to_owned();
    let second = dir.path().join("gz-2.redress-bundle");
    let b2 = bundle::export(&gz, &second, Scope::New, None).await.expect("b2");
    assert!(b2.ranges[0].first_seq > b1.ranges[0].last_seq, "incremental: {b1:?} {b2:?}");

    assert_eq!(b2.blobs, 1);
    let early = store.import_bundle(&std::fs::read(&second).expect("read")).await.expect("b2");
    assert_eq!((early.stored, early.held, early.blobs), (0, b2.events, 1), "{early:?}");
    assert!(store.missing_blobs(std::slice::from_ref(&photo_sha)).await.expect("ask").is_empty());
    let filled = store.import_bundle(&std::fs::read(&first).expect("read")).await.expect("b1");
    assert_eq!(filled.stored, b1.events + b2.events, "the gap fills, the held follow: {filled:?}");
    assert_eq!(filled.held, 0);
    let again = store.import_bundle(&std::fs::read(&first).expect("read")).await.expect("again");
    assert_eq!((again.stored, again.duplicates), (0, b1.events), "twice is harmless");
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM held_events")
        .fetch_one(store.pool())
        .await
        .expect("held");
    assert_eq!(held, 0);

    // A branch speaks only for itself: headquarters' events in its bundle are not taken from it.
    let everything = dir.path().join("gz-all.redress-bundle");
    bundle::export(&gz, &everything, Scope::All, None).await.expect("all");
    let relayed = store.import_bundle(&std::fs::read(&everything).expect("r")).await.expect("all");
    assert!(relayed.ignored > 0 && relayed.stored == 0, "{relayed:?}");

    // A bundle signed with a key the hub never issued is refused.
    let stranger = bundle::signing_key(&bundle::new_key_pair().0).expect("key");
    let decoded = bundle::decode(&std::fs::read(&first).expect("read")).expect("decode");
    let forged = bundle::encode(
        decoded.manifest.clone(),
        &decoded.events,
        &decoded.keys,
        &decoded.blobs,
        &stranger,
    )
    .expect("encode");
    let e = store.import_bundle(&forged).await.expect_err("stranger");
    assert_eq!(e.code(), "hub.unknown_signer");

    // Headquarters pulls the store's complaints; both hold the same state.
    sync_now(&hq, &t_hq, 500).await;
    assert_eq!(
        projection::snapshot(&hq).await.expect("hq"),
        projection::snapshot(&gz).await.expect("gz")
    );
    // When the store does get a connection, the hub acknowledges what the bundles brought.
    let t_gz = InProcess {
        store: store.clone(),
        site: store.authenticate(&gz_site.token).await.expect("t"),
    };
    let online = sync_now(&gz, &t_gz, 500).await;
    assert_eq!(online.waiting, 0);
    assert_eq!(online.pulled, 0, "nothing new for it: {online:?}");
    let (events, top) = store.counts().await.expect("counts");
    assert_eq!(events, top);
    assert_eq!(redress_core::event_log::verify(&gz).await.expect("chain") as i64, events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_files_travel_by_hash_over_https_and_a_changed_one_is_refused() {
    use redress_core::hub_client::HubClient;
    let pg = Pg::start();
    let store = Arc::new(pg.hub("blobs").await);
    let (url, ca, _handle) = serve_tls(store.clone(), None).await;
    let dir = tempfile::tempdir().expect("dir");
    let hq = demo_db(dir.path(), "HQ", 2, 4).await;
    let hq_site = store.add_site("总部", "HQ", true).await.expect("site");
    let gz_site = store.add_site("广州分公司", "GZ01", false).await.expect("site");
    let hq_hub = HubClient::new(&url, &hq_site.token, Some(ca.as_bytes())).expect("client");
    let gz_hub = HubClient::new(&url, &gz_site.token, Some(ca.as_bytes())).expect("client");
    sync::run(&hq, &hq_hub, 500, |_| {}).await.expect("hq");
    let gz = site_db(dir.path(), "GZ01").await;
    sync::run(&gz, &gz_hub, 500, |_| {}).await.expect("first pull");

    // The branch takes a complaint with a video of the fault: several megabytes, streamed.
    let case_id = new_case(&gz, "陈静", "13711112222").await;
    let video = dir.path().join("热水器漏水.mp4");
    let content: Vec<u8> =
        (0..5_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    std::fs::write(&video, &content).expect("video");
    let attached = redress_core::ops::dispatch(
        &gz,
        &redress_core::Actor::system(),
        "evidence.add",
        &serde_json::json!({"case_id": case_id, "source": "消费者",
            "files": [{"path": video, "kind": "video"}]})
        .to_string(),
    )
    .await
    .expect("evidence");
    let sha256 = attached["items"][0]["sha256"].as_str().expect("sha256").to_owned();
    let sent = sync::run(&gz, &gz_hub, 500, |_| {}).await.expect("sync");
    assert_eq!((sent.blobs_sent, sent.waiting), (1, 0));
    assert!(gz_hub.missing_blobs(std::slice::from_ref(&sha256)).await.expect("ask").is_empty());
    let size: i64 = sqlx::query_scalar("SELECT size FROM blobs WHERE sha256 = $1")
        .bind(&sha256)
        .fetch_one(store.pool())
        .await
        .expect("recorded");
    assert_eq!(size, content.len() as i64);
    assert_eq!(sync::run(&gz, &gz_hub, 500, |_| {}).await.expect("again").blobs_sent, 0);

    // Headquarters pulls the event and fetches the file, checked against its hash.
    let got = sync::run(&hq, &hq_hub, 500, |_| {}).await.expect("hq sync");
    assert_eq!((got.blobs_fetched, got.blobs_absent), (1, 0));
    let at_hq = redress_core::evidence::Store::for_database(hq.path());
    assert_eq!(at_hq.read_verified(&sha256).expect("the video at HQ"), content);

    // Straight at the endpoint: a body that does not match its hash is refused and nothing is
    // kept; an unknown file is 404; without a token nothing is served.
    let http = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(ca.as_bytes()).expect("ca"))
        .build()
        .expect("http");
    let forged = "0".repeat(64);
    let r = http
        .put(format!("{url}/v1/blobs/{forged}"))
        .bearer_auth(&gz_site.token)
        .body(b"not what the hash says".to_vec())
        .send()
        .await
        .expect("put");
    assert_eq!(r.status().as_u16(), 422);
    let body: serde_json::Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], "hub.blob_mismatch");
    assert_eq!(
        gz_hub.missing_blobs(std::slice::from_ref(&forged)).await.expect("ask"),
        vec![forged.clone()]
    );
    let r = http
        .get(format!("{url}/v1/blobs/{forged}"))
        .bearer_auth(&gz_site.token)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 404);
    let r = http.get(format!("{url}/v1/blobs/{sha256}")).send().await.expect("get");
    assert_eq!(r.status().as_u16(), 401);
    // A file past the hub's limit is refused as it streams in, and nothing is left of it.
    let site = store.authenticate(&gz_site.token).await.expect("site");
    let big = vec![7u8; 4096];
    let big_sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&big));
    let refused = store
        .keep_blob_body(&site, &big_sha, axum::body::Body::from(big), 1024)
        .await
        .expect_err("too large");
    assert_eq!(refused.code(), "hub.bad_request");
    assert_eq!(
        store.missing_blobs(std::slice::from_ref(&big_sha)).await.expect("ask"),
        vec![big_sha]
    );
    let r = http
        .put(format!("{url}/v1/blobs/..%2F..%2Fetc"))
        .bearer_auth(&gz_site.token)
        .body(b"x".to_vec())
        .send()
        .await
        .expect("put");
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_restored_from_a_backup_takes_back_its_own_later_events_over_https() {
    use redress_core::backup;
    use redress_core::hub_client::HubClient;
    use redress_core::sync::OwnEventsRequest;
    let pg = Pg::start();
    let store = Arc::new(pg.hub("restored").await);
    let (url, ca, _handle) = serve_tls(store.clone(), None).await;
    let dir = tempfile::tempdir().expect("dir");
    // Headquarters' organisation (the departments complaints go to) at the hub.
    let (hq_t, _) = site(&store, "总部", "HQ", true).await;
    let hq = demo_db(dir.path(), "HQ", 2, 7).await;
    sync_now(&hq, &hq_t, 500).await;
    let added = store.add_site("上海分公司", "SH01", false).await.expect("site");
    let sh = site_db(dir.path(), "SH01").await;
    sync::configure(&sh, Some(&url), Some(&added.token), Some(&ca)).await.expect("configure");
    let client = HubClient::new(&url, &added.token, Some(ca.as_bytes())).expect("client");
    // A credential not yet bound to a branch database is sent nothing.
    let nothing = client.own_events(&OwnEventsRequest { after: 0, limit: 10 }).await.expect("own");
    assert!(nothing.events.is_empty() && !nothing.more);

    sync::run(&sh, &client, 500, |_| {}).await.expect("first sync");
    new_case(&sh, "李雷", "13800001111").await;
    sync::run(&sh, &client, 100, |_| {}).await.expect("sync");
    let made = backup::create(&sh, &dir.path().join("backups"), None).await.expect("backup");
    let at_backup = event_ids(&sh).await;
    // Another branch with events of its own: none of them is ever sent as Shanghai's.
    let (gz, _) = site(&store, "广州分公司", "GZ01", false).await;
    let gz_db = site_db(dir.path(), "GZ01").await;
    sync_now(&gz_db, &gz, 500).await;
    new_case(&gz_db, "张伟", "13800004444").await;
    sync_now(&gz_db, &gz, 100).await;
    new_case(&sh, "韩梅梅", "13800002222").await;
    new_case(&sh, "王芳", "13800003333").await;
    sync::run(&sh, &client, 100, |_| {}).await.expect("sync");
    let state = projection::snapshot(&sh).await.expect("state");
    let all: Vec<String> =
        sqlx::query_scalar("SELECT event_id FROM events WHERE site_id = ? ORDER BY event_id")
            .bind(&sh.site().site_id)
            .fetch_all(sh.pool())
            .await
            .expect("own");
    sh.close().await;

    let path = dir.path().join("新电脑").join("SH01.db");
    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
    backup::restore(&path, std::path::Path::new(&made.backup.path)).await.expect("restore");
    let restored =
        redress_core::storage::open(redress_core::OpenOptions::new(&path)).await.expect("open");
    assert!(sync::status(&restored).await.expect("status").restored_at.is_some());
    assert_eq!(event_ids(&restored).await, at_backup);
    let at_backup: Vec<&String> = all.iter().filter(|id| at_backup.contains(id)).collect();
    // Two at a time: the hub says there is more, and the branch asks again.
    let report = sync::run(&restored, &client, 2, |_| {}).await.expect("sync after restore");
    assert_eq!(report.recovered as usize, all.len() - at_backup.len(), "{report:?}");
    assert!(sync::status(&restored).await.expect("status").restored_at.is_none());
    let mut mine: Vec<String> = event_ids(&restored).await;
    mine.retain(|id| all.contains(id));
    assert_eq!(mine, all);
    let gz_case: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE site_id = ?")
        .bind(&gz_db.site().site_id)
        .fetch_one(restored.pool())
        .await
        .expect("n");
    assert_eq!(gz_case, 0, "another branch's case is not Shanghai's to see");
    assert_eq!(projection::snapshot(&restored).await.expect("state"), state);

    // It records again after what the hub held, and the hub takes it.
    new_case(&restored, "赵敏", "13800005555").await;
    let report = sync::run(&restored, &client, 100, |_| {}).await.expect("sync");
    assert_eq!((report.pushed, report.waiting, report.recovered), (1, 0, 0), "{report:?}");
    let numbers: Vec<String> = sqlx::query_scalar("SELECT case_no FROM cases ORDER BY case_no")
        .fetch_all(restored.pool())
        .await
        .expect("numbers");
    assert_eq!(numbers.len(), 4);
    assert!(numbers[3].ends_with("-SH01-000004"), "{numbers:?}");
}

/// The hub's events in its order, and whether each one's chain value follows from the one
/// before and the counter row ends on the last (`sync::chain_next`).
async fn hub_chain_intact(store: &Store) -> bool {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT hash, chain FROM events ORDER BY server_seq")
            .fetch_all(store.pool())
            .await
            .expect("events");
    let mut chain = sync::CHAIN_GENESIS.to_owned();
    for (hash, held) in &rows {
        chain = sync::chain_next(&chain, hash);
        if &chain != held {
            return false;
        }
    }
    let head: String = sqlx::query_scalar("SELECT chain FROM hub_counter")
        .fetch_one(store.pool())
        .await
        .expect("counter");
    head == chain
}

/// Runs a statement that needs database `db` without sessions, as an operator restoring the
/// hub does with the hub stopped: a closed pool's backends may take a moment to end, and any
/// left are ended. If it still fails, the sessions there are named.
async fn settled(admin: &Store, db: &str, sql: &str) {
    let mut tries = 0;
    loop {
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(db)
        .execute(admin.pool())
        .await
        .expect("terminate");
        let Err(e) = sqlx::query(sql).execute(admin.pool()).await else { return };
        tries += 1;
        if tries == 30 {
            let sessions: Vec<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT application_name, state, query FROM pg_stat_activity WHERE datname = $1",
            )
            .bind(db)
            .fetch_all(admin.pool())
            .await
            .expect("sessions");
            panic!("{sql}: {e}; sessions on {db}: {sessions:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The hub's database is copied (as a backup would be), the branches go on, and the
/// hub's database is put back from the copy: it lacks events it acknowledged and then gives
/// their numbers to other events. Shanghai, with nothing waiting, sends its lost events again
/// at its next sync; headquarters, whose cursor the restored hub has passed again with other
/// events, sees from the chain that the numbers changed and pulls again from the start. No
/// event is lost anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_restored_from_a_backup_gets_its_lost_events_again_and_no_site_passes_any_over() {
    let pg = Pg::start();
    let connect = || async { Arc::new(Store::connect(&pg.url("live"), 4).await.expect("connect")) };
    let admin = Store::connect(&pg.url("postgres"), 1).await.expect("admin");
    pg.hub("live").await.pool().close().await;
    let store = connect().await;
    let dir = tempfile::tempdir().expect("dir");
    let (_, hq_token) = site(&store, "总部", "HQ", true).await;
    let (_, sh_token) = site(&store, "上海分公司", "SH01", false).await;
    let (_, gz_token) = site(&store, "广州分公司", "GZ01", false).await;
    let as_site = |store: &Arc<Store>, token: &str| {
        let (store, token) = (store.clone(), token.to_owned());
        async move {
            let site = store.authenticate(&token).await.expect("token");
            InProcess { store, site }
        }
    };
    let hq = demo_db(dir.path(), "HQ", 2, 11).await;
    let sh = site_db(dir.path(), "SH01").await;
    let gz = site_db(dir.path(), "GZ01").await;
    sync_now(&hq, &as_site(&store, &hq_token).await, 100).await;
    sync_now(&sh, &as_site(&store, &sh_token).await, 100).await;
    sync_now(&gz, &as_site(&store, &gz_token).await, 100).await;
    assert!(hub_chain_intact(&store).await);

    // The backup.
    store.pool().close().await;
    settled(&admin, "live", "CREATE DATABASE backup TEMPLATE live").await;
    let store = connect().await;
    let at_backup: i64 =
        sqlx::query_scalar("SELECT v FROM hub_counter").fetch_one(store.pool()).await.expect("top");

    // Shanghai records two complaints; the hub numbers them, headquarters pulls them.
    new_case(&sh, "李雷", "13800001111").await;
    new_case(&sh, "韩梅梅", "13800002222").await;
    let report = sync_now(&sh, &as_site(&store, &sh_token).await, 100).await;
    let lost = report.pushed;
    assert!(lost >= 2, "{report:?}");
    sync_now(&hq, &as_site(&store, &hq_token).await, 100).await;
    let hq_cursor = sync::cursor(&hq).await.expect("cursor");
    assert_eq!(hq_cursor, at_backup + lost as i64);

    // The hub's database put back from the backup.
    store.pool().close().await;
    settled(&admin, "live", "DROP DATABASE live").await;
    settled(&admin, "backup", "CREATE DATABASE live TEMPLATE backup").await;
    let store = connect().await;
    // Guangzhou records more than Shanghai lost, and the hub numbers it past headquarters'
    // cursor: by number alone, headquarters would take its next pull from there.
    for (name, mobile) in
        [("张伟", "13800004444"), ("王芳", "13800005555"), ("刘洋", "13800006666")]
    {
        new_case(&gz, name, mobile).await;
    }
    sync_now(&gz, &as_site(&store, &gz_token).await, 100).await;
    let top: i64 =
        sqlx::query_scalar("SELECT v FROM hub_counter").fetch_one(store.pool()).await.expect("top");
    assert!(top > hq_cursor, "the restored hub has numbered past {hq_cursor}: {top}");

    // Shanghai has nothing waiting, and still sends its lost events again.
    assert_eq!(sync::status(&sh).await.expect("status").waiting, 0);
    let report = sync_now(&sh, &as_site(&store, &sh_token).await, 100).await;
    assert_eq!(report.pushed, lost, "renumbered by the restored hub: {report:?}");
    let mine: Vec<String> = sqlx::query_scalar("SELECT event_id FROM events ORDER BY event_id")
        .fetch_all(store.pool())
        .await
        .expect("hub");
    let mut own = event_ids(&sh).await;
    own.retain(|id| !mine.contains(id));
    assert!(own.is_empty(), "events of Shanghai's the hub still lacks: {own:?}");

    // Headquarters is told to start again, and holds every event the hub holds.
    let report = sync_now(&hq, &as_site(&store, &hq_token).await, 100).await;
    assert!(report.pulled > 0, "{report:?}");
    assert_eq!(event_ids(&hq).await, visible_to(&store, &hq, true).await);
    assert_eq!(event_ids(&hq).await, mine);
    // Each branch what it may see, after one more sync.
    for (db, token) in [(&sh, &sh_token), (&gz, &gz_token)] {
        sync_now(db, &as_site(&store, token).await, 100).await;
        assert_eq!(event_ids(db).await, visible_to(&store, db, false).await);
    }
    let cases: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(hq.pool()).await.expect("cases");
    assert_eq!(cases, 2 + 2 + 3);
    assert!(hub_chain_intact(&store).await);
    let (kept, recomputed) = hub_cases_kept_and_recomputed(&store).await;
    assert_eq!(kept, recomputed, "the case projection after the restore and the pushes again");
    // And a pull that names the chain the hub has is not sent back to the start.
    let again = as_site(&store, &hq_token)
        .await
        .pull(&sync::PullRequest {
            after: sync::cursor(&hq).await.expect("cursor"),
            limit: 10,
            site_id: Some(hq.site().site_id.clone()),
            after_chain: sqlx::query_scalar("SELECT cursor_chain FROM sync_state")
                .fetch_one(hq.pool())
                .await
                .expect("chain"),
        })
        .await
        .expect("pull");
    assert!(!again.reset && again.events.is_empty(), "{again:?}");
}
