//! Generating documents, warm (fonts parsed once, as in the running app): a one-page
//! acknowledgment and a 10-case bulletin with printpdf, beside the same content printed to PDF
//! by headless Chromium from equivalent HTML (the baseline, measured in the same run).
//!
//! `cargo bench -p redress-core --bench documents` (scripts/bench.sh installs Chromium). The
//! sizes of the four files are printed after the timings; docs/BENCHMARKS.md reports both.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use redress_core::documents::bulletin::{self, BulletinCase, BulletinContent, Issue};
use redress_core::documents::chart::{draw, Shape};
use redress_core::documents::fonts::{self, Face};
use redress_core::documents::mask::{Masking, Personal};
use redress_core::documents::notice::{self, MeasureFact, NoticeFacts, NoticeKind};
use redress_core::documents::pdf::{self, Align, Block, Document};
use redress_core::documents::templates::{CompanyProfile, Templates};

fn facts() -> NoticeFacts {
    NoticeFacts {
        case_no: "2026-HQ-000318".into(),
        consumer_name: "王小明".into(),
        consumer_phone: Some("13812345678".into()),
        consumer_address: Some("上海市徐汇区漕溪北路88号".into()),
        received_at: "2026-11-03T02:10:00Z".into(),
        channel: "12315/监管转办".into(),
        product: "燃气热水器（JSQ30-16A）".into(),
        category: "产品质量".into(),
        demand: "退货并赔偿地板损失（¥1,299.00）".into(),
        due_date: Some("2026-11-24".into()),
        handler: Some("陈静".into()),
        purchased_at: Some("2026-10-28".into()),
        order_no: Some("TB20261028-0088".into()),
        delay: None,
        measures: vec![MeasureFact {
            kind: "退货".into(),
            description: "上门取回热水器并全额退款".into(),
            amount_fen: Some(329_900),
            due: Some("2026-11-20".into()),
        }],
        result: None,
        closed_at: None,
        today: NaiveDate::from_ymd_opt(2026, 11, 3).expect("date"),
        created: Utc.with_ymd_and_hms(2026, 11, 3, 2, 30, 0).single().expect("time"),
    }
}

fn bulletin_doc() -> Document {
    let names =
        ["王小明", "李娜", "欧阳娜娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰"];
    let mut people = Vec::new();
    let cases = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let phone = format!("1391234{:04}", 5000 + i);
            people.push(Personal { name: (*name).into(), phones: vec![phone.clone()], email: None, address: None });
            BulletinCase {
                case_id: format!("c{i}"),
                case_no: format!("2026-HQ-{:06}", 300 + i),
                heading: format!("杭州西湖店燃气热水器质量纠纷（之{}）", i + 1),
                summary: format!("2026年10月{}日，消费者{name}（{phone}）通过12315/监管转办反映：所购JSQ30-16A型燃气热水器安装后第三天出现漏水，浸泡木地板约6平方米；多次致电客服未获明确答复。消费者诉求：退货并赔偿地板损失1,299元。", i + 1),
                cause: "经调查，漏水系进水阀密封圈装配不良所致，属同批次（批号B2610-07）质量缺陷；门店在首次报修后48小时内未安排上门，客服未按规定记录和升级，导致纠纷扩大。".into(),
                handling: "经协商，双方同意：上门取回热水器并全额退款（¥3,299.00）；赔偿地板损失（¥1,299.00）；门店店长登门致歉。处理结果：已全部履行，回访时消费者评价为满意（5分）。".into(),
                lessons: "各门店要严格执行报修24小时内上门的服务承诺；客服对同一消费者的重复来电必须合并记录并及时升级；质量管理部门要对同批次商品开展排查，必要时启动召回。".into(),
            }
        })
        .collect();
    let t = Templates::default().bulletin;
    let content = BulletinContent {
        title: t.title,
        addressee: t.addressee,
        intro: t.intro.replace("{count}", "十"),
        cases,
        closing: t.closing.replace("{department}", "客户服务部"),
        copy_to: vec!["公司领导".into(), "法务部".into(), "质量管理部".into()],
        masking: Masking::default(),
    };
    let issue = Issue {
        doc_no: Some("客服通〔2026〕3号".into()),
        date: NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"),
        created: Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).single().expect("time"),
    };
    bulletin::document(&content, &issue, &people, &profile())
}

