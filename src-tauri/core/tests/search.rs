//! Chinese full-text search: one- and two-character queries find exactly the cases a substring
//! scan finds (recall and precision), any input is a valid query, and the index survives a
//! rebuild.

use crate::support;

use std::collections::BTreeSet;

use proptest::prelude::*;
use redress_core::ops::search::SearchResponse;
use redress_core::{Actor, Db, Lang};
use serde_json::json;

async fn search_all(db: &Db, query: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut offset = 0;
    loop {
        let req = json!({"query": query, "limit": 500, "offset": offset}).to_string();
        let value = redress_core::ops::dispatch(db, &Actor::system(), "cases.search", &req)
            .await
            .unwrap_or_else(|e| panic!("{query}: {:?}", e.to_api(Lang::En)));
        let page: SearchResponse = serde_json::from_value(value).expect("response");
        let n = page.items.len();
        ids.extend(page.items.into_iter().map(|h| h.case.id));
        if n < 500 {
            assert_eq!(ids.len() as i64, page.total, "{query}: total and items agree");
            return ids;
        }
        offset += 500;
    }
}

/// Every case whose searchable text contains `needle`, by scanning.
async fn scan(db: &Db, needle: &str) -> BTreeSet<String> {
    let mut conn = db.pool().acquire().await.expect("conn");
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM cases").fetch_all(&mut *conn).await.expect("ids");
    let mut out = BTreeSet::new();
    for (id,) in ids {
        let text =
            redress_core::search::case_text(&mut conn, &id).await.expect("text").expect("case");
        let hit =
            text.fields.iter().any(|(_, v)| v.contains(needle)) || text.person.contains(needle);
        if hit {
            out.insert(id);
        }
    }
    out
}

const ALPHABET: &str = "漏水热器质量退款修好坏电";

async fn with_random_cases(n: usize, seed: u64) -> support::TempDb {
    use rand::{Rng, SeedableRng};
    let t = support::with_demo(150, seed).await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    for i in 0..n {
        let mut content = String::new();
        for _ in 0..rng.gen_range(4..40) {
            match rng.gen_range(0..10) {
                0 => content.push('，'),
                1 => content.push_str(" JSQ30 "),
                _ => content.push(alphabet[rng.gen_range(0..alphabet.len())]),
            }
        }
        let req = json!({"consumer": {"name": format!("{}{}", ["王", "李", "漏"][i % 3], alphabet[i % alphabet.len()]), "mobile": format!("139{:08}", i)},
            "channel": "hotline", "product_name": format!("{}型号{}", alphabet[(i * 7) % alphabet.len()], i), "quantity": 1,
            "content": content, "demand": "refund", "category": "product_quality",
            "department_id": "DEP-AS", "severity": "general", "complexity": "complex", "acknowledged": true});
        redress_core::ops::dispatch(&t.db, &Actor::system(), "cases.create", &req.to_string())
            .await
            .unwrap_or_else(|e| panic!("case: {:?}", e.to_api(Lang::En)));
    }
    t
}

#[tokio::test]
async fn one_and_two_character_queries_find_exactly_what_a_substring_scan_finds() {
    let t = with_random_cases(250, 21).await;
    let chars: Vec<char> = ALPHABET.chars().collect();
    let mut queries: Vec<String> = chars.iter().map(|c| c.to_string()).collect();
    for a in &chars {
        for b in chars.iter().step_by(3) {
            queries.push(format!("{a}{b}"));
        }
    }
    // Words from the demo's own complaints, and three characters.
    queries.extend(
        ["退款", "质量", "漏水", "热水器", "维修", "空调", "门店", "水热器"].map(String::from),
    );
    let mut nonempty = 0;
    for q in &queries {
        let found = search_all(&t.db, q).await;
        let expected = scan(&t.db, q).await;
        assert_eq!(
            found,
            expected,
            "query {q:?}: {} found, {} expected",
            found.len(),
            expected.len()
        );
        if !expected.is_empty() {
            nonempty += 1;
        }
    }
    assert!(nonempty > queries.len() / 2, "the queries must mostly hit something: {nonempty}");

    // Rebuilt from the log, the index answers the same.
    let before = search_all(&t.db, "漏水").await;
    redress_core::projection::rebuild(&t.db).await.expect("rebuild");
    assert_eq!(search_all(&t.db, "漏水").await, before);
    assert_eq!(search_all(&t.db, "jsq").await, scan(&t.db, "JSQ").await);
}

