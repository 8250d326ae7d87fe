//! Every operation × every role: allowed ones succeed; refused ones fail with
//! `auth.forbidden` and change nothing. The expected matrix is written out here by hand, from
//! the policy's roles, not derived from the code it checks.

use crate::support;

use std::path::Path;

use redress_core::auth::accounts::load_actor;
use redress_core::ops::{catalogue, dispatch};
use redress_core::{projection, storage, Actor, Lang, OpenOptions};
use serde_json::json;

const ROLES: [&str; 6] = ["agent01", "handler.as", "legal01", "head.as", "manager01", "sysadmin"];

/// (operation, allowed for agent, handler, legal, department head, manager, administrator)
const MATRIX: &[(&str, [bool; 6])] = &[
    ("cases.list", [true, true, true, true, true, true]),
    ("stats.summary", [true, true, true, true, true, true]),
    ("stats.hotspots", [true, true, true, true, true, true]),
    ("kpi.summary", [true, true, true, true, true, true]),
    ("kpi.targets", [true, true, true, true, true, true]),
    ("kpi.target_set", [false, false, false, false, true, false]),
    ("volume.list", [true, true, true, true, true, true]),
    ("volume.set", [false, false, false, false, true, false]),
    ("volume.import", [false, false, false, false, true, false]),
    ("cases.get", [true, true, true, true, true, true]),
    ("cases.search", [true, true, true, true, true, true]),
    ("cases.create", [true, true, false, false, false, false]),
    ("cases.related", [true, true, true, true, true, true]),
    ("cases.pause", [false, true, true, true, true, false]),
    ("cases.resume", [false, true, true, true, true, false]),
    ("cases.acknowledge", [true, true, true, true, true, false]),
    ("sites.list", [true, true, true, true, true, true]),
    ("ownership.review", [false, true, true, true, true, false]),
    ("cases.handover_request", [false, true, true, true, true, false]),
    ("cases.handover_grant", [false, true, true, true, true, false]),
    ("cases.handover_decline", [false, true, true, true, true, false]),
    ("cases.reassign", [false, true, true, true, true, false]),
    ("cases.held_review", [false, true, true, true, true, false]),
    ("cases.link", [true, true, true, true, true, false]),
    ("cases.unlink", [true, true, true, true, true, false]),
    ("cases.merge", [true, true, true, true, true, false]),
    ("cases.handling", [true, true, true, true, true, true]),
    ("cases.advance", [false, true, true, true, true, false]),
    ("cases.assign", [false, true, true, true, true, false]),
    ("cases.team_set", [false, true, true, true, true, false]),
    ("cases.investigate", [false, true, true, true, true, false]),
    ("plans.draft", [false, true, true, true, true, false]),
    ("plans.decide", [false, false, true, false, true, false]),
    ("plans.offer", [false, true, true, true, true, false]),
    ("cases.negotiate", [false, true, true, true, true, false]),
    ("steps.complete", [false, true, true, true, true, false]),
    ("steps.delay", [false, true, true, true, true, false]),
    ("cases.feedback", [false, true, true, true, true, false]),
    ("cases.close", [false, true, true, true, true, false]),
    ("work.list", [true, true, true, true, true, true]),
    ("evidence.add", [false, true, true, true, true, false]),
    ("evidence.list", [true, true, true, true, true, true]),
    ("evidence.open", [true, true, true, true, true, true]),
    ("evidence.verify", [true, true, true, true, true, true]),
    ("evidence.export", [false, true, true, true, true, false]),
    ("demo.generate", [false, false, false, false, false, true]),
    ("system.info", [true, true, true, true, true, true]),
    ("auth.change_password", [true, true, true, true, true, true]),
    ("accounts.list", [false, false, false, false, false, true]),
    ("accounts.create", [false, false, false, false, false, true]),
    ("accounts.update", [false, false, false, false, false, true]),
    ("accounts.reset_password", [false, false, false, false, false, true]),
    ("roles.list", [false, false, false, false, false, true]),
    ("roles.update", [false, false, false, false, false, true]),
    ("org.list", [true, true, true, true, true, true]),
    ("org.handlers", [true, true, true, true, true, false]),
    ("org.create", [false, false, false, false, false, true]),
    ("org.update", [false, false, false, false, false, true]),
    ("audit.verify", [false, false, false, false, true, true]),
    ("settings.get", [true, true, true, true, true, true]),
    ("settings.update", [false, false, false, false, false, true]),
    ("codes.list", [true, true, true, true, true, true]),
    ("codes.save", [false, false, false, false, false, true]),
    ("calendar.list", [true, true, true, true, true, true]),
    ("calendar.set", [false, false, false, false, false, true]),
    ("calendar.import", [false, false, false, false, false, true]),
    ("documents.notice", [true, true, true, true, true, false]),
    ("documents.settings", [true, true, true, true, true, true]),
    ("documents.settings_save", [false, false, false, false, false, true]),
    ("bulletins.list", [true, true, true, true, true, true]),
    ("bulletins.get", [true, true, true, true, true, true]),
    ("bulletins.draft", [false, false, true, true, true, false]),
    ("bulletins.save", [false, false, true, true, true, false]),
    ("bulletins.pdf", [true, true, true, true, true, true]),
    ("bulletins.issue", [false, false, true, true, true, false]),
    ("reports.list", [true, true, true, true, true, true]),
    ("reports.get", [true, true, true, true, true, true]),
    ("reports.pdf", [true, true, true, true, true, true]),
    ("reports.draft", [false, false, true, true, true, false]),
    ("reports.save", [false, false, true, true, true, false]),
    ("reports.issue", [false, false, true, true, true, false]),
    ("bulletins.discard", [false, false, true, true, true, false]),
    ("cases.export", [true, true, true, true, true, true]),
    ("imports.inspect", [false, false, false, false, true, true]),
    ("imports.preview", [false, false, false, false, true, true]),
    ("imports.run", [false, false, false, false, true, true]),
    ("imports.mappings", [false, false, false, false, true, true]),
    ("imports.mapping_save", [false, false, false, false, true, true]),
    ("imports.batches", [false, false, false, false, true, true]),
    ("jobs.status", [true, true, true, true, true, true]),
    ("jobs.cancel", [true, true, true, true, true, true]),
    ("preferences.get", [true, true, true, true, true, true]),
    ("preferences.save", [true, true, true, true, true, true]),
    ("consumers.get", [true, true, true, true, true, true]),
    ("consumers.update", [false, false, true, true, true, false]),
    ("consumers.merge", [true, true, true, true, true, false]),
    ("alerts.list", [true, true, true, true, true, true]),
    ("contingency.list", [true, true, true, true, true, true]),
    ("contingency.get", [true, true, true, true, true, true]),
    ("contingency.pdf", [true, true, true, true, true, true]),
    ("contingency.save", [false, false, true, true, true, false]),
    ("contingency.approve", [false, false, false, false, true, false]),
    ("drills.list", [true, true, true, true, true, true]),
    ("drills.record", [false, false, true, true, true, false]),
    ("incidents.list", [true, true, true, true, true, true]),
    ("incidents.get", [true, true, true, true, true, true]),
    ("incidents.pdf", [true, true, true, true, true, true]),
    ("incidents.declare", [false, false, true, true, true, false]),
    ("incidents.link", [false, false, true, true, true, false]),
    ("incidents.activate", [false, false, true, true, true, false]),
    ("incidents.step", [false, false, true, true, true, false]),
    ("incidents.report", [false, false, true, true, true, false]),
    ("incidents.reply", [false, false, true, true, true, false]),
    ("incidents.measure", [false, false, true, true, true, false]),
    ("incidents.assess", [false, false, true, true, true, false]),
    ("incidents.review", [false, false, true, true, true, false]),
    ("incidents.close", [false, false, false, false, true, false]),
    ("compliance.list", [true, true, true, true, true, true]),
    ("scorecard.get", [false, false, true, true, true, false]),
    ("scorecard.export", [false, false, true, true, true, false]),
    ("inspections.list", [false, false, true, true, true, false]),
    ("inspections.get", [false, false, true, true, true, false]),
    ("inspections.open", [false, false, true, true, true, false]),
    ("inspections.check", [false, false, true, true, true, false]),
    ("inspections.findings", [false, false, true, true, true, false]),
    ("inspections.rectify", [false, false, true, true, true, false]),
    ("inspections.rectified", [false, false, true, true, true, false]),
    ("inspections.close", [false, false, true, true, true, false]),
    ("sanctions.list", [false, false, true, true, true, false]),
    ("sanctions.propose", [false, false, true, true, true, false]),
    ("sanctions.decide", [false, false, false, false, true, false]),
    ("privacy.settings", [false, false, true, false, true, false]),
    ("privacy.settings_set", [false, false, true, false, true, false]),
    ("privacy.log", [false, false, true, false, true, false]),
    ("retention.run", [false, false, true, false, true, false]),
    ("consumers.anonymise", [false, false, true, false, true, false]),
    ("consumers.export", [false, false, true, false, true, false]),
    ("cases.legal_hold", [false, false, true, false, true, false]),
    ("trainings.list", [false, false, true, true, true, false]),
    ("trainings.record", [false, false, true, true, true, false]),
    ("trainings.coverage", [false, false, true, true, true, false]),
    ("risks.list", [true, true, true, true, true, true]),
    ("risks.record", [false, false, true, true, true, false]),
    ("risks.review", [false, false, true, true, true, false]),
    ("retention.runs", [false, false, true, false, true, false]),
    ("standards.list", [true, true, true, true, true, true]),
    ("standards.get", [true, true, true, true, true, true]),
    ("standards.lookup", [true, true, true, true, true, true]),
    ("standards.save", [false, false, true, false, true, false]),
    ("standards.approve", [false, false, false, false, true, false]),
    ("surveys.import", [false, false, true, true, true, false]),
    ("surveys.batches", [false, false, true, true, true, false]),
    ("surveys.withdraw", [false, false, true, true, true, false]),
    ("surveys.summary", [false, false, true, true, true, false]),
    ("sync.status", [true, true, true, true, true, true]),
    ("sync.configure", [false, false, false, false, false, true]),
    ("sync.run", [true, true, true, true, true, true]),
    ("bundles.export", [false, false, false, false, false, true]),
    ("bundles.import", [false, false, false, false, false, true]),
    ("bundles.history", [false, false, false, false, false, true]),
    ("backup.status", [false, false, false, false, false, true]),
    ("backup.configure", [false, false, false, false, false, true]),
    ("backup.create", [false, false, false, false, false, true]),
    ("backup.verify", [false, false, false, false, false, true]),
    ("backup.discard_replaced", [false, false, false, false, false, true]),
];

