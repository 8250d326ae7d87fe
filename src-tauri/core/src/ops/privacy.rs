//! Consumers' personal data under the PIPL: a retention rule that anonymises the personal data
//! of consumers whose cases closed long enough ago (statistics survive: only the person goes),
//! legal holds that exempt a case, and anonymisation or export on a consumer's request. Every
//! action is an event on the cases' timelines and a line of the privacy log. docs/PRIVACY.md.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::{Row, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::events::{EventBody, SettingChanged};
use crate::domain::supervision::{
    CaseLegalHold, ConsumerAnonymised, ConsumerExported, PrivacyBasis, RetentionRan,
};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::ops::emergency::append;
use crate::ops::fields::{problem, text};
use crate::storage::Db;
use crate::time;

/// The setting: months after a consumer's last case closed before their data is anonymised
/// (0: never).
pub const RETENTION_MONTHS: &str = "privacy.retention_months";
pub const DEFAULT_RETENTION_MONTHS: i64 = 36;

fn state(reason: &'static str) -> CoreError {
    CoreError::SupervisionState { reason }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PrivacySettings {
    /// Months after the last case closed (0: the rule is off; else 6–240).
    pub retention_months: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettingsRequest {}

async fn retention_months(conn: &mut SqliteConnection) -> CoreResult<i64> {
    crate::settings::integer(conn, RETENTION_MONTHS, DEFAULT_RETENTION_MONTHS).await
}

pub async fn settings(
    db: &Db,
    actor: &Actor,
    _req: PrivacySettingsRequest,
) -> CoreResult<PrivacySettings> {
    actor.require(Permission::PrivacyManage)?;
    let mut conn = db.pool().acquire().await?;
    Ok(PrivacySettings { retention_months: retention_months(&mut conn).await? })
}

pub async fn settings_set(
    db: &Db,
    actor: &Actor,
    req: PrivacySettings,
) -> CoreResult<PrivacySettings> {
    actor.require(Permission::PrivacyManage)?;
    if req.retention_months != 0 && !(6..=240).contains(&req.retention_months) {
        return Err(CoreError::Validation(vec![problem(
            "retention_months",
            FieldRule::OutOfRange { min: 6, max: 240 },
        )]));
    }
    let body = EventBody::SettingChanged(SettingChanged {
        key: RETENTION_MONTHS.into(),
        value: serde_json::json!(req.retention_months),
    });
    event_log::append_alone(db, actor, body).await?;
    Ok(req)
}

// ---------------------------------------------------------------------------------------------
// Anonymisation

/// The consumer records of one person: the record itself and the duplicates merged into it.
async fn records(conn: &mut SqliteConnection, consumer_id: &str) -> CoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM consumers WHERE id = ?1 OR merged_into = ?1 ORDER BY id = ?1 DESC, id",
    )
    .bind(consumer_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Destroys the keys of a consumer's records and records the anonymisation on each of their
/// cases (and on each retired duplicate record); returns the cases.
async fn anonymise(
    conn: &mut SqliteConnection,
    db: &Db,
    actor: &Actor,
    consumer_id: &str,
    basis: PrivacyBasis,
    note: &str,
) -> CoreResult<Vec<String>> {
    let ids = records(conn, consumer_id).await?;
    let now = time::to_db(db.now());
    for id in &ids {
        sqlx::query(
            "INSERT INTO consumer_keys (consumer_id, key, erased_at) VALUES (?, NULL, ?) \
             ON CONFLICT (consumer_id) DO UPDATE SET key = NULL, erased_at = excluded.erased_at",
        )
        .bind(id)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    let cases: Vec<String> =
        sqlx::query_scalar("SELECT id FROM cases WHERE consumer_id = ? ORDER BY case_no")
            .bind(consumer_id)
            .fetch_all(&mut *conn)
            .await?;
    let body = |id: &str| {
        EventBody::ConsumerAnonymised(ConsumerAnonymised {
            consumer_id: id.to_owned(),
            basis,
            note: note.to_owned(),
        })
    };
    for case_id in &cases {
        event_log::append(
            conn,
            db,
            actor,
            NewEvent {
                case_id: Some(case_id.clone()),
                occurred_at: db.now(),
                body: body(consumer_id),
            },
        )
        .await?;
    }
    for duplicate in ids.iter().filter(|id| *id != consumer_id) {
        event_log::append(
            conn,
            db,
            actor,
            NewEvent { case_id: None, occurred_at: db.now(), body: body(duplicate) },
        )
        .await?;
    }
    Ok(cases)
}

/// A consumer whose data the rule would anonymise, or holds back.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RetentionItem {
    pub consumer_id: String,
    pub case_ids: Vec<String>,
    pub case_nos: Vec<String>,
    /// When their last case closed.
    pub last_closed_at: String,
    /// Under legal hold: kept.
    pub held: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionRunRequest {
    /// List what would be anonymised, change nothing.
    pub dry_run: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RetentionReport {
    pub retention_months: i64,
    /// Consumers whose last case closed before this moment are due.
    pub cutoff: Option<String>,
    pub dry_run: bool,
    /// Due (anonymised unless a dry run), and held back by a legal hold.
    pub due: Vec<RetentionItem>,
    pub held: Vec<RetentionItem>,
    /// Consumers anonymised by this run.
    pub anonymised: i64,
    /// Their cases.
    pub cases: i64,
}

/// The cutoff: `months` calendar months before today (China time), at midnight.
fn cutoff(db: &Db, months: i64) -> Option<String> {
    let today: NaiveDate = db.now().with_timezone(&time::china()).date_naive();
    let day = today.checked_sub_months(Months::new(u32::try_from(months).ok()?))?;
    Some(crate::ops::stats::start_of(day))
}

/// Applies the retention rule: every consumer whose cases are all finished and whose last one
/// closed before the cutoff is anonymised, unless a case of theirs is under legal hold.
pub async fn run(db: &Db, actor: &Actor, req: RetentionRunRequest) -> CoreResult<RetentionReport> {
    actor.require(Permission::PrivacyManage)?;
    apply_rule(db, actor, req.dry_run, false).await
}

async fn apply_rule(
    db: &Db,
    actor: &Actor,
    dry_run: bool,
    automatic: bool,
) -> CoreResult<RetentionReport> {
    let req = RetentionRunRequest { dry_run };
    let mut tx = db.begin_write().await?;
    let months = retention_months(&mut tx).await?;
    let cut = (months > 0).then(|| cutoff(db, months)).flatten();
    let mut report = RetentionReport {
        retention_months: months,
        cutoff: cut.clone(),
        dry_run: req.dry_run,
        due: Vec::new(),
        held: Vec::new(),
        anonymised: 0,
        cases: 0,
    };
    let Some(cut) = cut else {
        return Ok(report);
    };
    let rows = sqlx::query(
        "SELECT k.id, json_group_array(c.id), json_group_array(c.case_no), \
         MAX(COALESCE(c.closed_at, c.received_at)) AS last, SUM(c.legal_hold IS NOT NULL) \
         FROM consumers k JOIN cases c ON c.consumer_id = k.id \
         WHERE k.erased = 0 AND k.merged_into IS NULL GROUP BY k.id \
         HAVING SUM(c.status NOT IN ('closed', 'withdrawn', 'merged')) = 0 AND last < ? \
         ORDER BY last, k.id",
    )
    .bind(&cut)
    .fetch_all(&mut *tx)
    .await?;
    for r in &rows {
        let item = RetentionItem {
            consumer_id: r.get(0),
            case_ids: serde_json::from_str(r.get::<&str, _>(1)).unwrap_or_default(),
            case_nos: serde_json::from_str(r.get::<&str, _>(2)).unwrap_or_default(),
            last_closed_at: r.get(3),
            held: r.get::<i64, _>(4) > 0,
        };
        if item.held {
            report.held.push(item);
        } else {
            report.due.push(item);
        }
    }
    if !req.dry_run {
        let note = format!("保存期限 {months} 个月届满（截至 {cut}）");
        for item in &report.due {
            let cases =
                anonymise(&mut tx, db, actor, &item.consumer_id, PrivacyBasis::Retention, &note)
                    .await?;
            report.anonymised += 1;
            report.cases += cases.len() as i64;
        }
        let body = EventBody::RetentionRan(RetentionRan {
            months,
            cutoff: cut,
            anonymised: report.anonymised,
            cases: report.cases,
            held: report.held.len() as i64,
            automatic,
        });
        append(&mut tx, db, actor, body).await?;
        tx.commit().await?;
    }
    Ok(report)
}

/// The daily schedule: once a day (China time), if the rule is on and has not run
/// automatically today, runs it as the system. The app calls this at start and then hourly;
/// it answers the report of the run, or none when nothing was due to run.
pub async fn run_if_due(db: &Db) -> CoreResult<Option<RetentionReport>> {
    let mut conn = db.pool().acquire().await?;
    if retention_months(&mut conn).await? == 0 {
        return Ok(None);
    }
    let since = crate::ops::stats::start_of(crate::ops::fields::today(db));
    let ran: Option<String> = sqlx::query_scalar(
        "SELECT event_id FROM retention_runs WHERE automatic = 1 AND at >= ? LIMIT 1",
    )
    .bind(&since)
    .fetch_optional(&mut *conn)
    .await?;
    drop(conn);
    if ran.is_some() {
        return Ok(None);
    }
    apply_rule(db, &Actor::system(), false, true).await.map(Some)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RetentionRunRow {
    pub event_id: String,
    pub at: String,
    /// Who ran it (`系统` for the daily schedule).
    pub actor: String,
    pub automatic: bool,
    pub months: i64,
    pub cutoff: String,
    pub anonymised: i64,
    pub cases: i64,
    pub held: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionRunsRequest {
    /// Runs (default 100, at most 1,000), newest first.
    #[ts(optional)]
    pub limit: Option<i64>,
}

/// The retention rule's runs, newest first.
pub async fn runs(
    db: &Db,
    actor: &Actor,
    req: RetentionRunsRequest,
) -> CoreResult<Vec<RetentionRunRow>> {
    actor.require(Permission::PrivacyManage)?;
    let rows = sqlx::query(
        "SELECT r.event_id, r.at, CASE WHEN r.actor = 'system' THEN '系统' \
         ELSE COALESCE(a.display_name, r.actor) END, r.automatic, r.months, r.cutoff, \
         r.anonymised, r.cases, r.held FROM retention_runs r \
         LEFT JOIN accounts a ON a.id = r.actor ORDER BY r.at DESC, r.event_id DESC LIMIT ?",
    )
    .bind(req.limit.unwrap_or(100).clamp(1, 1_000))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| RetentionRunRow {
            event_id: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            automatic: r.get(3),
            months: r.get(4),
            cutoff: r.get(5),
            anonymised: r.get(6),
            cases: r.get(7),
            held: r.get(8),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConsumerAnonymiseRequest {
    /// A case of the consumer.
    pub case_id: String,
    /// The request: who asked, when, how (kept in the log).
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AnonymisedConsumer {
    pub consumer_id: String,
    pub case_ids: Vec<String>,
}

async fn consumer_of(conn: &mut SqliteConnection, case_id: &str) -> CoreResult<String> {
    sqlx::query_scalar("SELECT consumer_id FROM cases WHERE id = ?")
        .bind(case_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| CoreError::NotFound { entity: "case", id: case_id.to_owned() })
}

/// Anonymises a consumer's personal data at their request: refused while a case of theirs is
/// open (the dispute still needs it) or under legal hold.
pub async fn anonymise_on_request(
    db: &Db,
    actor: &Actor,
    req: ConsumerAnonymiseRequest,
) -> CoreResult<AnonymisedConsumer> {
    actor.require(Permission::PrivacyManage)?;
    let mut problems = Vec::new();
    text("note", &req.note, true, 1_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let consumer = consumer_of(&mut tx, &req.case_id).await?;
    let (erased, open, held): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT erased FROM consumers WHERE id = ?1), \
         (SELECT COUNT(*) FROM cases WHERE consumer_id = ?1 \
          AND status NOT IN ('closed', 'withdrawn', 'merged')), \
         (SELECT COUNT(*) FROM cases WHERE consumer_id = ?1 AND legal_hold IS NOT NULL)",
    )
    .bind(&consumer)
    .fetch_one(&mut *tx)
    .await?;
    if erased != 0 {
        return Err(state("already_anonymised"));
    }
    if held > 0 {
        return Err(state("legal_hold"));
    }
    if open > 0 {
        return Err(state("case_open"));
    }
    let cases =
        anonymise(&mut tx, db, actor, &consumer, PrivacyBasis::Request, req.note.trim()).await?;
    tx.commit().await?;
    Ok(AnonymisedConsumer { consumer_id: consumer, case_ids: cases })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LegalHoldRequest {
    pub id: String,
    /// The reason (litigation, a regulator's inquiry); none or empty: lift the hold.
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct LegalHoldState {
    pub id: String,
    pub legal_hold: Option<String>,
}

pub async fn legal_hold(
    db: &Db,
    actor: &Actor,
    req: LegalHoldRequest,
) -> CoreResult<LegalHoldState> {
    actor.require(Permission::PrivacyManage)?;
    let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    let mut problems = Vec::new();
    text("reason", reason.as_deref().unwrap_or(""), false, 500, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let found: Option<Option<String>> =
        sqlx::query_scalar("SELECT legal_hold FROM cases WHERE id = ?")
            .bind(&req.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(current) = found else {
        return Err(CoreError::NotFound { entity: "case", id: req.id });
    };
    if current != reason {
        let body = EventBody::CaseLegalHold(CaseLegalHold { reason: reason.clone() });
        event_log::append(
            &mut tx,
            db,
            actor,
            NewEvent { case_id: Some(req.id.clone()), occurred_at: db.now(), body },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(LegalHoldState { id: req.id, legal_hold: reason })
}

// ---------------------------------------------------------------------------------------------
// Export on request

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConsumerExportRequest {
    pub case_id: String,
    /// The .json file to write.
    pub path: String,
    /// The request (who asked, when, how).
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConsumerExportResult {
    pub path: String,
    pub cases: i64,
}

/// Writes everything held about a consumer (contact data, every case with its content, demand,
/// result and timeline) to a JSON file, and records the export on each case's timeline.
pub async fn export(
    db: &Db,
    actor: &Actor,
    req: ConsumerExportRequest,
) -> CoreResult<ConsumerExportResult> {
    actor.require(Permission::PrivacyManage)?;
    actor.require(Permission::CaseContact)?;
    let mut problems = Vec::new();
    text("note", &req.note, true, 1_000, &mut problems);
    if !req.path.to_lowercase().ends_with(".json") {
        problems.push(problem("path", FieldRule::Invalid { detail: "a .json file".into() }));
    }
    ensure_valid(problems)?;
    let mut conn = db.pool().acquire().await?;
    let consumer = consumer_of(&mut conn, &req.case_id).await?;
    let contact = sqlx::query(
        "SELECT name, mobile, landline, email, address, erased FROM consumers WHERE id = ?",
    )
    .bind(&consumer)
    .fetch_one(&mut *conn)
    .await?;
    if contact.get::<i64, _>(5) != 0 {
        return Err(state("already_anonymised"));
    }
    let case_ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM cases WHERE consumer_id = ? ORDER BY case_no")
            .bind(&consumer)
            .fetch_all(&mut *conn)
            .await?;
    drop(conn);
    let mut cases = Vec::new();
    for id in &case_ids {
        let detail =
            crate::ops::cases::get(db, actor, crate::ops::cases::CaseGetRequest { id: id.clone() })
                .await?;
        cases.push(serde_json::to_value(&detail).map_err(|e| CoreError::Internal(e.to_string()))?);
    }
    let document = serde_json::json!({
        "exported_at": time::to_db(db.now()),
        "consumer": {
            "name": contact.get::<String, _>(0),
            "mobile": contact.get::<Option<String>, _>(1),
            "landline": contact.get::<Option<String>, _>(2),
            "email": contact.get::<Option<String>, _>(3),
            "address": contact.get::<Option<String>, _>(4),
        },
        "cases": cases,
    });
    let bytes =
        serde_json::to_vec_pretty(&document).map_err(|e| CoreError::Internal(e.to_string()))?;
    std::fs::write(&req.path, bytes).map_err(|e| crate::export::io_error(&req.path, e))?;
    let mut tx = db.begin_write().await?;
    for id in &case_ids {
        let body = EventBody::ConsumerExported(ConsumerExported {
            consumer_id: consumer.clone(),
            note: req.note.trim().to_owned(),
        });
        event_log::append(
            &mut tx,
            db,
            actor,
            NewEvent { case_id: Some(id.clone()), occurred_at: db.now(), body },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(ConsumerExportResult { path: req.path, cases: case_ids.len() as i64 })
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PrivacyLogRow {
    pub event_id: String,
    /// `anonymised` or `exported`.
    pub action: String,
    pub basis: String,
    pub consumer_id: String,
    pub case_no: Option<String>,
    pub note: String,
    pub actor: String,
    pub at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacyLogRequest {
    #[ts(optional)]
    pub consumer_id: Option<String>,
    /// Rows (default 200, at most 1,000), newest first.
    #[ts(optional)]
    pub limit: Option<i64>,
}

pub async fn log(db: &Db, actor: &Actor, req: PrivacyLogRequest) -> CoreResult<Vec<PrivacyLogRow>> {
    actor.require(Permission::PrivacyManage)?;
    let limit = req.limit.unwrap_or(200).clamp(1, 1_000);
    let rows = sqlx::query(
        "SELECT l.event_id, l.action, l.basis, l.consumer_id, c.case_no, l.note, \
         COALESCE(a.display_name, l.actor), l.at FROM privacy_log l \
         LEFT JOIN cases c ON c.id = json_extract(l.case_ids, '$[0]') \
         LEFT JOIN accounts a ON a.id = l.actor \
         WHERE ?1 IS NULL OR l.consumer_id = ?1 ORDER BY l.at DESC, l.event_id DESC LIMIT ?2",
    )
    .bind(req.consumer_id.as_deref().filter(|c| !c.is_empty()))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| PrivacyLogRow {
            event_id: r.get(0),
            action: r.get(1),
            basis: r.get(2),
            consumer_id: r.get(3),
            case_no: r.get(4),
            note: r.get(5),
            actor: r.get(6),
            at: r.get(7),
        })
        .collect())
}
