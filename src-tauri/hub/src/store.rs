//! The hub's storage on PostgreSQL: sites and their credentials, and the push and pull of
//! events (docs/SYNC.md). Every push is one transaction: the site's row is locked, its events
//! are checked against its chain, numbered from the counter row and stored, and its cursor
//! moves; a retry or a duplicate is answered with the numbers already given.

use redress_core::event_log::{StoredEvent, GENESIS_HASH};
use redress_core::sync::{
    Ack, KeyGrant, OwnEventsRequest, PullReply, PullRequest, PushReply, PushRequest, WireEvent,
    MAX_BATCH,
};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, QueryBuilder, Row};

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
    #[error("event {site_seq} ({kind}) cannot be read by this hub")]
    Unreadable { site_seq: i64, kind: String },
    #[error(
        "the site's event {site_seq} differs from the one the hub holds: its log has diverged"
    )]
    Diverged { site_seq: i64 },
    #[error("the bundle is signed with a key the hub did not issue")]
    UnknownSigner,
    #[error("bundle: {0}")]
    Bundle(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the request is larger than the hub takes")]
    TooLarge,
    #[error("this hub keeps no files (no blob store configured)")]
    BlobsOff,
    #[error("the file does not match its SHA-256")]
    BlobMismatch,
    #[error("the hub has no file with this SHA-256")]
    BlobMissing,
    #[error("blob store: {0}")]
    Storage(String),
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
            HubError::Unreadable { .. } => "hub.unreadable_event",
            HubError::Diverged { .. } => "hub.diverged",
            HubError::UnknownSigner => "hub.unknown_signer",
            HubError::Bundle(_) => "hub.bad_bundle",
            HubError::BadRequest(_) => "hub.bad_request",
            HubError::TooLarge => "hub.too_large",
            HubError::BlobsOff => "hub.blobs_off",
            HubError::BlobMismatch => "hub.blob_mismatch",
            HubError::BlobMissing => "hub.blob_missing",
            HubError::Storage(_) => "hub.unavailable",
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

/// A unique key refused as `taken` (a code or name in use), any other failure as it is.
pub(crate) fn taken(e: sqlx::Error, taken: String) -> HubError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => HubError::BadRequest(taken),
        _ => HubError::Database(e),
    }
}

/// A site from `SELECT id, code, site_id, is_hq`.
fn site_row(row: &sqlx::postgres::PgRow) -> SiteRow {
    SiteRow { id: row.get(0), code: row.get(1), site_id: row.get(2), is_hq: row.get(3) }
}

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
    /// Where evidence files are kept: none for the administrative commands.
    pub(crate) blobs: Option<std::sync::Arc<dyn crate::blobs::BlobStore>>,
}

pub(crate) fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A new site's credential: 32 random bytes, hex.
pub(crate) fn new_token() -> String {
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
    /// The site's Ed25519 key for signing bundles (hex), shown once like the token; the hub
    /// keeps only the public key.
    pub signing_key: String,
    pub public_key: String,
    pub is_hq: bool,
}

/// An event the hub keeps but sends to no site, and why (`not_visible`, `duplicate_case`,
/// `not_hq`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct WithheldEvent {
    pub server_seq: i64,
    /// The site's code, when the hub knows the database it came from.
    pub site_code: Option<String>,
    pub site_id: String,
    pub site_seq: i64,
    pub case_id: Option<String>,
    pub kind: String,
    pub reason: String,
    pub received_at: String,
}

/// What taking a bundle in did at the hub.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HubBundleReport {
    pub bundle_id: String,
    pub site_code: String,
    pub events: u64,
    /// Events new to the hub, numbered.
    pub stored: u64,
    /// Events the hub held already.
    pub duplicates: u64,
    /// Events held until an earlier bundle (or push) fills the gap before them.
    pub held: u64,
    /// Events of other sites in a branch's bundle: a branch speaks only for itself (they reach
    /// the hub from their own site).
    pub ignored: u64,
    /// Files new to the hub.
    pub blobs: u64,
    /// Files not kept: this hub process has no blob store (`bundle import` without `--blobs`).
    pub blobs_skipped: u64,
}

impl Store {
    pub async fn connect(url: &str, max_connections: u32) -> HubResult<Store> {
        let pool = PgPoolOptions::new().max_connections(max_connections).connect(url).await?;
        Ok(Store { pool, blobs: None })
    }

