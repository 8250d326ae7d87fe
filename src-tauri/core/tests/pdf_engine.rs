//! The layout engine on its own: pages, fonts subset, text that copies out, tables that split.

use crate::pdf_tools;

use chrono::TimeZone;
use redress_core::documents::fonts::{self, Face};
use redress_core::documents::pdf::{self, Block, Column, Document, RunningHead, Style, Table};

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        title: "测试文书".into(),
        author: "华东电器有限公司".into(),
        subject: "测试".into(),
        keywords: vec!["测试".into()],
        created: chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0).single().expect("a time"),
        margins: (30.0, 26.0, 30.0, 28.0),
        head: Some(RunningHead {
            left: "华东电器有限公司".into(),
            right: "测试文书".into(),
            logo: None,
        }),
        page_numbers: true,
        blocks,
    }
}

#[test]
fn a_long_table_repeats_its_header_and_the_text_copies_out() {
    let fonts = fonts::shared().expect("fonts (scripts/fonts.sh)");
    let body = Style::new(Face::Serif, 12.0).indent(2.0);
    let para = "消费者于2026年11月3日购买的JSQ30-16A型燃气热水器（订单号TB20261103-0088）在安装后第三天出现漏水，要求退货并赔偿地板损失¥1,299.00元。经现场勘查，确认为进水阀密封圈装配不良所致。";
    let mut rows = Vec::new();
    for i in 1..=60 {
        rows.push(vec![
            format!("{i}"),
            format!("第{i}项措施：更换密封圈并回访"),
            format!("{i}00.00"),
        ]);
    }
    let table = Table {
        columns: vec![
            Column { title: "序号".into(), weight: 1.0, align: None },
            Column { title: "措施".into(), weight: 5.0, align: None },
            Column { title: "金额（元）".into(), weight: 2.0, align: None },
        ],
        header: true,
        rows,
        style: Style::new(Face::Serif, 10.5).leading(16.0).align(pdf::Align::Left),
        header_style: Style::new(Face::Sans, 10.5).leading(16.0).align(pdf::Align::Centre),
        padding: 4.0,
        borders: true,
    };
    let document = doc(vec![
        Block::spaced(
            "测试文书",
            Style::new(Face::SerifBold, 22.0).align(pdf::Align::Centre),
            0.0,
            12.0,
        ),
        Block::text(para, body),
        Block::Table(table),
        Block::text("二、（一）楷体标题", Style::new(Face::Kai, 16.0)),
    ]);
    let laid = pdf::lay_out(&fonts, &document);
    assert!(laid.page_count() >= 2, "60 rows take more than one page");
    let (bytes, pages) = pdf::render(&fonts, &document);
    let file = pdf_tools::write_temp(&bytes);
    pdf_tools::qpdf_check(&file);
    pdf_tools::fonts_all_embedded_subset(&file);
    let text = pdf_tools::text(&file);
    let flat = pdf_tools::squash(&text);
    assert!(flat.contains(&pdf_tools::squash(para)), "{text}");
    // The header row comes back once per page the table is on.
    assert_eq!(text.matches("金额（元）").count(), pages, "{text}");
    assert!(text.contains(&format!("第 1 页 共 {pages} 页")));
    let info = pdf_tools::info(&file);
    assert!(info.contains("Title:           测试文书"), "{info}");
    assert!(info.contains("Author:          华东电器有限公司"), "{info}");
}

#[test]
fn bulletin_body_text_sits_on_the_gb_t_9704_grid_of_22_lines_by_28_characters() {
    let fonts = fonts::shared().expect("fonts (scripts/fonts.sh)");
    let text: String =
        "消费者权益保护法规定经营者应当保证其提供的商品或者服务符合保障人身财产安全的要求"
            .chars()
            .cycle()
            .take(28 * 60 - 2)
            .collect();
    let mut document =
        doc(vec![Block::text(text.clone(), redress_core::documents::bulletin::body())]);
    document.head = None;
    document.margins = (37.0, 26.0, 35.0, 28.0);
    let laid = pdf::lay_out(&fonts, &document);
    let lines: Vec<String> = laid.lines().into_iter().filter(|l| !l.starts_with("第")).collect();
    // 1,678 characters: 26 on the indented first line, then 28 a line, 60 lines in all.
    let counts: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    assert_eq!(lines.len(), 60, "{counts:?}");
    assert_eq!(lines[0].chars().count(), 26);
    assert!(lines[1..].iter().all(|l| l.chars().count() == 28), "{lines:?}");
    // 22 lines a page: 60 lines fill two pages and part of a third.
    assert_eq!(laid.page_count(), 3);
}
