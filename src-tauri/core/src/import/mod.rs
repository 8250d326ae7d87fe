//! Importing cases from spreadsheets (.xlsx, .xls, .csv): a mapping turns each record into a
//! historical case — its original received date, status and result — written through the
//! event log like any other case. Rows that fail are reported with their row number, column
//! and reason; good rows go in, in committed batches; a row already imported from the same
//! source (by external id, else by a fingerprint of the row) is not imported again.

mod bulk;
pub mod mapping;
pub mod table;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::actor::Actor;
use crate::calendar::Calendar;
use crate::codes::{self, CodeList};
use crate::domain::case::{CaseStatus, ConsumerContact, Demand, Satisfaction, Severity};
use crate::domain::events::{EventBody, ImportFinished, ImportStarted};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::intake_rules as rules;
use crate::jobs::Job;
use crate::storage::Db;
use crate::time::china;
pub use mapping::{FieldSource, ImportField, ImportMapping};
use table::{RawRow, Table};

/// Rows written per transaction: a cancel or a crash leaves whole batches.
pub const BATCH: usize = 5_000;

/// The importing connection's settings: a 256 MiB page cache (the ledger's indexes are written
/// all over), and no per-row foreign-key checks (see [`run`]).
const IMPORT_SETTINGS: [&str; 3] = [
    "PRAGMA cache_size = -262144",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA wal_autocheckpoint = 16384",
];

/// What the consumer is called when the file does not say.
pub const UNNAMED: &str = "未留名";

/// A row that was not imported: where, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RowProblem {
    #[ts(type = "number")]
    pub row: u64,
    /// The file's column (its header), or the case field for a fixed value or a whole record.
    pub column: String,
    pub reason: String,
}

/// A row as it will be imported.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCase {
    pub row: u64,
    pub key: String,
    pub received_at: DateTime<Utc>,
    pub channel: String,
    pub product_name: String,
    pub product_model: Option<String>,
    pub content: String,
    pub category: String,
    pub severity: Severity,
    pub demand: Demand,
    pub demand_amount_fen: Option<i64>,
    pub amount_paid_fen: Option<i64>,
    pub order_no: Option<String>,
    pub purchased_at: Option<String>,
    pub department_id: Option<String>,
    pub store_id: Option<String>,
    pub consumer: ConsumerContact,
    pub status: CaseStatus,
    pub result: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub closed_at: Option<DateTime<Utc>>,
    pub handler: Option<String>,
}

/// A mapping checked against the file's headers: each field's column positions.
struct Resolved<'m> {
    mapping: &'m ImportMapping,
    fields: BTreeMap<ImportField, (Vec<usize>, &'m FieldSource)>,
    key_columns: Vec<usize>,
    headers: Vec<String>,
}

/// The values coded fields may take, and the organisation's units by code and by name.
pub struct Lookups {
    channels: HashMap<String, String>,
    categories: HashMap<String, String>,
    units: HashMap<String, (String, String)>,
}

impl Lookups {
    pub async fn load(conn: &mut SqliteConnection) -> CoreResult<Lookups> {
        let list = |entries: Vec<crate::codes::CodeEntry>| {
            let mut map = HashMap::new();
            for e in entries {
                map.insert(e.code.to_lowercase(), e.code.clone());
                map.insert(e.label_zh.to_lowercase(), e.code.clone());
                map.insert(e.label_en.to_lowercase(), e.code.clone());
            }
            map
        };
        let channels = list(codes::entries(conn, CodeList::Channel).await?);
        let categories = list(codes::entries(conn, CodeList::Category).await?);
        let rows: Vec<(String, String, String, String)> =
            sqlx::query_as("SELECT id, code, name, kind FROM org_units")
                .fetch_all(&mut *conn)
                .await?;
        let mut units = HashMap::new();
        for (id, code, name, kind) in rows {
            units.insert(code.to_lowercase(), (id.clone(), kind.clone()));
            units.insert(name.to_lowercase(), (id, kind));
        }
        Ok(Lookups { channels, categories, units })
    }
}

fn problem(field: String, rule: FieldRule) -> CoreError {
    CoreError::Validation(vec![FieldProblem { field, rule }])
}

