//! Branch sync, the branches' side, against a hub kept in memory by this test with the rules
//! of the real one (the real one on PostgreSQL is tested in the hub crate): random offline work
//! at 2–6 sites with skewed clocks, syncs in random orders and batch sizes, replies lost after
//! the hub took a push, pulled batches delivered twice, bundles carried between sites in any
//! order and more than once, the hub put back from a backup — every site ends with the same state (compared as text), every
//! event everywhere, chains intact, nothing waiting, nothing left set aside.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use redress_core::hlc::{ManualClock, WallClock};
use redress_core::ops::demo::DemoRequest;
use redress_core::ops::dispatch;
use redress_core::ownership::HubSite;
use redress_core::sync::{
    self, Ack, KeyGrant, OwnEventsRequest, PullReply, PullRequest, PushReply, PushRequest,
    Transport, WireEvent,
};
use redress_core::{
    bundle, event_log, evidence, projection, storage, Actor, CoreError, CoreResult, Db, OpenOptions,
};
use serde_json::json;

#[derive(Default, Clone)]
struct Hub {
    events: Vec<WireEvent>,
    /// The hub's chain value at each number (`sync::chain_next`), as the real hub keeps it.
    chains: Vec<String>,
    /// site_id → (next site_seq, hash of the last event held)
    heads: HashMap<String, (i64, String)>,
    keys: HashMap<(String, String), Option<String>>,
    /// Evidence files by SHA-256.
    blobs: HashMap<String, Vec<u8>>,
    /// The sites registered (`as_site`).
    sites: Vec<HubSite>,
}

/// The hub in memory, shared by the sites; `lose_reply` makes the next push's reply vanish
/// after the hub took it.
#[derive(Clone, Default)]
struct MemHub {
    hub: Arc<Mutex<Hub>>,
    lose_reply: Arc<AtomicBool>,
    /// Files sent are refused (as a hub refuses one that does not match its hash).
    refuse_files: Arc<AtomicBool>,
    /// The site calling (its own events are not pulled back, as at the real hub).
    site: Option<String>,
}

impl MemHub {
    fn as_site(&self, db: &Db) -> MemHub {
        let site = db.site();
        let mut hub = self.hub.lock().expect("hub");
        if !hub.sites.iter().any(|s| s.site_id.as_deref() == Some(site.site_id.as_str())) {
            hub.sites.push(HubSite {
                site_id: Some(site.site_id.clone()),
                code: site.site_code.clone(),
                name: site.site_code.clone(),
                is_hq: site.site_code == "HQ",
            });
        }
        drop(hub);
        MemHub {
            hub: self.hub.clone(),
            lose_reply: self.lose_reply.clone(),
            refuse_files: self.refuse_files.clone(),
            site: Some(db.site().site_id.clone()),
        }
    }
}

/// The consumers' keys of the cases these events belong to.
fn keys_of(hub: &Hub, events: &[WireEvent]) -> Vec<KeyGrant> {
    hub.keys
        .iter()
        .filter(|((case, _), _)| events.iter().any(|e| e.case_id.as_deref() == Some(case)))
        .map(|((case_id, consumer_id), key)| KeyGrant {
            case_id: case_id.clone(),
            consumer_id: consumer_id.clone(),
            key: key.clone(),
        })
        .collect()
}

impl Transport for MemHub {
    /// Every site that pushed, named by its case-number code; the one coded HQ is headquarters.
    async fn sites(&self) -> CoreResult<Vec<HubSite>> {
        let hub = self.hub.lock().expect("hub");
        Ok(hub.sites.clone())
    }

    async fn push(&self, request: &PushRequest) -> CoreResult<PushReply> {
        let mut hub = self.hub.lock().expect("hub");
        let (mut next, mut head) = hub
            .heads
            .get(&request.site_id)
            .cloned()
            .unwrap_or((1, event_log::GENESIS_HASH.to_owned()));
        let mut acknowledged = Vec::new();
        let mut fresh = Vec::new();
        for e in &request.events {
            if e.site_seq < next {
                let held = hub
                    .events
                    .iter()
                    .find(|h| h.site_id == e.site_id && h.site_seq == e.site_seq)
                    .expect("held");
                assert_eq!(held.event_id, e.event_id, "a site's log never diverges here");
                acknowledged.push(Ack {
                    event_id: held.event_id.clone(),
                    server_seq: held.server_seq.expect("n"),
                });
                continue;
            }
            if e.site_seq > next {
                break;
            }
            assert!(e.intact() && e.prev_hash == head, "chain of {}", e.site_id);
            head = e.hash.clone();
            next += 1;
            fresh.push(e.clone());
        }
        for k in &request.keys {
            hub.keys.entry((k.case_id.clone(), k.consumer_id.clone())).or_insert(k.key.clone());
        }
        for mut e in fresh {
            let n = hub.events.len() as i64 + 1;
            e.server_seq = Some(n);
            let previous = hub.chains.last().map_or(sync::CHAIN_GENESIS, String::as_str);
            let chain = sync::chain_next(previous, &e.hash);
            hub.chains.push(chain);
            acknowledged.push(Ack { event_id: e.event_id.clone(), server_seq: n });
            hub.events.push(e);
        }
        hub.heads.insert(request.site_id.clone(), (next, head));
        if self.lose_reply.swap(false, Ordering::SeqCst) {
            return Err(CoreError::HubUnreachable("the reply was lost".into()));
        }
        Ok(PushReply { acknowledged, next_seq: next })
    }

    async fn pull(&self, request: &PullRequest) -> CoreResult<PullReply> {
        let hub = self.hub.lock().expect("hub");
        let after = usize::try_from(request.after).unwrap_or(0);
        // Numbers this hub never gave, or gives now to other events (restored): from 0 again.
        let ours = after.checked_sub(1).and_then(|i| hub.chains.get(i));
        let renumbered = after > hub.events.len()
            || request.after_chain.as_ref().is_some_and(|theirs| after > 0 && ours != Some(theirs));
        if renumbered {
            return Ok(PullReply::start_again());
        }
        let mut theirs = hub
            .events
            .iter()
            .skip(after)
            .filter(|e| self.site.as_deref() != Some(e.site_id.as_str()));
        let events: Vec<WireEvent> =
            theirs.by_ref().take(request.limit as usize).cloned().collect();
        let more = theirs.next().is_some();
        let top = hub.events.len() as i64;
        let sent = events.last().and_then(|e| e.server_seq).unwrap_or(request.after);
        let last = if more { sent } else { sent.max(top) };
        let keys = keys_of(&hub, &events);
        let chain = usize::try_from(last)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .map(|i| hub.chains[i].clone());
        Ok(PullReply { more, events, keys, last, reset: false, chain, top })
    }

    async fn own_events(&self, request: &OwnEventsRequest) -> CoreResult<PullReply> {
        let hub = self.hub.lock().expect("hub");
        let mut own: Vec<&WireEvent> = hub
            .events
            .iter()
            .filter(|e| {
                self.site.as_deref() == Some(e.site_id.as_str()) && e.site_seq > request.after
            })
            .collect();
        own.sort_by_key(|e| e.site_seq);
        let more = own.len() > request.limit as usize;
        let events: Vec<WireEvent> =
            own.into_iter().take(request.limit as usize).cloned().collect();
        let keys = keys_of(&hub, &events);
        Ok(PullReply { events, keys, last: 0, more, reset: false, chain: None, top: 0 })
    }

    async fn case_events(&self, case_ids: &[String]) -> CoreResult<PullReply> {
        let hub = self.hub.lock().expect("hub");
        let events: Vec<WireEvent> = hub
            .events
            .iter()
            .filter(|e| e.case_id.as_ref().is_some_and(|c| case_ids.contains(c)))
            .cloned()
            .collect();
        Ok(PullReply { events, ..PullReply::nothing() })
    }

    async fn missing_blobs(&self, sha256: &[String]) -> CoreResult<Vec<String>> {
        let hub = self.hub.lock().expect("hub");
        Ok(sha256.iter().filter(|h| !hub.blobs.contains_key(*h)).cloned().collect())
    }

