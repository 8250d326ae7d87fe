//! Statistics over the ledger (§五(二)): counts of the disputes received in a period, by every
//! dimension the policy names, their trend, and the change against the period before (环比) and
//! the same period a year earlier (同比). Definitions: docs/METRICS.md.
//!
//! Every figure is computed in SQL over the actor's scope, and every one carries the ledger
//! filter that lists the cases behind it (`cases.list`), so that a click on a bar or a cell
//! opens exactly those cases (tested: the listed total equals the figure).

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::ops::cases::{push_scope, CasesListRequest};
use crate::storage::Db;
use crate::time;

/// What a count can be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StatsDimension {
    Category,
    Channel,
    Department,
    Store,
    Product,
    Severity,
    RootCause,
    Status,
}

impl StatsDimension {
    pub const ALL: [StatsDimension; 8] = [
        StatsDimension::Category,
        StatsDimension::Channel,
        StatsDimension::Department,
        StatsDimension::Store,
        StatsDimension::Product,
        StatsDimension::Severity,
        StatsDimension::RootCause,
        StatsDimension::Status,
    ];

    pub(crate) fn column(self) -> &'static str {
        match self {
            StatsDimension::Category => "c.category",
            StatsDimension::Channel => "c.channel",
            StatsDimension::Department => "c.department_id",
            StatsDimension::Store => "c.store_id",
            StatsDimension::Product => "c.product_name",
            StatsDimension::Severity => "c.severity",
            StatsDimension::RootCause => "c.root_cause",
            StatsDimension::Status => "c.status",
        }
    }

    /// The ledger filter that lists the cases of one value (`None`: the value is missing).
    pub(crate) fn narrow(self, filter: &mut CasesListRequest, key: Option<&str>) {
        let value = key.unwrap_or_default().to_owned();
        match self {
            StatsDimension::Category => filter.categories = Some(vec![value]),
            StatsDimension::Channel => filter.channels = Some(vec![value]),
            StatsDimension::Department => filter.department_ids = Some(vec![value]),
            StatsDimension::Store => filter.store_ids = Some(vec![value]),
            StatsDimension::Product => filter.products = Some(vec![value]),
            StatsDimension::RootCause => filter.root_causes = Some(vec![value]),
            StatsDimension::Severity => {
                filter.severities =
                    crate::domain::case::Severity::from_code(&value).map(|s| vec![s])
            }
            StatsDimension::Status => {
                filter.statuses =
                    crate::domain::case::CaseStatus::from_code(&value).map(|s| vec![s])
            }
        }
    }
}

/// The step of a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TrendUnit {
    #[default]
    Month,
    Quarter,
    Year,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StatsRequest {
    /// First day (China time, `YYYY-MM-DD`), by the day a case was received.
    pub from: String,
    /// Last day, included.
    pub to: String,
    /// The trend's step (default: month).
    #[serde(default)]
    #[ts(optional)]
    pub by: Option<TrendUnit>,
    /// The breakdowns wanted (default: all).
    #[serde(default)]
    #[ts(optional)]
    pub dimensions: Option<Vec<StatsDimension>>,
    /// A cross tabulation: rows by the first, columns by the second.
    #[serde(default)]
    #[ts(optional)]
    pub cross: Option<(StatsDimension, StatsDimension)>,
    /// Products listed in the product breakdown, the most frequent first (default 20); the rest
    /// are summed in one line.
    #[serde(default)]
    #[ts(optional)]
    pub top_products: Option<u32>,
}

/// A period: its first and last day (China time, both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// A count in the period, in the period before and in the same period a year earlier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Figure {
    pub count: i64,
    pub previous: i64,
    pub last_year: i64,
    /// 环比: change against the period before, in per cent (none when that was zero).
    pub change_previous: Option<f64>,
    /// 同比: change against the same period a year earlier, in per cent.
    pub change_last_year: Option<f64>,
}

/// `part` of `whole` in per cent, one decimal; none of nothing.
fn per_cent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

