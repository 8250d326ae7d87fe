//! Importing real complaint files (../shared/data/external) with the mappings kept in
//! docs/examples/mappings: counts per month, product and channel against the reference
//! statistics computed independently; a truncated file; a GBK file with repeated ids; bad rows
//! reported by row and column; re-import without duplicates; a cancel leaves whole batches;
//! and the ledger's export and filters.

use crate::support;

use support::call;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use redress_core::import::{ImportMapping, ImportReport};
use redress_core::{Actor, Db};
use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn external(file: &str) -> PathBuf {
    repo().join("../shared/data/external").join(file)
}

fn mapping(name: &str) -> ImportMapping {
    let text = std::fs::read_to_string(repo().join("docs/examples/mappings").join(name))
        .expect("mapping file");
    ImportMapping::from_toml(&text).expect("mapping parses")
}

fn field_of(err: &redress_core::ApiError) -> Option<&str> {
    err.fields.first().map(|f| f.field.as_str())
}

async fn import(db: &Db, file: &Path, map: &ImportMapping, dry_run: bool) -> ImportReport {
    let req = json!({"path": file, "mapping": map, "dry_run": dry_run});
    let value = call(db, &Actor::system(), "imports.run", req).await.expect("import runs");
    serde_json::from_value(value).expect("report")
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db.pool()).await.expect("count")
}

async fn grouped(db: &Db, sql: &str) -> BTreeMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(db.pool()).await.expect("rows");
    rows.into_iter().collect()
}

fn reference(folder: &str) -> Value {
    let text =
        std::fs::read_to_string(external(folder).join("reference_stats.json")).expect("reference");
    serde_json::from_str(&text).expect("json")
}

fn as_counts(v: &Value) -> BTreeMap<String, i64> {
    v.as_object()
        .expect("object")
        .iter()
        .map(|(k, n)| (k.clone(), n.as_i64().expect("count")))
        .collect()
}

/// Month of the received date in China time, as the statistics read it.
const BY_MONTH: &str =
    "SELECT strftime('%Y-%m', received_at, '+8 hours') AS m, COUNT(*) FROM cases c \
     JOIN case_imports i ON i.case_id = c.id GROUP BY m";

#[tokio::test]
async fn cfpb_truncated_file_imports_every_complete_row_and_matches_the_reference() {
    let t = support::fresh().await;
    let map = mapping("cfpb.toml");
    let report = import(&t.db, &external("cfpb_aravindsriraj/complaints.csv"), &map, false).await;
    let reference = reference("cfpb_aravindsriraj");
    assert_eq!(
        report.imported,
        reference["rows"].as_u64().expect("rows"),
        "every complete record is in"
    );
    assert_eq!(report.rejected_rows, 1, "{:?}", report.rejected);
    assert_eq!(
        report.rejected[0].row, 2069,
        "the cut record: header is row 1, 2067 good rows follow"
    );
    assert!(report.rejected[0].reason.contains("截断"), "{:?}", report.rejected[0]);
    assert_eq!(report.imported_rows, vec![(2, 2068)]);
    assert_eq!(report.encoding, "utf-8");

    assert_eq!(grouped(&t.db, BY_MONTH).await, as_counts(&reference["count_by_month"]));
    let by_product =
        grouped(&t.db, "SELECT product_name, COUNT(*) FROM cases GROUP BY product_name").await;
    assert_eq!(by_product, as_counts(&reference["count_by_product"]));
    // Channels: the reference counts the file's own words; the mapping says what each became.
    let channel_map = &map.fields[&redress_core::import::ImportField::Channel].values;
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for (via, n) in as_counts(&reference["count_by_submitted_via"]) {
        *expected.entry(channel_map[&via].clone()).or_default() += n;
    }
    assert_eq!(
        grouped(&t.db, "SELECT channel, COUNT(*) FROM cases GROUP BY channel").await,
        expected
    );
    // Historical status and result: "In progress" is still being handled, the rest closed.
    let responses = as_counts(&reference["count_by_company_response"]);
    let in_progress = responses["In progress"];
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM cases WHERE status = 'investigating'").await,
        in_progress
    );
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM cases WHERE status = 'closed'").await,
        responses.values().sum::<i64>() - in_progress
    );
    let results = grouped(
        &t.db,
        "SELECT result, COUNT(*) FROM cases WHERE status = 'closed' GROUP BY result",
    )
    .await;
    for (response, n) in &responses {
        if response != "In progress" {
            assert_eq!(results.get(response), Some(n), "{response}");
        }
    }
    // Received dates are the file's, not today's.
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM cases WHERE received_at < '2023-09-09' AND received_at > '2012-01-12'").await,
        2067
    );
    redress_core::event_log::verify(&t.db).await.expect("the audit chain holds");

    // The complete-rows file holds the same complaints: nothing new.
    let again =
        import(&t.db, &external("cfpb_aravindsriraj/complaints_complete_rows.csv"), &map, false)
            .await;
    assert_eq!((again.imported, again.duplicates, again.rejected_rows), (0, 2067, 0));
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM cases").await, 2067);

    // The batches are on record, and the search index has the imported text.
    let batches =
        call(&t.db, &Actor::system(), "imports.batches", json!({})).await.expect("batches");
    assert_eq!(batches.as_array().map(Vec::len), Some(2));
    assert_eq!(batches[1]["cases"], 2067);
    assert_eq!(batches[1]["rejected"], 1);
    // The imported text is searchable, and a rebuild from the log gives the very same state
    // (the importer writes its projection in bulk; this proves it matches the fold).
    let hits = call(&t.db, &Actor::system(), "cases.search", json!({"query": "credit report"}))
        .await
        .expect("search");
    assert!(hits["total"].as_i64().unwrap_or(0) > 100, "{}", hits["total"]);
    assert_rebuilds_alike(&t.db, &["credit report", "mortgage", "FL 33009"]).await;
}