    async fn put_blob(&self, store: &evidence::Store, sha256: &str) -> CoreResult<()> {
        if self.refuse_files.load(Ordering::SeqCst) {
            return Err(CoreError::HubRefused {
                status: 422,
                code: "hub.blob_mismatch".into(),
                message: "the file does not match its SHA-256".into(),
            });
        }
        let data = store.read_verified(sha256)?;
        self.hub.lock().expect("hub").blobs.insert(sha256.to_owned(), data);
        Ok(())
    }

    async fn get_blob(&self, store: &evidence::Store, sha256: &str) -> CoreResult<bool> {
        let Some(data) = self.hub.lock().expect("hub").blobs.get(sha256).cloned() else {
            return Ok(false);
        };
        store.receive(&mut data.as_slice(), sha256)?;
        Ok(true)
    }
}

struct Site {
    db: Db,
    clock: Arc<ManualClock>,
}

const NOW_MS: u64 = 1_795_000_000_000; // 2026-11-18

async fn open_site(dir: &std::path::Path, code: &str, skew_ms: i64) -> Site {
    let clock = Arc::new(ManualClock::new((NOW_MS as i64 + skew_ms) as u64));
    let mut options = OpenOptions::new(dir.join(format!("{code}.db")));
    options.new_site_code = code.into();
    options.clock = Box::new(clock.clone());
    let db = storage::open(options).await.expect("open");
    bundle::set_own_key(&db, Some(&bundle::new_key_pair().0)).await.expect("key");
    Site { db, clock }
}

#[derive(Debug, Clone)]
enum Step {
    /// A complaint taken at a site, offline.
    Intake(usize),
    /// A site's case moved on (its first case still received, acknowledged).
    Acknowledge(usize),
    /// The first open case (the same one at every site that has it) handed to a handler: the
    /// same field edited at several sites without seeing each other.
    Assign(usize, usize),
    /// A full sync of a site with this batch size.
    Sync(usize, u32),
    /// A sync whose first push reply is lost after the hub took it.
    SyncLosingReply(usize, u32),
    /// A pulled batch delivered twice.
    PullTwice(usize),
    /// Time passes at a site.
    Tick(usize, u32),
    /// A photo attached to a site's first open case (one of a few contents: the same file may
    /// be attached at several sites).
    Evidence(usize, u8),
    /// A site writes a bundle: what waits for the hub (0), what no bundle carried yet (1), or
    /// everything it holds (2).
    Export(usize, u8),
    /// One of the last bundles written (counted from the newest: again, or out of order) taken
    /// in at a site.
    Import(usize, usize),
    /// A site asks to hand its first open case to another site.
    Handover(usize, usize),
    /// Headquarters grants the first hand-over asked for that it knows of.
    Grant,
    /// Headquarters reassigns its first open case to a site (the old owner may be offline).
    Reassign(usize),
    /// The hub's database is backed up.
    HubBackup,
    /// The hub's database is put back from its last backup (its evidence files, kept apart,
    /// stay): it lacks what it acknowledged since, and numbers again from there.
    HubRestore,
    /// A site adds a department under one of two codes (two sites may pick the same offline).
    OrgUnit(usize, u8),
}

fn step(sites: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..sites).prop_map(Step::Intake),
        1 => (0..sites).prop_map(Step::Acknowledge),
        2 => (0..sites, 0usize..3).prop_map(|(s, h)| Step::Assign(s, h)),
        2 => (0..sites, 1u32..40).prop_map(|(s, b)| Step::Sync(s, b)),
        1 => (0..sites, 1u32..10).prop_map(|(s, b)| Step::SyncLosingReply(s, b)),
        1 => (0..sites).prop_map(Step::PullTwice),
        2 => (0..sites, 1u32..600_000).prop_map(|(s, ms)| Step::Tick(s, ms)),
        2 => (0..sites, 0u8..4).prop_map(|(s, n)| Step::Evidence(s, n)),
        4 => (0..sites, 0u8..3).prop_map(|(s, scope)| Step::Export(s, scope)),
        3 => (0..3usize, 0..sites).prop_map(|(k, s)| Step::Import(k, s)),
        1 => (0..sites, 0..sites).prop_map(|(s, t)| Step::Handover(s, t)),
        1 => Just(Step::Grant),
        1 => (0..sites).prop_map(Step::Reassign),
        1 => (0..sites, 0u8..2).prop_map(|(s, c)| Step::OrgUnit(s, c)),
        1 => Just(Step::HubBackup),
        1 => Just(Step::HubRestore),
    ]
}

/// Complaint number `n`, as the intake form sends it.
fn complaint(n: usize) -> serde_json::Value {
    json!({"consumer": {"name": format!("顾客{n}"), "mobile": format!("1380000{n:04}")},
        "channel": "hotline", "product_name": "燃气热水器", "quantity": 1,
        "content": format!("第{n}号投诉：安装后漏水"), "demand": "repair",
        "category": "product_quality", "department_id": "DEP-AS", "severity": "general",
        "complexity": "complex"})
}

async fn intake(db: &Db, n: usize) {
    dispatch(db, &Actor::system(), "cases.create", &complaint(n).to_string())
        .await
        .expect("intake");
}

/// The first open case of a site (the same one at every site that has it).
async fn first_open_case(db: &Db) -> Option<String> {
    sqlx::query_scalar(
        "SELECT id FROM cases WHERE status NOT IN ('closed', 'withdrawn', 'merged') \
         ORDER BY case_no LIMIT 1",
    )
    .fetch_optional(db.pool())
    .await
    .expect("case")
}

