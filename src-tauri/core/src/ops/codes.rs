//! `codes.*`: the configurable channel and category lists.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::codes::{self, CodeEntry, CodeList};
use crate::domain::events::{CodeEntrySaved, EventBody};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::intake_rules::text;
use crate::storage::Db;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CodesListRequest {}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CodeLists {
    pub channels: Vec<CodeEntry>,
    pub categories: Vec<CodeEntry>,
}

/// Both lists, retired entries included (they label old cases).
pub async fn list(db: &Db, _actor: &Actor, _req: CodesListRequest) -> CoreResult<CodeLists> {
    let mut conn = db.pool().acquire().await?;
    Ok(CodeLists {
        channels: codes::entries(&mut conn, CodeList::Channel).await?,
        categories: codes::entries(&mut conn, CodeList::Category).await?,
    })
}

/// An entry to add or change. An existing code keeps its identity; only its labels,
/// definitions, order and state change.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CodeEntrySaveRequest {
    pub list: CodeList,
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    #[serde(default)]
    pub definition_zh: String,
    #[serde(default)]
    pub definition_en: String,
    /// Default: after the last entry.
    #[serde(default)]
    #[ts(optional)]
    pub position: Option<i64>,
    pub active: bool,
    #[serde(default)]
    pub requires_store: bool,
}

fn code_is_well_formed(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && (2..=40).contains(&code.len())
}

pub async fn save(db: &Db, actor: &Actor, req: CodeEntrySaveRequest) -> CoreResult<CodeEntry> {
    actor.require(Permission::TaxonomyEdit)?;
    let code = req.code.trim().to_owned();
    let mut problems = Vec::new();
    if code.is_empty() {
        problems.push(FieldProblem { field: "code".into(), rule: FieldRule::Required });
    } else if !code_is_well_formed(&code) {
        problems.push(FieldProblem {
            field: "code".into(),
            rule: FieldRule::Invalid { detail: "a-z 0-9 _".into() },
        });
    }
    text("label_zh", &req.label_zh, true, 40, &mut problems);
    text("label_en", &req.label_en, true, 60, &mut problems);
    text("definition_zh", &req.definition_zh, false, 200, &mut problems);
    text("definition_en", &req.definition_en, false, 300, &mut problems);
    if req.position.is_some_and(|p| !(0..=100_000).contains(&p)) {
        problems.push(FieldProblem {
            field: "position".into(),
            rule: FieldRule::OutOfRange { min: 0, max: 100_000 },
        });
    }
    let mut tx = db.begin_write().await?;
    let entries = codes::entries(&mut tx, req.list).await?;
    let label = req.label_zh.trim();
    if entries.iter().any(|e| e.code != code && e.label_zh == label) {
        problems.push(FieldProblem { field: "label_zh".into(), rule: FieldRule::Taken });
    }
    let others_active = entries.iter().any(|e| e.code != code && e.active);
    if !req.active && !others_active {
        problems.push(FieldProblem {
            field: "active".into(),
            rule: FieldRule::Invalid { detail: "≥ 1".into() },
        });
    }
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    let existing = entries.iter().find(|e| e.code == code);
    let last = entries.iter().map(|e| e.position).max().unwrap_or(0);
    let saved = CodeEntrySaved {
        list: req.list,
        position: req.position.or(existing.map(|e| e.position)).unwrap_or(last + 10),
        code,
        label_zh: label.to_owned(),
        label_en: req.label_en.trim().to_owned(),
        definition_zh: req.definition_zh.trim().to_owned(),
        definition_en: req.definition_en.trim().to_owned(),
        active: req.active,
        requires_store: req.list == CodeList::Channel && req.requires_store,
    };
    let entry = CodeEntry {
        list: saved.list,
        code: saved.code.clone(),
        label_zh: saved.label_zh.clone(),
        label_en: saved.label_en.clone(),
        definition_zh: saved.definition_zh.clone(),
        definition_en: saved.definition_en.clone(),
        position: saved.position,
        active: saved.active,
        requires_store: saved.requires_store,
        builtin: existing.is_some_and(|e| e.builtin),
    };
    let body = EventBody::CodeEntrySaved(saved);
    event_log::append(&mut tx, db, actor, NewEvent { case_id: None, occurred_at: db.now(), body })
        .await?;
    tx.commit().await?;
    Ok(entry)
}
