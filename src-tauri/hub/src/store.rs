//! The hub's storage on PostgreSQL: sites and their credentials, and the push and pull of
//! events (docs/SYNC.md). Every push is one transaction: the site's row is locked, its events
//! are checked against its chain, numbered from the counter row and stored, and its cursor
//! moves; a retry or a duplicate is answered with the numbers already given.

use redress_core::event_log::{StoredEvent, GENESIS_HASH};
use redress_core::sync::{
    Ack, KeyGrant, PullReply, PullRequest, PushReply, PushRequest, WireEvent, MAX_BATCH,
};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, QueryBuilder, Row};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Why the hub refuses a request: each has a stable code for the site's log and the app.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("unknown or revoked credential")]
    Unauthorized,
    #[error("this credential belongs to another site")]
    WrongSite,
    #[error("event {site_seq} of the site does not match its hash")]
    Tampered { site_seq: i64 },
    #[error("event {site_seq} does not continue the site's chain")]
    BrokenChain { site_seq: i64 },
    #[error(
        "the site's event {site_seq} differs from the one the hub holds: its log has diverged"
    )]
    Diverged { site_seq: i64 },
    #[error("{0}")]
    BadRequest(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl HubError {
    pub fn code(&self) -> &'static str {
        match self {
            HubError::Unauthorized => "hub.unauthorized",
            HubError::WrongSite => "hub.wrong_site",
            HubError::Tampered { .. } => "hub.tampered",
            HubError::BrokenChain { .. } => "hub.broken_chain",
            HubError::Diverged { .. } => "hub.diverged",
            HubError::BadRequest(_) => "hub.bad_request",
            HubError::Database(_) | HubError::Migrate(_) => "hub.unavailable",
        }
    }
}

pub type HubResult<T> = Result<T, HubError>;

/// A site as the hub knows it, after its credential was checked.
#[derive(Debug, Clone)]
pub struct SiteRow {
    pub id: String,
    pub code: String,
    pub site_id: Option<String>,
    pub is_hq: bool,
}

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A new site's credential: 32 random bytes, hex.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

/// A new site as `site add` shows it (the token once).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewSite {
    pub id: String,
    pub name: String,
    pub code: String,
    pub token: String,
    pub is_hq: bool,
}

impl Store {
    pub async fn connect(url: &str, max_connections: u32) -> HubResult<Store> {
        let pool = PgPoolOptions::new().max_connections(max_connections).connect(url).await?;
        Ok(Store { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn migrate(&self) -> HubResult<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Registers a site and issues its credential.
    pub async fn add_site(&self, name: &str, code: &str, is_hq: bool) -> HubResult<NewSite> {
        let (name, code) = (name.trim(), code.trim());
        if name.is_empty() || name.chars().count() > 60 {
            return Err(HubError::BadRequest("site name: 1–60 characters".into()));
        }
        if code.is_empty() || code.len() > 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(HubError::BadRequest("site code: 1–12 letters or digits".into()));
        }
        let site = NewSite {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            code: code.to_owned(),
            token: new_token(),
            is_hq,
        };
        sqlx::query(
            "INSERT INTO sites (id, name, code, token_sha256, is_hq) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&site.id)
        .bind(&site.name)
        .bind(&site.code)
        .bind(sha256(&site.token))
        .bind(is_hq)
        .execute(&self.pool)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                HubError::BadRequest(format!("site code {code} is taken"))
            }
            _ => HubError::Database(e),
        })?;
        Ok(site)
    }

    /// The site a token belongs to.
    pub async fn authenticate(&self, token: &str) -> HubResult<SiteRow> {
        let row = sqlx::query("SELECT id, code, site_id, is_hq FROM sites WHERE token_sha256 = $1")
            .bind(sha256(token))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(HubError::Unauthorized)?;
        Ok(SiteRow { id: row.get(0), code: row.get(1), site_id: row.get(2), is_hq: row.get(3) })
    }

