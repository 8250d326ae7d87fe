//! `system.*`: facts about this installation.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::error::CoreResult;
use crate::storage::Db;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SystemInfoRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SystemInfo {
    pub version: String,
    pub db_path: String,
    pub schema_version: i64,
    pub site_id: String,
    pub site_code: String,
    pub site_name: String,
    pub case_count: i64,
    pub event_count: i64,
}

pub async fn info(db: &Db, _actor: &Actor, _req: SystemInfoRequest) -> CoreResult<SystemInfo> {
    let (case_count, event_count): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM events)")
            .fetch_one(db.pool())
            .await?;
    let schema_version: i64 =
        sqlx::query_scalar("PRAGMA user_version").fetch_one(db.pool()).await?;
    Ok(SystemInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        db_path: db.path().display().to_string(),
        schema_version,
        site_id: db.site().site_id.clone(),
        site_code: db.site().site_code.clone(),
        site_name: db.site().name.clone(),
        case_count,
        event_count,
    })
}
