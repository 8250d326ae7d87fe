//! `cases.*`: reading cases for the ledger and the case page.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::{CaseScope, Permission};
use crate::domain::case::{CaseStatus, ConsumerContact, Satisfaction, Severity};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log;
use crate::masking;
use crate::storage::Db;
use crate::time;

pub const MAX_PAGE: u32 = 500;

/// Above this many matches, a page is read by walking the sort column's index (see
/// [`LedgerFilter::push_with`]); at or below it, the matches are sorted.
const WALK_ORDER_ABOVE: i64 = 2_000;

/// A case still being handled.
/// A case that missed its deadline (with `AND c.due_at < now`): closed after it, or open with
/// its clock running (a paused clock is not late). Withdrawn and merged cases are neither.
pub(crate) const MISSED: &str = "((c.status = 'closed' AND c.closed_at > c.due_at) OR \
    (c.status NOT IN ('closed', 'withdrawn', 'merged') AND c.paused_at IS NULL))";

/// Settled in the intake sitting (a simple case is closed there) and never reopened.
pub(crate) const FIRST_CONTACT: &str =
    "c.status = 'closed' AND c.complexity = 'simple' AND c.reopen_count = 0";

/// The kinds of unit a case's branch is: the nearest of them above its store or department.
pub(crate) const BRANCH_KINDS: &str = "('branch', 'subsidiary')";
/// `WITH RECURSIVE u(id) AS (` start `UNION` the units below, not through another branch `)`
/// `SELECT id FROM u`: a branch's own units.
const BRANCH_UNITS: &str = "WITH RECURSIVE u(id) AS (";
const BRANCH_UNITS_STEP: &str = " UNION SELECT o.id FROM org_units o JOIN u ON o.parent_id = u.id \
    WHERE o.kind NOT IN ('branch', 'subsidiary')) SELECT id FROM u";

pub(crate) const OPEN: &str = "c.status NOT IN ('closed', 'withdrawn', 'merged')";

/// An open case whose deadline clock runs (not paused).
pub(crate) const RUNNING: &str =
    "c.status NOT IN ('closed', 'withdrawn', 'merged') AND c.paused_at IS NULL";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum CaseSortField {
    #[default]
    ReceivedAt,
    CaseNo,
    Status,
    Severity,
    DueAt,
    ProductName,
    Channel,
    Category,
    Handler,
}

