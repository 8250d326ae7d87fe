//! The daily counts behind the statistics (`case_counts`, migration 0013): per dimension, day
//! (China time) and value, the cases received, merged ones left out. Triggers keep them as
//! cases are written one by one; bulk writers (the importer, a rebuild of the projections)
//! suspend the triggers and count their rows in one statement per dimension.

use sqlx::SqliteConnection;

use crate::error::CoreResult;
use crate::ops::stats::StatsDimension;

/// Each dimension: its code in `case_counts` and the expression of a case's value ('' for
/// none), as the triggers write them.
pub const DIMENSIONS: [(StatsDimension, &str, &str); 8] = [
    (StatsDimension::Category, "category", "c.category"),
    (StatsDimension::Channel, "channel", "c.channel"),
    (StatsDimension::Department, "department", "COALESCE(c.department_id, '')"),
    (StatsDimension::Store, "store", "COALESCE(c.store_id, '')"),
    (StatsDimension::Product, "product", "c.product_name"),
    (StatsDimension::Severity, "severity", "c.severity"),
    (StatsDimension::RootCause, "root_cause", "COALESCE(c.root_cause, '')"),
    (StatsDimension::Status, "status", "c.status"),
];

/// The code of a dimension in `case_counts`.
pub fn code(dimension: StatsDimension) -> &'static str {
    DIMENSIONS.iter().find(|(d, _, _)| *d == dimension).map_or("status", |(_, c, _)| c)
}

/// The counting triggers on `cases`, taken out of the schema for one bulk write.
#[must_use = "the triggers must be put back before the transaction commits"]
pub struct Suspended(Vec<String>);

/// Takes the counting triggers (`case_counts_*`, `count_days_*`) out for the rest of this
/// write transaction; the caller counts its rows ([`add_since`], [`recount`]) and puts them
/// back with [`Suspended::restore`] before it commits. Schema changes are transactional: a
/// rollback puts them back too, and no other writer can see them missing, since this
/// transaction holds the write lock. Cheaper than a `WHEN` that finds them deferred: SQLite
/// still runs a deferred trigger's program for every row (a frame allocated, the `WHEN`
/// evaluated), which cost an import of 100,000 rows a quarter of its time.
pub async fn suspend(conn: &mut SqliteConnection) -> CoreResult<Suspended> {
    let triggers: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'cases' \
         AND (name LIKE 'case\\_counts\\_%' ESCAPE '\\' OR name LIKE 'count\\_days\\_%' ESCAPE '\\') \
         ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &triggers {
        sqlx::query(&format!("DROP TRIGGER \"{name}\"")).execute(&mut *conn).await?;
    }
    Ok(Suspended(triggers.into_iter().map(|(_, sql)| sql).collect()))
}

impl Suspended {
    /// Puts the triggers back as they were.
    pub async fn restore(self, conn: &mut SqliteConnection) -> CoreResult<()> {
        for sql in self.0 {
            sqlx::query(&sql).execute(&mut *conn).await?;
        }
        Ok(())
    }
}

/// The highest rowid of `cases`: the cases inserted after it are those with a higher one.
pub async fn last_rowid(conn: &mut SqliteConnection) -> CoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM cases")
        .fetch_one(&mut *conn)
        .await?)
}

