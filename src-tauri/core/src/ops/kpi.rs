//! KPIs (§七(二)): how well disputes are handled, per company, branch, department, store and
//! handler, against targets per unit and period; and the business volume (orders per unit and
//! month) the complaint rate is measured against. Definitions: docs/METRICS.md.
//!
//! Counts are computed in SQL over the actor's scope; handling times are counted in working
//! days on the holiday calendar in Rust. Every figure carries the ledger filter of its cases.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::{CaseScope, Permission};
use crate::domain::events::{EventBody, KpiTargetSet, VolumeEntry, VolumeRecorded};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log;
use crate::ops::cases::{push_scope, CasesListRequest, FIRST_CONTACT};
use crate::ops::stats::{json, start_of, StatsDimension};
use crate::storage::Db;
use crate::time;

/// Closed after the deadline: the WHERE of the partial index `cases_closed_late` (0015).
const CLOSED_LATE: &str = "c.status = 'closed' AND c.closed_at > c.due_at";

/// The KPIs, each defined in docs/METRICS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KpiCode {
    /// 投诉率: disputes received per 10,000 orders.
    ComplaintRate,
    /// 处理及时率: cases closed by their deadline ÷ cases closed, per cent.
    OnTimeRate,
    /// 满意率: (满意 + 基本满意) ÷ closed cases with feedback, per cent.
    SatisfactionRate,
    /// Mean satisfaction score, 1–5.
    MeanScore,
    /// 首次解决率: settled in the intake sitting ÷ cases closed, per cent.
    FirstContactRate,
    /// Mean handling time, working days.
    MeanHandlingDays,
    /// Median handling time, working days.
    MedianHandlingDays,
    /// 重开率: closed cases reopened at least once ÷ cases closed, per cent.
    ReopenRate,
    /// Cases whose deadline fell in the period and was missed.
    Overdue,
}

impl KpiCode {
    pub const ALL: [KpiCode; 9] = [
        KpiCode::ComplaintRate,
        KpiCode::OnTimeRate,
        KpiCode::SatisfactionRate,
        KpiCode::MeanScore,
        KpiCode::FirstContactRate,
        KpiCode::MeanHandlingDays,
        KpiCode::MedianHandlingDays,
        KpiCode::ReopenRate,
        KpiCode::Overdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            KpiCode::ComplaintRate => "complaint_rate",
            KpiCode::OnTimeRate => "on_time_rate",
            KpiCode::SatisfactionRate => "satisfaction_rate",
            KpiCode::MeanScore => "mean_score",
            KpiCode::FirstContactRate => "first_contact_rate",
            KpiCode::MeanHandlingDays => "mean_handling_days",
            KpiCode::MedianHandlingDays => "median_handling_days",
            KpiCode::ReopenRate => "reopen_rate",
            KpiCode::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<KpiCode> {
        KpiCode::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether a larger value is better (rates of success) or worse (complaints, time, lateness).
    pub fn higher_is_better(self) -> bool {
        matches!(
            self,
            KpiCode::OnTimeRate
                | KpiCode::SatisfactionRate
                | KpiCode::MeanScore
                | KpiCode::FirstContactRate
        )
    }

    /// The values a target may take.
    fn range(self) -> (f64, f64) {
        match self {
            KpiCode::OnTimeRate
            | KpiCode::SatisfactionRate
            | KpiCode::FirstContactRate
            | KpiCode::ReopenRate => (0.0, 100.0),
            KpiCode::MeanScore => (1.0, 5.0),
            KpiCode::ComplaintRate => (0.0, 10_000.0),
            KpiCode::MeanHandlingDays | KpiCode::MedianHandlingDays => (0.0, 365.0),
            KpiCode::Overdue => (0.0, 1_000_000.0),
        }
    }
}

/// What the KPIs are given per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KpiGroupBy {
    /// One line: the whole company (the actor's scope).
    #[default]
    Company,
    /// The branch or subsidiary nearest above the case's store (or department).
    Branch,
    Department,
    Store,
    Handler,
}

impl KpiGroupBy {
    /// The SQL giving a case's line (`branch`: its unit, mapped to its branch afterwards).
    fn key(self) -> &'static str {
        match self {
            KpiGroupBy::Company => "NULL",
            KpiGroupBy::Branch => "COALESCE(c.store_id, c.department_id)",
            KpiGroupBy::Department => "c.department_id",
            KpiGroupBy::Store => "c.store_id",
            KpiGroupBy::Handler => "c.handler_id",
        }
    }

    /// Narrows a ledger filter to one line's cases.
    fn narrow(self, filter: &mut CasesListRequest, key: Option<&str>) {
        let value = key.unwrap_or_default().to_owned();
        match self {
            KpiGroupBy::Company => {}
            KpiGroupBy::Branch => filter.branch_id = Some(value),
            KpiGroupBy::Department => filter.department_ids = Some(vec![value]),
            KpiGroupBy::Store => filter.store_ids = Some(vec![value]),
            KpiGroupBy::Handler => filter.handler_id = Some(value),
        }
    }
}

