//! `settings.*`: what an administrator can change about how the app behaves.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::events::{EventBody, SettingChanged};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::settings::{idle_lock_minutes, IDLE_LOCK_MINUTES};
use crate::storage::Db;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// Minutes without activity before the app locks (1–240).
    pub idle_lock_minutes: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsGetRequest {}

pub async fn get(db: &Db, _actor: &Actor, _req: SettingsGetRequest) -> CoreResult<Settings> {
    let mut conn = db.pool().acquire().await?;
    Ok(Settings { idle_lock_minutes: idle_lock_minutes(&mut conn).await? })
}

pub async fn update(db: &Db, actor: &Actor, req: Settings) -> CoreResult<Settings> {
    actor.require(Permission::AccountManage)?;
    if !(1..=240).contains(&req.idle_lock_minutes) {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "idle_lock_minutes".into(),
            rule: FieldRule::OutOfRange { min: 1, max: 240 },
        }]));
    }
    let mut tx = db.begin_write().await?;
    let body = EventBody::SettingChanged(SettingChanged {
        key: IDLE_LOCK_MINUTES.into(),
        value: serde_json::json!(req.idle_lock_minutes),
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    tx.commit().await?;
    Ok(req)
}
