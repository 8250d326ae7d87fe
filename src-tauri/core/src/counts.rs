//! The daily counts behind the statistics (`case_counts`, migration 0013): per dimension, day
//! (China time) and value, the cases received, merged ones left out. Triggers keep them as
//! cases are written one by one; bulk writers (the importer, a rebuild of the projections)
//! defer the triggers and count their rows in one statement per dimension.

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

/// Stops the triggers for this transaction's writes (the caller counts them).
pub async fn defer(conn: &mut SqliteConnection) -> CoreResult<()> {
    sqlx::query("INSERT OR IGNORE INTO counts_deferred (id) VALUES (1)")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn resume(conn: &mut SqliteConnection) -> CoreResult<()> {
    sqlx::query("DELETE FROM counts_deferred").execute(&mut *conn).await?;
    Ok(())
}

/// The highest rowid of `cases`: the cases inserted after it are those with a higher one.
pub async fn last_rowid(conn: &mut SqliteConnection) -> CoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(rowid), 0) FROM cases")
        .fetch_one(&mut *conn)
        .await?)
}

/// Counts the cases inserted after `rowid` (with the triggers deferred).
pub async fn add_since(conn: &mut SqliteConnection, rowid: i64) -> CoreResult<()> {
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

/// Counts every case afresh.
pub async fn recount(conn: &mut SqliteConnection) -> CoreResult<()> {
    sqlx::query("DELETE FROM case_counts").execute(&mut *conn).await?;
    add_since(conn, i64::MIN).await
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