impl CaseSortField {
    fn column(self) -> &'static str {
        match self {
            CaseSortField::ReceivedAt => "c.received_at",
            CaseSortField::CaseNo => "c.case_no",
            // By the workflow's order and by gravity, not by the codes' spelling.
            CaseSortField::Status => {
                "CASE c.status WHEN 'received' THEN 0 WHEN 'investigating' THEN 1 \
                 WHEN 'planning' THEN 2 WHEN 'negotiating' THEN 3 WHEN 'executing' THEN 4 \
                 WHEN 'feedback' THEN 5 WHEN 'closed' THEN 6 WHEN 'withdrawn' THEN 7 ELSE 8 END"
            }
            CaseSortField::Severity => {
                "CASE c.severity WHEN 'general' THEN 0 WHEN 'serious' THEN 1 \
                 WHEN 'major' THEN 2 ELSE 3 END"
            }
            CaseSortField::DueAt => "c.due_at",
            CaseSortField::ProductName => "c.product_name",
            CaseSortField::Channel => "c.channel",
            CaseSortField::Category => "c.category",
            CaseSortField::Handler => "c.handler",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct CasesListRequest {
    /// Rows to skip (default 0).
    #[ts(optional)]
    pub offset: Option<u32>,
    /// Rows to return, 1–500 (default 50).
    #[ts(optional)]
    pub limit: Option<u32>,
    #[ts(optional)]
    pub sort_by: Option<CaseSortField>,
    #[ts(optional)]
    pub sort_dir: Option<SortDirection>,
    /// Only cases in this status.
    #[ts(optional)]
    pub status: Option<CaseStatus>,
    /// `true`: only cases still being handled; `false`: only closed or withdrawn ones.
    #[ts(optional)]
    pub open: Option<bool>,
    /// `true`: only open cases past their deadline (a paused clock is not overdue); `false`:
    /// every case but those.
    #[ts(optional)]
    pub overdue: Option<bool>,
    /// `true`: only cases marked typical (典型案例) at closing, for internal bulletins.
    #[ts(optional)]
    pub typical: Option<bool>,
    /// Only cases in one of these statuses (with `status`, both must hold).
    #[ts(optional)]
    pub statuses: Option<Vec<CaseStatus>>,
    /// Only cases received through one of these channels (codes).
    #[ts(optional)]
    pub channels: Option<Vec<String>>,
    /// Only cases of one of these categories (codes).
    #[ts(optional)]
    pub categories: Option<Vec<String>>,
    #[ts(optional)]
    pub severities: Option<Vec<Severity>>,
    /// Only cases with one of these satisfaction answers.
    #[ts(optional)]
    pub satisfactions: Option<Vec<Satisfaction>>,
    /// Only cases of this department (id).
    #[ts(optional)]
    pub department_id: Option<String>,
    /// Only cases of this store or branch (id), or of the stores under this branch.
    #[ts(optional)]
    pub store_id: Option<String>,
    /// Only cases handled by this account (id); `""`: only cases nobody handles yet.
    #[ts(optional)]
    pub handler_id: Option<String>,
    /// Case numbers beginning with this text.
    #[ts(optional)]
    pub case_no: Option<String>,
    /// Product names beginning with this text.
    #[ts(optional)]
    pub product: Option<String>,
    /// Received on or after this day (`YYYY-MM-DD`, China time).
    #[ts(optional)]
    pub received_from: Option<String>,
    /// Received on or before this day (`YYYY-MM-DD`, China time).
    #[ts(optional)]
    pub received_to: Option<String>,
    /// Due on or after this day (`YYYY-MM-DD`, China time).
    #[ts(optional)]
    pub due_from: Option<String>,
    /// Due on or before this day (`YYYY-MM-DD`, China time).
    #[ts(optional)]
    pub due_to: Option<String>,
    /// Only cases imported in this import batch.
    #[ts(optional)]
    pub import_batch: Option<String>,
    /// Exact values, as the statistics count them (a click on a figure lists its cases); `""`
    /// in a list stands for "not recorded". Departments (ids):
    #[ts(optional)]
    pub department_ids: Option<Vec<String>>,
    /// Stores or branches where the case was received (ids, the branch alone).
    #[ts(optional)]
    pub store_ids: Option<Vec<String>>,
    /// Product names, whole.
    #[ts(optional)]
    pub products: Option<Vec<String>>,
    /// Root causes recorded at closing (codes).
    #[ts(optional)]
    pub root_causes: Option<Vec<String>>,
    /// `true`: leave out cases merged into another (they are the same dispute).
    #[ts(optional)]
    pub exclude_merged: Option<bool>,
    /// Closed on or after this day (`YYYY-MM-DD`, China time).
    #[ts(optional)]
    pub closed_from: Option<String>,
    /// Closed on or before this day.
    #[ts(optional)]
    pub closed_to: Option<String>,
    /// `true`: closed by their deadline; `false`: closed after it (cases without a deadline
    /// are neither).
    #[ts(optional)]
    pub closed_on_time: Option<bool>,
    /// `true`: cases that missed their deadline: closed after it, or still open with the clock
    /// running past it; `false`: every other case.
    #[ts(optional)]
    pub missed_deadline: Option<bool>,
    /// `true`: reopened at least once because the consumer was not satisfied; `false`: never.
    #[ts(optional)]
    pub reopened: Option<bool>,
    /// `true`: settled in the intake sitting and never reopened (first-contact resolution).
    #[ts(optional)]
    pub first_contact: Option<bool>,
    /// Cases of this branch or subsidiary: their store's (or, without a store, their
    /// department's) nearest branch or subsidiary is this one; `""`: cases of no branch
    /// (headquarters).
    #[ts(optional)]
    pub branch_id: Option<String>,
    /// Exactly these cases (a compliance check's or an inspection's findings; at most 5,000).
    #[ts(optional)]
    pub case_ids: Option<Vec<String>>,
}

/// One line of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseRow {
    pub id: String,
    pub case_no: String,
    pub received_at: String,
    pub channel: String,
    pub consumer_name: String,
    pub product_name: String,
    pub category: String,
    pub severity: Severity,
    pub department: Option<String>,
    pub store: Option<String>,
    pub status: CaseStatus,
    pub handler: Option<String>,
    pub due_at: Option<String>,
    pub overdue: bool,
    /// Due within the next 24 hours and not yet overdue.
    pub at_risk: bool,
    /// Why the deadline clock stands still, while it does.
    pub paused_reason: Option<String>,
    /// While the consumer has not been told the complaint was received: by when they must be.
    pub ack_due_at: Option<String>,
    /// That time has passed.
    pub ack_overdue: bool,
    pub satisfaction: Option<Satisfaction>,
    pub result: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CasesListResponse {
    /// How many cases match, over all pages.
    pub total: i64,
    pub offset: u32,
    pub items: Vec<CaseRow>,
}

pub const ROW_COLUMNS: &str = "c.id, c.case_no, c.received_at, c.channel, p.name, c.product_name, \
    c.category, c.severity, d.name, s.name, c.status, c.handler, c.due_at, c.satisfaction, c.result, \
    c.handler_id, c.received_by_id, c.pause_reason, c.ack_due_at, c.acknowledged_at";

pub const ROW_JOINS: &str = " FROM cases c JOIN consumers p ON p.id = c.consumer_id \
    LEFT JOIN org_units d ON d.id = c.department_id LEFT JOIN org_units s ON s.id = c.store_id";

pub(crate) fn case_row(row: &sqlx::sqlite::SqliteRow, now: &str) -> CoreResult<CaseRow> {
    fn code<T>(value: String, parse: fn(&str) -> Option<T>) -> CoreResult<T> {
        parse(&value).ok_or_else(|| CoreError::Internal(format!("unknown code {value} in cases")))
    }
    let status = code(row.get(10), CaseStatus::from_code)?;
    let due_at: Option<String> = row.get(12);
    let satisfaction: Option<String> = row.get(13);
    let paused_reason: Option<String> = row.get(17);
    let acknowledged_at: Option<String> = row.get(19);
    let ack_due_at: Option<String> = row
        .get::<Option<String>, _>(18)
        .filter(|_| acknowledged_at.is_none() && !status.is_finished());
    // The deadline clock runs for open cases that are not waiting.
    let running = !status.is_finished() && paused_reason.is_none();
    let soon = chrono::DateTime::parse_from_rfc3339(now)
        .map(|t| time::to_db((t + chrono::Duration::hours(24)).with_timezone(&Utc)))
        .unwrap_or_default();
    Ok(CaseRow {
        id: row.get(0),
        case_no: row.get(1),
        received_at: row.get(2),
        channel: row.get(3),
        consumer_name: row.get(4),
        product_name: row.get(5),
        category: row.get(6),
        severity: code(row.get(7), Severity::from_code)?,
        department: row.get(8),
        store: row.get(9),
        overdue: running && due_at.as_deref().is_some_and(|d| d < now),
        at_risk: running && due_at.as_deref().is_some_and(|d| d >= now && d < soon.as_str()),
        paused_reason,
        ack_overdue: ack_due_at.as_deref().is_some_and(|d| d < now),
        ack_due_at,
        status,
        handler: row.get(11),
        due_at,
        satisfaction: satisfaction.map(|s| code(s, Satisfaction::from_code)).transpose()?,
        result: row.get(14),
    })
}

/// The ledger's order: the chosen column, then the row id so that paging is stable.
pub(crate) fn order_by(req: &CasesListRequest) -> String {
    let dir = match req.sort_dir.unwrap_or_default() {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    let field = req.sort_by.unwrap_or_default();
    let column = field.column();
    // The natural order of an index (nulls first ascending, last descending) lets the index
    // deliver the rows in order; only the handler, often missing, puts the missing ones last.
    let nulls = if field == CaseSortField::Handler { " NULLS LAST" } else { "" };
    // The row id breaks ties: every index ends with it, so the index of the sort column
    // delivers whole pages in order without sorting the ties (a status or a channel shared by
    // a hundred thousand cases).
    format!(" ORDER BY {column} {dir}{nulls}, c.rowid {dir}")
}

/// The most cases a ledger filter may name one by one.
pub const MAX_CASE_IDS: usize = 5_000;

pub async fn list(db: &Db, actor: &Actor, req: CasesListRequest) -> CoreResult<CasesListResponse> {
    actor.require(Permission::CaseView)?;
    let limit = req.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "limit".into(),
            rule: FieldRule::OutOfRange { min: 1, max: i64::from(MAX_PAGE) },
        }]));
    }
    let offset = req.offset.unwrap_or(0);
    let now = time::to_db(db.now());
    let filter = LedgerFilter::check(&req, &now)?;
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c");
    filter.push(&mut count, actor);
    let total: i64 = count.build_query_scalar().fetch_one(db.pool()).await?;

    let mut page = QueryBuilder::<Sqlite>::new(format!("SELECT {ROW_COLUMNS}{ROW_JOINS}"));
    let walk = (total > WALK_ORDER_ABOVE).then(|| req.sort_by.unwrap_or_default());
    filter.push_with(&mut page, actor, walk);
    page.push(order_by(&req))
        .push(" LIMIT ")
        .push_bind(i64::from(limit))
        .push(" OFFSET ")
        .push_bind(i64::from(offset));
    let rows = page.build().fetch_all(db.pool()).await?;
    let items = rows
        .iter()
        .map(|r| case_row(r, &now).map(|row| mask_row(row, actor, r)))
        .collect::<CoreResult<_>>()?;
    Ok(CasesListResponse { total, offset, items })
}

