//! `calendar.*`: the holiday calendar deadlines are counted on, as an administrator sees and
//! corrects it: the shipped schedule, days set by hand, and schedules imported from a file.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::calendar::{Calendar, DayKind, SpecialDay};
use crate::domain::events::{CalendarDaysSet, EventBody};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::storage::Db;

/// Days one import or edit may set.
pub const MAX_DAYS: usize = 5_000;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CalendarListRequest {
    pub year: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CalendarDayView {
    pub date: String,
    pub kind: DayKind,
    pub name_zh: String,
    pub name_en: String,
    /// Set by an administrator (else: as shipped).
    pub edited: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CalendarYear {
    pub year: i32,
    /// The year's holidays and adjusted working days, in date order.
    pub days: Vec<CalendarDayView>,
    /// Working days in the year under the schedule in force.
    pub working_days: i64,
    /// Every year for which a holiday schedule is known (shipped or entered).
    pub years_with_schedule: Vec<i32>,
}

pub async fn list(db: &Db, _actor: &Actor, req: CalendarListRequest) -> CoreResult<CalendarYear> {
    check_year("year", req.year)?;
    let mut conn = db.pool().acquire().await?;
    let mut days: BTreeMap<String, CalendarDayView> = BTreeMap::new();
    for d in Calendar::shipped_days()? {
        days.insert(
            d.date.clone(),
            CalendarDayView {
                date: d.date,
                kind: d.kind,
                name_zh: d.name_zh,
                name_en: d.name_en,
                edited: false,
            },
        );
    }
    let edits: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT date, kind, name_zh, name_en FROM calendar_days")
            .fetch_all(&mut *conn)
            .await?;
    for (date, kind, name_zh, name_en) in edits {
        let kind = DayKind::from_code(&kind)
            .ok_or_else(|| CoreError::Internal(format!("calendar kind {kind}")))?;
        days.insert(date.clone(), CalendarDayView { date, kind, name_zh, name_en, edited: true });
    }
    let years_with_schedule: Vec<i32> = {
        let mut ys: Vec<i32> = days
            .values()
            .filter(|d| d.kind == DayKind::Holiday)
            .filter_map(|d| d.date.get(..4).and_then(|y| y.parse().ok()))
            .collect();
        ys.dedup();
        ys
    };
    let calendar = Calendar::load(&mut conn).await?;
    let working_days = (1..=366)
        .filter_map(|o| NaiveDate::from_yo_opt(req.year, o))
        .filter(|d| calendar.is_working_day(*d))
        .count() as i64;
    let prefix = format!("{:04}-", req.year);
    Ok(CalendarYear {
        year: req.year,
        days: days.into_values().filter(|d| d.date.starts_with(&prefix)).collect(),
        working_days,
        years_with_schedule,
    })
}

fn check_year(field: &str, year: i32) -> CoreResult<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(CoreError::Validation(vec![FieldProblem {
            field: field.into(),
            rule: FieldRule::OutOfRange { min: 2000, max: 2100 },
        }]))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CalendarSetRequest {
    /// Days to set; kind `ordinary` takes a day back to the Monday-to-Friday rule.
    pub days: Vec<SpecialDay>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CalendarChange {
    /// Days set.
    pub days: usize,
    /// The years they fall in.
    pub years: Vec<i32>,
    /// How the text was read (`redress`, `chinese-days` or `csv`), for an import.
    pub format: Option<String>,
    /// Nothing was saved (a preview).
    pub dry_run: bool,
}

/// Checks days and puts them in date order; the field names point into `field`.
fn checked_days(field: &str, days: Vec<SpecialDay>) -> CoreResult<Vec<SpecialDay>> {
    let mut problems = Vec::new();
    if days.is_empty() {
        problems.push(FieldProblem { field: field.into(), rule: FieldRule::Required });
    }
    if days.len() > MAX_DAYS {
        problems.push(FieldProblem {
            field: field.into(),
            rule: FieldRule::OutOfRange { min: 1, max: MAX_DAYS as i64 },
        });
    }
    let mut by_date = BTreeMap::new();
    for (i, mut d) in days.into_iter().enumerate() {
        let at = |name: &str| format!("{field}[{i}].{name}");
        match NaiveDate::parse_from_str(d.date.trim(), "%Y-%m-%d") {
            Ok(date) if (2000..=2100).contains(&date.year()) => d.date = date.to_string(),
            _ => problems.push(FieldProblem {
                field: at("date"),
                rule: FieldRule::Invalid { detail: "YYYY-MM-DD".into() },
            }),
        }
        d.name_zh = d.name_zh.trim().to_owned();
        d.name_en = d.name_en.trim().to_owned();
        if d.name_zh.chars().count() > 20 {
            problems
                .push(FieldProblem { field: at("name_zh"), rule: FieldRule::TooLong { max: 20 } });
        }
        if d.name_en.chars().count() > 40 {
            problems
                .push(FieldProblem { field: at("name_en"), rule: FieldRule::TooLong { max: 40 } });
        }
        if d.kind != DayKind::Ordinary && d.name_zh.is_empty() {
            problems.push(FieldProblem { field: at("name_zh"), rule: FieldRule::Required });
        }
        if by_date.insert(d.date.clone(), d).is_some() {
            problems.push(FieldProblem { field: at("date"), rule: FieldRule::Taken });
        }
    }
    if problems.is_empty() {
        Ok(by_date.into_values().collect())
    } else {
        Err(CoreError::Validation(problems))
    }
}

async fn apply(
    db: &Db,
    actor: &Actor,
    days: Vec<SpecialDay>,
    source: String,
    format: Option<String>,
    dry_run: bool,
) -> CoreResult<CalendarChange> {
    let mut years: Vec<i32> =
        days.iter().filter_map(|d| d.date.get(..4).and_then(|y| y.parse().ok())).collect();
    years.dedup();
    let change = CalendarChange { days: days.len(), years, format, dry_run };
    if !dry_run {
        let mut tx = db.begin_write().await?;
        let body = EventBody::CalendarDaysSet(CalendarDaysSet { days, source });
        let event = NewEvent { case_id: None, occurred_at: db.now(), body };
        event_log::append(&mut tx, db, actor, event).await?;
        tx.commit().await?;
    }
    Ok(change)
}

pub async fn set(db: &Db, actor: &Actor, req: CalendarSetRequest) -> CoreResult<CalendarChange> {
    actor.require(Permission::TaxonomyEdit)?;
    let days = checked_days("days", req.days)?;
    apply(db, actor, days, "edit".into(), None, false).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CalendarImportRequest {
    /// The file's text: Redress's own JSON (`[{date, kind, name_zh, name_en}]`), the
    /// `chinese-days` package's JSON (`{holidays, workdays}`), or CSV lines
    /// `date,kind,name_zh[,name_en]` with kind `holiday`/`休` or `workday`/`班`.
    pub text: String,
    #[serde(default)]
    #[ts(optional)]
    pub file_name: Option<String>,
    /// Read and check only; save nothing.
    #[serde(default)]
    pub dry_run: bool,
}

pub async fn import(
    db: &Db,
    actor: &Actor,
    req: CalendarImportRequest,
) -> CoreResult<CalendarChange> {
    actor.require(Permission::TaxonomyEdit)?;
    let (format, days) = parse_import(&req.text)?;
    let days = checked_days("text", days)?;
    let source = match &req.file_name {
        Some(name) => format!("import:{format}:{}", name.chars().take(200).collect::<String>()),
        None => format!("import:{format}"),
    };
    apply(db, actor, days, source, Some(format.to_owned()), req.dry_run).await
}

fn unreadable(detail: String) -> CoreError {
    CoreError::Validation(vec![FieldProblem {
        field: "text".into(),
        rule: FieldRule::Invalid { detail },
    }])
}

/// Reads an import's text in whichever of the three formats it is.
pub fn parse_import(text: &str) -> CoreResult<(&'static str, Vec<SpecialDay>)> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "text".into(),
            rule: FieldRule::Required,
        }]));
    }
    if text.starts_with('[') {
        let days: Vec<SpecialDay> =
            serde_json::from_str(text).map_err(|e| unreadable(format!("JSON: {e}")))?;
        return Ok(("redress", days));
    }
    if text.starts_with('{') {
        return parse_chinese_days(text).map(|d| ("chinese-days", d));
    }
    parse_csv(text).map(|d| ("csv", d))
}