async fn run_script(skews: Vec<i64>, script: Vec<Step>) {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    // Headquarters first: the organisation and accounts every site works with.
    let mut sites = vec![open_site(dir.path(), "HQ", skews[0]).await];
    redress_core::ops::demo::generate(
        &sites[0].db,
        &Actor::system(),
        DemoRequest { cases: 2, seed: Some(3), until: Some("2026-11-17".into()) },
    )
    .await
    .expect("demo");
    sync::run(&sites[0].db, &hub.as_site(&sites[0].db), 1000, |_| {}).await.expect("hq");
    for (i, skew) in skews.iter().enumerate().skip(1) {
        let site = open_site(dir.path(), &format!("BR{i}"), *skew).await;
        sync::run(&site.db, &hub.as_site(&site.db), 1000, |_| {}).await.expect("first pull");
        sites.push(site);
    }
    let mut taken = 0;
    let mut mailbag: Vec<std::path::PathBuf> = Vec::new();
    let mut hub_backup: Option<Hub> = None;
    for s in script {
        match s {
            Step::Intake(i) => {
                taken += 1;
                intake(&sites[i].db, taken).await;
            }
            Step::Acknowledge(i) => {
                let first: Option<String> = sqlx::query_scalar(
                    "SELECT id FROM cases WHERE status = 'received' AND acknowledged_at IS NULL \
                     ORDER BY received_at LIMIT 1",
                )
                .fetch_optional(sites[i].db.pool())
                .await
                .expect("case");
                if let Some(id) = first {
                    // Allowed or refused by the workflow; either way the log stays consistent.
                    let _ = dispatch(
                        &sites[i].db,
                        &Actor::system(),
                        "cases.acknowledge",
                        &json!({"id": id, "method": "phone"}).to_string(),
                    )
                    .await;
                }
            }
            Step::Assign(i, h) => {
                if let Some(id) = first_open_case(&sites[i].db).await {
                    let handler = ["handler.as", "handler.cs", "handler.qa"][h];
                    let r = dispatch(
                        &sites[i].db,
                        &Actor::system(),
                        "cases.assign",
                        &json!({"id": id, "handler_id": handler}).to_string(),
                    )
                    .await;
                    // Refused when the workflow does not allow it: the log stays consistent.
                    drop(r);
                }
            }
            Step::Sync(i, batch) => {
                sync::run(&sites[i].db, &hub.as_site(&sites[i].db), batch, |_| {})
                    .await
                    .expect("sync");
            }
            Step::SyncLosingReply(i, batch) => {
                let before = sync::status(&sites[i].db).await.expect("status").waiting;
                hub.lose_reply.store(true, Ordering::SeqCst);
                let lost = sync::run(&sites[i].db, &hub.as_site(&sites[i].db), batch, |_| {}).await;
                hub.lose_reply.store(false, Ordering::SeqCst);
                if lost.is_err() {
                    // The first push's reply is lost (an empty one when nothing waits): the hub
                    // holds what it took, and the site still has every event waiting.
                    let waiting = sync::status(&sites[i].db).await.expect("status").waiting;
                    assert_eq!(waiting, before, "nothing is discarded when a reply is lost");
                }
                sync::run(&sites[i].db, &hub.as_site(&sites[i].db), batch, |_| {})
                    .await
                    .expect("again");
            }
            Step::PullTwice(i) => {
                let db = &sites[i].db;
                let after = sync::cursor(db).await.expect("cursor");
                let reply = hub
                    .as_site(db)
                    .pull(&PullRequest { after, limit: 7, site_id: None, after_chain: None })
                    .await
                    .expect("pull");
                sync::apply_pulled(db, &reply).await.expect("once");
                let again = sync::apply_pulled(db, &reply).await.expect("twice");
                assert_eq!(again.stored, 0, "a batch delivered twice stores nothing new");
            }
            Step::Tick(i, ms) => sites[i].clock.set(sites[i].clock.now_ms() + u64::from(ms)),
            Step::Evidence(i, n) => {
                if let Some(id) = first_open_case(&sites[i].db).await {
                    let photo = dir.path().join(format!("漏水照片{n}.jpg"));
                    std::fs::write(&photo, format!("照片{n}").repeat(1000)).expect("photo");
                    let added = dispatch(
                        &sites[i].db,
                        &Actor::system(),
                        "evidence.add",
                        &json!({"case_id": id, "source": "消费者",
                            "files": [{"path": photo, "kind": "photo"}]})
                        .to_string(),
                    )
                    .await;
                    // Refused only on a case this branch may not see (another branch's).
                    if let Err(e) = added {
                        assert_eq!(e.code(), "case.handover", "{e}");
                    }
                }
            }
            Step::Export(i, scope) => {
                let path = dir.path().join(format!("{}.redress-bundle", mailbag.len()));
                let scope = [bundle::Scope::Waiting, bundle::Scope::New, bundle::Scope::All]
                    [usize::from(scope)];
                match bundle::export(&sites[i].db, &path, scope, None).await {
                    Ok(_) => mailbag.push(path),
                    Err(e) => assert_eq!(e.code(), "bundle.empty", "{e}"),
                }
            }
            Step::Import(k, i) => {
                if !mailbag.is_empty() {
                    let path = &mailbag[mailbag.len() - 1 - k % mailbag.len()];
                    let db = &sites[i].db;
                    bundle::import(db, path, None).await.expect("import");
                    // What the first import left (its own events, and any set aside earlier
                    // that they released: `stored` counts those too).
                    let taken = |db: &Db| {
                        let pool = db.pool().clone();
                        async move {
                            sqlx::query_as::<_, (i64, i64)>(
                                "SELECT (SELECT COUNT(*) FROM events), \
                                 (SELECT COUNT(*) FROM held_events)",
                            )
                            .fetch_one(&pool)
                            .await
                            .expect("counts")
                        }
                    };
                    let before = (taken(db).await, projection::snapshot(db).await.expect("s"));
                    let again = bundle::import(db, path, None).await.expect("again");
                    assert_eq!(again.stored, 0, "a bundle taken twice stores nothing new");
                    let after = (taken(db).await, projection::snapshot(db).await.expect("s"));
                    assert!(after == before, "a bundle taken twice changes nothing");
                }
            }
            Step::Handover(i, t) => {
                if let Some(id) = first_open_case(&sites[i].db).await {
                    let to = sites[t].db.site().site_id.clone();
                    // Refused where the site does not own the case, one is asked already, or
                    // it is its own: the log stays consistent either way.
                    let _ = dispatch(
                        &sites[i].db,
                        &Actor::system(),
                        "cases.handover_request",
                        &json!({"id": id, "to_site": to, "reason": "顾客在对方城市"}).to_string(),
                    )
                    .await;
                }
            }
            Step::OrgUnit(i, c) => {
                // Refused when this site already knows the code; taken otherwise.
                let _ = dispatch(
                    &sites[i].db,
                    &Actor::system(),
                    "org.create",
                    &json!({"code": format!("DEP-P{c}"), "name": format!("新设部门{c}"),
                        "kind": "department", "parent_id": null, "city": null})
                    .to_string(),
                )
                .await;
            }
            Step::Grant => {
                let pending: Option<String> = sqlx::query_scalar(
                    "SELECT case_id FROM case_owners WHERE pending_site IS NOT NULL \
                     ORDER BY case_id LIMIT 1",
                )
                .fetch_optional(sites[0].db.pool())
                .await
                .expect("pending");
                if let Some(id) = pending {
                    dispatch(
                        &sites[0].db,
                        &Actor::system(),
                        "cases.handover_grant",
                        &json!({"id": id}).to_string(),
                    )
                    .await
                    .expect("grant");
                }
            }
            Step::HubBackup => hub_backup = Some(hub.hub.lock().expect("hub").clone()),
            Step::HubRestore => {
                if let Some(backup) = &hub_backup {
                    let mut live = hub.hub.lock().expect("hub");
                    let blobs = std::mem::take(&mut live.blobs);
                    *live = Hub { blobs, ..backup.clone() };
                }
            }
            Step::Reassign(t) => {
                if let Some(id) = first_open_case(&sites[0].db).await {
                    let to = sites[t].db.site().site_id.clone();
                    let r = dispatch(
                        &sites[0].db,
                        &Actor::system(),
                        "cases.reassign",
                        &json!({"id": id, "to_site": to, "reason": "原站点无法联系"}).to_string(),
                    )
                    .await;
                    if let Err(e) = r {
                        assert_eq!(e.code(), "case.handover", "{e}");
                    }
                }
            }
        }
    }
    // Everyone syncs twice: the first round carries every site's work to the hub.
    for _ in 0..2 {
        for site in &sites {
            sync::run(&site.db, &hub.as_site(&site.db), 50, |_| {}).await.expect("final sync");
        }
    }
    let held = hub.hub.lock().expect("hub").events.len() as u64;
    let state = projection::snapshot(&sites[0].db).await.expect("snapshot");
    assert!(!state.contains(projection::PENDING_NAME), "every consumer's key arrived");
    for site in &sites {
        assert_eq!(projection::snapshot(&site.db).await.expect("snapshot"), state);
        assert_eq!(event_log::verify(&site.db).await.expect("chains"), held);
        assert_eq!(sync::status(&site.db).await.expect("status").waiting, 0);
        let set_aside: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM held_events")
            .fetch_one(site.db.pool())
            .await
            .expect("held");
        assert_eq!(set_aside, 0, "every event set aside was taken when its gap filled");
        // Every file the records refer to is here, intact.
        assert_eq!(sync::missing_blobs(&site.db).await.expect("blobs"), Vec::<String>::new());
        let store = evidence::Store::for_database(site.db.path());
        let files: Vec<String> = sqlx::query_scalar("SELECT DISTINCT sha256 FROM evidence")
            .fetch_all(site.db.pool())
            .await
            .expect("evidence");
        for sha256 in &files {
            assert_eq!(store.check(sha256).expect("check"), evidence::Check::Intact);
        }
        // A fold from scratch gives the state the sync left.
        projection::rebuild(&site.db).await.expect("rebuild");
        assert_eq!(projection::snapshot(&site.db).await.expect("rebuilt"), state);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn sites_converge_whatever_the_order_of_syncs_and_the_faults(
        skews in proptest::collection::vec(-7_200_000i64..7_200_000, 2..=6),
        script in proptest::collection::vec(step(6), 0..40),
    ) {
        let sites = skews.len();
        let script: Vec<Step> = script
            .into_iter()
            .filter(|s| match s {
                Step::Intake(i) | Step::Acknowledge(i) | Step::PullTwice(i) => *i < sites,
                Step::Assign(i, _) | Step::Evidence(i, _) => *i < sites,
                Step::Sync(i, _) | Step::SyncLosingReply(i, _) | Step::Tick(i, _) => *i < sites,
                Step::Export(i, _) | Step::Import(_, i) | Step::Reassign(i) => *i < sites,
                Step::Handover(i, t) => *i < sites && *t < sites,
                Step::OrgUnit(i, _) => *i < sites,
                Step::Grant | Step::HubBackup | Step::HubRestore => true,
            })
            .collect();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(run_script(skews, script));
    }
}

/// Headquarters with one demo case, synced with the hub.
async fn headquarters(dir: &std::path::Path, hub: &MemHub, seed: u64) -> Site {
    let hq = open_site(dir, "HQ", 0).await;
    redress_core::ops::demo::generate(
        &hq.db,
        &Actor::system(),
        DemoRequest { cases: 1, seed: Some(seed), until: Some("2026-11-17".into()) },
    )
    .await
    .expect("demo");
    sync::run(&hq.db, &hub.as_site(&hq.db), 1000, |_| {}).await.expect("hq");
    hq
}

#[tokio::test]
async fn events_stamped_far_ahead_are_kept_in_order_and_flagged_for_a_person() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 11).await;
    // A store whose computer is three hours fast (a wrong time zone), one ten minutes fast.
    let fast = open_site(dir.path(), "SH01", 3 * 3_600_000).await;
    let near = open_site(dir.path(), "GZ01", 10 * 60_000).await;
    for site in [&fast, &near] {
        sync::run(&site.db, &hub.as_site(&site.db), 1000, |_| {}).await.expect("first pull");
    }
    intake(&fast.db, 1).await;
    intake(&near.db, 2).await;
    for site in [&fast, &near, &hq] {
        sync::run(&site.db, &hub.as_site(&site.db), 1000, |_| {}).await.expect("sync");
    }
    // The near store's hybrid clock moved past the fast one's stamps when it pulled them; what
    // it writes next is stamped ahead too, through no fault of its computer: not flagged.
    intake(&near.db, 4).await;
    for site in [&near, &hq] {
        sync::run(&site.db, &hub.as_site(&site.db), 1000, |_| {}).await.expect("sync");
    }

    let flags = sync::clock_flags(&hq.db).await.expect("flags");
    assert_eq!(flags.len(), 1, "ten minutes is a network's worth, three hours a wrong clock");
    assert_eq!(flags[0].site_code.as_deref(), Some("SH01"));
    assert!(flags[0].events >= 1);
    assert!((flags[0].ahead_ms - 3 * 3_600_000).abs() < 60_000, "{:?}", flags[0]);
    // Kept, not dropped: the store's complaint is at headquarters, and what headquarters does
    // next sorts after it (its clock moved past the stamp).
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE case_no LIKE '%-SH01-%'")
        .fetch_one(hq.db.pool())
        .await
        .expect("count");
    assert_eq!(cases, 1);
    intake(&hq.db, 3).await;
    let (newest_site,): (String,) =
        sqlx::query_as("SELECT site_id FROM events ORDER BY hlc DESC LIMIT 1")
            .fetch_one(hq.db.pool())
            .await
            .expect("newest");
    assert_eq!(newest_site, hq.db.site().site_id);
    // The flag is the observer's own note, not state: nothing of it is in the snapshot, and a
    // site that saw no such event has none.
    let at_fast = sync::clock_flags(&fast.db).await.expect("flags");
    assert!(at_fast.is_empty(), "{at_fast:?}");
}