/// Rebuilds every projection from the log and checks nothing changed, search included; and
/// that the importer, which writes without per-row foreign-key checks, left every reference
/// whole.
async fn assert_rebuilds_alike(db: &Db, queries: &[&str]) {
    let broken: Vec<(String, i64, String, i64)> =
        sqlx::query_as("PRAGMA foreign_key_check").fetch_all(db.pool()).await.expect("fk check");
    assert!(broken.is_empty(), "references broken by the import: {broken:?}");
    let mut conn = db.pool().acquire().await.expect("conn");
    let off = redress_core::counts::differences(&mut conn).await.expect("counts");
    assert!(off.is_empty(), "the statistics' daily counts after the import: {off:?}");
    drop(conn);
    let search = |q: &str| {
        let q = q.to_owned();
        async move {
            let hits =
                call(db, &Actor::system(), "cases.search", json!({"query": q, "limit": 500}))
                    .await
                    .expect("search");
            let mut ids: Vec<String> = hits["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|h| h["case"]["id"].as_str().expect("id").to_owned())
                .collect();
            ids.sort();
            (hits["total"].clone(), ids)
        }
    };
    let mut before_hits = Vec::new();
    for q in queries {
        before_hits.push(search(q).await);
    }
    let before = redress_core::projection::snapshot(db).await.expect("snapshot");
    redress_core::projection::rebuild(db).await.expect("rebuild");
    assert!(
        redress_core::projection::snapshot(db).await.expect("snapshot") == before,
        "rebuilt state differs"
    );
    for (q, hits) in queries.iter().zip(before_hits) {
        assert_eq!(search(q).await, hits, "{q}");
    }
    redress_core::event_log::verify(db).await.expect("the audit chain holds");
}

#[tokio::test]
async fn cfpb_2013_layout_with_american_dates() {
    let t = support::fresh().await;
    let report = import(
        &t.db,
        &external("cfpb_capitalprince100/Consumer_Complaints.csv"),
        &mapping("cfpb_2013.toml"),
        false,
    )
    .await;
    let reference = reference("cfpb_capitalprince100");
    assert_eq!(
        (report.imported, report.rejected_rows),
        (1000, 0),
        "{:?}",
        &report.rejected[..report.rejected.len().min(3)]
    );
    assert_eq!(grouped(&t.db, BY_MONTH).await, as_counts(&reference["count_by_month"]));
    assert_eq!(
        grouped(&t.db, "SELECT product_name, COUNT(*) FROM cases GROUP BY product_name").await,
        as_counts(&reference["count_by_product"])
    );
}

#[tokio::test]
async fn gbk_car_complaints_keep_their_chinese_and_repeated_ids_go_in_once() {
    let t = support::fresh().await;
    let map = mapping("car_complain.toml");
    let report =
        import(&t.db, &external("cn_12365auto_car_complaints/car_complain.csv"), &map, false).await;
    assert_eq!(report.encoding, "gb18030", "GBK detected");
    assert_eq!(
        (report.rows, report.imported, report.duplicates, report.rejected_rows),
        (630, 300, 330, 0)
    );
    // The same complaints in UTF-8: read the same, so all are recognised as already in.
    let utf8 =
        import(&t.db, &external("cn_12365auto_car_complaints/car_complain.utf8.csv"), &map, false)
            .await;
    assert_eq!(utf8.encoding, "utf-8");
    assert_eq!((utf8.imported, utf8.duplicates), (0, 630));
    // Chinese text is right: compare with the UTF-8 file, case by case.
    let text =
        std::fs::read_to_string(external("cn_12365auto_car_complaints/car_complain.utf8.csv"))
            .expect("utf8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut expected: HashMap<String, (String, String)> = HashMap::new();
    for r in reader.records() {
        let r = r.expect("record");
        expected.insert(r[0].to_owned(), (format!("{} {}", &r[1], &r[2]), r[4].to_owned()));
    }
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT substr(i.key, 4), c.product_name, c.content FROM cases c JOIN case_imports i ON i.case_id = c.id",
    )
    .fetch_all(t.db.pool())
    .await
    .expect("rows");
    assert_eq!(rows.len(), 300);
    for (id, product, content) in rows {
        let (want_product, want_text) = &expected[&id];
        assert_eq!(&product, want_product);
        // Cells are read without their surrounding spaces.
        assert!(content.starts_with(want_text.trim()), "{id}: {content}");
    }
    assert!(
        count(&t.db, "SELECT COUNT(*) FROM cases WHERE product_name LIKE '吉利汽车%'").await > 0
    );
    let closed = count(&t.db, "SELECT COUNT(*) FROM cases WHERE status = 'closed'").await;
    assert!(closed > 0 && closed < 300);
}

#[tokio::test]
async fn a_wrong_encoding_or_a_missing_column_imports_nothing() {
    let t = support::fresh().await;
    let before = count(&t.db, "SELECT COUNT(*) FROM events").await;
    let mut map = mapping("car_complain.toml");
    map.encoding = redress_core::import::table::Encoding::Utf8;
    let req =
        json!({"path": external("cn_12365auto_car_complaints/car_complain.csv"), "mapping": map});
    let err =
        call(&t.db, &Actor::system(), "imports.run", req).await.expect_err("GBK read as UTF-8");
    assert_eq!(err.fields[0].code, "field.invalid");
    assert_eq!(field_of(&err), Some("file"));

    let mut map = mapping("cfpb.toml");
    map.fields.get_mut(&redress_core::import::ImportField::Channel).expect("channel").column =
        Some("Submitted by".into());
    let req = json!({"path": external("cfpb_aravindsriraj/complaints.csv"), "mapping": map});
    let err = call(&t.db, &Actor::system(), "imports.run", req).await.expect_err("no such column");
    assert_eq!(field_of(&err), Some("fields.channel.column"));
    assert!(err.fields[0].message.contains("Submitted by"), "{:?}", err.fields);
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM events").await, before, "nothing written");
}

const HEADER: &str = "编号,受理日期,渠道,商品,问题,状态,结果,手机\n";

fn simple_mapping() -> ImportMapping {
    ImportMapping::from_toml(
        r#"
source = "ledger-2024"
external_id = ["编号"]
[fields.received_at]
column = "受理日期"
[fields.channel]
column = "渠道"
[fields.channel.values]
"电话" = "hotline"
"Web" = "website"
[fields.product_name]
column = "商品"
[fields.content]
column = "问题"
[fields.category]
value = "product_quality"
[fields.status]
column = "状态"
default = "closed"
[fields.result]
column = "结果"
[fields.consumer_mobile]
column = "手机"
"#,
    )
    .expect("mapping")
}

#[tokio::test]
async fn bad_rows_are_reported_by_row_and_column_and_good_rows_go_in() {
    let t = support::fresh().await;
    let file = t.dir.path().join("ledger.csv");
    let body = format!(
        "{HEADER}A1,2024-03-01,电话,空调,不制冷,closed,退款,13812345678\n\
         A2,2024-13-45,电话,冰箱,漏水,closed,维修,\n\
         A3,2024-03-02,传真,洗衣机,异响,closed,,\n\
         A4,2024-03-03,Web,,噪音,received,,\n\
         A5,2099-01-01,web,电视,黑屏,closed,,12345\n\
         A6,2024/03/05,电话,热水器,漏电,执行中,,\n\
         A1,2024-03-01,电话,空调,不制冷,closed,退款,13812345678\n"
    );
    std::fs::write(&file, body).expect("write");
    // The consumer of A1 complained before, through the hotline.
    let earlier = json!({"consumer": {"name": "钱多多", "mobile": "138 1234 5678"}, "channel": "hotline",
        "product_name": "电风扇", "quantity": 1, "content": "摇头失灵", "demand": "repair",
        "category": "after_sales", "severity": "general", "complexity": "complex", "department_id": "DEP-AS"});
    let support_org =
        call(&t.db, &Actor::system(), "demo.generate", json!({"cases": 1, "until": "2026-11-28"}))
            .await;
    assert!(support_org.is_ok());
    let earlier =
        call(&t.db, &Actor::system(), "cases.create", earlier).await.expect("earlier case");
    let report = import(&t.db, &file, &simple_mapping(), false).await;
    assert_eq!(report.imported, 1, "{:?}", report.rejected);
    assert_eq!(report.duplicates, 1);
    let mut problems: Vec<(u64, String, String)> =
        report.rejected.iter().map(|p| (p.row, p.column.clone(), p.reason.clone())).collect();
    problems.sort();
    let find = |row: u64, column: &str| problems.iter().any(|p| p.0 == row && p.1 == column);
    assert!(find(3, "受理日期"), "{problems:?}");
    assert!(find(4, "渠道"), "{problems:?}");
    assert!(find(5, "商品"), "{problems:?}");
    assert!(find(6, "受理日期") && find(6, "手机"), "future date and bad mobile: {problems:?}");
    assert!(find(7, "状态"), "{problems:?}");
    assert_eq!(report.rejected_rows, 5);
    // The good row: its historical date, status, result and consumer.
    let (received, status, result, mobile, consumer): (
        String,
        String,
        Option<String>,
        Option<String>,
        String,
    ) = sqlx::query_as(
        "SELECT c.received_at, c.status, c.result, p.mobile, c.consumer_id FROM cases c \
         JOIN consumers p ON p.id = c.consumer_id JOIN case_imports i ON i.case_id = c.id",
    )
    .fetch_one(t.db.pool())
    .await
    .expect("case");
    assert_eq!(received, "2024-03-01T04:00:00.000Z", "a date alone is noon China time");
    assert_eq!(
        (status.as_str(), result.as_deref(), mobile.as_deref()),
        ("closed", Some("退款"), Some("13812345678"))
    );
    // One event: its creation, carrying the state the file gives (no handling it never had).
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT e.kind FROM events e JOIN case_imports i ON i.case_id = e.case_id ORDER BY e.hlc",
    )
    .fetch_all(t.db.pool())
    .await
    .expect("events");
    assert_eq!(kinds, ["case.created"]);
    let closed_at: Option<String> = sqlx::query_scalar(
        "SELECT c.closed_at FROM cases c JOIN case_imports i ON i.case_id = c.id",
    )
    .fetch_one(t.db.pool())
    .await
    .expect("closed_at");
    assert_eq!(closed_at.as_deref(), Some("2024-03-01T04:00:00.000Z"), "closed when received");
    let history = call(&t.db, &Actor::system(), "consumers.get", json!({"case_id": earlier["id"]}))
        .await
        .expect("history");
    assert_eq!(
        history["id"],
        consumer.as_str(),
        "the imported case joins the consumer with the same mobile"
    );
    assert_eq!(history["cases"].as_array().map(Vec::len), Some(2));
    assert_rebuilds_alike(&t.db, &["空调", "不制冷", "摇头"]).await;
    // A dry run says the same and writes nothing.
    let t2 = support::fresh().await;
    let before = count(&t2.db, "SELECT COUNT(*) FROM events").await;
    let dry = import(&t2.db, &file, &simple_mapping(), true).await;
    assert_eq!((dry.imported, dry.duplicates, dry.rejected_rows), (1, 1, 5));
    assert_eq!(count(&t2.db, "SELECT COUNT(*) FROM events").await, before);
}