    /// The same store, keeping evidence files in `blobs`.
    pub fn with_blobs(self, blobs: std::sync::Arc<dyn crate::blobs::BlobStore>) -> Store {
        Store { blobs: Some(blobs), ..self }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn migrate(&self) -> HubResult<()> {
        self.migrate_locking(true).await
    }

    /// Migrates; with `locking`, under sqlx's PostgreSQL advisory lock (two hub processes
    /// starting at once migrate one after the other). It is the hub's only advisory lock; an
    /// engine without them (CockroachDB) is migrated once without it, before the processes
    /// start, and they are configured not to migrate (docs/SCALING.md).
    pub async fn migrate_locking(&self, locking: bool) -> HubResult<()> {
        let mut migrator = sqlx::migrate!("./migrations");
        migrator.set_locking(locking);
        migrator.run(&self.pool).await?;
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
        let (signing_key, public_key) = redress_core::bundle::new_key_pair();
        let site = NewSite {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            code: code.to_owned(),
            token: new_token(),
            signing_key,
            public_key,
            is_hq,
        };
        sqlx::query(
            "INSERT INTO sites (id, name, code, token_sha256, is_hq, public_key) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&site.id)
        .bind(&site.name)
        .bind(&site.code)
        .bind(sha256(&site.token))
        .bind(is_hq)
        .bind(&site.public_key)
        .execute(&self.pool)
        .await
        .map_err(|e| taken(e, format!("site code {code} is taken")))?;
        Ok(site)
    }

    /// Records which branch of the organisation a site runs (its org unit code): the online
    /// channel hands that branch's complaints to it.
    pub async fn set_branch(&self, code: &str, branch_code: &str) -> HubResult<()> {
        let n = sqlx::query("UPDATE sites SET branch_code = $1 WHERE code = $2")
            .bind(branch_code.trim())
            .bind(code.trim())
            .execute(&self.pool)
            .await
            .map_err(|e| taken(e, format!("branch {branch_code} has a site already")))?
            .rows_affected();
        if n == 0 {
            return Err(HubError::BadRequest(format!("no site {code}")));
        }
        Ok(())
    }

    /// The site running a branch, once it has synced: (site_id, code, name).
    pub async fn site_for_branch(
        &self,
        branch_code: &str,
    ) -> HubResult<Option<(String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT site_id, code, name FROM sites WHERE branch_code = $1 AND site_id IS NOT NULL",
        )
        .bind(branch_code)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every site that has synced (the others cannot own cases yet), for hand-overs.
    pub async fn sites(&self) -> HubResult<Vec<redress_core::ownership::HubSite>> {
        let rows: Vec<(Option<String>, String, String, bool)> = sqlx::query_as(
            "SELECT site_id, code, name, is_hq FROM sites WHERE site_id IS NOT NULL ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(site_id, code, name, is_hq)| redress_core::ownership::HubSite {
                site_id,
                code,
                name,
                is_hq,
            })
            .collect())
    }

    /// The site a credential was issued to, as the hub registered it: a site compares its own
    /// code with it before its first push binds the credential.
    pub async fn identity(&self, site: &SiteRow) -> HubResult<redress_core::ownership::HubSite> {
        let (site_id, code, name, is_hq): (Option<String>, String, String, bool) =
            sqlx::query_as("SELECT site_id, code, name, is_hq FROM sites WHERE id = $1")
                .bind(&site.id)
                .fetch_one(&self.pool)
                .await?;
        Ok(redress_core::ownership::HubSite { site_id, code, name, is_hq })
    }

    /// The site a token belongs to.
    pub async fn authenticate(&self, token: &str) -> HubResult<SiteRow> {
        let row = sqlx::query("SELECT id, code, site_id, is_hq FROM sites WHERE token_sha256 = $1")
            .bind(sha256(token))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(HubError::Unauthorized)?;
        Ok(site_row(&row))
    }

