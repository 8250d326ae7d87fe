//! How documents write dates, money and placeholders, as Chinese documents do.

use chrono::{Datelike, NaiveDate};

/// `2026年11月28日` (GB/T 9704-2012 writes dates in Arabic numerals, without leading zeros).
pub fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A `YYYY-MM-DD…` string as `2026年11月28日`; anything else unchanged.
pub fn date_str_cn(s: &str) -> String {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map_or_else(|| s.to_owned(), date_cn)
}

/// `¥1,299.00`.
pub fn money(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

/// The amount in capitals, as contracts and receipts write it: `人民币壹仟贰佰玖拾玖元整`.
pub fn money_upper(fen: i64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
    let negative = fen < 0;
    let fen = fen.unsigned_abs();
    let yuan = fen / 100;
    let (jiao, fen_part) = ((fen / 10) % 10, fen % 10);
    let mut out = String::new();
    if yuan == 0 {
        out.push('零');
    } else {
        // Groups of four digits, most significant first.
        let mut groups = Vec::new();
        let mut rest = yuan;
        while rest > 0 {
            groups.push(rest % 10_000);
            rest /= 10_000;
        }
        let mut need_zero = false;
        for (gi, group) in groups.iter().enumerate().rev() {
            if *group == 0 {
                need_zero = true;
                continue;
            }
            if (need_zero || (gi + 1 < groups.len() && *group < 1000)) && !out.is_empty() {
                out.push('零');
            }
            need_zero = false;
            let digits = [group / 1000, (group / 100) % 10, (group / 10) % 10, group % 10];
            let mut zero = false;
            let mut started = false;
            for (i, d) in digits.iter().enumerate() {
                if *d == 0 {
                    zero = started;
                    continue;
                }
                if zero {
                    out.push('零');
                    zero = false;
                }
                started = true;
                out.push(DIGITS[*d as usize]);
                out.push_str(UNITS[3 - i]);
            }
            out.push_str(GROUPS[gi.min(3)]);
        }
    }
    out.push('元');
    match (jiao, fen_part) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[j as usize]);
            out.push_str("角整");
        }
        (j, f) => {
            if j == 0 {
                out.push('零');
            } else {
                out.push(DIGITS[j as usize]);
                out.push('角');
            }
            out.push(DIGITS[f as usize]);
            out.push('分');
        }
    }
    format!("人民币{}{out}", if negative { "负" } else { "" })
}

/// The placeholders in `template`: the names between `{` and `}`.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// `template` with each `{name}` replaced by its value (names not given are left as written).
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match values.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Chinese numerals for headings: 1 → 一, 12 → 十二, 23 → 二十三.
pub fn numeral_cn(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!("{}十{}", D[n / 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_capitals() {
        assert_eq!(money_upper(129_900), "人民币壹仟贰佰玖拾玖元整");
        assert_eq!(money_upper(100_000_000), "人民币壹佰万元整");
        assert_eq!(money_upper(1_000_550), "人民币壹万零伍元伍角整");
        assert_eq!(money_upper(10_010_000), "人民币壹拾万零壹佰元整");
        assert_eq!(money_upper(5), "人民币零元零伍分");
        assert_eq!(money_upper(230_000_050_000), "人民币贰拾叁亿零伍佰元整");
        assert_eq!(money(129_900), "¥1,299.00");
        assert_eq!(money(123_456_789), "¥1,234,567.89");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(placeholders("尊敬的{consumer}：{case_no}"), ["consumer", "case_no"]);
        assert_eq!(
            fill("尊敬的{consumer}：{x}", &[("consumer", "王某".into())]),
            "尊敬的王某：{x}"
        );
        assert_eq!(numeral_cn(3), "三");
        assert_eq!(numeral_cn(12), "十二");
        assert_eq!(numeral_cn(20), "二十");
        assert_eq!(date_str_cn("2026-11-03T08:00:00Z"), "2026年11月3日");
    }
}