/// Hand-over samples at a site that is headquarters and knows a branch (`site-sh`).
struct OwnershipIds {
    /// A case of this site, nothing asked.
    free: String,
    /// A case with a hand-over to the branch asked for.
    pending: String,
    /// A case with an event of the branch held for review (`event`).
    held: String,
    event: String,
}

/// Makes this site headquarters, lists a branch, and prepares the hand-over samples.
async fn ownership_samples(db: &redress_core::Db) -> OwnershipIds {
    use redress_core::domain::events::{CaseAssigned, EventBody};
    use redress_core::event_log::{StoredEvent, GENESIS_HASH};
    use redress_core::ownership::{remember_sites, HubSite};
    use redress_core::sync::{apply_pulled, PullReply, WireEvent};
    let site = |id: &str, code: &str, name: &str, is_hq| HubSite {
        site_id: Some(id.into()),
        code: code.into(),
        name: name.into(),
        is_hq,
    };
    let hq = db.site().site_id.clone();
    remember_sites(
        db,
        &[site(&hq, "HQ", "总部", true), site("site-sh", "SH01", "上海分公司", false)],
    )
    .await
    .expect("sites");
    let free = support::drive_to(db, support::Stage::Received).await.case_id;
    let pending = support::drive_to(db, support::Stage::Received).await.case_id;
    let held = support::drive_to(db, support::Stage::Received).await.case_id;
    dispatch(
        db,
        &Actor::system(),
        "cases.handover_request",
        &json!({"id": pending, "to_site": "site-sh", "reason": "顾客在上海"}).to_string(),
    )
    .await
    .expect("asked");
    // The branch, not owning `held`, assigned it: pulled from the hub, held for review.
    let top: i64 =
        sqlx::query_scalar("SELECT MAX(hlc) FROM events").fetch_one(db.pool()).await.expect("hlc");
    let (kind, payload) = EventBody::CaseAssigned(CaseAssigned {
        handler: "李强".into(),
        handler_id: None,
        department_id: None,
        note: None,
    })
    .encode()
    .expect("encode");
    let mut event = StoredEvent {
        event_id: "0193a000-0000-7000-8000-00000000beef".into(),
        site_id: "site-sh".into(),
        site_seq: 1,
        hlc: top + 1,
        occurred_at: "2026-11-18T02:00:00.000Z".into(),
        case_id: Some(held.clone()),
        actor: "system".into(),
        kind,
        payload,
        prev_hash: GENESIS_HASH.into(),
        hash: String::new(),
    };
    event.hash = event.compute_hash();
    let reply = PullReply {
        events: vec![WireEvent { event: event.clone(), server_seq: Some(1) }],
        keys: Vec::new(),
        last: 1,
        more: false,
        reset: false,
        chain: None,
        top: 1,
    };
    apply_pulled(db, &reply).await.expect("pulled");
    OwnershipIds { free, pending, held, event: event.event_id }
}