/// A first sync of many events, in small batches: while it runs, the status (what the app's
/// status bar asks every second, whoever started the sync) shows how far it has come, in
/// order — pushing until nothing waits, then pulling towards the hub's highest number — and
/// nothing once it ended.
#[tokio::test]
async fn a_running_sync_shows_its_progress_in_the_status_until_it_ends() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 5).await;
    for n in 0..30 {
        intake(&hq.db, n).await;
    }
    let branch = open_site(dir.path(), "SH01", 0).await;
    assert_eq!(sync::status(&hq.db).await.expect("status").progress, None);
    let waiting = sync::status(&hq.db).await.expect("status").waiting;
    assert!(waiting >= 30);
    let mut seen: Vec<sync::SyncProgress> = Vec::new();
    let db = hq.db.clone();
    sync::run(&hq.db, &hub.as_site(&hq.db), 7, |p| {
        // What the status shows is what the sync just reported.
        assert_eq!(sync::progress_of(&db), Some(p));
        seen.push(p);
    })
    .await
    .expect("sync");
    assert_eq!(sync::status(&hq.db).await.expect("status").progress, None);
    let pushes: Vec<&sync::SyncProgress> =
        seen.iter().filter(|p| p.phase == sync::SyncPhase::Push).collect();
    assert_eq!(pushes.first().map(|p| (p.pushed, p.waiting)), Some((0, waiting)));
    assert_eq!(pushes.last().map(|p| (p.pushed, p.waiting)), Some((waiting as u64, 0)));
    assert!(pushes.len() as i64 >= waiting / 7, "a step a batch: {}", pushes.len());
    assert!(pushes.windows(2).all(|w| w[0].pushed <= w[1].pushed && w[0].waiting >= w[1].waiting));

    // The branch's first pull: its cursor climbs to the hub's highest number, batch by batch.
    let mut seen: Vec<sync::SyncProgress> = Vec::new();
    sync::run(&branch.db, &hub.as_site(&branch.db), 9, |p| seen.push(p)).await.expect("pull");
    let pulls: Vec<&sync::SyncProgress> =
        seen.iter().filter(|p| p.phase == sync::SyncPhase::Pull && p.hub_top > 0).collect();
    let top = hub.hub.lock().expect("hub").events.len() as i64;
    assert!(pulls.len() as i64 >= top / 9, "a step a batch: {}", pulls.len());
    assert!(pulls.iter().all(|p| p.hub_top == top && p.cursor <= top));
    assert!(pulls.windows(2).all(|w| w[0].cursor < w[1].cursor));
    assert_eq!(pulls.last().map(|p| p.cursor), Some(top));
    assert_eq!(seen.last().map(|p| p.phase), Some(sync::SyncPhase::Files));
    assert_eq!(sync::progress_of(&branch.db), None);

    // The background sync and 立即同步 at once: one waits for the other, so the progress shown
    // is one sync's from start to end, never the two interleaved or cleared by the first to end.
    for n in 30..50 {
        intake(&hq.db, n).await;
    }
    let expected = sync::status(&hq.db).await.expect("status").waiting as u64;
    let steps: Mutex<Vec<(u8, sync::SyncProgress)>> = Mutex::new(Vec::new());
    let note = |who: u8| {
        let steps = &steps;
        let db = hq.db.clone();
        move |p: sync::SyncProgress| {
            assert_eq!(sync::progress_of(&db), Some(p));
            steps.lock().expect("steps").push((who, p));
        }
    };
    let (first, second) = (hub.as_site(&hq.db), hub.as_site(&hq.db));
    let (one, two) = tokio::join!(
        sync::run(&hq.db, &first, 3, note(1)),
        sync::run(&hq.db, &second, 3, note(2)),
    );
    let (one, two) = (one.expect("one"), two.expect("two"));
    let order: Vec<u8> = steps.lock().expect("steps").iter().map(|(who, _)| *who).collect();
    let switches = order.windows(2).filter(|w| w[0] != w[1]).count();
    assert_eq!(switches, 1, "one sync after the other: {order:?}");
    // The first sends everything; the second finds nothing waiting.
    assert_eq!((one.pushed + two.pushed, one.pushed.min(two.pushed)), (expected, 0));
    assert_eq!(sync::progress_of(&hq.db), None);
}

#[tokio::test]
async fn a_refused_file_does_not_hold_the_events_back_and_is_sent_by_a_later_sync() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 13).await;
    let branch = open_site(dir.path(), "SZ01", 0).await;
    sync::run(&branch.db, &hub.as_site(&branch.db), 1000, |_| {}).await.expect("first pull");
    intake(&branch.db, 1).await;
    let case_id = first_open_case(&branch.db).await.expect("case");
    let photo = dir.path().join("铭牌.jpg");
    std::fs::write(&photo, "铭牌照片".repeat(800)).expect("photo");
    dispatch(
        &branch.db,
        &Actor::system(),
        "evidence.add",
        &json!({"case_id": case_id, "files": [{"path": photo, "kind": "photo"}]}).to_string(),
    )
    .await
    .expect("evidence");

    hub.refuse_files.store(true, Ordering::SeqCst);
    let refused =
        sync::run(&branch.db, &hub.as_site(&branch.db), 1000, |_| {}).await.expect("sync");
    assert_eq!((refused.blobs_failed, refused.blobs_sent, refused.waiting), (1, 0, 0));
    let at_hq = sync::run(&hq.db, &hub.as_site(&hq.db), 1000, |_| {}).await.expect("hq sync");
    assert_eq!((at_hq.blobs_fetched, at_hq.blobs_absent), (0, 1), "the hub has no file yet");

    // Accepted now: the branch's next sync sends it although its event went long ago.
    hub.refuse_files.store(false, Ordering::SeqCst);
    let sent = sync::run(&branch.db, &hub.as_site(&branch.db), 1000, |_| {}).await.expect("sync");
    assert_eq!((sent.blobs_sent, sent.blobs_failed), (1, 0));
    let again = sync::run(&branch.db, &hub.as_site(&branch.db), 1000, |_| {}).await.expect("sync");
    assert_eq!(again.blobs_sent, 0, "a file the hub holds is not asked about again");
    let at_hq = sync::run(&hq.db, &hub.as_site(&hq.db), 1000, |_| {}).await.expect("hq sync");
    assert_eq!((at_hq.blobs_fetched, at_hq.blobs_absent), (1, 0));
    assert!(sync::missing_blobs(&hq.db).await.expect("missing").is_empty());
}

