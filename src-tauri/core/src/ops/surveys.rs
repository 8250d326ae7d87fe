//! Satisfaction surveys (§二(四)2): result files imported from the survey tool (.xlsx, .xls or
//! .csv), each row a store's (and perhaps a product's) score on a day, and the scores per
//! month beside the complaints received for the same store or product — with how closely the
//! two move together. A file is imported whole or not at all, once; a wrong one is withdrawn.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::events::EventBody;
use crate::domain::supervision::{SurveyImported, SurveyRow, SurveyScale, SurveyWithdrawn};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldRule};
use crate::import::table::Encoding;
use crate::import::{read_table, RowProblem};
use crate::ops::emergency::append;
use crate::ops::fields::{problem, text, today};
use crate::ops::imports::read_file;
use crate::storage::Db;

/// The most rows a file may have (a bigger export is split by month).
pub const MAX_ROWS: usize = 50_000;
/// Problems reported of a refused file (the rest are counted).
const MAX_PROBLEMS: usize = 200;

fn state(reason: &'static str) -> CoreError {
    CoreError::SupervisionState { reason }
}

/// The columns a survey file has, by the names survey tools give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SurveyColumn {
    Date,
    Store,
    Product,
    Score,
    Responses,
}

impl SurveyColumn {
    const ALL: [SurveyColumn; 5] = [
        SurveyColumn::Date,
        SurveyColumn::Store,
        SurveyColumn::Product,
        SurveyColumn::Score,
        SurveyColumn::Responses,
    ];

    fn synonyms(self) -> &'static [&'static str] {
        match self {
            SurveyColumn::Date => {
                &["日期", "调查日期", "回访日期", "答卷日期", "提交时间", "date", "surveyed_on"]
            }
            SurveyColumn::Store => {
                &["门店", "门店编码", "门店名称", "网点", "店铺", "store", "store_code"]
            }
            SurveyColumn::Product => {
                &["商品", "产品", "商品名称", "产品名称", "服务项目", "product"]
            }
            SurveyColumn::Score => {
                &["评分", "满意度", "满意度评分", "满意度得分", "得分", "分数", "score"]
            }
            SurveyColumn::Responses => {
                &["样本数", "答卷数", "份数", "人数", "回收份数", "responses", "count"]
            }
        }
    }

    fn required(self) -> bool {
        matches!(self, SurveyColumn::Date | SurveyColumn::Store | SurveyColumn::Score)
    }

    fn label(self) -> &'static str {
        match self {
            SurveyColumn::Date => "日期",
            SurveyColumn::Store => "门店",
            SurveyColumn::Product => "商品",
            SurveyColumn::Score => "评分",
            SurveyColumn::Responses => "样本数",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SurveyImportRequest {
    pub path: String,
    /// The scale of the file's scores (default: five-point).
    #[serde(default = "five")]
    pub scale: SurveyScale,
    /// For a workbook: the sheet (default: the first).
    #[serde(default)]
    #[ts(optional)]
    pub sheet: Option<String>,
    #[serde(default)]
    pub encoding: Encoding,
    /// Check the file and say what it holds; import nothing.
    #[serde(default)]
    pub dry_run: bool,
}

fn five() -> SurveyScale {
    SurveyScale::Five
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SurveyImportReport {
    pub file_name: String,
    /// Which header each column was read from.
    pub columns: BTreeMap<String, String>,
    #[ts(type = "number")]
    pub rows: u64,
    pub responses: i64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub stores: i64,
    pub products: i64,
    /// Why rows cannot be imported: then nothing is.
    pub problems: Vec<RowProblem>,
    /// Problems beyond those listed.
    pub more_problems: i64,
    /// The batch, when the file was imported.
    pub batch_id: Option<String>,
}

/// A five-point answer as survey tools write it in words.
fn label_score(raw: &str) -> Option<f64> {
    Some(match raw {
        "非常满意" => 5.0,
        "满意" => 4.0,
        "一般" | "基本满意" => 3.0,
        "不满意" => 2.0,
        "非常不满意" => 1.0,
        _ => return None,
    })
}

/// The score on the 100-point scale.
fn score(raw: &str, scale: SurveyScale) -> Result<f64, &'static str> {
    let raw = raw.trim().trim_end_matches('分');
    let (value, range) = match scale {
        SurveyScale::Five => (label_score(raw).or_else(|| raw.parse().ok()), (1.0, 5.0)),
        SurveyScale::Hundred => (raw.trim_end_matches('%').parse().ok(), (0.0, 100.0)),
    };
    match value {
        Some(v) if v.is_finite() && v >= range.0 && v <= range.1 => Ok(match scale {
            SurveyScale::Five => v * 20.0,
            SurveyScale::Hundred => v,
        }),
        Some(_) => Err(match scale {
            SurveyScale::Five => "评分应在 1～5 之间",
            SurveyScale::Hundred => "评分应在 0～100 之间",
        }),
        None => Err("不是评分（数字或“非常满意”至“非常不满意”）"),
    }
}

/// A day as survey tools write it: `2026-11-05`, `2026/11/5`, `2026.11.5`, `2026年11月5日`,
/// `20261105`, with or without a time after it.
fn day(raw: &str) -> Option<NaiveDate> {
    let first = raw.split_whitespace().next()?;
    let first = first.split('T').next()?;
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(first, f).ok())
}