struct Ids {
    ownership: OwnershipIds,
    /// A backup of the database as it was set up (its folder is the one configured).
    backup: String,
    case_in_after_sales: String,
    paused_case: String,
    /// Received by the system in the after-sales department, not yet acknowledged.
    new_case: String,
    /// After-sales cases at each stage of handling.
    received: support::Driven,
    investigating: support::Driven,
    investigated: support::Driven,
    planning: support::Driven,
    drafted: support::Driven,
    pending: support::Driven,
    negotiating: support::Driven,
    executing: support::Driven,
    feedback: support::Driven,
    satisfied: support::Driven,
    /// A file to attach, and the evidence already attached to `investigating`.
    file: String,
    evidence_id: String,
    scratch: String,
    agent02: String,
    store_unit: String,
    /// A draft bulletin on `investigating`, and an issued one.
    bulletin_draft: serde_json::Value,
    bulletin_issued: String,
    /// A report draft with its text written, and an issued report.
    report_draft: String,
    report_issued: String,
    /// A small ledger spreadsheet to import.
    sheet: String,
    /// Emergency handling: a plan in force with a draft next version, and incidents.
    emergency: Emergency,
    supervision: Supervision,
    /// A bundle of this site's events, signed with its key.
    bundle_file: String,
}

struct Supervision {
    /// An open inspection, one of its sampled cases, and its open rectification item (owned
    /// by agent02).
    inspection: String,
    sampled: String,
    rectification: String,
    /// Every sample judged, nothing open: may be closed.
    closable: String,
    /// Proposed by legal01.
    sanction: String,
    /// A case whose consumer has no open case.
    finished_case: String,
    /// A risk point owned by agent02.
    risk: String,
    /// An operating standard whose first version is a draft.
    standard: String,
    /// A survey file, and an imported batch of another.
    survey_file: String,
    survey_batch: String,
}

async fn supervision_samples(db: &redress_core::Db, agent02: &str, dir: &Path) -> Supervision {
    let sys = |op: &'static str, req: serde_json::Value| {
        let db = db.clone();
        async move { dispatch(&db, &Actor::system(), op, &req.to_string()).await.expect(op) }
    };
    let open = |n: i64| {
        sys(
            "inspections.open",
            json!({"title": "售后部季度检查", "held_on": today(), "scope": ["process"],
            "period_from": "2024-01-01", "period_to": today(), "sample_size": n,
            "seed": "00000000000000ab"}),
        )
    };
    let inspection = open(3).await;
    let id = inspection["summary"]["id"].as_str().expect("inspection").to_owned();
    let sampled = inspection["cases"][0]["case_id"].as_str().expect("sampled").to_owned();
    let rectified = sys(
        "inspections.rectify",
        json!({"id": id, "item": "补录回访记录", "owner_id": agent02, "due_on": today()}),
    )
    .await;
    let rectification = rectified["rectifications"][0]["id"].as_str().expect("item").to_owned();
    let closable = open(1).await;
    let closable_id = closable["summary"]["id"].as_str().expect("closable").to_owned();
    sys(
        "inspections.check",
        json!({"id": closable_id, "case_id": closable["cases"][0]["case_id"],
        "verdict": "compliant"}),
    )
    .await;
    // Proposed by legal01: nobody decides their own proposal, not even the system identity.
    let legal = support::actor(db, "legal01").await;
    let sanction = dispatch(
        db,
        &legal,
        "sanctions.propose",
        &json!({"kind": "reward", "subject_kind": "staff", "subject_id": agent02,
        "period": "2026-Q3", "reason": "满意率连续三个月第一", "points": 5})
        .to_string(),
    )
    .await
    .expect("proposed")["id"]
        .as_str()
        .expect("sanction")
        .to_owned();
    let finished_case: String = sqlx::query_scalar(
        "SELECT c.id FROM cases c WHERE c.status = 'closed' AND NOT EXISTS (SELECT 1 FROM cases o \
         WHERE o.consumer_id = c.consumer_id AND o.status NOT IN ('closed', 'withdrawn', 'merged')) \
         LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .expect("a finished consumer");
    let risk = sys(
        "risks.record",
        json!({"title": "热水器安装漏水投诉上升", "description": "近三月安装类投诉占比上升",
        "source_kind": "manual", "measures": "安装前培训与复查", "owner_id": agent02,
        "due_on": today()}),
    )
    .await["id"]
        .as_str()
        .expect("risk")
        .to_owned();
    let standard = sys(
        "standards.save",
        json!({"kind": "service_commitment", "title": "七天无理由退货承诺",
        "body": "自签收之日起七日内，商品完好的，可无理由退货。"}),
    )
    .await["id"]
        .as_str()
        .expect("standard")
        .to_owned();
    let survey = |name: &str, score: u8| {
        let path = dir.join(name);
        std::fs::write(&path, format!("日期,门店,商品,评分\n2026-10-08,ST-SH-XH,空调,{score}\n"))
            .expect("survey file");
        path.to_string_lossy().into_owned()
    };
    let imported = survey("满意度十月.csv", 4);
    let survey_batch = sys("surveys.import", json!({"path": imported, "scale": "five"})).await
        ["batch_id"]
        .as_str()
        .expect("batch")
        .to_owned();
    Supervision {
        risk,
        standard,
        survey_file: survey("满意度十一月.csv", 5),
        survey_batch,
        inspection: id,
        sampled,
        rectification,
        closable: closable_id,
        sanction,
        finished_case,
    }
}

struct Emergency {
    plan: String,
    /// Plan activated; a required report outstanding, another made; a measure; reviewed.
    worked: String,
    required_report: String,
    made_report: String,
    measure: String,
    /// Declared, nothing else.
    fresh: String,
    /// Reviewed, nothing outstanding: may be closed.
    closable: String,
}

fn plan_content() -> serde_json::Value {
    json!({"scope": "同一批次商品短期内集中投诉", "communication": "指挥组微信群，每日17时通报",
        "organisation": [{"role": "总指挥", "name": "王强", "phone": "13800001111"},
                         {"role": "联络员", "name": "李娜", "phone": "021-64001234"}],
        "steps": [{"title": "核实事件情况", "role": "联络员", "within_hours": 2},
                  {"title": "通知门店暂停销售", "role": "总指挥", "within_hours": 4}],
        "reporting": [{"authority": "市场监督管理局", "within_hours": 24, "content": "事件概况"}]})
}