    /// The site registered under a code.
    pub async fn site_by_code(&self, code: &str) -> HubResult<Option<SiteRow>> {
        let row = sqlx::query("SELECT id, code, site_id, is_hq FROM sites WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(site_row))
    }

    /// Takes a site's events in its sequence. Events the hub holds are acknowledged again; the
    /// first event past a gap ends the batch (the reply says which sequence the hub expects).
    pub async fn push(&self, site: &SiteRow, request: &PushRequest) -> HubResult<PushReply> {
        if request.events.len() > MAX_BATCH as usize {
            return Err(HubError::BadRequest(format!("at most {MAX_BATCH} events a push")));
        }
        // A bound site with nothing to send asks where its chain ends here (every sync with
        // nothing waiting does): one read, no transaction, no lock.
        if request.events.is_empty()
            && request.keys.is_empty()
            && site.site_id.as_deref() == Some(request.site_id.as_str())
        {
            let next_seq: i64 = sqlx::query_scalar("SELECT next_seq FROM sites WHERE id = $1")
                .bind(&site.id)
                .fetch_one(&self.pool)
                .await?;
            return Ok(PushReply { acknowledged: Vec::new(), next_seq });
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
            // Every site that may see it must be able to take it: an event whose content does
            // not read (a site's tool gone wrong, or a branch newer than the hub) would stop
            // their pulls. Upgrade the hub first.
            if e.body().is_err() {
                return Err(HubError::Unreadable { site_seq: e.site_seq, kind: e.kind.clone() });
            }
            let expected_prev = if next_seq == 1 { GENESIS_HASH } else { head.as_str() };
            if e.prev_hash != expected_prev {
                return Err(HubError::BrokenChain { site_seq: e.site_seq });
            }
            head = e.hash.clone();
            next_seq += 1;
            fresh.push(e);
        }
        let withheld = withheld(&mut tx, site, &request.site_id, &fresh).await?;
        store_keys(&mut tx, &request.keys).await?;
        if !fresh.is_empty() {
            let k = fresh.len() as i64;
            // The counter row, locked until the commit: numbers and chain follow commit order.
            let (top, mut chain): (i64, String) =
                sqlx::query_as("UPDATE hub_counter SET v = v + $1 WHERE id = 1 RETURNING v, chain")
                    .bind(k)
                    .fetch_one(&mut *tx)
                    .await?;
            let first = top - k + 1;
            let chains: Vec<String> = fresh
                .iter()
                .map(|e| {
                    chain = redress_core::sync::chain_next(&chain, &e.hash);
                    chain.clone()
                })
                .collect();
            for chunk in fresh.chunks(500).enumerate() {
                let (i, events) = chunk;
                let mut qb = QueryBuilder::<Postgres>::new(
                    "INSERT INTO events (server_seq, event_id, site_id, site_seq, hlc, occurred_at, \
                     case_id, actor, kind, payload, prev_hash, hash, withheld, chain) ",
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
                        .push_bind(&e.hash)
                        .push_bind(withheld.get(e.event_id.as_str()).copied())
                        .push_bind(&chains[i * 500 + j]);
                });
                qb.build().execute(&mut *tx).await?;
            }
            sqlx::query("UPDATE hub_counter SET chain = $1 WHERE id = 1")
                .bind(&chain)
                .execute(&mut *tx)
                .await?;
            for (j, e) in fresh.iter().enumerate() {
                acknowledged
                    .push(Ack { event_id: e.event_id.clone(), server_seq: first + j as i64 });
            }
            let taken: Vec<&WireEvent> = fresh
                .iter()
                .copied()
                .filter(|e| !withheld.contains_key(e.event_id.as_str()))
                .collect();
            grant_access(&mut tx, &taken).await?;
            let numbered: Vec<(i64, &WireEvent)> = fresh
                .iter()
                .enumerate()
                .filter(|(_, e)| !withheld.contains_key(e.event_id.as_str()))
                .map(|(j, e)| (first + j as i64, *e))
                .collect();
            project_cases(&mut tx, &numbered).await?;
            for (event_id, reason) in &withheld {
                tracing::warn!(site = %site.code, event = %event_id, reason, "withheld");
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

    /// Events numbered after the site's cursor, in the hub's order, except the site's own: it
    /// holds them already (a branch keeps every event until the hub acknowledges it, and its
    /// push is acknowledged with the numbers), so they are not sent back. The cursor still moves
    /// past them.
    pub async fn pull(&self, site: &SiteRow, request: &PullRequest) -> HubResult<PullReply> {
        let limit = i64::from(request.limit.clamp(1, MAX_BATCH));
        let top: i64 = sqlx::query_scalar("SELECT v FROM hub_counter WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        // The site has pulled numbers this hub never gave, or numbers it gives now to other
        // events (restored from a backup, then pushed to again): it starts again from 0.
        let renumbered = match (&request.after_chain, request.after) {
            (_, after) if after > top => true,
            (Some(theirs), after) if after > 0 => {
                let ours: Option<String> =
                    sqlx::query_scalar("SELECT chain FROM events WHERE server_seq = $1")
                        .bind(after)
                        .fetch_optional(&self.pool)
                        .await?;
                ours.as_deref() != Some(theirs.as_str())
            }
            _ => false,
        };
        if renumbered {
            tracing::warn!(site = %site.code, after = request.after, top, "numbered anew: reset");
            return Ok(PullReply::start_again());
        }
        // The branch database this credential is bound to (by its first push, which may have
        // come after the caller read the row).
        let own = self.bound(site, request.site_id.as_deref()).await?;
        // Headquarters sees every case; a branch the events of no case and those of the cases
        // it recorded or was handed (case_access).
        let rows = sqlx::query(
            "SELECT server_seq, event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, \
             kind, payload, prev_hash, hash FROM events e WHERE server_seq > $1 \
             AND withheld IS NULL AND ($3::text IS NULL OR site_id <> $3) \
             AND ($4 OR case_id IS NULL OR EXISTS (SELECT 1 FROM case_access a \
                  WHERE a.case_id = e.case_id AND a.site_id = $3)) \
             ORDER BY server_seq LIMIT $2",
        )
        .bind(request.after)
        .bind(limit + 1)
        .bind(&own)
        .bind(site.is_hq)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() as i64 > limit;
        let events: Vec<WireEvent> = rows.iter().take(limit as usize).map(wire_row).collect();
        // Numbers follow commit order (the counter row), so every event up to `top` was
        // committed when it was read: with nothing more to send, the cursor moves past the
        // site's own events up to there.
        let sent = events.last().and_then(|e| e.server_seq).unwrap_or(request.after);
        let last = if more { sent } else { sent.max(top) };
        let keys = self.keys_of(&events).await?;
        let chain: Option<String> = if last > 0 {
            sqlx::query_scalar("SELECT chain FROM events WHERE server_seq = $1")
                .bind(last)
                .fetch_optional(&self.pool)
                .await?
        } else {
            None
        };
        Ok(PullReply { events, keys, last, more, reset: false, chain, top })
    }

    /// The consumers' keys of the cases these events belong to.
    async fn keys_of(&self, events: &[WireEvent]) -> HubResult<Vec<KeyGrant>> {
        let mut cases: Vec<String> = events.iter().filter_map(|e| e.case_id.clone()).collect();
        cases.sort_unstable();
        cases.dedup();
        Ok(sqlx::query(
            "SELECT c.case_id, c.consumer_id, k.key FROM case_consumers c \
             JOIN consumer_keys k ON k.consumer_id = c.consumer_id WHERE c.case_id = ANY($1)",
        )
        .bind(&cases)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| KeyGrant { case_id: r.get(0), consumer_id: r.get(1), key: r.get(2) })
        .collect())
    }

    /// The branch database a credential is bound to: bound now, by a pull that names it, if
    /// no push has bound it yet (a credential never serves two sites).
    async fn bound(&self, site: &SiteRow, asked: Option<&str>) -> HubResult<Option<String>> {
        // Bound already when the credential was read: nothing to write, so a pull is all reads
        // (a read replica could serve it, docs/SCALING.md).
        if let Some(own) = &site.site_id {
            if asked.is_none_or(|asked| asked == own) {
                return Ok(Some(own.clone()));
            }
        }
        let mut tx = self.pool.begin().await?;
        let own: Option<String> =
            sqlx::query_scalar("SELECT site_id FROM sites WHERE id = $1 FOR UPDATE")
                .bind(&site.id)
                .fetch_one(&mut *tx)
                .await?;
        match (own, asked) {
            (Some(own), Some(asked)) if own != asked => Err(HubError::WrongSite),
            (Some(own), _) => Ok(Some(own)),
            (None, None) => Ok(None),
            (None, Some(asked)) => {
                let taken: Option<String> =
                    sqlx::query_scalar("SELECT id FROM sites WHERE site_id = $1")
                        .bind(asked)
                        .fetch_optional(&mut *tx)
                        .await?;
                if taken.is_some() {
                    return Err(HubError::WrongSite);
                }
                sqlx::query("UPDATE sites SET site_id = $1 WHERE id = $2")
                    .bind(asked)
                    .bind(&site.id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(asked.to_owned()))
            }
        }
    }

    /// The whole history of cases handed over to a site (their events before it could see
    /// them), as far as it may see them; its own events left out, as in a pull.
    pub async fn case_events(&self, site: &SiteRow, case_ids: &[String]) -> HubResult<PullReply> {
        if case_ids.len() > redress_core::sync::MAX_CASES {
            return Err(HubError::BadRequest(format!(
                "at most {} cases at once",
                redress_core::sync::MAX_CASES
            )));
        }
        let own = self.bound(site, None).await?;
        let rows = sqlx::query(
            "SELECT server_seq, event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, \
             kind, payload, prev_hash, hash FROM events e WHERE case_id = ANY($1) \
             AND withheld IS NULL AND ($2::text IS NULL OR site_id <> $2) \
             AND ($3 OR EXISTS (SELECT 1 FROM case_access a \
                  WHERE a.case_id = e.case_id AND a.site_id = $2)) \
             ORDER BY server_seq",
        )
        .bind(case_ids)
        .bind(&own)
        .bind(site.is_hq)
        .fetch_all(&self.pool)
        .await?;
        let events: Vec<WireEvent> = rows.iter().map(wire_row).collect();
        let keys = self.keys_of(&events).await?;
        Ok(PullReply { events, keys, last: 0, more: false, reset: false, chain: None, top: 0 })
    }

    /// A site's own events past a site sequence, in its order, withheld ones too (they are
    /// links of its chain): what a branch database restored from a backup lacks. Nothing for a
    /// credential not yet bound to a branch database.
    pub async fn own_events(
        &self,
        site: &SiteRow,
        request: &OwnEventsRequest,
    ) -> HubResult<PullReply> {
        let limit = i64::from(request.limit.clamp(1, MAX_BATCH));
        let own = self.bound(site, None).await?;
        let rows = sqlx::query(
            "SELECT server_seq, event_id, site_id, site_seq, hlc, occurred_at, case_id, actor, \
             kind, payload, prev_hash, hash FROM events WHERE site_id = $1 AND site_seq > $2 \
             ORDER BY site_seq LIMIT $3",
        )
        .bind(&own)
        .bind(request.after)
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() as i64 > limit;
        let events: Vec<WireEvent> = rows.iter().take(limit as usize).map(wire_row).collect();
        let keys = self.keys_of(&events).await?;
        Ok(PullReply { events, keys, last: 0, more, reset: false, chain: None, top: 0 })
    }

    /// Issues a site a new signing key (a site registered before bundles, or a key lost); the
    /// old one is no longer accepted. Returns the private key (hex), shown once.
    pub async fn new_signing_key(&self, code: &str) -> HubResult<(String, String)> {
        let (signing_key, public_key) = redress_core::bundle::new_key_pair();
        let n = sqlx::query("UPDATE sites SET public_key = $1 WHERE code = $2")
            .bind(&public_key)
            .bind(code.trim())
            .execute(&self.pool)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(HubError::BadRequest(format!("no site {code}")));
        }
        Ok((signing_key, public_key))
    }

    /// Takes a site's events as a push does, then holds those past a gap until it fills.
    async fn push_holding(
        &self,
        site: &SiteRow,
        events: &[WireEvent],
        keys: &[KeyGrant],
    ) -> HubResult<()> {
        let Some(site_id) = events.first().map(|e| e.site_id.clone()) else { return Ok(()) };
        let mut keys = keys.to_vec();
        for chunk in events.chunks(MAX_BATCH as usize) {
            let request = PushRequest {
                site_id: site_id.clone(),
                events: chunk.to_vec(),
                keys: std::mem::take(&mut keys),
            };
            let reply = self.push(site, &request).await?;
            let acknowledged: std::collections::HashSet<&str> =
                reply.acknowledged.iter().map(|a| a.event_id.as_str()).collect();
            for e in chunk.iter().filter(|e| !acknowledged.contains(e.event_id.as_str())) {
                let json = serde_json::to_string(e).map_err(|x| HubError::Bundle(x.to_string()))?;
                sqlx::query(
                    "INSERT INTO held_events (site_id, site_seq, event_id, event) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(&e.site_id)
                .bind(e.site_seq)
                .bind(&e.event_id)
                .bind(json)
                .execute(&self.pool)
                .await?;
            }
        }
        self.release_held(site).await
    }

    /// Takes the events held for a site whose gap has filled (after a bundle or a push).
    pub async fn release_held(&self, site: &SiteRow) -> HubResult<()> {
        let Some(site_id) = &site.site_id else { return Ok(()) };
        loop {
            sqlx::query(
                "DELETE FROM held_events h USING sites s WHERE s.site_id = h.site_id \
                 AND h.site_id = $1 AND h.site_seq < s.next_seq",
            )
            .bind(site_id)
            .execute(&self.pool)
            .await?;
            let held: Vec<String> = sqlx::query_scalar(
                "SELECT h.event FROM held_events h JOIN sites s ON s.site_id = h.site_id \
                 WHERE h.site_id = $1 AND h.site_seq = s.next_seq",
            )
            .bind(site_id)
            .fetch_all(&self.pool)
            .await?;
            if held.is_empty() {
                return Ok(());
            }
            let mut events = Vec::new();
            for json in &held {
                events.push(
                    serde_json::from_str::<WireEvent>(json)
                        .map_err(|x| HubError::Bundle(x.to_string()))?,
                );
            }
            // Held events are checked as any push's; one that does not continue the chain
            // (another event at that place) stays held for a person to look at.
            let before = self.site_head(site_id).await?;
            let request = PushRequest { site_id: site_id.clone(), events, keys: Vec::new() };
            let pushed = match self.push(site, &request).await {
                Ok(_) => true,
                Err(
                    HubError::BrokenChain { .. }
                    | HubError::Tampered { .. }
                    | HubError::Unreadable { .. },
                ) => false,
                Err(e) => return Err(e),
            };
            if !pushed || self.site_head(site_id).await? == before {
                return Ok(());
            }
        }
    }

    async fn site_head(&self, site_id: &str) -> HubResult<i64> {
        Ok(sqlx::query_scalar("SELECT next_seq FROM sites WHERE site_id = $1")
            .bind(site_id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Takes a bundle file in: its signer must hold a key this hub issued; its own events are
    /// taken as its push would be (events past a gap held until it fills), and at headquarters'
    /// bundle the events of the other sites too. Importing twice is harmless.
    pub async fn import_bundle(&self, bytes: &[u8]) -> HubResult<HubBundleReport> {
        let bundle =
            redress_core::bundle::decode(bytes).map_err(|e| HubError::Bundle(e.to_string()))?;
        let m = &bundle.manifest;
        let row = sqlx::query("SELECT id, code, site_id, is_hq FROM sites WHERE public_key = $1")
            .bind(&m.public_key)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(HubError::UnknownSigner)?;
        let signer =
            SiteRow { id: row.get(0), code: row.get(1), site_id: row.get(2), is_hq: row.get(3) };
        if signer.site_id.as_ref().is_some_and(|id| *id != m.site_id) {
            return Err(HubError::WrongSite);
        }
        let (before, _) = self.counts().await?;
        let mut report = HubBundleReport {
            bundle_id: m.bundle_id.clone(),
            site_code: signer.code.clone(),
            events: m.events,
            ..HubBundleReport::default()
        };
        // The files before the events that refer to them (a hub without a blob store takes
        // the events alone, and says so).
        if self.blobs.is_some() {
            for b in bundle.blobs {
                let new = self.missing_blobs(std::slice::from_ref(&b.sha256)).await?;
                if !new.is_empty() {
                    let reader = std::io::Cursor::new(b.data);
                    self.keep_blob(Some(&signer), &b.sha256, Box::new(reader)).await?;
                    report.blobs += 1;
                }
            }
        } else {
            report.blobs_skipped = bundle.blobs.len() as u64;
        }
        let mut events = bundle.events.clone();
        events.sort_by(|a, b| (&a.site_id, a.site_seq).cmp(&(&b.site_id, b.site_seq)));
        let mut groups: Vec<Vec<WireEvent>> = Vec::new();
        for e in events {
            match groups.last_mut() {
                Some(g) if g[0].site_id == e.site_id => g.push(e),
                _ => groups.push(vec![e]),
            }
        }
        // The signer's own events first, with the keys: its first push binds its credential.
        groups.sort_by_key(|g| g[0].site_id != m.site_id);
        let mut keys = bundle.keys.clone();
        for group in &groups {
            let site_id = &group[0].site_id;
            let site = if *site_id == m.site_id {
                let mut s = signer.clone();
                s.site_id = Some(site_id.clone());
                Some(s)
            } else if signer.is_hq {
                sqlx::query("SELECT id, code, site_id, is_hq FROM sites WHERE site_id = $1")
                    .bind(site_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| SiteRow {
                        id: r.get(0),
                        code: r.get(1),
                        site_id: r.get(2),
                        is_hq: r.get(3),
                    })
            } else {
                None
            };
            match site {
                Some(site) => self.push_holding(&site, group, &std::mem::take(&mut keys)).await?,
                None => report.ignored += group.len() as u64,
            }
        }
        let (after, _) = self.counts().await?;
        let ids: Vec<&str> = bundle.events.iter().map(|e| e.event_id.as_str()).collect();
        let held: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM held_events WHERE event_id = ANY($1)")
                .bind(&ids)
                .fetch_one(&self.pool)
                .await?;
        report.stored = (after - before).max(0) as u64;
        report.held = held as u64;
        report.duplicates =
            report.events.saturating_sub(report.stored + report.held + report.ignored);
        sqlx::query(
            "INSERT INTO bundle_imports (bundle_id, signer, events, stored, held, ignored) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&report.bundle_id)
        .bind(&signer.id)
        .bind(report.events as i64)
        .bind(report.stored as i64)
        .bind(report.held as i64)
        .bind(report.ignored as i64)
        .execute(&self.pool)
        .await?;
        Ok(report)
    }

    /// How many events the hub holds, and the highest number given.
    /// The events the hub keeps but sends to no site, newest first: for a person at
    /// headquarters to look into (which site, which case, what, why).
    pub async fn withheld(&self, limit: i64) -> HubResult<Vec<WithheldEvent>> {
        let rows = sqlx::query(
            "SELECT e.server_seq, s.code, e.site_id, e.site_seq, e.case_id, e.kind, \
             e.withheld, e.received_at::text FROM events e \
             LEFT JOIN sites s ON s.site_id = e.site_id \
             WHERE e.withheld IS NOT NULL ORDER BY e.server_seq DESC LIMIT $1",
        )
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| WithheldEvent {
                server_seq: r.get(0),
                site_code: r.get(1),
                site_id: r.get(2),
                site_seq: r.get(3),
                case_id: r.get(4),
                kind: r.get(5),
                reason: r.get(6),
                received_at: r.get(7),
            })
            .collect())
    }

    /// How many events the hub keeps but sends to no site (`withheld`).
    pub async fn withheld_count(&self) -> HubResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE withheld IS NOT NULL")
            .fetch_one(&self.pool)
            .await?)
    }

    pub async fn counts(&self) -> HubResult<(i64, i64)> {
        let r: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM events), (SELECT v FROM hub_counter WHERE id = 1)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(r)
    }
}

/// An event as the hub's queries select it (server_seq, then the event's columns).
fn wire_row(r: &sqlx::postgres::PgRow) -> WireEvent {
    WireEvent {
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
    }
}

/// The events of a push the hub keeps but sends to no site, with why: a branch's write to a
/// case it may not see (`not_visible`: neither recorded by it, in this push or before, nor
/// handed to it), a creation of a case the hub holds already (`duplicate_case`), a change of
/// owner from a site that may not make it (`not_hq`: grants come from headquarters; a
/// reassignment also from the site that recorded the case while no one moved it yet — the
/// online channel handing a complaint to its branch). Refusing the push instead would stop the
/// branch for good: its chain cannot skip the event.
async fn withheld<'e>(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    site: &SiteRow,
    site_id: &str,
    fresh: &[&'e WireEvent],
) -> HubResult<std::collections::HashMap<&'e str, &'static str>> {
    use std::collections::{HashMap, HashSet};
    let mut out: HashMap<&str, &'static str> = HashMap::new();
    let cases: Vec<String> = {
        let mut c: Vec<String> = fresh.iter().filter_map(|e| e.case_id.clone()).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    if cases.is_empty() {
        return Ok(out);
    }
    // What the hub holds of these cases (its projection, `hub_cases`): who recorded each, and
    // which were moved already.
    let rows: Vec<(String, Option<String>, i32)> =
        sqlx::query_as("SELECT case_id, created_by, moves FROM hub_cases WHERE case_id = ANY($1)")
            .bind(&cases)
            .fetch_all(&mut **tx)
            .await?;
    let mut creator: HashMap<String, String> = HashMap::new();
    let mut moved: HashSet<String> = HashSet::new();
    for (case, by, moves) in rows {
        if moves > 0 {
            moved.insert(case.clone());
        }
        if let Some(by) = by {
            creator.insert(case, by);
        }
    }
    let seen: HashSet<String> = if site.is_hq {
        HashSet::new()
    } else {
        sqlx::query_scalar::<_, String>(
            "SELECT case_id FROM case_access WHERE site_id = $1 AND case_id = ANY($2)",
        )
        .bind(site_id)
        .bind(&cases)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect()
    };
    for e in fresh {
        let Some(case) = &e.case_id else { continue };
        let reason = match e.kind.as_str() {
            "case.created" if creator.contains_key(case) => Some("duplicate_case"),
            "case.created" => {
                creator.insert(case.clone(), e.site_id.clone());
                None
            }
            _ if !site.is_hq
                && !seen.contains(case)
                && creator.get(case).map(String::as_str) != Some(site_id) =>
            {
                Some("not_visible")
            }
            "case.handover_granted" if !site.is_hq => Some("not_hq"),
            "case.reassigned"
                if !site.is_hq
                    && (moved.contains(case)
                        || creator.get(case).map(String::as_str) != Some(site_id)) =>
            {
                Some("not_hq")
            }
            "case.handover_granted" | "case.reassigned" => {
                moved.insert(case.clone());
                None
            }
            _ => None,
        };
        if let Some(reason) = reason {
            out.insert(e.event_id.as_str(), reason);
        }
    }
    Ok(out)
}

/// Keeps the hub's projection of the cases (`hub_cases`, migration 0009) for the events a push
/// took, with their numbers: number, creator, owner (the creator, then the site of each
/// hand-over or reassignment), moves, and activity.
async fn project_cases(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    taken: &[(i64, &WireEvent)],
) -> HubResult<()> {
    #[derive(Default)]
    struct Case {
        no: Option<String>,
        created_by: Option<String>,
        owner: Option<String>,
        moves: i32,
        events: i64,
        first: i64,
        last: i64,
        last_at: String,
    }
    let mut cases: std::collections::BTreeMap<&str, Case> = std::collections::BTreeMap::new();
    for (seq, e) in taken {
        let Some(id) = e.case_id.as_deref() else { continue };
        let c = cases.entry(id).or_insert_with(|| Case { first: *seq, ..Case::default() });
        c.events += 1;
        c.last = *seq;
        c.last_at.clone_from(&e.occurred_at);
        let body = || serde_json::from_str::<serde_json::Value>(&e.payload).ok();
        match e.kind.as_str() {
            // The first creation counts (a second one is withheld).
            "case.created" if c.created_by.is_none() => {
                c.no = body().and_then(|p| p["case_no"].as_str().map(str::to_owned));
                c.created_by = Some(e.site_id.clone());
                if c.moves == 0 {
                    c.owner = Some(e.site_id.clone());
                }
            }
            "case.handover_granted" | "case.reassigned" => {
                c.moves += 1;
                if let Some(to) =
                    body().and_then(|p| p["to"]["site_id"].as_str().map(str::to_owned))
                {
                    c.owner = Some(to);
                }
            }
            _ => {}
        }
    }
    let rows: Vec<(&str, Case)> = cases.into_iter().collect();
    for chunk in rows.chunks(500) {
        let mut qb = QueryBuilder::<Postgres>::new(
            "INSERT INTO hub_cases (case_id, case_no, created_by, owner, moves, events, \
             first_seq, last_seq, last_at) ",
        );
        qb.push_values(chunk, |mut b, (id, c)| {
            b.push_bind(*id)
                .push_bind(&c.no)
                .push_bind(&c.created_by)
                .push_bind(&c.owner)
                .push_bind(c.moves)
                .push_bind(c.events)
                .push_bind(c.first)
                .push_bind(c.last)
                .push_bind(&c.last_at);
        });
        // A move in this push names the owner; else an owner held stays (moved before its
        // creation arrived), else the creator.
        qb.push(
            " ON CONFLICT (case_id) DO UPDATE SET \
             case_no = COALESCE(hub_cases.case_no, EXCLUDED.case_no), \
             created_by = COALESCE(hub_cases.created_by, EXCLUDED.created_by), \
             owner = CASE WHEN EXCLUDED.moves > 0 THEN COALESCE(EXCLUDED.owner, hub_cases.owner) \
                          ELSE COALESCE(hub_cases.owner, EXCLUDED.owner) END, \
             moves = hub_cases.moves + EXCLUDED.moves, \
             events = hub_cases.events + EXCLUDED.events, \
             first_seq = LEAST(hub_cases.first_seq, EXCLUDED.first_seq), \
             last_seq = GREATEST(hub_cases.last_seq, EXCLUDED.last_seq), \
             last_at = CASE WHEN EXCLUDED.last_seq > hub_cases.last_seq THEN EXCLUDED.last_at \
                            ELSE hub_cases.last_at END",
        );
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Who may see which case from now: the site that recorded it, and each site it is handed or
/// reassigned to.
async fn grant_access(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    fresh: &[&WireEvent],
) -> HubResult<()> {
    let mut rows: Vec<(String, String)> = Vec::new();
    for e in fresh {
        let Some(case) = &e.case_id else { continue };
        match e.kind.as_str() {
            "case.created" => rows.push((case.clone(), e.site_id.clone())),
            "case.handover_granted" | "case.reassigned" => {
                let to = serde_json::from_str::<serde_json::Value>(&e.payload)
                    .ok()
                    .and_then(|p| p["to"]["site_id"].as_str().map(str::to_owned));
                if let Some(to) = to {
                    rows.push((case.clone(), to));
                }
            }
            _ => {}
        }
    }
    for chunk in rows.chunks(1000) {
        let mut qb = QueryBuilder::<Postgres>::new("INSERT INTO case_access (case_id, site_id) ");
        qb.push_values(chunk, |mut b, (case, site)| {
            b.push_bind(case).push_bind(site);
        });
        qb.push(" ON CONFLICT DO NOTHING");
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
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
