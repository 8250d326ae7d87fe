//! Hostile and broken requests to every operation: each operation's working sample request
//! (the permissions fixture's) mutated many times over — fields replaced by huge strings,
//! control and invisible characters, SQL and full-text-search metacharacters, boundary and
//! absurd numbers, values of the wrong type, fields missing or unknown, text that is not JSON.
//! Every answer is a success or a typed error in both languages (never a panic, never
//! `internal`, never a raw database or file error that validation should have caught), and
//! afterwards the database is whole: integrity, the audit chain, and projections equal to a
//! rebuild from the log.
//!
//! Deterministic: the mutations come from a fixed seed; a failure prints the operation and
//! the request that caused it.

use redress_core::ops::{catalogue, dispatch};
use redress_core::{projection, Actor, Lang};
use serde_json::{json, Value};

use crate::permissions::{fixture, open_copy};

/// Requests tried per operation.
const PER_OPERATION: usize = 40;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Text a user, a pasted document or an attacker may put in any field.
fn hostile_strings() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "\u{0}".into(),
        "a\u{0}b".into(),
        "\u{1b}[31m红色\u{1b}[0m".into(),
        "发票\u{202E}fdp.exe".into(),
        "\u{200B}\u{FEFF}".into(),
        "'; DROP TABLE cases; --".into(),
        "\" OR 1=1 --".into(),
        "%_\\".into(),
        "*".into(),
        "\"".into(),
        "漏 OR 退款 NOT 热水器".into(),
        "NEAR(漏水 退款, 2)".into(),
        "^退款*".into(),
        "content:漏".into(),
        "(".into(),
        "🀄👨‍👩‍👧 \u{FFFD}".into(),
        "\u{FFFF}\u{10FFFF}".into(),
        "\n\r\t".into(),
        "x".repeat(100_000),
        "长".repeat(20_000),
        "9999-99-99".into(),
        "2026-02-30".into(),
        "2026-13-01T25:61:00Z".into(),
        "-1".into(),
        "1e309".into(),
        "NaN".into(),
        "null".into(),
        "CON".into(),
        "../../../etc/passwd".into(),
        "/dev/zero".into(),
        "https://127.0.0.1:1/".into(),
        "00000000-0000-0000-0000-000000000000".into(),
    ]
}

fn hostile_numbers() -> Vec<Value> {
    vec![
        json!(0),
        json!(-1),
        json!(1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1.5),
        json!(1e308),
        json!(-1e308),
        json!(4_294_967_296u64),
    ]
}

/// Keys whose strings name files or folders: replaced only by names inside the scratch
/// folder, so that an operation that writes where it is told writes nowhere else.
fn is_path_key(key: &str) -> bool {
    ["path", "out", "folder", "file", "dir", "dest"].iter().any(|k| key.contains(k))
}

/// A file or folder name inside the scratch folder that is hard to have: a device name, a NUL,
/// 90 Chinese characters (270 bytes), a way out, a folder that does not exist.
fn scratch_name(rng: &mut Rng, scratch: &std::path::Path) -> Value {
    let long = "长".repeat(90);
    let names = ["CON", "a\u{0}b", long.as_str(), "../逃逸", "不存在的/文件.csv"];
    json!(scratch.join(names[rng.below(names.len())]))
}

