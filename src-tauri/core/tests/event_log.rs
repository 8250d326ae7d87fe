//! The event log: projections rebuilt from it equal the live ones; the chain detects
//! tampering; erased consumers leave no readable personal data behind.

use crate::support;

use redress_core::{event_log, projection};

#[tokio::test]
async fn rebuilding_the_projection_from_the_log_gives_the_live_state() {
    let t = support::with_demo(400, 42).await;
    let live = projection::snapshot(&t.db).await.expect("snapshot");
    assert!(live.lines().filter(|l| l.starts_with("cases\t")).count() == 400);
    let events = projection::rebuild(&t.db).await.expect("rebuild");
    assert!(events > 400, "every case has at least its created event");
    let rebuilt = projection::snapshot(&t.db).await.expect("snapshot");
    assert_eq!(live, rebuilt);
}

#[tokio::test]
async fn the_chain_verifies_and_sequences_have_no_gaps() {
    let t = support::with_demo(100, 3).await;
    let checked = event_log::verify(&t.db).await.expect("chain intact");
    let (count, max): (i64, i64) = sqlx::query_as("SELECT COUNT(*), MAX(site_seq) FROM events")
        .fetch_one(t.db.pool())
        .await
        .expect("count");
    assert_eq!(checked as i64, count);
    assert_eq!(max, count, "one site, numbered 1..n");
}

#[tokio::test]
async fn events_cannot_be_changed_or_deleted_through_sql() {
    let t = support::with_demo(5, 3).await;
    let upd = sqlx::query("UPDATE events SET payload = '{}' WHERE site_seq = 3")
        .execute(t.db.pool())
        .await;
    assert!(upd.is_err());
    let del = sqlx::query("DELETE FROM events WHERE site_seq = 3").execute(t.db.pool()).await;
    assert!(del.is_err());
}

async fn tamper(t: &support::TempDb, sql: &str) {
    for trigger in ["events_are_not_deleted", "events_are_not_rewritten"] {
        sqlx::query(&format!("DROP TRIGGER {trigger}")).execute(t.db.pool()).await.expect("drop");
    }
    sqlx::raw_sql(sql).execute(t.db.pool()).await.expect("tamper");
}

#[tokio::test]
async fn an_altered_payload_breaks_the_chain_at_that_event() {
    let t = support::with_demo(20, 3).await;
    tamper(&t, "UPDATE events SET payload = replace(payload, 'investigating', 'closed') WHERE kind = 'case.transitioned' AND site_seq = (SELECT MIN(site_seq) FROM events WHERE kind = 'case.transitioned')").await;
    let err = event_log::verify(&t.db).await.expect_err("detected");
    assert_eq!(err.code(), "audit.broken_chain");
}

#[tokio::test]
async fn a_deleted_event_breaks_the_chain() {
    let t = support::with_demo(20, 3).await;
    tamper(&t, "DELETE FROM events WHERE site_seq = 10").await;
    match event_log::verify(&t.db).await {
        Err(redress_core::CoreError::BrokenChain { seq, .. }) => assert_eq!(seq, 11),
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

#[tokio::test]
async fn reordered_events_break_the_chain() {
    let t = support::with_demo(20, 3).await;
    tamper(&t, "UPDATE events SET site_seq = 1000000 WHERE site_seq = 5; UPDATE events SET site_seq = 5 WHERE site_seq = 6; UPDATE events SET site_seq = 6 WHERE site_seq = 1000000;").await;
    assert!(event_log::verify(&t.db).await.is_err());
}

#[tokio::test]
async fn personal_data_is_sealed_in_the_log_and_gone_once_the_key_is_destroyed() {
    let t = support::with_demo(30, 9).await;
    let (consumer_id, name, mobile): (String, String, String) =
        sqlx::query_as("SELECT id, name, mobile FROM consumers LIMIT 1")
            .fetch_one(t.db.pool())
            .await
            .expect("consumer");
    let in_log: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE payload LIKE ? OR payload LIKE ?")
            .bind(format!("%{name}%"))
            .bind(format!("%{mobile}%"))
            .fetch_one(t.db.pool())
            .await
            .expect("scan");
    assert_eq!(in_log, 0, "no personal data in plain text in the log");

    // Erasure destroys the key; the log and its chain are untouched.
    sqlx::query("UPDATE consumer_keys SET key = NULL, erased_at = '2026-11-28T00:00:00.000Z' WHERE consumer_id = ?")
        .bind(&consumer_id)
        .execute(t.db.pool())
        .await
        .expect("erase");
    projection::rebuild(&t.db).await.expect("rebuild");
    event_log::verify(&t.db).await.expect("chain still intact");
    let (after, erased): (String, i64) =
        sqlx::query_as("SELECT name, erased FROM consumers WHERE id = ?")
            .bind(&consumer_id)
            .fetch_one(t.db.pool())
            .await
            .expect("consumer");
    assert_eq!(after, projection::ERASED_NAME);
    assert_eq!(erased, 1);
    let anywhere: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM consumers WHERE mobile = ?1) + \
         (SELECT COUNT(*) FROM cases c WHERE c.consumer_id = ?2 AND c.content <> ?3)",
    )
    .bind(&mobile)
    .bind(&consumer_id)
    .bind(projection::ERASED_NAME)
    .fetch_one(t.db.pool())
    .await
    .expect("scan");
    assert_eq!(anywhere, 0);
}

