//! Readable case numbers: `2026-HQ-000123` (year received in China time, site code, sequence).
//! Unique per site, never used as a key.

use sqlx::SqliteConnection;

use crate::error::CoreResult;
use crate::storage::Site;

/// The next number of this site for `year`, inside the caller's write transaction. The counter
/// itself is advanced by the projection when the case's event is applied.
pub async fn next(conn: &mut SqliteConnection, site: &Site, year: i32) -> CoreResult<String> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT last FROM case_no_counters WHERE site_id = ? AND year = ?")
            .bind(&site.site_id)
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(format!("{year}-{}-{:06}", site.site_code, last.unwrap_or(0) + 1))
}
