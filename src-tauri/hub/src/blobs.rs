//! Evidence files at the hub (docs/SYNC.md, "Evidence files"): kept by SHA-256 in a blob store,
//! taken only when what arrives matches its hash, and known to PostgreSQL (`blobs`) only once
//! stored. The store is a trait so a folder (the one built) and an S3-compatible object store
//! fit the same calls; the calls are blocking and streamed, never holding a file in memory.

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use futures_util::TryStreamExt;
use redress_core::evidence;
use tokio_util::io::{StreamReader, SyncIoBridge};

use crate::store::{HubError, HubResult, SiteRow, Store};

/// The most hashes one `missing` question may ask about.
pub const MAX_QUERY: usize = 1_000;

/// Where the hub keeps files. Blocking calls: the hub runs them off its async threads.
pub trait BlobStore: Send + Sync {
    /// Keeps what `input` yields if its SHA-256 is `sha256` (its size); anything else is
    /// refused and leaves nothing behind.
    fn receive(&self, input: &mut dyn Read, sha256: &str) -> HubResult<u64>;
    /// A kept file's size and content, or none.
    fn open(&self, sha256: &str) -> io::Result<Option<(u64, Box<dyn Read + Send>)>>;
    /// Whether a file is kept (PostgreSQL's record of it is not taken on trust: a database
    /// restored without its files must not say it has them).
    fn has(&self, sha256: &str) -> bool;
}

/// Files in a folder, laid out as a site's evidence store (`sha256/ab/cd/abcd…`, read-only).
pub struct DiskBlobs(evidence::Store);

impl DiskBlobs {
    pub fn new(root: PathBuf) -> DiskBlobs {
        DiskBlobs(evidence::Store::at(root))
    }
}

impl BlobStore for DiskBlobs {
    fn receive(&self, input: &mut dyn Read, sha256: &str) -> HubResult<u64> {
        match self.0.receive(&mut &mut *input, sha256) {
            Ok(stored) => Ok(stored.size),
            Err(redress_core::CoreError::EvidenceChanged(_)) => Err(HubError::BlobMismatch),
            Err(redress_core::CoreError::Internal(_)) => {
                Err(HubError::BadRequest(format!("not a SHA-256: {sha256}")))
            }
            Err(redress_core::CoreError::Io(e)) if e.kind() == io::ErrorKind::FileTooLarge => {
                Err(HubError::BadRequest(format!("the file is larger than the hub takes ({e})")))
            }
            Err(e) => Err(HubError::Storage(e.to_string())),
        }
    }

    fn has(&self, sha256: &str) -> bool {
        self.0.has(sha256)
    }

    fn open(&self, sha256: &str) -> io::Result<Option<(u64, Box<dyn Read + Send>)>> {
        let Ok(path) = self.0.path_of(sha256) else { return Ok(None) };
        match std::fs::File::open(path) {
            Ok(file) => Ok(Some((file.metadata()?.len(), Box::new(file)))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn valid(sha256: &str) -> HubResult<()> {
    let ok = sha256.len() == 64 && sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if ok {
        Ok(())
    } else {
        Err(HubError::BadRequest(format!("not a SHA-256 in lower-case hex: {sha256}")))
    }
}

impl Store {
    fn blob_store(&self) -> HubResult<&Arc<dyn BlobStore>> {
        self.blobs.as_ref().ok_or(HubError::BlobsOff)
    }

    /// Of these hashes, the ones the hub has no file for.
    pub async fn missing_blobs(&self, sha256: &[String]) -> HubResult<Vec<String>> {
        if sha256.len() > MAX_QUERY {
            return Err(HubError::BadRequest(format!("at most {MAX_QUERY} hashes a question")));
        }
        for h in sha256 {
            valid(h)?;
        }
        let held: Vec<String> =
            sqlx::query_scalar("SELECT sha256 FROM blobs WHERE sha256 = ANY($1)")
                .bind(sha256)
                .fetch_all(self.pool())
                .await?;
        let blobs = self.blob_store()?.clone();
        let asked = sha256.to_vec();
        tokio::task::spawn_blocking(move || {
            asked.into_iter().filter(|h| !(held.contains(h) && blobs.has(h))).collect()
        })
        .await
        .map_err(|e| HubError::Storage(e.to_string()))
    }

    /// Keeps a file a site sends (blocking reader, run off the async threads), then records it.
    pub async fn keep_blob(
        &self,
        sent_by: Option<&SiteRow>,
        sha256: &str,
        input: Box<dyn Read + Send>,
    ) -> HubResult<u64> {
        valid(sha256)?;
        let blobs = self.blob_store()?.clone();
        let hash = sha256.to_owned();
        let size = tokio::task::spawn_blocking(move || {
            let mut input = input;
            blobs.receive(&mut input, &hash)
        })
        .await
        .map_err(|e| HubError::Storage(e.to_string()))??;
        sqlx::query(
            "INSERT INTO blobs (sha256, size, sent_by) VALUES ($1, $2, $3) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(size as i64)
        .bind(sent_by.map(|s| s.id.as_str()))
        .execute(self.pool())
        .await?;
        Ok(size)
    }

    /// Keeps a file arriving as an HTTP body, streamed, refused past `limit` bytes (nothing
    /// kept).
    pub async fn keep_blob_body(
        &self,
        site: &SiteRow,
        sha256: &str,
        body: Body,
        limit: u64,
    ) -> HubResult<u64> {
        let mut seen = 0u64;
        let stream = body.into_data_stream().map_err(io::Error::other).and_then(move |chunk| {
            seen += chunk.len() as u64;
            std::future::ready(if seen > limit {
                Err(io::Error::new(io::ErrorKind::FileTooLarge, "larger than the hub takes"))
            } else {
                Ok(chunk)
            })
        });
        let reader = SyncIoBridge::new(StreamReader::new(stream));
        self.keep_blob(Some(site), sha256, Box::new(reader)).await
    }

    /// A kept file: its size and a (blocking) reader, or `hub.blob_missing`.
    pub async fn open_blob(&self, sha256: &str) -> HubResult<(u64, Box<dyn Read + Send>)> {
        valid(sha256)?;
        let blobs = self.blob_store()?.clone();
        let hash = sha256.to_owned();
        tokio::task::spawn_blocking(move || blobs.open(&hash))
            .await
            .map_err(|e| HubError::Storage(e.to_string()))?
            .map_err(|e| HubError::Storage(e.to_string()))?
            .ok_or(HubError::BlobMissing)
    }

    /// A kept file as an HTTP body (its size, and its content streamed), or `hub.blob_missing`.
    pub async fn blob_body(&self, sha256: &str) -> HubResult<(u64, Body)> {
        let (size, mut reader) = self.open_blob(sha256).await?;
        let (tx, rx) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(4);
        tokio::task::spawn_blocking(move || {
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let item = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => Ok(Bytes::copy_from_slice(&buf[..n])),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Err(e),
                };
                let failed = item.is_err();
                if tx.blocking_send(item).is_err() || failed {
                    break;
                }
            }
        });
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        Ok((size, Body::from_stream(stream)))
    }
}
