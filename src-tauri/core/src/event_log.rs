//! The event log: append (with its projection, in the caller's transaction), read, verify.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection};

use crate::actor::Actor;
use crate::domain::events::EventBody;
use crate::error::{CoreError, CoreResult};
use crate::hlc::Timestamp;
use crate::projection;
use crate::storage::Db;
use crate::time;

/// The `prev_hash` of a site's first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One immutable row of the log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub event_id: String,
    pub site_id: String,
    pub site_seq: i64,
    pub hlc: i64,
    pub occurred_at: String,
    pub case_id: Option<String>,
    pub actor: String,
    pub kind: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    /// SHA-256 over every field but `hash`, each length-prefixed so no two events can be made
    /// to hash alike by moving text between fields.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let case_id = self.case_id.as_deref().unwrap_or("");
        let fields: [&[u8]; 10] = [
            self.event_id.as_bytes(),
            self.site_id.as_bytes(),
            &self.site_seq.to_be_bytes(),
            &self.hlc.to_be_bytes(),
            self.occurred_at.as_bytes(),
            case_id.as_bytes(),
            self.actor.as_bytes(),
            self.kind.as_bytes(),
            self.payload.as_bytes(),
            self.prev_hash.as_bytes(),
        ];
        for field in fields {
            h.update((field.len() as u64).to_be_bytes());
            h.update(field);
        }
        hex::encode(h.finalize())
    }

    pub fn body(&self) -> CoreResult<EventBody> {
        EventBody::decode(&self.kind, &self.payload)
    }
}

/// What a writer hands to `append`.
pub struct NewEvent {
    pub case_id: Option<String>,
    /// When it happened in the world: now, or earlier for imported and demo history.
    pub occurred_at: DateTime<Utc>,
    pub body: EventBody,
}

/// Appends an event to one case's timeline.
pub async fn append_to_case(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    case_id: &str,
    occurred_at: chrono::DateTime<chrono::Utc>,
    body: crate::domain::events::EventBody,
) -> CoreResult<()> {
    let event = NewEvent { case_id: Some(case_id.to_owned()), occurred_at, body };
    append(conn, db, actor, event).await.map(|_| ())
}

/// Appends one event that concerns no case (a setting, a target…) in a transaction of its own.
pub async fn append_alone(db: &Db, actor: &Actor, body: EventBody) -> CoreResult<()> {
    let mut tx = db.begin_write().await?;
    append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body }).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends one event of this site and applies it to the projections, inside `conn`'s
/// transaction (which must be a write transaction: `Db::begin_write`).
pub async fn append(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    new: NewEvent,
) -> CoreResult<StoredEvent> {
    append_indexing(conn, db, actor, new, Indexing::Now).await
}

/// When an appended event's case is indexed for search again.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indexing {
    /// In the same call.
    Now,
    /// Marked dirty; the writer calls [`crate::search::flush`] before it commits. A writer
    /// appending many events to one case in a transaction (the demo generator) indexes each
    /// case once instead of once per event: every re-index deletes the case's previous row,
    /// which costs the full-text index a seek per term.
    Later,
}