impl<'m> Resolved<'m> {
    /// Refuses a mapping that names a column the file lacks or leaves a required field out:
    /// nothing is imported from a file read the wrong way.
    fn new(mapping: &'m ImportMapping, headers: &[String]) -> CoreResult<Resolved<'m>> {
        let mut problems = Vec::new();
        if mapping.source.trim().is_empty() {
            problems.push(FieldProblem { field: "source".into(), rule: FieldRule::Required });
        }
        let find = |column: &str| headers.iter().position(|h| h.trim() == column.trim());
        let mut fields = BTreeMap::new();
        for field in ImportField::ALL {
            let Some(source) = mapping.fields.get(&field) else {
                if field.required() {
                    problems.push(FieldProblem {
                        field: format!("fields.{}", field.code()),
                        rule: FieldRule::Required,
                    });
                }
                continue;
            };
            let names: Vec<&String> =
                source.column.iter().chain(source.columns.iter().flatten()).collect();
            if names.is_empty() && source.value.is_none() && source.default.is_none() {
                problems.push(FieldProblem {
                    field: format!("fields.{}", field.code()),
                    rule: FieldRule::Required,
                });
                continue;
            }
            let mut positions = Vec::new();
            for name in names {
                match find(name) {
                    Some(p) => positions.push(p),
                    None => problems.push(FieldProblem {
                        field: format!("fields.{}.column", field.code()),
                        rule: FieldRule::UnknownValue { value: name.clone() },
                    }),
                }
            }
            fields.insert(field, (positions, source));
        }
        let mut key_columns = Vec::new();
        for name in &mapping.external_id {
            match find(name) {
                Some(p) => key_columns.push(p),
                None => problems.push(FieldProblem {
                    field: "external_id".into(),
                    rule: FieldRule::UnknownValue { value: name.clone() },
                }),
            }
        }
        crate::error::ensure_valid(problems)?;
        Ok(Resolved { mapping, fields, key_columns, headers: headers.to_vec() })
    }

    /// The row's identity in its source.
    fn key(&self, row: &RawRow) -> Result<String, RowProblem> {
        if self.key_columns.is_empty() {
            let mut hash = Sha256::new();
            for cell in &row.cells {
                hash.update(cell.trim().as_bytes());
                hash.update([0x1f]);
            }
            return Ok(format!("row:{}", &hex::encode(hash.finalize())[..32]));
        }
        let parts: Vec<&str> =
            self.key_columns.iter().map(|&i| row.cells.get(i).map_or("", |c| c.trim())).collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(RowProblem {
                row: row.row,
                column: self.mapping.external_id.join(", "),
                reason: "外部编号为空".into(),
            });
        }
        Ok(format!("id:{}", parts.join("\u{1f}")))
    }

    /// A field's raw text in this row, and the column it came from (for reports).
    fn raw(&self, row: &RawRow, field: ImportField) -> Option<(String, String)> {
        let (positions, source) = self.fields.get(&field)?;
        if positions.is_empty() {
            return source.value.clone().map(|v| (v, field.code().to_owned()));
        }
        let join = source.join.as_deref().unwrap_or("\n");
        let text = positions
            .iter()
            .filter_map(|&i| row.cells.get(i).map(|c| c.trim()))
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(join);
        let column =
            positions.iter().map(|&i| self.headers[i].clone()).collect::<Vec<_>>().join("+");
        Some((text, column))
    }

    /// A field's value after the value map and default; `None` if empty and no default.
    fn value(&self, row: &RawRow, field: ImportField) -> (Option<String>, String) {
        let Some((raw, column)) = self.raw(row, field) else {
            return (None, field.code().to_owned());
        };
        let source = self.fields[&field].1;
        let mapped = if raw.is_empty() {
            None
        } else if source.values.is_empty() {
            Some(raw.clone())
        } else {
            let wanted = raw.trim().to_lowercase();
            source
                .values
                .iter()
                .find(|(k, _)| k.trim().to_lowercase() == wanted)
                .map(|(_, v)| v.clone())
                // A value the map does not name passes through: it may be a code already.
                .or(Some(raw.clone()))
        };
        (mapped.or_else(|| source.default.clone()), column)
    }
}

