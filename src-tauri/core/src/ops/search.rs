//! `cases.search`: Chinese full-text search over the cases a person may see, ranked, with the
//! matched text marked (see `crate::search` for how one- and two-character queries work).

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::{CaseScope, Permission};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::ops::cases::{
    case_row, mask_row, push_prefix, push_scope, CaseRow, MAX_PAGE, ROW_COLUMNS, ROW_JOINS,
};
use crate::search::{self, match_expression};
use crate::storage::Db;
use crate::time;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// What the person typed: words, one or more Chinese characters, numbers, in any mix.
    pub query: String,
    /// 1–500 (default 50).
    #[ts(optional)]
    pub limit: Option<u32>,
    #[ts(optional)]
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub case: CaseRow,
    /// Which text matched: case_no (a case number typed whole or its start), content, product,
    /// product_model, order_no, result, investigation, plan or consumer.
    pub field: String,
    /// Up to about 60 characters around the first match.
    pub snippet: String,
    /// Matched ranges in `snippet`, as [start, end) character offsets.
    pub marks: Vec<[u32; 2]>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SearchResponse {
    /// Cases that match, over all pages.
    pub total: i64,
    pub offset: u32,
    /// Best match first (bm25); with more than `RANKED_UP_TO` matches, newest first instead.
    pub ranked: bool,
    pub items: Vec<SearchHit>,
}

/// Up to this many matches the hits are ranked by relevance; beyond it, ranking every match
/// would cost more than it helps (a person narrows such a search), so the newest come first.
pub const RANKED_UP_TO: i64 = 5_000;

/// Characters of context on each side of the first match.
const CONTEXT: usize = 24;

fn snippet(text: &str, query: &str) -> Option<(String, Vec<[u32; 2]>)> {
    let marks = search::marks(text, query);
    let (first, _) = *marks.first()?;
    let chars: Vec<char> = text.chars().collect();
    let start = first.saturating_sub(CONTEXT);
    let end = (first + CONTEXT * 2).min(chars.len());
    let mut out: String = chars[start..end].iter().collect();
    let mut shift = 0u32;
    if start > 0 {
        out.insert(0, '…');
        shift = 1;
    }
    if end < chars.len() {
        out.push('…');
    }
    let marks = marks
        .into_iter()
        .filter(|(s, e)| *s >= start && *e <= end)
        .map(|(s, e)| [(s - start) as u32 + shift, (e - start) as u32 + shift])
        .collect();
    Some((out, marks))
}

/// A case number typed or pasted whole, or its start (`2026-SH01-0000`): the cases it names,
/// when there are any. Letters are taken in capitals, as numbers are given.
fn case_no_prefix(query: &str) -> Option<String> {
    let q = query.trim();
    let shaped = q.len() >= 6
        && q.contains('-')
        && q.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && q.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    shaped.then(|| q.to_ascii_uppercase())
}

async fn by_case_no(
    db: &Db,
    actor: &Actor,
    query: &str,
    limit: u32,
    offset: u32,
) -> CoreResult<Option<SearchResponse>> {
    let Some(prefix) = case_no_prefix(query) else { return Ok(None) };
    let filter = |qb: &mut QueryBuilder<'_, Sqlite>| {
        let clause = if push_scope(qb, actor) { " AND " } else { " WHERE " };
        qb.push(clause);
        push_prefix(qb, "c.case_no", &prefix);
    };
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c");
    filter(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(db.pool()).await?;
    if total == 0 {
        return Ok(None);
    }
    let mut page = QueryBuilder::<Sqlite>::new(format!("SELECT {ROW_COLUMNS}{ROW_JOINS}"));
    filter(&mut page);
    page.push(" ORDER BY c.case_no LIMIT ")
        .push_bind(i64::from(limit))
        .push(" OFFSET ")
        .push_bind(i64::from(offset));
    let rows = page.build().fetch_all(db.pool()).await?;
    let now = time::to_db(db.now());
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let case = mask_row(case_row(row, &now)?, actor, row);
        let marks = vec![[0, prefix.chars().count() as u32]];
        items.push(SearchHit {
            snippet: case.case_no.clone(),
            case,
            field: "case_no".into(),
            marks,
        });
    }
    // Exact matches in number order: nothing to narrow.
    Ok(Some(SearchResponse { total, offset, ranked: true, items }))
}