impl Figure {
    fn new(count: i64, previous: i64, last_year: i64) -> Figure {
        let change = |base: i64| per_cent(count - base, base);
        Figure {
            count,
            previous,
            last_year,
            change_previous: change(previous),
            change_last_year: change(last_year),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct BreakdownItem {
    /// The value (a code, an org unit's id, a product name); none when the cases lack it, and
    /// none with `others` for the products beyond the top ones.
    pub key: Option<String>,
    /// An org unit's name (codes are named by the UI's lists).
    pub name: Option<String>,
    /// The line sums the products not listed.
    pub others: bool,
    pub figure: Figure,
    /// Share of the period's total, in per cent.
    pub share: f64,
    /// The ledger filter listing this line's cases in the period (none for `others`).
    #[ts(type = "Record<string, unknown> | null")]
    pub cases: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Breakdown {
    pub dimension: StatsDimension,
    pub items: Vec<BreakdownItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TrendPoint {
    /// `2026-03`, `2026-Q1` or `2026`.
    pub label: String,
    pub period: Period,
    pub count: i64,
    #[ts(type = "Record<string, unknown>")]
    pub cases: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CrossLine {
    pub key: Option<String>,
    pub name: Option<String>,
    /// The ledger filter of the period's cases with this value; a cell's cases are those of
    /// its row's filter and its column's together.
    #[ts(type = "Record<string, unknown>")]
    pub cases: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CrossTab {
    pub rows_by: StatsDimension,
    pub columns_by: StatsDimension,
    pub rows: Vec<CrossLine>,
    pub columns: Vec<CrossLine>,
    /// `cells[r][c]`: cases of row `r` and column `c` in the period.
    pub cells: Vec<Vec<i64>>,
    pub row_totals: Vec<i64>,
    pub column_totals: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StatsResponse {
    pub period: Period,
    pub previous: Period,
    pub last_year: Period,
    pub total: Figure,
    #[ts(type = "Record<string, unknown>")]
    pub cases: serde_json::Value,
    pub breakdowns: Vec<Breakdown>,
    pub trend: Vec<TrendPoint>,
    pub cross: Option<CrossTab>,
}

/// A checked period and the two it is compared with, as database instants.
struct Periods {
    current: (NaiveDate, NaiveDate),
    previous: (NaiveDate, NaiveDate),
    last_year: (NaiveDate, NaiveDate),
}

/// The longest period statistics are asked for at once (days): thirty years of history.
const MAX_DAYS: i64 = 366 * 30;

fn parse_day(field: &str, day: &str) -> Result<NaiveDate, FieldProblem> {
    NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").map_err(|_| FieldProblem {
        field: field.into(),
        rule: FieldRule::Invalid { detail: "YYYY-MM-DD".into() },
    })
}

fn last_of_month(day: NaiveDate) -> NaiveDate {
    (day.with_day(1).expect("day 1") + Months::new(1)).pred_opt().expect("a day before")
}

impl Periods {
    /// Whole months compare with the months before and the same months a year earlier; any
    /// other range with as many days just before it, and the same dates a year earlier (29
    /// February: the 28th).
    fn of(from: NaiveDate, to: NaiveDate) -> Periods {
        let whole_months = from.day() == 1 && to == last_of_month(to);
        let year_back = |d: NaiveDate| d.checked_sub_months(Months::new(12)).unwrap_or(d);
        if whole_months {
            let months = (to.year() - from.year()) as u32 * 12 + to.month() - from.month() + 1;
            let prev_from = from - Months::new(months);
            Periods {
                current: (from, to),
                previous: (prev_from, from.pred_opt().expect("a day before")),
                last_year: (year_back(from), last_of_month(year_back(to))),
            }
        } else {
            let days = (to - from).num_days() + 1;
            Periods {
                current: (from, to),
                previous: (from - chrono::Duration::days(days), from.pred_opt().expect("day")),
                last_year: (year_back(from), year_back(to)),
            }
        }
    }
}

/// The first instant of a China-time day, as stored.
pub(crate) fn start_of(day: NaiveDate) -> String {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(time::china()).single())
        .map(|t| time::to_db(t.with_timezone(&chrono::Utc)))
        .unwrap_or_default()
}

/// `[start, end)` of a period of days, as stored.
fn bounds((from, to): (NaiveDate, NaiveDate)) -> (String, String) {
    (start_of(from), start_of(to + chrono::Duration::days(1)))
}

fn period((from, to): (NaiveDate, NaiveDate)) -> Period {
    Period { from: from.to_string(), to: to.to_string() }
}

/// Merged cases are the same dispute as the case they went into: never counted twice.
const COUNTED: &str = "c.status <> 'merged'";

/// The ledger filter of a period's cases.
fn filter_of((from, to): (NaiveDate, NaiveDate)) -> CasesListRequest {
    CasesListRequest {
        received_from: Some(from.to_string()),
        received_to: Some(to.to_string()),
        exclude_merged: Some(true),
        ..CasesListRequest::default()
    }
}

/// A ledger filter as JSON, without the fields it leaves unset.
pub(crate) fn json(filter: &CasesListRequest) -> CoreResult<serde_json::Value> {
    let mut value = serde_json::to_value(filter).map_err(|e| CoreError::Internal(e.to_string()))?;
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    Ok(value)
}

/// ` FROM cases c WHERE` the actor's scope `AND` the counted cases.
fn push_counted(qb: &mut QueryBuilder<'_, Sqlite>, actor: &Actor) {
    qb.push(" FROM cases c");
    let scoped = push_scope(qb, actor);
    qb.push(if scoped { " AND " } else { " WHERE " });
    qb.push(COUNTED);
}

/// `(received in the range)`.
fn push_received_in(qb: &mut QueryBuilder<'_, Sqlite>, (start, end): &(String, String)) {
    qb.push("(c.received_at >= ").push_bind(start.clone());
    qb.push(" AND c.received_at < ").push_bind(end.clone()).push(")");
}

/// `SUM(received in the first range), SUM(…the second), …`: a count per range in one pass.
fn push_sums(qb: &mut QueryBuilder<'_, Sqlite>, ranges: &[(String, String)]) {
    for (i, range) in ranges.iter().enumerate() {
        qb.push(if i > 0 { ", SUM" } else { "SUM" });
        push_received_in(qb, range);
    }
}

/// ` AND (received in any of the ranges)`.
fn push_any_range(qb: &mut QueryBuilder<'_, Sqlite>, ranges: &[(String, String)]) {
    qb.push(" AND (");
    for (i, range) in ranges.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        push_received_in(qb, range);
    }
    qb.push(")");
}

/// Whether the actor's figures can be read from the daily counts (`case_counts`), which are
/// of every case: only for those who see every case.
pub(crate) fn from_counts(actor: &Actor) -> bool {
    actor.grant.case_scope == crate::auth::CaseScope::All
}

/// `SUM(CASE WHEN day BETWEEN first AND last THEN n END), …` over `case_counts`.
pub(crate) fn push_day_sums(qb: &mut QueryBuilder<'_, Sqlite>, days: &[(NaiveDate, NaiveDate)]) {
    for (i, (from, to)) in days.iter().enumerate() {
        qb.push(if i > 0 { ", " } else { "" });
        qb.push("SUM(CASE WHEN day BETWEEN ").push_bind(from.to_string());
        qb.push(" AND ").push_bind(to.to_string()).push(" THEN n END)");
    }
}

/// ` FROM case_counts WHERE dimension = … AND (day in any of the ranges)`.
pub(crate) fn push_counts_of(
    qb: &mut QueryBuilder<'_, Sqlite>,
    dimension: StatsDimension,
    days: &[(NaiveDate, NaiveDate)],
) {
    qb.push(" FROM case_counts WHERE dimension = ").push_bind(crate::counts::code(dimension));
    qb.push(" AND (");
    for (i, (from, to)) in days.iter().enumerate() {
        qb.push(if i > 0 { " OR " } else { "" });
        qb.push("day BETWEEN ").push_bind(from.to_string());
        qb.push(" AND ").push_bind(to.to_string());
    }
    qb.push(")");
}

/// A figure per row of `SELECT [key,] SUM(current), SUM(previous), SUM(last year)`, read
/// from column `first`.
fn figure_at(row: &sqlx::sqlite::SqliteRow, first: usize) -> Figure {
    let n = |i: usize| row.get::<Option<i64>, _>(first + i).unwrap_or(0);
    Figure::new(n(0), n(1), n(2))
}

pub async fn summary(db: &Db, actor: &Actor, req: StatsRequest) -> CoreResult<StatsResponse> {
    actor.require(Permission::CaseView)?;
    let mut problems = Vec::new();
    let from = parse_day("from", &req.from).map_err(|p| problems.push(p)).ok();
    let to = parse_day("to", &req.to).map_err(|p| problems.push(p)).ok();
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            problems.push(FieldProblem {
                field: "to".into(),
                rule: FieldRule::Invalid { detail: "to >= from".into() },
            });
        } else if (t - f).num_days() >= MAX_DAYS {
            problems.push(FieldProblem {
                field: "to".into(),
                rule: FieldRule::OutOfRange { min: 1, max: MAX_DAYS },
            });
        }
    }
    let top_products = req.top_products.unwrap_or(20);
    if !(1..=500).contains(&top_products) {
        problems.push(FieldProblem {
            field: "top_products".into(),
            rule: FieldRule::OutOfRange { min: 1, max: 500 },
        });
    }
    crate::error::ensure_valid(problems)?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(CoreError::Internal("checked dates".into()));
    };
    let periods = Periods::of(from, to);
    let ranges = [bounds(periods.current), bounds(periods.previous), bounds(periods.last_year)];
    let names = unit_names(db).await?;

    let dimensions = req.dimensions.clone().unwrap_or_else(|| StatsDimension::ALL.to_vec());
    let mut breakdowns = Vec::with_capacity(dimensions.len());
    for dimension in dimensions {
        breakdowns
            .push(breakdown(db, actor, dimension, &periods, &ranges, top_products, &names).await?);
    }
    // Every counted case is on exactly one line of a breakdown (a missing value is a line):
    // the first one's lines add up to the total; without any, one more pass counts it.
    let total = match breakdowns.first() {
        Some(first) => {
            let sum = |f: fn(&Figure) -> i64| first.items.iter().map(|i| f(&i.figure)).sum();
            Figure::new(sum(|f| f.count), sum(|f| f.previous), sum(|f| f.last_year))
        }
        None if from_counts(actor) => {
            let days = [periods.current, periods.previous, periods.last_year];
            let mut qb = QueryBuilder::<Sqlite>::new("SELECT ");
            push_day_sums(&mut qb, &days);
            push_counts_of(&mut qb, StatsDimension::Status, &days);
            figure_at(&qb.build().fetch_one(db.pool()).await?, 0)
        }
        None => {
            let mut qb = QueryBuilder::<Sqlite>::new("SELECT ");
            push_sums(&mut qb, &ranges);
            push_counted(&mut qb, actor);
            push_any_range(&mut qb, &ranges);
            figure_at(&qb.build().fetch_one(db.pool()).await?, 0)
        }
    };
    for item in breakdowns.iter_mut().flat_map(|b| b.items.iter_mut()) {
        item.share = per_cent(item.figure.count, total.count).unwrap_or(0.0);
    }
    let trend = trend(db, actor, &periods, req.by.unwrap_or_default()).await?;
    let cross = match req.cross {
        Some((rows, columns)) => {
            Some(cross(db, actor, (rows, columns), periods.current, &names).await?)
        }
        None => None,
    };
    Ok(StatsResponse {
        period: period(periods.current),
        previous: period(periods.previous),
        last_year: period(periods.last_year),
        total,
        cases: json(&filter_of(periods.current))?,
        breakdowns,
        trend,
        cross,
    })
}

/// Org units' names by id.
async fn unit_names(db: &Db) -> CoreResult<BTreeMap<String, String>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM org_units").fetch_all(db.pool()).await?;
    Ok(rows.into_iter().collect())
}

