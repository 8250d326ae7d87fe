//! Readable case numbers: `2026-HQ-000123` (year received in China time, site code, sequence).
//! Unique per site, never used as a key.

use sqlx::SqliteConnection;

use crate::error::{CoreError, CoreResult};
use crate::storage::Site;

/// The next number of this site for `year`, inside the caller's write transaction, under the
/// site code as it stands in the transaction. The counter itself is advanced by the projection
/// when the case's event is applied.
pub async fn next(conn: &mut SqliteConnection, year: i32) -> CoreResult<String> {
    let site = this_site(conn).await?;
    let last: Option<i64> =
        sqlx::query_scalar("SELECT last FROM case_no_counters WHERE site_id = ? AND year = ?")
            .bind(&site.site_id)
            .bind(year)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(format!("{year}-{}-{:06}", site.site_code, last.unwrap_or(0) + 1))
}

/// This database's site, read in the caller's transaction.
pub(crate) async fn this_site(conn: &mut SqliteConnection) -> CoreResult<Site> {
    Site::read(conn).await?.ok_or_else(|| CoreError::Internal("the site row is missing".into()))
}
