//! The ledger as a file: .xlsx (typed cells, dates as dates, a frozen header row, an
//! autofilter, column widths) or .csv in UTF-8 with a byte-order mark, which Excel and WPS open
//! as Chinese. Rows stream from the database and into the file; the work can be cancelled
//! between rows and reports how far it got. Consumers' names are masked as on screen; in full
//! only for people allowed to export personal data who also see them in full.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::codes::{self, CodeList};
use crate::domain::case::{CaseStatus, Satisfaction, Severity};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::i18n::Lang;
use crate::jobs::Job;
use crate::ops::cases::{self, CaseRow, CasesListRequest, LedgerFilter};
use crate::storage::Db;
use crate::time::{self, china};

/// Excel's sheet holds 1,048,576 rows, one of them the header.
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

/// A column of the ledger, on screen and in exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LedgerColumn {
    CaseNo,
    ReceivedAt,
    Channel,
    Consumer,
    Product,
    Category,
    Severity,
    Department,
    Store,
    Status,
    Handler,
    DueAt,
    Overdue,
    Satisfaction,
    Result,
}

impl LedgerColumn {
    pub const ALL: [LedgerColumn; 15] = [
        LedgerColumn::CaseNo,
        LedgerColumn::ReceivedAt,
        LedgerColumn::Channel,
        LedgerColumn::Consumer,
        LedgerColumn::Product,
        LedgerColumn::Category,
        LedgerColumn::Severity,
        LedgerColumn::Department,
        LedgerColumn::Store,
        LedgerColumn::Status,
        LedgerColumn::Handler,
        LedgerColumn::DueAt,
        LedgerColumn::Overdue,
        LedgerColumn::Satisfaction,
        LedgerColumn::Result,
    ];

    fn title(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            LedgerColumn::CaseNo => ("案件编号", "Case no."),
            LedgerColumn::ReceivedAt => ("受理时间", "Received"),
            LedgerColumn::Channel => ("渠道", "Channel"),
            LedgerColumn::Consumer => ("消费者", "Consumer"),
            LedgerColumn::Product => ("产品/服务", "Product/service"),
            LedgerColumn::Category => ("纠纷类别", "Category"),
            LedgerColumn::Severity => ("严重程度", "Severity"),
            LedgerColumn::Department => ("责任部门", "Department"),
            LedgerColumn::Store => ("门店/分公司", "Store/branch"),
            LedgerColumn::Status => ("状态", "Status"),
            LedgerColumn::Handler => ("处理人", "Handler"),
            LedgerColumn::DueAt => ("处理期限", "Due"),
            LedgerColumn::Overdue => ("是否超期", "Overdue"),
            LedgerColumn::Satisfaction => ("满意度", "Satisfaction"),
            LedgerColumn::Result => ("处理结果", "Result"),
        };
        if lang == Lang::En {
            en
        } else {
            zh
        }
    }

    /// Column width in characters of the xlsx sheet.
    fn width(self) -> f64 {
        match self {
            LedgerColumn::CaseNo => 18.0,
            LedgerColumn::ReceivedAt | LedgerColumn::DueAt => 17.0,
            LedgerColumn::Product | LedgerColumn::Category | LedgerColumn::Store => 16.0,
            LedgerColumn::Result => 48.0,
            _ => 11.0,
        }
    }
}

pub fn status_label(s: CaseStatus, lang: Lang) -> &'static str {
    let (zh, en) = match s {
        CaseStatus::Received => ("已受理", "Received"),
        CaseStatus::Investigating => ("调查核实", "Investigating"),
        CaseStatus::Planning => ("方案制定", "Planning"),
        CaseStatus::Negotiating => ("沟通协商", "Negotiating"),
        CaseStatus::Executing => ("执行中", "Executing"),
        CaseStatus::Feedback => ("结果反馈", "Feedback"),
        CaseStatus::Closed => ("已结案", "Closed"),
        CaseStatus::Withdrawn => ("已撤回", "Withdrawn"),
        CaseStatus::Merged => ("已合并", "Merged"),
    };
    if lang == Lang::En {
        en
    } else {
        zh
    }
}

