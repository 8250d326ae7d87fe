//! Writing a batch of imported cases in a few set-based statements instead of two dozen per
//! case: the events are appended in bulk (`event_log::append_bulk`, chained and clocked as
//! usual) and their projection — consumers, keys, cases in their final state, import origins,
//! case-number counters, the search index — is written here in multi-row statements.
//!
//! This is the same state `projection::apply` folds from those events one by one: a test
//! imports, rebuilds every projection from the log and compares (tests/import.rs).

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::ImportedCase;
use crate::actor::Actor;
use crate::calendar::Calendar;
use crate::domain::case::{CaseStatus, Complexity};
use crate::domain::events::{CaseCreated, EventBody, ImportOrigin, ImportedState, SealedCaseText};
use crate::error::CoreResult;
use crate::event_log::{self, NewEvent};
use crate::pii::{self, ConsumerKey};
use crate::search::{self, CaseText};
use crate::storage::Db;
use crate::time::{china, to_db};

/// Bound values per multi-row statement: under SQLite's limit (32,766), so that a batch takes
/// few statements (each one parsed, and each a flush of the full-text index's pending terms).
const BINDS_PER_STATEMENT: usize = 32_000;

// Every statement here is `INSERT OR FAIL`: a failing row fails the statement without undoing
// the rows before it — the caller's transaction is then rolled back whole — so SQLite keeps no
// statement journal of the pages a multi-row insert changes (that journal was a tenth of an
// import's time).

/// Rows per statement for a table written `columns` values a row.
const fn rows_per_statement(columns: usize) -> usize {
    BINDS_PER_STATEMENT / columns
}

/// The consumer of each row: found by mobile number as at intake (a merged record stands for
/// the one it was merged into), else new; one new record for repeated numbers in the batch.
async fn consumers(conn: &mut SqliteConnection, rows: &[&ImportedCase]) -> CoreResult<Vec<String>> {
    let mut by_mobile: HashMap<String, String> = HashMap::new();
    let mobiles: Vec<String> = {
        let mut m: Vec<String> = rows.iter().filter_map(|r| r.consumer.mobile.clone()).collect();
        m.sort();
        m.dedup();
        m
    };
    for chunk in mobiles.chunks(500) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT mobile, id, merged_into FROM consumers WHERE erased = 0 AND mobile IN (",
        );
        let mut list = qb.separated(", ");
        for m in chunk {
            list.push_bind(m.clone());
        }
        qb.push(") ORDER BY merged_into IS NOT NULL, rowid");
        let found: Vec<(String, String, Option<String>)> =
            qb.build_query_as().fetch_all(&mut *conn).await?;
        for (mobile, id, merged_into) in found {
            if by_mobile.contains_key(&mobile) {
                continue;
            }
            let id = match merged_into {
                // Rare: follow the merges the way intake does.
                Some(_) => {
                    let contact = crate::domain::case::ConsumerContact {
                        name: String::new(),
                        mobile: Some(mobile.clone()),
                        landline: None,
                        email: None,
                        address: None,
                    };
                    crate::ops::intake::consumer_for(conn, &contact).await?
                }
                None => id,
            };
            by_mobile.insert(mobile, id);
        }
    }
    Ok(rows
        .iter()
        .map(|r| match &r.consumer.mobile {
            Some(m) => by_mobile
                .entry(m.clone())
                .or_insert_with(|| uuid::Uuid::now_v7().to_string())
                .clone(),
            None => uuid::Uuid::now_v7().to_string(),
        })
        .collect())
}

/// Each consumer's key: the stored one, or a new one (stored here).
async fn keys(
    conn: &mut SqliteConnection,
    ids: &[String],
) -> CoreResult<HashMap<String, ConsumerKey>> {
    let mut distinct: Vec<&String> = ids.iter().collect();
    distinct.sort();
    distinct.dedup();
    let mut keys = HashMap::new();
    for chunk in distinct.chunks(500) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "SELECT consumer_id, key FROM consumer_keys WHERE consumer_id IN (",
        );
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind((*id).clone());
        }
        qb.push(")");
        let found: Vec<(String, Option<Vec<u8>>)> =
            qb.build_query_as().fetch_all(&mut *conn).await?;
        for (id, key) in found {
            // Consumers found by mobile are never erased ones; a missing key is made below.
            if let Some(key) = key.and_then(|k| ConsumerKey::try_from(k.as_slice()).ok()) {
                keys.insert(id, key);
            }
        }
    }
    let fresh: Vec<(String, ConsumerKey)> = distinct
        .iter()
        .filter(|id| !keys.contains_key(**id))
        .map(|id| ((*id).clone(), pii::new_key()))
        .collect();
    for chunk in fresh.chunks(rows_per_statement(2)) {
        let mut qb =
            QueryBuilder::<Sqlite>::new("INSERT OR FAIL INTO consumer_keys (consumer_id, key) ");
        qb.push_values(chunk, |mut b, (id, key)| {
            b.push_bind(id.clone()).push_bind(key.to_vec());
        });
        qb.build().execute(&mut *conn).await?;
    }
    keys.extend(fresh);
    Ok(keys)
}

