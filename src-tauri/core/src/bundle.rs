//! Bundles (docs/SYNC.md): for a branch without any connection, the events of a push (or every
//! event a site holds) in one signed file, carried on a USB stick or by e-mail, and taken in at
//! headquarters or at another branch with the same rules as a pull: every event checked against
//! its hash and its site's chain, events held already skipped (importing twice is harmless),
//! events that arrive before an earlier one of their site set aside until the gap fills.
//!
//! The file: a first line `REDRESS-BUNDLE/1`, a second line the manifest (JSON), then the body:
//! one JSON record a line, `{"event": …}`, `{"key": …}` or `{"blob": {"sha256", "data"}}` (an
//! evidence file or issued PDF the events refer to, base64, checked against its hash). The manifest gives the body's SHA-256
//! and is signed (Ed25519) by the exporting site with the key `redress-hub site add` issued it;
//! the signature covers the manifest with an empty `signature`, so the body is covered through
//! its hash.
//!
//! A bundle holds consumers' keys (as a push does over TLS): the file is personal data and is
//! handled like the database itself.

use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use ts_rs::TS;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::error::{CoreError, CoreResult};
use crate::event_log::COLUMNS;
use crate::evidence;
use crate::storage::Db;
use crate::sync::{self, KeyGrant, WireEvent};
use crate::time;

pub const MAGIC: &str = "REDRESS-BUNDLE/1";
const FORMAT: u32 = 1;

/// One site's events in a bundle: a contiguous run of its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SiteRange {
    pub site_id: String,
    pub first_seq: i64,
    pub last_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Manifest {
    pub format: u32,
    pub bundle_id: String,
    /// The exporting site, and its code for people.
    pub site_id: String,
    pub site_code: String,
    pub created_at: String,
    /// The exporting site's public key (hex).
    pub public_key: String,
    pub ranges: Vec<SiteRange>,
    pub events: u64,
    pub keys: u64,
    /// Files carried (absent, not zero, in bundles without any: the signed form of older
    /// bundles stays what it was).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blobs: u64,
    pub body_sha256: String,
    /// Ed25519 over this manifest with `signature` empty (hex).
    #[serde(default)]
    pub signature: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Record {
    Event(WireEvent),
    Key(KeyGrant),
    Blob(BlobRecord),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct BlobRecord {
    sha256: String,
    /// The file, base64.
    data: String,
}

/// A file a bundle carries: an evidence file or an issued PDF its events refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobFile {
    pub sha256: String,
    pub data: Vec<u8>,
}

/// What goes into a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "BundleScope")]
pub enum Scope {
    /// This site's events the hub has not acknowledged: what a push would send.
    Waiting,
    /// This site's events not yet in any bundle written here (nor acknowledged by the hub):
    /// small files, each following the one before.
    New,
    /// Every event this file holds, of every site (headquarters to a branch, or a branch
    /// passing on what it has).
    All,
}

/// A bundle read from a file, its signature and body checked.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub manifest: Manifest,
    pub events: Vec<WireEvent>,
    pub keys: Vec<KeyGrant>,
    /// Each checked against its hash.
    pub blobs: Vec<BlobFile>,
}

fn refuse(reason: &'static str) -> CoreError {
    CoreError::Bundle { reason }
}

fn signing_payload(manifest: &Manifest) -> CoreResult<Vec<u8>> {
    let unsigned = Manifest { signature: String::new(), ..manifest.clone() };
    serde_json::to_vec(&unsigned).map_err(|e| CoreError::Internal(e.to_string()))
}