pub fn severity_label(s: Severity, lang: Lang) -> &'static str {
    let (zh, en) = match s {
        Severity::General => ("一般", "General"),
        Severity::Serious => ("较重", "Serious"),
        Severity::Major => ("重大", "Major"),
        Severity::Mass => ("群体性", "Mass"),
    };
    if lang == Lang::En {
        en
    } else {
        zh
    }
}

pub fn satisfaction_label(s: Satisfaction, lang: Lang) -> &'static str {
    let (zh, en) = match s {
        Satisfaction::Satisfied => ("满意", "Satisfied"),
        Satisfaction::FairlySatisfied => ("基本满意", "Fairly satisfied"),
        Satisfaction::Dissatisfied => ("不满意", "Dissatisfied"),
    };
    if lang == Lang::En {
        en
    } else {
        zh
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    /// From a file name's extension.
    pub fn of(path: &str) -> Option<ExportFormat> {
        let lower = path.to_lowercase();
        if lower.ends_with(".xlsx") {
            Some(ExportFormat::Xlsx)
        } else if lower.ends_with(".csv") {
            Some(ExportFormat::Csv)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// The file to write; its extension (.xlsx or .csv) chooses the format.
    pub path: String,
    /// The ledger's filters and order (its paging is ignored: every matching case is written).
    #[serde(default)]
    pub filter: CasesListRequest,
    /// The columns, in order (default: all).
    #[serde(default)]
    #[ts(optional)]
    pub columns: Option<Vec<LedgerColumn>>,
    /// The language of headers and labels (default Chinese).
    #[serde(default)]
    #[ts(optional)]
    pub lang: Option<Lang>,
    /// Names the job for `jobs.status` and `jobs.cancel`.
    #[serde(default)]
    #[ts(optional)]
    pub job_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportResult {
    pub path: String,
    pub format: ExportFormat,
    #[ts(type = "number")]
    pub rows: u64,
    /// Stopped by a cancel: the partial file was removed.
    pub cancelled: bool,
    /// Consumers' names are masked in the file.
    pub masked: bool,
}

/// A cell of the export.
enum Cell {
    Text(String),
    Instant(Option<DateTime<Utc>>),
}

struct Labels {
    lang: Lang,
    channels: std::collections::HashMap<String, String>,
    categories: std::collections::HashMap<String, String>,
}

impl Labels {
    fn cell(&self, column: LedgerColumn, row: &CaseRow) -> Cell {
        let lang = self.lang;
        let code = |map: &std::collections::HashMap<String, String>, c: &str| {
            map.get(c).cloned().unwrap_or_else(|| c.to_owned())
        };
        let text = |s: Option<&str>| Cell::Text(s.unwrap_or("").to_owned());
        match column {
            LedgerColumn::CaseNo => Cell::Text(row.case_no.clone()),
            LedgerColumn::ReceivedAt => Cell::Instant(time::from_db(&row.received_at)),
            LedgerColumn::Channel => Cell::Text(code(&self.channels, &row.channel)),
            LedgerColumn::Consumer => Cell::Text(row.consumer_name.clone()),
            LedgerColumn::Product => Cell::Text(row.product_name.clone()),
            LedgerColumn::Category => Cell::Text(code(&self.categories, &row.category)),
            LedgerColumn::Severity => Cell::Text(severity_label(row.severity, lang).into()),
            LedgerColumn::Department => text(row.department.as_deref()),
            LedgerColumn::Store => text(row.store.as_deref()),
            LedgerColumn::Status => Cell::Text(status_label(row.status, lang).into()),
            LedgerColumn::Handler => text(row.handler.as_deref()),
            LedgerColumn::DueAt => Cell::Instant(row.due_at.as_deref().and_then(time::from_db)),
            LedgerColumn::Overdue => Cell::Text(
                match (row.overdue, lang) {
                    (true, Lang::Zh) => "超期",
                    (true, Lang::En) => "Overdue",
                    (false, _) => "",
                }
                .into(),
            ),
            LedgerColumn::Satisfaction => Cell::Text(
                row.satisfaction.map(|s| satisfaction_label(s, lang)).unwrap_or("").into(),
            ),
            LedgerColumn::Result => text(row.result.as_deref()),
        }
    }
}

/// The sink rows are written to.
enum Sink {
    Xlsx { book: Box<Workbook>, date: Format, row: u32 },
    Csv(csv::Writer<std::io::BufWriter<std::fs::File>>),
}

pub(crate) fn io_error(path: &str, detail: impl std::fmt::Display) -> CoreError {
    CoreError::Validation(vec![FieldProblem {
        field: "path".into(),
        rule: FieldRule::Invalid { detail: format!("{path}: {detail}") },
    }])
}

impl Sink {
    fn open(
        path: &str,
        format: ExportFormat,
        columns: &[LedgerColumn],
        lang: Lang,
    ) -> CoreResult<Sink> {
        match format {
            ExportFormat::Xlsx => {
                let mut book = Workbook::new();
                let header = Format::new()
                    .set_bold()
                    .set_background_color("D9E1F2")
                    .set_align(FormatAlign::Center);
                let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
                let sheet =
                    book.add_worksheet_with_constant_memory().map_err(|e| io_error(path, e))?;
                sheet
                    .set_name(if lang == Lang::En { "Ledger" } else { "纠纷台账" })
                    .map_err(|e| io_error(path, e))?;
                for (i, c) in columns.iter().enumerate() {
                    let col = u16::try_from(i).unwrap_or(u16::MAX);
                    sheet.set_column_width(col, c.width()).map_err(|e| io_error(path, e))?;
                    sheet
                        .write_string_with_format(0, col, c.title(lang), &header)
                        .map_err(|e| io_error(path, e))?;
                }
                sheet.set_freeze_panes(1, 0).map_err(|e| io_error(path, e))?;
                let last = u16::try_from(columns.len().saturating_sub(1)).unwrap_or(0);
                sheet.autofilter(0, 0, 0, last).map_err(|e| io_error(path, e))?;
                Ok(Sink::Xlsx { book: Box::new(book), date, row: 0 })
            }
            ExportFormat::Csv => {
                let mut file = std::io::BufWriter::new(
                    std::fs::File::create(path).map_err(|e| io_error(path, e))?,
                );
                file.write_all(b"\xEF\xBB\xBF").map_err(|e| io_error(path, e))?;
                let mut w =
                    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(file);
                w.write_record(columns.iter().map(|c| c.title(lang)))
                    .map_err(|e| io_error(path, e))?;
                Ok(Sink::Csv(w))
            }
        }
    }

    fn write(&mut self, path: &str, cells: Vec<Cell>) -> CoreResult<()> {
        match self {
            Sink::Xlsx { book, date, row } => {
                *row += 1;
                let sheet = book.worksheet_from_index(0).map_err(|e| io_error(path, e))?;
                for (i, cell) in cells.into_iter().enumerate() {
                    let col = u16::try_from(i).unwrap_or(u16::MAX);
                    match cell {
                        Cell::Text(t) if t.is_empty() => {}
                        Cell::Text(t) => {
                            sheet.write_string(*row, col, t).map_err(|e| io_error(path, e))?;
                        }
                        Cell::Instant(Some(t)) => {
                            let local = t.with_timezone(&china()).naive_local();
                            sheet
                                .write_datetime_with_format(*row, col, local, date)
                                .map_err(|e| io_error(path, e))?;
                        }
                        Cell::Instant(None) => {}
                    }
                }
                Ok(())
            }
            Sink::Csv(w) => {
                let texts = cells.into_iter().map(|c| match c {
                    Cell::Text(t) => t,
                    Cell::Instant(t) => t
                        .map(|t| t.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                });
                w.write_record(texts).map_err(|e| io_error(path, e))
            }
        }
    }

    fn finish(self, path: &str) -> CoreResult<()> {
        match self {
            Sink::Xlsx { mut book, .. } => book.save(path).map_err(|e| io_error(path, e)),
            Sink::Csv(mut w) => w.flush().map_err(|e| io_error(path, e)),
        }
    }
}

/// Writes every case the filter selects (within the actor's scope) to `req.path`.
pub async fn export(
    db: &Db,
    actor: &Actor,
    req: &ExportRequest,
    job: &Job,
) -> CoreResult<ExportResult> {
    actor.require(Permission::CaseView)?;
    let format = ExportFormat::of(&req.path).ok_or_else(|| {
        CoreError::Validation(vec![FieldProblem {
            field: "path".into(),
            rule: FieldRule::Invalid { detail: ".xlsx / .csv".into() },
        }])
    })?;
    let columns: Vec<LedgerColumn> = match req.columns.as_deref() {
        Some(c) if !c.is_empty() => c.to_vec(),
        _ => LedgerColumn::ALL.to_vec(),
    };
    let lang = req.lang.unwrap_or_default();
    let now = time::to_db(db.now());
    let filter = LedgerFilter::check(&req.filter, &now)?;
    let mut conn = db.pool().acquire().await?;
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c");
    filter.push(&mut count, actor);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let total = u64::try_from(total).unwrap_or(0);
    if format == ExportFormat::Xlsx && total > XLSX_MAX_ROWS {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "path".into(),
            rule: FieldRule::OutOfRange {
                min: 0,
                max: i64::try_from(XLSX_MAX_ROWS).unwrap_or(i64::MAX),
            },
        }]));
    }
    job.set_total(total);
    let label_map = |entries: Vec<crate::codes::CodeEntry>| {
        entries
            .into_iter()
            .map(|e| (e.code, if lang == Lang::En { e.label_en } else { e.label_zh }))
            .collect::<std::collections::HashMap<_, _>>()
    };
    let labels = Labels {
        lang,
        channels: label_map(codes::entries(&mut conn, CodeList::Channel).await?),
        categories: label_map(codes::entries(&mut conn, CodeList::Category).await?),
    };
    let full_names = actor.may(Permission::DataExport);
    let mut sink = Sink::open(&req.path, format, &columns, lang)?;
    let mut page =
        QueryBuilder::<Sqlite>::new(format!("SELECT {}{}", cases::ROW_COLUMNS, cases::ROW_JOINS));
    filter.push(&mut page, actor);
    page.push(cases::order_by(&req.filter));
    let mut written = 0u64;
    let mut cancelled = false;
    let mut masked = false;
    {
        let mut rows = page.build().fetch(&mut *conn);
        while let Some(r) = rows.try_next().await? {
            if job.is_cancelled() {
                cancelled = true;
                break;
            }
            let mut row = cases::case_row(&r, &now)?;
            if !(full_names && cases::sees_full_contact(actor, &r)) {
                row.consumer_name = crate::masking::name(&row.consumer_name);
                masked = true;
            }
            sink.write(&req.path, columns.iter().map(|c| labels.cell(*c, &row)).collect())?;
            written += 1;
            if written.is_multiple_of(1_000) {
                job.set_done(written);
            }
        }
    }
    if cancelled {
        drop(sink);
        let _ = std::fs::remove_file(Path::new(&req.path));
    } else {
        sink.finish(&req.path)?;
        job.set_done(written);
    }
    Ok(ExportResult { path: req.path.clone(), format, rows: written, cancelled, masked })
}