/// The next case numbers of this site per received year, counted on in memory.
struct Numbers {
    site_code: String,
    last: BTreeMap<i32, i64>,
}

impl Numbers {
    async fn load(
        conn: &mut SqliteConnection,
        db: &Db,
        years: impl Iterator<Item = i32>,
    ) -> CoreResult<Numbers> {
        let mut last = BTreeMap::new();
        for year in years {
            if last.contains_key(&year) {
                continue;
            }
            let n: Option<i64> = sqlx::query_scalar(
                "SELECT last FROM case_no_counters WHERE site_id = ? AND year = ?",
            )
            .bind(&db.site().site_id)
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?;
            last.insert(year, n.unwrap_or(0));
        }
        Ok(Numbers { site_code: db.site().site_code.clone(), last })
    }

    fn next(&mut self, year: i32) -> String {
        let n = self.last.entry(year).or_insert(0);
        *n += 1;
        format!("{year}-{}-{:06}", self.site_code, n)
    }
}

/// One case as it will be written: its one event, which holds its final state.
struct Planned<'a> {
    row: &'a ImportedCase,
    event: NewEvent,
}

impl Planned<'_> {
    fn created(&self) -> &CaseCreated {
        match &self.event.body {
            EventBody::CaseCreated(c) => c,
            _ => unreachable!("an imported case is planned as its creation"),
        }
    }

    fn case_id(&self) -> &str {
        self.event.case_id.as_deref().unwrap_or_default()
    }

    fn state(&self) -> Option<&ImportedState> {
        self.created().import.as_ref().and_then(|o| o.state.as_ref())
    }
}