#[tokio::test]
async fn two_processes_on_one_file_keep_the_log_in_clock_order() {
    use redress_core::domain::events::{EventBody, OrgUnitCreated};
    use redress_core::domain::org::OrgUnitKind;
    use redress_core::event_log::NewEvent;
    use redress_core::hlc::ManualClock;
    use redress_core::{Actor, OpenOptions};

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("shared.db");
    let open = |ms: u64| {
        let mut options = OpenOptions::new(&path);
        options.clock = Box::new(ManualClock::new(ms));
        redress_core::storage::open(options)
    };
    // The app's clock is well ahead of the CLI's (a wall clock set back, say).
    let app = open(1_800_000_000_000).await.expect("app");
    let cli = open(1_700_000_000_000).await.expect("cli");
    let unit = |n: u32| NewEvent {
        case_id: None,
        occurred_at: chrono::Utc::now(),
        body: EventBody::OrgUnitCreated(OrgUnitCreated {
            id: format!("unit-{n}"),
            code: format!("U{n}"),
            name: format!("单位{n}"),
            kind: OrgUnitKind::Store,
            parent_id: None,
            city: None,
        }),
    };
    for n in 0..3 {
        let writer = if n % 2 == 0 { &app } else { &cli };
        let mut tx = writer.begin_write().await.expect("tx");
        event_log::append(&mut tx, writer, &Actor::system(), unit(n)).await.expect("append");
        tx.commit().await.expect("commit");
    }
    let hlcs: Vec<i64> = sqlx::query_scalar("SELECT hlc FROM events ORDER BY site_seq")
        .fetch_all(app.pool())
        .await
        .expect("hlcs");
    assert!(hlcs.windows(2).all(|w| w[0] < w[1]), "{hlcs:?}");
    event_log::verify(&app).await.expect("chain and clock order intact");
    let live = projection::snapshot(&app).await.expect("live");
    projection::rebuild(&app).await.expect("rebuild");
    assert_eq!(projection::snapshot(&app).await.expect("rebuilt"), live);
}

#[tokio::test]
async fn a_case_event_whose_key_has_not_arrived_is_shown_without_personal_data() {
    let t = support::with_demo(10, 4).await;
    let consumer_id: String = sqlx::query_scalar("SELECT consumer_id FROM cases LIMIT 1")
        .fetch_one(t.db.pool())
        .await
        .expect("consumer");
    // As on a replica that received the events before the key.
    sqlx::query("DELETE FROM consumer_keys WHERE consumer_id = ?")
        .bind(&consumer_id)
        .execute(t.db.pool())
        .await
        .expect("forget key");
    projection::rebuild(&t.db).await.expect("rebuild does not fail");
    let (name, erased): (String, i64) =
        sqlx::query_as("SELECT name, erased FROM consumers WHERE id = ?")
            .bind(&consumer_id)
            .fetch_one(t.db.pool())
            .await
            .expect("consumer");
    assert_eq!(name, projection::PENDING_NAME);
    assert_eq!(erased, 0);
}

#[tokio::test]
async fn this_sites_own_write_that_would_clash_is_refused_not_listed() {
    use redress_core::domain::events::{EventBody, OrgUnitCreated};
    use redress_core::event_log::NewEvent;
    let t = support::with_demo(3, 2).await;
    let (code, before): (String, i64) = sqlx::query_as(
        "SELECT (SELECT code FROM org_units ORDER BY code LIMIT 1), (SELECT COUNT(*) FROM events)",
    )
    .fetch_one(t.db.pool())
    .await
    .expect("a unit");
    // A writer that checked the code before another took it (the check is outside the
    // transaction): its event would fold under a suffix at another site's, but here it is refused.
    let mut tx = t.db.begin_write().await.expect("tx");
    let body = EventBody::OrgUnitCreated(OrgUnitCreated {
        id: uuid::Uuid::now_v7().to_string(),
        code,
        name: "重复代码的门店".into(),
        kind: redress_core::domain::org::OrgUnitKind::Store,
        parent_id: None,
        city: None,
    });
    let refused = event_log::append(
        &mut tx,
        &t.db,
        &redress_core::Actor::system(),
        NewEvent { case_id: None, occurred_at: t.db.now(), body },
    )
    .await
    .expect_err("taken meanwhile");
    assert_eq!(refused.code(), "storage.busy", "try again: the code is checked afresh");
    drop(tx);
    let after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(t.db.pool()).await.expect("n");
    assert_eq!(after, before, "nothing written");
    let clashes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM fold_clashes")
        .fetch_one(t.db.pool())
        .await
        .expect("clashes");
    assert_eq!(clashes, 0);
}
