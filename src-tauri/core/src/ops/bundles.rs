//! `bundles.*`: sync bundles for a branch without any connection (docs/SYNC.md): write this
//! site's events to a signed file, take another site's file in, and the record of both.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::bundle::{self, BundleExportReport, BundleImportReport, BundleLogEntry, Scope};
use crate::error::{CoreError, CoreResult, FieldRule};
use crate::ops::fields::problem;
use crate::storage::Db;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BundleExportRequest {
    /// The file to write (`….redress-bundle`); its folder must exist.
    pub path: String,
    pub scope: Scope,
}

fn invalid(field: &str, detail: String) -> CoreError {
    CoreError::Validation(vec![problem(field, FieldRule::Invalid { detail })])
}

/// Writes a bundle (an administrator's step: the file carries consumers' keys).
pub async fn export(
    db: &Db,
    actor: &Actor,
    req: BundleExportRequest,
) -> CoreResult<BundleExportReport> {
    actor.require(Permission::AccountManage)?;
    let path = PathBuf::from(req.path.trim());
    if req.path.trim().is_empty() {
        return Err(CoreError::Validation(vec![problem("path", FieldRule::Required)]));
    }
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) if !dir.is_dir() => {
            return Err(invalid("path", format!("{}: 文件夹不存在", dir.display())));
        }
        _ => {}
    }
    if path.is_dir() {
        return Err(invalid("path", format!("{}: 是文件夹", path.display())));
    }
    bundle::export(db, &path, req.scope, Some(&actor.id)).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BundleImportRequest {
    pub path: String,
}

/// Takes a bundle in: its events as a pull's are taken, once however often it is imported.
pub async fn import(
    db: &Db,
    actor: &Actor,
    req: BundleImportRequest,
) -> CoreResult<BundleImportReport> {
    actor.require(Permission::AccountManage)?;
    let path = PathBuf::from(req.path.trim());
    if req.path.trim().is_empty() {
        return Err(CoreError::Validation(vec![problem("path", FieldRule::Required)]));
    }
    if !path.is_file() {
        return Err(invalid("path", format!("{}: 文件不存在", path.display())));
    }
    bundle::import(db, &path, Some(&actor.id)).await
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BundleHistoryRequest {}

/// The bundles written and read here, newest first.
pub async fn history(
    db: &Db,
    actor: &Actor,
    _req: BundleHistoryRequest,
) -> CoreResult<Vec<BundleLogEntry>> {
    actor.require(Permission::AccountManage)?;
    bundle::history(db, 50).await
}