/// One case's event, holding its final state, from its row (pure: run on every core).
#[allow(clippy::too_many_arguments)]
fn plan<'a>(
    row: &'a ImportedCase,
    (consumer_id, case_id, case_no): (&str, &str, &str),
    key: &ConsumerKey,
    actor: &Actor,
    batch_id: &str,
    source: &str,
    calendar: &Calendar,
    rules: &[crate::settings::DeadlineRule],
) -> CoreResult<Planned<'a>> {
    let sealed = pii::seal(
        key,
        consumer_id,
        &SealedCaseText { consumer: row.consumer.clone(), content: row.content.clone() },
    )?;
    let (_, resolve_days) = crate::settings::limits_for(rules, &row.channel, row.severity);
    let due = calendar.add_working_days(row.received_at, resolve_days);
    let created = CaseCreated {
        case_no: case_no.to_owned(),
        received_at: to_db(row.received_at),
        channel: row.channel.clone(),
        store_id: row.store_id.clone(),
        department_id: row.department_id.clone(),
        consumer_id: consumer_id.to_owned(),
        sealed,
        product_name: row.product_name.clone(),
        product_model: row.product_model.clone(),
        quantity: 1,
        amount_paid_fen: row.amount_paid_fen,
        order_no: row.order_no.clone(),
        purchased_at: row.purchased_at.clone(),
        category: row.category.clone(),
        severity: row.severity,
        complexity: Complexity::Complex,
        demand: row.demand,
        demand_amount_fen: row.demand_amount_fen,
        received_by: actor.display_name.clone(),
        received_by_id: Some(actor.id.clone()),
        handler: row.handler.clone(),
        handler_id: None,
        due_at: Some(to_db(due)),
        expected_resolution: None,
        ack_due_at: None,
        // The file records a complaint already under way: no acknowledgment to chase.
        acknowledged: true,
        import: Some(ImportOrigin {
            batch_id: batch_id.to_owned(),
            source: source.to_owned(),
            key: row.key.clone(),
            row: row.row,
            state: match row.status {
                // A merge is recorded against another case here; the file's case arrives open.
                CaseStatus::Received | CaseStatus::Merged => None,
                CaseStatus::Closed => Some(ImportedState {
                    status: CaseStatus::Closed,
                    closed_at: Some(to_db(row.closed_at.unwrap_or(row.received_at))),
                    result: Some(row.result.clone().unwrap_or_default()),
                    satisfaction: row.satisfaction,
                }),
                status => Some(ImportedState {
                    status,
                    closed_at: None,
                    result: None,
                    satisfaction: None,
                }),
            },
        }),
    };
    Ok(Planned {
        row,
        event: NewEvent {
            case_id: Some(case_id.to_owned()),
            occurred_at: row.received_at,
            body: EventBody::CaseCreated(Box::new(created)),
        },
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn write_batch(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    rows: &[&ImportedCase],
    batch_id: &str,
    source: &str,
    calendar: &Calendar,
    rules: &[crate::settings::DeadlineRule],
) -> CoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // The statistics' daily counts: the batch's cases are counted together at the end.
    let before = crate::counts::last_rowid(conn).await?;
    let triggers = crate::counts::suspend(conn).await?;
    let consumer_ids = consumers(conn, rows).await?;
    let keys = keys(conn, &consumer_ids).await?;
    let year_of = |r: &ImportedCase| r.received_at.with_timezone(&china()).year();
    let mut numbers = Numbers::load(conn, db, rows.iter().map(|r| year_of(r))).await?;

    // Ids and numbers in the file's order (ids are time-ordered, and the search index numbers
    // its rows in their order on a rebuild); the rest of each case, sealing above all, on every
    // core.
    let numbered: Vec<(&ImportedCase, String, String, String)> = rows
        .iter()
        .copied()
        .zip(consumer_ids)
        .map(|(row, consumer_id)| {
            let case_id = uuid::Uuid::now_v7().to_string();
            (row, consumer_id, case_id, numbers.next(year_of(row)))
        })
        .collect();
    let planned = crate::parallel::map(&numbered, |(row, consumer_id, case_id, case_no)| {
        let ids = (consumer_id.as_str(), case_id.as_str(), case_no.as_str());
        plan(row, ids, &keys[consumer_id], actor, batch_id, source, calendar, rules)
    })
    .into_iter()
    .collect::<CoreResult<Vec<Planned<'_>>>>()?;

    let events: Vec<&NewEvent> = planned.iter().map(|p| &p.event).collect();
    let stored = event_log::append_bulk(conn, db, actor, &events).await?;

    for chunk in planned.chunks(rows_per_statement(7)) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT OR FAIL INTO consumers (id, name, mobile, landline, email, address, erased) ",
        );
        qb.push_values(chunk, |mut b, p| {
            let c = &p.row.consumer;
            b.push_bind(p.created().consumer_id.as_str())
                .push_bind(c.name.as_str())
                .push_bind(c.mobile.as_deref())
                .push_bind(c.landline.as_deref())
                .push_bind(c.email.as_deref())
                .push_bind(c.address.as_deref())
                .push_bind(0i64);
        });
        qb.push(
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, mobile = excluded.mobile, \
             landline = excluded.landline, email = excluded.email, address = excluded.address, \
             erased = excluded.erased",
        );
        qb.build().execute(&mut *conn).await?;
    }
    let site = db.site();
    let site_id = site.site_id.as_str();
    const CASE_ROWS: usize = 200;
    for (chunk, stored) in planned.chunks(CASE_ROWS).zip(stored.chunks(CASE_ROWS)) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT OR FAIL INTO cases (id, case_no, site_id, received_at, channel, store_id, department_id, \
             consumer_id, product_name, product_model, quantity, amount_paid_fen, order_no, purchased_at, \
             category, severity, complexity, content, demand, demand_amount_fen, status, received_by, \
             handler, due_at, created_hlc, updated_hlc, received_by_id, handler_id, expected_resolution, \
             ack_due_at, acknowledged_at, closed_at, result, satisfaction, root_cause, typical) ",
        );
        qb.push_values(chunk.iter().zip(stored), |mut b, (p, event)| {
            let c = p.created();
            let state = p.state();
            b.push_bind(p.case_id())
                .push_bind(c.case_no.as_str())
                .push_bind(site_id)
                .push_bind(c.received_at.as_str())
                .push_bind(c.channel.as_str())
                .push_bind(c.store_id.as_deref())
                .push_bind(c.department_id.as_deref())
                .push_bind(c.consumer_id.as_str())
                .push_bind(c.product_name.as_str())
                .push_bind(c.product_model.as_deref())
                .push_bind(c.quantity)
                .push_bind(c.amount_paid_fen)
                .push_bind(c.order_no.as_deref())
                .push_bind(c.purchased_at.as_deref())
                .push_bind(c.category.as_str())
                .push_bind(c.severity.code())
                .push_bind(c.complexity.code())
                .push_bind(p.row.content.as_str())
                .push_bind(c.demand.code())
                .push_bind(c.demand_amount_fen)
                .push_bind(state.map_or(CaseStatus::Received, |s| s.status).code())
                .push_bind(c.received_by.as_str())
                .push_bind(c.handler.as_deref())
                .push_bind(c.due_at.as_deref())
                .push_bind(event.hlc)
                .push_bind(event.hlc)
                .push_bind(c.received_by_id.as_deref())
                .push_bind(c.handler_id.as_deref())
                .push_bind(c.expected_resolution.as_deref())
                .push_bind(c.ack_due_at.as_deref())
                .push_bind(c.acknowledged.then_some(c.received_at.as_str()))
                .push_bind(state.and_then(|s| s.closed_at.as_deref()))
                .push_bind(state.and_then(|s| s.result.as_deref()))
                .push_bind(state.and_then(|s| s.satisfaction).map(|s| s.code()))
                .push_bind(None::<&str>)
                .push_bind(0i64);
        });
        qb.build().execute(&mut *conn).await?;

        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT OR FAIL INTO case_imports (case_id, batch_id, source, key, row) ",
        );
        qb.push_values(chunk, |mut b, p| {
            b.push_bind(p.case_id())
                .push_bind(batch_id)
                .push_bind(source)
                .push_bind(p.row.key.as_str())
                .push_bind(i64::try_from(p.row.row).unwrap_or(i64::MAX));
        });
        qb.build().execute(&mut *conn).await?;
    }
    for (year, last) in &numbers.last {
        sqlx::query(
            "INSERT INTO case_no_counters (site_id, year, last) VALUES (?, ?, ?) \
             ON CONFLICT (site_id, year) DO UPDATE SET last = MAX(last, excluded.last)",
        )
        .bind(site_id)
        .bind(year)
        .bind(last)
        .execute(&mut *conn)
        .await?;
    }

    // The search index, from the text in hand (what `search::case_text` would read back).
    let first_row: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(row), 0) + 1 FROM search_rows")
        .fetch_one(&mut *conn)
        .await?;
    let tokens = crate::parallel::map(&planned, |p| {
        let r = p.row;
        let mut fields = vec![("content", r.content.clone()), ("product", r.product_name.clone())];
        if let Some(m) = &r.product_model {
            fields.push(("product_model", m.clone()));
        }
        if let Some(o) = &r.order_no {
            fields.push(("order_no", o.clone()));
        }
        if r.status == CaseStatus::Closed {
            fields.push(("result", r.result.clone().unwrap_or_default()));
        }
        search::tokens(&CaseText { fields, person: r.consumer.name.clone() })
    });
    let indexed: Vec<(i64, &Planned<'_>, (search::Tokens, search::Tokens))> = planned
        .iter()
        .zip(tokens)
        .enumerate()
        .map(|(i, (p, tokens))| (first_row + i as i64, p, tokens))
        .collect();
    for chunk in indexed.chunks(rows_per_statement(5)) {
        let mut qb = QueryBuilder::<Sqlite>::new("INSERT OR FAIL INTO search_rows (case_id, row) ");
        qb.push_values(chunk, |mut b, (row, p, _)| {
            b.push_bind(p.case_id()).push_bind(*row);
        });
        qb.build().execute(&mut *conn).await?;
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO case_search (rowid, bi, uni, who_bi, who_uni) ",
        );
        qb.push_values(chunk, |mut b, (row, _, (body, who))| {
            b.push_bind(*row)
                .push_bind(body.bigrams.as_str())
                .push_bind(body.unigrams.as_str())
                .push_bind(who.bigrams.as_str())
                .push_bind(who.unigrams.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    crate::counts::add_since(conn, before).await?;
    triggers.restore(conn).await?;
    Ok(())
}