struct Stores(HashMap<String, Result<String, ()>>);

impl Stores {
    /// A unit by its code or name; `Err` for a unit that is not a store.
    fn find(&self, raw: &str) -> Option<&Result<String, ()>> {
        self.0.get(&raw.trim().to_lowercase())
    }
}

/// Checks a survey file and, unless a dry run or a row is wrong, imports it.
pub async fn import(
    db: &Db,
    actor: &Actor,
    req: SurveyImportRequest,
) -> CoreResult<SurveyImportReport> {
    actor.require(Permission::SupervisionManage)?;
    let (file_name, bytes) = read_file(&req.path)?;
    let table = read_table(&file_name, &bytes, req.encoding, req.sheet.as_deref())?;
    let sha256 = hex::encode(Sha256::digest(&bytes));

    // Columns, by header.
    let mut index: BTreeMap<SurveyColumn, usize> = BTreeMap::new();
    for (i, h) in table.headers.iter().enumerate() {
        let h = h.trim().to_lowercase();
        if let Some(c) = SurveyColumn::ALL.iter().find(|c| c.synonyms().contains(&h.as_str())) {
            index.entry(*c).or_insert(i);
        }
    }
    let missing: Vec<_> = SurveyColumn::ALL
        .iter()
        .filter(|c| c.required() && !index.contains_key(c))
        .map(|c| {
            problem(
                "file",
                FieldRule::Invalid {
                    detail: format!(
                        "缺少「{}」列（可用列名：{}）",
                        c.label(),
                        c.synonyms().join("、")
                    ),
                },
            )
        })
        .collect();
    ensure_valid(missing)?;
    if table.rows.len() > MAX_ROWS {
        return Err(CoreError::Validation(vec![problem(
            "file",
            FieldRule::Invalid { detail: format!("文件超过 {MAX_ROWS} 行，请按月拆分") },
        )]));
    }

    let mut conn = db.pool().acquire().await?;
    let units: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT id, code, name, kind FROM org_units").fetch_all(&mut *conn).await?;
    drop(conn);
    let mut stores = HashMap::new();
    for (id, code, name, kind) in units {
        let v = if kind == "store" { Ok(id) } else { Err(()) };
        stores.insert(code.to_lowercase(), v.clone());
        stores.insert(name.to_lowercase(), v);
    }
    let stores = Stores(stores);

    let today = today(db);
    let cell = |cells: &[String], c: SurveyColumn| -> String {
        index.get(&c).and_then(|i| cells.get(*i)).map(|s| s.trim().to_owned()).unwrap_or_default()
    };
    let header = |c: SurveyColumn| table.headers[index[&c]].clone();
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut more = 0i64;
    let mut report_problem = |row: u64, column: String, reason: String| {
        if problems.len() < MAX_PROBLEMS {
            problems.push(RowProblem { row, column, reason });
        } else {
            more += 1;
        }
    };
    for raw in &table.rows {
        if let Some(why) = &raw.broken {
            report_problem(raw.row, "记录".into(), why.clone());
            continue;
        }
        if raw.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut ok = true;
        let answered_on = match day(&cell(&raw.cells, SurveyColumn::Date)) {
            Some(d) if d > today => {
                report_problem(raw.row, header(SurveyColumn::Date), "日期晚于今天".into());
                ok = false;
                None
            }
            Some(d) if d.year() < 2000 => {
                report_problem(raw.row, header(SurveyColumn::Date), "日期早于 2000 年".into());
                ok = false;
                None
            }
            Some(d) => Some(d),
            None => {
                report_problem(
                    raw.row,
                    header(SurveyColumn::Date),
                    "不是日期（如 2026-11-05）".into(),
                );
                ok = false;
                None
            }
        };
        let store_raw = cell(&raw.cells, SurveyColumn::Store);
        let store_id = match stores.find(&store_raw) {
            Some(Ok(id)) => Some(id.clone()),
            Some(Err(())) => {
                report_problem(
                    raw.row,
                    header(SurveyColumn::Store),
                    format!("「{store_raw}」不是门店"),
                );
                ok = false;
                None
            }
            None => {
                report_problem(
                    raw.row,
                    header(SurveyColumn::Store),
                    if store_raw.is_empty() {
                        "门店为空".into()
                    } else {
                        format!("没有编码或名称为「{store_raw}」的门店")
                    },
                );
                ok = false;
                None
            }
        };
        let product = cell(&raw.cells, SurveyColumn::Product);
        if product.chars().count() > 60 || product.chars().any(char::is_control) {
            report_problem(
                raw.row,
                header(SurveyColumn::Product),
                "商品名称过长或含控制字符".into(),
            );
            ok = false;
        }
        let value = match score(&cell(&raw.cells, SurveyColumn::Score), req.scale) {
            Ok(v) => Some(v),
            Err(why) => {
                report_problem(raw.row, header(SurveyColumn::Score), why.into());
                ok = false;
                None
            }
        };
        let responses = if index.contains_key(&SurveyColumn::Responses) {
            let r = cell(&raw.cells, SurveyColumn::Responses);
            match r.parse::<i64>() {
                _ if r.is_empty() => 1,
                Ok(n) if (1..=1_000_000).contains(&n) => n,
                _ => {
                    report_problem(
                        raw.row,
                        header(SurveyColumn::Responses),
                        "样本数应为 1～1000000 的整数".into(),
                    );
                    ok = false;
                    1
                }
            }
        } else {
            1
        };
        if let (true, Some(d), Some(s), Some(v)) = (ok, answered_on, store_id, value) {
            rows.push(SurveyRow {
                row: raw.row,
                answered_on: d.to_string(),
                store_id: s,
                product,
                score: (v * 100.0).round() / 100.0,
                responses,
            });
        }
    }

    let mut report = SurveyImportReport {
        file_name: file_name.clone(),
        columns: index.keys().map(|c| (c.label().to_owned(), header(*c))).collect(),
        rows: rows.len() as u64,
        responses: rows.iter().map(|r| r.responses).sum(),
        first_day: rows.iter().map(|r| r.answered_on.clone()).min(),
        last_day: rows.iter().map(|r| r.answered_on.clone()).max(),
        stores: rows
            .iter()
            .map(|r| r.store_id.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len() as i64,
        products: rows
            .iter()
            .filter(|r| !r.product.is_empty())
            .map(|r| r.product.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len() as i64,
        problems,
        more_problems: more,
        batch_id: None,
    };
    if rows.is_empty() && report.problems.is_empty() {
        report.problems.push(RowProblem {
            row: 1,
            column: "文件".into(),
            reason: "没有数据行".into(),
        });
    }
    if req.dry_run || !report.problems.is_empty() {
        return Ok(report);
    }

    let mut tx = db.begin_write().await?;
    let seen: Option<String> = sqlx::query_scalar(
        "SELECT id FROM survey_batches WHERE sha256 = ? AND withdrawn_at IS NULL",
    )
    .bind(&sha256)
    .fetch_optional(&mut *tx)
    .await?;
    if seen.is_some() {
        return Err(state("survey_imported"));
    }
    let batch_id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::SurveyImported(SurveyImported {
        batch_id: batch_id.clone(),
        file_name,
        sha256,
        scale: req.scale,
        rows,
    });
    append(&mut tx, db, actor, body).await?;
    tx.commit().await?;
    report.batch_id = Some(batch_id);
    Ok(report)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SurveyBatchView {
    pub id: String,
    pub file_name: String,
    pub scale: SurveyScale,
    pub rows: i64,
    pub responses: i64,
    pub first_day: String,
    pub last_day: String,
    pub imported_by: String,
    pub imported_at: String,
    pub withdrawn_at: Option<String>,
    pub withdrawn_by: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SurveyBatchesRequest {}

/// The files imported, newest first.
pub async fn batches(
    db: &Db,
    actor: &Actor,
    _req: SurveyBatchesRequest,
) -> CoreResult<Vec<SurveyBatchView>> {
    actor.require(Permission::SupervisionManage)?;
    let rows = sqlx::query(
        "SELECT b.id, b.file_name, b.scale, b.rows, b.responses, b.first_day, b.last_day, \
         COALESCE(a.display_name, b.imported_by), b.imported_at, b.withdrawn_at, \
         COALESCE(w.display_name, b.withdrawn_by) FROM survey_batches b \
         LEFT JOIN accounts a ON a.id = b.imported_by LEFT JOIN accounts w ON w.id = b.withdrawn_by \
         ORDER BY b.imported_at DESC, b.id DESC",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| SurveyBatchView {
            id: r.get(0),
            file_name: r.get(1),
            scale: SurveyScale::from_code(r.get(2)).unwrap_or(SurveyScale::Five),
            rows: r.get(3),
            responses: r.get(4),
            first_day: r.get(5),
            last_day: r.get(6),
            imported_by: r.get(7),
            imported_at: r.get(8),
            withdrawn_at: r.get(9),
            withdrawn_by: r.get(10),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SurveyWithdrawRequest {
    pub batch_id: String,
    pub reason: String,
}

/// Takes an imported file's results back out (kept in the log, gone from the figures).
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    req: SurveyWithdrawRequest,
) -> CoreResult<Vec<SurveyBatchView>> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("reason", &req.reason, true, 500, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let withdrawn: Option<Option<String>> =
        sqlx::query_scalar("SELECT withdrawn_at FROM survey_batches WHERE id = ?")
            .bind(&req.batch_id)
            .fetch_optional(&mut *tx)
            .await?;
    match withdrawn {
        None => {
            return Err(CoreError::NotFound { entity: "survey_batch", id: req.batch_id.clone() })
        }
        Some(Some(_)) => return Err(state("survey_withdrawn")),
        Some(None) => {}
    }
    let body = EventBody::SurveyWithdrawn(SurveyWithdrawn {
        batch_id: req.batch_id.clone(),
        reason: req.reason.trim().to_owned(),
    });
    append(&mut tx, db, actor, body).await?;
    tx.commit().await?;
    batches(db, actor, SurveyBatchesRequest {}).await
}

/// What the scores are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SurveyBy {
    #[default]
    Store,
    Product,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct SurveySummaryRequest {
    /// First month `YYYY-MM` (default: eleven months before the last).
    #[ts(optional)]
    pub from: Option<String>,
    /// Last month `YYYY-MM` (default: this month).
    #[ts(optional)]
    pub to: Option<String>,
    pub by: SurveyBy,
}

/// A month of one store or product: its survey score and the complaints received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SurveyCell {
    pub month: String,
    pub responses: i64,
    /// The responses' mean score (100-point scale); none without responses.
    pub score: Option<f64>,
    pub complaints: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SurveySeries {
    /// The store's id or the product's name.
    pub key: String,
    pub label: String,
    pub cells: Vec<SurveyCell>,
    pub responses: i64,
    pub score: Option<f64>,
    pub complaints: i64,
    /// Pearson's r between the monthly score and complaints, over months with responses
    /// (none below three such months or when either does not vary). Negative: complaints rise
    /// as satisfaction falls.
    pub correlation: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SurveySummary {
    pub by: SurveyBy,
    pub months: Vec<String>,
    /// Lowest score first.
    pub series: Vec<SurveySeries>,
    /// Every store or product together, month by month.
    pub total: Vec<SurveyCell>,
}

fn month(field: &str, raw: &str) -> CoreResult<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d").map_err(|_| {
        CoreError::Validation(vec![problem(field, FieldRule::Invalid { detail: "YYYY-MM".into() })])
    })
}

/// Pearson's correlation coefficient of paired values.
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.len() < 3 {
        return None;
    }
    let (mx, my) = pairs.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return None;
    }
    Some(((sxy / (sxx * syy).sqrt()) * 1000.0).round() / 1000.0)
}

/// Scores per month for each store or product that has survey results in the months, beside
/// the complaints received for it (the same counts the statistics read).
pub async fn summary(
    db: &Db,
    actor: &Actor,
    req: SurveySummaryRequest,
) -> CoreResult<SurveySummary> {
    actor.require(Permission::SupervisionManage)?;
    let today = today(db);
    let last = match &req.to {
        Some(t) => month("to", t)?,
        None => today.with_day(1).unwrap_or(today),
    };
    let first = match &req.from {
        Some(f) => month("from", f)?,
        None => last.checked_sub_months(Months::new(11)).unwrap_or(last),
    };
    if first > last {
        return Err(CoreError::Validation(vec![problem(
            "from",
            FieldRule::Invalid { detail: "≤ to".into() },
        )]));
    }
    let mut months = Vec::new();
    let mut m = first;
    while m <= last && months.len() < 120 {
        months.push(m.format("%Y-%m").to_string());
        m = m.checked_add_months(Months::new(1)).unwrap_or(last.succ_opt().unwrap_or(last));
    }
    let (from_day, to_day) =
        (format!("{}-01", months[0]), format!("{}-31", months[months.len() - 1]));
    let (key_col, dimension) = match req.by {
        SurveyBy::Store => ("r.store_id", "store"),
        SurveyBy::Product => ("r.product", "product"),
    };
    let mut conn = db.pool().acquire().await?;
    let mut qb = QueryBuilder::<Sqlite>::new(format!(
        "SELECT {key_col}, substr(r.answered_on, 1, 7), SUM(r.responses), \
         SUM(r.score * r.responses) FROM survey_results r WHERE r.answered_on BETWEEN "
    ));
    qb.push_bind(&from_day).push(" AND ").push_bind(&to_day);
    if req.by == SurveyBy::Product {
        qb.push(" AND r.product <> ''");
    }
    qb.push(" GROUP BY 1, 2");
    let scored = qb.build().fetch_all(&mut *conn).await?;
    // key → month → (responses, score × responses)
    let mut sums: BTreeMap<String, BTreeMap<String, (i64, f64)>> = BTreeMap::new();
    for r in &scored {
        sums.entry(r.get(0)).or_default().insert(r.get(1), (r.get(2), r.get(3)));
    }
    let complaints_rows = sqlx::query(
        "SELECT key, substr(day, 1, 7), SUM(n) FROM case_counts \
         WHERE dimension = ? AND day BETWEEN ? AND ? GROUP BY 1, 2",
    )
    .bind(dimension)
    .bind(&from_day)
    .bind(&to_day)
    .fetch_all(&mut *conn)
    .await?;
    let mut complaints: HashMap<(String, String), i64> = HashMap::new();
    for r in &complaints_rows {
        complaints.insert((r.get(0), r.get(1)), r.get(2));
    }
    let names: HashMap<String, String> = if req.by == SurveyBy::Store {
        sqlx::query_as("SELECT id, name FROM org_units")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let mean = |(n, s): (i64, f64)| (n > 0).then(|| ((s / n as f64) * 10.0).round() / 10.0);
    let mut series: Vec<SurveySeries> = sums
        .into_iter()
        .map(|(key, by_month)| {
            let cells: Vec<SurveyCell> = months
                .iter()
                .map(|m| {
                    let (n, s) = by_month.get(m).copied().unwrap_or((0, 0.0));
                    SurveyCell {
                        month: m.clone(),
                        responses: n,
                        score: mean((n, s)),
                        complaints: complaints.get(&(key.clone(), m.clone())).copied().unwrap_or(0),
                    }
                })
                .collect();
            let total = by_month.values().fold((0, 0.0), |(a, b), (n, s)| (a + n, b + s));
            let pairs: Vec<(f64, f64)> =
                cells.iter().filter_map(|c| c.score.map(|s| (s, c.complaints as f64))).collect();
            SurveySeries {
                label: names.get(&key).cloned().unwrap_or_else(|| key.clone()),
                responses: total.0,
                score: mean(total),
                complaints: cells.iter().map(|c| c.complaints).sum(),
                correlation: pearson(&pairs),
                key,
                cells,
            }
        })
        .collect();
    series.sort_by(|a, b| {
        a.score
            .partial_cmp(&b.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.label.cmp(&b.label))
    });
    let total = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (n, s) = series.iter().fold((0i64, 0.0), |(a, b), x| {
                let c = &x.cells[i];
                (a + c.responses, b + c.score.unwrap_or(0.0) * c.responses as f64)
            });
            SurveyCell {
                month: m.clone(),
                responses: n,
                score: mean((n, s)),
                complaints: series.iter().map(|x| x.cells[i].complaints).sum(),
            }
        })
        .collect();
    Ok(SurveySummary { by: req.by, months, series, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_read_on_either_scale() {
        assert_eq!(score("5", SurveyScale::Five), Ok(100.0));
        assert_eq!(score("非常不满意", SurveyScale::Five), Ok(20.0));
        assert_eq!(score("4.5", SurveyScale::Five), Ok(90.0));
        assert!(score("6", SurveyScale::Five).is_err());
        assert!(score("0", SurveyScale::Five).is_err());
        assert_eq!(score("87分", SurveyScale::Hundred), Ok(87.0));
        assert!(score("101", SurveyScale::Hundred).is_err());
        assert!(score("好", SurveyScale::Hundred).is_err());
        assert!(score("NaN", SurveyScale::Five).is_err());
    }

    #[test]
    fn days_are_read_as_survey_tools_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 5).expect("day");
        for raw in [
            "2026-11-05",
            "2026/11/5",
            "2026.11.05",
            "2026年11月5日",
            "20261105",
            "2026-11-05 14:03:00",
        ] {
            assert_eq!(day(raw), Some(d), "{raw}");
        }
        assert_eq!(day("11/05/2026"), None);
        assert_eq!(day(""), None);
    }

    #[test]
    fn pearson_matches_a_hand_computation() {
        // Perfectly opposed, perfectly together, and too few points.
        assert_eq!(pearson(&[(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]), Some(-1.0));
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 4.0), (3.0, 6.0), (4.0, 8.0)]), Some(1.0));
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 4.0)]), None);
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 2.0), (3.0, 2.0)]), None);
        // x = 1..5, y = 2,4,5,4,5: r = 6 / sqrt(10 · 6) = 0.7746
        let r = pearson(&[(1.0, 2.0), (2.0, 4.0), (3.0, 5.0), (4.0, 4.0), (5.0, 5.0)]).expect("r");
        assert!((r - 0.775).abs() < 1e-9, "{r}");
    }
}
