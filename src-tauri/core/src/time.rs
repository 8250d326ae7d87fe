//! Instants as the database stores them: UTC, RFC 3339 with milliseconds and `Z`, so that text
//! order is time order. People see them in China Standard Time (UTC+8).

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

pub fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn from_db(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// China Standard Time; the mainland has no daylight saving.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// An instant as people read it in messages: `2026-11-28 14:05` in China time.
pub fn display(db_text: &str) -> String {
    from_db(db_text)
        .map(|t| t.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| db_text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn round_trips_and_sorts_as_text() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().expect("valid");
        let b = a + chrono::Duration::milliseconds(1);
        assert_eq!(from_db(&to_db(a)), Some(a));
        assert!(to_db(a) < to_db(b));
        assert_eq!(to_db(a), "2026-01-02T03:04:05.000Z");
    }
}