#[tokio::test]
async fn results_are_ranked_marked_and_masked_for_roles_without_contact_data() {
    let t = with_random_cases(0, 5).await;
    let req = json!({"consumer": {"name": "欧阳娜娜", "mobile": "13912345678"}, "channel": "hotline",
        "product_name": "燃气热水器", "quantity": 1, "content": "热水器漏水，漏水严重，地板泡坏。",
        "demand": "refund", "category": "product_quality", "department_id": "DEP-AS",
        "severity": "general", "complexity": "complex", "acknowledged": true});
    redress_core::ops::dispatch(&t.db, &Actor::system(), "cases.create", &req.to_string())
        .await
        .expect("case");
    let value = redress_core::ops::dispatch(
        &t.db,
        &Actor::system(),
        "cases.search",
        r#"{"query": "漏水", "limit": 5}"#,
    )
    .await
    .expect("search");
    let page: SearchResponse = serde_json::from_value(value).expect("response");
    let top = page.items.first().expect("a hit");
    // The case that says it twice ranks first; both places are marked.
    assert_eq!(top.case.product_name, "燃气热水器");
    assert_eq!(top.field, "content");
    assert_eq!(top.snippet, "热水器漏水，漏水严重，地板泡坏。");
    assert_eq!(top.marks, vec![[3, 5], [6, 8]]);

    // Consumers' names are searched only by roles that see contact data.
    let found = search_all(&t.db, "欧阳娜娜").await;
    assert_eq!(found.len(), 1);
    let mut conn = t.db.pool().acquire().await.expect("conn");
    let agent: String = sqlx::query_scalar("SELECT id FROM accounts WHERE username = 'agent02'")
        .fetch_one(&mut *conn)
        .await
        .expect("agent");
    let agent = redress_core::auth::accounts::load_actor(&mut conn, &agent).await.expect("actor");
    drop(conn);
    let value =
        redress_core::ops::dispatch(&t.db, &agent, "cases.search", r#"{"query": "欧阳娜娜"}"#)
            .await
            .expect("search");
    let page: SearchResponse = serde_json::from_value(value).expect("response");
    assert_eq!(page.total, 0, "an agent cannot find a case by a consumer's name");
    let value = redress_core::ops::dispatch(&t.db, &agent, "cases.search", r#"{"query": "泡坏"}"#)
        .await
        .expect("search");
    let page: SearchResponse = serde_json::from_value(value).expect("response");
    assert_eq!(page.items[0].case.consumer_name, "欧阳某");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn no_input_produces_an_fts_syntax_error(query in "\\PC{0,40}|[\"*()^:{}+-]{1,10}|(AND|OR|NOT|NEAR) [a-z]{1,5}") {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let outcome = rt.block_on(async {
            let t = support::fresh().await;
            let req = json!({"query": query}).to_string();
            redress_core::ops::dispatch(&t.db, &Actor::system(), "cases.search", &req).await
        });
        match outcome {
            Ok(_) => {}
            Err(e) => prop_assert_eq!(e.code(), "validation.failed", "{:?}", e.to_api(Lang::En)),
        }
    }
}

#[tokio::test]
async fn a_case_number_typed_or_pasted_finds_its_case_within_what_the_person_may_see() {
    let t = support::with_demo(30, 4).await;
    let numbers: Vec<(String, String)> =
        sqlx::query_as("SELECT id, case_no FROM cases ORDER BY case_no")
            .fetch_all(t.db.pool())
            .await
            .expect("numbers");
    let (id, no) = &numbers[7];
    // Whole, pasted with spaces around, or in small letters.
    for query in [no.clone(), format!("  {no} "), no.to_lowercase()] {
        assert_eq!(search_all(&t.db, &query).await, BTreeSet::from([id.clone()]), "{query}");
    }
    let value = redress_core::ops::dispatch(
        &t.db,
        &Actor::system(),
        "cases.search",
        &json!({"query": no}).to_string(),
    )
    .await
    .expect("search");
    assert_eq!(value["items"][0]["field"], "case_no");
    assert_eq!(value["items"][0]["snippet"], no.as_str());
    // Its start finds every case it begins, in number order.
    let year = &no[..5];
    let all: BTreeSet<String> = numbers.iter().map(|(i, _)| i.clone()).collect();
    assert_eq!(search_all(&t.db, year).await.len(), 0, "a year alone is too short to be a number");
    let prefix = &no[..no.len() - 2];
    let begun: BTreeSet<String> =
        numbers.iter().filter(|(_, n)| n.starts_with(prefix)).map(|(i, _)| i.clone()).collect();
    assert!(begun.len() > 1 && begun.is_subset(&all));
    assert_eq!(search_all(&t.db, prefix).await, begun);
    // A handler sees their department's cases: another department's is not found by its number.
    let handler = support::actor(&t.db, "handler.as").await;
    let elsewhere: String = sqlx::query_scalar(
        "SELECT case_no FROM cases WHERE department_id IS NOT (SELECT unit_id FROM accounts \
         WHERE id = ?1) AND handler_id IS NOT ?1 ORDER BY case_no LIMIT 1",
    )
    .bind(&handler.id)
    .fetch_one(t.db.pool())
    .await
    .expect("a case of another department");
    let value = redress_core::ops::dispatch(
        &t.db,
        &handler,
        "cases.search",
        &json!({"query": elsewhere}).to_string(),
    )
    .await
    .expect("search");
    assert!(
        value["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|h| h["case"]["case_no"] != elsewhere.as_str()),
        "{value}"
    );
    let own: String = sqlx::query_scalar(
        "SELECT case_no FROM cases WHERE department_id = (SELECT unit_id FROM accounts \
         WHERE id = ?) ORDER BY case_no LIMIT 1",
    )
    .bind(&handler.id)
    .fetch_one(t.db.pool())
    .await
    .expect("a case of the handler's department");
    let value = redress_core::ops::dispatch(
        &t.db,
        &handler,
        "cases.search",
        &json!({"query": own}).to_string(),
    )
    .await
    .expect("search");
    assert_eq!(value["items"][0]["case"]["case_no"], own.as_str());
}