/// A signing key from its hex form.
pub fn signing_key(hex_key: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

/// A new key pair (hex): the private key to give the site, the public key to keep.
pub fn new_key_pair() -> (String, String) {
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    (hex::encode(key.to_bytes()), hex::encode(key.verifying_key().to_bytes()))
}

/// The public key (hex) of a private key (hex).
pub fn public_key_of(hex_key: &str) -> Option<String> {
    signing_key(hex_key).map(|k| hex::encode(k.verifying_key().to_bytes()))
}

/// Writes events, keys and files as a signed bundle.
pub fn encode(
    manifest_base: Manifest,
    events: &[WireEvent],
    keys: &[KeyGrant],
    blobs: &[BlobFile],
    key: &SigningKey,
) -> CoreResult<Vec<u8>> {
    let mut body = Vec::new();
    let json = |r: &Record, out: &mut Vec<u8>| -> CoreResult<()> {
        serde_json::to_writer(&mut *out, r).map_err(|e| CoreError::Internal(e.to_string()))?;
        out.push(b'\n');
        Ok(())
    };
    for e in events {
        json(&Record::Event(e.clone()), &mut body)?;
    }
    for k in keys {
        json(&Record::Key(k.clone()), &mut body)?;
    }
    for b in blobs {
        let record = BlobRecord { sha256: b.sha256.clone(), data: B64.encode(&b.data) };
        json(&Record::Blob(record), &mut body)?;
    }
    let mut manifest = Manifest {
        format: FORMAT,
        public_key: hex::encode(key.verifying_key().to_bytes()),
        events: events.len() as u64,
        keys: keys.len() as u64,
        blobs: blobs.len() as u64,
        body_sha256: hex::encode(Sha256::digest(&body)),
        signature: String::new(),
        ..manifest_base
    };
    manifest.signature = hex::encode(key.sign(&signing_payload(&manifest)?).to_bytes());
    let mut out = Vec::with_capacity(body.len() + 1024);
    out.extend_from_slice(MAGIC.as_bytes());
    out.push(b'\n');
    serde_json::to_writer(&mut out, &manifest).map_err(|e| CoreError::Internal(e.to_string()))?;
    out.push(b'\n');
    out.extend_from_slice(&body);
    Ok(out)
}

/// Reads a bundle: the format, the body's hash, the signature (against the key the manifest
/// names: whether that key is the site's is for the reader to decide) and every record.
pub fn decode(bytes: &[u8]) -> CoreResult<Bundle> {
    let mut parts = bytes.splitn(3, |b| *b == b'\n');
    let (Some(magic), Some(head), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(refuse("invalid"));
    };
    if magic != MAGIC.as_bytes() {
        return Err(refuse("invalid"));
    }
    let manifest: Manifest = serde_json::from_slice(head).map_err(|_| refuse("invalid"))?;
    if manifest.format != FORMAT {
        return Err(refuse("invalid"));
    }
    let public: [u8; 32] = hex::decode(&manifest.public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(refuse("signature"))?;
    let public = VerifyingKey::from_bytes(&public).map_err(|_| refuse("signature"))?;
    let signature: [u8; 64] = hex::decode(&manifest.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(refuse("signature"))?;
    public
        .verify(&signing_payload(&manifest)?, &Signature::from_bytes(&signature))
        .map_err(|_| refuse("signature"))?;
    if hex::encode(Sha256::digest(body)) != manifest.body_sha256 {
        return Err(refuse("signature"));
    }
    let mut bundle = Bundle { manifest, events: Vec::new(), keys: Vec::new(), blobs: Vec::new() };
    for line in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        match serde_json::from_slice(line).map_err(|_| refuse("invalid"))? {
            Record::Event(e) => bundle.events.push(e),
            Record::Key(k) => bundle.keys.push(k),
            Record::Blob(b) => {
                let data = B64.decode(b.data.as_bytes()).map_err(|_| refuse("invalid"))?;
                if hex::encode(Sha256::digest(&data)) != b.sha256 {
                    return Err(refuse("invalid"));
                }
                bundle.blobs.push(BlobFile { sha256: b.sha256, data });
            }
        }
    }
    let m = &bundle.manifest;
    let in_ranges = |e: &WireEvent| {
        m.ranges
            .iter()
            .any(|r| r.site_id == e.site_id && (r.first_seq..=r.last_seq).contains(&e.site_seq))
    };
    if bundle.events.len() as u64 != m.events
        || bundle.keys.len() as u64 != m.keys
        || bundle.blobs.len() as u64 != m.blobs
        || !bundle.events.iter().all(in_ranges)
    {
        return Err(refuse("invalid"));
    }
    Ok(bundle)
}

/// The contiguous runs of each site's chain among events sorted by (site, seq).
fn ranges(events: &[WireEvent]) -> Vec<SiteRange> {
    let mut out: Vec<SiteRange> = Vec::new();
    for e in events {
        match out.last_mut() {
            Some(r) if r.site_id == e.site_id => r.last_seq = e.site_seq,
            _ => out.push(SiteRange {
                site_id: e.site_id.clone(),
                first_seq: e.site_seq,
                last_seq: e.site_seq,
            }),
        }
    }
    out
}

/// This site's signing key, as set with its credential.
pub async fn own_key(db: &Db) -> CoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT signing_key FROM sync_state").fetch_one(db.pool()).await?)
}

/// Sets (or clears) this site's signing key.
pub async fn set_own_key(db: &Db, hex_key: Option<&str>) -> CoreResult<()> {
    sqlx::query("UPDATE sync_state SET signing_key = ?").bind(hex_key).execute(db.pool()).await?;
    Ok(())
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BundleExportReport {
    pub bundle_id: String,
    pub file_name: String,
    pub events: u64,
    pub keys: u64,
    /// Evidence files and issued PDFs carried.
    pub blobs: u64,
    pub ranges: Vec<SiteRange>,
    pub bytes: u64,
}

/// Exports a bundle to `path` (written beside it and renamed, so a full disk or a pulled stick
/// never leaves half a bundle under the name).
pub async fn export(
    db: &Db,
    path: &Path,
    scope: Scope,
    user_id: Option<&str>,
) -> CoreResult<BundleExportReport> {
    let key = own_key(db).await?.and_then(|k| signing_key(&k)).ok_or(refuse("no_key"))?;
    let rows = match scope {
        Scope::Waiting | Scope::New => {
            let mut from = sync::first_waiting(db).await?;
            if scope == Scope::New {
                let exported: Option<i64> = sqlx::query_scalar(
                    "SELECT MAX(own_last_seq) FROM bundle_log WHERE direction = 'export'",
                )
                .fetch_one(db.pool())
                .await?;
                from = from.max(exported.unwrap_or(0) + 1);
            }
            sqlx::query(&format!(
                "SELECT {COLUMNS}, server_seq FROM events WHERE site_id = ? AND site_seq >= ? \
                 ORDER BY site_seq"
            ))
            .bind(&db.site().site_id)
            .bind(from)
            .fetch_all(db.pool())
            .await?
        }
        Scope::All => {
            sqlx::query(&format!(
                "SELECT {COLUMNS}, server_seq FROM events ORDER BY site_id, site_seq"
            ))
            .fetch_all(db.pool())
            .await?
        }
    };
    let events: Vec<WireEvent> = rows.iter().map(sync::wire).collect();
    if events.is_empty() {
        return Err(refuse("empty"));
    }
    let keys = sync::keys_for(db, &events).await?;
    let blobs = blobs_for(db, &events).await?;
    let base = Manifest {
        format: FORMAT,
        bundle_id: uuid::Uuid::now_v7().to_string(),
        site_id: db.site().site_id.clone(),
        site_code: db.site().site_code.clone(),
        created_at: time::to_db(db.now()),
        public_key: String::new(),
        ranges: ranges(&events),
        events: 0,
        keys: 0,
        blobs: 0,
        body_sha256: String::new(),
        signature: String::new(),
    };
    let bytes = encode(base, &events, &keys, &blobs, &key)?;
    let manifest = decode(&bytes)?.manifest;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = path.with_extension("partial");
    tokio::fs::write(&partial, &bytes).await?;
    let file = tokio::fs::File::open(&partial).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&partial, path).await?;
    let own_last =
        events.iter().filter(|e| e.site_id == db.site().site_id).map(|e| e.site_seq).max();
    log(db, "export", &manifest, &file_name, [0, 0, 0], own_last, user_id).await?;
    Ok(BundleExportReport {
        bundle_id: manifest.bundle_id,
        file_name,
        events: manifest.events,
        keys: manifest.keys,
        blobs: manifest.blobs,
        ranges: manifest.ranges,
        bytes: bytes.len() as u64,
    })
}

/// The files these events refer to that this site holds (each read and checked against its
/// hash): a bundle carries them as a sync would send them.
async fn blobs_for(db: &Db, events: &[WireEvent]) -> CoreResult<Vec<BlobFile>> {
    let mut wanted: Vec<String> = events.iter().filter_map(|e| sync::blob_of(e)).collect();
    wanted.sort();
    wanted.dedup();
    let store = evidence::Store::for_database(db.path());
    tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        for sha256 in wanted.into_iter().filter(|h| store.has(h)) {
            let data = store.read_verified(&sha256)?;
            out.push(BlobFile { sha256, data });
        }
        Ok(out)
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()))?
}

