//! The statistical analysis report (§五(三)1), checked as a real PDF with qpdf and poppler: its
//! sections where its table of contents says, the period's figures as the statistics and KPI
//! operations give them, the author's text, the appendix; issuing numbers it and keeps its
//! PDF, which prints again byte for byte even after the data changed; bad input and the wrong
//! role are refused.

use crate::pdf_tools;
use crate::support;

use base64::Engine;
use redress_core::Db;
use serde_json::{json, Value};
use support::call;

async fn pdf_of(db: &Db, actor: &redress_core::Actor, id: &Value) -> (Vec<u8>, Value) {
    let pdf = call(db, actor, "reports.pdf", json!({"id": id})).await.expect("pdf");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().expect("data"))
        .expect("base64");
    (bytes, pdf)
}

/// The text of each page.
fn pages(bytes: &[u8]) -> Vec<String> {
    let file = pdf_tools::write_temp(bytes);
    pdf_tools::qpdf_check(&file);
    pdf_tools::fonts_all_embedded_subset(&file);
    pdf_tools::text(&file).split('\u{c}').map(pdf_tools::squash).collect()
}

#[tokio::test]
async fn a_report_prints_the_periods_figures_where_its_contents_say() {
    let t = support::with_demo(1_500, 8).await;
    let db = &t.db;
    let manager = support::actor(db, "manager01").await;
    let draft =
        call(db, &manager, "reports.draft", json!({"period": "2026-Q3"})).await.expect("draft");
    assert_eq!(draft["title"], "2026年第三季度消费纠纷统计分析报告");
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].clone();

    // Not issued without the author's conclusions and proposals.
    let e = call(db, &manager, "reports.issue", json!({"id": id})).await.expect_err("empty");
    assert_eq!(e.code, "validation.failed");
    let mut fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    fields.sort();
    assert_eq!(fields, vec!["conclusions", "proposals"]);
    call(
        db,
        &manager,
        "reports.save",
        json!({"id": id, "title": draft["title"],
            "conclusions": "本季度纠纷以产品质量类为主，及时率有待提高。",
            "proposals": "一、加强热点商品的进货检验。\n二、对安装人员开展专项培训。"}),
    )
    .await
    .expect("saved");

    let (bytes, meta) = pdf_of(db, &manager, &id).await;
    let text = pages(&bytes);
    assert_eq!(meta["pages"].as_u64().expect("pages") as usize, text.len() - 1);
    assert!(text[0].contains("草稿") && text[0].contains("2026年7月1日至2026年9月30日"));
    // The table of contents' page numbers are where the sections are.
    let contents = &text[1];
    assert!(contents.contains("目录"));
    for heading in [
        "一、总体情况",
        "二、关键指标与目标完成情况",
        "三、纠纷分布",
        "四、变化趋势",
        "五、热点问题",
        "六、结论、建议和措施",
        "附录：本期案件清单",
    ] {
        let after = contents.split(heading).nth(1).expect(heading);
        let listed: usize = after
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .expect("a page number");
        let found = text.iter().skip(2).position(|p| p.contains(heading)).expect(heading) + 3;
        assert_eq!(listed, found, "{heading}");
    }
    // The figures, as the operations give them.
    let stats =
        call(db, &manager, "stats.summary", json!({"from": "2026-07-01", "to": "2026-09-30"}))
            .await
            .expect("stats");
    let all = text.join("");
    let total = stats["total"]["count"].as_i64().expect("count");
    assert!(all.contains(&format!("共受理消费纠纷{total}件")), "the total");
    assert!(all.contains(&format!("上期{}件", stats["total"]["previous"])));
    let kpis = call(db, &manager, "kpi.summary", json!({"period": "2026-Q3"})).await.expect("kpis");
    assert!(all.contains(&format!("本期结案{}件", kpis["total"]["closed"])));
    let on_time = kpis["total"]["values"]
        .as_array()
        .expect("values")
        .iter()
        .find(|v| v["kpi"] == "on_time_rate")
        .expect("on time")["value"]
        .as_f64()
        .expect("value");
    assert!(all.contains(&format!("处理及时率{on_time}%")), "{on_time}");
    assert!(all.contains("二、对安装人员开展专项培训。"), "the author's proposals");
    // The appendix lists every case of the quarter (fewer than 500).
    assert!(all.contains(&format!("本期受理的全部{total}件案件")));
    let numbers: Vec<String> = sqlx::query_scalar(
        "SELECT case_no FROM cases WHERE status <> 'merged' AND received_at >= '2026-06-30T16:00:00.000Z' \
         AND received_at < '2026-09-30T16:00:00.000Z'",
    )
    .fetch_all(db.pool())
    .await
    .expect("numbers");
    assert_eq!(numbers.len() as i64, total);
    for n in &numbers {
        assert!(all.contains(n.as_str()), "{n} in the appendix");
    }

    // Issued: numbered; prints the same bytes again, even after the data changed.
    let issued = call(db, &manager, "reports.issue", json!({"id": id})).await.expect("issued");
    assert_eq!(issued["doc_no"], "纠纷统析〔2026〕1号");
    let (first, _) = pdf_of(db, &manager, &id).await;
    assert!(!pages(&first)[0].contains("草稿"));
    support::import_rows(
        db,
        t.dir.path(),
        "late",
        "L1,2026-08-08 10:00,电饭煲,内胆涂层脱落,received\n",
    )
    .await;
    let agent = support::actor(db, "agent01").await;
    let (again, _) = pdf_of(db, &agent, &id).await;
    assert_eq!(first, again, "an issued report prints unchanged, for anyone who sees cases");
    let e = call(
        db,
        &manager,
        "reports.save",
        json!({"id": id, "title": "改", "conclusions": "x", "proposals": "y"}),
    )
    .await
    .expect_err("issued reports are not edited");
    assert_eq!(e.code, "document.unavailable");
    let listed = call(db, &agent, "reports.list", json!({})).await.expect("list");
    assert_eq!(listed.as_array().expect("reports").len(), 1);
}

