//! What every command needs: the open database (or why it could not be opened), the acting
//! user and the language the user reads.

use std::future::Future;
use std::path::PathBuf;
use std::sync::RwLock;

use redress_core::{Actor, ApiError, CoreError, CoreResult, Db, Lang, OpenOptions};

pub struct AppState {
    db: Result<Db, CoreError>,
    actor: Actor,
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
        let db = redress_core::storage::open(OpenOptions::new(path)).await;
        if let Err(e) = &db {
            tracing::error!(error = %e, "database could not be opened");
        }
        AppState { db, actor: Actor::system(), lang: RwLock::new(Lang::Zh) }
    }

    pub fn lang(&self) -> Lang {
        self.lang.read().map(|l| *l).unwrap_or_default()
    }

    pub fn set_lang(&self, lang: Lang) {
        if let Ok(mut l) = self.lang.write() {
            *l = lang;
        }
    }

    /// Runs one core operation with this state's database and actor; a core error becomes
    /// the boundary's `{code, message, fields}` in the user's language.
    pub async fn call<T, F, Fut>(&self, operation: F) -> Result<T, ApiError>
    where
        F: FnOnce(Db, Actor) -> Fut,
        Fut: Future<Output = CoreResult<T>>,
    {
        let lang = self.lang();
        let db = self.db.as_ref().map_err(|e| e.to_api(lang))?.clone();
        operation(db, self.actor.clone()).await.map_err(|e| e.to_api(lang))
    }

    pub async fn close(&self) {
        if let Ok(db) = &self.db {
            db.close().await;
        }
    }
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
