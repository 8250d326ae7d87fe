//! Branch sync, the branch's side (docs/SYNC.md): what a push sends, what an acknowledgment
//! records, and how a pulled batch is stored and folded. The transport (HTTPS to the hub, or a
//! bundle file) is elsewhere; these functions only read and write this site's SQLite file.
//!
//! Rules kept here:
//! - An event of this site is never discarded: it stays "waiting" (`server_seq` NULL) until the
//!   hub acknowledges it, and a hub that turns out to have lost some (restored from a backup)
//!   gets them again, from the sequence it says it expects.
//! - A pulled batch, its acknowledgments and the new cursor are stored in one transaction.
//! - State is the fold of the log in (hlc, site_id, event_id) order. Pulled events that sort
//!   after everything applied are folded at once; otherwise the projections are marked stale in
//!   that same transaction and folded again from the log (`projection::rebuild`), so a crash in
//!   between leaves a flag the next open acts on, never a wrong state.

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};

use crate::domain::events::EventBody;
use crate::error::{CoreError, CoreResult};
use crate::event_log::{StoredEvent, COLUMNS};
use crate::evidence;
use crate::hlc::Timestamp;
use crate::projection;
use crate::storage::Db;
use crate::time;

/// The most events in one push or pull.
pub const MAX_BATCH: u32 = 1_000;

/// An event as it travels between a site and the hub: the stored row, and the hub's number for
/// it once the hub has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEvent {
    #[serde(flatten)]
    pub event: StoredEvent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_seq: Option<i64>,
}

impl std::ops::Deref for WireEvent {
    type Target = StoredEvent;
    fn deref(&self) -> &StoredEvent {
        &self.event
    }
}

impl std::ops::DerefMut for WireEvent {
    fn deref_mut(&mut self) -> &mut StoredEvent {
        &mut self.event
    }
}

impl WireEvent {
    /// Its place in the fold.
    pub fn key(&self) -> (i64, &str, &str) {
        (self.hlc, self.site_id.as_str(), self.event_id.as_str())
    }

    /// The content matches its hash.
    pub fn intact(&self) -> bool {
        self.event.compute_hash() == self.hash
    }
}

/// A consumer's key for the personal data sealed in a case's events (hex), or none when the
/// consumer's data was erased. Keys travel with the events they open, over TLS, and are not in
/// the log: erasing a key (crypto-shredding) leaves every event and hash intact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyGrant {
    pub case_id: String,
    pub consumer_id: String,
    pub key: Option<String>,
}

/// A site's events, in its sequence, from where the hub expects them, with the keys of the
/// consumers of the cases they touch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub site_id: String,
    pub events: Vec<WireEvent>,
    #[serde(default)]
    pub keys: Vec<KeyGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub event_id: String,
    pub server_seq: i64,
}

/// What the hub took: every event of the batch it holds now (new or held before), and the
/// site sequence it expects next — lower than the batch's start when it is missing some.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushReply {
    pub acknowledged: Vec<Ack>,
    pub next_seq: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRequest {
    /// The last server_seq the site has applied.
    pub after: i64,
    #[serde(default = "default_limit")]
    pub limit: u32,
    /// The branch database's site id: binds the credential on its first pull, as on its first
    /// push (a site that has written nothing yet can then be handed cases).
    #[serde(default)]
    pub site_id: Option<String>,
    /// The hub's chain value at `after`, as its last pull reply gave it: a hub whose chain
    /// there differs numbers differently now (restored from a backup) and answers `reset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_chain: Option<String>,
}

/// The whole history of some cases, asked for when they were handed over to this site
/// (`POST /v1/cases/events`); answered as a pull (`last` 0: the cursor does not move).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseEventsRequest {
    pub case_ids: Vec<String>,
}

/// Cases asked for at once.
pub const MAX_CASES: usize = 100;

/// This site's own events the hub holds past `after` (a site sequence), in the site's order
/// (`POST /v1/own`): those a database restored from a backup lacks. Answered as a pull (`last`
/// 0: the cursor does not move).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OwnEventsRequest {
    pub after: i64,
    #[serde(default = "default_limit")]
    pub limit: u32,
}

fn default_limit() -> u32 {
    MAX_BATCH
}

/// Events numbered after `after`, in the hub's order, with the keys of their cases' consumers.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullReply {
    pub events: Vec<WireEvent>,
    #[serde(default)]
    pub keys: Vec<KeyGrant>,
    /// The cursor to keep: the last event's server_seq (or the request's `after`).
    pub last: i64,
    /// More wait beyond this batch.
    pub more: bool,
    /// The hub numbers fewer events than the site has pulled (it was restored from a backup):
    /// the site pulls again from the start (what it holds already is skipped).
    #[serde(default)]
    pub reset: bool,
    /// The hub's chain value at `last` (`chain_next` over every event it numbered up to
    /// there), kept with the cursor and sent back with the next pull. None at 0, and from a
    /// hub that keeps no chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// The hub's highest number when it answered (0 from a hub that does not say): how far the
    /// site's pulls have to go, for its progress bar.
    #[serde(default)]
    pub top: i64,
}

impl PullReply {
    /// Nothing to send, and the cursor stays.
    pub fn nothing() -> PullReply {
        PullReply {
            events: Vec::new(),
            keys: Vec::new(),
            last: 0,
            more: false,
            reset: false,
            chain: None,
            top: 0,
        }
    }

    /// The hub numbers differently from what the site pulled (restored from a backup): the
    /// site pulls again from 0.
    pub fn start_again() -> PullReply {
        PullReply { more: true, reset: true, ..PullReply::nothing() }
    }
}

/// The hub's chain before its first event.
pub const CHAIN_GENESIS: &str = crate::event_log::GENESIS_HASH;

/// The hub's chain value after numbering an event: SHA-256 over the previous value (32 bytes)
/// and the event's hash (its hex text), in hex. Two hubs with the same value at a number
/// numbered the same events in the same order up to it.
pub fn chain_next(previous: &str, event_hash: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(hex::decode(previous).unwrap_or_default());
    h.update(event_hash.as_bytes());
    hex::encode(h.finalize())
}