    /// Takes a site's events in its sequence. Events the hub holds are acknowledged again; the
    /// first event past a gap ends the batch (the reply says which sequence the hub expects).
    pub async fn push(&self, site: &SiteRow, request: &PushRequest) -> HubResult<PushReply> {
        if request.events.len() > MAX_BATCH as usize {
            return Err(HubError::BadRequest(format!("at most {MAX_BATCH} events a push")));
        }
        let mut tx = self.pool.begin().await?;
        // The site's row, locked: one push of a site at a time; other sites push alongside.
        let row =
            sqlx::query("SELECT site_id, next_seq, head_hash FROM sites WHERE id = $1 FOR UPDATE")
                .bind(&site.id)
                .fetch_one(&mut *tx)
                .await?;
        let bound: Option<String> = row.get(0);
        let (mut next_seq, mut head): (i64, String) = (row.get(1), row.get(2));
        match bound {
            Some(id) if id != request.site_id => return Err(HubError::WrongSite),
            Some(_) => {}
            None => {
                // The first push binds the credential to the branch database's site id.
                let taken: Option<String> =
                    sqlx::query_scalar("SELECT id FROM sites WHERE site_id = $1")
                        .bind(&request.site_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if taken.is_some() {
                    return Err(HubError::WrongSite);
                }
                sqlx::query("UPDATE sites SET site_id = $1 WHERE id = $2")
                    .bind(&request.site_id)
                    .bind(&site.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut acknowledged = Vec::new();
        let mut fresh: Vec<&WireEvent> = Vec::new();
        for e in &request.events {
            if e.site_id != request.site_id {
                return Err(HubError::WrongSite);
            }
            if e.site_seq < next_seq {
                // Held already: the same event, acknowledged again; another one is divergence.
                let held: Option<(i64, String)> = sqlx::query_as(
                    "SELECT server_seq, event_id FROM events WHERE site_id = $1 AND site_seq = $2",
                )
                .bind(&e.site_id)
                .bind(e.site_seq)
                .fetch_optional(&mut *tx)
                .await?;
                match held {
                    Some((seq, id)) if id == e.event_id => {
                        acknowledged.push(Ack { event_id: id, server_seq: seq })
                    }
                    _ => return Err(HubError::Diverged { site_seq: e.site_seq }),
                }
                continue;
            }
            if e.site_seq > next_seq {
                break; // a gap: the reply asks for next_seq
            }
            if !e.intact() {
                return Err(HubError::Tampered { site_seq: e.site_seq });
            }
            let expected_prev = if next_seq == 1 { GENESIS_HASH } else { head.as_str() };
            if e.prev_hash != expected_prev {
                return Err(HubError::BrokenChain { site_seq: e.site_seq });
            }
            head = e.hash.clone();
            next_seq += 1;
            fresh.push(e);
        }
        store_keys(&mut tx, &request.keys).await?;
        if !fresh.is_empty() {
            let k = fresh.len() as i64;
            let top: i64 =
                sqlx::query_scalar("UPDATE hub_counter SET v = v + $1 WHERE id = 1 RETURNING v")
                    .bind(k)
                    .fetch_one(&mut *tx)
                    .await?;
            let first = top - k + 1;
            for chunk in fresh.chunks(500).enumerate() {
                let (i, events) = chunk;
                let mut qb = QueryBuilder::<Postgres>::new(
                    "INSERT INTO events (server_seq, event_id, site_id, site_seq, hlc, occurred_at, \
                     case_id, actor, kind, payload, prev_hash, hash) ",
                );
                qb.push_values(events.iter().enumerate(), |mut b, (j, e)| {
                    b.push_bind(first + (i * 500 + j) as i64)
                        .push_bind(&e.event_id)
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
                qb.build().execute(&mut *tx).await?;
            }
            for (j, e) in fresh.iter().enumerate() {
                acknowledged
                    .push(Ack { event_id: e.event_id.clone(), server_seq: first + j as i64 });
            }
            // An erasure arriving destroys the hub's copy of the key.
            for e in fresh.iter().filter(|e| e.kind == "consumer.anonymised") {
                let consumer: Option<String> =
                    serde_json::from_str::<serde_json::Value>(&e.payload)
                        .ok()
                        .and_then(|p| p["consumer_id"].as_str().map(str::to_owned));
                if let Some(consumer) = consumer {
                    sqlx::query(
                        "INSERT INTO consumer_keys (consumer_id, key, erased_at) VALUES ($1, NULL, now()) \
                         ON CONFLICT (consumer_id) DO UPDATE SET key = NULL, \
                         erased_at = COALESCE(consumer_keys.erased_at, now())",
                    )
                    .bind(consumer)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query("UPDATE sites SET next_seq = $1, head_hash = $2 WHERE id = $3")
                .bind(next_seq)
                .bind(&head)
                .bind(&site.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(PushReply { acknowledged, next_seq })
    }

    /// Events numbered after the site's cursor, in the hub's order.
    pub async fn pull(&self, _site: &SiteRow, request: &PullRequest) -> HubResult<PullReply> {
        let limit = i64::from(request.limit.clamp(1, MAX_BATCH));
        let top: i64 = sqlx::query_scalar("SELECT v FROM hub_counter WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        if request.after > top {
            // The site has pulled numbers this hub never gave (restored from a backup).
            return Ok(PullReply {
                events: Vec::new(),
                keys: Vec::new(),
                last: 0,
                more: true,
                reset: true,
            });
        }
        let rows = sqlx::query(
            "SELECT server_seq, event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, \
             kind, payload, prev_hash, hash FROM events WHERE server_seq > $1 \
             ORDER BY server_seq LIMIT $2",
        )
        .bind(request.after)
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() as i64 > limit;
        let events: Vec<WireEvent> = rows
            .iter()
            .take(limit as usize)
            .map(|r| WireEvent {
                server_seq: Some(r.get(0)),
                event: StoredEvent {
                    event_id: r.get(1),
                    site_id: r.get(2),
                    site_seq: r.get(3),
                    hlc: r.get(4),
                    occurred_at: r.get(5),
                    case_id: r.get(6),
                    actor: r.get(7),
                    kind: r.get(8),
                    payload: r.get(9),
                    prev_hash: r.get(10),
                    hash: r.get(11),
                },
            })
            .collect();
        let last = events.last().and_then(|e| e.server_seq).unwrap_or(request.after);
        let mut cases: Vec<String> = events.iter().filter_map(|e| e.case_id.clone()).collect();
        cases.sort_unstable();
        cases.dedup();
        let keys = sqlx::query(
            "SELECT c.case_id, c.consumer_id, k.key FROM case_consumers c \
             JOIN consumer_keys k ON k.consumer_id = c.consumer_id WHERE c.case_id = ANY($1)",
        )
        .bind(&cases)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| KeyGrant { case_id: r.get(0), consumer_id: r.get(1), key: r.get(2) })
        .collect();
        Ok(PullReply { events, keys, last, more, reset: false })
    }

    /// How many events the hub holds, and the highest number given.
    pub async fn counts(&self) -> HubResult<(i64, i64)> {
        let r: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM events), (SELECT v FROM hub_counter WHERE id = 1)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(r)
    }
}

/// Keeps the keys a push brought: a key is stored once and never replaced; an erased one stays
/// erased.
async fn store_keys(tx: &mut sqlx::Transaction<'_, Postgres>, keys: &[KeyGrant]) -> HubResult<()> {
    for k in keys {
        if k.key
            .as_ref()
            .is_some_and(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(HubError::BadRequest(format!("key of consumer {}", k.consumer_id)));
        }
        sqlx::query(
            "INSERT INTO case_consumers (case_id, consumer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(&k.case_id)
        .bind(&k.consumer_id)
        .execute(&mut **tx)
        .await?;
        match &k.key {
            Some(key) => {
                sqlx::query(
                    "INSERT INTO consumer_keys (consumer_id, key) VALUES ($1, $2) \
                     ON CONFLICT (consumer_id) DO NOTHING",
                )
                .bind(&k.consumer_id)
                .bind(key)
                .execute(&mut **tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO consumer_keys (consumer_id, key, erased_at) VALUES ($1, NULL, now()) \
                     ON CONFLICT (consumer_id) DO UPDATE SET key = NULL, \
                     erased_at = COALESCE(consumer_keys.erased_at, now())",
                )
                .bind(&k.consumer_id)
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    Ok(())
}