fn profile() -> CompanyProfile {
    CompanyProfile { company_name: "华东电器有限公司".into(), ..CompanyProfile::default() }
}

fn notice_doc() -> Document {
    notice::notice(NoticeKind::Acknowledgment, &facts(), &profile(), &Templates::default())
}

// ------------------------------------------------------------------ the HTML baseline

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn family(face: Face) -> &'static str {
    match face {
        Face::Serif => "RSerif",
        Face::SerifBold => "RSerifBold",
        Face::Sans => "RSans",
        Face::Kai => "RKai",
    }
}

fn css_align(a: Align) -> &'static str {
    match a {
        Align::Left => "left",
        Align::Centre => "center",
        Align::Right => "right",
        Align::Justify => "justify",
    }
}

fn blocks_html(blocks: &[Block], out: &mut String) {
    for b in blocks {
        match b {
            Block::Text { text, style, before, after, .. } => {
                for para in text.lines() {
                    out.push_str(&format!(
                        "<p style=\"font-family:{};font-size:{}pt;line-height:{}pt;text-align:{};text-indent:{}em;letter-spacing:{}pt;color:rgb({},{},{});margin:{}pt 0 {}pt\">{}</p>",
                        family(style.face), style.size, style.leading, css_align(style.align), style.indent,
                        style.tracking, style.colour.0 * 255.0, style.colour.1 * 255.0, style.colour.2 * 255.0,
                        before, after, escape(para)
                    ));
                }
            }
            Block::Table(t) => {
                let border = if t.borders { "1px solid #000" } else { "none" };
                out.push_str(&format!("<table style=\"width:100%;border-collapse:collapse;font-family:{};font-size:{}pt;line-height:{}pt\">", family(t.style.face), t.style.size, t.style.leading));
                if t.header {
                    out.push_str("<thead><tr>");
                    for c in &t.columns {
                        out.push_str(&format!("<th style=\"border:{border};background:#eee;padding:{}pt\">{}</th>", t.padding, escape(&c.title)));
                    }
                    out.push_str("</tr></thead>");
                }
                for row in &t.rows {
                    out.push_str("<tr>");
                    for cell in row {
                        out.push_str(&format!("<td style=\"border:{border};padding:{}pt\">{}</td>", t.padding, escape(cell)));
                    }
                    out.push_str("</tr>");
                }
                out.push_str("</table>");
            }
            Block::Rule { thickness, colour, before, after } => out.push_str(&format!(
                "<hr style=\"border:0;border-top:{thickness}pt solid rgb({},{},{});margin:{before}pt 0 {after}pt\">",
                colour.0 * 255.0, colour.1 * 255.0, colour.2 * 255.0
            )),
            Block::Space(s) => out.push_str(&format!("<div style=\"height:{s}pt\"></div>")),
            Block::PageBreak => out.push_str("<div style=\"break-after:page\"></div>"),
            Block::AtFoot(inner) => blocks_html(inner, out),
            // The same shapes as inline SVG, so that the browser draws what printpdf draws.
            Block::Chart(chart) => {
                let width = 480.0;
                let measure = |t: &str, size: f32| t.chars().count() as f32 * size;
                let rgb = |c: redress_core::documents::pdf::Colour| {
                    format!("rgb({},{},{})", c.0 * 255.0, c.1 * 255.0, c.2 * 255.0)
                };
                out.push_str(&format!(
                    "<svg width=\"{width}pt\" height=\"{}pt\" viewBox=\"0 0 {width} {}\">",
                    chart.height, chart.height
                ));
                for shape in draw(chart, 0.0, 0.0, width, &measure) {
                    out.push_str(&match shape {
                        Shape::Text { x, baseline, size, colour, text } => format!(
                            "<text x=\"{x}\" y=\"{baseline}\" font-size=\"{size}\" fill=\"{}\" font-family=\"RSans\">{}</text>",
                            rgb(colour),
                            escape(&text)
                        ),
                        Shape::Line { x1, y1, x2, y2, thickness, colour } => format!(
                            "<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" stroke-width=\"{thickness}\" stroke=\"{}\"/>",
                            rgb(colour)
                        ),
                        Shape::Rect { x, y, w, h, colour } => format!(
                            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{}\"/>",
                            rgb(colour)
                        ),
                        Shape::Polygon { points, colour } => {
                            let p: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
                            format!("<polygon points=\"{}\" fill=\"{}\"/>", p.join(" "), rgb(colour))
                        }
                    });
                }
                out.push_str("</svg>");
            }
            Block::Image { .. } | Block::Stamp { .. } | Block::Anchor(_) => {}
        }
    }
}

