//! 内部通报: internal bulletins on typical cases (§五(三)2), laid out after GB/T 9704-2012:
//! A4, a 156 × 225 mm text block of 22 lines × 28 characters of 16 pt body text, the issuing
//! body in red over a red rule, the document number 〔2026〕3号, the title, the addressees,
//! headings 一、（一）, the signature and date with the seal, and the 版记 at the foot of the last
//! page. Marked 内部资料 注意保密. Consumers' personal data is masked unless the author turned
//! masking off for a kind of data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::fonts::Face;
use super::mask::{scrub, Masking, Personal};
use super::pdf::{Align, Block, Colour, Column, Document, Image, Style, Table, MM};
use super::templates::CompanyProfile;
use super::text::{date_cn, numeral_cn};

/// One typical case as the bulletin tells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BulletinCase {
    pub case_id: String,
    pub case_no: String,
    /// The case's heading (一、…).
    pub heading: String,
    /// （一）基本情况.
    pub summary: String,
    /// （二）原因分析.
    pub cause: String,
    /// （三）处理情况.
    pub handling: String,
    /// （四）经验教训与整改要求.
    pub lessons: String,
}

/// What the author writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BulletinContent {
    pub title: String,
    /// 主送机关.
    pub addressee: String,
    pub intro: String,
    pub cases: Vec<BulletinCase>,
    pub closing: String,
    /// 抄送: who receives a copy.
    pub copy_to: Vec<String>,
    pub masking: Masking,
}

/// Number, date and signature, fixed when the bulletin is issued.
#[derive(Debug, Clone)]
pub struct Issue {
    /// `客服通〔2026〕3号`; a draft has none.
    pub doc_no: Option<String>,
    pub date: NaiveDate,
    pub created: DateTime<Utc>,
}

/// Points per line of the GB/T 9704 grid: 225 mm / 22 lines.
pub const LINE: f32 = 225.0 * MM / 22.0;
/// Body text: 3号 (16 pt), tracked so 28 characters fill the 156 mm line (a hair under, so
/// rounding never pushes the 28th to the next line; justification takes up the rest).
pub const BODY_PT: f32 = 16.0;

/// The body text style: 3号 serif on the 22 × 28 grid, first line indented two characters.
pub fn body() -> Style {
    Style::new(Face::Serif, BODY_PT)
        .leading(LINE)
        .indent(2.0)
        .tracking(156.0 * MM / 28.0 - BODY_PT - 0.01)
}

/// Every text the bulletin shows, masked: the strings a reader will find in the PDF.
pub fn masked(content: &BulletinContent, people: &[Personal]) -> BulletinContent {
    let m = |s: &str| scrub(s, people, content.masking);
    BulletinContent {
        title: m(&content.title),
        addressee: m(&content.addressee),
        intro: m(&content.intro),
        cases: content
            .cases
            .iter()
            .map(|c| BulletinCase {
                case_id: c.case_id.clone(),
                case_no: c.case_no.clone(),
                heading: m(&c.heading),
                summary: m(&c.summary),
                cause: m(&c.cause),
                handling: m(&c.handling),
                lessons: m(&c.lessons),
            })
            .collect(),
        closing: m(&content.closing),
        copy_to: content.copy_to.iter().map(|s| m(s)).collect(),
        masking: content.masking,
    }
}

fn paragraphs(out: &mut Vec<Block>, text: &str, style: Style) {
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        out.push(Block::text(line.trim(), style));
    }
}