pub async fn search(db: &Db, actor: &Actor, req: SearchRequest) -> CoreResult<SearchResponse> {
    actor.require(Permission::CaseView)?;
    let limit = req.limit.unwrap_or(50);
    let mut problems = Vec::new();
    if !(1..=MAX_PAGE).contains(&limit) {
        problems.push(FieldProblem {
            field: "limit".into(),
            rule: FieldRule::OutOfRange { min: 1, max: i64::from(MAX_PAGE) },
        });
    }
    if req.query.chars().count() > 200 {
        problems
            .push(FieldProblem { field: "query".into(), rule: FieldRule::TooLong { max: 200 } });
    }
    let people = actor.may(Permission::CaseContact);
    let expr = match_expression(&req.query, people);
    if expr.is_none() {
        problems.push(FieldProblem { field: "query".into(), rule: FieldRule::Required });
    }
    let (Some(expr), true) = (expr, problems.is_empty()) else {
        return Err(CoreError::Validation(problems));
    };
    let offset = req.offset.unwrap_or(0);
    if let Some(found) = by_case_no(db, actor, &req.query, limit, offset).await? {
        return Ok(found);
    }
    let unscoped = actor.grant.case_scope == CaseScope::All;
    let filter = |qb: &mut QueryBuilder<'_, Sqlite>| {
        qb.push(
            " JOIN search_rows r ON r.case_id = c.id JOIN case_search fts ON fts.rowid = r.row",
        );
        let clause = if push_scope(qb, actor) { " AND " } else { " WHERE " };
        qb.push(clause).push("fts.case_search MATCH ").push_bind(expr.clone());
    };
    let total: i64 = if unscoped {
        // Counted in the index alone: no row of `cases` needs reading.
        sqlx::query_scalar("SELECT COUNT(*) FROM case_search WHERE case_search MATCH ?")
            .bind(&expr)
            .fetch_one(db.pool())
            .await?
    } else {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM cases c");
        filter(&mut count);
        count.build_query_scalar().fetch_one(db.pool()).await?
    };
    let ranked = total <= RANKED_UP_TO;
    let rows = if unscoped {
        // The page is chosen in the index (by rank, or newest first by index row), then only
        // its cases are read.
        let order = if ranked { "rank" } else { "rowid DESC" };
        let chosen: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY {order} LIMIT ? OFFSET ?"
        ))
        .bind(&expr)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(db.pool())
        .await?;
        let mut page = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {ROW_COLUMNS}, r.row{ROW_JOINS} JOIN search_rows r ON r.case_id = c.id WHERE r.row IN ("
        ));
        let mut list = page.separated(", ");
        for row in &chosen {
            list.push_bind(*row);
        }
        page.push(")");
        let mut rows =
            if chosen.is_empty() { Vec::new() } else { page.build().fetch_all(db.pool()).await? };
        let position = |row: &sqlx::sqlite::SqliteRow| {
            let r: i64 = row.get("row");
            chosen.iter().position(|x| *x == r).unwrap_or(usize::MAX)
        };
        rows.sort_by_key(position);
        rows
    } else {
        let mut page = QueryBuilder::<Sqlite>::new(format!("SELECT {ROW_COLUMNS}{ROW_JOINS}"));
        filter(&mut page);
        let order =
            if ranked { "bm25(fts.case_search), c.received_at DESC" } else { "c.received_at DESC" };
        page.push(format!(" ORDER BY {order} LIMIT "))
            .push_bind(i64::from(limit))
            .push(" OFFSET ")
            .push_bind(i64::from(offset));
        page.build().fetch_all(db.pool()).await?
    };
    let now = time::to_db(db.now());
    let mut conn = db.pool().acquire().await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let case = mask_row(case_row(row, &now)?, actor, row);
        let text = search::case_text(&mut conn, &case.id).await?;
        let mut hit = None;
        if let Some(text) = &text {
            hit = text.fields.iter().find_map(|(field, value)| {
                snippet(value, &req.query).map(|(s, m)| ((*field).to_owned(), s, m))
            });
            if hit.is_none() && people {
                hit = snippet(&case.consumer_name, &req.query)
                    .map(|(s, m)| ("consumer".to_owned(), s, m));
            }
        }
        let (field, snippet, marks) = hit.unwrap_or_else(|| {
            // Pieces matched in different places (a word here, a character there): show the
            // start of the complaint.
            let content = text
                .as_ref()
                .and_then(|t| t.fields.first().map(|(_, v)| v.chars().take(CONTEXT * 2).collect()))
                .unwrap_or_default();
            ("content".to_owned(), content, Vec::new())
        });
        items.push(SearchHit { case, field, snippet, marks });
    }
    Ok(SearchResponse { total, offset, ranked, items })
}