#[tokio::test]
async fn xlsx_with_typed_dates_imports() {
    let t = support::fresh().await;
    let file = t.dir.path().join("ledger.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (i, h) in
        ["编号", "受理日期", "渠道", "商品", "问题", "状态", "结果", "手机"].iter().enumerate()
    {
        sheet.write_string(0, i as u16, *h).expect("header");
    }
    for r in 1..=3u32 {
        sheet.write_number(r, 0, f64::from(r)).expect("id");
        let day = chrono::NaiveDate::from_ymd_opt(2025, 5, r).expect("date");
        sheet.write_datetime_with_format(r, 1, day, &date).expect("date");
        sheet.write_string(r, 2, "电话").expect("channel");
        sheet.write_string(r, 3, "微波炉").expect("product");
        sheet.write_string(r, 4, "加热不均匀").expect("content");
    }
    book.save(&file).expect("save");
    let report = import(&t.db, &file, &simple_mapping(), false).await;
    assert_eq!((report.imported, report.rejected_rows), (3, 0), "{:?}", report.rejected);
    assert_eq!(report.encoding, "xlsx");
    let days =
        grouped(&t.db, "SELECT substr(received_at, 1, 10), COUNT(*) FROM cases GROUP BY 1").await;
    assert_eq!(
        days.keys().cloned().collect::<Vec<_>>(),
        ["2025-05-01", "2025-05-02", "2025-05-03"]
    );
    // The wizard's first step reads the same file and guesses the mapping from the headers.
    let seen = call(&t.db, &Actor::system(), "imports.inspect", json!({"path": file}))
        .await
        .expect("inspect");
    assert_eq!(seen["rows"], 3);
    assert_eq!(seen["mapping"]["fields"]["received_at"]["column"], "受理日期");
    assert_eq!(seen["mapping"]["fields"]["consumer_mobile"]["column"], "手机");
    assert_eq!(seen["sample"][0][1], "2025-05-01");
}

#[tokio::test]
async fn a_cancelled_import_keeps_whole_batches_and_says_which_rows_went_in() {
    let t = support::fresh().await;
    let file = t.dir.path().join("big.csv");
    let mut body = String::from(HEADER);
    // Four batches.
    let rows = 4 * redress_core::import::BATCH as u64;
    for i in 0..rows {
        body.push_str(&format!("B{i},2024-04-01,电话,空调,不制冷 第{i}条,closed,退款,\n"));
    }
    std::fs::write(&file, body).expect("write");
    let req = json!({"path": file, "mapping": simple_mapping(), "job_id": "cancel-test"});
    let db = t.db.clone();
    let running =
        tokio::spawn(async move { call(&db, &Actor::system(), "imports.run", req).await });
    // Cancel once the first batch is in.
    loop {
        let status = call(&t.db, &Actor::system(), "jobs.status", json!({"job_id": "cancel-test"}))
            .await
            .expect("status");
        if status["done"].as_u64().unwrap_or(0) >= redress_core::import::BATCH as u64 {
            let asked =
                call(&t.db, &Actor::system(), "jobs.cancel", json!({"job_id": "cancel-test"}))
                    .await
                    .expect("cancel");
            assert_eq!(asked, true);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let report: ImportReport =
        serde_json::from_value(running.await.expect("join").expect("import")).expect("report");
    assert!(report.cancelled);
    assert!(
        report.imported < rows
            && report.imported.is_multiple_of(redress_core::import::BATCH as u64),
        "{}",
        report.imported
    );
    let in_db: Vec<i64> = sqlx::query_scalar("SELECT row FROM case_imports ORDER BY row")
        .fetch_all(t.db.pool())
        .await
        .expect("rows");
    let reported: Vec<i64> =
        report.imported_rows.iter().flat_map(|(a, b)| (*a as i64)..=(*b as i64)).collect();
    assert_eq!(in_db, reported, "the report names exactly the rows that went in");
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM cases").await as u64, report.imported);
    let status = call(&t.db, &Actor::system(), "jobs.status", json!({"job_id": "cancel-test"}))
        .await
        .expect("status");
    assert!(status.is_null(), "the job is gone once it returned");
    // Importing again finishes the file without duplicating the first batches.
    let rest = import(&t.db, &file, &simple_mapping(), false).await;
    assert_eq!(rest.imported + report.imported, rows);
    assert_eq!(rest.duplicates, report.imported);
    assert_eq!(
        count(&t.db, "SELECT COUNT(DISTINCT case_no) FROM cases").await as u64,
        rows,
        "case numbers stay unique"
    );
    assert_rebuilds_alike(&t.db, &["不制冷", "第19999条"]).await;
    // Over 2,000 matches the ledger walks the sort column's index: the same pages as sorting.
    for (sort, sql) in [
        ("case_no", "c.case_no"),
        ("due_at", "c.due_at"),
        ("status", "c.status"),
        ("received_at", "c.received_at"),
    ] {
        for (dir, offset) in [("asc", 0), ("desc", 0), ("asc", 2_450)] {
            let req = json!({"categories": ["product_quality"], "channels": ["hotline"], "sort_by": sort,
                "sort_dir": dir, "limit": 100, "offset": offset});
            let page = call(&t.db, &Actor::system(), "cases.list", req).await.expect("list");
            let got: Vec<String> = page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["id"].as_str().expect("id").to_owned())
                .collect();
            let want: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT c.id FROM cases c WHERE c.category = 'product_quality' AND c.channel = 'hotline' \
                 ORDER BY {sql} {dir}, c.rowid {dir} LIMIT 100 OFFSET {offset}"
            ))
            .fetch_all(t.db.pool())
            .await
            .expect("want");
            assert_eq!(page["total"], rows);
            assert_eq!(got, want, "{sort} {dir} from {offset}");
        }
    }
}

