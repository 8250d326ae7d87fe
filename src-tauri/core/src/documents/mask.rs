//! Masking consumers' personal data in documents that leave the case (PIPL): every occurrence
//! of a case's consumer name, phone numbers, e-mail and address is replaced by its masked form
//! (张某, 138****5678, district-level address), and anything shaped like a resident ID number
//! or a mainland mobile number is removed or masked wherever it appears in the text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::masking;

/// Which kinds of personal data are masked. All on by default; the author of a bulletin may
/// turn one off deliberately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Masking {
    pub names: bool,
    pub phones: bool,
    pub addresses: bool,
    pub id_numbers: bool,
}

impl Default for Masking {
    fn default() -> Self {
        Self { names: true, phones: true, addresses: true, id_numbers: true }
    }
}

/// The personal data of one consumer, as recorded on the case.
#[derive(Debug, Clone, Default)]
pub struct Personal {
    pub name: String,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// What replaces an identity-card number.
pub const ID_REMOVED: &str = "（证件号码已隐去）";

/// `text` with the personal data of `people` masked as `masking` says.
pub fn scrub(text: &str, people: &[Personal], masking: Masking) -> String {
    let mut out = text.to_owned();
    // Longer values first, so a name inside an address is not masked twice.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for p in people {
        if masking.addresses {
            if let Some(a) = p.address.as_deref().filter(|a| a.chars().count() >= 4) {
                pairs.push((a.to_owned(), masking::address(a)));
            }
        }
        if masking.phones {
            for phone in p.phones.iter().filter(|x| x.chars().count() >= 5) {
                pairs.push((phone.clone(), masking::phone(phone)));
            }
            if let Some(e) = p.email.as_deref().filter(|e| e.contains('@')) {
                pairs.push((e.to_owned(), masking::email(e)));
            }
        }
        if masking.names && p.name.chars().count() >= 2 {
            pairs.push((p.name.clone(), masking::name(&p.name)));
        }
    }
    pairs.sort_by_key(|(from, _)| std::cmp::Reverse(from.chars().count()));
    for (from, to) in pairs {
        if !from.is_empty() && from != to {
            out = out.replace(&from, &to);
        }
    }
    if masking.id_numbers {
        out = remove_id_numbers(&out);
    }
    if masking.phones {
        out = mask_mobiles(&out);
    }
    out
}

/// Removes runs shaped like a resident identity number: 17 digits and a digit or X, or the
/// old 15 digits, not inside a longer run of digits.
pub fn remove_id_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let digits = j - i;
            let x_end = digits == 17 && j < chars.len() && matches!(chars[j], 'X' | 'x');
            let end = if x_end { j + 1 } else { j };
            let bounded = end >= chars.len() || !chars[end].is_ascii_alphanumeric();
            if bounded && (digits == 18 || digits == 15 || x_end) {
                out.push_str(ID_REMOVED);
                i = end;
                continue;
            }
            out.extend(&chars[i..j]);
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Masks runs shaped like a mainland mobile number (11 digits starting 1[3-9]).
pub fn mask_mobiles(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let mut j = i;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            if run.len() == 11 && run.starts_with('1') && matches!(chars[i + 1], '3'..='9') {
                out.push_str(&masking::phone(&run));
            } else {
                out.push_str(&run);
            }
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_what_the_case_knows_and_what_looks_like_an_id() {
        let p = Personal {
            name: "王小明".into(),
            phones: vec!["13812345678".into()],
            email: None,
            address: Some("上海市徐汇区漕溪北路88号".into()),
        };
        let text = "王小明（13812345678，身份证310104199001011234）住上海市徐汇区漕溪北路88号，另留13900001111。";
        let out = scrub(text, std::slice::from_ref(&p), Masking::default());
        assert_eq!(
            out,
            "王某（138****5678，身份证（证件号码已隐去））住上海市徐汇区****，另留139****1111。"
        );
        let keep_names = Masking { names: false, ..Masking::default() };
        assert!(scrub(text, &[p], keep_names).starts_with("王小明"));
        assert_eq!(remove_id_numbers("11010519491231002X号"), "（证件号码已隐去）号");
        assert_eq!(remove_id_numbers("订单1234567890123456789"), "订单1234567890123456789");
    }
}
