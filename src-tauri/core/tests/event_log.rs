//! The event log: projections rebuilt from it equal the live ones; the chain detects
//! tampering; erased consumers leave no readable personal data behind.

mod support;

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
