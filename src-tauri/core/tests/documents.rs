//! Notices and bulletins from real cases, checked as files: `qpdf --check`, `pdffonts` (only
//! embedded subsets), `pdftotext` (the Chinese comes back exactly), sizes, masking.

use crate::pdf_tools;
use crate::support;

use base64::Engine;
use proptest::prelude::*;
use redress_core::documents::bulletin::BulletinContent;
use redress_core::ops::documents::{BulletinView, GeneratedPdf};
use redress_core::{Actor, Db, Lang};
use serde_json::{json, Value};
use support::{drive_to, Stage};

async fn call(db: &Db, op: &str, req: Value) -> Value {
    redress_core::ops::dispatch(db, &Actor::system(), op, &req.to_string())
        .await
        .unwrap_or_else(|e| panic!("{op}: {:?}", e.to_api(Lang::En)))
}

async fn refused(db: &Db, op: &str, req: Value) -> (String, String) {
    let e = redress_core::ops::dispatch(db, &Actor::system(), op, &req.to_string())
        .await
        .expect_err("refused");
    let api = e.to_api(Lang::Zh);
    (api.code, api.message)
}

fn bytes(pdf: &GeneratedPdf) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(&pdf.data).expect("base64")
}

/// The checks every document must pass; gives its text.
fn check_file(pdf: &GeneratedPdf, max_bytes: usize) -> String {
    let data = bytes(pdf);
    assert_eq!(data.len(), pdf.size as usize);
    assert!(data.len() < max_bytes, "{}: {} bytes", pdf.file_name, data.len());
    let file = pdf_tools::write_temp(&data);
    pdf_tools::qpdf_check(&file);
    pdf_tools::fonts_all_embedded_subset(&file);
    let info = pdf_tools::info(&file);
    assert!(info.contains(&format!("Pages:           {}", pdf.pages)), "{info}");
    assert!(info.contains("Page size:       595.276 x 841.89 pts (A4)"), "{info}");
    pdf_tools::text(&file)
}

fn has(text: &str, want: &str) -> bool {
    pdf_tools::squash(text).contains(&pdf_tools::squash(want))
}

async fn notice(db: &Db, case: &str, kind: &str) -> GeneratedPdf {
    serde_json::from_value(call(db, "documents.notice", json!({"case": case, "kind": kind})).await)
        .expect("pdf")
}

