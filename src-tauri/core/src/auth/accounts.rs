//! Accounts as the core knows them: loading an actor with its effective permissions, and
//! signing in with lock-out after repeated failures.

use std::collections::HashMap;

use chrono::Duration;
use sqlx::{Row, SqliteConnection};

use super::password;
use super::roles::{CaseScope, Permission, RoleCode, RoleGrant};
use crate::actor::{Actor, ActorKind};
use crate::domain::events::{AccountLockedOut, AccountSignedIn, EventBody};
use crate::error::{CoreError, CoreResult};
use crate::event_log::{self, NewEvent};
use crate::storage::Db;
use crate::time;

/// Wrong passwords in a row before an account is locked.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// Every role's grant: an administrator's edit where there is one, else the default.
pub async fn effective_grants(
    conn: &mut SqliteConnection,
) -> CoreResult<HashMap<RoleCode, RoleGrant>> {
    let mut grants: HashMap<RoleCode, RoleGrant> =
        RoleCode::ALL.into_iter().map(|r| (r, r.default_grant())).collect();
    let rows = sqlx::query("SELECT code, permissions, case_scope FROM role_overrides")
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        let code: String = row.get(0);
        let permissions: String = row.get(1);
        let scope: String = row.get(2);
        let (Some(role), Ok(permissions), Some(case_scope)) = (
            RoleCode::from_code(&code),
            serde_json::from_str::<Vec<Permission>>(&permissions),
            CaseScope::from_code(&scope),
        ) else {
            return Err(CoreError::Internal(format!("role override {code} is unreadable")));
        };
        grants
            .insert(role, RoleGrant { permissions: permissions.into_iter().collect(), case_scope });
    }
    Ok(grants)
}

pub(crate) fn parse_roles(text: &str) -> CoreResult<Vec<RoleCode>> {
    serde_json::from_str(text).map_err(|e| CoreError::Internal(format!("roles unreadable: {e}")))
}

/// The actor for an active account, with the union of its roles' grants.
pub async fn load_actor(conn: &mut SqliteConnection, account_id: &str) -> CoreResult<Actor> {
    let row = sqlx::query(
        "SELECT id, display_name, unit_id, roles FROM accounts WHERE id = ? AND active = 1",
    )
    .bind(account_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(CoreError::SignInRequired)?;
    let roles = parse_roles(row.get::<&str, _>(3))?;
    let grants = effective_grants(conn).await?;
    let grant = RoleGrant::union(roles.iter().filter_map(|r| grants.get(r)));
    Ok(Actor {
        id: row.get(0),
        display_name: row.get(1),
        kind: ActorKind::Account,
        unit_id: row.get(2),
        roles,
        grant,
    })
}

/// A successful sign-in: who, and whether the password must be changed before anything else.
#[derive(Debug)]
pub struct SignedIn {
    pub actor: Actor,
    pub must_change_password: bool,
}

/// Checks a user name and password. Wrong passwords count; the fifth in a row locks the
/// account for fifteen minutes (an `account.locked` event); a right one resets the count and
/// is recorded (`account.signed_in`). Unknown names and wrong passwords get the same answer.
pub async fn sign_in(db: &Db, username: &str, password: &str) -> CoreResult<SignedIn> {
    let mut tx = db.begin_write().await?;
    let row = sqlx::query(
        "SELECT a.id, c.password_hash, c.failed_attempts, c.locked_until, c.must_change \
         FROM accounts a JOIN credentials c ON c.account_id = a.id \
         WHERE a.username = ? AND a.active = 1 ORDER BY a.created_hlc, a.id LIMIT 1",
    )
    .bind(username.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        // Spend the time a real check costs, so that timing does not tell names apart.
        let _ = password::verify("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$YWJj", password);
        return Err(CoreError::InvalidCredentials);
    };
    let id: String = row.get(0);
    let stored: String = row.get(1);
    let failed: i64 = row.get(2);
    let locked_until: Option<String> = row.get(3);
    let must_change: i64 = row.get(4);
    let now = db.now();
    if let Some(until) = locked_until.filter(|u| u.as_str() > time::to_db(now).as_str()) {
        return Err(CoreError::AccountLocked { until });
    }
    let system = Actor::system();
    if !password::verify(&stored, password) {
        let failed = failed + 1;
        if failed >= MAX_FAILED_ATTEMPTS {
            let until = time::to_db(now + Duration::minutes(LOCK_MINUTES));
            sqlx::query(
                "UPDATE credentials SET failed_attempts = 0, locked_until = ? WHERE account_id = ?",
            )
            .bind(&until)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            let body = EventBody::AccountLocked(AccountLockedOut {
                id: id.clone(),
                until: until.clone(),
                failed_attempts: failed,
            });
            event_log::append_or_defer(
                &mut tx,
                db,
                &system,
                NewEvent { case_id: None, occurred_at: now, body },
            )
            .await?;
            tx.commit().await?;
            return Err(CoreError::AccountLocked { until });
        }
        sqlx::query("UPDATE credentials SET failed_attempts = ? WHERE account_id = ?")
            .bind(failed)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(CoreError::InvalidCredentials);
    }
    sqlx::query(
        "UPDATE credentials SET failed_attempts = 0, locked_until = NULL WHERE account_id = ?",
    )
    .bind(&id)
    .execute(&mut *tx)
    .await?;
    let actor = load_actor(&mut tx, &id).await?;
    let body = EventBody::AccountSignedIn(AccountSignedIn { id: id.clone() });
    event_log::append_or_defer(
        &mut tx,
        db,
        &actor,
        NewEvent { case_id: None, occurred_at: now, body },
    )
    .await?;
    tx.commit().await?;
    Ok(SignedIn { actor, must_change_password: must_change == 1 })
}

/// Whether `password` is the account's, without counting towards the lock-out: for a password
/// change, where the holder is signed in already. (Unlocking an idle session goes through
/// `sign_in`, which does count.)
pub async fn password_matches(
    conn: &mut SqliteConnection,
    account_id: &str,
    password: &str,
) -> CoreResult<bool> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM credentials WHERE account_id = ?")
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(stored.is_some_and(|s| password::verify(&s, password)))
}

/// Stores a new password hash (outside the log) for an account.
pub async fn store_password(
    conn: &mut SqliteConnection,
    account_id: &str,
    password: &str,
    must_change: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> CoreResult<()> {
    let hash = password::hash(password)?;
    sqlx::query(
        "INSERT INTO credentials (account_id, password_hash, must_change, failed_attempts, \
         locked_until, password_changed_at) VALUES (?, ?, ?, 0, NULL, ?) \
         ON CONFLICT (account_id) DO UPDATE SET password_hash = excluded.password_hash, \
         must_change = excluded.must_change, failed_attempts = 0, locked_until = NULL, \
         password_changed_at = excluded.password_changed_at",
    )
    .bind(account_id)
    .bind(hash)
    .bind(i64::from(must_change))
    .bind(time::to_db(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
