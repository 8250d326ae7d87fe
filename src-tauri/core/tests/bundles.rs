//! Bundles between sites without a connection: a branch's work carried to headquarters in
//! files that arrive out of order, twice, altered, or signed with the wrong key.

use std::sync::Arc;

use redress_core::hlc::ManualClock;
use redress_core::ops::demo::DemoRequest;
use redress_core::ops::dispatch;
use redress_core::{bundle, event_log, projection, storage, Actor, Db, OpenOptions};
use serde_json::json;

const NOW_MS: u64 = 1_795_000_000_000;

async fn site(dir: &std::path::Path, code: &str) -> Db {
    let mut options = OpenOptions::new(dir.join(format!("{code}.db")));
    options.new_site_code = code.into();
    options.clock = Box::new(Arc::new(ManualClock::new(NOW_MS)));
    storage::open(options).await.expect("open")
}

async fn intake(db: &Db, n: usize) -> String {
    let v = dispatch(
        db,
        &Actor::system(),
        "cases.create",
        &json!({"consumer": {"name": format!("顾客{n}"), "mobile": format!("1390000{n:04}")},
            "channel": "hotline", "product_name": "电饭煲", "quantity": 1,
            "content": format!("第{n}号：内胆涂层脱落"), "demand": "exchange",
            "category": "product_quality", "department_id": "DEP-AS", "severity": "general",
            "complexity": "complex"})
        .to_string(),
    )
    .await
    .expect("intake");
    v["case_no"].as_str().expect("case_no").to_owned()
}

async fn held(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM held_events").fetch_one(db.pool()).await.expect("n")
}

#[tokio::test]
async fn bundles_out_of_order_and_twice_converge_and_altered_ones_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let hq = site(dir.path(), "HQ").await;
    redress_core::ops::demo::generate(
        &hq,
        &Actor::system(),
        DemoRequest { cases: 2, seed: Some(5), until: Some("2026-11-17".into()) },
    )
    .await
    .expect("demo");
    let branch = site(dir.path(), "GZ01").await;
    let out = dir.path().join("no-key.redress-bundle");
    let refused = bundle::export(&hq, &out, bundle::Scope::All, None).await.expect_err("no key");
    assert_eq!(refused.code(), "bundle.no_key");
    assert!(!out.exists(), "nothing written without a key");
    bundle::set_own_key(&hq, Some(&bundle::new_key_pair().0)).await.expect("key");
    bundle::set_own_key(&branch, Some(&bundle::new_key_pair().0)).await.expect("key");

    // Headquarters sends the branch everything (organisation, accounts, cases).
    let all = dir.path().join("hq-all.redress-bundle");
    let sent = bundle::export(&hq, &all, bundle::Scope::All, None).await.expect("export");
    let took = bundle::import(&branch, &all, None).await.expect("import");
    assert_eq!(took.stored, sent.events);
    assert_eq!(took.held, 0);

    // The branch takes complaints offline and writes two bundles; the second arrives first.
    intake(&branch, 1).await;
    let first = dir.path().join("1.redress-bundle");
    let b1 = bundle::export(&branch, &first, bundle::Scope::Waiting, None).await.expect("b1");
    // The first bundle's events are still waiting: the second repeats them. A second bundle
    // that starts past them (as after an acknowledgment) is what leaves a gap: cut one by hand.
    let second_no = intake(&branch, 2).await;
    let second = dir.path().join("2.redress-bundle");
    bundle::export(&branch, &second, bundle::Scope::Waiting, None).await.expect("b2");
    let whole = bundle::decode(&std::fs::read(&second).expect("read")).expect("decode");
    let last_of_first = b1.ranges[0].last_seq;
    let tail: Vec<_> =
        whole.events.iter().filter(|e| e.site_seq > last_of_first).cloned().collect();
    assert!(!tail.is_empty());
    let key =
        bundle::signing_key(&bundle::own_key(&branch).await.expect("k").expect("k")).expect("key");
    let mut manifest = whole.manifest.clone();
    manifest.ranges[0].first_seq = last_of_first + 1;
    let later = dir.path().join("later.redress-bundle");
    std::fs::write(
        &later,
        bundle::encode(manifest, &tail, &whole.keys, &whole.blobs, &key).expect("encode"),
    )
    .expect("write");

    let early = bundle::import(&hq, &later, None).await.expect("later first");
    assert_eq!(early.stored, 0, "nothing is taken past a gap");
    assert_eq!(early.held, tail.len() as u64, "it waits for the gap");
    assert_eq!(held(&hq).await, tail.len() as i64);
    let no_case: Option<String> = sqlx::query_scalar("SELECT id FROM cases WHERE case_no = ?")
        .bind(&second_no)
        .fetch_optional(hq.pool())
        .await
        .expect("case");
    assert!(no_case.is_none(), "a case past the gap is not shown half-made");

    let filled = bundle::import(&hq, &first, None).await.expect("first");
    assert_eq!(filled.stored, b1.events + tail.len() as u64, "the gap fills and the rest follows");
    assert_eq!(held(&hq).await, 0);
    let again = bundle::import(&hq, &first, None).await.expect("again");
    assert_eq!((again.stored, again.duplicates), (0, b1.events), "twice is harmless");

    // Both hold the same events and fold them to the same state.
    assert_eq!(
        event_log::verify(&hq).await.expect("hq chain"),
        event_log::verify(&branch).await.expect("branch chain")
    );
    assert_eq!(
        projection::snapshot(&hq).await.expect("hq"),
        projection::snapshot(&branch).await.expect("branch")
    );

    // A byte changed after export breaks the signature; nothing is taken.
    let mut bytes = std::fs::read(&second).expect("read");
    let at = bytes.len() - 40;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    let altered = dir.path().join("altered.redress-bundle");
    std::fs::write(&altered, &bytes).expect("write");
    let e = bundle::import(&hq, &altered, None).await.expect_err("altered");
    assert_eq!(e.code(), "bundle.signature");
    let e = bundle::decode(b"PK\x03\x04 not a bundle").expect_err("not a bundle");
    assert_eq!(e.code(), "bundle.invalid");

    // The branch's events signed with another key (validly) are refused at HQ, which knows
    // the branch's key from its first bundle.
    let stranger = bundle::signing_key(&bundle::new_key_pair().0).expect("key");
    let forged = dir.path().join("forged.redress-bundle");
    std::fs::write(
        &forged,
        bundle::encode(whole.manifest.clone(), &whole.events, &whole.keys, &whole.blobs, &stranger)
            .expect("encode"),
    )
    .expect("write");
    let e = bundle::import(&hq, &forged, None).await.expect_err("other key");
    assert_eq!(e.code(), "bundle.untrusted");

    let log = bundle::history(&hq, 10).await.expect("history");
    assert_eq!(log.iter().filter(|l| l.direction == "import").count(), 3);
}