struct RowReader<'a> {
    resolved: &'a Resolved<'a>,
    lookups: &'a Lookups,
    now: DateTime<Utc>,
    row: &'a RawRow,
    problems: Vec<RowProblem>,
}

impl RowReader<'_> {
    fn fail(&mut self, column: String, reason: impl Into<String>) {
        self.problems.push(RowProblem { row: self.row.row, column, reason: reason.into() });
    }

    fn text(&mut self, field: ImportField, max: usize) -> Option<String> {
        let (value, column) = self.resolved.value(self.row, field);
        let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        match &value {
            None if field.required() => self.fail(column, "不能为空"),
            Some(v) if v.chars().count() > max => self.fail(column, format!("超过 {max} 个字符")),
            _ => {}
        }
        value
    }

    /// A required field left empty is a problem; an optional one is simply absent.
    fn present(&mut self, field: ImportField) -> Option<(String, String)> {
        let (value, column) = self.resolved.value(self.row, field);
        match value.filter(|v| !v.trim().is_empty()) {
            Some(v) => Some((v, column)),
            None => {
                if field.required() {
                    self.fail(column, "不能为空");
                }
                None
            }
        }
    }

    fn code<T>(&mut self, field: ImportField, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let (value, column) = self.present(field)?;
        let parsed = parse(value.trim());
        if parsed.is_none() {
            self.fail(column, format!("值「{}」无法对应：请在映射中为它指定代码", value.trim()));
        }
        parsed
    }

    fn instant(&mut self, field: ImportField) -> Option<DateTime<Utc>> {
        let (value, column) = self.present(field)?;
        match mapping::parse_instant(&value, &self.resolved.mapping.date_formats) {
            Some(t) if t > self.now => {
                self.fail(column, format!("日期「{}」晚于今天", value.trim()));
                None
            }
            Some(t) => Some(t),
            None => {
                self.fail(column, format!("无法识别的日期「{}」", value.trim()));
                None
            }
        }
    }

    fn money(&mut self, field: ImportField) -> Option<i64> {
        let (value, column) = self.resolved.value(self.row, field);
        let value = value?;
        match rules::money(&value) {
            Ok(fen) => Some(fen),
            Err(_) => {
                self.fail(column, format!("金额「{}」无效", value.trim()));
                None
            }
        }
    }

    fn unit(&mut self, field: ImportField, kinds: &[&str]) -> Option<String> {
        let (value, column) = self.resolved.value(self.row, field);
        let value = value?;
        match self.lookups.units.get(&value.trim().to_lowercase()) {
            Some((id, kind)) if kinds.contains(&kind.as_str()) => Some(id.clone()),
            _ => {
                self.fail(
                    column,
                    format!("找不到「{}」：请使用组织机构中的代码或名称", value.trim()),
                );
                None
            }
        }
    }
}

