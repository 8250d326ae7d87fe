//! A fresh database in a temporary folder, and demo data in it.
#![allow(dead_code)] // each test file uses its own part of this module

use redress_core::ops::demo::DemoRequest;
use redress_core::{Actor, Db, Lang, OpenOptions};
use serde_json::Value;

/// An operation by name with a JSON request, as the shell and the CLI call it; errors in
/// English.
pub async fn call(
    db: &Db,
    actor: &Actor,
    op: &str,
    req: Value,
) -> Result<Value, redress_core::ApiError> {
    redress_core::ops::dispatch(db, actor, op, &req.to_string())
        .await
        .map_err(|e| e.to_api(Lang::En))
}

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub db: Db,
}

impl TempDb {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("redress.db")
    }
}

pub async fn fresh() -> TempDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = redress_core::storage::open(OpenOptions::new(dir.path().join("redress.db")))
        .await
        .expect("open");
    TempDb { dir, db }
}

/// The signed-in form of a demo account (`agent01`, `manager01`, …).
pub async fn actor(db: &Db, username: &str) -> Actor {
    let mut conn = db.pool().acquire().await.expect("conn");
    let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE username = ?")
        .bind(username)
        .fetch_one(&mut *conn)
        .await
        .expect("account");
    redress_core::auth::accounts::load_actor(&mut conn, &id).await.expect("actor")
}

pub async fn with_demo(cases: u32, seed: u64) -> TempDb {
    let t = fresh().await;
    redress_core::ops::demo::generate(
        &t.db,
        &Actor::system(),
        DemoRequest { cases, seed: Some(seed), until: Some("2026-11-28".into()) },
    )
    .await
    .expect("demo data");
    t
}

/// Where `drive_to` leaves a new after-sales case on its way through handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Received,
    Investigating,
    Investigated,
    Planning,
    /// A plan (no approval needed) drafted, not yet offered.
    Drafted,
    /// A plan whose compensation needs approval.
    PendingApproval,
    Negotiating,
    Executing,
    Feedback,
    Satisfied,
}

/// A case and what drove it there.
pub struct Driven {
    pub case_id: String,
    pub plan_id: Option<String>,
    pub step_ids: Vec<String>,
}

async fn sys(db: &Db, op: &str, req: serde_json::Value) -> serde_json::Value {
    redress_core::ops::dispatch(db, &Actor::system(), op, &req.to_string())
        .await
        .unwrap_or_else(|e| panic!("{op}: {}", e.to_api(redress_core::Lang::En)))
}

/// Records a complaint in the after-sales department (DEP-AS) and, as the system, takes it
/// through handling to `stage`.
pub async fn drive_to(db: &Db, stage: Stage) -> Driven {
    use serde_json::json;
    let today = chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive();
    let later = (today + chrono::Duration::days(7)).to_string();
    let created = sys(
        db,
        "cases.create",
        json!({"consumer": {"name": "郑爽", "mobile": "13600001111"}, "channel": "hotline",
            "product_name": "嵌入式烤箱", "quantity": 1, "content": "烤箱温控失灵，烤焦食物。",
            "demand": "compensation", "demand_amount": "800", "category": "product_quality",
            "department_id": "DEP-AS", "handler_id": "handler.as", "severity": "serious",
            "complexity": "complex", "acknowledged": true}),
    )
    .await;
    let id = created["id"].as_str().expect("id").to_owned();
    let mut driven = Driven { case_id: id.clone(), plan_id: None, step_ids: Vec::new() };
    if stage == Stage::Received {
        return driven;
    }
    sys(db, "cases.advance", json!({"id": id, "move": "start_investigation"})).await;
    if stage == Stage::Investigating {
        return driven;
    }
    sys(db, "cases.investigate", json!({"id": id, "fact": "售后检测确认温控器故障",
        "source_kind": "department_statement", "source": "售后服务部检测单", "found_on": today.to_string()}))
        .await;
    if stage == Stage::Investigated {
        return driven;
    }
    sys(db, "cases.advance", json!({"id": id, "move": "start_planning"})).await;
    if stage == Stage::Planning {
        return driven;
    }
    let amount = if stage == Stage::PendingApproval { "5000" } else { "300" };
    let plan = sys(db, "plans.draft", json!({"case_id": id, "summary": "更换温控器并补偿",
        "measures": [
            {"kind": "repair", "description": "上门更换温控器", "responsible_id": "handler.as",
             "steps": [{"title": "预约上门", "due_on": later}, {"title": "更换温控器", "due_on": later}]},
            {"kind": "compensation", "description": "补偿烤焦食材", "amount": amount,
             "responsible_id": "handler.as", "steps": [{"title": "支付补偿", "due_on": later}]}
        ]}))
    .await;
    driven.plan_id = Some(plan["id"].as_str().expect("plan").to_owned());
    if stage <= Stage::PendingApproval {
        return driven;
    }
    sys(db, "plans.offer", json!({"plan_id": driven.plan_id})).await;
    if stage == Stage::Negotiating {
        return driven;
    }
    sys(
        db,
        "cases.negotiate",
        json!({"case_id": id, "held_on": today.to_string(),
        "method": "phone", "response": "accepted"}),
    )
    .await;
    let handling = sys(db, "cases.handling", json!({"id": id})).await;
    driven.step_ids = handling["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["id"].as_str().expect("step").to_owned())
        .collect();
    if stage == Stage::Executing {
        return driven;
    }
    for step in &driven.step_ids {
        sys(db, "steps.complete", json!({"step_id": step, "done_on": today.to_string()})).await;
    }
    sys(db, "cases.advance", json!({"id": id, "move": "finish_execution"})).await;
    if stage == Stage::Feedback {
        return driven;
    }
    sys(
        db,
        "cases.feedback",
        json!({"id": id, "communicated_by": "phone",
        "satisfaction": "satisfied", "score": 5}),
    )
    .await;
    driven
}

/// Imports rows `编号,受理时间,产品,问题,状态` (received `YYYY-MM-DD HH:MM`, China time) as
/// hotline complaints about product quality, as the system; returns the import's report.
pub async fn import_rows(db: &Db, dir: &std::path::Path, source: &str, rows: &str) -> Value {
    let file = dir.join(format!("{source}.csv"));
    std::fs::write(&file, format!("编号,受理时间,产品,问题,状态\n{rows}")).expect("write");
    let mapping = redress_core::import::ImportMapping::from_toml(&format!(
        r#"
source = "{source}"
external_id = ["编号"]
date_formats = ["%Y-%m-%d %H:%M"]
[fields.received_at]
column = "受理时间"
[fields.channel]
value = "hotline"
[fields.product_name]
column = "产品"
[fields.content]
column = "问题"
[fields.category]
value = "product_quality"
[fields.status]
column = "状态"
"#
    ))
    .expect("mapping");
    call(db, &Actor::system(), "imports.run", serde_json::json!({"path": file, "mapping": mapping}))
        .await
        .expect("import")
}