/// Counts the cases inserted after `rowid` (with the triggers suspended), and marks their days
/// changed.
pub async fn add_since(conn: &mut SqliteConnection, rowid: i64) -> CoreResult<()> {
    sqlx::query(
        "INSERT INTO count_days (day, version) SELECT DISTINCT date(c.received_at, '+8 hours'), 1 \
         FROM cases c WHERE c.rowid > ? ON CONFLICT (day) DO UPDATE SET version = version + 1",
    )
    .bind(rowid)
    .execute(&mut *conn)
    .await?;
    for (_, code, key) in DIMENSIONS {
        sqlx::query(&format!(
            "INSERT INTO case_counts (dimension, day, key, n) \
             SELECT '{code}', date(c.received_at, '+8 hours') AS day, {key} AS k, COUNT(*) \
             FROM cases c WHERE c.rowid > ? AND c.status <> 'merged' GROUP BY day, k \
             ON CONFLICT (dimension, day, key) DO UPDATE SET n = n + excluded.n"
        ))
        .bind(rowid)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Counts every case afresh (and forgets every cached cross tabulation).
pub async fn recount(conn: &mut SqliteConnection) -> CoreResult<()> {
    for table in ["case_counts", "cross_cache", "cross_cached"] {
        sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *conn).await?;
    }
    add_since(conn, i64::MIN).await
}

/// A cross tabulation of the cases received from `from` to `to` (China-time days, both
/// included) by two dimensions, merged cases left out: (value of the first, value of the
/// second, count), '' for a missing value. Read from the cache, after recounting the days of
/// the pair whose cases changed since they were cached.
pub async fn cross(
    db: &crate::storage::Db,
    pair: (StatsDimension, StatsDimension),
    (from, to): (chrono::NaiveDate, chrono::NaiveDate),
) -> CoreResult<Vec<(String, String, i64)>> {
    let name = format!("{}*{}", code(pair.0), code(pair.1));
    let (from, to) = (from.to_string(), to.to_string());
    let mut conn = db.pool().acquire().await?;
    if !stale_days(&mut conn, &name, (&from, &to)).await?.is_empty() {
        drop(conn);
        let mut tx = db.begin_write().await?;
        // Read again under the write lock: what changed meanwhile is counted too.
        let days = stale_days(&mut tx, &name, (&from, &to)).await?;
        let key = |d: StatsDimension| {
            DIMENSIONS.iter().find(|(x, _, _)| *x == d).map_or("c.status", |(_, _, k)| k)
        };
        for run in runs(&days) {
            let (first, last) = (run[0].0.clone(), run[run.len() - 1].0.clone());
            sqlx::query("DELETE FROM cross_cache WHERE pair = ? AND day BETWEEN ? AND ?")
                .bind(&name)
                .bind(&first)
                .bind(&last)
                .execute(&mut *tx)
                .await?;
            let start = crate::ops::stats::start_of(parse(&first));
            let end = crate::ops::stats::start_of(parse(&last) + chrono::Duration::days(1));
            sqlx::query(&format!(
                "INSERT INTO cross_cache (pair, day, a, b, n) \
                 SELECT ?, date(c.received_at, '+8 hours') AS day, {} AS a, {} AS b, COUNT(*) \
                 FROM cases c WHERE c.status <> 'merged' AND c.received_at >= ? \
                 AND c.received_at < ? GROUP BY day, a, b",
                key(pair.0),
                key(pair.1)
            ))
            .bind(&name)
            .bind(start)
            .bind(end)
            .execute(&mut *tx)
            .await?;
            for (day, version) in run {
                sqlx::query(
                    "INSERT INTO cross_cached (pair, day, version) VALUES (?, ?, ?) \
                     ON CONFLICT (pair, day) DO UPDATE SET version = excluded.version",
                )
                .bind(&name)
                .bind(day)
                .bind(*version)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        conn = db.pool().acquire().await?;
    }
    Ok(sqlx::query_as(
        "SELECT a, b, SUM(n) FROM cross_cache WHERE pair = ? AND day BETWEEN ? AND ? \
         GROUP BY a, b HAVING SUM(n) > 0",
    )
    .bind(&name)
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?)
}

/// The days of a period whose cases changed since the pair's counts of them were cached (or
/// that were never cached), with their current version.
async fn stale_days(
    conn: &mut SqliteConnection,
    pair: &str,
    (from, to): (&str, &str),
) -> CoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT d.day, d.version FROM count_days d LEFT JOIN cross_cached k \
         ON k.pair = ? AND k.day = d.day WHERE d.day BETWEEN ? AND ? \
         AND k.version IS NOT d.version ORDER BY d.day",
    )
    .bind(pair)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}

fn parse(day: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap_or_default()
}

/// Consecutive days in runs (each recounted with one range of the received-time index).
fn runs(days: &[(String, i64)]) -> Vec<&[(String, i64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=days.len() {
        let broken = i == days.len()
            || parse(&days[i].0) != parse(&days[i - 1].0) + chrono::Duration::days(1);
        if broken {
            out.push(&days[start..i]);
            start = i;
        }
    }
    out
}

/// Where the kept counts differ from a fresh count (none when they agree), for checks.
pub async fn differences(conn: &mut SqliteConnection) -> CoreResult<Vec<String>> {
    let mut out = Vec::new();
    for (_, code, key) in DIMENSIONS {
        let rows: Vec<(String, String, Option<i64>, Option<i64>)> = sqlx::query_as(&format!(
            "WITH fresh AS (SELECT date(c.received_at, '+8 hours') AS day, {key} AS key, \
             COUNT(*) AS n FROM cases c WHERE c.status <> 'merged' GROUP BY 1, 2), \
             kept AS (SELECT day, key, n FROM case_counts WHERE dimension = '{code}' AND n <> 0) \
             SELECT f.day, f.key, f.n, k.n FROM fresh f LEFT JOIN kept k USING (day, key) \
             WHERE k.n IS NOT f.n \
             UNION ALL SELECT k.day, k.key, NULL, k.n FROM kept k LEFT JOIN fresh f USING (day, key) \
             WHERE f.n IS NULL"
        ))
        .fetch_all(&mut *conn)
        .await?;
        out.extend(rows.into_iter().map(|(day, key, fresh, kept)| {
            format!("{code} {day} {key:?}: counted {fresh:?}, kept {kept:?}")
        }));
    }
    Ok(out)
}