/// Calls an operation as the system, giving its JSON reply or its error code.
async fn op(db: &Db, name: &str, request: serde_json::Value) -> Result<serde_json::Value, String> {
    dispatch(db, &Actor::system(), name, &request.to_string()).await.map_err(|e| e.code().into())
}

/// Syncs each site in turn, with the hub in memory.
async fn sync_all(hub: &MemHub, sites: &[&Site]) {
    for site in sites {
        sync::run(&site.db, &hub.as_site(&site.db), 1000, |_| {}).await.expect("sync");
    }
}

/// Headquarters and two branches, Shanghai and Hangzhou, all synced, with a case Shanghai
/// recorded (its id) that every site has.
async fn shanghai_case(
    dir: &std::path::Path,
    hub: &MemHub,
    seed: u64,
) -> (Site, Site, Site, String) {
    let hq = headquarters(dir, hub, seed).await;
    let sh = open_site(dir, "SH01", 0).await;
    let hz = open_site(dir, "HZ01", 0).await;
    sync_all(hub, &[&sh, &hz, &hq]).await;
    intake(&sh.db, 7).await;
    let id = sqlx::query_scalar("SELECT id FROM cases WHERE site_id = ?")
        .bind(&sh.db.site().site_id)
        .fetch_one(sh.db.pool())
        .await
        .expect("case");
    sync_all(hub, &[&sh, &hz, &hq]).await;
    (hq, sh, hz, id)
}

#[tokio::test]
async fn a_case_changes_hands_only_by_its_owners_release_and_headquarters_grant() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let (hq, sh, hz, id) = shanghai_case(dir.path(), &hub, 21).await;
    let assign = |handler: &str| json!({"id": id, "handler_id": handler});

    // Another branch writes nothing to a case it may not see (this hub in memory sends it
    // every event; the real one does not: hub/tests/sync.rs). Headquarters sees every case and
    // may add to its timeline, but not change its state.
    assert_eq!(op(&hz.db, "cases.assign", assign("handler.as")).await, Err("case.handover".into()));
    assert_eq!(
        op(&hq.db, "cases.assign", assign("handler.as")).await,
        Err("case.not_owner".into())
    );
    let detail = op(&hq.db, "cases.get", json!({"id": id})).await.expect("get");
    assert_eq!(detail["ownership"]["mine"], false);
    assert_eq!(detail["ownership"]["owner_label"], "SH01");
    let hz_id = hz.db.site().site_id.clone();
    let ask = json!({"id": id, "to_site": hz_id, "reason": "顾客已搬到杭州"});
    assert_eq!(
        op(&hq.db, "cases.handover_request", ask.clone()).await,
        Err("case.not_owner".into())
    );

    // The owner asks; only headquarters grants.
    let asked = op(&sh.db, "cases.handover_request", ask.clone()).await.expect("ask");
    assert_eq!(asked["pending"]["site_id"], hz_id);
    assert_eq!(op(&sh.db, "cases.handover_request", ask).await, Err("case.handover".into()));
    assert_eq!(
        op(&sh.db, "cases.handover_grant", json!({"id": id})).await,
        Err("case.handover".into())
    );
    let unknown = json!({"id": id, "to_site": "no-such-site", "reason": "x"});
    assert_eq!(op(&hq.db, "cases.reassign", unknown).await, Err("case.handover".into()));
    sync_all(&hub, &[&sh, &hq]).await;
    let review = op(&hq.db, "ownership.review", json!({})).await.expect("review");
    assert_eq!(review["is_hq"], true);
    assert_eq!(review["handovers"][0]["case_id"], id);
    let granted = op(&hq.db, "cases.handover_grant", json!({"id": id})).await.expect("grant");
    assert_eq!(granted["owner_site"], hz_id);
    assert_eq!(granted["epoch"], 1);
    sync_all(&hub, &[&hq, &sh, &hz]).await;

    // The new owner works the case; the old one no longer changes it.
    op(&hz.db, "cases.assign", assign("handler.as")).await.expect("new owner assigns");
    assert_eq!(
        op(&sh.db, "cases.assign", assign("handler.cs")).await,
        Err("case.not_owner".into())
    );
    sync_all(&hub, &[&hz, &sh, &hq]).await;
    let state = projection::snapshot(&hq.db).await.expect("snapshot");
    for site in [&sh, &hz] {
        assert_eq!(projection::snapshot(&site.db).await.expect("snapshot"), state);
        let detail = op(&site.db, "cases.get", json!({"id": id})).await.expect("get");
        assert_eq!(detail["ownership"]["owner_site"], hz_id);
        assert_eq!(detail["ownership"]["pending"], serde_json::Value::Null);
        assert_eq!(detail["ownership"]["mine"], site.db.site().site_id == hz_id);
    }
}

#[tokio::test]
async fn what_the_old_owner_writes_after_a_reassignment_is_held_for_review_never_lost() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let (hq, sh, hz, id) = shanghai_case(dir.path(), &hub, 22).await;

    // Headquarters reassigns the case while the Shanghai store is offline…
    let hz_id = hz.db.site().site_id.clone();
    let moved = json!({"id": id, "to_site": hz_id, "reason": "上海门店停业整顿"});
    op(&hq.db, "cases.reassign", moved).await.expect("reassign");
    sync_all(&hub, &[&hq]).await;
    // …which, not knowing, hands it to a handler and attaches a photo (a minute later).
    sh.clock.set(sh.clock.now_ms() + 60_000);
    op(&sh.db, "cases.assign", json!({"id": id, "handler_id": "handler.cs"})).await.expect("late");
    let photo = dir.path().join("维修单.jpg");
    std::fs::write(&photo, "维修单".repeat(500)).expect("photo");
    let files = json!([{"path": photo, "kind": "photo"}]);
    op(&sh.db, "evidence.add", json!({"case_id": id, "source": "门店", "files": files}))
        .await
        .expect("evidence");
    sync_all(&hub, &[&sh, &hz, &hq, &sh]).await;

    // Everywhere: the late assignment is in the log and on the timeline, held, not folded;
    // the photo (anyone may add evidence) is folded.
    let state = projection::snapshot(&hq.db).await.expect("snapshot");
    for site in [&sh, &hz, &hq] {
        assert_eq!(projection::snapshot(&site.db).await.expect("snapshot"), state);
        let detail = op(&site.db, "cases.get", json!({"id": id})).await.expect("get");
        assert_eq!(detail["case"]["handler"], serde_json::Value::Null, "the late change is held");
        assert_eq!(detail["ownership"]["held_open"], 1);
        let timeline = detail["timeline"].as_array().expect("timeline");
        let late = timeline.iter().find(|e| e["kind"] == "case.assigned").expect("kept");
        assert_eq!(late["held"], "open");
        assert!(timeline.iter().any(|e| e["kind"] == "evidence.added" && e["held"].is_null()));
        projection::rebuild(&site.db).await.expect("rebuild");
        assert_eq!(projection::snapshot(&site.db).await.expect("rebuilt"), state);
    }
    let event_id = {
        let review = op(&hz.db, "ownership.review", json!({})).await.expect("review");
        assert_eq!(review["held"][0]["kind"], "case.assigned");
        assert_eq!(review["held"][0]["reason"], "not_owner");
        review["held"][0]["event_id"].as_str().expect("id").to_owned()
    };
    // The owning site reviews it (having assigned the case itself); only it may.
    let seen = json!({"id": id, "event_id": event_id, "note": "已改派杭州门店处理"});
    assert_eq!(op(&sh.db, "cases.held_review", seen.clone()).await, Err("case.not_owner".into()));
    let reviewed = op(&hz.db, "cases.held_review", seen.clone()).await.expect("review");
    assert_eq!(reviewed["held_open"], 0);
    assert_eq!(op(&hz.db, "cases.held_review", seen).await, Err("case.handover".into()));
    sync_all(&hub, &[&hz, &sh, &hq]).await;
    let detail = op(&sh.db, "cases.get", json!({"id": id})).await.expect("get");
    let late = detail["timeline"]
        .as_array()
        .expect("t")
        .iter()
        .find(|e| e["kind"] == "case.assigned")
        .cloned();
    assert_eq!(late.expect("kept")["held"], "reviewed");
}