/// Where this branch stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncStatus {
    pub hub_url: Option<String>,
    /// Events of this site the hub has not acknowledged.
    pub waiting: i64,
    /// The last server_seq pulled.
    pub cursor: i64,
    pub last_push_at: Option<String>,
    pub last_pull_at: Option<String>,
    pub last_error: Option<String>,
    /// When this database was restored from a backup, until the sync after it has taken back
    /// from the hub what this site recorded later (nothing may be recorded meanwhile).
    pub restored_at: Option<String>,
    /// The sync under way on this database, as far as it has come (None when none runs).
    pub progress: Option<SyncProgress>,
}

pub(crate) fn wire(row: &sqlx::sqlite::SqliteRow) -> WireEvent {
    WireEvent { event: crate::event_log::from_row(row), server_seq: row.get(11) }
}

pub async fn status(db: &Db) -> CoreResult<SyncStatus> {
    let mut conn = db.pool().acquire().await?;
    let waiting: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE site_id = ? AND server_seq IS NULL")
            .bind(&db.site().site_id)
            .fetch_one(&mut *conn)
            .await?;
    let r = sqlx::query(
        "SELECT hub_url, cursor, last_push_at, last_pull_at, last_error, restored_at \
         FROM sync_state",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(SyncStatus {
        hub_url: r.get(0),
        waiting,
        cursor: r.get(1),
        last_push_at: r.get(2),
        last_pull_at: r.get(3),
        last_error: r.get(4),
        restored_at: r.get(5),
        progress: progress_of(db),
    })
}

/// The first sequence of this site the hub has not acknowledged (one past the last event when
/// it has them all).
pub async fn first_waiting(db: &Db) -> CoreResult<i64> {
    let (waiting, last): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT MIN(CASE WHEN server_seq IS NULL THEN site_seq END), MAX(site_seq) \
         FROM events WHERE site_id = ?",
    )
    .bind(&db.site().site_id)
    .fetch_one(db.pool())
    .await?;
    Ok(waiting.unwrap_or(last.unwrap_or(0) + 1))
}

/// This site's events from `from_seq` on, in its sequence: the next push.
pub async fn outgoing(db: &Db, from_seq: i64, limit: u32) -> CoreResult<PushRequest> {
    let sql = format!(
        "SELECT {COLUMNS}, server_seq FROM events WHERE site_id = ? AND site_seq >= ? \
         ORDER BY site_seq LIMIT ?"
    );
    let rows = sqlx::query(&sql)
        .bind(&db.site().site_id)
        .bind(from_seq)
        .bind(limit.clamp(1, MAX_BATCH))
        .fetch_all(db.pool())
        .await?;
    let events: Vec<WireEvent> = rows.iter().map(wire).collect();
    let keys = keys_for(db, &events).await?;
    Ok(PushRequest { site_id: db.site().site_id.clone(), events, keys })
}

/// The keys of the consumers (and their retired duplicate records) of the cases the events
/// touch.
pub async fn keys_for(db: &Db, events: &[WireEvent]) -> CoreResult<Vec<KeyGrant>> {
    let mut cases: Vec<&str> = events.iter().filter_map(|e| e.case_id.as_deref()).collect();
    cases.sort_unstable();
    cases.dedup();
    let mut out = Vec::new();
    for chunk in cases.chunks(500) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT c.id, k.consumer_id, k.key FROM cases c \
             JOIN consumers p ON p.id = c.consumer_id OR p.merged_into = c.consumer_id \
             JOIN consumer_keys k ON k.consumer_id = p.id WHERE c.id IN (",
        );
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        for r in qb.build().fetch_all(db.pool()).await? {
            let key: Option<Vec<u8>> = r.get(2);
            out.push(KeyGrant {
                case_id: r.get(0),
                consumer_id: r.get(1),
                key: key.map(hex::encode),
            });
        }
    }
    Ok(out)
}