/// The ledger's filters, checked: dates turned into instants, codes into text.
pub(crate) struct LedgerFilter<'r> {
    req: &'r CasesListRequest,
    now: String,
    received: (Option<String>, Option<String>),
    due: (Option<String>, Option<String>),
    closed: (Option<String>, Option<String>),
}

/// The first instant of a China-time day (`YYYY-MM-DD`), and of the day after it.
fn day_bounds(field: &str, day: &str) -> Result<(String, String), FieldProblem> {
    let date =
        chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").map_err(|_| FieldProblem {
            field: field.into(),
            rule: FieldRule::Invalid { detail: "YYYY-MM-DD".into() },
        })?;
    let start = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(time::china()).single())
            .map(|t| time::to_db(t.with_timezone(&Utc)))
            .unwrap_or_default()
    };
    Ok((start(date), start(date + chrono::Duration::days(1))))
}

/// Text beginning with `prefix`: a range over the index, not a scan.
pub(crate) fn push_prefix(qb: &mut QueryBuilder<'_, Sqlite>, column: &str, prefix: &str) {
    qb.push(format!("{column} >= ")).push_bind(prefix.to_owned());
    qb.push(format!(" AND {column} < ")).push_bind(format!("{prefix}\u{10FFFF}"));
}

impl<'r> LedgerFilter<'r> {
    pub(crate) fn check(req: &'r CasesListRequest, now: &str) -> CoreResult<Self> {
        let mut problems = Vec::new();
        let mut range = |from: &Option<String>, to: &Option<String>, names: (&str, &str)| {
            let mut bounds = (None, None);
            if let Some(day) = from.as_deref().filter(|d| !d.trim().is_empty()) {
                match day_bounds(names.0, day) {
                    Ok((start, _)) => bounds.0 = Some(start),
                    Err(p) => problems.push(p),
                }
            }
            if let Some(day) = to.as_deref().filter(|d| !d.trim().is_empty()) {
                match day_bounds(names.1, day) {
                    Ok((_, next)) => bounds.1 = Some(next),
                    Err(p) => problems.push(p),
                }
            }
            bounds
        };
        let received =
            range(&req.received_from, &req.received_to, ("received_from", "received_to"));
        let due = range(&req.due_from, &req.due_to, ("due_from", "due_to"));
        let closed = range(&req.closed_from, &req.closed_to, ("closed_from", "closed_to"));
        if req.case_ids.as_ref().is_some_and(|ids| ids.len() > MAX_CASE_IDS) {
            problems.push(FieldProblem {
                field: "case_ids".into(),
                rule: FieldRule::OutOfRange { min: 0, max: MAX_CASE_IDS as i64 },
            });
        }
        crate::error::ensure_valid(problems)?;
        Ok(LedgerFilter { req, now: now.to_owned(), received, due, closed })
    }