/// A KPI period: a month, a quarter or a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiPeriod {
    /// `2026-10`, `2026-Q3` or `2026`.
    pub label: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl KpiPeriod {
    pub fn parse(text: &str) -> Option<KpiPeriod> {
        let text = text.trim();
        let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1);
        let (from, months) = if let Some((y, q)) = text.split_once("-Q") {
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            (first(y.parse().ok()?, q * 3 - 2)?, 3)
        } else if let Some((y, m)) = text.split_once('-') {
            (first(y.parse().ok()?, m.parse().ok()?)?, 1)
        } else {
            (first(text.parse().ok()?, 1)?, 12)
        };
        if !(2000..=2100).contains(&from.year()) {
            return None;
        }
        let label = match months {
            1 => format!("{}-{:02}", from.year(), from.month()),
            3 => format!("{}-Q{}", from.year(), (from.month() - 1) / 3 + 1),
            _ => from.year().to_string(),
        };
        let to = (from + Months::new(months)).pred_opt()?;
        Some(KpiPeriod { label, from, to })
    }

    /// `YYYY-MM` of every month in the period.
    fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut m = self.from;
        while m <= self.to {
            out.push(format!("{}-{:02}", m.year(), m.month()));
            m = m + Months::new(1);
        }
        out
    }

    /// The periods whose targets apply, the nearest first: the period itself, its quarter (for
    /// a month), its year.
    fn target_chain(&self) -> Vec<String> {
        let year = self.from.year().to_string();
        let quarter = format!("{}-Q{}", self.from.year(), (self.from.month() - 1) / 3 + 1);
        let mut chain = vec![self.label.clone()];
        for p in [quarter, year] {
            if !chain.contains(&p) {
                chain.push(p);
            }
        }
        chain
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct KpiRequest {
    /// `2026-10`, `2026-Q3` or `2026`.
    pub period: String,
    /// The lines wanted (default: the company alone).
    #[serde(default)]
    #[ts(optional)]
    pub by: Option<KpiGroupBy>,
}

/// Green: the goal is met; red: worse than the limit; amber: between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KpiRating {
    Green,
    Amber,
    Red,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KpiTargetView {
    /// The unit (none: the company).
    pub unit_id: Option<String>,
    /// The period the target was set for (the KPI's own, its quarter or its year).
    pub period: String,
    pub kpi: KpiCode,
    pub goal: f64,
    pub limit: f64,
}

impl KpiTargetView {
    pub fn rate(&self, value: f64) -> KpiRating {
        let (met, beyond) = if self.kpi.higher_is_better() {
            (value >= self.goal, value < self.limit)
        } else {
            (value <= self.goal, value > self.limit)
        };
        if met {
            KpiRating::Green
        } else if beyond {
            KpiRating::Red
        } else {
            KpiRating::Amber
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KpiValue {
    pub kpi: KpiCode,
    /// None when there is nothing to measure (no case closed, no business volume…).
    pub value: Option<f64>,
    /// Cases counted (for a mean: the working days summed).
    pub numerator: Option<i64>,
    /// What they are counted against (cases, orders).
    pub denominator: Option<i64>,
    pub target: Option<KpiTargetView>,
    pub rating: Option<KpiRating>,
    /// The ledger filter of the cases counted.
    #[ts(type = "Record<string, unknown> | null")]
    pub cases: Option<serde_json::Value>,
    /// The ledger filter of the cases counted against (for a rate of cases).
    #[ts(type = "Record<string, unknown> | null")]
    pub base: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KpiLine {
    /// The unit's or handler's id; none for the whole scope, or for cases without one.
    pub key: Option<String>,
    pub name: Option<String>,
    /// Disputes received in the period.
    pub received: i64,
    /// Cases closed in the period.
    pub closed: i64,
    /// Orders in the period (none when a month has none recorded).
    pub orders: Option<i64>,
    pub values: Vec<KpiValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KpiResponse {
    pub period: crate::ops::stats::Period,
    pub label: String,
    pub by: KpiGroupBy,
    /// Everything in the actor's scope.
    pub total: KpiLine,
    /// One per branch, department, store or handler (none for `company`), the largest first.
    pub lines: Vec<KpiLine>,
}

/// Additive counts of one line.
#[derive(Debug, Clone, Default)]
struct Counts {
    received: i64,
    closed: i64,
    on_time: i64,
    with_feedback: i64,
    satisfied: i64,
    score_sum: i64,
    scored: i64,
    first_contact: i64,
    reopened: i64,
    overdue: i64,
    /// Handling time of each case closed, working days.
    days: Vec<i64>,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.received += o.received;
        self.closed += o.closed;
        self.on_time += o.on_time;
        self.with_feedback += o.with_feedback;
        self.satisfied += o.satisfied;
        self.score_sum += o.score_sum;
        self.scored += o.scored;
        self.first_contact += o.first_contact;
        self.reopened += o.reopened;
        self.overdue += o.overdue;
        self.days.extend_from_slice(&o.days);
    }
}

/// `a ÷ b` rounded to `places` decimals; none of nothing.
fn ratio(a: i64, b: i64, scale: f64, places: i32) -> Option<f64> {
    let unit = 10f64.powi(places);
    (b > 0).then(|| (a as f64 * scale / b as f64 * unit).round() / unit)
}

/// The median of working-day counts, one decimal (the mean of the middle two when even).
pub fn median(days: &mut [i64]) -> Option<f64> {
    if days.is_empty() {
        return None;
    }
    days.sort_unstable();
    let n = days.len();
    let m =
        if n % 2 == 1 { days[n / 2] as f64 } else { (days[n / 2 - 1] + days[n / 2]) as f64 / 2.0 };
    Some((m * 10.0).round() / 10.0)
}

/// SQL for the China day of a stored instant, as days since 1970-01-01: its Unix time moved by
/// the eight hours of China time and divided by a day's seconds. NULL when the text is no time.
fn china_day(column: &str) -> String {
    format!("(unixepoch({column}) + 28800) / 86400")
}

/// The date of a `china_day` number.
fn from_china_day(n: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(n))
}

fn invalid(field: &str, detail: &str) -> CoreError {
    CoreError::Validation(vec![FieldProblem {
        field: field.into(),
        rule: FieldRule::Invalid { detail: detail.into() },
    }])
}

/// Org units: id → (name, kind, parent).
async fn units(db: &Db) -> CoreResult<HashMap<String, (String, String, Option<String>)>> {
    let rows: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, kind, parent_id FROM org_units")
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().map(|(id, name, kind, parent)| (id, (name, kind, parent))).collect())
}

/// The nearest branch or subsidiary at or above a unit (none: headquarters).
fn branch_of(
    unit: Option<&str>,
    units: &HashMap<String, (String, String, Option<String>)>,
) -> Option<String> {
    let mut at = unit?;
    for _ in 0..64 {
        let (_, kind, parent) = units.get(at)?;
        if kind == "branch" || kind == "subsidiary" {
            return Some(at.to_owned());
        }
        at = parent.as_deref()?;
    }
    None
}

pub async fn summary(db: &Db, actor: &Actor, req: KpiRequest) -> CoreResult<KpiResponse> {
    actor.require(Permission::CaseView)?;
    let period = KpiPeriod::parse(&req.period)
        .ok_or_else(|| invalid("period", "YYYY, YYYY-Qn or YYYY-MM (2000–2100)"))?;
    let by = req.by.unwrap_or_default();
    let start = start_of(period.from);
    let end = start_of(period.to + chrono::Duration::days(1));
    let now = time::to_db(db.now());
    let units = units(db).await?;
    // A case's line: its key, mapped to its branch when by branch.
    let line_of = |key: Option<String>| -> Option<String> {
        match by {
            KpiGroupBy::Branch => branch_of(key.as_deref(), &units),
            _ => key,
        }
    };
    let mut lines: BTreeMap<Option<String>, Counts> = BTreeMap::new();
    // The cases of a line in the actor's scope, whose `status` test follows. Each query names
    // the statuses it counts: a merged case is none of them, and a test of `status` the partial
    // index it reads does not imply would send it to every case's row.
    let select = |what: &str, status: &str| {
        let mut qb =
            QueryBuilder::<Sqlite>::new(format!("SELECT {} AS g, {what} FROM cases c", by.key()));
        let scoped = push_scope(&mut qb, actor);
        qb.push(if scoped { " AND " } else { " WHERE " }).push(status);
        qb
    };

    // Received in the period: from the statistics' daily counts where they have the lines
    // (for those who see every case), else counted.
    let kept = match by {
        KpiGroupBy::Company => Some(StatsDimension::Status),
        KpiGroupBy::Department => Some(StatsDimension::Department),
        KpiGroupBy::Store => Some(StatsDimension::Store),
        KpiGroupBy::Branch | KpiGroupBy::Handler => None,
    }
    .filter(|_| crate::ops::stats::from_counts(actor));
    if let Some(dimension) = kept {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT key, SUM(n) FROM case_counts WHERE dimension = ? AND day BETWEEN ? AND ? \
             GROUP BY key",
        )
        .bind(crate::counts::code(dimension))
        .bind(period.from.to_string())
        .bind(period.to.to_string())
        .fetch_all(db.pool())
        .await?;
        for (key, n) in rows.into_iter().filter(|(_, n)| *n > 0) {
            let key = (by != KpiGroupBy::Company && !key.is_empty()).then_some(key);
            lines.entry(line_of(key)).or_default().received += n;
        }
    } else {
        let mut qb = select("COUNT(*)", "c.status <> 'merged'");
        qb.push(" AND c.received_at >= ").push_bind(start.clone());
        qb.push(" AND c.received_at < ").push_bind(end.clone()).push(" GROUP BY g");
        for row in qb.build().fetch_all(db.pool()).await? {
            lines.entry(line_of(row.get(0))).or_default().received += row.get::<i64, _>(1);
        }
    }

    // Deadlines in the period, missed: closed after them, or still running past them; each
    // set counted from its own partial index (migration 0015).
    for missed in [CLOSED_LATE, crate::ops::cases::RUNNING] {
        let mut qb = select("COUNT(*)", missed);
        qb.push(" AND c.due_at >= ").push_bind(start.clone());
        qb.push(" AND c.due_at < ").push_bind(end.clone());
        qb.push(" AND c.due_at < ").push_bind(now.clone()).push(" GROUP BY g");
        for row in qb.build().fetch_all(db.pool()).await? {
            lines.entry(line_of(row.get(0))).or_default().overdue += row.get::<i64, _>(1);
        }
    }

    // Each case closed in the period, once: its flags (computed in SQL) summed per line, and
    // its handling time in working days, less the days its clock stood still.
    // Every column read here is in the partial index `cases_closed_kpi` (migration 0031). The
    // instants are read as China days (`china_day`): handling time counts days, not hours, and
    // a number is cheaper to hand over and look up than a text to parse, 180,000 times a year.
    let mut qb = select(
        &format!(
            "{}, {}, c.paused_working_days, c.closed_at <= c.due_at, \
             c.satisfaction IS NOT NULL, c.satisfaction IN ('satisfied', 'fairly_satisfied'), \
             c.score, {FIRST_CONTACT}, c.reopen_count > 0",
            china_day("c.received_at"),
            china_day("c.closed_at"),
        ),
        "c.status = 'closed'",
    );
    qb.push(" AND c.closed_at >= ").push_bind(start.clone());
    qb.push(" AND c.closed_at < ").push_bind(end.clone());
    let rows = qb.build().fetch_all(db.pool()).await?;
    if !rows.is_empty() {
        let mut conn = db.pool().acquire().await?;
        let calendar = crate::calendar::Calendar::load(&mut conn).await?;
        let day = |row: &sqlx::sqlite::SqliteRow, i: usize| {
            row.get::<Option<i64>, _>(i).and_then(from_china_day)
        };
        let first = rows.iter().filter_map(|r| day(r, 1)).min().unwrap_or(period.from);
        let index = calendar.index(first.min(period.from), period.to + chrono::Duration::days(1));
        for row in &rows {
            let flag = |i: usize| i64::from(row.get::<Option<bool>, _>(i).unwrap_or(false));
            let c = lines.entry(line_of(row.get(0))).or_default();
            c.closed += 1;
            c.on_time += flag(4);
            c.with_feedback += flag(5);
            c.satisfied += flag(6);
            if let Some(score) = row.get::<Option<i64>, _>(7) {
                c.score_sum += score;
                c.scored += 1;
            }
            c.first_contact += flag(8);
            c.reopened += flag(9);
            let (Some(received), Some(closed)) = (day(row, 1), day(row, 2)) else {
                continue;
            };
            let days = index
                .between_dates(received, closed)
                .unwrap_or_else(|| calendar.working_days_between_dates(received, closed));
            let paused: i64 = row.get(3);
            c.days.push((days - paused).max(0));
        }
    }

    // Orders per line, and whether every month of the period has them.
    let months = period.months();
    let mut volume: HashMap<Option<String>, (i64, BTreeSet<String>)> = HashMap::new();
    let mut all: (i64, BTreeSet<String>) = (0, BTreeSet::new());
    if by != KpiGroupBy::Handler {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT unit_id, month, orders FROM business_volume WHERE month >= ? AND month <= ?",
        )
        .bind(months.first())
        .bind(months.last())
        .fetch_all(db.pool())
        .await?;
        for (unit, month, orders) in rows {
            let key = match by {
                KpiGroupBy::Company => None,
                KpiGroupBy::Branch => branch_of(Some(&unit), &units),
                _ => Some(unit.clone()),
            };
            let v = volume.entry(key).or_default();
            v.0 += orders;
            v.1.insert(month.clone());
            all.0 += orders;
            all.1.insert(month);
        }
    }
    let complete = |v: Option<&(i64, BTreeSet<String>)>| -> Option<i64> {
        v.filter(|(_, m)| m.len() == months.len()).map(|(n, _)| *n)
    };

    // Targets: per unit ('' the company) and KPI, the nearest period first.
    let chain = period.target_chain();
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT unit_id, period, kpi, goal, lim FROM kpi_targets WHERE period IN (",
    );
    let mut sep = qb.separated(", ");
    for p in &chain {
        sep.push_bind(p.clone());
    }
    qb.push(")");
    let mut targets: HashMap<(String, KpiCode), KpiTargetView> = HashMap::new();
    let found: Vec<(String, String, String, f64, f64)> =
        qb.build_query_as().fetch_all(db.pool()).await?;
    for (unit, p, kpi, goal, limit) in found {
        let Some(kpi) = KpiCode::from_code(&kpi) else { continue };
        let rank = |p: &str| chain.iter().position(|c| c == p).unwrap_or(usize::MAX);
        let view = KpiTargetView {
            unit_id: (!unit.is_empty()).then(|| unit.clone()),
            period: p.clone(),
            kpi,
            goal,
            limit,
        };
        match targets.get(&(unit.clone(), kpi)) {
            Some(old) if rank(&old.period) <= rank(&p) => {}
            _ => {
                targets.insert((unit, kpi), view);
            }
        }
    }

    let filter = |key: Option<&str>, grouped: bool| {
        let mut f = CasesListRequest { exclude_merged: Some(true), ..CasesListRequest::default() };
        if grouped {
            by.narrow(&mut f, key);
        }
        f
    };
    let build = |key: Option<String>, counts: &mut Counts, grouped: bool| -> CoreResult<KpiLine> {
        let (from, to) = (period.from.to_string(), period.to.to_string());
        let received = CasesListRequest {
            received_from: Some(from.clone()),
            received_to: Some(to.clone()),
            ..filter(key.as_deref(), grouped)
        };
        let closed = CasesListRequest {
            statuses: Some(vec![crate::domain::case::CaseStatus::Closed]),
            closed_from: Some(from.clone()),
            closed_to: Some(to.clone()),
            ..filter(key.as_deref(), grouped)
        };
        let with = |f: &dyn Fn(&mut CasesListRequest)| {
            let mut c = closed.clone();
            f(&mut c);
            json(&c)
        };
        use crate::domain::case::Satisfaction;
        let orders = match (grouped, by) {
            (_, KpiGroupBy::Handler) => None,
            (true, _) => complete(volume.get(&key)),
            (false, _) => complete(Some(&all)),
        }
        // The whole company's rate only for those who see the whole company.
        .filter(|_| grouped || actor.grant.case_scope == CaseScope::All);
        let target_unit = if grouped {
            key.clone()
        } else if actor.grant.case_scope == CaseScope::All {
            Some(String::new())
        } else {
            actor.unit_id.clone()
        };
        let mut values = Vec::with_capacity(KpiCode::ALL.len());
        for kpi in KpiCode::ALL {
            let (value, numerator, denominator, cases, base) = match kpi {
                KpiCode::ComplaintRate => (
                    orders.and_then(|o| ratio(counts.received, o, 10_000.0, 2)),
                    Some(counts.received),
                    orders,
                    Some(json(&received)?),
                    None,
                ),
                KpiCode::OnTimeRate => (
                    ratio(counts.on_time, counts.closed, 100.0, 1),
                    Some(counts.on_time),
                    Some(counts.closed),
                    Some(with(&|c| c.closed_on_time = Some(true))?),
                    Some(json(&closed)?),
                ),
                KpiCode::SatisfactionRate => (
                    ratio(counts.satisfied, counts.with_feedback, 100.0, 1),
                    Some(counts.satisfied),
                    Some(counts.with_feedback),
                    Some(with(&|c| {
                        c.satisfactions =
                            Some(vec![Satisfaction::Satisfied, Satisfaction::FairlySatisfied])
                    })?),
                    Some(with(&|c| c.satisfactions = Some(Satisfaction::ALL.to_vec()))?),
                ),
                KpiCode::MeanScore => (
                    ratio(counts.score_sum, counts.scored, 1.0, 2),
                    Some(counts.score_sum),
                    Some(counts.scored),
                    Some(with(&|c| c.satisfactions = Some(Satisfaction::ALL.to_vec()))?),
                    None,
                ),
                KpiCode::FirstContactRate => (
                    ratio(counts.first_contact, counts.closed, 100.0, 1),
                    Some(counts.first_contact),
                    Some(counts.closed),
                    Some(with(&|c| c.first_contact = Some(true))?),
                    Some(json(&closed)?),
                ),
                KpiCode::MeanHandlingDays => {
                    let sum: i64 = counts.days.iter().sum();
                    let n = counts.days.len() as i64;
                    (ratio(sum, n, 1.0, 1), Some(sum), Some(n), Some(json(&closed)?), None)
                }
                KpiCode::MedianHandlingDays => (
                    median(&mut counts.days),
                    None,
                    Some(counts.days.len() as i64),
                    Some(json(&closed)?),
                    None,
                ),
                KpiCode::ReopenRate => (
                    ratio(counts.reopened, counts.closed, 100.0, 1),
                    Some(counts.reopened),
                    Some(counts.closed),
                    Some(with(&|c| c.reopened = Some(true))?),
                    Some(json(&closed)?),
                ),
                KpiCode::Overdue => {
                    let late = CasesListRequest {
                        due_from: Some(from.clone()),
                        due_to: Some(to.clone()),
                        missed_deadline: Some(true),
                        ..filter(key.as_deref(), grouped)
                    };
                    (
                        Some(counts.overdue as f64),
                        Some(counts.overdue),
                        None,
                        Some(json(&late)?),
                        None,
                    )
                }
            };
            let target = target_unit.as_ref().and_then(|u| targets.get(&(u.clone(), kpi))).cloned();
            let rating = match (&target, value) {
                (Some(t), Some(v)) => Some(t.rate(v)),
                _ => None,
            };
            values.push(KpiValue {
                kpi,
                value,
                numerator,
                denominator,
                target,
                rating,
                cases,
                base,
            });
        }
        let name = match (grouped, by) {
            (true, KpiGroupBy::Handler) => None,
            (true, _) => key.as_ref().and_then(|k| units.get(k)).map(|(n, _, _)| n.clone()),
            _ => None,
        };
        Ok(KpiLine { key, name, received: counts.received, closed: counts.closed, orders, values })
    };

    let mut total = Counts::default();
    for c in lines.values() {
        total.add(c);
    }
    let total = build(None, &mut total, false)?;
    let mut out = Vec::new();
    if by != KpiGroupBy::Company {
        let handler_names: HashMap<String, String> = if by == KpiGroupBy::Handler {
            sqlx::query_as("SELECT id, display_name FROM accounts")
                .fetch_all(db.pool())
                .await?
                .into_iter()
                .collect()
        } else {
            HashMap::new()
        };
        for (key, mut counts) in lines {
            let mut line = build(key, &mut counts, true)?;
            if by == KpiGroupBy::Handler {
                line.name = line.key.as_ref().and_then(|k| handler_names.get(k)).cloned();
            }
            out.push(line);
        }
        out.sort_by(|a, b| {
            (b.received + b.closed).cmp(&(a.received + a.closed)).then_with(|| a.key.cmp(&b.key))
        });
    }
    Ok(KpiResponse {
        period: crate::ops::stats::Period {
            from: period.from.to_string(),
            to: period.to.to_string(),
        },
        label: period.label,
        by,
        total,
        lines: out,
    })
}

// ----- targets -----------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct KpiTargetsRequest {
    /// Targets for this period and those it falls in (its quarter, its year); none: every one.
    #[serde(default)]
    #[ts(optional)]
    pub period: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct KpiTargetRow {
    /// The unit or, when `staff`, the staff member's account.
    pub unit_id: Option<String>,
    /// The target is a staff member's.
    pub staff: bool,
    pub unit_name: Option<String>,
    pub period: String,
    pub kpi: KpiCode,
    pub goal: f64,
    pub limit: f64,
    pub updated_by: String,
}

pub async fn targets(
    db: &Db,
    actor: &Actor,
    req: KpiTargetsRequest,
) -> CoreResult<Vec<KpiTargetRow>> {
    actor.require(Permission::CaseView)?;
    let chain = match req.period.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(p) => Some(
            KpiPeriod::parse(p)
                .ok_or_else(|| invalid("period", "YYYY, YYYY-Qn or YYYY-MM"))?
                .target_chain(),
        ),
        None => None,
    };
    let rows: Vec<(String, String, String, f64, f64, String)> = sqlx::query_as(
        "SELECT t.unit_id, t.period, t.kpi, t.goal, t.lim, COALESCE(a.display_name, t.updated_by) \
         FROM kpi_targets t LEFT JOIN accounts a ON a.id = t.updated_by \
         ORDER BY t.period DESC, t.unit_id, t.kpi",
    )
    .fetch_all(db.pool())
    .await?;
    let units = units(db).await?;
    let staff: HashMap<String, String> = sqlx::query_as("SELECT id, display_name FROM accounts")
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter(|r| chain.as_ref().is_none_or(|c| c.contains(&r.1)))
        .filter_map(|(unit, period, kpi, goal, limit, by)| {
            Some(KpiTargetRow {
                staff: staff.contains_key(&unit),
                unit_name: units
                    .get(&unit)
                    .map(|(n, _, _)| n.clone())
                    .or_else(|| staff.get(&unit).cloned()),
                unit_id: (!unit.is_empty()).then_some(unit),
                period,
                kpi: KpiCode::from_code(&kpi)?,
                goal,
                limit,
                updated_by: by,
            })
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct KpiTargetSetRequest {
    /// The unit (a branch, department or store) or a staff member's account; none: the
    /// company.
    #[serde(default)]
    #[ts(optional)]
    pub unit_id: Option<String>,
    /// `2026`, `2026-Q3` or `2026-10`.
    pub period: String,
    pub kpi: KpiCode,
    /// The goal (green when met) and the limit (red when worse); both none: remove the target.
    #[serde(default)]
    #[ts(optional)]
    pub goal: Option<f64>,
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<f64>,
}

pub async fn target_set(
    db: &Db,
    actor: &Actor,
    req: KpiTargetSetRequest,
) -> CoreResult<Vec<KpiTargetRow>> {
    actor.require(Permission::KpiManage)?;
    let mut problems = Vec::new();
    let period = KpiPeriod::parse(&req.period);
    if period.is_none() {
        problems.push(FieldProblem {
            field: "period".into(),
            rule: FieldRule::Invalid { detail: "YYYY, YYYY-Qn or YYYY-MM".into() },
        });
    }
    let unit = req.unit_id.as_deref().map(str::trim).filter(|u| !u.is_empty());
    if let Some(unit) = unit {
        // A unit, or a staff member's account (the handler lines of a scorecard).
        let known: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM org_units WHERE id = ?1) \
             + (SELECT COUNT(*) FROM accounts WHERE id = ?1)",
        )
        .bind(unit)
        .fetch_one(db.pool())
        .await?;
        if known == 0 {
            problems.push(FieldProblem {
                field: "unit_id".into(),
                rule: FieldRule::UnknownValue { value: unit.to_owned() },
            });
        }
    }
    let (lo, hi) = req.kpi.range();
    let mut check = |field: &str, v: Option<f64>| {
        if let Some(v) = v {
            if !v.is_finite() || v < lo || v > hi {
                problems.push(FieldProblem {
                    field: field.into(),
                    rule: FieldRule::OutOfRange { min: lo as i64, max: hi as i64 },
                });
                return false;
            }
        }
        true
    };
    let goal_ok = check("goal", req.goal);
    let limit_ok = check("limit", req.limit);
    match (req.goal, req.limit) {
        (Some(goal), Some(limit)) if goal_ok && limit_ok => {
            let ordered = if req.kpi.higher_is_better() { limit <= goal } else { limit >= goal };
            if !ordered {
                let detail =
                    if req.kpi.higher_is_better() { "limit <= goal" } else { "limit >= goal" };
                problems.push(FieldProblem {
                    field: "limit".into(),
                    rule: FieldRule::Invalid { detail: detail.into() },
                });
            }
        }
        (Some(_), None) => {
            problems.push(FieldProblem { field: "limit".into(), rule: FieldRule::Required })
        }
        (None, Some(_)) => {
            problems.push(FieldProblem { field: "goal".into(), rule: FieldRule::Required })
        }
        _ => {}
    }
    crate::error::ensure_valid(problems)?;
    let period = period.ok_or_else(|| CoreError::Internal("checked period".into()))?;
    let body = EventBody::KpiTargetSet(KpiTargetSet {
        unit_id: unit.map(str::to_owned),
        period: period.label.clone(),
        kpi: req.kpi.code().to_owned(),
        goal: req.goal,
        limit: req.limit,
    });
    event_log::append_alone(db, actor, body).await?;
    targets(db, actor, KpiTargetsRequest { period: Some(period.label) }).await
}

// ----- business volume ---------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct VolumeListRequest {
    /// The year whose months are listed.
    pub year: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct VolumeRow {
    pub unit_id: String,
    pub unit_code: String,
    pub unit_name: String,
    pub month: String,
    pub orders: i64,
    pub sales_fen: Option<i64>,
}

pub async fn volume_list(
    db: &Db,
    actor: &Actor,
    req: VolumeListRequest,
) -> CoreResult<Vec<VolumeRow>> {
    actor.require(Permission::CaseView)?;
    if !(2000..=2100).contains(&req.year) {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "year".into(),
            rule: FieldRule::OutOfRange { min: 2000, max: 2100 },
        }]));
    }
    let rows: Vec<(String, String, String, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT v.unit_id, u.code, u.name, v.month, v.orders, v.sales_fen FROM business_volume v \
         JOIN org_units u ON u.id = v.unit_id WHERE v.month LIKE ? ORDER BY u.code, v.month",
    )
    .bind(format!("{:04}-%", req.year))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(unit_id, unit_code, unit_name, month, orders, sales_fen)| VolumeRow {
            unit_id,
            unit_code,
            unit_name,
            month,
            orders,
            sales_fen,
        })
        .collect())
}

