//! The online intake channel through the real hub over TLS on a real PostgreSQL: a website's
//! complaint becomes a case routed to its branch, which has it at its next sync; a repeated
//! submission returns the same case; a bad one is refused with every problem by field and
//! records nothing; only a channel client's token is let in; the OpenAPI description names
//! exactly the fields the endpoint takes.

use std::collections::BTreeSet;
use std::sync::Arc;

use redress_core::sync;
use redress_hub::intake::{Intake, Receipt};
use redress_hub::store::Store;
use serde_json::{json, Value};

mod common;
use common::{demo_db, serve_tls, site, site_db, sync_now, Pg};

fn complaint(external_id: &str) -> Value {
    json!({"external_id": external_id, "consumer": {"name": "林晓", "mobile": "13812340001"},
        "store_id": "ST-HZ-XH", "product_name": "空气净化器", "quantity": 1,
        "amount_paid": "1999.00", "purchased_at": "2026-11-20", "content": "收到后无法开机，客服未回复",
        "demand": "refund", "demand_amount": "1999.00", "category": "product_quality"})
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    lang: &str,
    body: &Value,
) -> (u16, Value) {
    let mut request =
        http.post(format!("{url}/v1/intake")).header("Accept-Language", lang).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

async fn hub_events(store: &Store) -> i64 {
    store.counts().await.expect("counts").0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_website_complaint_becomes_a_case_at_its_branch() {
    let pg = Pg::start();
    let store = Arc::new(pg.hub("intake").await);
    let dir = tempfile::tempdir().expect("dir");
    // Headquarters, with its organisation, has synced with the hub.
    let hq = demo_db(dir.path(), "HQ", 5, 3).await;
    let (t_hq, hq_token) = site(&store, "总部", "HQ", true).await;
    sync_now(&hq, &t_hq, 500).await;

    let intake = Arc::new(
        Intake::open(store.clone(), &dir.path().join("intake"), "WEB", "DEP-CS")
            .await
            .expect("open"),
    );
    let (url, ca, _handle) = serve_tls(store.clone(), Some(intake.clone())).await;
    let client = store.add_intake_client("官网", "website").await.expect("client");
    // East China's branch runs a site of its own (`site add … --branch BR-EC`), synced once.
    let ec = site_db(dir.path(), "EC01").await;
    let (t_ec, _) = site(&store, "华东分公司", "EC01", false).await;
    store.set_branch("EC01", "BR-EC").await.expect("branch");
    sync_now(&ec, &t_ec, 500).await;
    let http = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(ca.as_bytes()).expect("ca"))
        .build()
        .expect("http");

    // The description names exactly the fields the endpoint takes.
    let api: Value = http
        .get(format!("{url}/v1/openapi.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(api["openapi"], "3.1.0");
    let schema = &api["components"]["schemas"]["Submission"];
    let described: BTreeSet<String> =
        schema["properties"].as_object().expect("properties").keys().cloned().collect();
    let mut full = complaint("X");
    full["city"] = json!("杭州");
    full["product_model"] = json!("AP-1");
    full["order_no"] = json!("JD1");
    full["severity"] = json!("general");
    let taken: redress_hub::intake::Submission =
        serde_json::from_value(full).expect("every described field is taken");
    let fields: BTreeSet<String> = serde_json::to_value(&taken)
        .expect("value")
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect();
    assert_eq!(described, fields);
    let required: BTreeSet<&str> =
        schema["required"].as_array().expect("required").iter().filter_map(Value::as_str).collect();
    for field in &required {
        let mut missing = complaint("Y");
        missing.as_object_mut().expect("object").remove(*field);
        let refused = serde_json::from_value::<redress_hub::intake::Submission>(missing);
        assert!(refused.is_err(), "{field} is described as required");
    }

    // A complaint about a Hangzhou store: recorded under the website channel, routed to East
    // China, pushed to the hub at once.
    let before = hub_events(&store).await;
    let (status, body) = post(&http, &url, Some(&client.token), "zh-CN", &complaint("W-1")).await;
    assert_eq!(status, 201, "{body}");
    let receipt: Receipt = serde_json::from_value(body).expect("receipt");
    assert!(receipt.case_no.contains("-WEB-"), "{}", receipt.case_no);
    assert_eq!(receipt.routed_to.as_ref().map(|r| r.code.as_str()), Some("BR-EC"));
    assert!(receipt.ack_due_at.is_some(), "the branch must acknowledge it");
    assert!(!receipt.repeated);
    assert!(hub_events(&store).await > before, "the case's events are at the hub");

    // East China's branch has it at its next sync, as its own intake would have recorded it,
    // and owns it: the channel handed it over as it recorded it.
    sync_now(&ec, &t_ec, 500).await;
    let detail = redress_core::ops::dispatch(
        &ec,
        &redress_core::Actor::system(),
        "cases.get",
        &json!({"id": receipt.case_id}).to_string(),
    )
    .await
    .expect("the branch has the case");
    assert_eq!(detail["ownership"]["owner_site"], ec.site().site_id.as_str(), "{detail}");
    assert_eq!(detail["ownership"]["mine"], true);
    assert_eq!(detail["ownership"]["epoch"], 1);
    let (channel, store_code, status, complexity, queue): (String, String, String, String, String) =
        sqlx::query_as(
            "SELECT c.channel, s.code, c.status, c.complexity, d.code FROM cases c \
             JOIN org_units s ON s.id = c.store_id JOIN org_units d ON d.id = c.department_id \
             WHERE c.case_no = ?",
        )
        .bind(&receipt.case_no)
        .fetch_one(ec.pool())
        .await
        .expect("the case reached the branch");
    assert_eq!(channel, "website");
    assert_eq!(store_code, "ST-HZ-XH");
    assert_eq!(complexity, "complex");
    assert_eq!(queue, "DEP-CS", "in the configured department's queue");
    assert_ne!(status, "closed");

    // The back end retries (its reply was lost): the same case, nothing new.
    let events = hub_events(&store).await;
    let (status, body) = post(&http, &url, Some(&client.token), "zh-CN", &complaint("W-1")).await;
    assert_eq!(status, 200, "{body}");
    let again: Receipt = serde_json::from_value(body).expect("receipt");
    assert_eq!((again.case_id.as_str(), again.repeated), (receipt.case_id.as_str(), true));
    assert_eq!(hub_events(&store).await, events);

    // No store, only the consumer's city: the branch with stores there.
    let mut by_city = complaint("W-2");
    by_city.as_object_mut().expect("object").remove("store_id");
    by_city["city"] = json!("重庆市");
    let (status, body) = post(&http, &url, Some(&client.token), "zh-CN", &by_city).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["routed_to"]["code"], "BR-SW", "{body}");

    // Refused by the desktop intake's checks: every problem at once, by field, in the language
    // asked for; nothing recorded.
    let events = hub_events(&store).await;
    let mut bad = complaint("W-3");
    bad["quantity"] = json!(0);
    bad["category"] = json!("no_such_category");
    bad["consumer"] = json!({"name": "林晓"});
    let (status, body) = post(&http, &url, Some(&client.token), "zh-CN", &bad).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "validation.failed");
    let fields: BTreeSet<&str> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert!(fields.contains("quantity") && fields.contains("category"), "{body}");
    assert!(fields.iter().any(|f| f.starts_with("consumer")), "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_ascii()), "Chinese: {body}");
    let (_, english) = post(&http, &url, Some(&client.token), "en", &bad).await;
    assert!(english["error"]["message"].as_str().is_some_and(str::is_ascii), "{english}");
    // Not even JSON of the right shape: refused the same way, naming the problem.
    let (status, body) =
        post(&http, &url, Some(&client.token), "zh-CN", &json!({"external_id": "W-4"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "request.malformed", "{body}");
    assert_eq!(hub_events(&store).await, events, "nothing recorded");
    // The refused id was not used up: corrected, it goes in.
    let (status, _) = post(&http, &url, Some(&client.token), "zh-CN", &complaint("W-3")).await;
    assert_eq!(status, 201);

    // Only a channel client's token is let in: none, a wrong one, or a site's.
    for token in [None, Some("not-a-token"), Some(hq_token.as_str())] {
        let (status, body) = post(&http, &url, token, "zh-CN", &complaint("W-9")).await;
        assert_eq!(status, 401, "{token:?}: {body}");
        assert_eq!(body["error"]["code"], "hub.unauthorized");
    }
    // A channel client's token does not open the sync endpoints either.
    let sneaky = redress_core::hub_client::HubClient::new(&url, &client.token, Some(ca.as_bytes()))
        .expect("client");
    let refused = sync::run(&ec, &sneaky, 10, |_| {}).await.expect_err("refused");
    assert!(format!("{refused:?}").contains("hub.unauthorized"), "{refused:?}");

    // The Chongqing complaint went to no site (South-West runs none yet): it stays with the
    // channel, and East China does not see it.
    sync_now(&ec, &t_ec, 500).await;
    let seen: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE case_no LIKE '%-WEB-%'")
        .fetch_one(ec.pool())
        .await
        .expect("count");
    assert_eq!(seen, 2, "East China holds its two complaints, not Chongqing's");

    // Headquarters sees the three cases of the channel.
    sync_now(&hq, &t_hq, 500).await;
    let web: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE channel = 'website' AND case_no LIKE '%-WEB-%'",
    )
    .fetch_one(hq.pool())
    .await
    .expect("count");
    assert_eq!(web, 3);
}