#[tokio::test]
async fn export_writes_the_filtered_ledger_with_masking() {
    let t = support::with_demo(400, 5).await;
    let filter = json!({"categories": ["product_quality"], "received_from": "2025-06-01", "sort_by": "case_no", "sort_dir": "asc"});
    let expected: Vec<String> = sqlx::query_scalar(
        "SELECT case_no FROM cases WHERE category = 'product_quality' AND received_at >= '2025-05-31T16:00:00.000Z' ORDER BY case_no",
    )
    .fetch_all(t.db.pool())
    .await
    .expect("expected");
    assert!(expected.len() > 20);

    // CSV: UTF-8 with a byte-order mark, one line per case, names masked for an agent.
    let agent = support::actor(&t.db, "agent01").await;
    let csv_path = t.dir.path().join("ledger.csv");
    let done = call(&t.db, &agent, "cases.export", json!({"path": csv_path, "filter": filter}))
        .await
        .expect("csv");
    assert_eq!(done["rows"], expected.len());
    assert_eq!(done["masked"], true);
    let bytes = std::fs::read(&csv_path).expect("csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().expect("headers")[0], "案件编号");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.iter().map(|r| r[0].to_owned()).collect::<Vec<_>>(), expected);
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT p.name FROM cases c JOIN consumers p ON p.id = c.consumer_id WHERE c.category = 'product_quality' \
         AND c.received_at >= '2025-05-31T16:00:00.000Z' ORDER BY c.case_no",
    )
    .fetch_all(t.db.pool())
    .await
    .expect("names");
    assert!(
        rows.iter().zip(&names).all(|(r, full)| &r[3] != full),
        "no full name reaches an agent's file"
    );

    // xlsx for a manager (may export personal data): typed dates, full names.
    let manager = support::actor(&t.db, "manager01").await;
    let xlsx = t.dir.path().join("ledger.xlsx");
    let cols = json!(["case_no", "received_at", "consumer", "status"]);
    let done = call(
        &t.db,
        &manager,
        "cases.export",
        json!({"path": xlsx, "filter": filter, "columns": cols}),
    )
    .await
    .expect("xlsx");
    assert_eq!(done["masked"], false);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("open xlsx");
    let range = book.worksheet_range("纠纷台账").expect("sheet");
    assert_eq!(range.height(), expected.len() + 1);
    assert_eq!(range.get((0, 0)), Some(&calamine::Data::String("案件编号".into())));
    assert!(
        matches!(range.get((1, 1)), Some(calamine::Data::DateTime(_))),
        "{:?}",
        range.get((1, 1))
    );
    assert_eq!(range.get((1, 2)), Some(&calamine::Data::String(names[0].clone())));
    let labels = [
        "已受理",
        "调查核实",
        "方案制定",
        "沟通协商",
        "执行中",
        "结果反馈",
        "已结案",
        "已撤回",
        "已合并",
    ];
    assert!(
        matches!(range.get((1, 3)), Some(calamine::Data::String(s)) if labels.contains(&s.as_str())),
        "status as its Chinese label: {:?}",
        range.get((1, 3))
    );

    // Not a spreadsheet name: a clear error on the path.
    let err = call(&t.db, &manager, "cases.export", json!({"path": t.dir.path().join("x.pdf")}))
        .await
        .expect_err("pdf");
    assert_eq!(field_of(&err), Some("path"));
}