#[tokio::test]
async fn the_four_notices_read_back_exactly_and_stay_small() {
    let t = support::with_demo(1, 7).await;
    let driven = drive_to(&t.db, Stage::Executing).await;
    let detail = call(&t.db, "cases.get", json!({"id": driven.case_id})).await;
    let case_no = detail["case"]["case_no"].as_str().expect("as set up").to_owned();

    // 受理回执: one page, the case number, what was received, the date, whom to call.
    let ack = notice(&t.db, &case_no, "acknowledgment").await;
    assert_eq!(ack.pages, 1);
    assert_eq!(ack.file_name, format!("受理回执-{case_no}.pdf"));
    let text = check_file(&ack, 150 * 1024);
    let due = detail["case"]["due_at"].as_str().expect("as set up");
    let due_cn = redress_core::documents::text::date_str_cn(due);
    for want in [
        "受理回执".to_owned(),
        format!("编号：{case_no}"),
        "尊敬的郑爽：".into(),
        format!("我公司已正式受理，受理编号为{case_no}。"),
        format!("预计于{due_cn}前办结"),
        "嵌入式烤箱".into(),
        "400-000-0000".into(),
        "第 1 页 共 1 页".into(),
    ] {
        assert!(has(&text, &want), "{want} in {text}");
    }

    // No delay yet: no progress notice, with a reason in the user's language.
    let (code, message) =
        refused(&t.db, "documents.notice", json!({"case": case_no, "kind": "progress"})).await;
    assert_eq!(code, "document.unavailable");
    assert!(message.contains("延期"), "{message}");
    let (code, _) =
        refused(&t.db, "documents.notice", json!({"case": case_no, "kind": "result"})).await;
    assert_eq!(code, "document.unavailable");

    // A step moved: the progress notice gives the reason and the new date.
    let today = chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive();
    let new_date = today + chrono::Duration::days(20);
    call(&t.db, "steps.delay", json!({"step_id": driven.step_ids[0], "reason": "温控器配件缺货，厂家补货中",
        "new_due_on": new_date.to_string(), "informed_by": "phone", "informed_on": today.to_string()}))
    .await;
    let progress = notice(&t.db, &driven.case_id, "progress").await;
    let text = check_file(&progress, 150 * 1024);
    for want in [
        "处理进度告知书".to_owned(),
        "因温控器配件缺货，厂家补货中，原定于".into(),
        format!("需延期至{}完成", redress_core::documents::text::date_cn(new_date)),
    ] {
        assert!(has(&text, &want), "{want} in {text}");
    }

    // The settlement: parties, measures and amounts in figures and capitals, signature lines.
    let settlement = notice(&t.db, &case_no, "settlement").await;
    let text = check_file(&settlement, 150 * 1024);
    for want in [
        "和解协议书",
        "甲方（经营者）：本公司",
        "乙方（消费者）：郑爽",
        "上门更换温控器",
        "补偿烤焦食材",
        "¥300.00",
        "人民币叁佰元整",
        "甲方（盖章）：",
        "乙方（签字）：",
        "本协议一式两份",
        "（以下无正文）",
    ] {
        assert!(has(&text, want), "{want} in {text}");
    }
    // The signature block stays on one page (pdftotext ends each page with a form feed).
    let signing =
        text.split('\u{c}').find(|page| page.contains("甲方（盖章）")).expect("signature page");
    assert!(signing.contains("日期："), "the dates stay with the signatures: {signing}");

    // Closed with a result: the result notice.
    for step in &driven.step_ids {
        call(&t.db, "steps.complete", json!({"step_id": step, "done_on": today.to_string()})).await;
    }
    call(&t.db, "cases.advance", json!({"id": driven.case_id, "move": "finish_execution"})).await;
    call(
        &t.db,
        "cases.feedback",
        json!({"id": driven.case_id, "communicated_by": "phone",
        "satisfaction": "satisfied", "score": 5}),
    )
    .await;
    call(
        &t.db,
        "cases.close",
        json!({"id": driven.case_id, "result": "已更换温控器并补偿300元，消费者满意",
        "root_cause": "product_defect"}),
    )
    .await;
    let result = notice(&t.db, &case_no, "result").await;
    let text = check_file(&result, 150 * 1024);
    for want in [
        "处理结果告知书",
        "1. 维修：上门更换温控器",
        "处理结果：已更换温控器并补偿300元，消费者满意",
    ] {
        assert!(has(&text, want), "{want} in {text}");
    }
}