fn name_of(
    dimension: StatsDimension,
    key: Option<&str>,
    names: &BTreeMap<String, String>,
) -> Option<String> {
    match dimension {
        StatsDimension::Department | StatsDimension::Store => {
            key.and_then(|k| names.get(k)).cloned()
        }
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn breakdown(
    db: &Db,
    actor: &Actor,
    dimension: StatsDimension,
    periods: &Periods,
    ranges: &[(String, String); 3],
    top_products: u32,
    names: &BTreeMap<String, String>,
) -> CoreResult<Breakdown> {
    let qb = if from_counts(actor) {
        let days = [periods.current, periods.previous, periods.last_year];
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT NULLIF(key, '') AS k, ");
        push_day_sums(&mut qb, &days);
        push_counts_of(&mut qb, dimension, &days);
        qb
    } else {
        let column = dimension.column();
        let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {column} AS k, "));
        push_sums(&mut qb, ranges);
        push_counted(&mut qb, actor);
        push_any_range(&mut qb, ranges);
        qb
    };
    let mut qb = qb;
    qb.push(" GROUP BY k");
    let rows = qb.build().fetch_all(db.pool()).await?;
    let mut lines: Vec<(Option<String>, Figure)> = rows
        .iter()
        .map(|r| (r.get::<Option<String>, _>(0), figure_at(r, 1)))
        .filter(|(_, f)| f.count > 0 || f.previous > 0 || f.last_year > 0)
        .collect();
    // The largest first; ties by key, so that the order is stable.
    lines.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    let mut items = Vec::with_capacity(lines.len());
    let limit =
        if dimension == StatsDimension::Product { top_products as usize } else { usize::MAX };
    let mut rest: Option<(i64, i64, i64)> = None;
    for (i, (key, figure)) in lines.into_iter().enumerate() {
        if i >= limit {
            let r = rest.get_or_insert((0, 0, 0));
            r.0 += figure.count;
            r.1 += figure.previous;
            r.2 += figure.last_year;
            continue;
        }
        let mut filter = filter_of(periods.current);
        dimension.narrow(&mut filter, key.as_deref());
        items.push(BreakdownItem {
            name: name_of(dimension, key.as_deref(), names),
            // Set once the total is known.
            share: 0.0,
            cases: Some(json(&filter)?),
            key,
            others: false,
            figure,
        });
    }
    if let Some((count, previous, last_year)) = rest {
        items.push(BreakdownItem {
            key: None,
            name: None,
            others: true,
            share: 0.0,
            figure: Figure::new(count, previous, last_year),
            cases: None,
        });
    }
    Ok(Breakdown { dimension, items })
}

/// The steps of a trend over the period: whole months, quarters or years, the first and last
/// cut to the period.
fn steps(periods: &Periods, unit: TrendUnit) -> Vec<(String, (NaiveDate, NaiveDate))> {
    let (from, to) = periods.current;
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let (label, end) = match unit {
            TrendUnit::Month => {
                (format!("{}-{:02}", start.year(), start.month()), last_of_month(start))
            }
            TrendUnit::Quarter => {
                let q = (start.month() - 1) / 3;
                let last = NaiveDate::from_ymd_opt(start.year(), q * 3 + 3, 1).expect("month");
                (format!("{}-Q{}", start.year(), q + 1), last_of_month(last))
            }
            TrendUnit::Year => (
                start.year().to_string(),
                NaiveDate::from_ymd_opt(start.year(), 12, 31).expect("day"),
            ),
        };
        let end = end.min(to);
        out.push((label, (start, end)));
        start = end + chrono::Duration::days(1);
    }
    out
}

async fn trend(
    db: &Db,
    actor: &Actor,
    periods: &Periods,
    unit: TrendUnit,
) -> CoreResult<Vec<TrendPoint>> {
    let steps = steps(periods, unit);
    let ranges: Vec<(String, String)> = steps.iter().map(|(_, p)| bounds(*p)).collect();
    // One pass: each step a sum over the period's rows (the steps are few).
    let mut out = Vec::with_capacity(steps.len());
    for (chunk_steps, chunk_ranges) in steps.chunks(60).zip(ranges.chunks(60)) {
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT ");
        if from_counts(actor) {
            let days: Vec<(NaiveDate, NaiveDate)> = chunk_steps.iter().map(|(_, d)| *d).collect();
            push_day_sums(&mut qb, &days);
            let span = (days[0].0, days[days.len() - 1].1);
            push_counts_of(&mut qb, StatsDimension::Status, &[span]);
        } else {
            push_sums(&mut qb, chunk_ranges);
            push_counted(&mut qb, actor);
            let span = (
                chunk_ranges.first().map(|r| r.0.clone()).unwrap_or_default(),
                chunk_ranges.last().map(|r| r.1.clone()).unwrap_or_default(),
            );
            push_any_range(&mut qb, &[span]);
        }
        let row = qb.build().fetch_one(db.pool()).await?;
        for (i, (label, days)) in chunk_steps.iter().enumerate() {
            out.push(TrendPoint {
                label: label.clone(),
                period: period(*days),
                count: row.get::<Option<i64>, _>(i).unwrap_or(0),
                cases: json(&filter_of(*days))?,
            });
        }
    }
    Ok(out)
}

async fn cross(
    db: &Db,
    actor: &Actor,
    (rows_by, columns_by): (StatsDimension, StatsDimension),
    current: (NaiveDate, NaiveDate),
    names: &BTreeMap<String, String>,
) -> CoreResult<CrossTab> {
    let found: Vec<(Option<String>, Option<String>, i64)> = if from_counts(actor) {
        let some = |v: String| (!v.is_empty()).then_some(v);
        crate::counts::cross(db, (rows_by, columns_by), current)
            .await?
            .into_iter()
            .map(|(r, k, n)| (some(r), some(k), n))
            .collect()
    } else {
        let mut qb = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {} AS r, {} AS k, COUNT(*)",
            rows_by.column(),
            columns_by.column()
        ));
        push_counted(&mut qb, actor);
        push_any_range(&mut qb, &[bounds(current)]);
        qb.push(" GROUP BY r, k");
        qb.build_query_as().fetch_all(db.pool()).await?
    };
    let mut row_totals: BTreeMap<Option<String>, i64> = BTreeMap::new();
    let mut column_totals: BTreeMap<Option<String>, i64> = BTreeMap::new();
    for (r, k, n) in &found {
        *row_totals.entry(r.clone()).or_default() += n;
        *column_totals.entry(k.clone()).or_default() += n;
    }
    // Lines ordered by their totals, the largest first.
    let order = |totals: &BTreeMap<Option<String>, i64>| {
        let mut keys: Vec<(Option<String>, i64)> =
            totals.iter().map(|(k, n)| (k.clone(), *n)).collect();
        keys.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        keys
    };
    let rows = order(&row_totals);
    let columns = order(&column_totals);
    let row_at: BTreeMap<&Option<String>, usize> =
        rows.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
    let column_at: BTreeMap<&Option<String>, usize> =
        columns.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
    let mut cells = vec![vec![0i64; columns.len()]; rows.len()];
    for (r, k, n) in &found {
        cells[row_at[r]][column_at[k]] += n;
    }
    let lines = |dimension: StatsDimension, keys: &[(Option<String>, i64)]| {
        keys.iter()
            .map(|(key, _)| {
                let mut filter = filter_of(current);
                dimension.narrow(&mut filter, key.as_deref());
                Ok(CrossLine {
                    name: name_of(dimension, key.as_deref(), names),
                    key: key.clone(),
                    cases: json(&filter)?,
                })
            })
            .collect::<CoreResult<Vec<_>>>()
    };
    Ok(CrossTab {
        rows_by,
        columns_by,
        row_totals: rows.iter().map(|(_, n)| *n).collect(),
        column_totals: columns.iter().map(|(_, n)| *n).collect(),
        rows: lines(rows_by, &rows)?,
        columns: lines(columns_by, &columns)?,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
    }

    #[test]
    fn periods_compare_whole_months_with_months_and_ranges_with_days() {
        let p = Periods::of(day("2026-03-01"), day("2026-03-31"));
        assert_eq!(p.previous, (day("2026-02-01"), day("2026-02-28")));
        assert_eq!(p.last_year, (day("2025-03-01"), day("2025-03-31")));
        let q = Periods::of(day("2024-01-01"), day("2024-03-31"));
        assert_eq!(q.previous, (day("2023-10-01"), day("2023-12-31")));
        let leap = Periods::of(day("2024-02-01"), day("2024-02-29"));
        assert_eq!(leap.last_year, (day("2023-02-01"), day("2023-02-28")));
        let r = Periods::of(day("2026-03-10"), day("2026-03-19"));
        assert_eq!(r.previous, (day("2026-02-28"), day("2026-03-09")));
        assert_eq!(r.last_year, (day("2025-03-10"), day("2025-03-19")));
    }

    #[test]
    fn trend_steps_are_cut_to_the_period() {
        let p = Periods::of(day("2026-02-15"), day("2026-07-10"));
        let q = steps(&p, TrendUnit::Quarter);
        assert_eq!(
            q,
            vec![
                ("2026-Q1".to_owned(), (day("2026-02-15"), day("2026-03-31"))),
                ("2026-Q2".to_owned(), (day("2026-04-01"), day("2026-06-30"))),
                ("2026-Q3".to_owned(), (day("2026-07-01"), day("2026-07-10"))),
            ]
        );
        assert_eq!(steps(&p, TrendUnit::Month).len(), 6);
        assert_eq!(steps(&p, TrendUnit::Year).len(), 1);
    }

    #[test]
    fn changes_are_per_cent_of_a_non_zero_base() {
        let f = Figure::new(150, 100, 0);
        assert_eq!(f.change_previous, Some(50.0));
        assert_eq!(f.change_last_year, None);
        assert_eq!(Figure::new(1, 3, 3).change_previous, Some(-66.7));
    }
}
