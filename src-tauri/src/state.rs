//! What every command needs: the open database (or why it could not be opened), who is
//! signed in (and whether their session is locked), and the language the user reads. The
//! database can be replaced while the app runs (a restore from a backup): commands and the
//! background work take it from here each time, never keep it.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use redress_core::auth::accounts::sign_in;
use redress_core::auth::Permission;
use redress_core::backup::Restored;
use redress_core::ops::auth::{session_view, SessionView};
use redress_core::{Actor, ApiError, CoreError, CoreResult, Db, Lang, OpenOptions};

struct Session {
    actor: Actor,
    must_change_password: bool,
    last_activity: Instant,
}

pub struct AppState {
    path: PathBuf,
    db: RwLock<Result<Db, CoreError>>,
    session: Mutex<Option<Session>>,
    lang: RwLock<Lang>,
}

/// `--db PATH` or `--db=PATH` on the command line.
pub fn db_path_from_args(mut args: impl Iterator<Item = String>) -> Option<PathBuf> {
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--db=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

impl AppState {
    pub async fn open(path: PathBuf) -> Self {
        let db = redress_core::storage::open(OpenOptions::new(&path)).await;
        if let Err(e) = &db {
            tracing::error!(error = %e, "database could not be opened");
        }
        AppState {
            path,
            db: RwLock::new(db),
            session: Mutex::new(None),
            lang: RwLock::new(Lang::Zh),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang.read().map(|l| *l).unwrap_or_default()
    }

    pub fn set_lang(&self, lang: Lang) {
        if let Ok(mut l) = self.lang.write() {
            *l = lang;
        }
    }

    pub fn api_error(&self, e: CoreError) -> ApiError {
        e.to_api(self.lang())
    }

    pub fn db(&self) -> Result<Db, ApiError> {
        let slot = self.db.read().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().map(Db::clone).map_err(|e| e.to_api(self.lang()))
    }

    fn put_db(&self, db: Result<Db, CoreError>) -> Result<Db, CoreError> {
        let mut slot = self.db.write().unwrap_or_else(|p| p.into_inner());
        std::mem::replace(&mut *slot, db)
    }

    /// Replaces the database with a backup's (`redress_core::backup::restore`), for an
    /// administrator. The backup is checked first, while everything runs on; only then is the
    /// database taken out of service (commands meanwhile get `storage.busy`), closed, replaced
    /// (the old one kept aside) and opened again. Everyone is signed out: the accounts are the
    /// backup's now. If the restore fails, the database that was there is opened again.
    pub async fn restore(&self, backup: &Path) -> Result<Restored, ApiError> {
        let (_, actor) = self.acting("backup.restore").await?;
        actor.require(Permission::AccountManage).map_err(|e| self.api_error(e))?;
        let checked = redress_core::backup::verify(backup).await.map_err(|e| self.api_error(e))?;
        let taken = self.put_db(Err(CoreError::Busy("restoring a backup".into())));
        if let Ok(db) = taken {
            db.close().await;
        }
        let restored = redress_core::backup::restore_checked(&self.path, backup, checked).await;
        let reopened = redress_core::storage::open(OpenOptions::new(&self.path)).await;
        if let Err(e) = &reopened {
            tracing::error!(error = %e, "database could not be opened after a restore");
        }
        // A site with a hub takes back at once, if the hub can be reached, what it recorded
        // after the backup: until then nothing may be recorded (the background sync would
        // come within five minutes).
        if let Ok(db) = &reopened {
            let db = db.clone();
            tauri::async_runtime::spawn(async move { crate::schedule::sync_once(&db).await });
        }
        // What was there is the busy marker put above.
        let _ = self.put_db(reopened);
        self.sign_out();
        restored.map_err(|e| self.api_error(e))
    }

    fn with_session<T>(&self, f: impl FnOnce(&mut Option<Session>) -> T) -> T {
        let mut guard = self.session.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Whether the signed-in session has been idle past the configured time.
    async fn idle_expired(&self, db: &Db) -> CoreResult<bool> {
        let Some(last) = self.with_session(|s| s.as_ref().map(|s| s.last_activity)) else {
            return Ok(false);
        };
        let mut conn = db.pool().acquire().await?;
        let minutes = redress_core::settings::idle_lock_minutes(&mut conn).await?;
        let limit = Duration::from_secs(u64::try_from(minutes).unwrap_or(15) * 60);
        Ok(last.elapsed() > limit)
    }

    /// The signed-in actor, if the session is open and not idle-locked; counts as activity.
    async fn active_actor(&self, db: &Db, operation: &str) -> CoreResult<Actor> {
        let present = self.with_session(|s| s.is_some());
        if !present {
            return Err(CoreError::SignInRequired);
        }
        if self.idle_expired(db).await? {
            return Err(CoreError::SessionLocked);
        }
        self.with_session(|s| match s {
            Some(session) => {
                redress_core::ops::check_password_change_gate(
                    session.must_change_password,
                    operation,
                )?;
                session.last_activity = Instant::now();
                Ok(session.actor.clone())
            }
            None => Err(CoreError::SignInRequired),
        })
    }

    /// The database and the signed-in person, for shell work that is not an operation (serving
    /// evidence to the page), under the same session checks.
    pub async fn acting(&self, operation: &str) -> Result<(Db, Actor), ApiError> {
        let db = self.db()?;
        let actor = self.active_actor(&db, operation).await.map_err(|e| self.api_error(e))?;
        Ok((db, actor))
    }

    /// Runs one core operation as the signed-in person; a core error becomes the boundary's
    /// `{code, message, fields}` in the user's language.
    pub async fn call<T, F, Fut>(&self, operation: &str, run: F) -> Result<T, ApiError>
    where
        F: FnOnce(Db, Actor) -> Fut,
        Fut: Future<Output = CoreResult<T>>,
    {
        let db = self.db()?;
        let actor = self.active_actor(&db, operation).await.map_err(|e| self.api_error(e))?;
        let changes_password = operation == "auth.change_password";
        let result = run(db, actor).await.map_err(|e| self.api_error(e));
        if changes_password && result.is_ok() {
            self.with_session(|s| {
                if let Some(session) = s {
                    session.must_change_password = false;
                }
            });
        }
        result
    }

    /// Signs in (or unlocks an idle session: the same check, counting towards the lock-out).
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<SessionView, ApiError> {
        let db = self.db()?;
        let signed = sign_in(&db, username, password).await.map_err(|e| self.api_error(e))?;
        let view = session_view(&db, &signed.actor, signed.must_change_password)
            .await
            .map_err(|e| self.api_error(e))?;
        self.with_session(|s| {
            *s = Some(Session {
                actor: signed.actor,
                must_change_password: signed.must_change_password,
                last_activity: Instant::now(),
            })
        });
        Ok(view)
    }

    /// Unlocks an idle session with its holder's password.
    pub async fn unlock(&self, password: &str) -> Result<SessionView, ApiError> {
        let username = self.current_username().await?;
        self.sign_in(&username, password).await
    }

    async fn current_username(&self) -> Result<String, ApiError> {
        let db = self.db()?;
        let id = self
            .with_session(|s| s.as_ref().map(|s| s.actor.id.clone()))
            .ok_or_else(|| self.api_error(CoreError::SignInRequired))?;
        username_of(&db, &id).await.map_err(|e| self.api_error(e))
    }

    pub fn sign_out(&self) {
        self.with_session(|s| *s = None);
    }

    /// Activity in the window (typing, moving the mouse) keeps the session open.
    pub async fn touch(&self) -> Result<(), ApiError> {
        let db = self.db()?;
        if self.idle_expired(&db).await.map_err(|e| self.api_error(e))? {
            return Err(self.api_error(CoreError::SessionLocked));
        }
        self.with_session(|s| {
            if let Some(session) = s {
                session.last_activity = Instant::now();
            }
        });
        Ok(())
    }

    /// Who is signed in and whether the session is locked, for the UI's first screen.
    pub async fn status(&self) -> Result<redress_core::ops::auth::AuthStatus, ApiError> {
        let db = self.db()?;
        let run = async {
            let needs_setup = redress_core::ops::auth::needs_setup(&db).await?;
            let current = self
                .with_session(|s| s.as_ref().map(|s| (s.actor.clone(), s.must_change_password)));
            let session = match current {
                Some((actor, must_change)) => Some(session_view(&db, &actor, must_change).await?),
                None => None,
            };
            let locked = session.is_some() && self.idle_expired(&db).await?;
            Ok(redress_core::ops::auth::AuthStatus { needs_setup, session, locked })
        };
        run.await.map_err(|e: CoreError| self.api_error(e))
    }

    pub async fn close(&self) {
        if let Ok(db) = self.db() {
            db.close().await;
        }
    }
}

async fn username_of(db: &Db, account_id: &str) -> CoreResult<String> {
    let mut conn = db.pool().acquire().await?;
    Ok(redress_core::ops::accounts::account_view(&mut conn, account_id).await?.username)
}

#[cfg(test)]
mod tests {
    use super::db_path_from_args;

    #[test]
    fn reads_the_database_path_from_either_form() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().into_iter();
        assert_eq!(
            db_path_from_args(args(&["redress", "--db", "/tmp/a.db"])),
            Some("/tmp/a.db".into())
        );
        assert_eq!(
            db_path_from_args(args(&["redress", "--db=/tmp/b.db"])),
            Some("/tmp/b.db".into())
        );
        assert_eq!(db_path_from_args(args(&["redress"])), None);
    }
}