pub(crate) async fn append_indexing(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    new: NewEvent,
    indexing: Indexing,
) -> CoreResult<StoredEvent> {
    if let Some(case_id) = &new.case_id {
        crate::ownership::check_local(conn, &db.site().site_id, case_id, &new.body).await?;
    }
    refuse_while_restored(conn).await?;
    let (kind, payload) = new.body.encode()?;
    let head: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT site_seq, hash, hlc FROM events WHERE site_id = ? ORDER BY site_seq DESC LIMIT 1",
    )
    .bind(&db.site().site_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (site_seq, prev_hash) = match head {
        Some((seq, hash, hlc)) => {
            // Another process (the app and a CLI on one file) may have written since this
            // clock last looked: stay after its event so a site's log is in clock order.
            db.hlc.observe(Timestamp::from_i64(hlc));
            (seq + 1, hash)
        }
        None => (1, GENESIS_HASH.to_owned()),
    };
    let hlc: Timestamp = db.hlc.now();
    let mut event = StoredEvent {
        event_id: uuid::Uuid::now_v7().to_string(),
        site_id: db.site().site_id,
        site_seq,
        hlc: hlc.as_i64(),
        occurred_at: time::to_db(new.occurred_at),
        case_id: new.case_id,
        actor: actor.id.clone(),
        kind,
        payload,
        prev_hash,
        hash: String::new(),
    };
    event.hash = event.compute_hash();
    sqlx::query(
        "INSERT INTO events (event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, kind, \
         payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&event.event_id)
    .bind(&event.site_id)
    .bind(event.site_seq)
    .bind(event.hlc)
    .bind(&event.occurred_at)
    .bind(&event.case_id)
    .bind(&event.actor)
    .bind(&event.kind)
    .bind(&event.payload)
    .bind(&event.prev_hash)
    .bind(&event.hash)
    .execute(&mut *conn)
    .await?;
    projection::apply(conn, &event, &new.body).await?;
    // This site's own operation is checked strictly: a code or number another writer took
    // meanwhile is refused (the caller's transaction is dropped), never listed as a clash.
    let clashed: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM fold_clashes WHERE event_id = ?)")
            .bind(&event.event_id)
            .fetch_one(&mut *conn)
            .await?;
    if clashed {
        return Err(CoreError::Busy("a code or number was taken meanwhile".into()));
    }
    if let Some(case_id) = &event.case_id {
        match indexing {
            Indexing::Now => crate::search::reindex(conn, case_id).await?,
            Indexing::Later => {
                sqlx::query("INSERT OR IGNORE INTO search_dirty (case_id) VALUES (?)")
                    .bind(case_id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(event)
}

/// Whether this database was restored from a backup and has not synced with its hub since
/// (`sync_state.restored_at`).
pub(crate) async fn restored(conn: &mut SqliteConnection) -> CoreResult<bool> {
    let at: Option<String> =
        sqlx::query_scalar("SELECT restored_at FROM sync_state").fetch_one(&mut *conn).await?;
    Ok(at.is_some())
}

/// Nothing of this site is recorded between a restore and the sync that takes back its later
/// events from the hub: the event would take the place of one of them in the site's chain.
async fn refuse_while_restored(conn: &mut SqliteConnection) -> CoreResult<()> {
    if restored(conn).await? {
        return Err(CoreError::RestoredUnsynced);
    }
    Ok(())
}

/// Appends a sign-in record: at once, or, between a restore and the sync after it (signing in
/// must work then, to sync), kept aside and appended by that sync (`append_deferred`), with the
/// time it happened.
pub async fn append_or_defer(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    new: NewEvent,
) -> CoreResult<()> {
    if !restored(conn).await? {
        return append(conn, db, actor, new).await.map(|_| ());
    }
    let (kind, payload) = new.body.encode()?;
    sqlx::query(
        "INSERT INTO deferred_events (actor, occurred_at, kind, payload) VALUES (?, ?, ?, ?)",
    )
    .bind(&actor.id)
    .bind(time::to_db(new.occurred_at))
    .bind(kind)
    .bind(payload)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Appends the records kept aside while the database waited for its first sync after a
/// restore, in the order they were made; inside the caller's write transaction, which has
/// cleared `restored_at`.
pub(crate) async fn append_deferred(conn: &mut SqliteConnection, db: &Db) -> CoreResult<u64> {
    let kept: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, actor, occurred_at, kind, payload FROM deferred_events ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (_, actor, occurred_at, kind, payload) in &kept {
        let actor = Actor { id: actor.clone(), ..Actor::system() };
        let occurred_at = time::from_db(occurred_at)
            .ok_or_else(|| CoreError::Internal(format!("deferred record at {occurred_at}")))?;
        let body = EventBody::decode(kind, payload)?;
        append(conn, db, &actor, NewEvent { case_id: None, occurred_at, body }).await?;
    }
    sqlx::query("DELETE FROM deferred_events").execute(&mut *conn).await?;
    Ok(kept.len() as u64)
}

/// Appends many events of this site in a few statements, chained and clocked exactly as
/// [`append`] would, **without** applying them: the caller (a bulk writer such as the importer)
/// writes their projection itself, and a rebuild from the log must give the same state
/// (tested). Inside the caller's write transaction.
pub async fn append_bulk(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    events: &[&NewEvent],
) -> CoreResult<Vec<StoredEvent>> {
    refuse_while_restored(conn).await?;
    let head: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT site_seq, hash, hlc FROM events WHERE site_id = ? ORDER BY site_seq DESC LIMIT 1",
    )
    .bind(&db.site().site_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (mut seq, mut prev) = match head {
        Some((seq, hash, hlc)) => {
            db.hlc.observe(Timestamp::from_i64(hlc));
            (seq, hash)
        }
        None => (0, GENESIS_HASH.to_owned()),
    };
    let encoded = crate::parallel::map(events, |new| new.body.encode());
    let mut stored = Vec::with_capacity(events.len());
    for (new, encoded) in events.iter().zip(encoded) {
        let (kind, payload) = encoded?;
        seq += 1;
        let mut event = StoredEvent {
            event_id: uuid::Uuid::now_v7().to_string(),
            site_id: db.site().site_id,
            site_seq: seq,
            hlc: db.hlc.now().as_i64(),
            occurred_at: time::to_db(new.occurred_at),
            case_id: new.case_id.clone(),
            actor: actor.id.clone(),
            kind,
            payload,
            prev_hash: prev,
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        prev = event.hash.clone();
        stored.push(event);
    }
    // 11 values a row: well inside SQLite's limit of bound parameters per statement. OR FAIL:
    // no statement journal (the caller's transaction is rolled back whole on an error).
    for chunk in stored.chunks(500) {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
            "INSERT OR FAIL INTO events ({COLUMNS}) "
        ));
        qb.push_values(chunk, |mut b, e| {
            b.push_bind(&e.event_id)
                .push_bind(&e.site_id)
                .push_bind(e.site_seq)
                .push_bind(e.hlc)
                .push_bind(&e.occurred_at)
                .push_bind(&e.case_id)
                .push_bind(&e.actor)
                .push_bind(&e.kind)
                .push_bind(&e.payload)
                .push_bind(&e.prev_hash)
                .push_bind(&e.hash);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(stored)
}

pub(crate) const COLUMNS: &str =
    "event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, kind, \
                       payload, prev_hash, hash";

pub(crate) fn from_row(row: &sqlx::sqlite::SqliteRow) -> StoredEvent {
    StoredEvent {
        event_id: row.get(0),
        site_id: row.get(1),
        site_seq: row.get(2),
        hlc: row.get(3),
        occurred_at: row.get(4),
        case_id: row.get(5),
        actor: row.get(6),
        kind: row.get(7),
        payload: row.get(8),
        prev_hash: row.get(9),
        hash: row.get(10),
    }
}

/// Events in fold order — (hlc, site_id, event_id) — after `after` (exclusive), at most
/// `limit` of them: page through the whole log with constant memory.
pub async fn page_in_fold_order(
    conn: &mut SqliteConnection,
    after: Option<&StoredEvent>,
    limit: u32,
) -> CoreResult<Vec<StoredEvent>> {
    let rows = match after {
        None => {
            let sql =
                format!("SELECT {COLUMNS} FROM events ORDER BY hlc, site_id, event_id LIMIT ?");
            sqlx::query(&sql).bind(limit).fetch_all(&mut *conn).await?
        }
        Some(last) => {
            let sql = format!(
                "SELECT {COLUMNS} FROM events WHERE (hlc, site_id, event_id) > (?, ?, ?) \
                 ORDER BY hlc, site_id, event_id LIMIT ?"
            );
            sqlx::query(&sql)
                .bind(last.hlc)
                .bind(&last.site_id)
                .bind(&last.event_id)
                .bind(limit)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    Ok(rows.iter().map(from_row).collect())
}

/// A case's events in fold order: its timeline.
pub async fn for_case(conn: &mut SqliteConnection, case_id: &str) -> CoreResult<Vec<StoredEvent>> {
    let sql =
        format!("SELECT {COLUMNS} FROM events WHERE case_id = ? ORDER BY hlc, site_id, event_id");
    let rows = sqlx::query(&sql).bind(case_id).fetch_all(&mut *conn).await?;
    Ok(rows.iter().map(from_row).collect())
}

/// Re-checks every site's chain: sequences from 1 without gaps, clock values rising with the
/// sequence, each `prev_hash` the hash of the event before, each `hash` recomputed from the
/// content. Another site's chain may have holes — the hub sends a branch only the events of
/// the cases it may see, having checked every chain whole — so there every link held is
/// checked; this site's own chain must be whole. Streams the log, so memory stays flat at any
/// size. Returns the number of events checked, or the first broken link.
pub async fn verify(db: &Db) -> CoreResult<u64> {
    let mut conn = db.pool.acquire().await?;
    verify_on(&mut conn, &db.site().site_id).await
}

/// [`verify`] on any connection to a database (a backup's copy, opened read-only), with
/// `own_site` the site whose chain must be whole.
pub async fn verify_on(conn: &mut SqliteConnection, own_site: &str) -> CoreResult<u64> {
    use futures_util::TryStreamExt;

    let sql = format!("SELECT {COLUMNS} FROM events ORDER BY site_id, site_seq");
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    let mut checked = 0u64;
    let mut previous: Option<StoredEvent> = None;
    while let Some(row) = rows.try_next().await? {
        let event = from_row(&row);
        let same_site = previous.as_ref().filter(|p| p.site_id == event.site_id);
        let (expected_seq, expected_prev) = match same_site {
            Some(p) => (p.site_seq + 1, p.hash.as_str()),
            None => (1, GENESIS_HASH),
        };
        let broken = |detail: &str| CoreError::BrokenChain {
            site: event.site_id.clone(),
            seq: event.site_seq,
            detail: detail.to_owned(),
        };
        let hole =
            event.site_id != own_site && event.site_seq > same_site.map_or(0, |p| p.site_seq) + 1;
        if event.site_seq != expected_seq && !hole {
            return Err(broken("sequence gap"));
        }
        if event.prev_hash != expected_prev && !hole {
            return Err(broken("previous hash does not match"));
        }
        if same_site.is_some_and(|p| event.hlc <= p.hlc) {
            return Err(broken("clock does not rise with the sequence"));
        }
        if event.compute_hash() != event.hash {
            return Err(broken("content does not match its hash"));
        }
        checked += 1;
        previous = Some(event);
    }
    Ok(checked)
}