/// Every filter of the ledger gives exactly the cases a plain scan over all rows selects.
#[tokio::test]
async fn ledger_filters_match_a_plain_scan() {
    let t = support::with_demo(600, 9).await;
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    let all: Vec<Row> = sqlx::query_as(
        "SELECT id, channel, category, severity, status, department_id, store_id, received_at, product_name, handler_id FROM cases",
    )
    .fetch_all(t.db.pool())
    .await
    .expect("all");
    let dept: String = sqlx::query_scalar("SELECT id FROM org_units WHERE code = 'DEP-AS'")
        .fetch_one(t.db.pool())
        .await
        .expect("dept");
    let branch: String = sqlx::query_scalar("SELECT id FROM org_units WHERE code = 'BR-EC'")
        .fetch_one(t.db.pool())
        .await
        .expect("branch");
    let stores: Vec<String> =
        sqlx::query_scalar("SELECT id FROM org_units WHERE parent_id = ? OR id = ?")
            .bind(&branch)
            .bind(&branch)
            .fetch_all(t.db.pool())
            .await
            .expect("stores");
    type Keep = Box<dyn Fn(&Row) -> bool>;
    let cases: Vec<(Value, Keep)> = vec![
        (
            json!({"channels": ["hotline", "store"]}),
            Box::new(|r: &Row| r.1 == "hotline" || r.1 == "store"),
        ),
        (json!({"categories": ["product_quality"]}), Box::new(|r: &Row| r.2 == "product_quality")),
        (
            json!({"severities": ["major", "mass"]}),
            Box::new(|r: &Row| r.3 == "major" || r.3 == "mass"),
        ),
        (json!({"statuses": ["closed"]}), Box::new(|r: &Row| r.4 == "closed")),
        (
            json!({"department_id": dept}),
            Box::new(move |r: &Row| r.5.as_deref() == Some(dept.as_str())),
        ),
        (
            json!({"store_id": branch}),
            Box::new(move |r: &Row| r.6.as_ref().is_some_and(|s| stores.contains(s))),
        ),
        // 2026-01-01 .. 2026-03-31 in China time.
        (
            json!({"received_from": "2026-01-01", "received_to": "2026-03-31"}),
            Box::new(|r: &Row| {
                r.7.as_str() >= "2025-12-31T16:00:00.000Z"
                    && r.7.as_str() < "2026-03-31T16:00:00.000Z"
            }),
        ),
        (json!({"product": "空调"}), Box::new(|r: &Row| r.8.starts_with("空调"))),
        (json!({"handler_id": ""}), Box::new(|r: &Row| r.9.is_none())),
    ];
    for (filter, keep) in cases {
        let mut want: Vec<String> = all.iter().filter(|r| keep(r)).map(|r| r.0.clone()).collect();
        want.sort();
        assert!(!want.is_empty(), "{filter}: the demo data has such cases");
        let mut got = Vec::new();
        let mut offset = 0;
        loop {
            let mut req = filter.clone();
            req["limit"] = json!(500);
            req["offset"] = json!(offset);
            let page = call(&t.db, &Actor::system(), "cases.list", req).await.expect("list");
            let items = page["items"].as_array().expect("items");
            got.extend(items.iter().map(|i| i["id"].as_str().expect("id").to_owned()));
            assert_eq!(page["total"].as_u64(), Some(want.len() as u64), "{filter}");
            if items.len() < 500 {
                break;
            }
            offset += 500;
        }
        got.sort();
        assert_eq!(got, want, "{filter}");
    }
    let err = call(&t.db, &Actor::system(), "cases.list", json!({"received_from": "2026-02-30"}))
        .await
        .expect_err("bad date");
    assert_eq!(field_of(&err), Some("received_from"));
}