/// The bulletin as a document. `people`: the consumers of its cases, whose data is masked.
pub fn document(
    content: &BulletinContent,
    issue: &Issue,
    people: &[Personal],
    profile: &CompanyProfile,
) -> Document {
    let c = masked(content, people);
    let seal = profile
        .seal
        .as_deref()
        .and_then(|d| super::templates::decode_image(d).ok())
        .and_then(|b| Image::decode(&b).ok());
    let body = body();
    let plain = Style { indent: 0.0, ..body };
    let mut b = Vec::new();
    // 版头: classification, the issuing body in red, the number, the red rule.
    let mark = if issue.doc_no.is_some() {
        "内部资料　注意保密".to_owned()
    } else {
        "内部资料　注意保密　　（草稿　未签发）".to_owned()
    };
    b.push(Block::text(mark, Style::new(Face::Sans, 16.0).leading(LINE).align(Align::Left)));
    b.push(Block::spaced(
        format!("{}{}", profile.company_name, profile.issuing_department),
        Style::new(Face::SerifBold, 30.0).leading(44.0).align(Align::Centre).colour(Colour::RED),
        LINE,
        LINE * 0.5,
    ));
    let number = issue.doc_no.clone().unwrap_or_else(|| {
        format!("{}〔{}〕　号", profile.bulletin_prefix, issue.date.format("%Y"))
    });
    b.push(Block::text(number, Style { align: Align::Centre, ..plain }));
    b.push(Block::Rule { thickness: 1.5, colour: Colour::RED, before: 4.0 * MM, after: LINE });
    // Title, addressees, body.
    b.push(Block::spaced(
        c.title.clone(),
        Style::new(Face::SerifBold, 22.0).leading(LINE * 1.2).align(Align::Centre),
        0.0,
        LINE,
    ));
    if !c.addressee.trim().is_empty() {
        b.push(Block::text(c.addressee.trim(), plain));
    }
    paragraphs(&mut b, &c.intro, body);
    let h1 = Style { face: Face::Sans, ..body };
    let h2 = Style { face: Face::Kai, ..body };
    for (i, case) in c.cases.iter().enumerate() {
        b.push(Block::heading(
            format!("{}、{}", numeral_cn(i + 1), case.heading.trim()),
            h1,
            0.0,
            0.0,
        ));
        let parts = [
            ("基本情况", &case.summary),
            ("原因分析", &case.cause),
            ("处理情况", &case.handling),
            ("经验教训与整改要求", &case.lessons),
        ];
        for (j, (label, text)) in parts.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            b.push(Block::heading(format!("（{}）{label}", numeral_cn(j + 1)), h2, 0.0, 0.0));
            paragraphs(&mut b, text, body);
        }
    }
    paragraphs(&mut b, &c.closing, body);
    // Signature and date, four characters from the right edge, with the seal over them.
    let right = Style { align: Align::Right, ..plain };
    b.push(Block::Space(LINE * 2.0));
    b.push(Block::text(
        format!("{}{}　　　　", profile.company_name, profile.issuing_department),
        right,
    ));
    b.push(Block::text(format!("{}　　　　", date_cn(issue.date)), right));
    if let Some(seal) = seal {
        b.push(Block::Stamp { image: seal, width: 42.0 * MM, dx: 0.0, dy: -LINE / 2.0 });
    }
    // 版记 at the foot of the last page.
    let small = Style::new(Face::Serif, 14.0).leading(LINE * 0.9).align(Align::Left);
    let mut foot =
        vec![Block::Rule { thickness: 1.0, colour: Colour::BLACK, before: 0.0, after: 2.0 }];
    if !c.copy_to.is_empty() {
        foot.push(Block::text(format!("　抄送：{}。", c.copy_to.join("，")), small));
        foot.push(Block::Rule { thickness: 0.5, colour: Colour::BLACK, before: 2.0, after: 2.0 });
    }
    foot.push(Block::Table(Table {
        columns: vec![
            Column { title: String::new(), weight: 1.0, align: None },
            Column { title: String::new(), weight: 1.0, align: Some(Align::Right) },
        ],
        header: false,
        rows: vec![vec![
            format!("　{}{}", profile.company_name, profile.issuing_department),
            format!("{}印发　", date_cn(issue.date)),
        ]],
        style: small,
        header_style: small,
        padding: 0.0,
        borders: false,
    }));
    foot.push(Block::Rule { thickness: 1.0, colour: Colour::BLACK, before: 2.0, after: 0.0 });
    b.push(Block::AtFoot(foot));
    Document {
        title: c.title.clone(),
        author: format!("{}{}", profile.company_name, profile.issuing_department),
        subject: "内部通报".into(),
        keywords: std::iter::once("内部通报".to_owned())
            .chain(issue.doc_no.clone())
            .chain(c.cases.iter().map(|x| x.case_no.clone()))
            .collect(),
        created: issue.created,
        margins: (37.0, 26.0, 35.0, 28.0),
        head: None,
        page_numbers: true,
        blocks: b,
    }
}
