//! `auth.*`: the first administrator, changing one's own password, and who is signed in.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::accounts::{
    account_view, check_display_name, check_password, check_username, insert_account, AccountView,
};
use crate::actor::Actor;
use crate::auth::accounts::{password_matches, store_password};
use crate::auth::{CaseScope, Permission, RoleCode};
use crate::domain::events::{AccountCreated, AccountPasswordSet, EventBody, PasswordSetBy};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::ops::fields::{problem, text};
use crate::storage::Db;

/// Whether the first administrator still has to be created.
pub async fn needs_setup(db: &Db) -> CoreResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(db.pool()).await?;
    Ok(n == 0)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// This site's code, in every case number it gives (1–12 letters or digits; headquarters
    /// is `HQ`, a branch the code headquarters registered it under): absent, kept as it is.
    #[serde(default)]
    #[ts(optional)]
    pub site_code: Option<String>,
    /// This site's name (总部, 上海分公司…): needed with a code.
    #[serde(default)]
    #[ts(optional)]
    pub site_name: Option<String>,
}

/// A site code as the hub registers them: 1–12 letters or digits.
pub(crate) fn check_site_code(field: &str, code: &str, problems: &mut Vec<FieldProblem>) {
    let code = code.trim();
    if code.is_empty() {
        problems.push(problem(field, FieldRule::Required));
    } else if code.chars().count() > 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        problems
            .push(problem(field, FieldRule::Invalid { detail: "1–12 letters or digits".into() }));
    }
}

/// Creates the first administrator. Only while no account exists; afterwards accounts are
/// created by administrators. Returns the new account's id.
pub async fn setup_first_administrator(db: &Db, req: SetupRequest) -> CoreResult<String> {
    let mut problems = Vec::new();
    let username = req.username.trim().to_owned();
    check_username(&username, &mut problems);
    check_display_name(&req.display_name, &mut problems);
    check_password("password", &req.password, &mut problems);
    let site = match req.site_code.as_deref() {
        None => None,
        Some(code) => {
            check_site_code("site_code", code, &mut problems);
            let name = req.site_name.as_deref().unwrap_or("");
            text("site_name", name, true, 40, &mut problems);
            Some((code, name))
        }
    };
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let mut tx = db.begin_write().await?;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(&mut *tx).await?;
    if n > 0 {
        return Err(CoreError::AlreadySetUp);
    }
    let renamed = match site {
        Some((code, name)) => Some(db.rename_site_in(&mut tx, code, name).await?),
        None => None,
    };
    let id = uuid::Uuid::now_v7().to_string();
    let created = AccountCreated {
        id: id.clone(),
        username,
        display_name: req.display_name.trim().to_owned(),
        unit_id: None,
        roles: vec![RoleCode::Administrator],
    };
    insert_account(
        &mut tx,
        db,
        &Actor::system(),
        created,
        &req.password,
        PasswordSetBy::Setup,
        false,
    )
    .await?;
    tx.commit().await?;
    if let Some(renamed) = renamed {
        db.took_name(renamed);
    }
    Ok(id)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PasswordChanged {
    pub changed_at: String,
}

/// The signed-in holder changes their own password.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    req: PasswordChangeRequest,
) -> CoreResult<PasswordChanged> {
    if !actor.is_account() {
        return Err(CoreError::Forbidden { permission: None });
    }
    let mut problems = Vec::new();
    check_password("new_password", &req.new_password, &mut problems);
    if req.new_password == req.current_password {
        problems.push(FieldProblem {
            field: "new_password".into(),
            rule: FieldRule::Invalid { detail: "≠".into() },
        });
    }
    let mut tx = db.begin_write().await?;
    if !password_matches(&mut tx, &actor.id, &req.current_password).await? {
        problems.insert(
            0,
            FieldProblem {
                field: "current_password".into(),
                rule: FieldRule::Invalid { detail: "✗".into() },
            },
        );
    }
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let now = db.now();
    store_password(&mut tx, &actor.id, &req.new_password, false, now).await?;
    let body = EventBody::AccountPasswordSet(AccountPasswordSet {
        id: actor.id.clone(),
        by: PasswordSetBy::Holder,
    });
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: now, body })
        .await?;
    tx.commit().await?;
    Ok(PasswordChanged { changed_at: crate::time::to_db(now) })
}

/// Signing in at the desktop (the session lives in the shell, not in the core).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// Unlocking a session that locked itself after being idle.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct UnlockRequest {
    pub password: String,
}

/// Who is signed in, with what they may do: what the UI needs to show the right screens.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SessionView {
    pub account: AccountView,
    pub permissions: Vec<Permission>,
    pub case_scope: CaseScope,
    pub must_change_password: bool,
    pub idle_lock_minutes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AuthStatus {
    /// No account exists yet: the first start asks for the first administrator.
    pub needs_setup: bool,
    pub session: Option<SessionView>,
    /// The session is locked after being idle; the password unlocks it.
    pub locked: bool,
}

pub async fn session_view(
    db: &Db,
    actor: &Actor,
    must_change_password: bool,
) -> CoreResult<SessionView> {
    let mut conn = db.pool().acquire().await?;
    Ok(SessionView {
        account: account_view(&mut conn, &actor.id).await?,
        permissions: actor.grant.permissions.iter().copied().collect(),
        case_scope: actor.grant.case_scope,
        must_change_password,
        idle_lock_minutes: crate::settings::idle_lock_minutes(&mut conn).await?,
    })
}
