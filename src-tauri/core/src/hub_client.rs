//! The branch's way to the hub: HTTPS (rustls) with the site's bearer token, trusting the
//! system's roots or, for a hub with its own certificate (a self-signed one in tests, a
//! company CA), exactly the certificates given.

use std::time::Duration;

use futures_util::TryStreamExt;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio_util::io::{ReaderStream, StreamReader, SyncIoBridge};

use crate::error::{CoreError, CoreResult};
use crate::evidence;
use crate::sync::{PullReply, PullRequest, PushReply, PushRequest, Transport};

/// The longest an evidence file may take to travel (a large video over a slow line).
const BLOB_TIMEOUT: Duration = Duration::from_secs(3600);

pub struct HubClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

/// Why the hub could not be reached or refused: stable codes in the message for the log and
/// the app's status line.
fn unreachable(e: reqwest::Error) -> CoreError {
    CoreError::HubUnreachable(e.to_string())
}

impl HubClient {
    /// `ca_pem`: the certificates to trust instead of the system's (PEM).
    pub fn new(base: &str, token: &str, ca_pem: Option<&[u8]>) -> CoreResult<HubClient> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .https_only(true)
            .no_proxy();
        if let Some(pem) = ca_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| CoreError::HubUnreachable(format!("certificate: {e}")))?;
            builder = builder.tls_certs_only(certs);
        }
        let http = builder.build().map_err(unreachable)?;
        Ok(HubClient { base: base.trim_end_matches('/').to_owned(), token: token.to_owned(), http })
    }

    async fn post<Q: Serialize, R: DeserializeOwned>(&self, path: &str, body: &Q) -> CoreResult<R> {
        let request = self.http.post(format!("{}{path}", self.base)).json(body);
        self.send(request).await
    }

    /// Hands a bundle file to the hub (any site may pass one on: the hub trusts its signer's
    /// key, not the messenger); the hub's report.
    pub async fn upload_bundle(&self, bytes: Vec<u8>) -> CoreResult<serde_json::Value> {
        let request = self
            .http
            .post(format!("{}/v1/bundles", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .timeout(Duration::from_secs(600))
            .body(bytes);
        self.send(request).await
    }

    async fn send<R: DeserializeOwned>(&self, request: reqwest::RequestBuilder) -> CoreResult<R> {
        let response = request.bearer_auth(&self.token).send().await.map_err(unreachable)?;
        if response.status().is_success() {
            return response.json().await.map_err(unreachable);
        }
        Err(refusal(response).await)
    }

    pub async fn health(&self) -> CoreResult<serde_json::Value> {
        let response =
            self.http.get(format!("{}/v1/health", self.base)).send().await.map_err(unreachable)?;
        response.json().await.map_err(unreachable)
    }
}

/// The hub's refusal, by its stable code.
async fn refusal(response: reqwest::Response) -> CoreError {
    let status = response.status().as_u16();
    let detail: serde_json::Value = response.json().await.unwrap_or_default();
    let code = detail["error"]["code"].as_str().unwrap_or("hub.error").to_owned();
    let message = detail["error"]["message"].as_str().unwrap_or("").to_owned();
    CoreError::HubRefused { status, code, message }
}

#[derive(Serialize)]
struct BlobQuery<'a> {
    sha256: &'a [String],
}

#[derive(Deserialize)]
struct Missing {
    missing: Vec<String>,
}

#[derive(Deserialize)]
struct Sites {
    sites: Vec<crate::ownership::HubSite>,
}

impl Transport for HubClient {
    async fn sites(&self) -> CoreResult<Vec<crate::ownership::HubSite>> {
        let reply: Sites = self.send(self.http.get(format!("{}/v1/sites", self.base))).await?;
        Ok(reply.sites)
    }

    /// None from a hub older than `GET /v1/site` (404): the site keeps its code.
    async fn identity(&self) -> CoreResult<Option<crate::ownership::HubSite>> {
        match self.send(self.http.get(format!("{}/v1/site", self.base))).await {
            Ok(site) => Ok(Some(site)),
            Err(CoreError::HubRefused { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn missing_blobs(&self, sha256: &[String]) -> CoreResult<Vec<String>> {
        let reply: Missing = self.post("/v1/blobs/missing", &BlobQuery { sha256 }).await?;
        Ok(reply.missing)
    }

    /// Streams the file from the store (never read whole).
    async fn put_blob(&self, store: &evidence::Store, sha256: &str) -> CoreResult<()> {
        let file = tokio::fs::File::open(store.path_of(sha256)?).await?;
        let size = file.metadata().await?.len();
        let request = self
            .http
            .put(format!("{}/v1/blobs/{sha256}", self.base))
            .header(CONTENT_TYPE, "application/octet-stream")
            .header(CONTENT_LENGTH, size)
            .timeout(BLOB_TIMEOUT)
            .body(reqwest::Body::wrap_stream(ReaderStream::new(file)));
        let _: serde_json::Value = self.send(request).await?;
        Ok(())
    }

    /// Streams the file into the store, which keeps it only if it matches its hash.
    async fn get_blob(&self, store: &evidence::Store, sha256: &str) -> CoreResult<bool> {
        store.path_of(sha256)?;
        let response = self
            .http
            .get(format!("{}/v1/blobs/{sha256}", self.base))
            .bearer_auth(&self.token)
            .timeout(BLOB_TIMEOUT)
            .send()
            .await
            .map_err(unreachable)?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(false);
        }
        if !response.status().is_success() {
            return Err(refusal(response).await);
        }
        let body = Box::pin(response.bytes_stream().map_err(std::io::Error::other));
        let mut reader = SyncIoBridge::new(StreamReader::new(body));
        let (store, sha256) = (store.clone(), sha256.to_owned());
        tokio::task::spawn_blocking(move || store.receive(&mut reader, &sha256))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))??;
        Ok(true)
    }

    async fn push(&self, request: &PushRequest) -> CoreResult<PushReply> {
        self.post("/v1/push", request).await
    }

    async fn pull(&self, request: &PullRequest) -> CoreResult<PullReply> {
        self.post("/v1/pull", request).await
    }

    /// Nothing from a hub older than `POST /v1/own` (404).
    async fn own_events(&self, request: &crate::sync::OwnEventsRequest) -> CoreResult<PullReply> {
        match self.post("/v1/own", request).await {
            Err(CoreError::HubRefused { status: 404, .. }) => Ok(PullReply::nothing()),
            other => other,
        }
    }

    async fn case_events(&self, case_ids: &[String]) -> CoreResult<PullReply> {
        let request = crate::sync::CaseEventsRequest { case_ids: case_ids.to_vec() };
        self.post("/v1/cases/events", &request).await
    }
}