    /// Appends the `WHERE` clause: the actor's scope, then every filter given.
    ///
    /// With `walk_order`, the filters other than on the sort column are written so that SQLite
    /// cannot use their indexes (`+c.column`): it then walks the sort column's index and stops
    /// at the page, instead of sorting every match. The caller asks for it when the filtered set
    /// is large (counted first); for a small set, sorting the matches is the cheaper plan.
    pub(crate) fn push(&self, qb: &mut QueryBuilder<'_, Sqlite>, actor: &Actor) {
        self.push_with(qb, actor, None);
    }

    pub(crate) fn push_with(
        &self,
        qb: &mut QueryBuilder<'_, Sqlite>,
        actor: &Actor,
        walk_order: Option<CaseSortField>,
    ) {
        let req = self.req;
        let sorted = walk_order.map(|f| f.column());
        // A filter column: plain, or hidden from the planner's index choice.
        let col = |name: &'static str| -> String {
            match sorted {
                Some(s) if s != name => format!("+{name}"),
                _ => name.to_owned(),
            }
        };
        let now = self.now.clone();
        let mut clause = if push_scope(qb, actor) { " AND " } else { " WHERE " };
        let mut and = |qb: &mut QueryBuilder<'_, Sqlite>| {
            qb.push(clause);
            clause = " AND ";
        };
        fn any_of<T: Clone + Send + 'static>(
            qb: &mut QueryBuilder<'_, Sqlite>,
            column: &str,
            values: &[T],
            code: fn(&T) -> String,
        ) {
            qb.push(format!("{column} IN ("));
            let mut list = qb.separated(", ");
            for v in values {
                list.push_bind(code(v));
            }
            list.push_unseparated(")");
        }
        if let Some(status) = req.status {
            and(qb);
            qb.push(format!("{} = ", col("c.status"))).push_bind(status.code());
        }
        if let Some(list) = req.statuses.as_deref().filter(|l| !l.is_empty()) {
            and(qb);
            any_of(qb, &col("c.status"), list, |s| s.code().to_owned());
        }
        if let Some(list) = req.channels.as_deref().filter(|l| !l.is_empty()) {
            and(qb);
            any_of(qb, &col("c.channel"), list, String::clone);
        }
        if let Some(list) = req.categories.as_deref().filter(|l| !l.is_empty()) {
            and(qb);
            any_of(qb, &col("c.category"), list, String::clone);
        }
        if let Some(list) = req.severities.as_deref().filter(|l| !l.is_empty()) {
            and(qb);
            any_of(qb, &col("c.severity"), list, |s| s.code().to_owned());
        }
        if let Some(list) = req.satisfactions.as_deref().filter(|l| !l.is_empty()) {
            and(qb);
            any_of(qb, &col("c.satisfaction"), list, |s| s.code().to_owned());
        }
        if let Some(unit) = req.department_id.as_deref().filter(|u| !u.is_empty()) {
            and(qb);
            qb.push(format!("{} = ", col("c.department_id"))).push_bind(unit.to_owned());
        }
        if let Some(unit) = req.store_id.as_deref().filter(|u| !u.is_empty()) {
            and(qb);
            qb.push(format!("{} IN (SELECT id FROM org_units WHERE id = ", col("c.store_id")))
                .push_bind(unit.to_owned());
            qb.push(" OR parent_id = ").push_bind(unit.to_owned()).push(")");
        }
        // Exact values, `""` for a missing one.
        for (column, list) in [
            ("c.department_id", &req.department_ids),
            ("c.store_id", &req.store_ids),
            ("c.product_name", &req.products),
            ("c.root_cause", &req.root_causes),
            ("c.id", &req.case_ids),
        ] {
            let Some(list) = list.as_deref().filter(|l| !l.is_empty()) else { continue };
            and(qb);
            let column = col(column);
            let values: Vec<&String> = list.iter().filter(|v| !v.is_empty()).collect();
            let missing = values.len() < list.len();
            qb.push("(");
            if !values.is_empty() {
                qb.push(format!("{column} IN ("));
                let mut sep = qb.separated(", ");
                for v in &values {
                    sep.push_bind((*v).clone());
                }
                sep.push_unseparated(")");
            }
            if missing {
                qb.push(if values.is_empty() { "" } else { " OR " });
                qb.push(format!("{column} IS NULL"));
            }
            qb.push(")");
        }
        if req.exclude_merged == Some(true) {
            and(qb);
            qb.push(format!("{} <> 'merged'", col("c.status")));
        }
        match req.handler_id.as_deref() {
            Some("") => {
                and(qb);
                qb.push(format!("{} IS NULL", col("c.handler_id")));
            }
            Some(id) => {
                and(qb);
                qb.push(format!("{} = ", col("c.handler_id"))).push_bind(id.to_owned());
            }
            None => {}
        }
        if let Some(prefix) = req.case_no.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            and(qb);
            push_prefix(qb, &col("c.case_no"), prefix);
        }
        if let Some(prefix) = req.product.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            and(qb);
            push_prefix(qb, &col("c.product_name"), prefix);
        }
        for (name, (from, to)) in [
            ("c.received_at", &self.received),
            ("c.due_at", &self.due),
            ("c.closed_at", &self.closed),
        ] {
            let column = col(name);
            if let Some(from) = from {
                and(qb);
                qb.push(format!("{column} >= ")).push_bind(from.clone());
            }
            if let Some(to) = to {
                and(qb);
                qb.push(format!("{column} < ")).push_bind(to.clone());
            }
        }
        if let Some(batch) = req.import_batch.as_deref() {
            and(qb);
            qb.push("c.id IN (SELECT case_id FROM case_imports WHERE batch_id = ")
                .push_bind(batch.to_owned())
                .push(")");
        }
        if let Some(on_time) = req.closed_on_time {
            and(qb);
            qb.push("c.status = 'closed' AND c.due_at IS NOT NULL AND c.closed_at ");
            qb.push(if on_time { "<=" } else { ">" }).push(" c.due_at");
        }
        if let Some(missed) = req.missed_deadline {
            and(qb);
            qb.push(if missed { "(" } else { "NOT (" });
            qb.push(MISSED).push(" AND c.due_at < ").push_bind(now.clone()).push(")");
        }
        if let Some(reopened) = req.reopened {
            and(qb);
            qb.push(if reopened { "c.reopen_count > 0" } else { "c.reopen_count = 0" });
        }
        if let Some(first) = req.first_contact {
            and(qb);
            qb.push(if first { "(" } else { "NOT (" }).push(FIRST_CONTACT).push(")");
        }
        if let Some(branch) = req.branch_id.as_deref() {
            and(qb);
            if branch.is_empty() {
                qb.push("(COALESCE(c.store_id, c.department_id) IS NULL OR ");
                qb.push("COALESCE(c.store_id, c.department_id) NOT IN (").push(BRANCH_UNITS);
                qb.push("SELECT id FROM org_units WHERE kind IN ").push(BRANCH_KINDS);
                qb.push(BRANCH_UNITS_STEP).push("))");
            } else {
                qb.push("COALESCE(c.store_id, c.department_id) IN (").push(BRANCH_UNITS);
                qb.push("SELECT ").push_bind(branch.to_owned()).push(BRANCH_UNITS_STEP).push(")");
            }
        }
        if let Some(typical) = req.typical {
            and(qb);
            qb.push("c.typical = ").push_bind(i64::from(typical));
        }
        match (req.open, req.overdue) {
            // Closed and overdue at once: nothing is both.
            (Some(false), Some(true)) => {
                and(qb);
                qb.push("0");
            }
            (_, Some(true)) => {
                and(qb);
                qb.push(RUNNING).push(" AND c.due_at < ").push_bind(now);
            }
            (Some(false), _) => {
                and(qb);
                qb.push("NOT ").push(OPEN);
            }
            (Some(true), Some(false)) => {
                and(qb);
                qb.push(OPEN).push(" AND NOT (").push(RUNNING).push(" AND c.due_at < ");
                qb.push_bind(now).push(")");
            }
            (None, Some(false)) => {
                and(qb);
                qb.push("NOT (").push(RUNNING).push(" AND c.due_at < ");
                qb.push_bind(now).push(")");
            }
            (Some(true), None) => {
                and(qb);
                qb.push(OPEN);
            }
            (None, None) => {}
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CaseGetRequest {
    pub id: String,
}

/// One entry of a case's timeline: an event as a person reads it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TimelineEntry {
    pub event_id: String,
    pub kind: String,
    pub occurred_at: String,
    pub recorded_at: String,
    pub actor: String,
    /// The acting account's name, where the actor is an account.
    pub actor_name: Option<String>,
    /// The event's payload without its sealed personal data.
    pub detail: serde_json::Value,
    /// Held for review, not folded (written by a site that did not own the case then):
    /// `open`, or `reviewed` once a person at the owning site looked at it.
    pub held: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseDetail {
    pub case: CaseRow,
    pub consumer: ConsumerContact,
    pub content: String,
    pub product_model: Option<String>,
    pub quantity: i64,
    pub amount_paid_fen: Option<i64>,
    pub order_no: Option<String>,
    pub purchased_at: Option<String>,
    pub complexity: String,
    pub demand: String,
    pub demand_amount_fen: Option<i64>,
    pub received_by: String,
    pub closed_at: Option<String>,
    pub root_cause: Option<String>,
    /// When the consumer was told the complaint was received.
    pub acknowledged_at: Option<String>,
    /// For a merged duplicate: the case that carries on.
    pub merged_into: Option<LinkedCase>,
    /// Related complaints, and duplicates merged into this case or it into another.
    pub links: Vec<LinkedCase>,
    /// The major or mass incidents (§六) the case belongs to.
    pub incidents: Vec<CaseIncident>,
    /// Under legal hold (its personal data kept past the retention period): the reason.
    pub legal_hold: Option<String>,
    /// The consumer's personal data has been anonymised.
    pub anonymised: bool,
    /// Which site owns the case (only it changes the case's state), and hand-overs.
    pub ownership: crate::ops::ownership::CaseOwnership,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseIncident {
    pub id: String,
    pub incident_no: String,
    pub title: String,
    /// `open` or `closed`.
    pub status: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// About the same matter; both are handled.
    Related,
    /// This case was merged into the other.
    MergedInto,
    /// The other case was merged into this one.
    MergedFrom,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LinkedCase {
    pub id: String,
    pub case_no: String,
    pub kind: LinkKind,
    pub note: Option<String>,
    pub status: CaseStatus,
    pub received_at: String,
    pub product_name: String,
}

/// A linked case as read: id, number, link kind, note, status, received, product.
type LinkRow = (String, String, String, Option<String>, String, String, String);

async fn links_of(
    conn: &mut sqlx::SqliteConnection,
    id: &str,
    merged_into: Option<&str>,
) -> CoreResult<Vec<LinkedCase>> {
    let rows: Vec<LinkRow> = sqlx::query_as(
        "SELECT o.id, o.case_no, l.kind, l.note, o.status, o.received_at, o.product_name \
             FROM case_links l JOIN cases o ON o.id = l.other_id WHERE l.case_id = ? \
             ORDER BY o.received_at DESC, o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(other, case_no, kind, note, status, received_at, product_name)| {
            let kind = match (kind.as_str(), merged_into == Some(other.as_str())) {
                ("duplicate", true) => LinkKind::MergedInto,
                ("duplicate", false) => LinkKind::MergedFrom,
                _ => LinkKind::Related,
            };
            Ok(LinkedCase {
                status: CaseStatus::from_code(&status)
                    .ok_or_else(|| CoreError::Internal(format!("status {status}")))?,
                id: other,
                case_no,
                kind,
                note,
                received_at,
                product_name,
            })
        })
        .collect()
}

pub async fn get(db: &Db, actor: &Actor, req: CaseGetRequest) -> CoreResult<CaseDetail> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    let sql = format!(
        "SELECT {ROW_COLUMNS}, p.mobile, p.landline, p.email, p.address, c.content, \
         c.product_model, c.quantity, c.amount_paid_fen, c.order_no, c.purchased_at, \
         c.complexity, c.demand, c.demand_amount_fen, c.received_by, c.closed_at, c.root_cause, \
         c.merged_into, c.acknowledged_at {ROW_JOINS} WHERE c.id = ?"
    );
    let row = sqlx::query(&sql)
        .bind(&req.id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "case", id: req.id.clone() })?;
    if !in_scope(&mut conn, actor, &req.id).await? {
        return Err(CoreError::Forbidden { permission: Some(Permission::CaseView) });
    }
    let full_contact = sees_full_contact(actor, &row);
    let case = mask_row(case_row(&row, &time::to_db(db.now()))?, actor, &row);
    let names: std::collections::HashMap<String, String> =
        sqlx::query_as("SELECT id, display_name FROM accounts")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let held: std::collections::HashMap<String, bool> = sqlx::query_as(
        "SELECT event_id, reviewed_at IS NOT NULL FROM held_for_review WHERE case_id = ?",
    )
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let timeline = event_log::for_case(&mut conn, &req.id)
        .await?
        .into_iter()
        .map(|ev| {
            let mut detail: serde_json::Value =
                serde_json::from_str(&ev.payload).unwrap_or(serde_json::Value::Null);
            if let Some(map) = detail.as_object_mut() {
                map.remove("sealed");
            }
            TimelineEntry {
                recorded_at: time::to_db(crate::hlc::Timestamp::from_i64(ev.hlc).to_datetime()),
                actor_name: names.get(&ev.actor).cloned(),
                held: held
                    .get(&ev.event_id)
                    .map(|reviewed| if *reviewed { "reviewed" } else { "open" }.to_owned()),
                event_id: ev.event_id,
                kind: ev.kind,
                occurred_at: ev.occurred_at,
                actor: ev.actor,
                detail,
            }
        })
        .collect();
    let contact = ConsumerContact {
        name: case.consumer_name.clone(),
        mobile: row.get(20),
        landline: row.get(21),
        email: row.get(22),
        address: row.get(23),
    };
    let merged_into_id: Option<String> = row.get(36);
    let links = links_of(&mut conn, &req.id, merged_into_id.as_deref()).await?;
    let merged_into = links.iter().find(|l| l.kind == LinkKind::MergedInto).cloned();
    let incidents = sqlx::query_as::<_, (String, String, String, String)>(
        "SELECT i.id, i.incident_no, i.title, i.status FROM incident_cases ic \
         JOIN incidents i ON i.id = ic.incident_id WHERE ic.case_id = ? ORDER BY i.declared_at",
    )
    .bind(&req.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, incident_no, title, status)| CaseIncident { id, incident_no, title, status })
    .collect();
    let (legal_hold, anonymised): (Option<String>, i64) = sqlx::query_as(
        "SELECT c.legal_hold, k.erased FROM cases c JOIN consumers k ON k.id = c.consumer_id \
         WHERE c.id = ?",
    )
    .bind(&req.id)
    .fetch_one(&mut *conn)
    .await?;
    let ownership = crate::ops::ownership::view(&mut conn, db, &req.id).await?;
    Ok(CaseDetail {
        ownership,
        incidents,
        legal_hold,
        anonymised: anonymised != 0,
        acknowledged_at: row.get(37),
        merged_into,
        links,
        consumer: if full_contact { contact } else { mask_contact(contact) },
        content: row.get(24),
        product_model: row.get(25),
        quantity: row.get(26),
        amount_paid_fen: row.get(27),
        order_no: row.get(28),
        purchased_at: row.get(29),
        complexity: row.get(30),
        demand: row.get(31),
        demand_amount_fen: row.get(32),
        received_by: row.get(33),
        closed_at: row.get(34),
        root_cause: row.get(35),
        case,
        timeline,
    })
}