#[tokio::test]
async fn a_years_appendix_lists_the_grave_cases_when_there_are_too_many() {
    let t = support::with_demo(2_000, 12).await;
    let db = &t.db;
    let manager = support::actor(db, "manager01").await;
    let draft =
        call(db, &manager, "reports.draft", json!({"period": "2025"})).await.expect("draft");
    assert_eq!(draft["title"], "2025年度消费纠纷统计分析报告");
    let (bytes, _) = pdf_of(db, &manager, &draft["id"]).await;
    let all = pages(&bytes).join("");
    let (total, grave): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), SUM(severity IN ('major', 'mass', 'serious') OR typical = 1) FROM cases \
         WHERE status <> 'merged' AND received_at >= '2024-12-31T16:00:00.000Z' \
         AND received_at < '2025-12-31T16:00:00.000Z'",
    )
    .fetch_one(db.pool())
    .await
    .expect("counts");
    assert!(total > 500, "{total}");
    assert!(all.contains(&format!(
        "本期共受理{total}件，本附录列出其中重大、群体性、较重及典型案件{}件",
        grave.min(500)
    )));

    // Bad input, wrong role.
    let e =
        call(db, &manager, "reports.draft", json!({"period": "2025-13"})).await.expect_err("bad");
    assert_eq!((e.code.as_str(), e.fields[0].field.as_str()), ("validation.failed", "period"));
    let agent = support::actor(db, "agent01").await;
    let e = call(db, &agent, "reports.draft", json!({"period": "2025"})).await.expect_err("agent");
    assert_eq!(e.code, "auth.forbidden");
    let e = call(db, &agent, "reports.get", json!({"id": draft["id"]})).await.expect_err("a draft");
    assert_eq!(e.code, "auth.forbidden");
}
