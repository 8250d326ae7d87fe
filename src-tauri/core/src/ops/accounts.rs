//! `accounts.*`: administrators manage who may sign in, with which roles, in which unit.

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::accounts::{parse_roles, store_password};
use crate::auth::{password, Permission, RoleCode};
use crate::domain::events::{
    AccountCreated, AccountPasswordSet, AccountUpdated, EventBody, PasswordSetBy,
};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::storage::Db;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<String>,
    pub unit_name: Option<String>,
    pub roles: Vec<RoleCode>,
    pub active: bool,
    /// Set while the account is locked after repeated wrong passwords.
    pub locked_until: Option<String>,
}

const VIEW_SQL: &str = "SELECT a.id, a.username, a.display_name, a.unit_id, u.name, a.roles, \
    a.active, c.locked_until FROM accounts a LEFT JOIN org_units u ON u.id = a.unit_id \
    LEFT JOIN credentials c ON c.account_id = a.id";

fn view(row: &sqlx::sqlite::SqliteRow) -> CoreResult<AccountView> {
    Ok(AccountView {
        id: row.get(0),
        username: row.get(1),
        display_name: row.get(2),
        unit_id: row.get(3),
        unit_name: row.get(4),
        roles: parse_roles(row.get::<&str, _>(5))?,
        active: row.get::<i64, _>(6) == 1,
        locked_until: row.get(7),
    })
}

