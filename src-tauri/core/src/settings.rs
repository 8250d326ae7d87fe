//! Settings an administrator can change: defaults in code, changes as `setting.changed` events.

use sqlx::SqliteConnection;

use crate::error::CoreResult;

/// Minutes without activity after which the app locks and asks for the password again.
pub const IDLE_LOCK_MINUTES: &str = "security.idle_lock_minutes";
pub const DEFAULT_IDLE_LOCK_MINUTES: i64 = 15;

pub async fn idle_lock_minutes(conn: &mut SqliteConnection) -> CoreResult<i64> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(IDLE_LOCK_MINUTES)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
}