async fn emergency_samples(db: &redress_core::Db, case_id: &str) -> Emergency {
    let sys = |op: &'static str, req: serde_json::Value| {
        let db = db.clone();
        async move { dispatch(&db, &Actor::system(), op, &req.to_string()).await.expect(op) }
    };
    let plan = sys(
        "contingency.save",
        json!({"kind": "product_safety", "title": "产品质量安全事件应急预案",
        "content": plan_content()}),
    )
    .await;
    let plan_id = plan["id"].as_str().expect("plan").to_owned();
    sys("contingency.approve", json!({"id": plan_id, "version": 1, "effective_from": today()}))
        .await;
    sys("contingency.save", json!({"id": plan_id, "kind": "product_safety",
        "title": "产品质量安全事件应急预案", "content": plan_content(), "change_note": "增加联络员替补"}))
    .await;
    let declare = |title: &'static str| {
        sys(
            "incidents.declare",
            json!({"title": title, "kind": "product_safety", "level": "mass",
            "summary": "同一批次热水器集中投诉漏水", "case_ids": [case_id]}),
        )
    };
    let worked = declare("热水器漏水群体投诉").await;
    let worked_id = worked["id"].as_str().expect("incident").to_owned();
    let active = sys("incidents.activate", json!({"id": worked_id, "plan_id": plan_id})).await;
    let required_report = active["reports"][0]["id"].as_str().expect("required").to_owned();
    let made = sys(
        "incidents.report",
        json!({"id": worked_id, "authority": "集团总部",
        "channel": "电话", "content": "初步情况"}),
    )
    .await;
    let made_report = made["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["authority"] == "集团总部")
        .expect("made")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let measured =
        sys("incidents.measure", json!({"id": worked_id, "measure": "全部门店下架该批次"})).await;
    let measure = measured["measures"][0]["id"].as_str().expect("measure").to_owned();
    let review = json!({"causes": "供应商密封圈批次缺陷", "problems": "预警后两小时才启动",
        "worked": "门店统一口径", "lessons": "进货抽检", "plan_revisions": "缩短核实时限"});
    sys("incidents.review", json!({"id": worked_id, "review": review})).await;
    let fresh = declare("门店闭店集中退款").await["id"].as_str().expect("fresh").to_owned();
    let closable = declare("已处置完毕的事件").await["id"].as_str().expect("closable").to_owned();
    sys("incidents.review", json!({"id": closable, "review": review})).await;
    Emergency {
        plan: plan_id,
        worked: worked_id,
        required_report,
        made_report,
        measure,
        fresh,
        closable,
    }
}

fn copy_tree(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else { return };
    std::fs::create_dir_all(to).expect("mkdir");
    for e in entries.flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy blob");
        }
    }
}

/// A name no other sample run uses.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!("export-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn today() -> String {
    chrono::Utc::now().with_timezone(&redress_core::time::china()).date_naive().to_string()
}

fn import_mapping() -> serde_json::Value {
    json!({"source": "old-ledger", "external_id": ["编号"], "fields": {
        "received_at": {"column": "受理日期"}, "channel": {"value": "hotline"},
        "product_name": {"column": "商品"}, "content": {"column": "问题"},
        "category": {"value": "product_quality"}}})
}