/// Every place in `v`: the paths (keys and indexes) to each value, the root included.
fn places(v: &Value, here: Vec<Place>, all: &mut Vec<Vec<Place>>) {
    all.push(here.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let mut p = here.clone();
                p.push(Place::Key(k.clone()));
                places(child, p, all);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let mut p = here.clone();
                p.push(Place::Index(i));
                places(child, p, all);
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Place {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, place: &[Place]) -> Option<&'a mut Value> {
    let mut cur = v;
    for step in place {
        cur = match step {
            Place::Key(k) => cur.get_mut(k)?,
            Place::Index(i) => cur.get_mut(*i)?,
        };
    }
    Some(cur)
}

/// One to three mutations of the sample; or, now and then, text that is not a request at all.
fn mutate(sample: &str, rng: &mut Rng, scratch: &std::path::Path) -> String {
    const BROKEN: [&str; 8] = ["", "{", "[]", "null", "\"x\"", "{\"a\":", "42", "{}{}"];
    if rng.below(12) == 0 {
        return BROKEN[rng.below(BROKEN.len())].to_owned();
    }
    let mut v: Value = serde_json::from_str(sample).unwrap_or(Value::Null);
    let strings = hostile_strings();
    let numbers = hostile_numbers();
    // Most requests keep their shape and carry one hostile value of the right type, so that
    // they pass parsing and reach the operation's own checks and the database.
    let mut all = Vec::new();
    places(&v, Vec::new(), &mut all);
    let leaves: Vec<&Vec<Place>> = all
        .iter()
        .filter(|p| {
            let mut probe = v.clone();
            matches!(at(&mut probe, p), Some(Value::String(_) | Value::Number(_)))
        })
        .collect();
    if !leaves.is_empty() && rng.below(10) < 7 {
        let place = leaves[rng.below(leaves.len())].clone();
        let path_like = matches!(place.last(), Some(Place::Key(k)) if is_path_key(k));
        let name = scratch_name(rng, scratch);
        if let Some(target) = at(&mut v, &place) {
            *target = match target {
                Value::String(_) if path_like => name,
                Value::String(_) => json!(strings[rng.below(strings.len())]),
                _ => numbers[rng.below(numbers.len())].clone(),
            };
        }
        return v.to_string();
    }
    for _ in 0..1 + rng.below(3) {
        let mut all = Vec::new();
        places(&v, Vec::new(), &mut all);
        let place = all[rng.below(all.len())].clone();
        let key = match place.last() {
            Some(Place::Key(k)) => k.clone(),
            _ => String::new(),
        };
        let Some(target) = at(&mut v, &place) else { continue };
        let choice = rng.below(10);
        *target = match (target.clone(), choice) {
            (Value::String(_), _) if is_path_key(&key) => scratch_name(rng, scratch),
            (Value::String(_), 0..=5) => json!(strings[rng.below(strings.len())]),
            (Value::Number(_), 0..=5) => numbers[rng.below(numbers.len())].clone(),
            (Value::Array(items), 0..=2) => {
                // Long lists: the first item many times over, or many hostile strings.
                let item = items.first().cloned().unwrap_or_else(|| json!("x"));
                Value::Array(vec![item; 2_000])
            }
            (Value::Object(mut map), 0..=2) => {
                map.insert("unknown_field".into(), json!("x"));
                Value::Object(map)
            }
            (Value::Object(mut map), 3..=4) if !map.is_empty() => {
                let k = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
                map.remove(&k);
                Value::Object(map)
            }
            (_, 6) => Value::Null,
            (_, 7) => json!(strings[rng.below(strings.len())]),
            (_, 8) => numbers[rng.below(numbers.len())].clone(),
            (_, _) => [json!([]), json!({}), json!(true)][rng.below(3)].clone(),
        };
    }
    v.to_string()
}

/// Codes that mean a request reached the database or the disk unchecked, or the program
/// failed itself.
const UNTYPED: [&str; 3] = ["internal", "storage.database", "storage.io"];

#[tokio::test]
async fn hostile_requests_to_every_operation_get_typed_errors_and_leave_the_data_whole() {
    let f = fixture().await;
    let scratch = tempfile::tempdir().expect("scratch");
    let db = open_copy(&f.template, scratch.path(), "hostile").await;
    let files = scratch.path().join("files");
    std::fs::create_dir_all(&files).expect("files");
    let mut rng = Rng(0x0005_EED0_FBAD_1DEA);
    let (mut tried, mut succeeded) = (0, 0);
    let mut codes = std::collections::BTreeMap::<String, usize>::new();
    for op in catalogue() {
        let sample = f.sample(op.name, &db);
        for _ in 0..PER_OPERATION {
            let request = mutate(&sample, &mut rng, &files);
            let shown: String = request.chars().take(300).collect();
            tried += 1;
            match dispatch(&db, &Actor::system(), op.name, &request).await {
                Ok(_) => succeeded += 1,
                Err(e) => {
                    let (zh, en) = (e.to_api(Lang::Zh), e.to_api(Lang::En));
                    // A file or folder the request names may well not be writable or
                    // readable; that is the system's answer, not a missed check.
                    let on_a_named_path =
                        zh.code == "storage.io" && request.contains(&*files.to_string_lossy());
                    assert!(
                        on_a_named_path || !UNTYPED.contains(&zh.code.as_str()),
                        "{} → {}: {}\nrequest: {shown}",
                        op.name,
                        zh.code,
                        en.message
                    );
                    assert!(!zh.message.is_empty() && !en.message.is_empty(), "{}", op.name);
                    if zh.code == "validation.failed" {
                        assert!(!zh.fields.is_empty(), "{}: which field?\n{shown}", op.name);
                    }
                    *codes.entry(zh.code).or_default() += 1;
                }
            }
        }
    }
    eprintln!("{tried} hostile requests: {succeeded} accepted, refused by code: {codes:?}");

    // What was accepted is stored: every operation's own sample, once more, reads and writes
    // among it (lists, search, statistics, documents) without an untyped error.
    for op in catalogue() {
        let sample = f.sample(op.name, &db);
        if let Err(e) = dispatch(&db, &Actor::system(), op.name, &sample).await {
            let api = e.to_api(Lang::En);
            assert!(!UNTYPED.contains(&api.code.as_str()), "{} after: {api}", op.name);
        }
    }

    assert_eq!(db.integrity_check().await.expect("integrity"), vec!["ok".to_owned()]);
    redress_core::event_log::verify(&db).await.expect("the audit chain verifies");
    let state = projection::snapshot(&db).await.expect("snapshot");
    projection::rebuild(&db).await.expect("rebuild");
    assert_eq!(projection::snapshot(&db).await.expect("rebuilt"), state, "projections whole");
}