#[tokio::test]
async fn templates_and_the_company_profile_are_edited_and_checked() {
    let t = support::with_demo(1, 7).await;
    let mut s = call(&t.db, "documents.settings", json!({})).await;
    s["profile"]["company_name"] = json!("华东电器有限公司");
    s["profile"]["hotline"] = json!("400-820-8820");
    s["templates"]["acknowledgment"]["closing"] = json!("请拨打{hotline}，或回复短信{nonsense}。");
    let req = json!({"profile": s["profile"], "templates": s["templates"]});
    let e = redress_core::ops::dispatch(
        &t.db,
        &Actor::system(),
        "documents.settings_save",
        &req.to_string(),
    )
    .await
    .expect_err("unknown placeholder");
    let api = e.to_api(Lang::Zh);
    assert_eq!(api.code, "validation.failed");
    let fields = serde_json::to_value(&api).expect("as set up");
    assert_eq!(fields["fields"][0]["field"], "templates.acknowledgment.closing", "{fields}");

    s["templates"]["acknowledgment"]["closing"] =
        json!("如有疑问请拨打{hotline}，我们24小时为您服务。");
    // A seal image (a red disc, PNG).
    s["profile"]["seal"] = json!(base64::engine::general_purpose::STANDARD.encode(red_disc_png()));
    let req = json!({"profile": s["profile"], "templates": s["templates"]});
    call(&t.db, "documents.settings_save", req).await;
    let driven = drive_to(&t.db, Stage::Received).await;
    let ack = notice(&t.db, &driven.case_id, "acknowledgment").await;
    let text = check_file(&ack, 150 * 1024);
    assert!(has(&text, "如有疑问请拨打400-820-8820，我们24小时为您服务。"), "{text}");
    assert!(has(&text, "华东电器有限公司"), "{text}");
    // The seal is an image on the page.
    let file = pdf_tools::write_temp(&bytes(&ack));
    let out = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&*file)
        .output()
        .expect("pdfimages");
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.lines().count() >= 3, "{list}");
}

