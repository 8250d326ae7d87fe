//! Hotspots (§五(二)2): the categories, products, stores, departments, channels and root causes
//! whose disputes rose significantly in a period against their own history. The method (a
//! one-sided Poisson test of the period's count against the mean of the periods before it,
//! Bonferroni-corrected over the values tested, with a minimum count and a minimum rise) is
//! stated in docs/METRICS.md; each hotspot carries its evidence: observed and expected counts,
//! the p-value, the history the expectation came from, and the ledger filter of its cases.

use chrono::{Datelike, Months};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::ops::cases::{push_scope, CasesListRequest};
use crate::ops::kpi::KpiPeriod;
use crate::ops::stats::{
    from_counts, json, push_counts_of, push_day_sums, start_of, Period, StatsDimension,
};
use crate::storage::Db;
use crate::time;

/// Significance level of the whole family of tests in one dimension.
pub const ALPHA: f64 = 0.01;
/// A hotspot has at least this many cases in the period…
pub const MIN_COUNT: i64 = 5;
/// …and at least this many times as many as expected.
pub const MIN_RATIO: f64 = 1.5;
/// The expectation's floor: a value never seen before is expected half a case per period.
pub const MIN_EXPECTED: f64 = 0.5;
/// Periods of history needed before any test is made.
pub const MIN_HISTORY: usize = 3;

