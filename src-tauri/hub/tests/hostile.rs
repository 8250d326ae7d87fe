//! The hub facing what the network may send it, over HTTPS on loopback: no credential, a
//! wrong one, another site's events, bodies that are not JSON or not the right JSON, bodies
//! past the size limits, file names that are not SHA-256 hashes, a file that is not what its
//! name says. Each is refused with a 4xx status and a JSON error with a stable code (never a
//! 5xx, never a dropped connection), and nothing is stored. Then a bounded load: clients
//! pulling, pushing, asking for files and being refused, all at once, for a fixed number of
//! requests; every answer is the expected one and the hub's numbering stays without gaps.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

mod common;
use common::{demo_db, new_case, serve_tls, site, sync_now, Pg};

struct Http {
    client: reqwest::Client,
    url: String,
}

impl Http {
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.url))
            .header("Content-Type", "application/json");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{path}: no answer: {e}"));
        let status = response.status();
        let bytes = response.bytes().await.expect("body");
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

/// A refusal as the hub gives it: a client error (not a server error) with a code.
fn refused(what: &str, (status, body): &(StatusCode, Value)) -> String {
    assert!(status.is_client_error(), "{what}: {status} {body}");
    let code = body["error"]["code"].as_str().unwrap_or_else(|| {
        // axum's own refusals (no route, wrong method, a body past the limit) are plain text.
        assert!(
            matches!(
                *status,
                StatusCode::NOT_FOUND
                    | StatusCode::METHOD_NOT_ALLOWED
                    | StatusCode::PAYLOAD_TOO_LARGE
                    | StatusCode::UNSUPPORTED_MEDIA_TYPE
            ),
            "{what}: {status} without a JSON error: {body}"
        );
        ""
    });
    code.to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_are_refused_without_harm_and_a_bounded_load_is_served() {
    let pg = Pg::start();
    let store = Arc::new(pg.hub("hostile").await);
    let dir = tempfile::tempdir().expect("dir");
    let hq = demo_db(dir.path(), "HQ", 5, 3).await;
    let (t_hq, hq_token) = site(&store, "总部", "HQ", true).await;
    sync_now(&hq, &t_hq, 500).await;
    let sh = demo_db(dir.path(), "SH01", 3, 4).await;
    let (t_sh, sh_token) = site(&store, "上海分公司", "SH01", false).await;
    sync_now(&sh, &t_sh, 500).await;
    let (url, ca, _handle) = serve_tls(store.clone(), None).await;
    let http = Http {
        client: reqwest::Client::builder()
            .tls_certs_only(reqwest::Certificate::from_pem_bundle(ca.as_bytes()).expect("ca"))
            .build()
            .expect("http"),
        url,
    };
    let (events_before, _) = store.counts().await.expect("counts");
    let sh_events = redress_core::sync::outgoing(&sh, 1, 100).await.expect("events");
    let sh_push = serde_json::to_vec(&sh_events).expect("json");

    let mut codes = Vec::new();
    let get = Method::GET;
    let post = Method::POST;
    let put = Method::PUT;
    // No credential, or one that is not a site's.
    for path in ["/v1/site", "/v1/sites", "/v1/blobs/missing", "/v1/pull", "/v1/push", "/v1/own"] {
        let method = if path.ends_with("site") || path.ends_with("sites") { &get } else { &post };
        for token in [None, Some("0".repeat(64).as_str()), Some("' OR 1=1 --"), Some("")] {
            let answer = http.send(method.clone(), path, token, Some(b"{}".to_vec())).await;
            assert_eq!(answer.0, StatusCode::UNAUTHORIZED, "{path} {token:?}: {}", answer.1);
            codes.push(refused(path, &answer));
        }
    }
    // Shanghai's events pushed with headquarters' credential: a site pushes only its own.
    let answer = http.send(post.clone(), "/v1/push", Some(&hq_token), Some(sh_push.clone())).await;
    assert_eq!(refused("cross-site push", &answer), "hub.wrong_site");
    // Bodies that are not what the endpoint takes.
    let long = format!("{{\"site_id\": \"{}\"}}", "长".repeat(100_000));
    let broken: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"[1,2,3]".to_vec(),
        b"{\"site_id\": 5, \"events\": \"x\"}".to_vec(),
        b"{\"after\": -1, \"limit\": 99999999999}".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        long.into_bytes(),
    ];
    for path in ["/v1/push", "/v1/pull", "/v1/blobs/missing", "/v1/cases/events", "/v1/own"] {
        for body in &broken {
            let answer = http.send(post.clone(), path, Some(&sh_token), Some(body.clone())).await;
            codes.push(refused(path, &answer));
        }
    }
    // Past the size limits: refused before being read whole.
    let huge = vec![b' '; redress_hub::http::MAX_BODY + 1];
    let answer = http.send(post.clone(), "/v1/push", Some(&sh_token), Some(huge)).await;
    assert_eq!(answer.0, StatusCode::PAYLOAD_TOO_LARGE, "{}", answer.1);
    // File names that are not hashes, a way out of the blob folder, a file not its hash.
    for name in ["..%2F..%2Fetc%2Fpasswd", "abc", "ZZ".repeat(32).as_str(), "%00"] {
        let path = format!("/v1/blobs/{name}");
        for method in [&get, &put] {
            let answer =
                http.send(method.clone(), &path, Some(&sh_token), Some(b"data".to_vec())).await;
            codes.push(refused(&path, &answer));
        }
    }
    let not_its_hash = format!("/v1/blobs/{}", "a".repeat(64));
    let answer = http.send(put.clone(), &not_its_hash, Some(&sh_token), Some(b"x".to_vec())).await;
    assert_eq!(refused("a file not its hash", &answer), "hub.blob_mismatch");
    let answer = http.send(get.clone(), &not_its_hash, Some(&sh_token), None).await;
    assert_eq!(refused("no such file", &answer), "hub.blob_missing");
    // Nothing was stored by any of it.
    assert_eq!(store.counts().await.expect("counts").0, events_before);
    eprintln!("{} hostile requests refused", codes.len() + 5);

    // A bounded load: 8 clients × 60 requests at once — pulls, health, refusals, pushes of
    // new work — every answer the expected one.
    let started = std::time::Instant::now();
    let http = Arc::new(http);
    let mut clients = Vec::new();
    for c in 0..8u32 {
        let http = http.clone();
        let sh_token = sh_token.clone();
        clients.push(tokio::spawn(async move {
            for i in 0..60u32 {
                match (c + i) % 3 {
                    0 => {
                        let body = json!({"after": 0, "limit": 100}).to_string().into_bytes();
                        let (status, reply) =
                            http.send(Method::POST, "/v1/pull", Some(&sh_token), Some(body)).await;
                        assert_eq!(status, StatusCode::OK, "{reply}");
                    }
                    1 => {
                        let (status, _) = http.send(Method::GET, "/v1/health", None, None).await;
                        assert_eq!(status, StatusCode::OK);
                    }
                    _ => {
                        let answer = http.send(Method::GET, "/v1/sites", None, None).await;
                        assert_eq!(answer.0, StatusCode::UNAUTHORIZED);
                    }
                }
            }
        }));
    }
    // Meanwhile Shanghai takes complaints and pushes them.
    for n in 0..10 {
        new_case(&sh, &format!("顾客{n}"), &format!("1390000{n:04}")).await;
        sync_now(&sh, &t_sh, 100).await;
    }
    for client in clients {
        client.await.expect("a client's requests all answered as expected");
    }
    let elapsed = started.elapsed();
    eprintln!("bounded load: 480 requests and 10 syncs in {elapsed:?}");
    let (events, top) = store.counts().await.expect("counts");
    assert_eq!(events, top, "numbered without gaps under load");
    assert!(events > events_before, "the pushes under load were taken");
    assert_eq!(redress_core::sync::status(&sh).await.expect("status").waiting, 0);
}
