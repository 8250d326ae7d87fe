//! `evidence.*`: attaching files to a case, reading them back with a record of who did, checking
//! that none changed, and exporting a case's evidence with a manifest a court can verify.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::case::EvidenceKind;
use crate::domain::events::{EventBody, EvidenceAdded, EvidenceExported, EvidenceViewed};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log;
use crate::evidence::{mime_of, safe_file_name, Check, Store};
use crate::intake_rules::text;
use crate::ops::cases::push_scope;
use crate::ops::handling::case_state;
use crate::storage::Db;
use crate::time::china;

/// At most this many files in one attachment.
pub const MAX_FILES: usize = 100;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFile {
    /// The file's path on this computer (from the file dialog or the command line).
    pub path: String,
    pub kind: EvidenceKind,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EvidenceAddRequest {
    pub case_id: String,
    pub files: Vec<EvidenceFile>,
    /// Where the files came from (the consumer, a department, a laboratory).
    #[serde(default)]
    pub source: String,
    /// Who collected them; default: the person attaching.
    #[serde(default)]
    #[ts(optional)]
    pub collected_by: Option<String>,
    /// `YYYY-MM-DD`, not in the future; default: today.
    #[serde(default)]
    #[ts(optional)]
    pub collected_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EvidenceView {
    pub id: String,
    pub case_id: String,
    pub sha256: String,
    pub size: i64,
    pub file_name: String,
    pub mime: String,
    pub kind: EvidenceKind,
    pub description: String,
    pub source: String,
    pub collected_by: String,
    pub collected_at: String,
    pub added_by: String,
    pub added_at: String,
    /// Another evidence entry (of any case) holds the same content.
    pub duplicate: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EvidenceAttached {
    pub items: Vec<EvidenceView>,
    /// Files whose content the store already held (kept once).
    pub already_stored: usize,
}

fn problem(field: impl Into<String>, rule: FieldRule) -> CoreError {
    CoreError::Validation(vec![FieldProblem { field: field.into(), rule }])
}

/// Attaches files. Each is streamed into the store first (no database lock held while a large
/// file copies); then one transaction records them all, or none.
pub async fn add(db: &Db, actor: &Actor, req: EvidenceAddRequest) -> CoreResult<EvidenceAttached> {
    actor.require(Permission::CaseHandle)?;
    let mut problems = Vec::new();
    if req.files.is_empty() {
        problems.push(FieldProblem { field: "files".into(), rule: FieldRule::Required });
    }
    if req.files.len() > MAX_FILES {
        let max = MAX_FILES as i64;
        problems.push(FieldProblem {
            field: "files".into(),
            rule: FieldRule::OutOfRange { min: 1, max },
        });
    }
    text("source", &req.source, false, 200, &mut problems);
    text("collected_by", req.collected_by.as_deref().unwrap_or(""), false, 50, &mut problems);
    let today = db.now().with_timezone(&china()).date_naive();
    let collected_at = match req.collected_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => today,
        Some(raw) => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) if d <= today => d,
            _ => {
                problems.push(FieldProblem {
                    field: "collected_at".into(),
                    rule: FieldRule::Invalid { detail: "YYYY-MM-DD ≤ today".into() },
                });
                today
            }
        },
    };
    for (i, f) in req.files.iter().enumerate() {
        text(&format!("files[{i}].description"), &f.description, false, 500, &mut problems);
        let path = Path::new(&f.path);
        if !path.is_file() {
            problems.push(FieldProblem {
                field: format!("files[{i}].path"),
                rule: FieldRule::Invalid { detail: f.path.chars().take(300).collect() },
            });
        }
    }
    ensure_valid(problems)?;
    {
        let mut conn = db.pool().acquire().await?;
        let state = case_state(&mut conn, actor, &req.case_id).await?;
        if state.status.is_finished() {
            return Err(CoreError::InvalidState { detail: "finished" });
        }
    }
    let store = Store::for_database(db.path());
    let mut stored = Vec::new();
    for f in &req.files {
        let (store, path) = (store.clone(), PathBuf::from(&f.path));
        let s = tokio::task::spawn_blocking(move || store.put(&path))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))??;
        stored.push(s);
    }
    let mut tx = db.begin_write().await?;
    let state = case_state(&mut tx, actor, &req.case_id).await?;
    if state.status.is_finished() {
        return Err(CoreError::InvalidState { detail: "finished" });
    }
    let collected_by = req
        .collected_by
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| actor.display_name.clone());
    let mut ids = Vec::new();
    for (f, s) in req.files.iter().zip(&stored) {
        let original = Path::new(&f.path).file_name().map(|n| n.to_string_lossy().into_owned());
        let file_name = safe_file_name(original.as_deref().unwrap_or_default());
        let evidence_id = uuid::Uuid::now_v7().to_string();
        let body = EventBody::EvidenceAdded(Box::new(EvidenceAdded {
            evidence_id: evidence_id.clone(),
            sha256: s.sha256.clone(),
            size: s.size,
            mime: mime_of(&file_name).to_owned(),
            file_name,
            kind: f.kind,
            description: f.description.trim().to_owned(),
            source: req.source.trim().to_owned(),
            collected_by: collected_by.clone(),
            collected_at: collected_at.to_string(),
        }));
        event_log::append_to_case(&mut tx, db, actor, &state.id, db.now(), body).await?;
        ids.push(evidence_id);
    }
    tx.commit().await?;
    let all = list(db, actor, EvidenceListRequest { case_id: Some(state.id) }).await?;
    Ok(EvidenceAttached {
        items: all.into_iter().filter(|e| ids.contains(&e.id)).collect(),
        already_stored: stored.iter().filter(|s| s.existed).count(),
    })
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct EvidenceListRequest {
    /// One case's evidence; without it, every case's the actor may see.
    #[ts(optional)]
    pub case_id: Option<String>,
}

