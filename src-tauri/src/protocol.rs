//! The `evidence:` URL scheme: the page shows a stored evidence file (image, PDF, audio, video)
//! by its id, `evidence://localhost/<id>` (on Windows `http://evidence.localhost/<id>`). Only for
//! a signed-in person who may see the case; byte ranges are served so that audio and video
//! play and seek without the whole file being read.

use std::io::{Read, Seek, SeekFrom};

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::state::AppState;

/// The most bytes one response carries; players ask for the rest by range.
const MAX_CHUNK: u64 = 4 << 20;

pub fn handle<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        let response = match app.try_state::<AppState>() {
            Some(state) => serve(&state, &request).await,
            None => plain(StatusCode::SERVICE_UNAVAILABLE, "starting"),
        };
        responder.respond(response);
    });
}

fn plain(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(text.as_bytes().to_vec())
        .unwrap_or_default()
}

/// `bytes=START-[END]` → (start, end inclusive), within `size`.
fn range(value: Option<&str>, size: u64) -> Option<(u64, u64)> {
    let spec = value?.trim().strip_prefix("bytes=")?;
    let (start, end) = spec.split_once('-')?;
    if size == 0 {
        return None;
    }
    let (start, end) = if start.is_empty() {
        let suffix: u64 = end.parse().ok()?;
        (size.saturating_sub(suffix), size - 1)
    } else {
        let start: u64 = start.parse().ok()?;
        let end = if end.is_empty() { size - 1 } else { end.parse::<u64>().ok()?.min(size - 1) };
        (start, end)
    };
    (start <= end && start < size).then_some((start, end))
}

async fn serve(state: &AppState, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let id = request.uri().path().trim_start_matches('/').to_owned();
    let (db, actor) = match state.acting("evidence.open").await {
        Ok(found) => found,
        Err(e) => return plain(StatusCode::UNAUTHORIZED, &e.message),
    };
    let (path, mime, size) = match redress_core::ops::evidence::locate(&db, &actor, &id).await {
        Ok(found) => found,
        Err(e) => return plain(StatusCode::NOT_FOUND, &e.to_api(state.lang()).message),
    };
    let wanted = request.headers().get(header::RANGE).and_then(|v| v.to_str().ok());
    let (start, end, partial) = match (wanted, range(wanted, size)) {
        (Some(_), None) => {
            return Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .body(Vec::new())
                .unwrap_or_default();
        }
        (_, Some((s, e))) => (s, e.min(s + MAX_CHUNK - 1), true),
        (None, None) if size > MAX_CHUNK => (0, MAX_CHUNK - 1, true),
        (None, None) => (0, size.saturating_sub(1), false),
    };
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut file = std::fs::File::open(&path)?;
        file.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::new();
        file.take(if size == 0 { 0 } else { end - start + 1 }).read_to_end(&mut buf)?;
        Ok(buf)
    })
    .await;
    let body = match read {
        Ok(Ok(body)) => body,
        _ => return plain(StatusCode::NOT_FOUND, "missing"),
    };
    let mut builder = Response::builder()
        .header(header::CONTENT_TYPE, mime)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "no-store");
    if partial {
        builder = builder
            .status(StatusCode::PARTIAL_CONTENT)
            .header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"));
    } else {
        builder = builder.status(StatusCode::OK);
    }
    builder.body(body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::range;

    #[test]
    fn byte_ranges() {
        assert_eq!(range(Some("bytes=0-99"), 1000), Some((0, 99)));
        assert_eq!(range(Some("bytes=900-"), 1000), Some((900, 999)));
        assert_eq!(range(Some("bytes=-100"), 1000), Some((900, 999)));
        assert_eq!(range(Some("bytes=990-2000"), 1000), Some((990, 999)));
        assert_eq!(range(Some("bytes=1000-"), 1000), None);
        assert_eq!(range(Some("items=0-1"), 1000), None);
        assert_eq!(range(None, 1000), None);
    }
}