/// Limits a query to the cases the actor's role may see. Returns whether it added a clause.
pub(crate) fn push_scope(qb: &mut QueryBuilder<'_, Sqlite>, actor: &Actor) -> bool {
    let me = actor.id.clone();
    match actor.grant.case_scope {
        CaseScope::All => false,
        CaseScope::Own => {
            qb.push(" WHERE (c.handler_id = ").push_bind(me.clone());
            qb.push(" OR c.received_by_id = ").push_bind(me.clone());
            push_team_member(qb, me);
            true
        }
        CaseScope::Department => {
            let unit = actor.unit_id.clone().unwrap_or_default();
            qb.push(" WHERE (c.department_id = ").push_bind(unit.clone());
            qb.push(" OR c.store_id = ").push_bind(unit);
            qb.push(" OR c.handler_id = ").push_bind(me.clone());
            qb.push(" OR c.received_by_id = ").push_bind(me.clone());
            push_team_member(qb, me);
            true
        }
    }
}

/// Members of a case's dispute team see it, whatever their scope (§四(一)); closes the group.
fn push_team_member(qb: &mut QueryBuilder<'_, Sqlite>, me: String) {
    qb.push(" OR EXISTS (SELECT 1 FROM case_team t WHERE t.case_id = c.id AND t.account_id = ");
    qb.push_bind(me).push("))");
}