/// The dimensions tested by default.
pub const DIMENSIONS: [StatsDimension; 6] = [
    StatsDimension::Category,
    StatsDimension::Product,
    StatsDimension::Store,
    StatsDimension::Department,
    StatsDimension::Channel,
    StatsDimension::RootCause,
];

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HotspotsRequest {
    /// `2026-10`, `2026-Q3` or `2026`.
    pub period: String,
    /// The dimensions tested (default: category, product, store, department, channel, root
    /// cause).
    #[serde(default)]
    #[ts(optional)]
    pub dimensions: Option<Vec<StatsDimension>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HistoryPoint {
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Hotspot {
    pub dimension: StatsDimension,
    pub key: Option<String>,
    /// An org unit's name.
    pub name: Option<String>,
    /// Cases received in the period.
    pub observed: i64,
    /// The mean per period of the history (at least `MIN_EXPECTED`), two decimals.
    pub expected: f64,
    /// observed ÷ expected, two decimals.
    pub ratio: f64,
    /// P(X ≥ observed) for X ~ Poisson(expected).
    pub p_value: f64,
    /// The threshold it was tested against: `ALPHA` ÷ the values tested in its dimension.
    pub threshold: f64,
    /// The periods the expectation came from, oldest first.
    pub history: Vec<HistoryPoint>,
    /// The ledger filter of its cases in the period.
    #[ts(type = "Record<string, unknown>")]
    pub cases: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HotspotMethod {
    pub alpha: f64,
    pub min_count: i64,
    pub min_ratio: f64,
    pub min_expected: f64,
    pub min_history: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct HotspotsResponse {
    pub period: Period,
    pub label: String,
    /// The periods of history used (as many as there is data for, up to 12 months, 8
    /// quarters or 5 years).
    pub history: Vec<Period>,
    pub method: HotspotMethod,
    /// Values tested per dimension.
    pub tested: Vec<(StatsDimension, usize)>,
    /// The hotspots, the most significant first.
    pub items: Vec<Hotspot>,
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms; relative error below 1e-13).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// P(X ≥ k) for X ~ Poisson(λ), summed from k upwards (accurate in the far tail, where the
/// tests are decided).
pub fn poisson_sf(k: i64, lambda: f64) -> f64 {
    if k <= 0 {
        return 1.0;
    }
    let k = k as f64;
    let mut term = (k * lambda.ln() - lambda - ln_gamma(k + 1.0)).exp();
    let mut sum = 0.0;
    let mut j = k;
    loop {
        sum += term;
        j += 1.0;
        term *= lambda / j;
        if (term < sum * 1e-15 && j > lambda) || j > k + 1e6 {
            break;
        }
    }
    sum.min(1.0)
}

/// The period before `from` of the same kind, and its label.
fn step_back(period: &KpiPeriod) -> KpiPeriod {
    let months = match period.label.len() {
        4 => 12,
        7 if !period.label.contains('Q') => 1,
        _ => 3,
    };
    let from = period.from - Months::new(months);
    let label = match months {
        1 => format!("{}-{:02}", from.year(), from.month()),
        3 => format!("{}-Q{}", from.year(), (from.month() - 1) / 3 + 1),
        _ => from.year().to_string(),
    };
    KpiPeriod { label, from, to: period.from.pred_opt().unwrap_or(period.from) }
}

pub async fn hotspots(
    db: &Db,
    actor: &Actor,
    req: HotspotsRequest,
) -> CoreResult<HotspotsResponse> {
    actor.require(Permission::CaseView)?;
    let period = KpiPeriod::parse(&req.period).ok_or_else(|| {
        CoreError::Validation(vec![FieldProblem {
            field: "period".into(),
            rule: FieldRule::Invalid { detail: "YYYY, YYYY-Qn or YYYY-MM (2000–2100)".into() },
        }])
    })?;
    let most = match period.label.len() {
        4 => 5,
        7 if !period.label.contains('Q') => 12,
        _ => 8,
    };
    // History as far back as there are cases in the scope, up to `most` periods.
    let first_day = if from_counts(actor) {
        let day: Option<String> = sqlx::query_scalar(
            "SELECT MIN(day) FROM case_counts WHERE dimension = 'status' AND n > 0",
        )
        .fetch_one(db.pool())
        .await?;
        day.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    } else {
        let mut qb = QueryBuilder::<Sqlite>::new("SELECT MIN(c.received_at) FROM cases c");
        push_scope(&mut qb, actor);
        let first: Option<String> = qb.build_query_scalar().fetch_one(db.pool()).await?;
        first
            .as_deref()
            .and_then(time::from_db)
            .map(|t| t.with_timezone(&time::china()).date_naive())
    };
    let mut history = Vec::new();
    let mut at = period.clone();
    for _ in 0..most {
        at = step_back(&at);
        match first_day {
            Some(day) if day <= at.from => history.push(at.clone()),
            _ => break,
        }
    }
    history.reverse();
    let method = HotspotMethod {
        alpha: ALPHA,
        min_count: MIN_COUNT,
        min_ratio: MIN_RATIO,
        min_expected: MIN_EXPECTED,
        min_history: MIN_HISTORY,
    };
    let as_period = |p: &KpiPeriod| Period { from: p.from.to_string(), to: p.to.to_string() };
    let mut response = HotspotsResponse {
        period: as_period(&period),
        label: period.label.clone(),
        history: history.iter().map(as_period).collect(),
        method,
        tested: Vec::new(),
        items: Vec::new(),
    };
    if history.len() < MIN_HISTORY {
        return Ok(response);
    }
    let names: std::collections::HashMap<String, String> =
        sqlx::query_as("SELECT id, name FROM org_units")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
    // Windows: the history, then the period itself.
    let windows: Vec<(String, String)> = history
        .iter()
        .chain(std::iter::once(&period))
        .map(|p| (start_of(p.from), start_of(p.to + chrono::Duration::days(1))))
        .collect();
    let dimensions = req.dimensions.unwrap_or_else(|| DIMENSIONS.to_vec());
    let days: Vec<(chrono::NaiveDate, chrono::NaiveDate)> =
        history.iter().chain(std::iter::once(&period)).map(|p| (p.from, p.to)).collect();
    for dimension in dimensions {
        let mut qb = if from_counts(actor) {
            let mut qb = QueryBuilder::<Sqlite>::new("SELECT NULLIF(key, '') AS k, ");
            push_day_sums(&mut qb, &days);
            push_counts_of(&mut qb, dimension, &[(days[0].0, days[days.len() - 1].1)]);
            qb
        } else {
            let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {} AS k", dimension.column()));
            for (start, end) in &windows {
                qb.push(", SUM(c.received_at >= ").push_bind(start.clone());
                qb.push(" AND c.received_at < ").push_bind(end.clone()).push(")");
            }
            qb.push(" FROM cases c");
            let scoped = push_scope(&mut qb, actor);
            qb.push(if scoped { " AND " } else { " WHERE " }).push("c.status <> 'merged'");
            qb.push(" AND c.received_at >= ").push_bind(windows[0].0.clone());
            qb.push(" AND c.received_at < ").push_bind(windows[windows.len() - 1].1.clone());
            qb
        };
        qb.push(" GROUP BY k");
        let rows = qb.build().fetch_all(db.pool()).await?;
        // Every value with a case in the period is tested.
        let lines: Vec<(Option<String>, Vec<i64>)> = rows
            .iter()
            .map(|r| {
                let counts = (0..windows.len())
                    .map(|i| r.get::<Option<i64>, _>(i + 1).unwrap_or(0))
                    .collect();
                (r.get::<Option<String>, _>(0), counts)
            })
            .filter(|(_, counts): &(Option<String>, Vec<i64>)| {
                counts.last().is_some_and(|n| *n > 0)
            })
            .collect();
        let tested = lines.len();
        response.tested.push((dimension, tested));
        let threshold = ALPHA / tested.max(1) as f64;
        for (key, counts) in lines {
            let (past, now) = counts.split_at(counts.len() - 1);
            let observed = now[0];
            let expected = (past.iter().sum::<i64>() as f64 / past.len() as f64).max(MIN_EXPECTED);
            let p_value = poisson_sf(observed, expected);
            let ratio = observed as f64 / expected;
            if observed < MIN_COUNT || ratio < MIN_RATIO || p_value >= threshold {
                continue;
            }
            let mut filter = CasesListRequest {
                received_from: Some(period.from.to_string()),
                received_to: Some(period.to.to_string()),
                exclude_merged: Some(true),
                ..CasesListRequest::default()
            };
            dimension.narrow(&mut filter, key.as_deref());
            let cases = json(&filter)?;
            response.items.push(Hotspot {
                dimension,
                name: match dimension {
                    StatsDimension::Department | StatsDimension::Store => {
                        key.as_ref().and_then(|k| names.get(k)).cloned()
                    }
                    _ => None,
                },
                key,
                observed,
                expected: (expected * 100.0).round() / 100.0,
                ratio: (ratio * 100.0).round() / 100.0,
                p_value,
                threshold,
                history: history
                    .iter()
                    .zip(past)
                    .map(|(p, n)| HistoryPoint { label: p.label.clone(), count: *n })
                    .collect(),
                cases,
            });
        }
    }
    response
        .items
        .sort_by(|a, b| a.p_value.total_cmp(&b.p_value).then_with(|| b.observed.cmp(&a.observed)));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P(X ≥ k) the long way: one minus the sum of the probabilities below k.
    fn by_cdf(k: i64, lambda: f64) -> f64 {
        let mut term = (-lambda).exp();
        let mut below = 0.0;
        for j in 0..k {
            below += term;
            term *= lambda / (j + 1) as f64;
        }
        1.0 - below
    }

    #[test]
    fn the_poisson_tail_agrees_with_the_sum_of_its_terms() {
        for (k, lambda) in [(0, 3.0), (1, 0.5), (5, 2.0), (12, 4.0), (20, 10.0), (40, 30.5)] {
            let (a, b) = (poisson_sf(k, lambda), by_cdf(k, lambda));
            assert!((a - b).abs() < 1e-12 + 1e-9 * b, "k {k} λ {lambda}: {a} vs {b}");
        }
        // Far in the tail, where one minus the sum has no digits left.
        let p = poisson_sf(60, 10.0);
        assert!(p > 0.0 && p < 1e-20, "{p}");
        assert!((ln_gamma(11.0) - 3_628_800f64.ln()).abs() < 1e-10);
    }

    #[test]
    fn history_steps_back_by_the_period_kind() {
        let m = KpiPeriod::parse("2026-01").expect("month");
        assert_eq!(step_back(&m).label, "2025-12");
        let q = KpiPeriod::parse("2026-Q1").expect("quarter");
        let back = step_back(&q);
        assert_eq!((back.label.as_str(), back.from.to_string()), ("2025-Q4", "2025-10-01".into()));
        assert_eq!(back.to.to_string(), "2025-12-31");
        assert_eq!(step_back(&KpiPeriod::parse("2026").expect("year")).label, "2025");
    }
}