/// Reads one record into a case, or says everything wrong with it.
fn convert(
    resolved: &Resolved<'_>,
    lookups: &Lookups,
    now: DateTime<Utc>,
    row: &RawRow,
) -> Result<ImportedCase, Vec<RowProblem>> {
    if let Some(why) = &row.broken {
        return Err(vec![RowProblem {
            row: row.row,
            column: "（整条记录）".into(),
            reason: why.clone(),
        }]);
    }
    let key = resolved.key(row).map_err(|p| vec![p])?;
    let mut r = RowReader { resolved, lookups, now, row, problems: Vec::new() };
    let received_at = r.instant(ImportField::ReceivedAt);
    let channel =
        r.code(ImportField::Channel, |v| lookups.channels.get(&v.to_lowercase()).cloned());
    let category =
        r.code(ImportField::Category, |v| lookups.categories.get(&v.to_lowercase()).cloned());
    let product_name = r.text(ImportField::ProductName, 200);
    let product_model = r.text(ImportField::ProductModel, 200);
    let content = r.text(ImportField::Content, 20_000);
    let severity = r.code(ImportField::Severity, Severity::from_code).unwrap_or(Severity::General);
    let demand = r.code(ImportField::Demand, Demand::from_code).unwrap_or(Demand::Other);
    let demand_amount_fen = r.money(ImportField::DemandAmount);
    let amount_paid_fen = r.money(ImportField::AmountPaid);
    let order_no = r.text(ImportField::OrderNo, 64);
    let purchased_at = r
        .instant(ImportField::PurchasedAt)
        .map(|t| t.with_timezone(&china()).date_naive().to_string());
    let department_id = r.unit(ImportField::Department, &["department"]);
    let store_id = r.unit(ImportField::Store, &["store", "branch", "company"]);
    let name = r.text(ImportField::ConsumerName, 50).unwrap_or_else(|| UNNAMED.to_owned());
    let mobile = {
        let (value, column) = resolved.value(row, ImportField::ConsumerMobile);
        match value.filter(|v| !v.trim().is_empty()) {
            Some(v) => match rules::mobile(&v) {
                Some(m) => Some(m),
                None => {
                    r.fail(column, format!("手机号「{}」无效", v.trim()));
                    None
                }
            },
            None => None,
        }
    };
    let address = r.text(ImportField::ConsumerAddress, 200);
    let status = r
        .code(ImportField::Status, |v| {
            CaseStatus::from_code(v).filter(|s| *s != CaseStatus::Merged)
        })
        .unwrap_or(CaseStatus::Received);
    let result = r.text(ImportField::Result, 2_000);
    let satisfaction = r.code(ImportField::Satisfaction, Satisfaction::from_code);
    let closed_at = r.instant(ImportField::ClosedAt);
    let handler = r.text(ImportField::Handler, 50);
    if let (Some(received), Some(closed)) = (received_at, closed_at) {
        if closed < received {
            let column = resolved.value(row, ImportField::ClosedAt).1;
            r.fail(column, "办结时间早于受理时间");
        }
    }
    let problems = std::mem::take(&mut r.problems);
    match (received_at, channel, category, product_name, content) {
        (Some(received_at), Some(channel), Some(category), Some(product_name), Some(content))
            if problems.is_empty() =>
        {
            Ok(ImportedCase {
                row: row.row,
                key,
                received_at,
                channel,
                product_name,
                product_model,
                content,
                category,
                severity,
                demand,
                demand_amount_fen,
                amount_paid_fen,
                order_no,
                purchased_at,
                department_id,
                store_id,
                consumer: ConsumerContact { name, mobile, landline: None, email: None, address },
                status,
                result,
                satisfaction,
                closed_at: if status == CaseStatus::Closed {
                    Some(closed_at.unwrap_or(received_at))
                } else {
                    None
                },
                handler,
            })
        }
        _ => Err(problems),
    }
}

/// The outcome of an import (or of a dry run: what an import would do).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ImportReport {
    /// Set when cases were written: the batch to find them by (`cases.list` `import_batch`).
    pub batch_id: Option<String>,
    pub file_name: String,
    pub encoding: String,
    /// Records in the file (header excluded).
    #[ts(type = "number")]
    pub rows: u64,
    #[ts(type = "number")]
    pub imported: u64,
    /// Rows already imported from this source, or repeated in the file.
    #[ts(type = "number")]
    pub duplicates: u64,
    /// Every problem of every rejected row.
    pub rejected: Vec<RowProblem>,
    #[ts(type = "number")]
    pub rejected_rows: u64,
    /// Stopped by a cancel: only the batches committed before it are in.
    pub cancelled: bool,
    /// The rows that went in, as ranges of row numbers `[first, last]`.
    #[ts(type = "Array<[number, number]>")]
    pub imported_rows: Vec<(u64, u64)>,
    pub dry_run: bool,
}

fn add_to_ranges(ranges: &mut Vec<(u64, u64)>, row: u64) {
    match ranges.last_mut() {
        Some((_, last)) if *last + 1 == row => *last = row,
        _ => ranges.push((row, row)),
    }
}

/// The keys of every row already imported from this source.
async fn imported_keys(conn: &mut SqliteConnection, source: &str) -> CoreResult<HashSet<String>> {
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM case_imports WHERE source = ?")
        .bind(source)
        .fetch_all(&mut *conn)
        .await?;
    Ok(keys.into_iter().collect())
}