#[tokio::test]
async fn every_sites_first_administrator_may_be_admin_and_each_still_signs_in_at_home() {
    use redress_core::auth::accounts::sign_in;
    use redress_core::ops::auth::{setup_first_administrator, SetupRequest};
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let setup = |name: &str| SetupRequest {
        username: "admin".into(),
        display_name: name.into(),
        password: "Admin2026".into(),
        site_code: None,
        site_name: None,
    };
    // Both set up offline, neither knowing of the other.
    let hq = open_site(dir.path(), "HQ", 0).await;
    let hq_admin = setup_first_administrator(&hq.db, setup("总部管理员")).await.expect("hq");
    let sh = open_site(dir.path(), "SH01", 0).await;
    sh.clock.set(NOW_MS + 120_000);
    let sh_admin = setup_first_administrator(&sh.db, setup("上海管理员")).await.expect("sh");
    sync_all(&hub, &[&sh, &hq, &sh]).await;

    for site in [&hq, &sh] {
        let admins: Vec<String> = sqlx::query_scalar(
            "SELECT display_name FROM accounts WHERE username = 'admin' ORDER BY created_hlc",
        )
        .fetch_all(site.db.pool())
        .await
        .expect("accounts");
        assert_eq!(admins, ["总部管理员", "上海管理员"], "both accounts everywhere");
        assert_eq!(sync::status(&site.db).await.expect("status").waiting, 0);
    }
    // Each site's `admin` is its own: the one with a password there.
    let at_hq = sign_in(&hq.db, "admin", "Admin2026").await.expect("hq sign-in");
    assert_eq!(at_hq.actor.id, hq_admin);
    let at_sh = sign_in(&sh.db, "ADMIN", "Admin2026").await.expect("sh sign-in");
    assert_eq!(at_sh.actor.id, sh_admin);
    // A third site creating the name again knows it is taken.
    let taken = op(
        &sh.db,
        "accounts.create",
        json!({"username": "admin", "display_name": "又一个", "unit_id": null,
               "roles": ["intake_agent"], "password": "Temp2026x"}),
    )
    .await
    .expect_err("taken");
    assert_eq!(taken, "validation.failed");
}

#[tokio::test]
async fn the_same_code_given_offline_at_two_sites_keeps_both_units_and_is_listed_for_a_person() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 5).await;
    let sh = open_site(dir.path(), "SH01", 0).await;
    sync_all(&hub, &[&sh]).await;
    let unit = |name: &str| json!({"code": "ST-XH2", "name": name, "kind": "store", "parent_id": null, "city": "上海"});
    // Both add the new store offline, headquarters first.
    let at_hq = op(&hq.db, "org.create", unit("徐汇二店")).await.expect("hq unit");
    sh.clock.set(NOW_MS + 60_000);
    let at_sh = op(&sh.db, "org.create", unit("徐汇第二门店")).await.expect("sh unit");
    sync_all(&hub, &[&sh, &hq, &sh]).await;

    let hq_state = projection::snapshot(&hq.db).await.expect("snapshot");
    for site in [&hq, &sh] {
        let codes: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, code FROM org_units WHERE code LIKE 'ST-XH2%' ORDER BY code",
        )
        .fetch_all(site.db.pool())
        .await
        .expect("units");
        let sh_id = at_sh["id"].as_str().expect("id");
        assert_eq!(
            codes,
            [
                (at_hq["id"].as_str().expect("id").to_owned(), "ST-XH2".to_owned()),
                (sh_id.to_owned(), format!("ST-XH2~{}", &sh_id[sh_id.len() - 4..])),
            ],
            "both units kept, the later one under its code and the end of its id"
        );
        let (clashes, total) = sync::clashes(&site.db).await.expect("clashes");
        assert_eq!(total, 1);
        assert_eq!(clashes[0].outcome, "code_renamed");
        assert_eq!(clashes[0].site, "SH01");
        assert!(clashes[0].reason.contains("ST-XH2"), "{:?}", clashes[0]);
        same_state_from_scratch(&site.db, &hq_state).await;
    }
}

#[tokio::test]
async fn two_sites_that_loaded_the_demo_before_their_first_sync_still_converge() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 5).await;
    // A pilot branch loads the same demo (same seed, ids of its own) before it ever syncs.
    let sh = open_site(dir.path(), "SH01", 0).await;
    sh.clock.set(NOW_MS + 60_000);
    redress_core::ops::demo::generate(
        &sh.db,
        &Actor::system(),
        DemoRequest { cases: 1, seed: Some(5), until: Some("2026-11-17".into()) },
    )
    .await
    .expect("demo");
    sync_all(&hub, &[&sh, &hq, &sh]).await;
    // The same demo under ids of each site's own: nothing is created twice. Only the codes of
    // the branch's units clash with headquarters' (listed, the units kept); the syncs went on.
    let (clashes, total) = sync::clashes(&hq.db).await.expect("clashes");
    let units: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE code LIKE '%~%'")
        .fetch_one(hq.db.pool())
        .await
        .expect("units");
    assert!(units > 0 && total == units, "{total} clashes, {units} units renamed");
    assert!(clashes.iter().all(|c| c.site == "SH01" && c.outcome == "code_renamed"), "{clashes:?}");
    let cases: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(hq.db.pool()).await.expect("n");
    assert_eq!(cases, 2, "each site's demo case");
    // Both still take new work from each other.
    intake(&sh.db, 1).await;
    sync_all(&hub, &[&sh, &hq]).await;
    assert_eq!(sync::status(&sh.db).await.expect("status").waiting, 0);
    for site in [&hq, &sh] {
        let state = projection::snapshot(&site.db).await.expect("snapshot");
        projection::rebuild(&site.db).await.expect("a fold from scratch does not fail");
        assert_eq!(projection::snapshot(&site.db).await.expect("rebuilt"), state);
    }
}

#[tokio::test]
async fn plans_drafted_offline_at_the_owner_and_at_headquarters_both_count_as_versions() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let (hq, sh, hz, id) = shanghai_case(dir.path(), &hub, 21).await;
    for (name, request) in [
        ("cases.advance", json!({"id": id, "move": "start_investigation"})),
        (
            "cases.investigate",
            json!({"id": id, "fact": "检测确认漏水", "source_kind": "document",
                   "source": "检测报告", "found_on": "2026-11-17"}),
        ),
        ("cases.advance", json!({"id": id, "move": "start_planning"})),
    ] {
        op(&sh.db, name, request).await.expect(name);
    }
    sync_all(&hub, &[&sh, &hq]).await;
    let measures = |what: &str| {
        json!([{"kind": "repair", "description": what, "responsible_id": "handler.as",
                "steps": [{"title": "上门维修", "due_on": "2026-12-20"}]}])
    };
    // Offline, each drafts what it thinks is version 1.
    let at_hq = op(
        &hq.db,
        "plans.draft",
        json!({"case_id": id, "summary": "总部：上门维修", "measures": measures("总部方案")}),
    )
    .await
    .expect("hq draft");
    sh.clock.set(NOW_MS + 60_000);
    let at_sh = op(
        &sh.db,
        "plans.draft",
        json!({"case_id": id, "summary": "上海：上门维修", "measures": measures("上海方案")}),
    )
    .await
    .expect("sh draft");
    assert_eq!((at_hq["version"].as_i64(), at_sh["version"].as_i64()), (Some(1), Some(1)));
    sync_all(&hub, &[&sh, &hq, &sh, &hz]).await;
    let state = projection::snapshot(&hq.db).await.expect("snapshot");
    for site in [&hq, &sh] {
        let plans: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT id, version, status FROM case_plans WHERE case_id = ? ORDER BY version",
        )
        .bind(&id)
        .fetch_all(site.db.pool())
        .await
        .expect("plans");
        let ids: Vec<&str> = plans.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(ids, [at_hq["id"].as_str().expect("id"), at_sh["id"].as_str().expect("id")]);
        assert_eq!(
            plans.iter().map(|p| p.1).collect::<Vec<_>>(),
            [1, 2],
            "the later one is version 2"
        );
        assert_eq!(plans[0].2, "superseded", "the earlier draft gave way to the later");
        assert_eq!(sync::clashes(&site.db).await.expect("clashes").1, 0, "nothing set aside");
        same_state_from_scratch(&site.db, &state).await;
    }
}

