//! The hub's HTTP face (axum), served over TLS: `/v1/health`; for a site with its bearer token
//! `/v1/push`, `/v1/pull`, `/v1/bundles` and the evidence files under `/v1/blobs` (docs/SYNC.md); for a back end of the online channel
//! with its own token `/v1/intake`, described by `/v1/openapi.json`. Errors are
//! `{"error": {"code", "message", "fields"}}` with a stable code.

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use redress_core::sync::{
    CaseEventsRequest, OwnEventsRequest, PullReply, PullRequest, PushReply, PushRequest,
};
use redress_core::{CoreError, Lang};
use serde_json::json;

use crate::intake::{Intake, IntakeError, Submission};
use crate::store::{HubError, SiteRow, Store};

/// The largest request body: a full push of events with their payloads.
pub const MAX_BODY: usize = 32 * 1024 * 1024;
/// The largest evidence file (a long video of a product failing).
pub const MAX_BLOB: u64 = 8 * 1024 * 1024 * 1024;
/// The largest complaint submitted online (its text, not attachments).
pub const MAX_SUBMISSION: usize = 256 * 1024;
/// The largest bundle handed over by a site (a branch's whole history, months offline).
pub const MAX_BUNDLE: usize = 512 * 1024 * 1024;

#[derive(Clone)]
pub struct Hub {
    pub store: Arc<Store>,
    /// The online intake channel, when the configuration gives its site a folder.
    pub intake: Option<Arc<Intake>>,
}

pub struct ApiError(HubError);

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        ApiError(e)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError(HubError::TooLarge);
        }
        ApiError(HubError::BadRequest(r.body_text()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            HubError::Unauthorized => StatusCode::UNAUTHORIZED,
            HubError::WrongSite => StatusCode::FORBIDDEN,
            HubError::Tampered { .. }
            | HubError::BrokenChain { .. }
            | HubError::Diverged { .. } => StatusCode::CONFLICT,
            HubError::UnknownSigner => StatusCode::FORBIDDEN,
            HubError::BadRequest(_) | HubError::Bundle(_) => StatusCode::BAD_REQUEST,
            HubError::Unreadable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            HubError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            HubError::BlobMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            HubError::BlobMissing => StatusCode::NOT_FOUND,
            HubError::BlobsOff => StatusCode::SERVICE_UNAVAILABLE,
            HubError::Database(_) | HubError::Migrate(_) | HubError::Storage(_) => {
                tracing::error!(error = %self.0, "storage");
                StatusCode::SERVICE_UNAVAILABLE
            }
        };
        let body = json!({"error": {"code": self.0.code(), "message": self.0.to_string(),
            "fields": []}});
        (status, Json(body)).into_response()
    }
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    Ok(headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(HubError::Unauthorized)?)
}

async fn site_of(hub: &Hub, headers: &HeaderMap) -> Result<SiteRow, ApiError> {
    Ok(hub.store.authenticate(bearer(headers)?).await?)
}