/// Reads a file into a table, turning an unreadable file into a typed error on `file`.
pub fn read_table(
    file_name: &str,
    bytes: &[u8],
    mapping_encoding: table::Encoding,
    sheet: Option<&str>,
) -> CoreResult<Table> {
    table::read(file_name, bytes, mapping_encoding, sheet)
        .map_err(|e| problem("file".into(), FieldRule::Invalid { detail: e.detail() }))
}

/// One row of a preview: what it becomes, or why not.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PreviewRow {
    #[ts(type = "number")]
    pub row: u64,
    /// Field code → the value as it will be stored (codes, dates in China time).
    pub values: BTreeMap<String, String>,
    pub problems: Vec<RowProblem>,
    pub duplicate: bool,
}

fn display_values(case: &ImportedCase) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    let local = |t: DateTime<Utc>| t.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string();
    v.insert("received_at".into(), local(case.received_at));
    v.insert("channel".into(), case.channel.clone());
    v.insert("product_name".into(), case.product_name.clone());
    v.insert("content".into(), case.content.clone());
    v.insert("category".into(), case.category.clone());
    v.insert("severity".into(), case.severity.code().into());
    v.insert("status".into(), case.status.code().into());
    v.insert("consumer_name".into(), case.consumer.name.clone());
    let optional = [
        ("product_model", case.product_model.clone()),
        ("result", case.result.clone()),
        ("handler", case.handler.clone()),
        ("order_no", case.order_no.clone()),
        ("purchased_at", case.purchased_at.clone()),
        ("consumer_mobile", case.consumer.mobile.clone()),
        ("satisfaction", case.satisfaction.map(|s| s.code().to_owned())),
        ("closed_at", case.closed_at.map(local)),
    ];
    for (k, val) in optional {
        if let Some(val) = val {
            v.insert(k.into(), val);
        }
    }
    v
}

/// Converts every row (nothing is written): the first `sample` rows as they will be imported,
/// and the report an import would give.
pub async fn analyse(
    db: &Db,
    file_name: &str,
    table: &Table,
    mapping: &ImportMapping,
    sample: usize,
) -> CoreResult<(ImportReport, Vec<PreviewRow>)> {
    let resolved = Resolved::new(mapping, &table.headers)?;
    let mut conn = db.pool().acquire().await?;
    let lookups = Lookups::load(&mut conn).await?;
    let now = db.now();
    let mut report = base_report(file_name, table, true);
    // Keys already in, and those met earlier in this file.
    let mut seen = imported_keys(&mut conn, &mapping.source).await?;
    let mut preview = Vec::new();
    for raw in &table.rows {
        let outcome = convert(&resolved, &lookups, now, raw);
        let (values, problems, duplicate) = match outcome {
            Ok(case) => {
                let dup = !seen.insert(case.key.clone());
                if dup {
                    report.duplicates += 1;
                } else {
                    report.imported += 1;
                    add_to_ranges(&mut report.imported_rows, raw.row);
                }
                (display_values(&case), Vec::new(), dup)
            }
            Err(problems) => {
                report.rejected_rows += 1;
                report.rejected.extend(problems.iter().cloned());
                (BTreeMap::new(), problems, false)
            }
        };
        if preview.len() < sample {
            preview.push(PreviewRow { row: raw.row, values, problems, duplicate });
        }
    }
    Ok((report, preview))
}

fn base_report(file_name: &str, table: &Table, dry_run: bool) -> ImportReport {
    ImportReport {
        file_name: file_name.to_owned(),
        encoding: table.encoding.clone(),
        rows: table.rows.len() as u64,
        dry_run,
        ..ImportReport::default()
    }
}