/// One entry as a person types it: the unit by id or by code.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct VolumeInput {
    /// The unit's id or its code.
    pub unit: String,
    /// `YYYY-MM`.
    pub month: String,
    pub orders: i64,
    /// Sales in fen.
    #[serde(default)]
    #[ts(optional)]
    pub sales_fen: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct VolumeSetRequest {
    pub entries: Vec<VolumeInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct VolumeImportRequest {
    /// CSV text: `unit,month,orders[,sales]` with a header line; the unit by code or id,
    /// sales in yuan (`12345.67`).
    pub text: String,
    /// The file's name, recorded as the source.
    #[serde(default)]
    #[ts(optional)]
    pub file_name: Option<String>,
    /// Check only: nothing saved.
    #[serde(default)]
    #[ts(optional)]
    pub dry_run: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct VolumeSaved {
    pub entries: usize,
    pub months: Vec<String>,
    pub dry_run: bool,
}

/// Entries one edit or import may hold.
pub const MAX_VOLUME_ENTRIES: usize = 20_000;

/// Checks entries, each named by its field (`entries[0]`, `text[3]` for line 3 of a file).
async fn checked_entries(
    db: &Db,
    field: &str,
    inputs: Vec<(String, VolumeInput)>,
) -> CoreResult<Vec<VolumeEntry>> {
    let units = units(db).await?;
    let codes: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT code, id FROM org_units")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
    let mut problems = Vec::new();
    if inputs.is_empty() {
        problems.push(FieldProblem { field: field.into(), rule: FieldRule::Required });
    }
    if inputs.len() > MAX_VOLUME_ENTRIES {
        problems.push(FieldProblem {
            field: field.into(),
            rule: FieldRule::OutOfRange { min: 1, max: MAX_VOLUME_ENTRIES as i64 },
        });
    }
    let mut out: BTreeMap<(String, String), VolumeEntry> = BTreeMap::new();
    for (entry, input) in inputs {
        let at = |name: &str| format!("{entry}.{name}");
        let unit = input.unit.trim();
        let unit_id =
            if units.contains_key(unit) { Some(unit.to_owned()) } else { codes.get(unit).cloned() };
        if unit_id.is_none() {
            problems.push(FieldProblem {
                field: at("unit"),
                rule: if unit.is_empty() {
                    FieldRule::Required
                } else {
                    FieldRule::UnknownValue { value: unit.to_owned() }
                },
            });
        }
        let month =
            KpiPeriod::parse(input.month.trim()).filter(|p| p.label.len() == 7).map(|p| p.label);
        if month.is_none() {
            problems.push(FieldProblem {
                field: at("month"),
                rule: FieldRule::Invalid { detail: "YYYY-MM".into() },
            });
        }
        if !(0..=1_000_000_000_000).contains(&input.orders) {
            problems.push(FieldProblem {
                field: at("orders"),
                rule: FieldRule::OutOfRange { min: 0, max: 1_000_000_000_000 },
            });
        }
        if input.sales_fen.is_some_and(|s| !(0..=i64::MAX / 4).contains(&s)) {
            problems.push(FieldProblem {
                field: at("sales_fen"),
                rule: FieldRule::OutOfRange { min: 0, max: i64::MAX / 4 },
            });
        }
        if let (Some(unit_id), Some(month)) = (unit_id, month) {
            let entry = VolumeEntry {
                unit_id: unit_id.clone(),
                month: month.clone(),
                orders: input.orders,
                sales_fen: input.sales_fen,
            };
            if out.insert((unit_id, month), entry).is_some() {
                problems.push(FieldProblem { field: at("month"), rule: FieldRule::Taken });
            }
        }
    }
    crate::error::ensure_valid(problems)?;
    Ok(out.into_values().collect())
}

async fn record(
    db: &Db,
    actor: &Actor,
    entries: Vec<VolumeEntry>,
    source: String,
    dry_run: bool,
) -> CoreResult<VolumeSaved> {
    let mut months: Vec<String> = entries.iter().map(|e| e.month.clone()).collect();
    months.sort();
    months.dedup();
    let saved = VolumeSaved { entries: entries.len(), months, dry_run };
    if !dry_run {
        let body = EventBody::VolumeRecorded(VolumeRecorded { entries, source });
        event_log::append_alone(db, actor, body).await?;
    }
    Ok(saved)
}

pub async fn volume_set(db: &Db, actor: &Actor, req: VolumeSetRequest) -> CoreResult<VolumeSaved> {
    actor.require(Permission::KpiManage)?;
    let inputs = req.entries.into_iter().enumerate().map(|(i, e)| (format!("entries[{i}]"), e));
    let entries = checked_entries(db, "entries", inputs.collect()).await?;
    record(db, actor, entries, "edit".into(), false).await
}

/// Reads `unit,month,orders[,sales]` lines; the header line is recognised by its not being
/// data (its orders are not a number).
pub fn parse_volume_csv(text: &str) -> CoreResult<Vec<(String, VolumeInput)>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let text = text.trim_start_matches('\u{feff}');
    let tabs = text.lines().next().is_some_and(|l| l.contains('\t'));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if tabs { b'\t' } else { b',' })
        .from_reader(text.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| invalid("text", &e.to_string()))?;
        // The line the record is on, counted in the text: the reader's position is where it
        // began reading, before the blank lines it skips.
        let line = record.position().map_or(i + 1, |p| {
            let bytes = text.as_bytes();
            let mut start = usize::try_from(p.byte()).unwrap_or(usize::MAX).min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                start += 1;
            }
            bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
        });
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let at = |name: &str| format!("text[{line}].{name}");
        let orders = cells.get(2).map(|c| c.replace([',', '，'], ""));
        let Some(orders) = orders.as_deref().and_then(|o| o.parse::<i64>().ok()) else {
            if i == 0 {
                continue;
            }
            problems.push(FieldProblem {
                field: at("orders"),
                rule: FieldRule::Invalid { detail: "a whole number".into() },
            });
            continue;
        };
        let sales_fen = match cells.get(3).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => match crate::intake_rules::money(c) {
                Ok(fen) => Some(fen),
                Err(_) => {
                    problems.push(FieldProblem {
                        field: at("sales"),
                        rule: FieldRule::Invalid { detail: "yuan, e.g. 12345.67".into() },
                    });
                    None
                }
            },
        };
        out.push((
            format!("text[{line}]"),
            VolumeInput {
                unit: cells.first().copied().unwrap_or_default().to_owned(),
                month: cells.get(1).copied().unwrap_or_default().to_owned(),
                orders,
                sales_fen,
            },
        ));
    }
    crate::error::ensure_valid(problems)?;
    Ok(out)
}

