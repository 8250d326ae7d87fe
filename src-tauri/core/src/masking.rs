//! Masking consumers' personal data for people who may not see it in full (PIPL): a name
//! becomes 张某, a mobile 138****5678, an e-mail a***@example.cn, an address its first part.

/// `王小明` → `王某`; two-character compound surnames are kept (`欧阳娜娜` → `欧阳某`).
pub fn name(full: &str) -> String {
    const COMPOUND: [&str; 10] =
        ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐"];
    let surname = COMPOUND
        .iter()
        .find(|s| full.starts_with(**s) && full.chars().count() > 2)
        .map_or_else(|| full.chars().take(1).collect::<String>(), |s| (*s).to_owned());
    if surname.is_empty() {
        return String::new();
    }
    format!("{surname}某")
}

/// `13812345678` → `138****5678`; other numbers keep their first three and last four digits.
pub fn phone(full: &str) -> String {
    let chars: Vec<char> = full.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// `zhang.san@example.cn` → `z***@example.cn`.
pub fn email(full: &str) -> String {
    match full.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Keeps an address down to its first district (区/县) where it names one — not a later 小区 —
/// else its first four characters: `上海市徐汇区漕溪北路88号` → `上海市徐汇区****`.
pub fn address(full: &str) -> String {
    let chars: Vec<char> = full.chars().collect();
    let cut = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, '区' | '县'))
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(chars.len().min(4));
    format!("{}****", chars[..cut].iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_as_chinese_practice_does() {
        assert_eq!(name("王小明"), "王某");
        assert_eq!(name("欧阳娜娜"), "欧阳某");
        assert_eq!(name("李"), "李某");
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(phone("021-64871234"), "021*****1234");
        assert_eq!(email("zhang.san@example.cn"), "z***@example.cn");
        assert_eq!(address("上海市徐汇区漕溪北路88号"), "上海市徐汇区****");
        assert_eq!(address("漕溪北路123号456室"), "漕溪北路****");
        assert_eq!(address("杭州市西湖区文三路翠苑小区5幢"), "杭州市西湖区****");
    }
}