pub(crate) async fn in_scope(
    conn: &mut sqlx::SqliteConnection,
    actor: &Actor,
    case_id: &str,
) -> CoreResult<bool> {
    let mut qb = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c");
    let clause = if push_scope(&mut qb, actor) { " AND " } else { " WHERE " };
    qb.push(clause).push("c.id = ").push_bind(case_id.to_owned());
    let n: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(n > 0)
}

/// Full contact data: with the permission, or on a case one received or handles.
pub(crate) fn sees_full_contact(actor: &Actor, row: &sqlx::sqlite::SqliteRow) -> bool {
    let handler: Option<String> = row.get(15);
    let receiver: Option<String> = row.get(16);
    actor.may(Permission::CaseContact)
        || handler.as_deref() == Some(actor.id.as_str())
        || receiver.as_deref() == Some(actor.id.as_str())
}

pub(crate) fn mask_row(mut case: CaseRow, actor: &Actor, row: &sqlx::sqlite::SqliteRow) -> CaseRow {
    if !sees_full_contact(actor, row) {
        case.consumer_name = masking::name(&case.consumer_name);
    }
    case
}

pub(crate) fn mask_contact(c: ConsumerContact) -> ConsumerContact {
    ConsumerContact {
        name: c.name,
        mobile: c.mobile.as_deref().map(masking::phone),
        landline: c.landline.as_deref().map(masking::phone),
        email: c.email.as_deref().map(masking::email),
        address: c.address.as_deref().map(masking::address),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedCasesRequest {
    /// A mobile number as typed (spaces, dashes and +86 are ignored).
    #[ts(optional)]
    pub mobile: Option<String>,
    #[ts(optional)]
    pub order_no: Option<String>,
    /// How far back to look, in days (1–3650; default 90).
    #[ts(optional)]
    pub days: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RelatedCases {
    /// Every earlier case of the consumer with this mobile number, all time.
    pub consumer_case_count: i64,
    /// Cases in the window with the same mobile number or the same order number, newest first.
    pub items: Vec<CaseRow>,
}

/// Earlier complaints an agent should see while typing a new one (§三(二)1): the same phone
/// number or the same order number, within the last `days`; and the consumer's history size.
pub async fn related(db: &Db, actor: &Actor, req: RelatedCasesRequest) -> CoreResult<RelatedCases> {
    actor.require(Permission::CaseView)?;
    let days = req.days.unwrap_or(90);
    if !(1..=3650).contains(&days) {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "days".into(),
            rule: FieldRule::OutOfRange { min: 1, max: 3650 },
        }]));
    }
    let mobile = req.mobile.as_deref().and_then(crate::intake_rules::mobile);
    let order_no =
        req.order_no.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned);
    if mobile.is_none() && order_no.is_none() {
        return Ok(RelatedCases { consumer_case_count: 0, items: Vec::new() });
    }
    let since = time::to_db(db.now() - chrono::Duration::days(i64::from(days)));
    let mut qb = QueryBuilder::<Sqlite>::new(format!("SELECT {ROW_COLUMNS}{ROW_JOINS}"));
    let clause = if push_scope(&mut qb, actor) { " AND " } else { " WHERE " };
    qb.push(clause).push("c.received_at >= ").push_bind(since).push(" AND (0");
    if let Some(m) = &mobile {
        qb.push(" OR p.mobile = ").push_bind(m.clone());
    }
    if let Some(o) = &order_no {
        qb.push(" OR c.order_no = ").push_bind(o.clone());
    }
    qb.push(") ORDER BY c.received_at DESC LIMIT 20");
    let now = time::to_db(db.now());
    let rows = qb.build().fetch_all(db.pool()).await?;
    let items = rows
        .iter()
        .map(|r| case_row(r, &now).map(|row| mask_row(row, actor, r)))
        .collect::<CoreResult<_>>()?;
    let consumer_case_count: i64 = match &mobile {
        Some(m) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM cases c JOIN consumers p ON p.id = c.consumer_id WHERE p.mobile = ?",
            )
            .bind(m)
            .fetch_one(db.pool())
            .await?
        }
        None => 0,
    };
    Ok(RelatedCases { consumer_case_count, items })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ClockPauseRequest {
    pub id: String,
    /// What the case waits for: a test report, the consumer's reply, a supplier.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ClockResumeRequest {
    pub id: String,
    /// How the consumer was told of the new deadline (a compliance finding when the deadline
    /// moved and this is missing).
    #[serde(default)]
    #[ts(optional)]
    pub informed_by: Option<crate::domain::case::ContactMethod>,
    /// The day they were told (`YYYY-MM-DD`, not after today); default: today.
    #[serde(default)]
    #[ts(optional)]
    pub informed_on: Option<String>,
}