/// Imports the table: good rows in batches of [`BATCH`], each batch one transaction.
pub async fn run(
    db: &Db,
    actor: &Actor,
    file_name: &str,
    table: &Table,
    mapping: &ImportMapping,
    job: &Job,
) -> CoreResult<ImportReport> {
    let resolved = Resolved::new(mapping, &table.headers)?;
    let now = db.now();
    let (lookups, calendar, rules_in_force, mut seen) = {
        let mut conn = db.pool().acquire().await?;
        (
            Lookups::load(&mut conn).await?,
            Calendar::load(&mut conn).await?,
            crate::settings::deadline_rules(&mut conn).await?,
            imported_keys(&mut conn, &mapping.source).await?,
        )
    };
    let mut report = base_report(file_name, table, false);
    let batch_id = uuid::Uuid::now_v7().to_string();
    report.batch_id = Some(batch_id.clone());
    job.set_total(table.rows.len() as u64);
    {
        let mut tx = db.begin_write().await?;
        let started = ImportStarted {
            batch_id: batch_id.clone(),
            source: mapping.source.clone(),
            file_name: file_name.to_owned(),
            rows: table.rows.len() as u64,
        };
        let event =
            NewEvent { case_id: None, occurred_at: now, body: EventBody::ImportStarted(started) };
        event_log::append(&mut tx, db, actor, event).await?;
        tx.commit().await?;
    }
    // One connection for the whole import, taken out of the pool and closed at the end so that
    // its settings never reach other work. Foreign keys are not checked row by row there: the
    // batch's references hold by construction (its consumers are found or written in the same
    // transaction, its stores and departments come from the org units, which are never
    // deleted; tests/import.rs runs `PRAGMA foreign_key_check` after imports), and SQLite's
    // immediate checks of a multi-row insert cost a third of the cases' write and a statement
    // journal besides.
    let mut conn = db.pool().acquire().await?.detach();
    for setting in IMPORT_SETTINGS {
        sqlx::query(setting).execute(&mut conn).await?;
    }
    let outcome = write_batches(
        &mut conn,
        db,
        actor,
        table,
        mapping,
        job,
        (&resolved, &lookups, &calendar, &rules_in_force),
        now,
        &batch_id,
        &mut seen,
        &mut report,
    )
    .await;
    let _ = sqlx::Connection::close(conn).await;
    outcome?;
    let mut tx = db.begin_write().await?;
    let finished = ImportFinished {
        batch_id,
        imported: report.imported,
        duplicates: report.duplicates,
        rejected: report.rejected_rows,
        cancelled: report.cancelled,
    };
    let event = NewEvent {
        case_id: None,
        occurred_at: db.now(),
        body: EventBody::ImportFinished(finished),
    };
    event_log::append(&mut tx, db, actor, event).await?;
    tx.commit().await?;
    Ok(report)
}

/// The import's batches, each converted, checked and written in one transaction on `conn`.
#[allow(clippy::too_many_arguments)]
async fn write_batches(
    conn: &mut sqlx::SqliteConnection,
    db: &Db,
    actor: &Actor,
    table: &Table,
    mapping: &ImportMapping,
    job: &Job,
    (resolved, lookups, calendar, rules_in_force): (
        &Resolved<'_>,
        &Lookups,
        &Calendar,
        &[crate::settings::DeadlineRule],
    ),
    now: DateTime<Utc>,
    batch_id: &str,
    seen: &mut HashSet<String>,
    report: &mut ImportReport,
) -> CoreResult<()> {
    let mut done = 0u64;
    for chunk in table.rows.chunks(BATCH) {
        if job.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let mut good = Vec::new();
        let mut duplicates = 0u64;
        let mut problems = Vec::new();
        let mut rejected = 0u64;
        let mut keys = HashSet::new();
        let converted = crate::parallel::map(chunk, |raw| convert(resolved, lookups, now, raw));
        for outcome in converted {
            match outcome {
                Ok(case) if seen.contains(&case.key) || keys.contains(&case.key) => duplicates += 1,
                Ok(case) => {
                    keys.insert(case.key.clone());
                    good.push(case);
                }
                Err(p) => {
                    rejected += 1;
                    problems.extend(p);
                }
            }
        }
        let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
        let rows: Vec<&ImportedCase> = good.iter().collect();
        bulk::write_batch(
            &mut tx,
            db,
            actor,
            &rows,
            batch_id,
            &mapping.source,
            calendar,
            rules_in_force,
        )
        .await?;
        tx.commit().await?;
        // Only now are the batch's rows in.
        seen.extend(keys);
        report.imported += good.len() as u64;
        report.duplicates += duplicates;
        report.rejected_rows += rejected;
        report.rejected.extend(problems);
        for case in &good {
            add_to_ranges(&mut report.imported_rows, case.row);
        }
        done += chunk.len() as u64;
        job.set_done(done);
    }
    Ok(())
}