/// The `chinese-days` package's file: `{"holidays": {"2026-01-01": "New Year's Day,元旦,1"},
/// "workdays": {...}}`.
fn parse_chinese_days(text: &str) -> CoreResult<Vec<SpecialDay>> {
    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        holidays: BTreeMap<String, String>,
        #[serde(default)]
        workdays: BTreeMap<String, String>,
    }
    let file: File = serde_json::from_str(text).map_err(|e| unreadable(format!("JSON: {e}")))?;
    if file.holidays.is_empty() && file.workdays.is_empty() {
        return Err(unreadable("holidays / workdays".into()));
    }
    let day = |kind: DayKind, (date, label): (String, String)| {
        let mut parts = label.split(',');
        let name_en = parts.next().unwrap_or_default().trim().to_owned();
        let name_zh = parts.next().unwrap_or_default().trim().to_owned();
        SpecialDay { date, kind, name_zh, name_en }
    };
    Ok(file
        .holidays
        .into_iter()
        .map(|e| day(DayKind::Holiday, e))
        .chain(file.workdays.into_iter().map(|e| day(DayKind::Workday, e)))
        .collect())
}

/// CSV (comma or tab): `date,kind,name_zh[,name_en]`; a header line is skipped.
fn parse_csv(text: &str) -> CoreResult<Vec<SpecialDay>> {
    let mut days = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> =
            line.split([',', '\t']).map(|c| c.trim().trim_matches('"').trim()).collect();
        let looks_like_date = cells[0].len() == 10 && cells[0].as_bytes()[4] == b'-';
        if n == 0 && !looks_like_date {
            continue;
        }
        let (Some(date), Some(kind)) = (cells.first(), cells.get(1)) else {
            return Err(unreadable(format!("line {}: date,kind,name", n + 1)));
        };
        let kind = DayKind::from_code(&kind.to_lowercase())
            .ok_or_else(|| unreadable(format!("line {}: kind {kind}", n + 1)))?;
        days.push(SpecialDay {
            date: (*date).to_owned(),
            kind,
            name_zh: cells.get(2).copied().unwrap_or_default().to_owned(),
            name_en: cells.get(3).copied().unwrap_or_default().to_owned(),
        });
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_formats() {
        let (f, d) = parse_import(
            r#"{"holidays":{"2027-01-01":"New Year's Day,元旦,1"},"workdays":{"2027-02-20":"Spring Festival,春节,4"}}"#,
        )
        .expect("chinese-days");
        assert_eq!(f, "chinese-days");
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].name_zh.as_str(), d[0].name_en.as_str()), ("元旦", "New Year's Day"));
        assert_eq!(d[1].kind, DayKind::Workday);

        let (f, d) = parse_import(
            "\u{feff}日期,类型,名称\n2027-10-01,休,国庆节\n2027-10-09\t班\t国庆节\tNational Day\n",
        )
        .expect("csv");
        assert_eq!(f, "csv");
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].kind, DayKind::Workday);
        assert_eq!(d[1].name_en, "National Day");

        let (f, d) = parse_import(
            r#"[{"date":"2027-05-01","kind":"holiday","name_zh":"劳动节","name_en":"Labour Day"}]"#,
        )
        .expect("redress");
        assert_eq!((f, d.len()), ("redress", 1));

        assert!(parse_import("2027-10-01,maybe,国庆").is_err());
        assert!(parse_import("   ").is_err());
    }
}
