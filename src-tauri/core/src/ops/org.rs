//! `org.*`: the organisation (§一(二)): company, subsidiaries and branches, departments, stores.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::events::{EventBody, OrgUnitCreated, OrgUnitUpdated};
use crate::domain::org::OrgUnitKind;
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::storage::Db;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OrgUnitView {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent_id: Option<String>,
    pub city: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OrgListRequest {}

/// Every unit; anyone signed in may read the organisation (forms need its names).
pub async fn list(db: &Db, _actor: &Actor, _req: OrgListRequest) -> CoreResult<Vec<OrgUnitView>> {
    let rows =
        sqlx::query("SELECT id, code, name, kind, parent_id, city FROM org_units ORDER BY code")
            .fetch_all(db.pool())
            .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.get(3);
            Ok(OrgUnitView {
                id: r.get(0),
                code: r.get(1),
                name: r.get(2),
                kind: OrgUnitKind::from_code(&kind)
                    .ok_or_else(|| CoreError::Internal(format!("unknown unit kind {kind}")))?,
                parent_id: r.get(4),
                city: r.get(5),
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OrgCreateRequest {
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent_id: Option<String>,
    pub city: Option<String>,
}

fn check_name(name: &str, problems: &mut Vec<FieldProblem>) {
    let len = name.trim().chars().count();
    if len == 0 {
        problems.push(FieldProblem { field: "name".into(), rule: FieldRule::Required });
    } else if len > 64 {
        problems.push(FieldProblem { field: "name".into(), rule: FieldRule::TooLong { max: 64 } });
    }
}

async fn check_parent(
    db: &Db,
    parent: Option<&str>,
    own_id: Option<&str>,
    problems: &mut Vec<FieldProblem>,
) -> CoreResult<()> {
    let Some(parent) = parent else { return Ok(()) };
    // Walking up from the parent must neither get lost nor come back to the unit itself.
    let mut cursor = Some(parent.to_owned());
    let mut steps = 0;
    while let Some(id) = cursor {
        if Some(id.as_str()) == own_id || steps > 64 {
            problems.push(FieldProblem {
                field: "parent_id".into(),
                rule: FieldRule::Invalid { detail: "cycle".into() },
            });
            return Ok(());
        }
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT parent_id FROM org_units WHERE id = ?")
                .bind(&id)
                .fetch_optional(db.pool())
                .await?;
        match row {
            Some((up,)) => cursor = up,
            None => {
                problems.push(FieldProblem {
                    field: "parent_id".into(),
                    rule: FieldRule::UnknownValue { value: id },
                });
                return Ok(());
            }
        }
        steps += 1;
    }
    Ok(())
}

pub async fn create(db: &Db, actor: &Actor, req: OrgCreateRequest) -> CoreResult<OrgUnitView> {
    actor.require(Permission::OrgEdit)?;
    let mut problems = Vec::new();
    let code = req.code.trim().to_owned();
    if code.is_empty() || code.chars().count() > 32 {
        problems.push(FieldProblem {
            field: "code".into(),
            rule: FieldRule::Invalid { detail: "1–32".into() },
        });
    } else {
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE code = ?")
            .bind(&code)
            .fetch_one(db.pool())
            .await?;
        if taken > 0 {
            problems.push(FieldProblem { field: "code".into(), rule: FieldRule::Taken });
        }
    }
    check_name(&req.name, &mut problems);
    check_parent(db, req.parent_id.as_deref(), None, &mut problems).await?;
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let view = OrgUnitView {
        id: uuid::Uuid::now_v7().to_string(),
        code,
        name: req.name.trim().to_owned(),
        kind: req.kind,
        parent_id: req.parent_id,
        city: req.city.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
    };
    let body = EventBody::OrgUnitCreated(OrgUnitCreated {
        id: view.id.clone(),
        code: view.code.clone(),
        name: view.name.clone(),
        kind: view.kind,
        parent_id: view.parent_id.clone(),
        city: view.city.clone(),
    });
    let mut tx = db.begin_write().await?;
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    tx.commit().await?;
    Ok(view)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OrgUpdateRequest {
    pub id: String,
    #[ts(optional)]
    pub name: Option<String>,
    #[ts(optional)]
    pub parent_id: Option<String>,
    #[ts(optional)]
    pub city: Option<String>,
}

pub async fn update(db: &Db, actor: &Actor, req: OrgUpdateRequest) -> CoreResult<OrgUnitView> {
    actor.require(Permission::OrgEdit)?;
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE id = ?")
        .bind(&req.id)
        .fetch_one(db.pool())
        .await?;
    if exists == 0 {
        return Err(CoreError::NotFound { entity: "org_unit", id: req.id });
    }
    let mut problems = Vec::new();
    if let Some(name) = &req.name {
        check_name(name, &mut problems);
    }
    check_parent(db, req.parent_id.as_deref(), Some(&req.id), &mut problems).await?;
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let body = EventBody::OrgUnitUpdated(OrgUnitUpdated {
        id: req.id.clone(),
        name: req.name.map(|n| n.trim().to_owned()),
        parent_id: req.parent_id.map(Some),
        city: req.city.map(|c| Some(c.trim().to_owned()).filter(|c| !c.is_empty())),
    });
    let mut tx = db.begin_write().await?;
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    tx.commit().await?;
    list(db, actor, OrgListRequest {})
        .await?
        .into_iter()
        .find(|u| u.id == req.id)
        .ok_or_else(|| CoreError::Internal("updated unit vanished".into()))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct HandlersListRequest {}

/// Someone a complaint can be transferred to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandlerView {
    pub id: String,
    pub display_name: String,
    pub unit_id: Option<String>,
    pub unit_name: Option<String>,
}

/// Active accounts that handle cases (handlers, legal, department heads): whom intake may
/// transfer a complaint to.
pub async fn handlers(
    db: &Db,
    actor: &Actor,
    _req: HandlersListRequest,
) -> CoreResult<Vec<HandlerView>> {
    // Those who transfer cases, form teams and name who carries out a plan.
    actor.require_any(&[Permission::CaseIntake, Permission::CaseHandle])?;
    let rows = sqlx::query(
        "SELECT a.id, a.display_name, a.unit_id, u.name, a.roles FROM accounts a \
         LEFT JOIN org_units u ON u.id = a.unit_id WHERE a.active = 1 ORDER BY u.code, a.username",
    )
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let roles = crate::auth::accounts::parse_roles(r.get::<&str, _>(4))?;
        let handles = roles.iter().any(|role| {
            matches!(
                role,
                crate::auth::RoleCode::Handler
                    | crate::auth::RoleCode::Legal
                    | crate::auth::RoleCode::DepartmentHead
            )
        });
        if handles {
            out.push(HandlerView {
                id: r.get(0),
                display_name: r.get(1),
                unit_id: r.get(2),
                unit_name: r.get(3),
            });
        }
    }
    Ok(out)
}
