//! Operating standards (§二(二)): the company's service commitments, schedules of charges and
//! standard contract terms, kept as versioned reference documents (drafted, approved in force
//! from a day, never changed once approved) that agents look up at intake, the ones answering
//! the complaint's category first.

use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::codes::{self, CodeList};
use crate::domain::events::EventBody;
use crate::domain::supervision::{StandardApproved, StandardKind, StandardSaved};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldRule};
use crate::ops::emergency::append;
use crate::ops::fields::{problem, text, today};
use crate::ops::versioned::{in_force, VersionStatus, Versions};
use crate::storage::Db;

const STANDARD_VERSIONS: Versions = Versions {
    table: "standard_versions",
    key: "standard_id",
    entity: "standard",
    approved: || CoreError::SupervisionState { reason: "version_approved" },
};

/// The longest text of a standard (characters): a full contract's terms fit.
pub const MAX_BODY: usize = 50_000;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StandardVersionView {
    pub version: i64,
    pub status: VersionStatus,
    pub title: String,
    pub body: String,
    pub categories: Vec<String>,
    pub change_note: String,
    pub drafted_by: String,
    pub drafted_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub effective_from: Option<String>,
    /// The version in force today.
    pub in_force: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StandardView {
    pub id: String,
    pub kind: StandardKind,
    /// Newest first.
    pub versions: Vec<StandardVersionView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StandardSummary {
    pub id: String,
    pub kind: StandardKind,
    /// The title of the version in force, else of the latest.
    pub title: String,
    pub categories: Vec<String>,
    pub in_force: Option<i64>,
    pub effective_from: Option<String>,
    pub latest_version: i64,
    pub latest_status: VersionStatus,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StandardsListRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StandardRequest {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StandardSaveRequest {
    /// None: a new standard.
    #[serde(default)]
    #[ts(optional)]
    pub id: Option<String>,
    pub kind: StandardKind,
    pub title: String,
    pub body: String,
    /// Complaint category codes it answers (may be empty: it applies to every complaint).
    #[serde(default)]
    pub categories: Vec<String>,
    /// What this version changes (required from the second version on).
    #[serde(default)]
    pub change_note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct StandardApproveRequest {
    pub id: String,
    pub version: i64,
    /// `YYYY-MM-DD`, today or later.
    pub effective_from: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct StandardsLookupRequest {
    /// Words to find in the title or text (every word must occur).
    #[ts(optional)]
    pub query: Option<String>,
    /// The complaint's category: standards answering it come first.
    #[ts(optional)]
    pub category: Option<String>,
}

/// A standard in force, as an agent reads it at intake.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StandardInForce {
    pub id: String,
    pub kind: StandardKind,
    pub version: i64,
    pub title: String,
    pub body: String,
    pub categories: Vec<String>,
    pub effective_from: String,
    /// It answers the category asked about.
    pub matches_category: bool,
}

async fn load(conn: &mut SqliteConnection, db: &Db, id: &str) -> CoreResult<StandardView> {
    let kind: String = sqlx::query_scalar("SELECT kind FROM standards WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "standard", id: id.to_owned() })?;
    let rows = sqlx::query(
        "SELECT v.version, v.status, v.title, v.body, v.categories, v.change_note, \
         COALESCE(da.display_name, v.drafted_by), v.drafted_at, \
         COALESCE(aa.display_name, v.approved_by), v.approved_at, v.effective_from \
         FROM standard_versions v LEFT JOIN accounts da ON da.id = v.drafted_by \
         LEFT JOIN accounts aa ON aa.id = v.approved_by \
         WHERE v.standard_id = ? ORDER BY v.version DESC",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut versions: Vec<StandardVersionView> = rows
        .iter()
        .map(|r| StandardVersionView {
            version: r.get(0),
            status: VersionStatus::from_code(r.get(1)),
            title: r.get(2),
            body: r.get(3),
            categories: serde_json::from_str(r.get::<&str, _>(4)).unwrap_or_default(),
            change_note: r.get(5),
            drafted_by: r.get(6),
            drafted_at: r.get(7),
            approved_by: r.get(8),
            approved_at: r.get(9),
            effective_from: r.get(10),
            in_force: false,
        })
        .collect();
    if let Some(i) = in_force(&versions, |v| (v.effective_from.as_deref(), v.version), today(db)) {
        versions[i].in_force = true;
    }
    Ok(StandardView {
        id: id.to_owned(),
        kind: StandardKind::from_code(&kind).unwrap_or(StandardKind::Other),
        versions,
    })
}

async fn all(conn: &mut SqliteConnection, db: &Db) -> CoreResult<Vec<StandardView>> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM standards ORDER BY kind, created_at")
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(load(conn, db, &id).await?);
    }
    Ok(out)
}

/// Every standard with the version in force and the latest (for those who keep them).
pub async fn list(
    db: &Db,
    actor: &Actor,
    _req: StandardsListRequest,
) -> CoreResult<Vec<StandardSummary>> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    Ok(all(&mut conn, db)
        .await?
        .into_iter()
        .map(|s| {
            let current = s.versions.iter().find(|v| v.in_force);
            let latest = &s.versions[0];
            let shown = current.unwrap_or(latest);
            StandardSummary {
                id: s.id.clone(),
                kind: s.kind,
                title: shown.title.clone(),
                categories: shown.categories.clone(),
                in_force: current.map(|v| v.version),
                effective_from: current.and_then(|v| v.effective_from.clone()),
                latest_version: latest.version,
                latest_status: latest.status,
            }
        })
        .collect())
}

pub async fn get(db: &Db, actor: &Actor, req: StandardRequest) -> CoreResult<StandardView> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    load(&mut conn, db, &req.id).await
}

/// What an agent reads at intake: the versions in force today, those answering the
/// complaint's category first, narrowed by the words asked for.
pub async fn lookup(
    db: &Db,
    actor: &Actor,
    req: StandardsLookupRequest,
) -> CoreResult<Vec<StandardInForce>> {
    actor.require(Permission::CaseView)?;
    let words: Vec<String> = req
        .query
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let category = req.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let mut conn = db.pool().acquire().await?;
    let mut out: Vec<StandardInForce> = all(&mut conn, db)
        .await?
        .into_iter()
        .filter_map(|s| {
            let v = s.versions.into_iter().find(|v| v.in_force)?;
            let haystack = format!("{}\n{}", v.title, v.body).to_lowercase();
            if !words.iter().all(|w| haystack.contains(w.as_str())) {
                return None;
            }
            Some(StandardInForce {
                matches_category: category.is_some_and(|c| v.categories.iter().any(|x| x == c)),
                id: s.id,
                kind: s.kind,
                version: v.version,
                title: v.title,
                body: v.body,
                categories: v.categories,
                effective_from: v.effective_from.unwrap_or_default(),
            })
        })
        .collect();
    // Stable: within each group the list's order (kind, then age) stays.
    out.sort_by_key(|s| !s.matches_category);
    Ok(out)
}

/// Drafts a standard, or its next version, or edits the draft that is its latest version.
pub async fn save(db: &Db, actor: &Actor, req: StandardSaveRequest) -> CoreResult<StandardView> {
    actor.require(Permission::StandardManage)?;
    let mut problems = Vec::new();
    text("title", &req.title, true, 100, &mut problems);
    text("body", &req.body, true, MAX_BODY, &mut problems);
    text("change_note", &req.change_note, false, 2_000, &mut problems);
    let mut conn = db.pool().acquire().await?;
    let mut categories: Vec<String> = Vec::new();
    for (i, code) in req.categories.iter().enumerate() {
        let code = code.trim();
        if !codes::find(&mut conn, CodeList::Category, code).await?.is_some_and(|e| e.active) {
            problems.push(problem(
                format!("categories[{i}]"),
                FieldRule::UnknownValue { value: code.to_owned() },
            ));
        } else if !categories.iter().any(|c| c == code) {
            categories.push(code.to_owned());
        }
    }
    drop(conn);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let (id, version) = STANDARD_VERSIONS.slot(&mut tx, req.id.as_deref()).await?;
    if version > 1 && req.change_note.trim().is_empty() {
        return Err(CoreError::Validation(vec![problem("change_note", FieldRule::Required)]));
    }
    let body = EventBody::StandardSaved(StandardSaved {
        standard_id: id.clone(),
        version,
        kind: req.kind,
        title: req.title.trim().to_owned(),
        body: req.body.trim().to_owned(),
        categories,
        change_note: req.change_note.trim().to_owned(),
    });
    append(&mut tx, db, actor, body).await?;
    let view = load(&mut tx, db, &id).await?;
    tx.commit().await?;
    Ok(view)
}

/// Approves a draft version, in force from a day (a managing role's decision).
pub async fn approve(
    db: &Db,
    actor: &Actor,
    req: StandardApproveRequest,
) -> CoreResult<StandardView> {
    actor.require(Permission::StandardApprove)?;
    let mut tx = db.begin_write().await?;
    let effective_from =
        STANDARD_VERSIONS.approval(&mut tx, db, &req.id, req.version, &req.effective_from).await?;
    let body = EventBody::StandardApproved(StandardApproved {
        standard_id: req.id.clone(),
        version: req.version,
        effective_from,
    });
    append(&mut tx, db, actor, body).await?;
    let view = load(&mut tx, db, &req.id).await?;
    tx.commit().await?;
    Ok(view)
}