fn sample(op: &str, ids: &Ids) -> String {
    match op {
        "cases.list" => r#"{"limit": 5}"#.into(),
        "stats.summary" => r#"{"from": "2026-01-01", "to": "2026-12-31"}"#.into(),
        "stats.hotspots" => r#"{"period": "2026-10"}"#.into(),
        "kpi.summary" => r#"{"period": "2026-Q3", "by": "department"}"#.into(),
        "kpi.targets" => r#"{"period": "2026-10"}"#.into(),
        "kpi.target_set" => {
            r#"{"period": "2026", "kpi": "on_time_rate", "goal": 95, "limit": 90}"#.into()
        }
        "volume.list" => r#"{"year": 2026}"#.into(),
        "volume.set" => r#"{"entries": [{"unit": "DEP-AS", "month": "2026-10", "orders": 1200}]}"#.into(),
        "volume.import" => r#"{"text": "unit,month,orders\nDEP-CS,2026-10,900"}"#.into(),
        "cases.pause" => {
            format!(r#"{{"id": "{}", "reason": "等待检测报告"}}"#, ids.case_in_after_sales)
        }
        "cases.resume" => format!(r#"{{"id": "{}"}}"#, ids.paused_case),
        "cases.related" => r#"{"mobile": "138 1234 5678", "order_no": "HY1"}"#.into(),
        "cases.get" => format!(r#"{{"id": "{}"}}"#, ids.case_in_after_sales),
        "cases.create" => {
            r#"{"consumer": {"name": "李娜", "mobile": "13900001111", "landline": null,
            "email": null, "address": null}, "channel": "store", "store_id": "ST-SH-XH",
            "product_name": "电热水器", "quantity": 1, "content": "显示屏不亮", "demand": "repair",
            "category": "after_sales", "severity": "general", "complexity": "simple",
            "on_the_spot": {"answer": "已登记保修并预约上门", "consumer_response": "同意",
            "satisfaction": "satisfied"}}"#
                .into()
        }
        "demo.generate" => r#"{"cases": 2, "until": "2026-11-28"}"#.into(),
        "system.info" | "accounts.list" | "roles.list" | "org.list" | "org.handlers"
        | "audit.verify" | "settings.get" => "{}".into(),
        "auth.change_password" => {
            r#"{"current_password": "Demo2026", "new_password": "Changed2027"}"#.into()
        }
        "accounts.create" => r#"{"username": "new.agent", "display_name": "新客服",
            "unit_id": null, "roles": ["intake_agent"], "password": "Welcome2026"}"#
            .into(),
        "accounts.update" => format!(r#"{{"id": "{}", "display_name": "周婷婷"}}"#, ids.agent02),
        "accounts.reset_password" => {
            format!(r#"{{"id": "{}", "new_password": "Reset2026x"}}"#, ids.agent02)
        }
        "roles.update" => r#"{"code": "intake_agent", "permissions": ["case.view"],
            "case_scope": "own"}"#
            .into(),
        "org.create" => r#"{"code": "ST-XA-YT", "name": "西安雁塔店", "kind": "store",
            "parent_id": null, "city": "西安"}"#
            .into(),
        "org.update" => format!(r#"{{"id": "{}", "name": "上海徐汇旗舰店"}}"#, ids.store_unit),
        "settings.update" => r#"{"idle_lock_minutes": 30, "deadlines": [
            {"severity": "general", "acknowledge_working_days": 1, "resolve_working_days": 15},
            {"severity": "serious", "acknowledge_working_days": 1, "resolve_working_days": 10},
            {"severity": "major", "acknowledge_working_days": 1, "resolve_working_days": 5},
            {"severity": "mass", "acknowledge_working_days": 1, "resolve_working_days": 3}],
            "approval_threshold_fen": 200000}"#
            .into(),
        "cases.acknowledge" => format!(r#"{{"id": "{}", "method": "phone"}}"#, ids.new_case),
        "sites.list" | "ownership.review" => "{}".into(),
        "cases.handover_request" | "cases.reassign" => json!({"id": ids.ownership.free,
            "to_site": "site-sh", "reason": "顾客在上海"})
        .to_string(),
        "cases.handover_grant" => json!({"id": ids.ownership.pending}).to_string(),
        "cases.handover_decline" => {
            json!({"id": ids.ownership.pending, "note": "由本店继续处理"}).to_string()
        }
        "cases.held_review" => json!({"id": ids.ownership.held, "event_id": ids.ownership.event,
            "note": "已重新分派"})
        .to_string(),
        "cases.link" => {
            format!(r#"{{"id": "{}", "other": "{}"}}"#, ids.new_case, ids.case_in_after_sales)
        }
        "cases.unlink" => {
            format!(r#"{{"id": "{}", "other": "{}"}}"#, ids.paused_case, ids.case_in_after_sales)
        }
        "cases.merge" => format!(
            r#"{{"id": "{}", "into": "{}", "reason": "同一订单重复来电"}}"#,
            ids.new_case, ids.case_in_after_sales
        ),
        "calendar.list" => r#"{"year": 2026}"#.into(),
        "codes.list" => "{}".into(),
        "codes.save" => r#"{"list": "channel", "code": "douyin", "label_zh": "抖音",
            "label_en": "Douyin", "active": true}"#
            .into(),
        "calendar.set" => r#"{"days": [{"date": "2026-12-31", "kind": "holiday",
            "name_zh": "公司年假", "name_en": "Company holiday"}]}"#
            .into(),
        "calendar.import" => r#"{"text": "2027-01-01,休,元旦,New Year's Day"}"#.into(),
        "cases.handling" => json!({"id": ids.executing.case_id}).to_string(),
        "cases.advance" => {
            json!({"id": ids.investigated.case_id, "move": "start_planning"}).to_string()
        }
        "cases.assign" => json!({"id": ids.received.case_id, "department_id": "DEP-QA",
            "note": "转质量管理部"})
        .to_string(),
        "cases.team_set" => json!({"id": ids.received.case_id, "members": [
            {"account_id": "handler.as", "role": "customer_service", "duty": "牵头处理", "lead": true},
            {"account_id": "legal01", "role": "legal", "duty": "法律意见"}]})
        .to_string(),
        "cases.investigate" => json!({"id": ids.investigating.case_id, "fact": "消费者提供了购买发票",
            "source_kind": "document", "source": "发票复印件", "found_on": today()})
        .to_string(),
        "plans.draft" => json!({"case_id": ids.planning.case_id, "summary": "退货退款",
            "measures": [{"kind": "refund", "description": "全额退款", "amount": "1999",
            "responsible_id": "handler.as", "steps": [{"title": "办理退款", "due_on": today()}]}]})
        .to_string(),
        "plans.decide" => json!({"plan_id": ids.pending.plan_id, "approved": true}).to_string(),
        "plans.offer" => json!({"plan_id": ids.drafted.plan_id}).to_string(),
        "cases.negotiate" => json!({"case_id": ids.negotiating.case_id, "held_on": today(),
            "method": "phone", "response": "counter", "counter": "要求补偿 1000 元"})
        .to_string(),
        "steps.complete" => json!({"step_id": ids.executing.step_ids[0], "done_on": today()})
            .to_string(),
        "steps.delay" => json!({"step_id": ids.executing.step_ids[1], "reason": "配件缺货",
            "new_due_on": "2099-01-01", "informed_by": "sms", "informed_on": today()})
        .to_string(),
        "cases.feedback" => json!({"id": ids.feedback.case_id, "communicated_by": "phone",
            "satisfaction": "fairly_satisfied", "score": 4})
        .to_string(),
        "cases.close" => json!({"id": ids.satisfied.case_id, "result": "已更换温控器并补偿",
            "root_cause": "product_defect", "typical": true})
        .to_string(),
        "work.list" => "{}".into(),
        "evidence.add" => json!({"case_id": ids.investigating.case_id, "files": [
            {"path": ids.file, "kind": "photo", "description": "故障照片"}]})
        .to_string(),
        "evidence.list" => json!({"case_id": ids.investigating.case_id}).to_string(),
        "cases.search" => json!({"query": "烤箱 温控"}).to_string(),
        "documents.notice" => {
            json!({"case": ids.received.case_id, "kind": "acknowledgment"}).to_string()
        }
        "documents.settings" | "bulletins.list" => "{}".into(),
        "documents.settings_save" => {
            let mut profile = serde_json::to_value(
                redress_core::documents::templates::CompanyProfile::default(),
            )
            .expect("profile");
            profile["company_name"] = json!("华东电器有限公司");
            let templates =
                serde_json::to_value(redress_core::documents::templates::Templates::default())
                    .expect("templates");
            json!({"profile": profile, "templates": templates}).to_string()
        }
        "bulletins.get" | "bulletins.pdf" => json!({"id": ids.bulletin_issued}).to_string(),
        "reports.list" => "{}".into(),
        "reports.get" | "reports.pdf" => json!({"id": ids.report_issued}).to_string(),
        "reports.draft" => r#"{"period": "2026-Q4"}"#.into(),
        "reports.save" => json!({"id": ids.report_draft, "title": "2026年11月消费纠纷统计分析报告",
            "conclusions": "受理量平稳。", "proposals": "加强安装培训。"})
        .to_string(),
        "reports.issue" => json!({"id": ids.report_draft}).to_string(),
        "bulletins.draft" => json!({"cases": [ids.investigating.case_id]}).to_string(),
        "bulletins.save" => {
            let mut content = ids.bulletin_draft["content"].clone();
            content["title"] = json!("关于烤箱温控失灵案例的通报");
            json!({"id": ids.bulletin_draft["summary"]["id"], "content": content}).to_string()
        }
        "bulletins.issue" | "bulletins.discard" => {
            json!({"id": ids.bulletin_draft["summary"]["id"]}).to_string()
        }
        "cases.export" => json!({"path": format!("{}/{}.csv", ids.scratch, uuid_like()),
            "filter": {"statuses": ["closed"]}})
        .to_string(),
        "consumers.get" => json!({"case_id": ids.case_in_after_sales}).to_string(),
        "consumers.update" => json!({"case_id": ids.new_case, "contact": {"name": "李娜",
            "mobile": "13900002222", "landline": null, "email": null, "address": "上海市徐汇区"},
            "note": "消费者来电更正手机号"})
        .to_string(),
        "consumers.merge" => {
            json!({"case_id": ids.new_case, "duplicate_case": ids.case_in_after_sales}).to_string()
        }
        "imports.inspect" => json!({"path": ids.sheet}).to_string(),
        "imports.preview" | "imports.run" => {
            json!({"path": ids.sheet, "mapping": import_mapping()}).to_string()
        }
        "imports.mapping_save" => json!({"mapping": import_mapping()}).to_string(),
        "imports.mappings" | "imports.batches" => "{}".into(),
        "jobs.status" | "jobs.cancel" => json!({"job_id": "no-such-job"}).to_string(),
        "preferences.get" => json!({"key": "ledger.columns"}).to_string(),
        "preferences.save" => {
            json!({"key": "ledger.columns", "value": {"order": ["case_no"], "hidden": []}})
                .to_string()
        }
        "evidence.open" => json!({"id": ids.evidence_id}).to_string(),
        "evidence.verify" => json!({"case_id": ids.investigating.case_id}).to_string(),
        "evidence.export" => json!({"case_id": ids.investigating.case_id,
            "out_dir": format!("{}/{}", ids.scratch, uuid_like())})
        .to_string(),
        "alerts.list" => r#"{"at": "2026-11-20"}"#.into(),
        "contingency.list" | "drills.list" | "incidents.list" => "{}".into(),
        "contingency.get" | "contingency.pdf" => json!({"id": ids.emergency.plan}).to_string(),
        "contingency.save" => json!({"id": ids.emergency.plan, "kind": "product_safety",
            "title": "产品质量安全事件应急预案", "content": plan_content(),
            "change_note": "调整报告时限"})
        .to_string(),
        "contingency.approve" => {
            json!({"id": ids.emergency.plan, "version": 2, "effective_from": today()}).to_string()
        }
        "drills.record" => json!({"plan_id": ids.emergency.plan, "held_on": today(),
            "scenario": "热水器批次漏水", "participants": ["王强", "李娜"], "duration_minutes": 90,
            "problems": "联络员电话未接通", "revisions": "增设替补"})
        .to_string(),
        "incidents.get" | "incidents.pdf" => json!({"id": ids.emergency.worked}).to_string(),
        "incidents.declare" => json!({"title": "空调集中投诉", "kind": "mass_refund",
            "level": "major", "summary": "多名消费者要求退款", "case_ids": [ids.new_case]})
        .to_string(),
        "incidents.link" => {
            json!({"id": ids.emergency.worked, "case_ids": [ids.new_case]}).to_string()
        }
        "incidents.activate" => {
            json!({"id": ids.emergency.fresh, "plan_id": ids.emergency.plan}).to_string()
        }
        "incidents.step" => {
            json!({"id": ids.emergency.worked, "seq": 1, "action": "start"}).to_string()
        }
        "incidents.report" => json!({"id": ids.emergency.worked,
            "report_id": ids.emergency.required_report, "authority": "市场监督管理局",
            "channel": "书面", "content": "事件概况及处置情况"})
        .to_string(),
        "incidents.reply" => json!({"id": ids.emergency.worked,
            "report_id": ids.emergency.made_report, "reply": "请持续报告进展"})
        .to_string(),
        "incidents.measure" => {
            json!({"id": ids.emergency.worked, "measure": "开通专线受理"}).to_string()
        }
        "incidents.assess" => json!({"id": ids.emergency.worked,
            "measure_id": ids.emergency.measure, "effect": "新增投诉明显减少"})
        .to_string(),
        "incidents.review" => json!({"id": ids.emergency.worked, "review": {"causes": "批次缺陷",
            "problems": "启动慢", "worked": "", "lessons": "加强抽检", "plan_revisions": ""}})
        .to_string(),
        "incidents.close" => json!({"id": ids.emergency.closable}).to_string(),
        "compliance.list" => "{}".into(),
        "scorecard.get" => json!({"period": "2026", "by": "staff"}).to_string(),
        "scorecard.export" => json!({"period": "2026-Q3", "by": "department",
            "path": Path::new(&ids.scratch).join(format!("{}.xlsx", uuid_like()))})
        .to_string(),
        "inspections.list" => "{}".into(),
        "inspections.get" => json!({"id": ids.supervision.inspection}).to_string(),
        "inspections.open" => json!({"title": "门店受理抽查", "held_on": today(),
            "scope": ["intake", "satisfaction"], "period_from": "2025-01-01", "period_to": today(),
            "sample_size": 5})
        .to_string(),
        "inspections.check" => json!({"id": ids.supervision.inspection,
            "case_id": ids.supervision.sampled, "verdict": "issue", "note": "结案前未回访"})
        .to_string(),
        "inspections.findings" => json!({"id": ids.supervision.inspection,
            "findings": "回访记录普遍缺失。"})
        .to_string(),
        "inspections.rectify" => json!({"id": ids.supervision.inspection,
            "item": "组织回访规范培训", "owner_id": ids.agent02, "due_on": today()})
        .to_string(),
        "inspections.rectified" => json!({"rectification_id": ids.supervision.rectification,
            "note": "已补录"})
        .to_string(),
        "inspections.close" => json!({"id": ids.supervision.closable}).to_string(),
        "sanctions.list" => json!({"period": "2026"}).to_string(),
        "sanctions.propose" => json!({"kind": "penalty", "subject_kind": "unit",
            "subject_id": ids.store_unit, "period": "2026-10", "reason": "逾期件数超标",
            "amount_fen": 50000})
        .to_string(),
        "sanctions.decide" => json!({"id": ids.supervision.sanction, "approved": true}).to_string(),
        "privacy.settings" => "{}".into(),
        "privacy.settings_set" => json!({"retention_months": 24}).to_string(),
        "privacy.log" => "{}".into(),
        "retention.run" => json!({"dry_run": true}).to_string(),
        "consumers.anonymise" => json!({"case_id": ids.supervision.finished_case,
            "note": "消费者来电要求删除个人信息"})
        .to_string(),
        "consumers.export" => json!({"case_id": ids.supervision.finished_case,
            "note": "消费者书面申请查阅",
            "path": Path::new(&ids.scratch).join(format!("{}.json", uuid_like()))})
        .to_string(),
        "trainings.list" => "{}".into(),
        "trainings.record" => json!({"topic": "consumer_rights_law", "title": "消费者权益保护法要点",
            "held_on": today(), "trainer": "黄律", "hours": 2, "pass_score": 60,
            "attendees": [{"account_id": ids.agent02, "score": 88}]})
        .to_string(),
        "trainings.coverage" => "{}".into(),
        "risks.list" => "{}".into(),
        "risks.record" => json!({"title": "门店退货政策口径不一", "description": "三家门店答复不同",
            "source_kind": "hotspot", "source": {"dimension": "store", "value": "ST-SH-XH",
            "observed": 12, "expected": 4.1}, "measures": "统一话术并培训", "owner_id": ids.agent02,
            "due_on": today()})
        .to_string(),
        "risks.review" => json!({"id": ids.supervision.risk, "review": "话术已统一，投诉回落",
            "status": "mitigated"})
        .to_string(),
        "retention.runs" => "{}".into(),
        "standards.list" => "{}".into(),
        "standards.get" => json!({"id": ids.supervision.standard}).to_string(),
        "standards.lookup" => json!({"query": "退货", "category": "product_quality"}).to_string(),
        "standards.save" => json!({"id": ids.supervision.standard, "kind": "service_commitment",
            "title": "七天无理由退货承诺", "body": "自签收之日起七日内可无理由退货。"})
        .to_string(),
        "standards.approve" => json!({"id": ids.supervision.standard, "version": 1,
            "effective_from": today()})
        .to_string(),
        "surveys.import" => json!({"path": ids.supervision.survey_file, "scale": "five"}).to_string(),
        "surveys.batches" => "{}".into(),
        "surveys.withdraw" => json!({"batch_id": ids.supervision.survey_batch,
            "reason": "导入了错误的文件"})
        .to_string(),
        "surveys.summary" => json!({"by": "store"}).to_string(),
        "sync.status" | "sync.run" => "{}".into(),
        "backup.status" | "backup.create" => "{}".into(),
        "backup.configure" => json!({"folder": format!("{}/{}", ids.scratch, uuid_like()),
            "keep": 7, "daily": true})
        .to_string(),
        "backup.verify" => json!({"path": ids.backup}).to_string(),
        "sync.configure" => json!({"hub_url": "https://hub.example.cn:8443",
            "token": "ab".repeat(32)})
        .to_string(),
        "cases.legal_hold" => json!({"id": ids.case_in_after_sales,
            "reason": "消费者已起诉"})
        .to_string(),
        "bundles.export" => json!({"path": format!("{}/导出.redress-bundle", ids.scratch),
            "scope": "waiting"})
        .to_string(),
        "bundles.import" => json!({"path": ids.bundle_file}).to_string(),
        "bundles.history" => "{}".into(),
        other => panic!("no sample request for {other}: add it to this test and its matrix"),
    }
}