#[tokio::test]
async fn preferences_are_per_account_and_only_known_keys() {
    let t = support::with_demo(10, 1).await;
    let agent = support::actor(&t.db, "agent01").await;
    let manager = support::actor(&t.db, "manager01").await;
    let saved = json!([{"name": "我部门的超期案件", "filter": {"overdue": true}}]);
    call(&t.db, &agent, "preferences.save", json!({"key": "ledger.saved_filters", "value": saved}))
        .await
        .expect("save");
    let mine = call(&t.db, &agent, "preferences.get", json!({"key": "ledger.saved_filters"}))
        .await
        .expect("get");
    assert_eq!(mine, saved);
    let theirs = call(&t.db, &manager, "preferences.get", json!({"key": "ledger.saved_filters"}))
        .await
        .expect("get");
    assert!(theirs.is_null());
    let err = call(&t.db, &agent, "preferences.save", json!({"key": "anything", "value": 1}))
        .await
        .expect_err("unknown key");
    assert_eq!(field_of(&err), Some("key"));
}

/// Any bytes under any spreadsheet name are read or refused by the table reader, never a
/// panic: noise, and noise behind a zip header (what an .xlsx starts with).
#[test]
fn any_bytes_are_read_or_refused_as_a_table() {
    use proptest::prelude::*;
    use redress_core::import::table::{self, Encoding};
    let config = ProptestConfig { cases: 600, failure_persistence: None, ..Default::default() };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let bytes = (prop::bool::ANY, prop::collection::vec(any::<u8>(), 0..3000));
    runner
        .run(&bytes, |(zipped, mut bytes)| {
            if zipped {
                bytes.splice(0..0, *b"PK\x03\x04");
            }
            for name in ["x.csv", "x.xlsx", "x.xls"] {
                for encoding in [Encoding::Auto, Encoding::Utf8, Encoding::Gb18030] {
                    if let Ok(t) = table::read(name, &bytes, encoding, None) {
                        prop_assert!(t.rows.iter().all(|r| r.row >= 2), "rows after the header");
                    }
                }
            }
            Ok(())
        })
        .expect("the reader never fails other than by refusing");
}