#[tokio::test]
async fn incidents_declared_offline_at_two_sites_are_numbered_each_in_its_own_sequence() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 8).await;
    let sh = open_site(dir.path(), "SH01", 0).await;
    sync_all(&hub, &[&sh]).await;
    let at_hq = op(&hq.db, "incidents.declare", declare("华北热水器漏水")).await.expect("hq");
    sh.clock.set(NOW_MS + 60_000);
    let at_sh = op(&sh.db, "incidents.declare", declare("华东热水器漏水")).await.expect("sh");
    assert_eq!(at_hq["incident_no"], "纠纷应急〔2026〕1号", "headquarters' agency code");
    assert_eq!(at_sh["incident_no"], "纠纷应急SH01〔2026〕1号", "the branch's, with its code");
    sync_all(&hub, &[&sh, &hq, &sh]).await;

    let state = projection::snapshot(&hq.db).await.expect("snapshot");
    for site in [&hq, &sh] {
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT id, incident_no, seq FROM incidents ORDER BY incident_no")
                .fetch_all(site.db.pool())
                .await
                .expect("incidents");
        let want = [(&at_sh, 1), (&at_hq, 1)];
        assert_eq!(
            rows,
            want.map(|(v, seq)| (
                v["id"].as_str().expect("id").to_owned(),
                v["incident_no"].as_str().expect("no").to_owned(),
                seq
            )),
            "both in effect, each first in its site's year"
        );
        assert_eq!(sync::clashes(&site.db).await.expect("clashes").1, 0, "nothing clashed");
        same_state_from_scratch(&site.db, &state).await;
    }
    // Each site continues its own sequence.
    let next = op(&sh.db, "incidents.declare", declare("西南热水器漏水")).await.expect("next");
    assert_eq!(next["incident_no"], "纠纷应急SH01〔2026〕2号");
    let next = op(&hq.db, "incidents.declare", declare("华南热水器漏水")).await.expect("next");
    assert_eq!(next["incident_no"], "纠纷应急〔2026〕2号");
}

/// The request of an incident declared by hand.
fn declare(title: &str) -> serde_json::Value {
    json!({"title": title, "kind": "product_safety", "level": "major",
           "summary": "同型号热水器漏水投诉集中出现"})
}

#[tokio::test]
async fn an_incident_a_site_numbered_twice_stays_in_effect_outside_the_sequence() {
    // A site cannot take one number twice while its log is whole; a copy of it restored from
    // before a declaration and declaring again could. Such an event is folded here as it would
    // arrive: a second declaration of the site, under another id, with the same number.
    let dir = tempfile::tempdir().expect("dir");
    let sh = open_site(dir.path(), "SH01", 0).await;
    let first = op(&sh.db, "incidents.declare", declare("华东热水器漏水")).await.expect("first");
    let mut ev: event_log::StoredEvent = {
        let row: (String, i64, i64, String, String, String) = sqlx::query_as(
            "SELECT event_id, site_seq, hlc, occurred_at, actor, payload FROM events \
             WHERE kind = 'incident.declared'",
        )
        .fetch_one(sh.db.pool())
        .await
        .expect("event");
        event_log::StoredEvent {
            event_id: format!("{}-again", row.0),
            site_id: sh.db.site().site_id,
            site_seq: row.1 + 100,
            hlc: row.2 + 1,
            occurred_at: row.3,
            case_id: None,
            actor: row.4,
            kind: "incident.declared".into(),
            payload: row.5,
            prev_hash: event_log::GENESIS_HASH.into(),
            hash: String::new(),
        }
    };
    let again = "0193a5b0-0000-7000-8000-00000000a9a1";
    ev.payload = ev.payload.replace(first["id"].as_str().expect("id"), again);
    let mut tx = sh.db.pool().begin().await.expect("tx");
    assert!(projection::apply_or_set_aside(&mut tx, &ev).await.expect("fold"), "folded");
    tx.commit().await.expect("commit");

    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT id, incident_no, seq FROM incidents ORDER BY seq DESC")
            .fetch_all(sh.db.pool())
            .await
            .expect("incidents");
    let no = first["incident_no"].as_str().expect("no").to_owned();
    assert_eq!(
        rows,
        [(first["id"].as_str().expect("id").to_owned(), no.clone(), 1), (again.into(), no, -1)],
        "the later keeps the number it was printed with, below the sequence"
    );
    // Listed for a person (the list itself joins the log, where this event was not stored).
    let listed: Vec<(String, String)> =
        sqlx::query_as("SELECT event_id, outcome FROM fold_clashes")
            .fetch_all(sh.db.pool())
            .await
            .expect("clashes");
    assert_eq!(listed, [(ev.event_id.clone(), "number_twice".to_owned())]);
    let next = op(&sh.db, "incidents.declare", declare("西南热水器漏水")).await.expect("next");
    assert_eq!(next["incident_no"], "纠纷应急SH01〔2026〕2号", "the sequence goes on from 1");
}

#[tokio::test]
async fn a_plan_accepted_at_the_old_owner_and_again_after_a_reassignment_keeps_one_set_of_steps() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let (hq, sh, hz, id) = shanghai_case(dir.path(), &hub, 22).await;
    let measures = json!([{"kind": "repair", "description": "上门维修", "responsible_id": "handler.as",
        "steps": [{"title": "上门维修", "due_on": "2026-12-20"}, {"title": "回访", "due_on": "2026-12-22"}]}]);
    for (name, request) in [
        ("cases.advance", json!({"id": id, "move": "start_investigation"})),
        (
            "cases.investigate",
            json!({"id": id, "fact": "检测确认漏水", "source_kind": "document",
                   "source": "检测报告", "found_on": "2026-11-17"}),
        ),
        ("cases.advance", json!({"id": id, "move": "start_planning"})),
    ] {
        op(&sh.db, name, request).await.expect(name);
    }
    let plan = op(
        &sh.db,
        "plans.draft",
        json!({"case_id": id, "summary": "上门维修", "measures": measures}),
    )
    .await
    .expect("draft");
    op(&sh.db, "plans.offer", json!({"plan_id": plan["id"]})).await.expect("offer");
    sync_all(&hub, &[&sh, &hq, &hz]).await;
    let accept =
        json!({"case_id": id, "held_on": "2026-11-18", "method": "phone", "response": "accepted"});
    // Shanghai, offline, hears the consumer accept; headquarters, unable to reach it, hands the
    // case to Hangzhou, which calls the consumer and hears the same.
    sh.clock.set(NOW_MS + 60_000);
    op(&sh.db, "cases.negotiate", accept.clone()).await.expect("accepted at Shanghai");
    hq.clock.set(NOW_MS + 120_000);
    let to = hz.db.site().site_id;
    op(&hq.db, "cases.reassign", json!({"id": id, "to_site": to, "reason": "原站点无法联系"}))
        .await
        .expect("reassign");
    sync_all(&hub, &[&hq, &hz]).await;
    hz.clock.set(NOW_MS + 180_000);
    op(&hz.db, "cases.negotiate", accept).await.expect("accepted at Hangzhou");
    sync_all(&hub, &[&sh, &hz, &hq, &sh, &hz]).await;

    let state = projection::snapshot(&hq.db).await.expect("snapshot");
    for site in [&hq, &sh, &hz] {
        let steps: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_steps WHERE case_id = ?")
            .bind(&id)
            .fetch_one(site.db.pool())
            .await
            .expect("steps");
        assert_eq!(steps, 2, "one set of steps");
        let rounds: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_rounds WHERE case_id = ?")
            .bind(&id)
            .fetch_one(site.db.pool())
            .await
            .expect("rounds");
        assert_eq!(rounds, 2, "both calls are on record");
        assert_eq!(sync::clashes(&site.db).await.expect("clashes").1, 0, "nothing set aside");
        assert_eq!(projection::snapshot(&site.db).await.expect("snapshot"), state);
    }
}

