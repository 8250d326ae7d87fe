//! `roles.*`: the permission matrix, editable by administrators.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::accounts::effective_grants;
use crate::auth::{CaseScope, Permission, RoleCode};
use crate::domain::events::{EventBody, RoleUpdated};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::storage::Db;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RoleView {
    pub code: RoleCode,
    pub permissions: Vec<Permission>,
    pub case_scope: CaseScope,
    /// Whether this is still the role's default grant.
    pub is_default: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RolesListRequest {}

pub async fn list(db: &Db, actor: &Actor, _req: RolesListRequest) -> CoreResult<Vec<RoleView>> {
    actor.require_any(&[Permission::RoleEdit, Permission::AccountManage])?;
    let mut conn = db.pool().acquire().await?;
    let grants = effective_grants(&mut conn).await?;
    Ok(RoleCode::ALL
        .into_iter()
        .map(|code| {
            let grant = grants.get(&code).cloned().unwrap_or_else(|| code.default_grant());
            RoleView {
                code,
                is_default: grant == code.default_grant(),
                permissions: grant.permissions.into_iter().collect(),
                case_scope: grant.case_scope,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RoleUpdateRequest {
    pub code: RoleCode,
    pub permissions: Vec<Permission>,
    pub case_scope: CaseScope,
}

pub async fn update(db: &Db, actor: &Actor, req: RoleUpdateRequest) -> CoreResult<RoleView> {
    actor.require(Permission::RoleEdit)?;
    // The administrator role keeps what it needs to undo any edit, so nobody is locked out.
    if req.code == RoleCode::Administrator
        && !(req.permissions.contains(&Permission::AccountManage)
            && req.permissions.contains(&Permission::RoleEdit))
    {
        return Err(CoreError::Validation(vec![FieldProblem {
            field: "permissions".into(),
            rule: FieldRule::Invalid { detail: "account.manage + role.edit".into() },
        }]));
    }
    let mut permissions = req.permissions.clone();
    permissions.sort();
    permissions.dedup();
    let mut tx = db.begin_write().await?;
    let body = EventBody::RoleUpdated(RoleUpdated {
        code: req.code,
        permissions: permissions.clone(),
        case_scope: req.case_scope,
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    tx.commit().await?;
    let default = req.code.default_grant();
    Ok(RoleView {
        code: req.code,
        is_default: default.permissions.iter().copied().eq(permissions.iter().copied())
            && default.case_scope == req.case_scope,
        permissions,
        case_scope: req.case_scope,
    })
}