type EvidenceRow = (
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

pub async fn list(
    db: &Db,
    actor: &Actor,
    req: EvidenceListRequest,
) -> CoreResult<Vec<EvidenceView>> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    if let Some(id) = &req.case_id {
        case_state(&mut conn, actor, id).await?;
    }
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT e.id, e.case_id, e.sha256, e.size, e.file_name, e.mime, e.kind, e.description, \
         e.source, e.collected_by, e.collected_at, COALESCE(a.display_name, e.added_by), \
         e.added_at, (SELECT COUNT(*) FROM evidence o WHERE o.sha256 = e.sha256) \
         FROM evidence e JOIN cases c ON c.id = e.case_id \
         LEFT JOIN accounts a ON a.id = e.added_by",
    );
    let clause = if push_scope(&mut qb, actor) { " AND " } else { " WHERE " };
    if let Some(id) = &req.case_id {
        qb.push(clause).push("e.case_id = ").push_bind(id.clone());
    }
    qb.push(" ORDER BY e.created_hlc");
    qb.build_query_as::<EvidenceRow>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            Ok(EvidenceView {
                kind: EvidenceKind::from_code(&r.6)
                    .ok_or_else(|| CoreError::Internal(format!("evidence kind {}", r.6)))?,
                id: r.0,
                case_id: r.1,
                sha256: r.2,
                size: r.3,
                file_name: r.4,
                mime: r.5,
                description: r.7,
                source: r.8,
                collected_by: r.9,
                collected_at: r.10,
                added_by: r.11,
                added_at: r.12,
                duplicate: r.13 > 1,
            })
        })
        .collect()
}