/// Headquarters with `cases` demo cases and a branch `code`, each with its signing key; the
/// branch has taken everything headquarters holds by bundle.
async fn hq_and_branch(dir: &std::path::Path, cases: u32, seed: u64, code: &str) -> (Db, Db) {
    let hq = site(dir, "HQ").await;
    redress_core::ops::demo::generate(
        &hq,
        &Actor::system(),
        DemoRequest { cases, seed: Some(seed), until: Some("2026-11-17".into()) },
    )
    .await
    .expect("demo");
    let branch = site(dir, code).await;
    bundle::set_own_key(&hq, Some(&bundle::new_key_pair().0)).await.expect("key");
    bundle::set_own_key(&branch, Some(&bundle::new_key_pair().0)).await.expect("key");
    let all = dir.join("hq-all.redress-bundle");
    bundle::export(&hq, &all, bundle::Scope::All, None).await.expect("export");
    bundle::import(&branch, &all, None).await.expect("import");
    (hq, branch)
}

#[tokio::test]
async fn a_bundle_carries_the_evidence_files_its_events_refer_to() {
    let dir = tempfile::tempdir().expect("dir");
    let (hq, branch) = hq_and_branch(dir.path(), 1, 7, "GZ02").await;

    // The branch takes a complaint with a photo of the damage, offline.
    let case_no = intake(&branch, 1).await;
    let case_id: String = sqlx::query_scalar("SELECT id FROM cases WHERE case_no = ?")
        .bind(&case_no)
        .fetch_one(branch.pool())
        .await
        .expect("case");
    let photo = dir.path().join("内胆脱落.jpg");
    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&photo, &content).expect("photo");
    let attached = dispatch(
        &branch,
        &Actor::system(),
        "evidence.add",
        &json!({"case_id": case_id, "source": "消费者",
            "files": [{"path": photo, "kind": "photo", "description": "内胆涂层脱落处"}]})
        .to_string(),
    )
    .await
    .expect("evidence");
    let sha256 = attached["items"][0]["sha256"].as_str().expect("sha256").to_owned();

    let out = dir.path().join("gz02.redress-bundle");
    let sent = bundle::export(&branch, &out, bundle::Scope::Waiting, None).await.expect("export");
    assert_eq!(sent.blobs, 1, "the photo travels with its event");
    let took = bundle::import(&hq, &out, None).await.expect("import");
    assert_eq!(took.blobs, 1);
    let store = redress_core::evidence::Store::for_database(hq.path());
    assert_eq!(store.read_verified(&sha256).expect("at HQ"), content);
    assert!(redress_core::sync::missing_blobs(&hq).await.expect("missing").is_empty());
    let again = bundle::import(&hq, &out, None).await.expect("again");
    assert_eq!((again.stored, again.blobs), (0, 0), "twice is harmless");

    // A file changed inside a bundle its site signed again is refused whole.
    let mut whole = bundle::decode(&std::fs::read(&out).expect("read")).expect("decode");
    whole.blobs[0].data[0] ^= 1;
    let key =
        bundle::signing_key(&bundle::own_key(&branch).await.expect("k").expect("k")).expect("key");
    let bytes =
        bundle::encode(whole.manifest.clone(), &whole.events, &whole.keys, &whole.blobs, &key)
            .expect("encode");
    assert_eq!(bundle::decode(&bytes).expect_err("changed file").code(), "bundle.invalid");
}

