//! Working days in mainland China: Monday to Friday, except public holidays, plus the weekend
//! days that are worked in exchange (调休). The shipped schedule is `data/holidays-cn.json`.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::error::{CoreError, CoreResult};
use crate::time::china;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A day off, whatever the weekday.
    Holiday,
    /// A working day, whatever the weekday (调休).
    Workday,
    /// An administrator's edit that takes a shipped day back to the Monday-to-Friday rule.
    Ordinary,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
            DayKind::Ordinary => "ordinary",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "holiday" | "休" | "假" => Some(DayKind::Holiday),
            "workday" | "班" => Some(DayKind::Workday),
            "ordinary" | "普通" => Some(DayKind::Ordinary),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpecialDay {
    pub date: String,
    pub kind: DayKind,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    days: HashMap<NaiveDate, DayKind>,
}

const SHIPPED: &str = include_str!("../data/holidays-cn.json");

impl Calendar {
    pub fn from_days(days: &[SpecialDay]) -> CoreResult<Self> {
        let mut map = HashMap::new();
        for d in days {
            let date = NaiveDate::parse_from_str(&d.date, "%Y-%m-%d")
                .map_err(|e| CoreError::Internal(format!("calendar date {}: {e}", d.date)))?;
            map.insert(date, d.kind);
        }
        Ok(Calendar { days: map })
    }

    /// The schedule in force: the shipped one with an administrator's edits over it.
    pub async fn load(conn: &mut SqliteConnection) -> CoreResult<Calendar> {
        let mut cal = Calendar::shipped().clone();
        let edits: Vec<(String, String)> =
            sqlx::query_as("SELECT date, kind FROM calendar_days").fetch_all(&mut *conn).await?;
        for (date, kind) in edits {
            let (Ok(date), Some(kind)) =
                (NaiveDate::parse_from_str(&date, "%Y-%m-%d"), DayKind::from_code(&kind))
            else {
                return Err(CoreError::Internal(format!("calendar_days row {date} {kind}")));
            };
            cal.days.insert(date, kind);
        }
        Ok(cal)
    }

    /// The schedule shipped with the program.
    pub fn shipped_days() -> CoreResult<Vec<SpecialDay>> {
        serde_json::from_str(SHIPPED)
            .map_err(|e| CoreError::Internal(format!("holidays-cn.json: {e}")))
    }

    /// The shipped schedule, parsed once.
    pub fn shipped() -> &'static Calendar {
        static SHIPPED_CALENDAR: OnceLock<Calendar> = OnceLock::new();
        SHIPPED_CALENDAR.get_or_init(|| {
            Calendar::shipped_days().and_then(|d| Calendar::from_days(&d)).unwrap_or_default()
        })
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            Some(DayKind::Ordinary) | None => {
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
            }
        }
    }

    /// The end (23:59:59 China time) of the `n`th working day after the day of `from`; with
    /// `n = 0`, the end of `from`'s own day.
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let mut day = from.with_timezone(&china()).date_naive();
        let mut left = n;
        while left > 0 {
            day += Duration::days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        let end = day.and_hms_opt(23, 59, 59).unwrap_or_default();
        end.and_local_timezone(china()).single().map_or(from, |t| t.with_timezone(&Utc))
    }

    /// Working days from the day after `from` up to and including the day of `to`.
    pub fn working_days_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.working_days_between_dates(
            from.with_timezone(&china()).date_naive(),
            to.with_timezone(&china()).date_naive(),
        )
    }

    /// Working days from the day after `from` up to and including `last`.
    pub fn working_days_between_dates(&self, from: NaiveDate, last: NaiveDate) -> i64 {
        let mut day = from;
        let mut n = 0;
        while day < last {
            day += Duration::days(1);
            if self.is_working_day(day) {
                n += 1;
            }
        }
        n
    }

    /// The working days of a span of dates numbered once, for counting many intervals.
    pub fn index(&self, first: NaiveDate, last: NaiveDate) -> WorkingDayIndex {
        let mut ordinals = Vec::new();
        let mut n = 0;
        let mut day = first;
        while day <= last {
            if day > first && self.is_working_day(day) {
                n += 1;
            }
            ordinals.push(n);
            day += Duration::days(1);
        }
        WorkingDayIndex { first, ordinals }
    }
}