/// Where a case's deadline clock stands after a pause or a resume.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ClockState {
    pub id: String,
    pub paused: bool,
    pub due_at: Option<String>,
}

struct ClockRow {
    status: CaseStatus,
    paused_at: Option<String>,
    due_at: Option<String>,
}

async fn clock_row(
    conn: &mut sqlx::SqliteConnection,
    actor: &Actor,
    id: &str,
) -> CoreResult<ClockRow> {
    let row: Option<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT status, paused_at, due_at FROM cases WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (status, paused_at, due_at) =
        row.ok_or_else(|| CoreError::NotFound { entity: "case", id: id.to_owned() })?;
    if !in_scope(conn, actor, id).await? {
        return Err(CoreError::Forbidden { permission: Some(Permission::CaseView) });
    }
    let status = CaseStatus::from_code(&status)
        .ok_or_else(|| CoreError::Internal(format!("status {status}")))?;
    Ok(ClockRow { status, paused_at, due_at })
}

/// Stops the deadline clock, with the reason, on the case's timeline.
pub async fn pause(db: &Db, actor: &Actor, req: ClockPauseRequest) -> CoreResult<ClockState> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    crate::intake_rules::text("reason", &req.reason, true, 500, &mut problems);
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let mut tx = db.begin_write().await?;
    let row = clock_row(&mut tx, actor, &req.id).await?;
    if row.status.is_finished() || row.paused_at.is_some() {
        return Err(CoreError::InvalidState { detail: "clock" });
    }
    let body =
        crate::domain::events::EventBody::CaseClockPaused(crate::domain::events::CaseClockPaused {
            reason: req.reason.trim().to_owned(),
        });
    crate::event_log::append(
        &mut tx,
        db,
        actor,
        crate::event_log::NewEvent { case_id: Some(req.id.clone()), occurred_at: db.now(), body },
    )
    .await?;
    tx.commit().await?;
    Ok(ClockState { id: req.id, paused: true, due_at: row.due_at })
}