async fn health(State(hub): State<Hub>) -> Response {
    let counts = match hub.store.counts().await {
        Ok(c) => c,
        Err(e) => return ApiError(e).into_response(),
    };
    match hub.store.withheld_count().await {
        Ok(withheld) => Json(json!({"status": "ok", "events": counts.0, "server_seq": counts.1,
            "withheld": withheld}))
        .into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn push(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushReply>, ApiError> {
    let site = site_of(&hub, &headers).await?;
    let Json(request) = body?;
    let reply = hub.store.push(&site, &request).await?;
    // Events of this site a bundle brought past a gap this push may have filled (an empty push
    // fills none; the first one binds the credential).
    if !request.events.is_empty() || site.site_id.is_none() {
        let bound =
            crate::store::SiteRow { site_id: Some(request.site_id.clone()), ..site.clone() };
        hub.store.release_held(&bound).await?;
    }
    tracing::info!(
        site = %site.code,
        sent = request.events.len(),
        acknowledged = reply.acknowledged.len(),
        next_seq = reply.next_seq,
        "push"
    );
    Ok(Json(reply))
}

async fn pull(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: Result<Json<PullRequest>, JsonRejection>,
) -> Result<Json<PullReply>, ApiError> {
    let site = site_of(&hub, &headers).await?;
    let Json(request) = body?;
    let reply = hub.store.pull(&site, &request).await?;
    tracing::info!(site = %site.code, after = request.after, sent = reply.events.len(), "pull");
    Ok(Json(reply))
}

/// The site's own events past a site sequence: what its database, restored from a backup, lacks.
async fn own_events(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: Result<Json<OwnEventsRequest>, JsonRejection>,
) -> Result<Json<PullReply>, ApiError> {
    let site = site_of(&hub, &headers).await?;
    let Json(request) = body?;
    let reply = hub.store.own_events(&site, &request).await?;
    if !reply.events.is_empty() {
        tracing::info!(site = %site.code, after = request.after, sent = reply.events.len(), "own events sent back");
    }
    Ok(Json(reply))
}

/// The whole history of cases handed over to the site (as far as it may see them).
async fn case_events(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: Result<Json<CaseEventsRequest>, JsonRejection>,
) -> Result<Json<PullReply>, ApiError> {
    let site = site_of(&hub, &headers).await?;
    let Json(request) = body?;
    let reply = hub.store.case_events(&site, &request.case_ids).await?;
    tracing::info!(site = %site.code, cases = request.case_ids.len(), sent = reply.events.len(), "case history");
    Ok(Json(reply))
}

/// A bundle passed on by a site (its own or another's): taken as its signer's push would be.
async fn bundle(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<crate::store::HubBundleReport>, ApiError> {
    let site = site_of(&hub, &headers).await?;
    let report = hub.store.import_bundle(&body).await?;
    tracing::info!(
        site = %site.code,
        signer = %report.site_code,
        bundle = %report.bundle_id,
        stored = report.stored,
        held = report.held,
        "bundle"
    );
    Ok(Json(report))
}

/// A complaint from a back end of the online channel: 201 with its receipt, 200 with the
/// earlier receipt for a repeated `external_id`, 422 with every problem by field.
async fn intake(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: Result<Json<Submission>, JsonRejection>,
) -> Result<Response, ApiError> {
    let client = hub.store.authenticate_intake(bearer(&headers)?).await?;
    let Some(channel) = &hub.intake else {
        let body = json!({"error": {"code": "hub.intake_off", "fields": [],
            "message": "this hub has no intake site configured ([intake] in its configuration)"}});
        return Ok((StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response());
    };
    let lang = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_tag);
    let submission = match body {
        Ok(Json(s)) => s,
        Err(rejection) => {
            let e = CoreError::MalformedRequest {
                operation: "intake".into(),
                detail: rejection.body_text(),
                field: None,
            };
            let body = json!({"error": e.to_api(lang)});
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
        }
    };
    match channel.submit(&client, submission, lang).await {
        Ok(receipt) => {
            tracing::info!(client = %client.name, case_no = %receipt.case_no,
                repeated = receipt.repeated, "intake");
            let status = if receipt.repeated { StatusCode::OK } else { StatusCode::CREATED };
            Ok((status, Json(receipt)).into_response())
        }
        Err(IntakeError::Rejected(e)) => {
            tracing::info!(client = %client.name, code = %e.code, fields = e.fields.len(),
                "intake refused");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"error": e}))).into_response())
        }
        Err(IntakeError::Hub(e)) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
struct BlobQuery {
    sha256: Vec<String>,
}

/// Which of these files the hub lacks (a site asks before it sends them).
async fn blobs_missing(
    State(hub): State<Hub>,
    headers: HeaderMap,
    body: Result<Json<BlobQuery>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    site_of(&hub, &headers).await?;
    let Json(query) = body?;
    let missing = hub.store.missing_blobs(&query.sha256).await?;
    Ok(Json(json!({ "missing": missing })))
}

/// A file sent by a site, kept only if it matches the hash it is sent under; sending it again
/// is harmless.
async fn blob_put(
    State(hub): State<Hub>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Json<serde_json::Value>, ApiError> {
    let site = site_of(&hub, &headers).await?;
    let size = hub.store.keep_blob_body(&site, &sha256, body, MAX_BLOB).await?;
    tracing::info!(site = %site.code, sha256 = %sha256, size, "blob");
    Ok(Json(json!({ "sha256": sha256, "size": size })))
}

/// A file, streamed.
async fn blob_get(
    State(hub): State<Hub>,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    site_of(&hub, &headers).await?;
    let (size, body) = hub.store.blob_body(&sha256).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (axum::http::header::CONTENT_LENGTH, size.to_string()),
        ],
        body,
    )
        .into_response())
}

/// The sites that have synced, for hand-overs (the online channel's own site left out: it
/// hands what it records to branches and takes nothing back).
async fn sites(
    State(hub): State<Hub>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    site_of(&hub, &headers).await?;
    let mut sites = hub.store.sites().await?;
    if let Some(intake) = &hub.intake {
        sites.retain(|s| s.code != intake.site().code);
    }
    Ok(Json(json!({ "sites": sites })))
}

/// The site this credential was issued to (its code, name, whether headquarters).
async fn site(
    State(hub): State<Hub>,
    headers: HeaderMap,
) -> Result<Json<redress_core::ownership::HubSite>, ApiError> {
    let site = site_of(&hub, &headers).await?;
    Ok(Json(hub.store.identity(&site).await?))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::intake::openapi())
}

pub fn router(hub: Hub) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/push", post(push).layer(DefaultBodyLimit::max(MAX_BODY)))
        .route("/v1/pull", post(pull).layer(DefaultBodyLimit::max(MAX_BODY)))
        .route("/v1/bundles", post(bundle).layer(DefaultBodyLimit::max(MAX_BUNDLE)))
        .route("/v1/sites", get(sites))
        .route("/v1/site", get(site))
        .route("/v1/cases/events", post(case_events))
        .route("/v1/own", post(own_events))
        .route("/v1/blobs/missing", post(blobs_missing))
        .route(
            "/v1/blobs/{sha256}",
            // The body is streamed, not buffered: its size is checked as it arrives.
            put(blob_put).get(blob_get).layer(DefaultBodyLimit::disable()),
        )
        .route("/v1/intake", post(intake).layer(DefaultBodyLimit::max(MAX_SUBMISSION)))
        .route("/v1/openapi.json", get(openapi))
        .with_state(hub)
}