/// Stores keys that came with a pulled batch: a key this site has erased stays erased; an
/// erasure is taken.
pub(crate) async fn store_keys(
    conn: &mut SqliteConnection,
    keys: &[KeyGrant],
    at: &str,
) -> CoreResult<()> {
    for k in keys {
        match &k.key {
            Some(hex_key) => {
                let bytes = hex::decode(hex_key)
                    .ok()
                    .filter(|b| b.len() == 32)
                    .ok_or_else(|| CoreError::Internal(format!("key of {}", k.consumer_id)))?;
                sqlx::query(
                    "INSERT INTO consumer_keys (consumer_id, key) VALUES (?, ?) \
                     ON CONFLICT (consumer_id) DO NOTHING",
                )
                .bind(&k.consumer_id)
                .bind(bytes)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO consumer_keys (consumer_id, key, erased_at) VALUES (?, NULL, ?) \
                     ON CONFLICT (consumer_id) DO UPDATE SET key = NULL, \
                     erased_at = COALESCE(consumer_keys.erased_at, excluded.erased_at)",
                )
                .bind(&k.consumer_id)
                .bind(at)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

/// Records the hub's numbers for events it acknowledged (a hub restored from a backup numbers
/// again what it receives again: the new number replaces the old).
pub async fn acknowledge(db: &Db, acks: &[Ack]) -> CoreResult<u64> {
    let mut tx = db.begin_write().await?;
    let mut n = 0;
    for a in acks {
        n += sqlx::query(
            "UPDATE events SET server_seq = ?1, received_at = COALESCE(received_at, ?2) \
             WHERE event_id = ?3 AND server_seq IS NOT ?1",
        )
        .bind(a.server_seq)
        .bind(time::to_db(db.now()))
        .bind(&a.event_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    sqlx::query("UPDATE sync_state SET last_push_at = ?, last_error = NULL")
        .bind(time::to_db(db.now()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(n)
}

/// What storing a pulled batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// Events new to this site.
    pub stored: u64,
    /// Events this site held that the batch numbered (its own, acknowledged by the pull).
    pub acknowledged: u64,
    /// The projections were folded again (events arrived that sort before applied ones).
    pub refolded: bool,
    pub cursor: i64,
}

fn broken(e: &WireEvent, detail: &str) -> CoreError {
    CoreError::BrokenChain { site: e.site_id.clone(), seq: e.site_seq, detail: detail.to_owned() }
}

/// The last event of a site this file holds: (site_seq, hash).
async fn head_of(conn: &mut SqliteConnection, site_id: &str) -> CoreResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT site_seq, hash FROM events WHERE site_id = ? ORDER BY site_seq DESC LIMIT 1",
    )
    .bind(site_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// What taking a batch of events (pulled, or from a bundle) into this file did.
#[derive(Debug, Default)]
pub(crate) struct Absorbed {
    /// Events new to this site, in the fold's order once `fold` ran.
    pub new: Vec<WireEvent>,
    /// Events held already whose hub number the batch brought.
    pub acknowledged: u64,
    /// Events held already.
    pub duplicates: u64,
    /// Events set aside because an earlier event of their site is missing (a bundle that
    /// arrived before an earlier one); they are taken when the gap fills.
    pub held: u64,
}

/// The key of the last event folded, before a batch is taken.
pub(crate) async fn last_folded(
    conn: &mut SqliteConnection,
) -> CoreResult<Option<(i64, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT hlc, site_id, event_id FROM events \
         ORDER BY hlc DESC, site_id DESC, event_id DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?)
}

async fn insert_event(
    conn: &mut SqliteConnection,
    e: &WireEvent,
    received_at: &str,
) -> CoreResult<()> {
    sqlx::query(&format!(
        "INSERT INTO events ({COLUMNS}, server_seq, received_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(&e.event_id)
    .bind(&e.site_id)
    .bind(e.site_seq)
    .bind(e.hlc)
    .bind(&e.occurred_at)
    .bind(&e.case_id)
    .bind(&e.actor)
    .bind(&e.kind)
    .bind(&e.payload)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .bind(e.server_seq)
    .bind(received_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Takes events into the log (not yet the projections): each checked against its hash and its
/// site's chain. An event past a gap in its site's chain is refused, or with `hold_gaps` set
/// aside in `held_events`; events set aside earlier are taken as soon as their gap fills (here,
/// whichever way the filling events came). Refuses the whole batch if an event is not intact.
pub(crate) async fn absorb(
    conn: &mut SqliteConnection,
    db: &Db,
    events: &[WireEvent],
    source: Source,
    received_at: &str,
) -> CoreResult<Absorbed> {
    let hold_gaps = source == Source::Bundle;
    let mut out = Absorbed::default();
    for e in events {
        let held: Option<Option<i64>> =
            sqlx::query_scalar("SELECT server_seq FROM events WHERE event_id = ?")
                .bind(&e.event_id)
                .fetch_optional(&mut *conn)
                .await?;
        match (held, e.server_seq) {
            (Some(None), Some(server_seq)) => {
                sqlx::query("UPDATE events SET server_seq = ?, received_at = ? WHERE event_id = ?")
                    .bind(server_seq)
                    .bind(received_at)
                    .bind(&e.event_id)
                    .execute(&mut *conn)
                    .await?;
                out.acknowledged += 1;
                continue;
            }
            (Some(_), _) => {
                out.duplicates += 1;
                continue;
            }
            (None, _) => {}
        }
        if !e.intact() {
            return Err(broken(e, "content does not match its hash"));
        }
        // Intact, signed or sent by its site, and still something this program cannot read
        // (a newer version's event, or a site's own tool gone wrong): refused before anything
        // is stored, rather than failing in the fold.
        if EventBody::decode(&e.kind, &e.payload).is_err() {
            return Err(CoreError::UnreadableEvent {
                site: e.site_id.clone(),
                seq: e.site_seq,
                kind: e.kind.clone(),
            });
        }
        let head = head_of(conn, &e.site_id).await?;
        if continues(head.as_ref(), e) {
            take_in(conn, db, e, received_at).await?;
            out.new.push(e.clone());
        } else if e.site_id != db.site().site_id
            && (source == Source::Hub || e.site_seq <= head.as_ref().map_or(0, |h| h.0))
        {
            // The hub sends only the events of the cases this site may see: another site's
            // chain has holes here (the hub checked it whole), which the hub or a bundle may
            // fill later. Every link held is checked.
            links_with_neighbours(conn, e).await?;
            take_in(conn, db, e, received_at).await?;
            out.new.push(e.clone());
        } else if hold_gaps && e.site_seq > head.as_ref().map_or(0, |h| h.0) + 1 {
            let json = serde_json::to_string(e).map_err(|x| CoreError::Internal(x.to_string()))?;
            out.held += sqlx::query(
                "INSERT INTO held_events (event_id, site_id, site_seq, event, held_at) \
                 VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(&e.event_id)
            .bind(&e.site_id)
            .bind(e.site_seq)
            .bind(json)
            .bind(received_at)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        } else {
            return Err(broken(e, "does not continue its site's chain"));
        }
    }
    release_held(conn, db, received_at, &mut out).await?;
    Ok(out)
}

/// Where events being taken in come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The hub: another site's chain may have holes (cases this site does not see).
    Hub,
    /// A bundle: an event past a gap waits for it to fill (`held_events`).
    Bundle,
}

/// An event taken in past a hole in its site's chain still links with the events held on
/// either side of it.
async fn links_with_neighbours(conn: &mut SqliteConnection, e: &WireEvent) -> CoreResult<()> {
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM events WHERE site_id = ? AND site_seq = ?")
            .bind(&e.site_id)
            .bind(e.site_seq)
            .fetch_optional(&mut *conn)
            .await?;
    if taken.is_some() {
        return Err(broken(e, "another event of its site holds its place: the logs diverged"));
    }
    let before: Option<String> =
        sqlx::query_scalar("SELECT hash FROM events WHERE site_id = ? AND site_seq = ?")
            .bind(&e.site_id)
            .bind(e.site_seq - 1)
            .fetch_optional(&mut *conn)
            .await?;
    if before.is_some_and(|h| h != e.prev_hash) {
        return Err(broken(e, "does not continue its site's chain"));
    }
    let after: Option<String> =
        sqlx::query_scalar("SELECT prev_hash FROM events WHERE site_id = ? AND site_seq = ?")
            .bind(&e.site_id)
            .bind(e.site_seq + 1)
            .fetch_optional(&mut *conn)
            .await?;
    if after.is_some_and(|p| p != e.hash) {
        return Err(broken(e, "the next event held does not follow it"));
    }
    Ok(())
}

/// How far ahead of this computer's clock an arriving event may be stamped before a person is
/// told: more is a wrong clock (a wrong time zone is eight hours), not a network delay.
pub const FUTURE_LIMIT_MS: i64 = 60 * 60 * 1000;

/// Stores an event of another site that continues its chain, and moves this site's clock past
/// it (so what is done here next sorts after it). One stamped far ahead is kept all the same
/// — history is never dropped or reordered — and flagged for a person (`clock_flags`).
async fn take_in(
    conn: &mut SqliteConnection,
    db: &Db,
    e: &WireEvent,
    received_at: &str,
) -> CoreResult<()> {
    insert_event(conn, e, received_at).await?;
    if let (Some(case_id), false) = (&e.case_id, e.kind == "case.created") {
        // An event of a case whose creation this site does not hold (handed over to it):
        // its history is asked for at the end of the sync.
        sqlx::query(
            "INSERT INTO cases_wanted (case_id, since) SELECT ?1, ?2 WHERE NOT EXISTS \
             (SELECT 1 FROM events WHERE case_id = ?1 AND kind = 'case.created') \
             ON CONFLICT (case_id) DO NOTHING",
        )
        .bind(case_id)
        .bind(received_at)
        .execute(&mut *conn)
        .await?;
    }
    let stamp = Timestamp::from_i64(e.hlc);
    db.hlc.observe(stamp);
    // Only a stamp its writer took from its own wall clock (counter 0) says that clock was
    // ahead: a site that synced with a fast one carries the fast stamp forward with a counter,
    // through no fault of its own computer.
    if stamp.counter() != 0 {
        return Ok(());
    }
    let stamp_ms = i64::try_from(stamp.physical_ms()).unwrap_or(i64::MAX);
    let ahead = stamp_ms.saturating_sub(db.now().timestamp_millis());
    if ahead > FUTURE_LIMIT_MS {
        sqlx::query(
            "INSERT INTO clock_flags (event_id, site_id, stamp_ms, ahead_ms, seen_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&e.event_id)
        .bind(&e.site_id)
        .bind(stamp_ms)
        .bind(ahead)
        .bind(received_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A site whose events arrived stamped far ahead of this computer's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClockFlag {
    pub site_id: String,
    /// Its code, as in the case numbers it gives (when it has given one here).
    pub site_code: Option<String>,
    /// Its events flagged, and the furthest ahead one was (ms).
    pub events: i64,
    pub ahead_ms: i64,
    pub last_seen_at: String,
}

/// How long a flag is shown after the last event that raised it (the clock was set right, or
/// the site has not written since).
pub const CLOCK_FLAG_DAYS: i64 = 7;

/// The sites whose clocks ran far ahead in the last week, the most recently seen first.
pub async fn clock_flags(db: &Db) -> CoreResult<Vec<ClockFlag>> {
    let since = time::to_db(db.now() - chrono::Duration::days(CLOCK_FLAG_DAYS));
    let rows = sqlx::query(
        "SELECT f.site_id, COUNT(*), MAX(f.ahead_ms), MAX(f.seen_at), \
                (SELECT c.case_no FROM events e JOIN cases c ON c.id = e.case_id \
                 WHERE e.site_id = f.site_id AND e.kind = 'case.created' LIMIT 1) \
         FROM clock_flags f WHERE f.seen_at >= ? GROUP BY f.site_id \
         ORDER BY MAX(f.seen_at) DESC",
    )
    .bind(since)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| ClockFlag {
            site_id: r.get(0),
            events: r.get(1),
            ahead_ms: r.get(2),
            last_seen_at: r.get(3),
            // Case numbers read 2026-SH01-000123.
            site_code: r
                .get::<Option<String>, _>(4)
                .and_then(|no| no.split('-').nth(1).map(str::to_owned)),
        })
        .collect())
}

/// An event that clashed with what another site did, kept in the log and listed for a person
/// (`projection::apply_or_set_aside`): set aside, or an org unit's code given a suffix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Clash {
    pub event_id: String,
    /// `set_aside` (it did not take effect here), `code_renamed` (an org unit's code given a
    /// suffix) or `number_twice` (a number of the year its site had given another document).
    pub outcome: String,
    /// The site that wrote it: its code (from the hub's list, or this site), else its id.
    pub site: String,
    pub kind: String,
    /// The case it belongs to, by number, when this site holds the case.
    pub case_no: Option<String>,
    pub occurred_at: String,
    /// Why, in the database's or the fold's words (`UNIQUE constraint failed: org_units.code`).
    pub reason: String,
}

/// At most this many clashes are listed (the newest); the count is given whole.
pub const CLASHES_LISTED: i64 = 50;

/// The clashes here, newest first, and how many there are.
pub async fn clashes(db: &Db) -> CoreResult<(Vec<Clash>, i64)> {
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM fold_clashes").fetch_one(db.pool()).await?;
    let own = db.site();
    let rows = sqlx::query(
        "SELECT f.event_id, f.site_id, k.code, f.kind, c.case_no, e.occurred_at, f.reason, \
         f.outcome FROM fold_clashes f JOIN events e ON e.event_id = f.event_id \
         LEFT JOIN known_sites k ON k.site_id = f.site_id \
         LEFT JOIN cases c ON c.id = f.case_id \
         ORDER BY f.hlc DESC LIMIT ?",
    )
    .bind(CLASHES_LISTED)
    .fetch_all(db.pool())
    .await?;
    let listed = rows
        .iter()
        .map(|r| {
            let site_id: String = r.get(1);
            let site = if site_id == own.site_id {
                own.site_code.clone()
            } else {
                r.get::<Option<String>, _>(2).unwrap_or(site_id)
            };
            Clash {
                event_id: r.get(0),
                outcome: r.get(7),
                site,
                kind: r.get(3),
                case_no: r.get(4),
                occurred_at: r.get(5),
                reason: r.get(6),
            }
        })
        .collect();
    Ok((listed, total))
}

fn continues(head: Option<&(i64, String)>, e: &WireEvent) -> bool {
    match head {
        Some((seq, hash)) => seq + 1 == e.site_seq && *hash == e.prev_hash,
        None => e.site_seq == 1 && e.prev_hash == crate::event_log::GENESIS_HASH,
    }
}

/// Takes the events set aside whose gap has filled, and drops those this file now holds.
async fn release_held(
    conn: &mut SqliteConnection,
    db: &Db,
    received_at: &str,
    out: &mut Absorbed,
) -> CoreResult<()> {
    loop {
        sqlx::query("DELETE FROM held_events WHERE event_id IN (SELECT event_id FROM events)")
            .execute(&mut *conn)
            .await?;
        // The held event that continues its site's head, if any (one per site at most).
        let ready: Vec<String> = sqlx::query_scalar(
            "SELECT h.event FROM held_events h \
             WHERE h.site_seq = 1 + COALESCE((SELECT MAX(site_seq) FROM events e \
                                              WHERE e.site_id = h.site_id), 0) \
             ORDER BY h.site_id, h.event_id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut progress = false;
        for json in ready {
            let e: WireEvent =
                serde_json::from_str(&json).map_err(|x| CoreError::Internal(x.to_string()))?;
            if continues(head_of(conn, &e.site_id).await?.as_ref(), &e) {
                take_in(conn, db, &e, received_at).await?;
                out.new.push(e);
                progress = true;
            }
        }
        // Set aside past what was then the head of another site's chain, which the hub has
        // since moved past (holes of cases this site does not see): they fill a hole now.
        let in_holes: Vec<String> = sqlx::query_scalar(
            "SELECT h.event FROM held_events h WHERE h.site_id <> ? \
             AND h.site_seq < (SELECT MAX(site_seq) FROM events e WHERE e.site_id = h.site_id) \
             ORDER BY h.site_id, h.site_seq",
        )
        .bind(&db.site().site_id)
        .fetch_all(&mut *conn)
        .await?;
        for json in in_holes {
            let e: WireEvent =
                serde_json::from_str(&json).map_err(|x| CoreError::Internal(x.to_string()))?;
            if links_with_neighbours(conn, &e).await.is_ok() {
                take_in(conn, db, &e, received_at).await?;
                out.new.push(e);
                progress = true;
            }
        }
        if !progress {
            return Ok(());
        }
    }
}

/// Folds newly taken events into the projections at once when they all sort after what was
/// folded before; otherwise marks the projections stale in the same transaction (the caller
/// folds again after commit, or the next open does). Returns whether a refold is due.
pub(crate) async fn fold(
    conn: &mut SqliteConnection,
    new: &mut [WireEvent],
    last_folded: Option<&(i64, String, String)>,
) -> CoreResult<bool> {
    new.sort_by(|a, b| a.key().cmp(&b.key()));
    let in_order = match (last_folded, new.first()) {
        (Some((hlc, site, id)), Some(first)) => first.key() > (*hlc, site.as_str(), id.as_str()),
        _ => true,
    };
    if !in_order {
        sqlx::query("UPDATE sync_state SET projection_stale = 1").execute(&mut *conn).await?;
        return Ok(true);
    }
    for e in new.iter() {
        let stored = &e.event;
        projection::apply_or_set_aside(&mut *conn, stored).await?;
        if let Some(case_id) = &stored.case_id {
            crate::search::reindex(&mut *conn, case_id).await?;
        }
    }
    Ok(false)
}

/// Stores a pulled batch and its cursor in one transaction, then folds what it brought.
/// Refuses the whole batch (storing nothing) if an event does not match its hash or does not
/// continue its site's chain.
pub async fn apply_pulled(db: &Db, reply: &PullReply) -> CoreResult<Applied> {
    take_from_hub(db, reply, true).await
}

/// Stores the history of cases handed over to this site (their events below the cursor), and
/// folds it; the cursor stays where it is.
pub async fn apply_case_events(db: &Db, reply: &PullReply) -> CoreResult<Applied> {
    take_from_hub(db, reply, false).await
}

async fn take_from_hub(db: &Db, reply: &PullReply, moves_cursor: bool) -> CoreResult<Applied> {
    if let Some(e) = reply.events.iter().find(|e| e.server_seq.is_none()) {
        return Err(broken(e, "pulled event without the hub's number"));
    }
    let mut tx = db.begin_write().await?;
    let last = last_folded(&mut tx).await?;
    let received_at = time::to_db(db.now());
    // Keys first: the events' personal data is read with them as they are folded.
    store_keys(&mut tx, &reply.keys, &received_at).await?;
    let mut absorbed = absorb(&mut tx, db, &reply.events, Source::Hub, &received_at).await?;
    let refolded = fold(&mut tx, &mut absorbed.new, last.as_ref()).await?;
    sqlx::query(
        "DELETE FROM cases_wanted WHERE EXISTS (SELECT 1 FROM events e \
         WHERE e.case_id = cases_wanted.case_id AND e.kind = 'case.created')",
    )
    .execute(&mut *tx)
    .await?;
    if moves_cursor {
        // The chain value goes with the cursor it names (SQLite reads the old row on the right).
        sqlx::query(
            "UPDATE sync_state SET cursor = CASE WHEN ?1 THEN ?2 ELSE MAX(cursor, ?2) END, \
             cursor_chain = CASE WHEN ?1 OR ?2 >= cursor THEN ?4 ELSE cursor_chain END, \
             last_pull_at = ?3, last_error = NULL",
        )
        .bind(reply.reset)
        .bind(reply.last)
        .bind(&received_at)
        .bind(&reply.chain)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if refolded {
        refold_if_stale(db).await?;
    }
    Ok(Applied {
        stored: absorbed.new.len() as u64,
        acknowledged: absorbed.acknowledged,
        refolded,
        cursor: if moves_cursor { reply.last } else { cursor(db).await? },
    })
}

/// Folds the projections again if a pulled batch left them stale (also run at open).
pub async fn refold_if_stale(db: &Db) -> CoreResult<bool> {
    let stale: i64 =
        sqlx::query_scalar("SELECT projection_stale FROM sync_state").fetch_one(db.pool()).await?;
    if stale == 0 {
        return Ok(false);
    }
    // `rebuild` clears the flag in its own transaction.
    projection::rebuild(db).await?;
    Ok(true)
}

/// The cursor: the last server_seq applied.
pub async fn cursor(db: &Db) -> CoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT cursor FROM sync_state").fetch_one(db.pool()).await?)
}

/// Remembers why the last sync failed (shown in the app's status).
pub async fn record_error(db: &Db, message: &str) -> CoreResult<()> {
    sqlx::query("UPDATE sync_state SET last_error = ?").bind(message).execute(db.pool()).await?;
    Ok(())
}

/// Points this site at a hub with its credential (and the certificates to trust for it).
pub async fn configure(
    db: &Db,
    hub_url: Option<&str>,
    token: Option<&str>,
    ca_pem: Option<&str>,
) -> CoreResult<()> {
    sqlx::query("UPDATE sync_state SET hub_url = ?, token = ?, ca_pem = ?")
        .bind(hub_url)
        .bind(token)
        .bind(ca_pem)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Where the hub is: its address, this site's credential, the certificates trusted for it.
#[derive(Debug, Clone)]
pub struct HubSettings {
    pub url: String,
    pub token: String,
    pub ca_pem: Option<String>,
}

/// The hub, if configured.
pub async fn hub(db: &Db) -> CoreResult<Option<HubSettings>> {
    let r: (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT hub_url, token, ca_pem FROM sync_state")
            .fetch_one(db.pool())
            .await?;
    Ok(match r {
        (Some(url), Some(token), ca_pem) => Some(HubSettings { url, token, ca_pem }),
        _ => None,
    })
}

/// A site that has numbered no case yet takes the code and name the hub registered its
/// credential under (a branch set up as `HQ` by default); one whose case numbers carry
/// another code, or a credential already bound to another database, is refused before
/// anything is sent or renamed, naming both codes.
pub async fn take_registered_code(
    db: &Db,
    registered: &crate::ownership::HubSite,
) -> CoreResult<()> {
    let site = db.site();
    let mismatch = || CoreError::SiteMismatch {
        local: site.site_code.clone(),
        hub: format!("{} {}", registered.code, registered.name),
    };
    if registered.site_id.as_deref().is_some_and(|bound| bound != site.site_id) {
        return Err(mismatch());
    }
    let same = site.site_code.eq_ignore_ascii_case(&registered.code);
    if same && site.name == registered.name {
        return Ok(());
    }
    let code = if same { site.site_code.clone() } else { registered.code.clone() };
    match db.rename_site(&code, &registered.name).await {
        Err(CoreError::SiteCodeFixed { .. }) => Err(mismatch()),
        other => other.map(|_| ()),
    }
}

/// How a site reaches the hub: HTTPS, or a test's hub in the same process.
pub trait Transport {
    /// The sites that have synced with the hub (hand-over targets; which is headquarters).
    fn sites(
        &self,
    ) -> impl std::future::Future<Output = CoreResult<Vec<crate::ownership::HubSite>>> + Send;
    /// The site the hub registered this site's credential as; none where there is no
    /// registry to ask (a test's hub in memory, the hub's own intake site).
    fn identity(
        &self,
    ) -> impl std::future::Future<Output = CoreResult<Option<crate::ownership::HubSite>>> + Send
    {
        async { Ok(None) }
    }
    fn push(
        &self,
        request: &PushRequest,
    ) -> impl std::future::Future<Output = CoreResult<PushReply>> + Send;
    fn pull(
        &self,
        request: &PullRequest,
    ) -> impl std::future::Future<Output = CoreResult<PullReply>> + Send;
    /// This site's own events the hub holds past a site sequence, in the site's order.
    fn own_events(
        &self,
        request: &OwnEventsRequest,
    ) -> impl std::future::Future<Output = CoreResult<PullReply>> + Send;
    /// The whole history of these cases (handed over to this site), as far as it may see it.
    fn case_events(
        &self,
        case_ids: &[String],
    ) -> impl std::future::Future<Output = CoreResult<PullReply>> + Send;
    /// Of these files (by SHA-256), the ones the hub does not have.
    fn missing_blobs(
        &self,
        sha256: &[String],
    ) -> impl std::future::Future<Output = CoreResult<Vec<String>>> + Send;
    /// Sends a file of this site's store; the hub keeps it only if it matches its hash.
    fn put_blob(
        &self,
        store: &evidence::Store,
        sha256: &str,
    ) -> impl std::future::Future<Output = CoreResult<()>> + Send;
    /// Fetches a file into this site's store, checked against its hash on arrival: false when
    /// the hub does not have it (yet).
    fn get_blob(
        &self,
        store: &evidence::Store,
        sha256: &str,
    ) -> impl std::future::Future<Output = CoreResult<bool>> + Send;
}

/// The file an event refers to by its SHA-256 (evidence, an issued bulletin's or report's PDF):
/// it travels beside the event, never inside it.
pub fn blob_of(event: &StoredEvent) -> Option<String> {
    if !matches!(event.kind.as_str(), "evidence.added" | "bulletin.issued" | "report.issued") {
        return None;
    }
    match event.body().ok()? {
        EventBody::EvidenceAdded(e) => Some(e.sha256),
        EventBody::BulletinIssued(b) => Some(b.pdf_sha256),
        EventBody::ReportIssued(r) => Some(r.pdf_sha256),
        _ => None,
    }
}

/// Every file this site's records refer to: evidence, and issued bulletins' and reports' PDFs.
const REFERRED_BLOBS: &str = "SELECT sha256 FROM evidence UNION SELECT pdf_sha256 FROM bulletins \
     WHERE pdf_sha256 IS NOT NULL UNION SELECT pdf_sha256 FROM reports \
     WHERE pdf_sha256 IS NOT NULL";

/// Every file this site's records refer to that its store lacks: evidence, and the PDFs of
/// issued bulletins and reports (after an interrupted sync or a bundle, too).
pub async fn missing_blobs(db: &Db) -> CoreResult<Vec<String>> {
    let referred: Vec<String> = sqlx::query_scalar(REFERRED_BLOBS).fetch_all(db.pool()).await?;
    let store = evidence::Store::for_database(db.path());
    tokio::task::spawn_blocking(move || referred.into_iter().filter(|h| !store.has(h)).collect())
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))
}

/// What moving files did: sent, fetched, not at the hub yet, and refused one by one (a file
/// changed on this disk, or at the hub: `evidence verify` names it) — a bad file never stops
/// the events, and a lost connection stops the sync as it would anyway.
#[derive(Debug, Default)]
struct BlobTally {
    sent: u64,
    fetched: u64,
    absent: u64,
    /// Refused in this sync: not tried again until the next one.
    refused: Vec<String>,
}

/// A file's transfer failed: noted when it is the file's fault, the sync's error otherwise.
fn per_file(e: CoreError, sha256: &str, tally: &mut BlobTally) -> CoreResult<()> {
    match e {
        CoreError::HubUnreachable(_) | CoreError::Io(_) | CoreError::Database(_) => Err(e),
        _ => {
            tally.refused.push(sha256.to_owned());
            Ok(())
        }
    }
}

/// Sends the hub those of these files (held here) it lacks, asking in batches of 1,000.
async fn send_blobs<T: Transport>(
    store: &evidence::Store,
    transport: &T,
    mut wanted: Vec<String>,
    tally: &mut BlobTally,
) -> CoreResult<Vec<String>> {
    wanted.retain(|h| store.has(h) && !tally.refused.contains(h));
    wanted.sort();
    wanted.dedup();
    let mut confirmed = Vec::new();
    for chunk in wanted.chunks(1_000) {
        let missing = transport.missing_blobs(chunk).await?;
        for sha256 in chunk {
            if !missing.contains(sha256) {
                confirmed.push(sha256.clone());
                continue;
            }
            match transport.put_blob(store, sha256).await {
                Ok(()) => {
                    tally.sent += 1;
                    confirmed.push(sha256.clone());
                }
                Err(e) => per_file(e, sha256, tally)?,
            }
        }
    }
    Ok(confirmed)
}

/// Notes files the hub is known to hold, so later syncs do not ask about them again.
async fn note_at_hub(db: &Db, confirmed: &[String]) -> CoreResult<()> {
    let now = time::to_db(db.now());
    let mut tx = db.begin_write().await?;
    for sha256 in confirmed {
        sqlx::query("INSERT INTO blobs_at_hub (sha256, at) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(sha256)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every file this site holds that its records refer to and the hub is not known to have:
/// files attached before files travelled, or brought by a bundle.
async fn not_known_at_hub(db: &Db) -> CoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(&format!("{REFERRED_BLOBS} EXCEPT SELECT sha256 FROM blobs_at_hub"))
        .fetch_all(db.pool())
        .await?)
}

/// Fetches every file this site lacks from the hub.
async fn fetch_blobs<T: Transport>(
    db: &Db,
    transport: &T,
    tally: &mut BlobTally,
) -> CoreResult<()> {
    let store = evidence::Store::for_database(db.path());
    for sha256 in missing_blobs(db).await? {
        match transport.get_blob(&store, &sha256).await {
            Ok(true) => tally.fetched += 1,
            Ok(false) => tally.absent += 1,
            Err(e) => per_file(e, &sha256, tally)?,
        }
    }
    Ok(())
}

/// What a sync is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// Sending this site's events (and their files).
    Push,
    /// Taking the hub's events.
    Pull,
    /// Histories of cases handed over, and evidence files.
    Files,
}

/// Progress of a sync, for a progress bar (stderr in the CLI, the status bar in the app: the
/// sync's database keeps the latest, and `status` shows it while the sync runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    pub pushed: u64,
    /// Events of this site still waiting, as of the last batch.
    pub waiting: i64,
    pub pulled: u64,
    /// The hub's number of the last event pulled.
    pub cursor: i64,
    /// The hub's highest number as of the last pull (0 before it, or from a hub that does not
    /// say): the cursor's goal.
    pub hub_top: i64,
}

/// The sync under way on this database, if any.
pub fn progress_of(db: &Db) -> Option<SyncProgress> {
    *db.sync_progress.lock().unwrap_or_else(|e| e.into_inner())
}

/// Keeps the database's progress while a sync runs; clears it when the sync ends, however.
struct Showing<'a>(&'a Db);

impl Showing<'_> {
    fn show(&self, p: SyncProgress) {
        *self.0.sync_progress.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
    }
}

impl Drop for Showing<'_> {
    fn drop(&mut self) {
        *self.0.sync_progress.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// What one full sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SyncReport {
    /// Events of this site the hub acknowledged in this sync.
    pub pushed: u64,
    /// Events of other sites stored by this sync.
    pub pulled: u64,
    /// Events of this site the hub held and this database did not (it was restored from a
    /// backup, or copied from an older one), taken back before anything was pushed.
    pub recovered: u64,
    /// Events this site still has waiting (none after a sync that reached the hub).
    pub waiting: i64,
    pub cursor: i64,
    /// The projections were folded again because pulled events sorted before applied ones.
    pub refolded: bool,
    /// Files (evidence, issued PDFs) sent to the hub and fetched from it.
    pub blobs_sent: u64,
    pub blobs_fetched: u64,
    /// Files this site's records refer to that neither it nor the hub has yet (their site has
    /// not sent them): fetched by a later sync.
    pub blobs_absent: u64,
    /// Files refused on the way (changed on this disk or at the hub): `evidence verify` names
    /// them; the events went all the same.
    pub blobs_failed: u64,
}

/// Takes back this site's own events the hub holds beyond this database's last one: a database
/// restored from a backup (or copied from an older one) lacks what the site recorded after it,
/// and its next event would take the place of one of them in the site's chain. Asked at the
/// start of every sync (an empty answer when nothing is missing); then a restored database may
/// record again, and the sign-in records kept aside meanwhile are appended.
async fn take_back_own<T: Transport>(db: &Db, transport: &T, batch: u32) -> CoreResult<u64> {
    let own = db.site().site_id;
    let mut recovered = 0;
    loop {
        let after = head_of(&mut *db.pool().acquire().await?, &own).await?.map_or(0, |h| h.0);
        let reply = transport.own_events(&OwnEventsRequest { after, limit: batch }).await?;
        if let Some(e) = reply.events.iter().find(|e| e.site_id != own || e.site_seq <= after) {
            return Err(broken(e, "sent back as this site's own, past its last event"));
        }
        let applied = take_from_hub(db, &reply, false).await?;
        recovered += applied.stored;
        if !reply.more || applied.stored == 0 {
            break;
        }
    }
    if crate::event_log::restored(&mut *db.pool().acquire().await?).await? {
        let mut tx = db.begin_write().await?;
        sqlx::query("UPDATE sync_state SET restored_at = NULL").execute(&mut *tx).await?;
        let appended = crate::event_log::append_deferred(&mut tx, db).await?;
        tx.commit().await?;
        tracing::info!(recovered, appended, "restored database has its own events back");
    }
    Ok(recovered)
}

/// One full sync: push everything waiting (again from where the hub says it expects, if it
/// lost some), then pull until the hub has nothing more. Each batch is stored as it comes, so
/// an interrupted sync keeps what it finished and the next one goes on from there.
pub async fn run<T: Transport>(
    db: &Db,
    transport: &T,
    batch: u32,
    mut progress: impl FnMut(SyncProgress),
) -> CoreResult<SyncReport> {
    let batch = batch.clamp(1, MAX_BATCH);
    // A sync already under way here finishes first; this one then finds less to do.
    let _turn = db.sync_turn.lock().await;
    let showing = Showing(db);
    let waiting = status(db).await?.waiting;
    let mut now = SyncProgress {
        phase: SyncPhase::Push,
        pushed: 0,
        waiting,
        pulled: 0,
        cursor: cursor(db).await?,
        hub_top: 0,
    };
    let mut progress = move |p: SyncProgress| {
        showing.show(p);
        progress(p);
    };
    progress(now);
    // Before the first push binds the credential to this database: is it this site's?
    if let Some(registered) = transport.identity().await? {
        take_registered_code(db, &registered).await?;
    }
    let store = evidence::Store::for_database(db.path());
    let mut report = SyncReport {
        recovered: take_back_own(db, transport, batch).await?,
        ..SyncReport::default()
    };
    let mut files = BlobTally::default();
    let mut from = first_waiting(db).await?;
    let mut rewinds = 0;
    // Whether the hub has said this sync where this site's chain ends there.
    let mut heard = false;
    loop {
        let request = outgoing(db, from, batch).await?;
        let Some(first) = request.events.first().map(|e| e.site_seq) else {
            if heard {
                break;
            }
            // Nothing waiting: an empty push asks where the hub's copy of this site's chain
            // ends. A hub restored from a backup lacks events it once acknowledged, and gets
            // them again now, not only when this site next records something.
            heard = true;
            let reply = transport.push(&request).await?;
            if reply.next_seq < from {
                rewinds += 1;
                from = reply.next_seq.max(1);
                tracing::warn!(from, "the hub lacks events it acknowledged: sending them again");
                continue;
            }
            break;
        };
        heard = true;
        let last = request.events.last().map(|e| e.site_seq).unwrap_or(first);
        // The batch's files first, so an event the hub holds has its file there.
        let wanted = request.events.iter().filter_map(|e| blob_of(e)).collect();
        let confirmed = send_blobs(&store, transport, wanted, &mut files).await?;
        note_at_hub(db, &confirmed).await?;
        let reply = transport.push(&request).await?;
        report.pushed += acknowledge(db, &reply.acknowledged).await?;
        if reply.next_seq < first {
            // The hub lacks events it once acknowledged (restored from a backup): send again
            // from where it is. Bounded: it can only go back to the first event.
            rewinds += 1;
            if rewinds > 3 {
                return Err(CoreError::Internal(format!(
                    "the hub keeps asking for events from {} again",
                    reply.next_seq
                )));
            }
            from = reply.next_seq.max(1);
        } else if reply.next_seq <= last {
            return Err(CoreError::Internal(format!(
                "the hub took events up to {} of {first}–{last}",
                reply.next_seq - 1
            )));
        } else {
            from = reply.next_seq;
        }
        now.pushed = report.pushed;
        now.waiting = status(db).await?.waiting;
        progress(now);
    }
    now.phase = SyncPhase::Pull;
    progress(now);
    loop {
        let (after, after_chain): (i64, Option<String>) =
            sqlx::query_as("SELECT cursor, cursor_chain FROM sync_state")
                .fetch_one(db.pool())
                .await?;
        let request = PullRequest {
            after,
            limit: batch,
            site_id: Some(db.site().site_id.clone()),
            after_chain,
        };
        let reply = transport.pull(&request).await?;
        let applied = apply_pulled(db, &reply).await?;
        report.pulled += applied.stored;
        report.refolded |= applied.refolded;
        report.cursor = applied.cursor;
        now.pulled = report.pulled;
        now.cursor = report.cursor;
        now.hub_top = reply.top.max(report.cursor);
        progress(now);
        if !reply.more {
            break;
        }
    }
    now.phase = SyncPhase::Files;
    progress(now);
    // Who is who (asked after the push and pull, which bind this site's credential: it is on
    // the list from its first sync): hand-overs name these sites, headquarters grants them.
    crate::ownership::remember_sites(db, &transport.sites().await?).await?;
    // Cases handed over to this site: their history from before it could see them.
    let wanted: Vec<String> = sqlx::query_scalar("SELECT case_id FROM cases_wanted ORDER BY since")
        .fetch_all(db.pool())
        .await?;
    for chunk in wanted.chunks(MAX_CASES) {
        let applied = apply_case_events(db, &transport.case_events(chunk).await?).await?;
        report.pulled += applied.stored;
        report.refolded |= applied.refolded;
        // Asked once: a case the hub has no creation of for this site (one it may not see,
        // brought by a bundle) is not asked for again and again.
        let mut qb =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new("DELETE FROM cases_wanted WHERE case_id IN (");
        let mut ids = qb.separated(", ");
        for id in chunk {
            ids.push_bind(id);
        }
        qb.push(")");
        qb.build().execute(db.pool()).await?;
    }
    let confirmed = send_blobs(&store, transport, not_known_at_hub(db).await?, &mut files).await?;
    note_at_hub(db, &confirmed).await?;
    fetch_blobs(db, transport, &mut files).await?;
    report.blobs_sent = files.sent;
    report.blobs_fetched = files.fetched;
    report.blobs_absent = files.absent;
    report.blobs_failed = files.refused.len() as u64;
    report.waiting = status(db).await?.waiting;
    Ok(report)
}