/// Starts the clock again; the deadline moves by the working days it stood still.
pub async fn resume(db: &Db, actor: &Actor, req: ClockResumeRequest) -> CoreResult<ClockState> {
    actor.require(Permission::CaseHandle)?;
    // Told on a day (default today, when told at all): not after today; a day needs the way.
    let mut problems = Vec::new();
    let informed_on = match req.informed_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => crate::ops::fields::bounded_date(db, "informed_on", raw, true, &mut problems),
        None => req.informed_by.map(|_| crate::ops::fields::today(db)),
    };
    if req.informed_on.as_deref().is_some_and(|d| !d.trim().is_empty()) && req.informed_by.is_none()
    {
        problems.push(crate::ops::fields::problem("informed_by", FieldRule::Required));
    }
    crate::error::ensure_valid(problems)?;
    let informed_on = informed_on.map(|d| d.to_string());
    let mut tx = db.begin_write().await?;
    let row = clock_row(&mut tx, actor, &req.id).await?;
    let Some(paused_at) = row.paused_at.as_deref().and_then(time::from_db) else {
        return Err(CoreError::InvalidState { detail: "clock" });
    };
    let now = db.now();
    let calendar = crate::calendar::Calendar::load(&mut tx).await?;
    let paused_days = calendar.working_days_between(paused_at, now);
    let due = row
        .due_at
        .as_deref()
        .and_then(time::from_db)
        .map(|d| calendar.add_working_days(d, u32::try_from(paused_days).unwrap_or(0)))
        .unwrap_or(now);
    let body = crate::domain::events::EventBody::CaseClockResumed(
        crate::domain::events::CaseClockResumed {
            paused_working_days: paused_days,
            due_at: time::to_db(due),
            informed_by: req.informed_by,
            informed_on,
        },
    );
    crate::event_log::append(
        &mut tx,
        db,
        actor,
        crate::event_log::NewEvent { case_id: Some(req.id.clone()), occurred_at: now, body },
    )
    .await?;
    tx.commit().await?;
    Ok(ClockState { id: req.id, paused: false, due_at: Some(time::to_db(due)) })
}
