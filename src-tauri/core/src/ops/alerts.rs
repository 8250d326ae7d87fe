//! `alerts.list`: early warning of an emerging mass dispute (§六). A burst of cases sharing a
//! product (model), a store or a category within a short window, beyond what their own history
//! predicts, seasonality included. The method and its parameters are in docs/METRICS.md.
//!
//! It reads the cases the person may see in the local database: a branch, offline, warns on
//! its own data; headquarters on everyone's.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::codes::{self, CodeList};
use crate::domain::emergency::WatchDimension;
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::ops::cases::push_scope;
use crate::ops::hotspots::poisson_sf;
use crate::storage::Db;
use crate::time::{self, china};

/// The windows scanned, in hours, all ending at the moment of the check.
pub const WINDOWS_HOURS: [i64; 3] = [24, 48, 168];
/// The recent history a value's expected rate is taken from, before the window.
pub const BASELINE_DAYS: i64 = 56;
/// Last year's window is looked at this many days either side of the same dates.
pub const SEASON_SHIFT_DAYS: i64 = 3;
/// A seasonal factor is taken from a value's own last year when its baseline then had this many
/// cases; otherwise from all cases'.
pub const MIN_SEASON_CASES: i64 = 20;
/// Family-wise significance, Bonferroni-divided by the number of tests made.
pub const ALPHA: f64 = 0.01;
/// Fewer cases than this in a window never make an alert, whatever the history.
pub const MIN_COUNT: i64 = 8;
/// Nor fewer than this many times the expected count.
pub const MIN_RATIO: f64 = 2.0;
/// The expected count is never taken below this (a value with no history).
pub const MIN_EXPECTED: f64 = 0.5;
/// Time is counted in milliseconds, as the database stores it.
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Cases listed with an alert at most (all their ids are given).
const CASES_SHOWN: usize = 200;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct AlertsRequest {
    /// The moment of the check: RFC 3339, `YYYY-MM-DD HH:MM` (China time) or `YYYY-MM-DD` (the
    /// end of that day). Default: now.
    #[serde(default)]
    #[ts(optional)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AlertMethod {
    pub windows_hours: Vec<i64>,
    pub baseline_days: i64,
    pub season_shift_days: i64,
    pub min_season_cases: i64,
    pub alpha: f64,
    pub min_count: i64,
    pub min_ratio: f64,
    pub min_expected: f64,
    /// Tests made (values × windows): the Bonferroni divisor.
    pub tests: i64,
    /// The p-value an alert must be below.
    pub threshold: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AlertCase {
    pub id: String,
    pub case_no: String,
    pub received_at: String,
    pub status: String,
    pub store: Option<String>,
    pub product: Option<String>,
    pub category: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AlertIncident {
    pub id: String,
    pub incident_no: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Alert {
    pub dimension: WatchDimension,
    pub value: String,
    /// The value as people read it (the store's name, the category's label).
    pub label: String,
    pub window_hours: i64,
    pub window_start: String,
    pub window_end: String,
    pub observed: i64,
    pub expected: f64,
    pub ratio: f64,
    pub p_value: f64,
    /// Cases per window-length in the baseline before the window.
    pub baseline_expected: f64,
    /// How much the same dates last year rose over their own baseline (1 when they did not).
    pub seasonal_factor: f64,
    /// `own` (the value's last year), `all` (all cases' last year) or `none`.
    pub seasonal_source: String,
    pub case_ids: Vec<String>,
    pub cases: Vec<AlertCase>,
    /// The open incident that already watches this value.
    pub incident: Option<AlertIncident>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AlertsResponse {
    pub at: String,
    pub method: AlertMethod,
    pub alerts: Vec<Alert>,
}

/// Reads `at` as the request may give it.
pub fn parse_at(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Some(t) = time::from_db(raw) {
        return Some(t);
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return china().from_local_datetime(&t).single().map(|t| t.with_timezone(&Utc));
        }
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
    let end = day.succ_opt()?.and_hms_opt(0, 0, 0)?;
    china().from_local_datetime(&end).single().map(|t| t.with_timezone(&Utc))
}

/// Case times (milliseconds) of one value, sorted: counting a window is two binary searches.
#[derive(Default)]
struct Series {
    times: Vec<i64>,
}

impl Series {
    fn count(&self, from: i64, to: i64) -> i64 {
        let a = self.times.partition_point(|t| *t < from);
        let b = self.times.partition_point(|t| *t < to);
        (b - a) as i64
    }
}

struct Row_ {
    id: String,
    t: i64,
    keys: [Option<String>; 3],
}

/// The seasonal factor of a window: how far the same dates a year earlier (± a few days) rose
/// above the baseline before them, taken where they rose most; never below 1.
fn seasonal(series: &Series, last_year_end: i64, window: i64) -> Option<f64> {
    let day = DAY_MS;
    let mut best: Option<f64> = None;
    for shift in -SEASON_SHIFT_DAYS..=SEASON_SHIFT_DAYS {
        let end = last_year_end + shift * day;
        let base = series.count(end - window - BASELINE_DAYS * day, end - window);
        if base < MIN_SEASON_CASES {
            continue;
        }
        let observed = series.count(end - window, end);
        let expected = base as f64 * window as f64 / (BASELINE_DAYS * day) as f64;
        let factor = (observed as f64 + 0.5) / (expected + 0.5);
        best = Some(best.map_or(factor, |b: f64| b.max(factor)));
    }
    best.map(|f| f.max(1.0))
}

pub async fn list(db: &Db, actor: &Actor, req: AlertsRequest) -> CoreResult<AlertsResponse> {
    actor.require(Permission::CaseView)?;
    let at = match req.at.as_deref().filter(|s| !s.trim().is_empty()) {
        None => db.now(),
        Some(raw) => parse_at(raw).ok_or_else(|| {
            CoreError::Validation(vec![FieldProblem {
                field: "at".into(),
                rule: FieldRule::Invalid { detail: "YYYY-MM-DD[ HH:MM] or RFC 3339".into() },
            }])
        })?,
    };
    let day = DAY_MS;
    let longest = WINDOWS_HOURS.iter().max().copied().unwrap_or(168) * HOUR_MS;
    let now = at.timestamp_millis();
    let last_year = at
        .checked_sub_months(Months::new(12))
        .unwrap_or(at - Duration::days(365))
        .timestamp_millis();
    let ranges = [
        (now - longest - BASELINE_DAYS * day, now),
        (
            last_year - (SEASON_SHIFT_DAYS + BASELINE_DAYS) * day - longest,
            last_year + SEASON_SHIFT_DAYS * day,
        ),
    ];
    let as_db = |t: i64| time::to_db(Utc.timestamp_millis_opt(t).single().unwrap_or(at));
    let mut rows = Vec::new();
    for (from, to) in ranges {
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT c.id, c.received_at");
        for d in WatchDimension::ALL {
            qb.push(", ").push(d.key_sql());
        }
        qb.push(" FROM cases c");
        let scoped = push_scope(&mut qb, actor);
        qb.push(if scoped { " AND " } else { " WHERE " }).push("c.status <> 'merged'");
        qb.push(" AND c.received_at >= ").push_bind(as_db(from));
        qb.push(" AND c.received_at < ").push_bind(as_db(to));
        for r in qb.build().fetch_all(db.pool()).await? {
            let Some(t) = time::from_db(r.get::<&str, _>(1)) else { continue };
            rows.push(Row_ {
                id: r.get(0),
                t: t.timestamp_millis(),
                keys: [r.get(2), r.get(3), r.get(4)],
            });
        }
    }
    rows.sort_by_key(|r| r.t);
    let mut all = Series::default();
    let mut by_value: Vec<HashMap<&str, Series>> = (0..3).map(|_| HashMap::new()).collect();
    for r in &rows {
        all.times.push(r.t);
        for (i, key) in r.keys.iter().enumerate() {
            if let Some(k) = key.as_deref() {
                by_value[i].entry(k).or_default().times.push(r.t);
            }
        }
    }
    // Values with enough cases in the longest window to alert at all are tested, every window.
    let mut tested: Vec<(WatchDimension, &str, &Series)> = Vec::new();
    for (i, d) in WatchDimension::ALL.into_iter().enumerate() {
        for (value, series) in &by_value[i] {
            if series.count(now - longest, now) >= MIN_COUNT {
                tested.push((d, value, series));
            }
        }
    }
    tested.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let tests = (tested.len() * WINDOWS_HOURS.len()) as i64;
    let threshold = ALPHA / tests.max(1) as f64;
    let method = AlertMethod {
        windows_hours: WINDOWS_HOURS.to_vec(),
        baseline_days: BASELINE_DAYS,
        season_shift_days: SEASON_SHIFT_DAYS,
        min_season_cases: MIN_SEASON_CASES,
        alpha: ALPHA,
        min_count: MIN_COUNT,
        min_ratio: MIN_RATIO,
        min_expected: MIN_EXPECTED,
        tests,
        threshold,
    };
    struct Found<'a> {
        dimension: WatchDimension,
        value: &'a str,
        window: i64,
        observed: i64,
        expected: f64,
        baseline: f64,
        factor: f64,
        source: &'static str,
        p: f64,
    }
    let mut found: Vec<Found> = Vec::new();
    for (dimension, value, series) in tested {
        let mut best: Option<Found> = None;
        for hours in WINDOWS_HOURS {
            let window = hours * HOUR_MS;
            let observed = series.count(now - window, now);
            let base = series.count(now - window - BASELINE_DAYS * day, now - window);
            let baseline = base as f64 * window as f64 / (BASELINE_DAYS * day) as f64;
            let (factor, source) = match seasonal(series, last_year, window) {
                Some(f) => (f, "own"),
                None => match seasonal(&all, last_year, window) {
                    Some(f) => (f, "all"),
                    None => (1.0, "none"),
                },
            };
            let expected = (baseline * factor).max(MIN_EXPECTED);
            let p = poisson_sf(observed, expected);
            if observed < MIN_COUNT || (observed as f64) < MIN_RATIO * expected || p >= threshold {
                continue;
            }
            if best.as_ref().is_none_or(|b| p < b.p) {
                best = Some(Found {
                    dimension,
                    value,
                    window,
                    observed,
                    expected,
                    baseline,
                    factor,
                    source,
                    p,
                });
            }
        }
        found.extend(best);
    }
    found.sort_by(|a, b| a.p.total_cmp(&b.p).then_with(|| b.observed.cmp(&a.observed)));

    let mut conn = db.pool().acquire().await?;
    let names: HashMap<String, String> = sqlx::query_as("SELECT id, name FROM org_units")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let categories: HashMap<String, String> = codes::entries(&mut conn, CodeList::Category)
        .await?
        .into_iter()
        .map(|e| (e.code, e.label_zh))
        .collect();
    let watched: BTreeMap<(String, String), AlertIncident> = sqlx::query(
        "SELECT watch_dimension, watch_value, id, incident_no FROM incidents \
         WHERE status = 'open' AND watch_dimension IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| ((r.get(0), r.get(1)), AlertIncident { id: r.get(2), incident_no: r.get(3) }))
    .collect();
    let mut alerts = Vec::new();
    for f in found {
        let slot = WatchDimension::ALL.iter().position(|d| *d == f.dimension).unwrap_or(0);
        let case_ids: Vec<String> = rows
            .iter()
            .filter(|r| r.t >= now - f.window && r.t < now)
            .filter(|r| r.keys[slot].as_deref() == Some(f.value))
            .map(|r| r.id.clone())
            .collect();
        let cases = alert_cases(&mut conn, &case_ids[..case_ids.len().min(CASES_SHOWN)]).await?;
        let label = match f.dimension {
            WatchDimension::Store => names.get(f.value).cloned(),
            WatchDimension::Category => categories.get(f.value).cloned(),
            WatchDimension::Product => None,
        }
        .unwrap_or_else(|| f.value.to_owned());
        alerts.push(Alert {
            dimension: f.dimension,
            value: f.value.to_owned(),
            label,
            window_hours: f.window / HOUR_MS,
            window_start: as_db(now - f.window),
            window_end: time::to_db(at),
            observed: f.observed,
            expected: f.expected,
            ratio: f.observed as f64 / f.expected,
            p_value: f.p,
            baseline_expected: f.baseline,
            seasonal_factor: f.factor,
            seasonal_source: f.source.to_owned(),
            incident: watched.get(&(f.dimension.code().to_owned(), f.value.to_owned())).cloned(),
            case_ids,
            cases,
        });
    }
    Ok(AlertsResponse { at: time::to_db(at), method, alerts })
}

async fn alert_cases(
    conn: &mut sqlx::SqliteConnection,
    ids: &[String],
) -> CoreResult<Vec<AlertCase>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT c.id, c.case_no, c.received_at, c.status, s.name, ",
        );
        qb.push(WatchDimension::Product.key_sql());
        qb.push(
            ", c.category FROM cases c LEFT JOIN org_units s ON s.id = c.store_id WHERE c.id IN (",
        );
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(id.clone());
        }
        qb.push(") ORDER BY c.received_at DESC");
        for r in qb.build().fetch_all(&mut *conn).await? {
            out.push(AlertCase {
                id: r.get(0),
                case_no: r.get(1),
                received_at: r.get(2),
                status: r.get(3),
                store: r.get(4),
                product: r.get(5),
                category: r.get(6),
            });
        }
    }
    Ok(out)
}