#[tokio::test]
async fn the_same_survey_file_imported_offline_at_two_sites_counts_once_and_the_second_is_listed() {
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 9).await;
    let sh = open_site(dir.path(), "SH01", 0).await;
    sync_all(&hub, &[&sh]).await;
    // Headquarters sent the month's survey export to both.
    let file = dir.path().join("满意度十一月.csv");
    std::fs::write(
        &file,
        "日期,门店,商品,评分\n2026-11-08,ST-SH-XH,空调,4\n2026-11-09,ST-SH-XH,冰箱,5\n",
    )
    .expect("file");
    let import = json!({"path": file.to_string_lossy(), "scale": "five"});
    op(&hq.db, "surveys.import", import.clone()).await.expect("imported at headquarters");
    sh.clock.set(NOW_MS + 60_000);
    op(&sh.db, "surveys.import", import).await.expect("imported at Shanghai");
    sync_all(&hub, &[&sh, &hq, &sh]).await;

    let state = projection::snapshot(&hq.db).await.expect("snapshot");
    for site in [&hq, &sh] {
        let active: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM survey_batches WHERE withdrawn_at IS NULL")
                .fetch_one(site.db.pool())
                .await
                .expect("batches");
        assert_eq!(active, 1, "the answers count once");
        let (clashes, total) = sync::clashes(&site.db).await.expect("clashes");
        assert_eq!(total, 1);
        assert_eq!((clashes[0].outcome.as_str(), clashes[0].site.as_str()), ("set_aside", "SH01"));
        assert!(clashes[0].reason.contains("survey_batches"), "{:?}", clashes[0]);
        assert_eq!(sync::status(&site.db).await.expect("status").waiting, 0);
        same_state_from_scratch(&site.db, &state).await;
    }
}

/// The site holds `state`, and a fold from scratch gives it again.
async fn same_state_from_scratch(db: &Db, state: &str) {
    assert_eq!(projection::snapshot(db).await.expect("snapshot"), state);
    projection::rebuild(db).await.expect("rebuild");
    assert_eq!(projection::snapshot(db).await.expect("rebuilt"), state);
}

/// The last sequence number of a site's own events.
async fn own_head(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT MAX(site_seq) FROM events WHERE site_id = ?")
        .bind(&db.site().site_id)
        .fetch_one(db.pool())
        .await
        .expect("head")
}

/// The numbers of Shanghai's cases a site holds, in order.
async fn case_numbers(db: &Db) -> Vec<String> {
    sqlx::query_scalar("SELECT case_no FROM cases WHERE case_no LIKE '%-SH01-%' ORDER BY case_no")
        .fetch_all(db.pool())
        .await
        .expect("numbers")
}

#[tokio::test]
async fn a_restored_branch_takes_back_what_it_recorded_after_the_backup_before_it_records_again() {
    use redress_core::auth::accounts::sign_in;
    use redress_core::backup;
    use redress_core::ops::auth::{setup_first_administrator, SetupRequest};
    let dir = tempfile::tempdir().expect("dir");
    let hub = MemHub::default();
    let hq = headquarters(dir.path(), &hub, 31).await;
    let sh = open_site(dir.path(), "SH01", 0).await;
    sync::configure(&sh.db, Some("https://hub.example.cn:8443"), Some("token"), None)
        .await
        .expect("hub");
    let setup = SetupRequest {
        username: "admin".into(),
        display_name: "上海管理员".into(),
        password: "Admin2026".into(),
        site_code: None,
        site_name: None,
    };
    setup_first_administrator(&sh.db, setup).await.expect("admin");
    // Headquarters' organisation first (the departments a complaint goes to).
    sync_all(&hub, &[&sh]).await;
    intake(&sh.db, 1).await;
    sync_all(&hub, &[&sh, &hq]).await;
    let made = backup::create(&sh.db, &dir.path().join("备份"), None).await.expect("backup");
    let at_backup = own_head(&sh.db).await;

    // After the backup: two more complaints and a photo, all at the hub. Then the computer is
    // lost.
    intake(&sh.db, 2).await;
    intake(&sh.db, 3).await;
    let first: String =
        sqlx::query_scalar("SELECT id FROM cases WHERE site_id = ? ORDER BY case_no LIMIT 1")
            .bind(&sh.db.site().site_id)
            .fetch_one(sh.db.pool())
            .await
            .expect("case");
    let photo = dir.path().join("漏水照片.jpg");
    std::fs::write(&photo, "照片".repeat(5000)).expect("photo");
    op(
        &sh.db,
        "evidence.add",
        json!({"case_id": first, "source": "消费者", "files": [{"path": photo, "kind": "photo"}]}),
    )
    .await
    .expect("photo");
    sync_all(&hub, &[&sh]).await;
    let state = projection::snapshot(&sh.db).await.expect("state");
    let numbers = case_numbers(&sh.db).await;
    assert_eq!(numbers.len(), 3);
    let later = own_head(&sh.db).await - at_backup;
    assert_eq!(later, 3, "two complaints and a photo recorded after the backup");
    sh.db.close().await;

    // A new computer takes over from the backup: an empty folder, the backup restored.
    let new_computer = dir.path().join("新电脑");
    std::fs::create_dir_all(&new_computer).expect("dir");
    let path = new_computer.join("SH01.db");
    backup::restore(&path, std::path::Path::new(&made.backup.path)).await.expect("restore");
    let mut options = OpenOptions::new(&path);
    options.clock = Box::new(sh.clock.clone());
    let db = storage::open(options).await.expect("open restored");
    assert!(!backup::restored_marker(&path).exists(), "the marker is taken at open");
    let status = sync::status(&db).await.expect("status");
    assert!(status.restored_at.is_some(), "{status:?}");
    assert_eq!(case_numbers(&db).await, numbers[..1]);

    // Nothing may be recorded yet: it would take the place of what the hub holds.
    let refused = op(&db, "cases.create", complaint(5)).await;
    assert_eq!(refused, Err("sync.restored_unsynced".into()));
    // Signing in works (to sync); its record waits for the sync.
    sign_in(&db, "admin", "Admin2026").await.expect("sign-in while restored");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deferred_events")
        .fetch_one(db.pool())
        .await
        .expect("kept");
    assert_eq!(kept, 1);
    assert_eq!(sync::status(&db).await.expect("status").waiting, 0);

    // The sync takes back what this site recorded after the backup, its photo too.
    let report = sync::run(&db, &hub.as_site(&db), 2, |_| {}).await.expect("sync");
    assert_eq!(report.recovered, later as u64, "{report:?}");
    assert_eq!(report.blobs_fetched, 1, "{report:?}");
    assert_eq!(report.waiting, 0, "the sign-in record went to the hub: {report:?}");
    assert_eq!(report.pushed, 1, "{report:?}");
    assert!(sync::status(&db).await.expect("status").restored_at.is_none());
    assert_eq!(projection::snapshot(&db).await.expect("state"), state);
    same_state_from_scratch(&db, &state).await;
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deferred_events")
        .fetch_one(db.pool())
        .await
        .expect("kept");
    assert_eq!(kept, 0);
    event_log::verify(&db).await.expect("chain intact");

    // Recording goes on after what the hub holds: the next number, pushed without a clash.
    intake(&db, 4).await;
    let after = case_numbers(&db).await;
    assert_eq!(after.len(), 4);
    assert_eq!(after[..3], numbers[..]);
    assert!(after[3].ends_with("-000004"), "{after:?}");
    sync_all(&hub, &[&Site { db: db.clone(), clock: sh.clock.clone() }, &hq]).await;
    assert_eq!(sync::status(&db).await.expect("status").waiting, 0);
    assert_eq!(case_numbers(&hq.db).await, after);
}