async fn state(db: &redress_core::Db) -> (String, i64) {
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(db.pool())
        .await
        .expect("count");
    (projection::snapshot(db).await.expect("snapshot"), events)
}

/// The sample request, or for an operation on this copy's own files, one made for it: a
/// database a restore set aside lies beside the database it was replaced by.
fn sample_for(op: &str, ids: &Ids, db: &redress_core::Db) -> String {
    if op != "backup.discard_replaced" {
        return sample(op, ids);
    }
    let name = db.path().file_name().expect("name").to_string_lossy().into_owned();
    let kept = db.path().with_file_name(format!("{name}.replaced-20261130-090000"));
    std::fs::create_dir_all(&kept).expect("kept");
    std::fs::write(kept.join(&name), b"SQLite format 3\0").expect("old database");
    json!({"path": kept}).to_string()
}

pub(crate) async fn open_copy(template: &Path, dir: &Path, name: &str) -> redress_core::Db {
    let path = dir.join(format!("{name}.db"));
    std::fs::copy(template, &path).expect("copy");
    // The evidence store goes with the database.
    let store = redress_core::evidence::Store::for_database(template);
    copy_tree(store.root(), redress_core::evidence::Store::for_database(&path).root());
    storage::open(OpenOptions::new(path)).await.expect("open copy")
}