pub async fn account_view(conn: &mut SqliteConnection, id: &str) -> CoreResult<AccountView> {
    let row = sqlx::query(&format!("{VIEW_SQL} WHERE a.id = ?"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "account", id: id.to_owned() })?;
    view(&row)
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AccountsListRequest {}

pub async fn list(
    db: &Db,
    actor: &Actor,
    _req: AccountsListRequest,
) -> CoreResult<Vec<AccountView>> {
    actor.require(Permission::AccountManage)?;
    let rows = sqlx::query(&format!("{VIEW_SQL} ORDER BY a.username")).fetch_all(db.pool()).await?;
    rows.iter().map(view).collect()
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AccountCreateRequest {
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<String>,
    pub roles: Vec<RoleCode>,
    /// The initial password; its holder must change it at the first sign-in.
    pub password: String,
}

pub(crate) fn check_username(username: &str, problems: &mut Vec<FieldProblem>) {
    let len = username.chars().count();
    let allowed =
        username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(3..=32).contains(&len) || !allowed {
        problems.push(FieldProblem {
            field: "username".into(),
            rule: FieldRule::Invalid { detail: "3–32: a-z 0-9 . _ -".into() },
        });
    }
}

pub(crate) fn check_display_name(name: &str, problems: &mut Vec<FieldProblem>) {
    let len = name.trim().chars().count();
    if len == 0 {
        problems.push(FieldProblem { field: "display_name".into(), rule: FieldRule::Required });
    } else if len > 32 {
        problems.push(FieldProblem {
            field: "display_name".into(),
            rule: FieldRule::TooLong { max: 32 },
        });
    }
}

pub(crate) fn check_password(field: &str, pw: &str, problems: &mut Vec<FieldProblem>) {
    if let Err(rule) = password::check_policy(pw) {
        problems.push(FieldProblem { field: field.into(), rule });
    }
}

async fn check_unit(
    conn: &mut SqliteConnection,
    unit_id: Option<&str>,
    problems: &mut Vec<FieldProblem>,
) -> CoreResult<()> {
    if let Some(unit) = unit_id {
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE id = ?")
            .bind(unit)
            .fetch_one(&mut *conn)
            .await?;
        if exists == 0 {
            problems.push(FieldProblem {
                field: "unit_id".into(),
                rule: FieldRule::UnknownValue { value: unit.to_owned() },
            });
        }
    }
    Ok(())
}

async fn username_taken(conn: &mut SqliteConnection, username: &str) -> CoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE username = ?")
        .bind(username)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

/// Creates an account with its password, in the caller's transaction. Shared by `create`,
/// the first administrator's set-up and demo data.
pub(crate) async fn insert_account(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    created: AccountCreated,
    pw: &str,
    by: PasswordSetBy,
    must_change: bool,
) -> CoreResult<()> {
    let now = db.now();
    let id = created.id.clone();
    event_log::append(
        conn,
        db,
        actor,
        NewEvent { case_id: None, occurred_at: now, body: EventBody::AccountCreated(created) },
    )
    .await?;
    store_password(conn, &id, pw, must_change, now).await?;
    let body = EventBody::AccountPasswordSet(AccountPasswordSet { id, by });
    event_log::append(conn, db, actor, NewEvent { case_id: None, occurred_at: now, body }).await?;
    Ok(())
}

pub async fn create(db: &Db, actor: &Actor, req: AccountCreateRequest) -> CoreResult<AccountView> {
    actor.require(Permission::AccountManage)?;
    let mut tx = db.begin_write().await?;
    let mut problems = Vec::new();
    let username = req.username.trim().to_owned();
    check_username(&username, &mut problems);
    if problems.is_empty() && username_taken(&mut tx, &username).await? {
        problems.push(FieldProblem { field: "username".into(), rule: FieldRule::Taken });
    }
    check_display_name(&req.display_name, &mut problems);
    if req.roles.is_empty() {
        problems.push(FieldProblem { field: "roles".into(), rule: FieldRule::Required });
    }
    check_unit(&mut tx, req.unit_id.as_deref(), &mut problems).await?;
    check_password("password", &req.password, &mut problems);
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let mut roles = req.roles.clone();
    roles.sort();
    roles.dedup();
    let created = AccountCreated {
        id: id.clone(),
        username,
        display_name: req.display_name.trim().to_owned(),
        unit_id: req.unit_id.clone(),
        roles,
    };
    insert_account(&mut tx, db, actor, created, &req.password, PasswordSetBy::Administrator, true)
        .await?;
    let view = account_view(&mut tx, &id).await?;
    tx.commit().await?;
    Ok(view)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AccountUpdateRequest {
    pub id: String,
    #[ts(optional)]
    pub display_name: Option<String>,
    /// A unit id; `null` is not accepted here: every account keeps a unit once it has one.
    #[ts(optional)]
    pub unit_id: Option<String>,
    #[ts(optional)]
    pub roles: Option<Vec<RoleCode>>,
    #[ts(optional)]
    pub active: Option<bool>,
}

/// Active accounts holding the administrator role, apart from `except`.
async fn other_active_administrators(
    conn: &mut SqliteConnection,
    except: &str,
) -> CoreResult<usize> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, roles FROM accounts WHERE active = 1 AND id <> ?")
            .bind(except)
            .fetch_all(&mut *conn)
            .await?;
    let mut n = 0;
    for (_, roles) in rows {
        if parse_roles(&roles)?.contains(&RoleCode::Administrator) {
            n += 1;
        }
    }
    Ok(n)
}

pub async fn update(db: &Db, actor: &Actor, req: AccountUpdateRequest) -> CoreResult<AccountView> {
    actor.require(Permission::AccountManage)?;
    let mut tx = db.begin_write().await?;
    let current = account_view(&mut tx, &req.id).await?;
    let mut problems = Vec::new();
    if let Some(name) = &req.display_name {
        check_display_name(name, &mut problems);
    }
    if req.roles.as_ref().is_some_and(Vec::is_empty) {
        problems.push(FieldProblem { field: "roles".into(), rule: FieldRule::Required });
    }
    check_unit(&mut tx, req.unit_id.as_deref(), &mut problems).await?;
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let stays_admin = req.active.unwrap_or(current.active)
        && req.roles.as_ref().unwrap_or(&current.roles).contains(&RoleCode::Administrator);
    let was_admin = current.active && current.roles.contains(&RoleCode::Administrator);
    if was_admin && !stays_admin && other_active_administrators(&mut tx, &req.id).await? == 0 {
        return Err(CoreError::LastAdministrator);
    }
    let roles = req.roles.map(|mut r| {
        r.sort();
        r.dedup();
        r
    });
    let body = EventBody::AccountUpdated(AccountUpdated {
        id: req.id.clone(),
        display_name: req.display_name.map(|n| n.trim().to_owned()),
        unit_id: req.unit_id.map(Some),
        roles,
        active: req.active,
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    let view = account_view(&mut tx, &req.id).await?;
    tx.commit().await?;
    Ok(view)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub id: String,
    /// A temporary password, to be changed at the next sign-in.
    pub new_password: String,
}

pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    req: PasswordResetRequest,
) -> CoreResult<AccountView> {
    actor.require(Permission::AccountManage)?;
    let mut problems = Vec::new();
    check_password("new_password", &req.new_password, &mut problems);
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let mut tx = db.begin_write().await?;
    account_view(&mut tx, &req.id).await?;
    let now = db.now();
    store_password(&mut tx, &req.id, &req.new_password, true, now).await?;
    let body = EventBody::AccountPasswordSet(AccountPasswordSet {
        id: req.id.clone(),
        by: PasswordSetBy::Administrator,
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: now, body })
        .await?;
    let view = account_view(&mut tx, &req.id).await?;
    tx.commit().await?;
    Ok(view)
}
