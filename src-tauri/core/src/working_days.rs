//! Counting working days. Until the holiday calendar (with 调休) arrives with intake, a working
//! day is Monday to Friday in China time.

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};

use crate::time::china;

/// The end of the `n`th working day after `from` (23:59:59 China time), as a UTC instant.
pub fn add_working_days(from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    let mut day = from.with_timezone(&china()).date_naive();
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    let end = day.and_hms_opt(23, 59, 59).unwrap_or_default();
    end.and_local_timezone(china()).single().map_or(from, |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn skips_weekends() {
        // Friday 2026-11-27 10:00 China time + 1 working day = Monday 30th, end of day.
        let fri = china().with_ymd_and_hms(2026, 11, 27, 10, 0, 0).single().expect("valid");
        let due = add_working_days(fri.with_timezone(&Utc), 1).with_timezone(&china());
        assert_eq!(due.date_naive().to_string(), "2026-11-30");
        let due5 = add_working_days(fri.with_timezone(&Utc), 5).with_timezone(&china());
        assert_eq!(due5.date_naive().to_string(), "2026-12-04");
    }
}
