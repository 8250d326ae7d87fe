//! The rules a complaint's fields must meet at intake (§三(二)1), shared by every face: the
//! form, `redress-cli case new` and `redress-cli call cases.create`.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{FieldProblem, FieldRule};
use crate::time::china;

/// A mainland mobile number: 11 digits starting 13–19, after removing spaces, dashes and a
/// +86 / 0086 prefix. Returns the plain 11 digits.
pub fn mobile(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("0086"))
        .unwrap_or(&digits)
        .to_owned();
    let ok = digits.len() == 11
        && digits.starts_with('1')
        && matches!(digits.as_bytes()[1], b'3'..=b'9')
        && digits.chars().all(|c| c.is_ascii_digit());
    ok.then_some(digits)
}

/// A landline: area code (0 + 2–3 digits), 7–8 digits, an optional extension: `021-64871234`,
/// `0755 8888 6666-123`. Returns it as `area-number[-ext]`.
pub fn landline(raw: &str) -> Option<String> {
    let parts: Vec<String> =
        raw.split(['-', ' ']).filter(|p| !p.is_empty()).map(str::to_owned).collect();
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !parts.iter().all(|p| all_digits(p)) {
        return None;
    }
    let area_ok = |a: &str| a.starts_with('0') && (3..=4).contains(&a.len());
    let number_ok = |n: &str| (7..=8).contains(&n.len());
    match parts.as_slice() {
        // Written without separators: 0 + 2–3 digits of area code, then 7–8 digits.
        [only] => {
            for area in [3usize, 4] {
                if only.len() > area && area_ok(&only[..area]) && number_ok(&only[area..]) {
                    return Some(format!("{}-{}", &only[..area], &only[area..]));
                }
            }
        }
        [area, rest @ ..] if area_ok(area) => {
            let all = rest.concat();
            if number_ok(&all) {
                return Some(format!("{area}-{all}"));
            }
            if let [number @ .., ext] = rest {
                let number = number.concat();
                if number_ok(&number) && ext.len() <= 6 {
                    return Some(format!("{area}-{number}-{ext}"));
                }
            }
        }
        _ => {}
    }
    None
}

pub fn email(raw: &str) -> bool {
    let Some((local, domain)) = raw.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !raw.chars().any(char::is_whitespace)
}

/// An amount of money in yuan with at most two decimals (`2399`, `2399.5`, `2,399.50`), as
/// fen. Negative amounts and amounts of ¥100,000,000 or more are refused.
pub fn money(raw: &str) -> Result<i64, FieldRule> {
    let cleaned: String =
        raw.trim().trim_start_matches('¥').chars().filter(|c| *c != ',').collect();
    let invalid = || FieldRule::Invalid { detail: "0.00".into() };
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(invalid());
    }
    if frac.len() > 2 {
        return Err(FieldRule::Invalid { detail: "≤ 0.01".into() });
    }
    let yuan: i64 = whole.parse().map_err(|_| invalid())?;
    let fen: i64 = format!("{frac:0<2}").parse().map_err(|_| invalid())?;
    if yuan >= 100_000_000 {
        return Err(FieldRule::OutOfRange { min: 0, max: 99_999_999 });
    }
    Ok(yuan * 100 + fen)
}

/// A date (`2026-11-20`) or an instant (RFC 3339), not after `now`; dates are read in China
/// time. Returns the instant.
pub fn past_instant(raw: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, FieldRule> {
    let instant = if let Ok(date) = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(china()).single())
            .map(|t| t.with_timezone(&Utc))
    } else {
        DateTime::parse_from_rfc3339(raw.trim()).ok().map(|t| t.with_timezone(&Utc))
    };
    let instant = instant.ok_or(FieldRule::Invalid { detail: "YYYY-MM-DD".into() })?;
    if instant > now {
        return Err(FieldRule::Invalid { detail: "≤ today".into() });
    }
    Ok(instant)
}

/// Checks a text's length in characters; `required` refuses an empty (or blank) one.
pub fn text(
    field: &str,
    value: &str,
    required: bool,
    max: usize,
    problems: &mut Vec<FieldProblem>,
) {
    let len = value.trim().chars().count();
    if required && len == 0 {
        problems.push(FieldProblem { field: field.into(), rule: FieldRule::Required });
    } else if len > max {
        problems.push(FieldProblem { field: field.into(), rule: FieldRule::TooLong { max } });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_of_the_mainland() {
        assert_eq!(mobile("13812345678").as_deref(), Some("13812345678"));
        assert_eq!(mobile("138 1234 5678").as_deref(), Some("13812345678"));
        assert_eq!(mobile("+86 138-1234-5678").as_deref(), Some("13812345678"));
        assert_eq!(mobile("008619912345678").as_deref(), Some("19912345678"));
        assert!(mobile("12812345678").is_none(), "no 12x numbers");
        assert!(mobile("1381234567").is_none(), "ten digits");
        assert!(mobile("138123456789").is_none(), "twelve digits");
        assert!(mobile("1381234567a").is_none());
        assert!(mobile("").is_none());
    }

    #[test]
    fn landlines_with_area_codes() {
        assert_eq!(landline("021-64871234").as_deref(), Some("021-64871234"));
        assert_eq!(landline("0755 8888 6666").as_deref(), Some("0755-88886666"));
        assert_eq!(landline("010-1234567-808").as_deref(), Some("010-1234567-808"));
        assert!(landline("64871234").is_none(), "no area code");
        assert!(landline("021-6487abcd").is_none());
    }

    #[test]
    fn emails() {
        assert!(email("wang.fang@example.cn"));
        assert!(!email("wang.fang@example"));
        assert!(!email("wang fang@example.cn"));
        assert!(!email("@example.cn"));
    }

    #[test]
    fn money_has_at_most_two_decimals() {
        assert_eq!(money("2399"), Ok(239_900));
        assert_eq!(money("2399.5"), Ok(239_950));
        assert_eq!(money("¥2,399.50"), Ok(239_950));
        assert_eq!(money("0.01"), Ok(1));
        assert!(money("2399.505").is_err());
        assert!(money("-5").is_err());
        assert!(money("abc").is_err());
        assert!(money("").is_err());
        assert!(money("100000000").is_err());
    }

    #[test]
    fn purchase_times_are_not_in_the_future() {
        let now =
            DateTime::parse_from_rfc3339("2026-11-28T06:00:00Z").expect("t").with_timezone(&Utc);
        assert!(past_instant("2026-11-28", now).is_ok(), "today (China time) is fine");
        assert!(past_instant("2026-11-29", now).is_err());
        assert!(past_instant("2026-11-28T05:00:00Z", now).is_ok());
        assert!(past_instant("2026-11-28T07:00:00Z", now).is_err());
        assert!(past_instant("28/11/2026", now).is_err());
    }
}