/// `ordinals[i]`: working days after `first` up to and including `first + i`.
#[derive(Debug, Clone)]
pub struct WorkingDayIndex {
    first: NaiveDate,
    ordinals: Vec<i64>,
}

impl WorkingDayIndex {
    fn ordinal(&self, day: NaiveDate) -> Option<i64> {
        let i = usize::try_from((day - self.first).num_days()).ok()?;
        self.ordinals.get(i).copied()
    }

    /// As `Calendar::working_days_between_dates`, for dates the index spans.
    pub fn between_dates(&self, from: NaiveDate, to: NaiveDate) -> Option<i64> {
        if to <= from {
            return Some(0);
        }
        Some(self.ordinal(to)? - self.ordinal(from)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        china().with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("valid").with_timezone(&Utc)
    }

    fn day(t: DateTime<Utc>) -> String {
        t.with_timezone(&china()).date_naive().to_string()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    #[test]
    fn the_2026_spring_festival_and_its_adjusted_saturdays() {
        let cal = Calendar::shipped();
        // 2026: off 15–23 February; Saturday 14 and Saturday 28 February are working days.
        assert!(cal.is_working_day(date(2026, 2, 14)), "调休 Saturday before the festival");
        assert!(!cal.is_working_day(date(2026, 2, 16)), "a Monday off");
        assert!(!cal.is_working_day(date(2026, 2, 23)));
        assert!(cal.is_working_day(date(2026, 2, 28)), "调休 Saturday after the festival");
        // Received Friday 13 February: 1st working day is Saturday 14; the 2nd is Tuesday 24.
        assert_eq!(day(cal.add_working_days(at(2026, 2, 13, 10), 1)), "2026-02-14");
        assert_eq!(day(cal.add_working_days(at(2026, 2, 13, 10), 2)), "2026-02-24");
        // 15 working days from 13 February: 14, 24–27, 28, 2–6 March, 9–12 March.
        assert_eq!(day(cal.add_working_days(at(2026, 2, 13, 10), 15)), "2026-03-12");
        assert_eq!(cal.working_days_between(at(2026, 2, 13, 10), at(2026, 3, 12, 9)), 15);
    }

    #[test]
    fn the_2025_national_day_and_mid_autumn_week() {
        let cal = Calendar::shipped();
        // 2025: off 1–8 October; Sunday 28 September and Saturday 11 October are worked.
        assert!(cal.is_working_day(date(2025, 9, 28)));
        assert!(!cal.is_working_day(date(2025, 10, 8)));
        assert!(cal.is_working_day(date(2025, 10, 11)));
        // Received Tuesday 30 September: the 1st working day after is Thursday 9 October.
        assert_eq!(day(cal.add_working_days(at(2025, 9, 30, 15), 1)), "2025-10-09");
        assert_eq!(day(cal.add_working_days(at(2025, 9, 30, 15), 3)), "2025-10-11");
        assert_eq!(day(cal.add_working_days(at(2025, 9, 30, 15), 0)), "2025-09-30");
    }

    #[test]
    fn the_index_counts_as_the_day_by_day_walk() {
        let cal = Calendar::shipped();
        let index = cal.index(date(2025, 9, 1), date(2026, 12, 31));
        let day_of = |t: DateTime<Utc>| t.with_timezone(&china()).date_naive();
        for (from, to) in [
            (at(2026, 2, 13, 10), at(2026, 3, 12, 9)),
            (at(2025, 9, 30, 15), at(2025, 10, 11, 8)),
            (at(2026, 11, 27, 10), at(2026, 11, 27, 18)),
            (at(2026, 11, 27, 10), at(2026, 11, 20, 18)),
        ] {
            assert_eq!(
                index.between_dates(day_of(from), day_of(to)),
                Some(cal.working_days_between(from, to))
            );
        }
        assert_eq!(
            index.between_dates(date(2025, 8, 1), date(2026, 1, 5)),
            None,
            "outside the span"
        );
    }

    #[test]
    fn ordinary_weeks_skip_weekends() {
        let cal = Calendar::shipped();
        assert_eq!(day(cal.add_working_days(at(2026, 11, 27, 10), 1)), "2026-11-30");
        assert_eq!(day(cal.add_working_days(at(2026, 11, 27, 10), 5)), "2026-12-04");
        assert_eq!(Calendar::shipped_days().expect("parses").len(), 108);
    }
}