/// A 64 × 64 PNG: a red disc on transparency, made without an image library.
fn red_disc_png() -> Vec<u8> {
    let (w, h) = (64u32, 64u32);
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0u8);
        for x in 0..w {
            let (dx, dy) = (x as i32 - 32, y as i32 - 32);
            let inside = dx * dx + dy * dy < 30 * 30;
            raw.extend_from_slice(if inside { &[220, 0, 0, 200] } else { &[0, 0, 0, 0] });
        }
    }
    // zlib, stored blocks.
    let mut z = vec![0x78, 0x01];
    for (i, chunk) in raw.chunks(65_535).enumerate() {
        let last = (i + 1) * 65_535 >= raw.len();
        z.push(u8::from(last));
        let len = chunk.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(chunk);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

async fn create_case(db: &Db, name: &str, mobile: &str, content: &str) -> String {
    let created = call(
        db,
        "cases.create",
        json!({"consumer": {"name": name, "mobile": mobile, "address": "浙江省杭州市西湖区文三路90号3幢"},
            "channel": "hotline", "product_name": "JSQ30-16A燃气热水器", "quantity": 1,
            "content": content, "demand": "refund", "category": "product_quality",
            "department_id": "DEP-AS", "handler_id": "handler.as", "severity": "general",
            "complexity": "complex", "acknowledged": true}),
    )
    .await;
    created["id"].as_str().expect("as set up").to_owned()
}

async fn draft(db: &Db, cases: &[String]) -> BulletinView {
    serde_json::from_value(call(db, "bulletins.draft", json!({ "cases": cases })).await)
        .expect("view")
}

async fn bulletin_pdf(db: &Db, id: &str) -> GeneratedPdf {
    serde_json::from_value(call(db, "bulletins.pdf", json!({ "id": id })).await).expect("pdf")
}

/// Every string the author wrote (masked as printed) comes back from the PDF.
fn assert_all_text(text: &str, c: &BulletinContent) {
    let mut want = vec![c.title.clone(), c.addressee.clone(), c.intro.clone(), c.closing.clone()];
    for k in &c.cases {
        want.extend([
            k.heading.clone(),
            k.summary.clone(),
            k.cause.clone(),
            k.handling.clone(),
            k.lessons.clone(),
        ]);
    }
    // Paragraphs may cross a page: take the running page numbers out first.
    let mut flat = pdf_tools::squash(text);
    let re_pages: Vec<String> =
        (1..=20).flat_map(|y| (1..=y).map(move |x| format!("第{x}页共{y}页"))).collect();
    for p in re_pages {
        flat = flat.replace(&p, "");
    }
    for w in want.iter().filter(|w| !w.trim().is_empty()) {
        for para in w.lines() {
            assert!(flat.contains(&pdf_tools::squash(para)), "missing {para:?}\nin {text}");
        }
    }
}

#[tokio::test]
async fn a_bulletin_of_ten_cases_is_drafted_edited_issued_and_reprinted_unchanged() {
    let t = support::with_demo(1, 7).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        let name =
            ["王小明", "李娜", "欧阳娜娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰"]
                [i];
        let mobile = format!("1391234{:04}", 5000 + i);
        let content = format!(
            "{name}反映，2026年10月{}日购买的燃气热水器安装后漏水，联系电话{mobile}，身份证号33010619850312{:04}。",
            i + 1,
            1000 + i
        );
        ids.push(create_case(&t.db, name, &mobile, &content).await);
    }
    let v = draft(&t.db, &ids).await;
    assert_eq!(v.content.cases.len(), 10);
    assert_eq!(v.content.title, "关于典型消费纠纷案例的通报");
    assert!(
        v.content.intro.contains("10") || v.content.intro.contains("十"),
        "{}",
        v.content.intro
    );
    // The draft is written masked already.
    assert!(v.content.cases[0].summary.contains("王某"), "{}", v.content.cases[0].summary);
    assert!(!v.content.cases[0].summary.contains("王小明"));
    assert!(v.content.cases[0].summary.contains("139****5000"));
    assert!(v.content.cases[0].summary.contains("（证件号码已隐去）"));

    // The author edits the wording, and types a consumer's full name and phone by mistake.
    let mut content = v.content.clone();
    content.cases[2].lessons =
        "安装班组须持证上岗；欧阳娜娜（13912345002）一案暴露出回访缺位。".into();
    content.copy_to = vec!["公司领导".into(), "法务部".into()];
    let saved: BulletinView = serde_json::from_value(
        call(&t.db, "bulletins.save", json!({"id": v.summary.id, "content": content})).await,
    )
    .expect("as set up");
    assert_eq!(
        saved.content.cases[2].lessons, content.cases[2].lessons,
        "the author's words are kept"
    );
    assert!(
        saved.preview.cases[2].lessons.contains("欧阳某（139****5002）"),
        "{}",
        saved.preview.cases[2].lessons
    );

    let draft_pdf = bulletin_pdf(&t.db, &v.summary.id).await;
    let text = check_file(&draft_pdf, 400 * 1024);
    assert!(has(&text, "（草稿　未签发）"));
    assert_all_text(&text, &saved.preview);

    // Issued: numbered 〔year〕1号, dated, and its PDF kept.
    let issued: BulletinView =
        serde_json::from_value(call(&t.db, "bulletins.issue", json!({"id": v.summary.id})).await)
            .expect("as set up");
    let year =
        chrono::Utc::now().with_timezone(&redress_core::time::china()).format("%Y").to_string();
    assert_eq!(issued.summary.doc_no.as_deref(), Some(format!("客服通〔{year}〕1号").as_str()));
    let first = bulletin_pdf(&t.db, &v.summary.id).await;
    let text = check_file(&first, 400 * 1024);
    eprintln!("10-case bulletin: {} bytes, {} pages", first.size, first.pages);
    for want in [
        format!("客服通〔{year}〕1号"),
        "内部资料　注意保密".into(),
        "本公司客户服务部".into(),
        "抄送：公司领导，法务部。".into(),
        "一、".into(),
        "（一）基本情况".into(),
        "（四）经验教训与整改要求".into(),
    ] {
        assert!(has(&text, &want), "{want} in {text}");
    }
    assert!(!has(&text, "草稿"));
    assert_all_text(&text, &issued.preview);
    for (name, i) in [("王小明", 0), ("欧阳娜娜", 2), ("周杰", 9)] {
        assert!(!text.contains(name), "{name} unmasked");
        assert!(!text.contains(&format!("1391234{:04}", 5000 + i)));
    }
    // Reprinted byte for byte; an issued bulletin cannot change.
    let again = bulletin_pdf(&t.db, &v.summary.id).await;
    assert_eq!(again.data, first.data);
    let (code, _) =
        refused(&t.db, "bulletins.save", json!({"id": v.summary.id, "content": issued.content}))
            .await;
    assert_eq!(code, "document.unavailable");
    // The next one takes the next number.
    let second = draft(&t.db, &ids[..1]).await;
    let second: BulletinView = serde_json::from_value(
        call(&t.db, "bulletins.issue", json!({"id": second.summary.id})).await,
    )
    .expect("as set up");
    assert_eq!(second.summary.doc_no.as_deref(), Some(format!("客服通〔{year}〕2号").as_str()));
    let list = call(&t.db, "bulletins.list", json!({})).await;
    assert_eq!(list.as_array().expect("as set up").len(), 2);

    // Rebuilding the projection from the log gives the same bulletins.
    let before: Vec<(String, String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT id, content, doc_no, pdf_sha256 FROM bulletins ORDER BY id")
            .fetch_all(t.db.pool())
            .await
            .expect("as set up");
    redress_core::projection::rebuild(&t.db).await.expect("rebuild");
    let after: Vec<(String, String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT id, content, doc_no, pdf_sha256 FROM bulletins ORDER BY id")
            .fetch_all(t.db.pool())
            .await
            .expect("as set up");
    assert_eq!(before, after);
}

/// Random consumers whose data appears in their complaints' text, in one bulletin.
fn person() -> impl Strategy<Value = (String, String, String)> {
    let surname = prop::sample::select(vec!["王", "李", "张", "刘", "陈", "欧阳", "司马", "诸葛"]);
    let given = prop::collection::vec(
        prop::sample::select(
            "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂".chars().collect::<Vec<_>>(),
        ),
        1..=2,
    );
    let mobile =
        (prop::sample::select(vec!["13", "15", "17", "18", "19"]), 100_000_000u64..999_999_999u64);
    let id = (
        110_101u32..659_001,
        19_500_101u32..20_051_231,
        0u32..1000,
        prop::sample::select(vec!["0", "5", "X"]),
    );
    (surname, given, mobile, id).prop_map(|(s, g, (p, n), (region, birth, seq, check))| {
        let name = format!("{s}{}", g.into_iter().collect::<String>());
        (name, format!("{p}{n:09}"), format!("{region}{birth}{seq:03}{check}"))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn no_personal_data_reaches_a_bulletin_unless_its_masking_is_off(
        people in prop::collection::vec(person(), 1..=3),
        unmask_names in any::<bool>(),
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("as set up");
        rt.block_on(async {
            let t = support::with_demo(1, 7).await;
            let mut ids = Vec::new();
            for (name, mobile, id_no) in &people {
                let content = format!("{name}来电称热水器漏水，身份证{id_no}，电话{mobile}，请{name}本人到店。");
                ids.push(create_case(&t.db, name, mobile, &content).await);
            }
            let v = draft(&t.db, &ids).await;
            let mut content = v.content.clone();
            // The author writes their data into every section.
            for (k, (name, mobile, id_no)) in content.cases.iter_mut().zip(&people) {
                k.lessons = format!("{name}（{mobile}，{id_no}）的诉求应在首次接待时解决。");
            }
            content.masking.names = !unmask_names;
            call(&t.db, "bulletins.save", json!({"id": v.summary.id, "content": content})).await;
            let pdf = bulletin_pdf(&t.db, &v.summary.id).await;
            let file = pdf_tools::write_temp(&bytes(&pdf));
            let text = pdf_tools::squash(&pdf_tools::text(&file));
            for (name, mobile, id_no) in &people {
                prop_assert!(!text.contains(mobile.as_str()), "phone {mobile}");
                prop_assert!(!text.contains(id_no.as_str()), "id {id_no}");
                prop_assert_eq!(text.contains(name.as_str()), unmask_names, "name {}", name);
            }
            Ok(())
        })?;
    }
}