pub async fn volume_import(
    db: &Db,
    actor: &Actor,
    req: VolumeImportRequest,
) -> CoreResult<VolumeSaved> {
    actor.require(Permission::KpiManage)?;
    let inputs = parse_volume_csv(&req.text)?;
    let entries = checked_entries(db, "text", inputs).await?;
    let source = req.file_name.unwrap_or_else(|| "import".into());
    record(db, actor, entries, source, req.dry_run.unwrap_or(false)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_months_quarters_or_years() {
        let q = KpiPeriod::parse("2026-Q3").expect("quarter");
        assert_eq!(
            (q.from.to_string(), q.to.to_string()),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        assert_eq!(q.target_chain(), vec!["2026-Q3", "2026"]);
        let m = KpiPeriod::parse("2024-2").expect("month");
        assert_eq!(m.label, "2024-02");
        assert_eq!(m.to.to_string(), "2024-02-29");
        assert_eq!(m.target_chain(), vec!["2024-02", "2024-Q1", "2024"]);
        assert_eq!(KpiPeriod::parse("2026").expect("year").months().len(), 12);
        for bad in ["2026-Q5", "2026-13", "1999", "26-10", "", "2026-Q"] {
            assert!(KpiPeriod::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn ratings_follow_the_direction_of_the_kpi() {
        let t = |kpi, goal, limit| KpiTargetView {
            unit_id: None,
            period: "2026".into(),
            kpi,
            goal,
            limit,
        };
        let on_time = t(KpiCode::OnTimeRate, 95.0, 90.0);
        assert_eq!(on_time.rate(95.0), KpiRating::Green);
        assert_eq!(on_time.rate(92.0), KpiRating::Amber);
        assert_eq!(on_time.rate(90.0), KpiRating::Amber);
        assert_eq!(on_time.rate(89.9), KpiRating::Red);
        let days = t(KpiCode::MeanHandlingDays, 5.0, 8.0);
        assert_eq!(days.rate(4.0), KpiRating::Green);
        assert_eq!(days.rate(8.0), KpiRating::Amber);
        assert_eq!(days.rate(8.5), KpiRating::Red);
    }

    #[tokio::test]
    async fn sqlite_reads_the_china_day_of_a_stored_instant_as_chrono_does() {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await.expect("memory");
        // Each side of China's midnight (16:00 UTC), a leap day, a year's turn, and no time.
        let instants = [
            "2025-03-01T15:59:59.999Z",
            "2025-03-01T16:00:00.000Z",
            "2024-02-28T16:30:00.000Z",
            "2025-12-31T15:59:00.000Z",
            "2025-12-31T16:00:00.000Z",
            "2026-06-15T03:07:00.000Z",
            "garbled",
        ];
        for text in instants {
            let n: Option<i64> = sqlx::query_scalar(&format!("SELECT {}", china_day("?")))
                .bind(text)
                .fetch_one(&mut conn)
                .await
                .expect("day");
            let expected =
                time::from_db(text).map(|t| t.with_timezone(&time::china()).date_naive());
            assert_eq!(n.and_then(from_china_day), expected, "{text}");
        }
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [4, 1, 3, 8]), Some(3.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn volume_csv_skips_its_header_and_names_bad_lines() {
        let rows = parse_volume_csv(
            "单位,月份,订单数,销售额\nHZ01,2026-10,\"12,000\",3456.78\n\nSH,2026-10,800,\n",
        )
        .expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, "text[2]");
        assert_eq!(rows[0].1.orders, 12_000);
        assert_eq!(rows[0].1.sales_fen, Some(345_678));
        assert_eq!(rows[1].0, "text[4]", "named by the line it is on");
        assert_eq!(rows[1].1.sales_fen, None);
        let Err(CoreError::Validation(p)) = parse_volume_csv("unit,month,orders\nHZ,2026-10,many")
        else {
            panic!("a bad number is refused");
        };
        assert_eq!(p[0].field, "text[2].orders");
    }
}