fn html(doc: &Document, font_dir: &Path) -> String {
    let (top, right, bottom, left) = doc.margins;
    let mut out =
        String::from("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><style>");
    for (name, file) in [
        ("RSerif", "NotoSerifSC-Regular.ttf"),
        ("RSerifBold", "NotoSerifSC-Bold.ttf"),
        ("RSans", "NotoSansSC-Medium.ttf"),
        ("RKai", "LXGWWenKai-Regular.ttf"),
    ] {
        out.push_str(&format!(
            "@font-face{{font-family:{name};src:url(\"file://{}\")}}",
            font_dir.join(file).display()
        ));
    }
    out.push_str(&format!(
        "@page{{size:A4;margin:{top}mm {right}mm {bottom}mm {left}mm}}body{{margin:0}}</style><title>{}</title></head><body>",
        escape(&doc.title)
    ));
    blocks_html(&doc.blocks, &mut out);
    out.push_str("</body></html>");
    out
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let out = Command::new("sh").arg("-c").arg(format!("command -v {name}")).output().ok()?;
        let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        (!path.is_empty()).then(|| PathBuf::from(path))
    })
}

fn print_with_chromium(browser: &Path, html_file: &Path, pdf_file: &Path) -> u64 {
    let status = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-pdf-header-footer",
            "--allow-file-access-from-files",
        ])
        .arg(format!("--print-to-pdf={}", pdf_file.display()))
        .arg(format!("file://{}", html_file.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium runs");
    assert!(status.success(), "chromium failed");
    std::fs::metadata(pdf_file).map(|m| m.len()).unwrap_or(0)
}

fn bench(c: &mut Criterion) {
    let fonts = fonts::shared().expect("fonts: run scripts/fonts.sh");
    let dir = tempfile::tempdir().expect("temp dir");
    let font_dir = fonts::font_dir().expect("font dir").canonicalize().expect("font dir");
    let docs = [("acknowledgment", notice_doc()), ("bulletin_10_cases", bulletin_doc())];
    let mut sizes = Vec::new();
    let browser = chromium();
    for (name, doc) in &docs {
        let mut group = c.benchmark_group(*name);
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(8))
            .warm_up_time(Duration::from_secs(2));
        group.bench_function("printpdf", |b| b.iter(|| pdf::render(&fonts, doc)));
        let (bytes, pages) = pdf::render(&fonts, doc);
        sizes.push(format!("{name}: printpdf {} bytes, {pages} page(s)", bytes.len()));
        if let Some(browser) = &browser {
            let html_file = dir.path().join(format!("{name}.html"));
            std::fs::write(&html_file, html(doc, &font_dir)).expect("html");
            let pdf_file = dir.path().join(format!("{name}.pdf"));
            group.bench_function("chromium_headless", |b| {
                b.iter(|| print_with_chromium(browser, &html_file, &pdf_file))
            });
            let size = print_with_chromium(browser, &html_file, &pdf_file);
            let pages = Command::new("pdfinfo")
                .arg(&pdf_file)
                .output()
                .map(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .find(|l| l.starts_with("Pages:"))
                        .map(|l| l.trim_start_matches("Pages:").trim().to_owned())
                        .unwrap_or_default()
                })
                .unwrap_or_default();
            sizes.push(format!("{name}: chromium {size} bytes, {pages} page(s)"));
        } else {
            sizes.push(format!("{name}: chromium not installed, baseline skipped"));
        }
        group.finish();
    }
    for s in sizes {
        println!("size {s}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