async fn one(db: &Db, actor: &Actor, id: &str) -> CoreResult<EvidenceView> {
    let case_id: Option<String> = sqlx::query_scalar("SELECT case_id FROM evidence WHERE id = ?")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let case_id =
        case_id.ok_or_else(|| CoreError::NotFound { entity: "evidence", id: id.to_owned() })?;
    list(db, actor, EvidenceListRequest { case_id: Some(case_id) })
        .await?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or_else(|| CoreError::NotFound { entity: "evidence", id: id.to_owned() })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EvidenceOpenRequest {
    pub id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EvidenceOpened {
    pub evidence: EvidenceView,
    /// Where the stored file is, to show it (read-only).
    pub path: String,
}

/// Opens a piece of evidence for viewing; the viewing is recorded.
pub async fn open(db: &Db, actor: &Actor, req: EvidenceOpenRequest) -> CoreResult<EvidenceOpened> {
    let evidence = one(db, actor, &req.id).await?;
    let path = Store::for_database(db.path()).path_of(&evidence.sha256)?;
    if !path.is_file() {
        return Err(CoreError::EvidenceChanged(evidence.sha256.clone()));
    }
    let mut tx = db.begin_write().await?;
    let body = EventBody::EvidenceViewed(EvidenceViewed { evidence_id: evidence.id.clone() });
    event_log::append_to_case(&mut tx, db, actor, &evidence.case_id, db.now(), body).await?;
    tx.commit().await?;
    Ok(EvidenceOpened { evidence, path: path.to_string_lossy().into_owned() })
}

/// Where a piece of evidence the actor may see is stored, for showing it: (path, MIME type,
/// size). Not an operation: the app's `evidence:` URLs use it; `evidence.open` records the view.
pub async fn locate(db: &Db, actor: &Actor, id: &str) -> CoreResult<(PathBuf, String, u64)> {
    let e = one(db, actor, id).await?;
    let path = Store::for_database(db.path()).path_of(&e.sha256)?;
    Ok((path, e.mime, u64::try_from(e.size).unwrap_or(0)))
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct EvidenceVerifyRequest {
    /// One case; without it every stored file (needs `audit.verify`).
    #[ts(optional)]
    pub case_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EvidenceProblem {
    pub evidence: EvidenceView,
    /// `changed` or `missing`.
    pub problem: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EvidenceReport {
    pub checked: usize,
    pub intact: usize,
    pub problems: Vec<EvidenceProblem>,
}

/// Re-hashes every stored file of a case (or of all cases) and reports those that changed or
/// went missing.
pub async fn verify(
    db: &Db,
    actor: &Actor,
    req: EvidenceVerifyRequest,
) -> CoreResult<EvidenceReport> {
    if req.case_id.is_none() {
        actor.require(Permission::AuditVerify)?;
    }
    let items = list(db, actor, EvidenceListRequest { case_id: req.case_id }).await?;
    let store = Store::for_database(db.path());
    let mut seen = std::collections::HashMap::new();
    let mut problems = Vec::new();
    for e in &items {
        let check = match seen.get(&e.sha256) {
            Some(c) => *c,
            None => {
                let (store, hash) = (store.clone(), e.sha256.clone());
                let c = tokio::task::spawn_blocking(move || store.check(&hash))
                    .await
                    .map_err(|err| CoreError::Internal(err.to_string()))??;
                seen.insert(e.sha256.clone(), c);
                c
            }
        };
        match check {
            Check::Intact => {}
            Check::Changed => {
                problems.push(EvidenceProblem { evidence: e.clone(), problem: "changed".into() })
            }
            Check::Missing => {
                problems.push(EvidenceProblem { evidence: e.clone(), problem: "missing".into() })
            }
        }
    }
    Ok(EvidenceReport { checked: items.len(), intact: items.len() - problems.len(), problems })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EvidenceExportRequest {
    pub case_id: String,
    /// A folder that does not exist yet, or an empty one.
    pub out_dir: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct EvidenceExport {
    pub out_dir: String,
    pub files: usize,
    pub bytes: i64,
}

#[derive(Serialize)]
struct ManifestEntry<'a> {
    file: String,
    kind: &'a str,
    description: &'a str,
    sha256: &'a str,
    size: i64,
    original_name: &'a str,
    source: &'a str,
    collected_by: &'a str,
    collected_at: &'a str,
    added_by: &'a str,
    added_at: &'a str,
}

/// Writes the case's evidence to `out_dir`: the files, `manifest.json`, and `SHA256SUMS` (which
/// `sha256sum -c` accepts inside the folder). Each file is checked against its hash on the
/// way out; the export is recorded.
pub async fn export(
    db: &Db,
    actor: &Actor,
    req: EvidenceExportRequest,
) -> CoreResult<EvidenceExport> {
    actor.require_any(&[Permission::CaseHandle, Permission::DataExport])?;
    let items = list(db, actor, EvidenceListRequest { case_id: Some(req.case_id.clone()) }).await?;
    if items.is_empty() {
        return Err(CoreError::InvalidState { detail: "no_evidence" });
    }
    let out = PathBuf::from(req.out_dir.trim());
    if req.out_dir.trim().is_empty() {
        return Err(problem("out_dir", FieldRule::Required));
    }
    if out.exists() && std::fs::read_dir(&out)?.next().is_some() {
        return Err(problem("out_dir", FieldRule::Invalid { detail: "not empty".into() }));
    }
    let case_no: String = sqlx::query_scalar("SELECT case_no FROM cases WHERE id = ?")
        .bind(&req.case_id)
        .fetch_one(db.pool())
        .await?;
    // Written beside the destination and moved there whole: no half export is left behind.
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let partial = parent.join(format!(".redress-export-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir(&partial)?;
    let written = write_export(db, actor, &items, &case_no, &partial).await;
    let bytes = match written {
        Ok(bytes) => bytes,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    if out.exists() {
        std::fs::remove_dir(&out)?;
    }
    std::fs::rename(&partial, &out)?;
    let mut tx = db.begin_write().await?;
    let body = EventBody::EvidenceExported(EvidenceExported {
        evidence_ids: items.iter().map(|e| e.id.clone()).collect(),
        destination: out.to_string_lossy().into_owned(),
    });
    event_log::append_to_case(&mut tx, db, actor, &req.case_id, db.now(), body).await?;
    tx.commit().await?;
    Ok(EvidenceExport { out_dir: out.to_string_lossy().into_owned(), files: items.len(), bytes })
}

/// The files, `manifest.json` and `SHA256SUMS` in `dir`; the bytes written.
async fn write_export(
    db: &Db,
    actor: &Actor,
    items: &[EvidenceView],
    case_no: &str,
    dir: &Path,
) -> CoreResult<i64> {
    let store = Store::for_database(db.path());
    let mut sums = String::new();
    let mut manifest = Vec::new();
    let mut bytes = 0i64;
    for (i, e) in items.iter().enumerate() {
        let name = safe_file_name(&format!("{:02}-{}", i + 1, e.file_name));
        let (store, hash, dest) = (store.clone(), e.sha256.clone(), dir.join(&name));
        let copied = tokio::task::spawn_blocking(move || store.copy_out(&hash, &dest))
            .await
            .map_err(|err| CoreError::Internal(err.to_string()))?;
        match copied {
            Ok(_) => {}
            Err(CoreError::Io(io)) if io.kind() == std::io::ErrorKind::NotFound => {
                return Err(CoreError::EvidenceChanged(e.sha256.clone()));
            }
            Err(other) => return Err(other),
        }
        sums.push_str(&format!("{}  {}\n", e.sha256, name));
        bytes += e.size;
        manifest.push(ManifestEntry {
            file: name,
            kind: e.kind.code(),
            description: &e.description,
            sha256: &e.sha256,
            size: e.size,
            original_name: &e.file_name,
            source: &e.source,
            collected_by: &e.collected_by,
            collected_at: &e.collected_at,
            added_by: &e.added_by,
            added_at: &e.added_at,
        });
    }
    let doc = serde_json::json!({
        "case_no": case_no,
        "exported_at": crate::time::to_db(db.now()),
        "exported_by": actor.display_name,
        "site": db.site().site_code,
        "files": manifest,
    });
    let text =
        serde_json::to_string_pretty(&doc).map_err(|e| CoreError::Internal(e.to_string()))?;
    std::fs::write(dir.join("manifest.json"), text + "\n")?;
    std::fs::write(dir.join("SHA256SUMS"), sums)?;
    Ok(bytes)
}