/// Damaged bundles, at random: bytes flipped, cut, inserted, lines doubled or swapped, files
/// of noise; and bundles validly signed by the branch whose events were changed (a field
/// replaced by a hostile value), some with the last event's hash computed again so that the
/// chain holds and the content reaches the fold. Each is refused with a bundle error, or
/// taken as far as it is sound; the database that took it stays whole every time.
#[tokio::test]
async fn damaged_and_hostile_bundles_are_refused_or_taken_soundly() {
    let dir = tempfile::tempdir().expect("dir");
    let (hq, branch) = hq_and_branch(dir.path(), 2, 5, "GZ01").await;
    for n in 1..=3 {
        intake(&branch, n).await;
    }
    let good_path = dir.path().join("good.redress-bundle");
    bundle::export(&branch, &good_path, bundle::Scope::Waiting, None).await.expect("export");
    let good = std::fs::read(&good_path).expect("read");
    let whole = bundle::decode(&good).expect("decode");
    let signer =
        bundle::signing_key(&bundle::own_key(&branch).await.expect("k").expect("k")).expect("key");
    let template = hq.path().to_path_buf();
    hq.close().await;

    let mut x: u64 = 0x00B0_D1E5_EED5;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let hostile = [
        json!(""),
        json!("\u{0}"),
        json!("'; DROP TABLE events; --"),
        json!("x".repeat(100_000)),
        json!("{\"not\": \"the payload\"}"),
        json!("[]"),
        json!(-1),
        json!(i64::MAX),
        json!(0),
        json!(null),
    ];
    let (mut refused, mut taken) = (0, 0);
    for round in 0..160 {
        let bytes: Vec<u8> = if round % 2 == 0 {
            let mut b = good.clone();
            match next(6) {
                0 => {
                    let at = next(b.len());
                    b[at] ^= 1 << next(8);
                }
                1 => b.truncate(next(b.len())),
                2 => {
                    let at = next(b.len());
                    b.splice(at..at, *b"\n{\"event\":{}}\n");
                }
                3 => {
                    let lines: Vec<&[u8]> = good.split(|c| *c == b'\n').collect();
                    let (i, j) = (next(lines.len()), next(lines.len()));
                    let mut l = lines.clone();
                    l.swap(i, j);
                    l.insert(i, lines[j]);
                    b = l.join(&b'\n');
                }
                4 => b = (0..next(4096)).map(|_| next(256) as u8).collect(),
                _ => b.clear(),
            }
            b
        } else {
            // Signed by the branch's own key, its content changed.
            let mut events = whole.events.clone();
            let which = next(events.len());
            let mut v = serde_json::to_value(&events[which]).expect("event");
            let fields = ["payload", "kind", "case_id", "actor", "occurred_at", "hlc", "site_seq"];
            let field = fields[next(fields.len())];
            v[field] = hostile[next(hostile.len())].clone();
            let Ok(mut changed) = serde_json::from_value::<redress_core::sync::WireEvent>(v) else {
                continue;
            };
            if next(2) == 0 {
                // The last event, its hash made to match: the chain holds.
                let last = events.len() - 1;
                changed = serde_json::from_value(serde_json::to_value(&events[last]).expect("e"))
                    .expect("event");
                let mut v = serde_json::to_value(&changed).expect("event");
                v[field] = hostile[next(hostile.len())].clone();
                let Ok(mut c) = serde_json::from_value::<redress_core::sync::WireEvent>(v) else {
                    continue;
                };
                c.event.hash = c.event.compute_hash();
                events[last] = c;
            } else {
                events[which] = changed;
            }
            bundle::encode(whole.manifest.clone(), &events, &whole.keys, &whole.blobs, &signer)
                .expect("encode")
        };
        let path = dir.path().join(format!("damaged-{round}.redress-bundle"));
        std::fs::write(&path, &bytes).expect("write");
        let copy = dir.path().join(format!("hq-{round}.db"));
        std::fs::copy(&template, &copy).expect("copy");
        let db = storage::open(OpenOptions::new(&copy)).await.expect("open");
        let before = projection::snapshot(&db).await.expect("snapshot");
        match bundle::import(&db, &path, None).await {
            Err(e) => {
                refused += 1;
                assert!(
                    e.code().starts_with("bundle.")
                        || ["audit.broken_chain", "sync.unreadable_event"].contains(&e.code()),
                    "round {round}: {}",
                    e.to_api(redress_core::Lang::En)
                );
                assert_eq!(projection::snapshot(&db).await.expect("after"), before, "{round}");
            }
            Ok(_) => taken += 1,
        }
        assert_eq!(db.integrity_check().await.expect("integrity"), vec!["ok".to_owned()]);
        event_log::verify(&db).await.expect("the chain of what was taken verifies");
        let state = projection::snapshot(&db).await.expect("snapshot");
        projection::rebuild(&db).await.expect("rebuild");
        assert_eq!(projection::snapshot(&db).await.expect("rebuilt"), state, "round {round}");
        db.close().await;
    }
    eprintln!("damaged bundles: {refused} refused, {taken} taken");
    assert!(refused > 0);
}