/// A demo database prepared so that every operation has a request that succeeds: cases at
/// every stage, evidence, documents, an emergency, supervision, ownership, a bundle and a
/// backup. The database is closed; copies of `template` are what tests work on.
pub(crate) struct Fixture {
    _t: support::TempDb,
    ids: Ids,
    pub(crate) template: std::path::PathBuf,
    _exports: tempfile::TempDir,
}

impl Fixture {
    /// The sample request of `op`, for a copy `db` of the template.
    pub(crate) fn sample(&self, op: &str, db: &redress_core::Db) -> String {
        sample_for(op, &self.ids, db)
    }
}

pub(crate) async fn fixture() -> Fixture {
    let t = support::with_demo(300, 21).await;
    let open_in_after_sales: Vec<String> = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN org_units d ON d.id = c.department_id \
         WHERE d.code = 'DEP-AS' AND c.status NOT IN ('closed', 'withdrawn') LIMIT 2",
    )
    .fetch_all(t.db.pool())
    .await
    .expect("open cases of the after-sales department");
    assert_eq!(open_in_after_sales.len(), 2, "the demo data has open after-sales cases");
    dispatch(
        &t.db,
        &Actor::system(),
        "cases.pause",
        &format!(r#"{{"id": "{}", "reason": "等待消费者补充材料"}}"#, open_in_after_sales[1]),
    )
    .await
    .expect("pause one for the resume sample");
    dispatch(
        &t.db,
        &Actor::system(),
        "cases.link",
        &format!(
            r#"{{"id": "{}", "other": "{}"}}"#,
            open_in_after_sales[1], open_in_after_sales[0]
        ),
    )
    .await
    .expect("link two for the unlink sample");
    let created = dispatch(
        &t.db,
        &Actor::system(),
        "cases.create",
        r#"{"consumer": {"name": "周敏", "mobile": "13900002222"}, "channel": "website",
            "product_name": "洗碗机", "quantity": 1, "content": "洗不干净", "demand": "repair",
            "category": "product_quality", "department_id": "DEP-AS", "severity": "general",
            "complexity": "complex"}"#,
    )
    .await
    .expect("a new after-sales case");
    use support::Stage;
    let investigating = support::drive_to(&t.db, Stage::Investigating).await;
    let file = t.dir.path().join("故障照片.jpg");
    std::fs::write(&file, b"\xff\xd8\xff photo").expect("file");
    let attached = dispatch(
        &t.db,
        &Actor::system(),
        "evidence.add",
        &json!({"case_id": investigating.case_id, "files": [{"path": file, "kind": "photo"}]})
            .to_string(),
    )
    .await
    .expect("evidence for the samples");
    let scratch_exports = tempfile::tempdir().expect("exports");
    let bulletin = |db: &redress_core::Db| {
        let req = json!({"cases": [investigating.case_id]}).to_string();
        let db = db.clone();
        async move { dispatch(&db, &Actor::system(), "bulletins.draft", &req).await.expect("bulletin") }
    };
    let bulletin_draft = bulletin(&t.db).await;
    let issued = bulletin(&t.db).await;
    dispatch(
        &t.db,
        &Actor::system(),
        "bulletins.issue",
        &json!({"id": issued["summary"]["id"]}).to_string(),
    )
    .await
    .expect("issued");
    let report = |db: &redress_core::Db| {
        let db = db.clone();
        async move {
            let sys = |op: &'static str, req: serde_json::Value| {
                let db = db.clone();
                async move { dispatch(&db, &Actor::system(), op, &req.to_string()).await.expect(op) }
            };
            let draft = sys("reports.draft", json!({"period": "2026-11"})).await;
            let id = draft["id"].as_str().expect("id").to_owned();
            sys(
                "reports.save",
                json!({"id": id, "title": draft["title"],
                "conclusions": "本月纠纷以产品质量为主。", "proposals": "一、加强进货检验。"}),
            )
            .await;
            id
        }
    };
    let report_draft = report(&t.db).await;
    let report_issued = report(&t.db).await;
    dispatch(&t.db, &Actor::system(), "reports.issue", &json!({"id": report_issued}).to_string())
        .await
        .expect("report issued");
    let sheet = t.dir.path().join("旧台账.csv");
    std::fs::write(&sheet, "编号,受理日期,商品,问题\n1,2024-05-01,空调,不制冷\n").expect("sheet");
    let emergency = emergency_samples(&t.db, &open_in_after_sales[0]).await;
    let agent02: String = sqlx::query_scalar("SELECT id FROM accounts WHERE username = 'agent02'")
        .fetch_one(t.db.pool())
        .await
        .expect("agent02");
    let supervision = supervision_samples(&t.db, &agent02, t.dir.path()).await;
    let ownership = ownership_samples(&t.db).await;
    redress_core::bundle::set_own_key(&t.db, Some(&redress_core::bundle::new_key_pair().0))
        .await
        .expect("signing key");
    let bundle_file = t.dir.path().join("本店.redress-bundle");
    redress_core::bundle::export(&t.db, &bundle_file, redress_core::bundle::Scope::Waiting, None)
        .await
        .expect("bundle");
    let backups = t.dir.path().join("备份");
    let backup = redress_core::backup::create(&t.db, &backups, None).await.expect("backup");
    sqlx::query("UPDATE backup_state SET folder = ?")
        .bind(backups.to_string_lossy().into_owned())
        .execute(t.db.pool())
        .await
        .expect("backup folder");
    let ids = Ids {
        backup: backup.backup.path,
        ownership,
        bundle_file: bundle_file.to_string_lossy().into_owned(),
        supervision,
        emergency,
        sheet: sheet.to_string_lossy().into_owned(),
        bulletin_draft,
        report_draft,
        report_issued,
        bulletin_issued: issued["summary"]["id"].as_str().expect("id").to_owned(),
        file: file.to_string_lossy().into_owned(),
        evidence_id: attached["items"][0]["id"].as_str().expect("id").to_owned(),
        scratch: scratch_exports.path().to_string_lossy().into_owned(),
        received: support::drive_to(&t.db, Stage::Received).await,
        investigating,
        investigated: support::drive_to(&t.db, Stage::Investigated).await,
        planning: support::drive_to(&t.db, Stage::Planning).await,
        drafted: support::drive_to(&t.db, Stage::Drafted).await,
        pending: support::drive_to(&t.db, Stage::PendingApproval).await,
        negotiating: support::drive_to(&t.db, Stage::Negotiating).await,
        executing: support::drive_to(&t.db, Stage::Executing).await,
        feedback: support::drive_to(&t.db, Stage::Feedback).await,
        satisfied: support::drive_to(&t.db, Stage::Satisfied).await,
        case_in_after_sales: open_in_after_sales[0].clone(),
        paused_case: open_in_after_sales[1].clone(),
        new_case: created["id"].as_str().expect("id").to_owned(),
        agent02: sqlx::query_scalar("SELECT id FROM accounts WHERE username = 'agent02'")
            .fetch_one(t.db.pool())
            .await
            .expect("agent02"),
        store_unit: sqlx::query_scalar("SELECT id FROM org_units WHERE code = 'ST-SH-XH'")
            .fetch_one(t.db.pool())
            .await
            .expect("store"),
    };
    let template = t.path();
    t.db.close().await;
    Fixture { _t: t, ids, template, _exports: scratch_exports }
}