/// Real files damaged at random — the GBK car-complaints file, a UTF-8 ledger, the same
/// ledger as a workbook: bytes flipped, cut, inserted, quotes and NULs and lone carriage
/// returns put in, a cell of a megabyte, noise. Each import is either refused as a whole with
/// a typed error on the file, or goes in row by row: exactly the rows it reports imported,
/// each a whole case, nothing else. The database is whole at the end.
#[tokio::test]
async fn damaged_files_import_what_is_sound_or_nothing() {
    let t = support::fresh().await;
    let car: Vec<u8> = std::fs::read(external("cn_12365auto_car_complaints/car_complain.csv"))
        .expect("car complaints")
        .split_inclusive(|b| *b == b'\n')
        .take(40)
        .flatten()
        .copied()
        .collect();
    let ledger = format!(
        "{HEADER}A1,2024-03-01,电话,空调,不制冷,closed,退款,13812345678\n\
         A2,2024-03-02,Web,冰箱,\"漏水，\"\"严重\"\"\",closed,维修,13912345678\n\
         A3,2024-03-05,电话,洗衣机,噪音大,closed,换货,\n"
    )
    .into_bytes();
    let workbook = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, line) in String::from_utf8_lossy(&ledger).lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, cell).expect("cell");
            }
        }
        book.save_to_buffer().expect("xlsx")
    };
    let seeds: [(&str, &[u8], ImportMapping); 3] = [
        ("car.csv", &car, mapping("car_complain.toml")),
        ("ledger.csv", &ledger, simple_mapping()),
        ("ledger.xlsx", &workbook, simple_mapping()),
    ];
    let mut x: u64 = 0x00C5_F00D_BAD5;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n.max(1) as u64) as usize
    };
    let (mut refused, mut partly, mut rows_in) = (0, 0, 0u64);
    for round in 0..150 {
        let (name, seed, map) = &seeds[round % 3];
        let mut bytes = seed.to_vec();
        for _ in 0..1 + next(3) {
            match next(9) {
                0 => {
                    let at = next(bytes.len());
                    if let Some(b) = bytes.get_mut(at) {
                        *b ^= 1 << next(8);
                    }
                }
                1 => bytes.truncate(next(bytes.len())),
                2 => {
                    let at = next(bytes.len());
                    let noise: Vec<u8> = (0..next(64)).map(|_| next(256) as u8).collect();
                    bytes.splice(at..at, noise);
                }
                3 => bytes.insert(next(bytes.len()), b'"'),
                4 => bytes.insert(next(bytes.len()), 0),
                5 => {
                    let at = next(bytes.len());
                    bytes.insert(at, b'\r');
                }
                6 => {
                    let at = bytes.iter().position(|b| *b == b',').unwrap_or(0);
                    bytes.splice(at..at, "长".repeat(350_000).into_bytes());
                }
                7 => {
                    bytes.splice(0..0, *b"\xEF\xBB\xBF");
                }
                _ => bytes = (0..next(2048)).map(|_| next(256) as u8).collect(),
            }
        }
        let file = t.dir.path().join(format!("{round}-{name}"));
        std::fs::write(&file, &bytes).expect("write");
        let cases_before = count(&t.db, "SELECT COUNT(*) FROM cases").await;
        let mut map = map.clone();
        // A source of its own each round: what went in before is no duplicate of it.
        map.source = format!("fuzz-{round}");
        let req = json!({"path": file, "mapping": map});
        match call(&t.db, &Actor::system(), "imports.run", req).await {
            Err(e) => {
                refused += 1;
                assert!(
                    !["internal", "storage.database", "storage.io"].contains(&e.code.as_str()),
                    "round {round} ({name}): {e}"
                );
                assert_eq!(count(&t.db, "SELECT COUNT(*) FROM cases").await, cases_before);
            }
            Ok(value) => {
                let report: ImportReport = serde_json::from_value(value).expect("report");
                partly += u32::from(report.rejected_rows > 0);
                rows_in += report.imported;
                let after = count(&t.db, "SELECT COUNT(*) FROM cases").await;
                assert_eq!(after - cases_before, report.imported as i64, "round {round}");
                let batch = report.batch_id.unwrap_or_default();
                let whole: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM case_imports i JOIN cases c ON c.id = i.case_id \
                     JOIN consumers p ON p.id = c.consumer_id WHERE i.batch_id = ?",
                )
                .bind(&batch)
                .fetch_one(t.db.pool())
                .await
                .expect("whole cases");
                assert_eq!(whole, report.imported as i64, "round {round}: each a whole case");
            }
        }
    }
    eprintln!("damaged files: {refused} refused whole, {partly} in part, {rows_in} rows in");
    assert!(refused > 0 && rows_in > 0);
    assert_eq!(t.db.integrity_check().await.expect("integrity"), vec!["ok".to_owned()]);
    redress_core::event_log::verify(&t.db).await.expect("chain");
    let state = redress_core::projection::snapshot(&t.db).await.expect("snapshot");
    redress_core::projection::rebuild(&t.db).await.expect("rebuild");
    assert_eq!(redress_core::projection::snapshot(&t.db).await.expect("rebuilt"), state);
}