/// Keeps a bundle's files in this site's store: how many were new.
async fn keep_blobs(db: &Db, blobs: &[BlobFile]) -> CoreResult<u64> {
    let store = evidence::Store::for_database(db.path());
    let blobs = blobs.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut new = 0;
        for b in &blobs {
            if !store.receive(&mut b.data.as_slice(), &b.sha256)?.existed {
                new += 1;
            }
        }
        Ok(new)
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()))?
}

async fn log(
    db: &Db,
    direction: &str,
    m: &Manifest,
    file_name: &str,
    [stored, duplicates, held]: [u64; 3],
    own_last_seq: Option<i64>,
    user_id: Option<&str>,
) -> CoreResult<()> {
    sqlx::query(
        "INSERT INTO bundle_log (direction, bundle_id, site_id, file_name, events, stored, \
         duplicates, held, own_last_seq, user_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(direction)
    .bind(&m.bundle_id)
    .bind(&m.site_id)
    .bind(file_name)
    .bind(m.events as i64)
    .bind(stored as i64)
    .bind(duplicates as i64)
    .bind(held as i64)
    .bind(own_last_seq)
    .bind(user_id)
    .bind(time::to_db(db.now()))
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What an import did.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BundleImportReport {
    pub bundle_id: String,
    pub site_code: String,
    pub created_at: String,
    pub events: u64,
    /// Events new to this site, folded.
    pub stored: u64,
    /// Events this site held already.
    pub duplicates: u64,
    /// Events set aside until an earlier bundle fills the gap before them.
    pub held: u64,
    /// Events set aside here in all, after this import.
    pub held_total: i64,
    /// Evidence files and issued PDFs new to this site.
    #[serde(default)]
    pub blobs: u64,
    pub refolded: bool,
    /// With a hub configured, the bundle was passed on to it as well (so headquarters' hub
    /// has what the bundle brought without waiting for its site to come online); the hub's
    /// refusal or unreachability is said here and changes nothing done locally.
    #[serde(default)]
    pub forwarded: Option<bool>,
    #[serde(default)]
    pub forward_error: Option<String>,
}

/// Takes a bundle file in: signature, trust of its site's key, then its events as a pull's
/// are taken (one transaction), set aside past a gap.
pub async fn import(db: &Db, path: &Path, user_id: Option<&str>) -> CoreResult<BundleImportReport> {
    let bytes = tokio::fs::read(path).await?;
    let bundle = decode(&bytes)?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut report = take(db, &bundle).await?;
    if let Some(hub) = sync::hub(db).await? {
        let sent = async {
            let client = crate::hub_client::HubClient::new(
                &hub.url,
                &hub.token,
                hub.ca_pem.as_deref().map(str::as_bytes),
            )?;
            client.upload_bundle(bytes).await
        };
        match sent.await {
            Ok(_) => report.forwarded = Some(true),
            Err(e) => {
                report.forwarded = Some(false);
                report.forward_error = Some(e.to_string());
            }
        }
    }
    log(
        db,
        "import",
        &bundle.manifest,
        &file_name,
        [report.stored, report.duplicates, report.held],
        None,
        user_id,
    )
    .await?;
    Ok(report)
}

/// Takes a decoded bundle's events and keys into this file.
pub async fn take(db: &Db, bundle: &Bundle) -> CoreResult<BundleImportReport> {
    let m = &bundle.manifest;
    let mut tx = db.begin_write().await?;
    let now = time::to_db(db.now());
    // Whose key signed it: this site's own, or the one first seen for that site.
    let expected: Option<String> = if m.site_id == db.site().site_id {
        own_key(db).await?.and_then(|k| public_key_of(&k))
    } else {
        sqlx::query("SELECT public_key FROM site_keys WHERE site_id = ?")
            .bind(&m.site_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.get(0))
    };
    match expected {
        Some(k) if k != m.public_key => return Err(refuse("untrusted")),
        Some(_) => {}
        None if m.site_id == db.site().site_id => return Err(refuse("untrusted")),
        None => {
            sqlx::query(
                "INSERT INTO site_keys (site_id, public_key, first_seen_at) VALUES (?, ?, ?)",
            )
            .bind(&m.site_id)
            .bind(&m.public_key)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
    }
    // The files of a trusted bundle before its events: kept by their hash, they are harmless
    // even if the events were refused.
    let blobs = keep_blobs(db, &bundle.blobs).await?;
    let last = sync::last_folded(&mut tx).await?;
    sync::store_keys(&mut tx, &bundle.keys, &now).await?;
    let mut events = bundle.events.clone();
    events.sort_by(|a, b| (&a.site_id, a.site_seq).cmp(&(&b.site_id, b.site_seq)));
    let mut absorbed = sync::absorb(&mut tx, db, &events, sync::Source::Bundle, &now).await?;
    let refolded = sync::fold(&mut tx, &mut absorbed.new, last.as_ref()).await?;
    let held_total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM held_events").fetch_one(&mut *tx).await?;
    tx.commit().await?;
    if refolded {
        sync::refold_if_stale(db).await?;
    }
    Ok(BundleImportReport {
        bundle_id: m.bundle_id.clone(),
        site_code: m.site_code.clone(),
        created_at: m.created_at.clone(),
        events: m.events,
        stored: absorbed.new.len() as u64,
        duplicates: absorbed.duplicates + absorbed.acknowledged,
        held: absorbed.held,
        held_total,
        blobs,
        refolded,
        forwarded: None,
        forward_error: None,
    })
}

/// A line of the bundle log, for the settings page.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BundleLogEntry {
    pub direction: String,
    pub bundle_id: String,
    pub site_id: String,
    pub file_name: String,
    pub events: i64,
    pub stored: i64,
    pub duplicates: i64,
    pub held: i64,
    pub user_id: Option<String>,
    pub at: String,
}

/// The latest bundles written and read here.
pub async fn history(db: &Db, limit: i64) -> CoreResult<Vec<BundleLogEntry>> {
    let rows = sqlx::query(
        "SELECT direction, bundle_id, site_id, file_name, events, stored, duplicates, held, \
         user_id, at FROM bundle_log ORDER BY id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| BundleLogEntry {
            direction: r.get(0),
            bundle_id: r.get(1),
            site_id: r.get(2),
            file_name: r.get(3),
            events: r.get(4),
            stored: r.get(5),
            duplicates: r.get(6),
            held: r.get(7),
            user_id: r.get(8),
            at: r.get(9),
        })
        .collect())
}
