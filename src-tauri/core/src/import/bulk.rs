//! Writing a batch of imported cases in a few set-based statements instead of two dozen per
//! case: the events are appended in bulk (`event_log::append_bulk`, chained and clocked as
//! usual) and their projection — consumers, keys, cases in their final state, import origins,
//! case-number counters, the search index — is written here in multi-row statements.
//!
//! This is the same state `projection::apply` folds from those events one by one: a test
//! imports, rebuilds every projection from the log and compares (tests/import.rs).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::ImportedCase;
use crate::actor::Actor;
use crate::calendar::Calendar;
use crate::domain::case::{CaseStatus, Complexity};
use crate::domain::events::{
    CaseClosed, CaseCreated, CaseTransitioned, EventBody, ImportOrigin, SealedCaseText,
};
use crate::error::CoreResult;
use crate::event_log::{self, NewEvent};
use crate::pii::{self, ConsumerKey};
use crate::search::{self, CaseText};
use crate::storage::Db;
use crate::time::{china, to_db};

/// Rows per multi-row statement (the widest, `cases`, binds 36 values a row).
const ROWS_PER_STATEMENT: usize = 200;

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
    for chunk in fresh.chunks(ROWS_PER_STATEMENT) {
        let mut qb = QueryBuilder::<Sqlite>::new("INSERT INTO consumer_keys (consumer_id, key) ");
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

/// One case as it will be written: its events and its final state.
struct Planned<'a> {
    row: &'a ImportedCase,
    case_id: String,
    consumer_id: String,
    created: CaseCreated,
    /// Closed or moved on: when, and the event.
    next: Option<(DateTime<Utc>, EventBody)>,
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
    let consumer_ids = consumers(conn, rows).await?;
    let keys = keys(conn, &consumer_ids).await?;
    let year_of = |r: &ImportedCase| r.received_at.with_timezone(&china()).year();
    let mut numbers = Numbers::load(conn, db, rows.iter().map(|r| year_of(r))).await?;

    let mut planned = Vec::with_capacity(rows.len());
    for (row, consumer_id) in rows.iter().copied().zip(consumer_ids) {
        let key = &keys[&consumer_id];
        let sealed = pii::seal(
            key,
            &consumer_id,
            &SealedCaseText { consumer: row.consumer.clone(), content: row.content.clone() },
        )?;
        let (_, resolve_days) = crate::settings::limits_for(rules, &row.channel, row.severity);
        let due = calendar.add_working_days(row.received_at, resolve_days);
        let created = CaseCreated {
            case_no: numbers.next(year_of(row)),
            received_at: to_db(row.received_at),
            channel: row.channel.clone(),
            store_id: row.store_id.clone(),
            department_id: row.department_id.clone(),
            consumer_id: consumer_id.clone(),
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
            }),
        };
        let next = match row.status {
            CaseStatus::Received | CaseStatus::Merged => None,
            CaseStatus::Closed => Some((
                row.closed_at.unwrap_or(row.received_at),
                EventBody::CaseClosed(CaseClosed {
                    result: row.result.clone().unwrap_or_default(),
                    satisfaction: row.satisfaction,
                    root_cause: None,
                    typical: false,
                }),
            )),
            to => Some((
                row.received_at,
                EventBody::CaseTransitioned(CaseTransitioned {
                    from: CaseStatus::Received,
                    to,
                    note: Some("导入时的状态".into()),
                }),
            )),
        };
        planned.push(Planned {
            row,
            case_id: uuid::Uuid::now_v7().to_string(),
            consumer_id,
            created,
            next,
        });
    }

    let mut events = Vec::with_capacity(planned.len() * 2);
    for p in &planned {
        let case_id = Some(p.case_id.clone());
        events.push(NewEvent {
            case_id: case_id.clone(),
            occurred_at: p.row.received_at,
            body: EventBody::CaseCreated(Box::new(p.created.clone())),
        });
        if let Some((at, body)) = &p.next {
            events.push(NewEvent { case_id, occurred_at: *at, body: body.clone() });
        }
    }
    let stored = event_log::append_bulk(conn, db, actor, events).await?;
    // (created hlc, last hlc, when the last event happened) of each case, in order.
    let mut clocks = Vec::with_capacity(planned.len());
    let mut it = stored.iter();
    for p in &planned {
        let first =
            it.next().ok_or_else(|| crate::error::CoreError::Internal("bulk events".into()))?;
        let last = if p.next.is_some() { it.next().unwrap_or(first) } else { first };
        clocks.push((first.hlc, last.hlc, last.occurred_at.clone()));
    }

    for chunk in planned.chunks(ROWS_PER_STATEMENT) {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO consumers (id, name, mobile, landline, email, address, erased) ",
        );
        qb.push_values(chunk, |mut b, p| {
            let c = &p.row.consumer;
            b.push_bind(p.consumer_id.clone())
                .push_bind(c.name.clone())
                .push_bind(c.mobile.clone())
                .push_bind(c.landline.clone())
                .push_bind(c.email.clone())
                .push_bind(c.address.clone())
                .push_bind(0i64);
        });
        qb.push(
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, mobile = excluded.mobile, \
             landline = excluded.landline, email = excluded.email, address = excluded.address, \
             erased = excluded.erased",
        );
        qb.build().execute(&mut *conn).await?;
    }
    let site_id = db.site().site_id.clone();
    for (chunk, clocks) in planned.chunks(ROWS_PER_STATEMENT).zip(clocks.chunks(ROWS_PER_STATEMENT))
    {
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO cases (id, case_no, site_id, received_at, channel, store_id, department_id, \
             consumer_id, product_name, product_model, quantity, amount_paid_fen, order_no, purchased_at, \
             category, severity, complexity, content, demand, demand_amount_fen, status, received_by, \
             handler, due_at, created_hlc, updated_hlc, received_by_id, handler_id, expected_resolution, \
             ack_due_at, acknowledged_at, closed_at, result, satisfaction, root_cause, typical) ",
        );
        qb.push_values(chunk.iter().zip(clocks), |mut b, (p, (created_hlc, last_hlc, last_at))| {
            let c = &p.created;
            let closed = p.row.status == CaseStatus::Closed;
            let status = if p.row.status == CaseStatus::Merged {
                CaseStatus::Received
            } else {
                p.row.status
            };
            b.push_bind(p.case_id.clone())
                .push_bind(c.case_no.clone())
                .push_bind(site_id.clone())
                .push_bind(c.received_at.clone())
                .push_bind(c.channel.clone())
                .push_bind(c.store_id.clone())
                .push_bind(c.department_id.clone())
                .push_bind(c.consumer_id.clone())
                .push_bind(c.product_name.clone())
                .push_bind(c.product_model.clone())
                .push_bind(c.quantity)
                .push_bind(c.amount_paid_fen)
                .push_bind(c.order_no.clone())
                .push_bind(c.purchased_at.clone())
                .push_bind(c.category.clone())
                .push_bind(c.severity.code())
                .push_bind(c.complexity.code())
                .push_bind(p.row.content.clone())
                .push_bind(c.demand.code())
                .push_bind(c.demand_amount_fen)
                .push_bind(status.code())
                .push_bind(c.received_by.clone())
                .push_bind(c.handler.clone())
                .push_bind(c.due_at.clone())
                .push_bind(*created_hlc)
                .push_bind(*last_hlc)
                .push_bind(c.received_by_id.clone())
                .push_bind(c.handler_id.clone())
                .push_bind(c.expected_resolution.clone())
                .push_bind(c.ack_due_at.clone())
                .push_bind(c.acknowledged.then(|| c.received_at.clone()))
                .push_bind(closed.then(|| last_at.clone()))
                .push_bind(if closed {
                    Some(p.row.result.clone().unwrap_or_default())
                } else {
                    None
                })
                .push_bind(if closed { p.row.satisfaction.map(|s| s.code()) } else { None })
                .push_bind(None::<String>)
                .push_bind(0i64);
        });
        qb.build().execute(&mut *conn).await?;

        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO case_imports (case_id, batch_id, source, key, row) ",
        );
        qb.push_values(chunk, |mut b, p| {
            b.push_bind(p.case_id.clone())
                .push_bind(batch_id.to_owned())
                .push_bind(source.to_owned())
                .push_bind(p.row.key.clone())
                .push_bind(i64::try_from(p.row.row).unwrap_or(i64::MAX));
        });
        qb.build().execute(&mut *conn).await?;
    }
    for (year, last) in &numbers.last {
        sqlx::query(
            "INSERT INTO case_no_counters (site_id, year, last) VALUES (?, ?, ?) \
             ON CONFLICT (site_id, year) DO UPDATE SET last = MAX(last, excluded.last)",
        )
        .bind(&site_id)
        .bind(year)
        .bind(last)
        .execute(&mut *conn)
        .await?;
    }

    // The search index, from the text in hand (what `search::case_text` would read back).
    let first_row: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(row), 0) + 1 FROM search_rows")
        .fetch_one(&mut *conn)
        .await?;
    let indexed: Vec<(i64, &Planned<'_>, (search::Tokens, search::Tokens))> = planned
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let r = p.row;
            let mut fields =
                vec![("content", r.content.clone()), ("product", r.product_name.clone())];
            if let Some(m) = &r.product_model {
                fields.push(("product_model", m.clone()));
            }
            if let Some(o) = &r.order_no {
                fields.push(("order_no", o.clone()));
            }
            if r.status == CaseStatus::Closed {
                fields.push(("result", r.result.clone().unwrap_or_default()));
            }
            let text = CaseText { fields, person: r.consumer.name.clone() };
            (first_row + i as i64, p, search::tokens(&text))
        })
        .collect();
    for chunk in indexed.chunks(ROWS_PER_STATEMENT) {
        let mut qb = QueryBuilder::<Sqlite>::new("INSERT INTO search_rows (case_id, row) ");
        qb.push_values(chunk, |mut b, (row, p, _)| {
            b.push_bind(p.case_id.clone()).push_bind(*row);
        });
        qb.build().execute(&mut *conn).await?;
        let mut qb = QueryBuilder::<Sqlite>::new(
            "INSERT INTO case_search (rowid, bi, uni, who_bi, who_uni) ",
        );
        qb.push_values(chunk, |mut b, (row, _, (body, who))| {
            b.push_bind(*row)
                .push_bind(body.bigrams.clone())
                .push_bind(body.unigrams.clone())
                .push_bind(who.bigrams.clone())
                .push_bind(who.unigrams.clone());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}