#[tokio::test]
async fn every_operation_for_every_role() {
    let f = fixture().await;
    let (ids, template) = (&f.ids, &f.template);

    // The matrix covers every operation there is.
    let mut listed: Vec<&str> = MATRIX.iter().map(|(op, _)| *op).collect();
    let mut actual: Vec<&str> = catalogue().iter().map(|op| op.name).collect();
    listed.sort_unstable();
    actual.sort_unstable();
    assert_eq!(listed, actual, "the matrix must list every operation");

    let scratch = tempfile::tempdir().expect("dir");
    for (op, allowed) in MATRIX {
        for (role, may) in ROLES.iter().zip(allowed) {
            let db = open_copy(template, scratch.path(), &format!("{op}-{role}")).await;
            let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE username = ?")
                .bind(role)
                .fetch_one(db.pool())
                .await
                .expect("account");
            let mut conn = db.pool().acquire().await.expect("conn");
            let actor = load_actor(&mut conn, &id).await.expect("actor");
            drop(conn);
            let before = state(&db).await;
            let result = dispatch(&db, &actor, op, &sample_for(op, ids, &db)).await;
            match (may, result) {
                (true, Ok(_)) => {}
                (true, Err(e)) => panic!("{role} should be allowed {op}: {}", e.to_api(Lang::En)),
                (false, Ok(_)) => panic!("{role} must not be allowed {op}"),
                (false, Err(e)) => {
                    assert_eq!(e.code(), "auth.forbidden", "{role} × {op}");
                    assert!(state(&db).await == before, "a refused {op} by {role} changed state");
                }
            }
            db.close().await;
        }
    }

    // The local system identity may do everything (but change a password: it has none).
    for (op, _) in MATRIX.iter().filter(|(op, _)| *op != "auth.change_password") {
        let db = open_copy(template, scratch.path(), &format!("{op}-system")).await;
        let result = dispatch(&db, &Actor::system(), op, &sample_for(op, ids, &db)).await;
        assert!(result.is_ok(), "system × {op}: {:?}", result.err().map(|e| e.to_api(Lang::En)));
        db.close().await;
    }
}
