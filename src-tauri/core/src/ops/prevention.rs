//! Prevention (§二): training of staff, with its coverage per unit and who is overdue
//! (§二(一)), and the register of potential dispute risks, from a hotspot, an early-warning
//! alert or by hand, with preventive measures followed to their review (§二(四)1).

use std::collections::BTreeMap;

use chrono::Months;
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::domain::events::EventBody;
use crate::domain::supervision::{
    RiskPointRecorded, RiskPointReviewed, RiskSource, RiskStatus, TrainingAttendee,
    TrainingRecorded, TrainingTopic,
};
use crate::error::{ensure_valid, CoreError, CoreResult, FieldRule};
use crate::ops::emergency::append;
use crate::ops::fields::{bounded_date, problem, text, today};
use crate::storage::Db;

/// Months after which a staff member's last training is out of date (§二(一)1: 定期).
pub const TRAINING_VALID_MONTHS: u32 = 12;

// ---------------------------------------------------------------------------------------------
// Training

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AttendeeView {
    pub account_id: String,
    pub name: String,
    pub unit: Option<String>,
    pub score: Option<i64>,
    /// Passed the course's test (none: the course has no test, or no score).
    pub passed: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TrainingView {
    pub id: String,
    pub topic: TrainingTopic,
    pub title: String,
    pub held_on: String,
    pub trainer: String,
    pub hours: f64,
    pub pass_score: Option<i64>,
    pub attendees: Vec<AttendeeView>,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingsListRequest {
    /// Courses held in this year (default: every year).
    #[ts(optional)]
    pub year: Option<i32>,
}

async fn trainings_of(
    conn: &mut SqliteConnection,
    id: Option<&str>,
    year: Option<i32>,
) -> CoreResult<Vec<TrainingView>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT t.id, t.topic, t.title, t.held_on, t.trainer, t.hours, t.pass_score, \
         COALESCE(a.display_name, t.recorded_by) FROM trainings t \
         LEFT JOIN accounts a ON a.id = t.recorded_by WHERE 1 = 1",
    );
    if let Some(id) = id {
        qb.push(" AND t.id = ").push_bind(id.to_owned());
    }
    if let Some(year) = year {
        qb.push(" AND t.held_on LIKE ").push_bind(format!("{year:04}-%"));
    }
    qb.push(" ORDER BY t.held_on DESC, t.recorded_at DESC");
    let rows = qb.build().fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.get(0);
        let pass: Option<i64> = r.get(6);
        let attendees = sqlx::query(
            "SELECT ta.account_id, COALESCE(a.display_name, ta.account_id), u.name, ta.score \
             FROM training_attendees ta LEFT JOIN accounts a ON a.id = ta.account_id \
             LEFT JOIN org_units u ON u.id = a.unit_id WHERE ta.training_id = ? \
             ORDER BY u.name, a.display_name",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|a| {
            let score: Option<i64> = a.get(3);
            AttendeeView {
                account_id: a.get(0),
                name: a.get(1),
                unit: a.get(2),
                score,
                passed: pass.zip(score).map(|(p, s)| s >= p),
            }
        })
        .collect();
        out.push(TrainingView {
            topic: TrainingTopic::from_code(r.get(1)).unwrap_or(TrainingTopic::Other),
            id,
            title: r.get(2),
            held_on: r.get(3),
            trainer: r.get(4),
            hours: r.get(5),
            pass_score: pass,
            attendees,
            recorded_by: r.get(7),
        });
    }
    Ok(out)
}

pub async fn trainings(
    db: &Db,
    actor: &Actor,
    req: TrainingsListRequest,
) -> CoreResult<Vec<TrainingView>> {
    actor.require(Permission::SupervisionManage)?;
    let mut conn = db.pool().acquire().await?;
    trainings_of(&mut conn, None, req.year).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct TrainingRecordRequest {
    pub topic: TrainingTopic,
    pub title: String,
    /// `YYYY-MM-DD`, not after today.
    pub held_on: String,
    pub trainer: String,
    /// 0.5–40.
    pub hours: f64,
    /// The score that passes the test (0–100); none: no test.
    #[serde(default)]
    #[ts(optional)]
    pub pass_score: Option<i64>,
    pub attendees: Vec<TrainingAttendee>,
}

pub async fn record_training(
    db: &Db,
    actor: &Actor,
    req: TrainingRecordRequest,
) -> CoreResult<TrainingView> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("title", &req.title, true, 200, &mut problems);
    text("trainer", &req.trainer, true, 100, &mut problems);
    let held_on = bounded_date(db, "held_on", &req.held_on, true, &mut problems);
    if !req.hours.is_finite() || !(0.5..=40.0).contains(&req.hours) {
        problems.push(problem("hours", FieldRule::OutOfRange { min: 0, max: 40 }));
    }
    if req.pass_score.is_some_and(|p| !(0..=100).contains(&p)) {
        problems.push(problem("pass_score", FieldRule::OutOfRange { min: 0, max: 100 }));
    }
    if req.attendees.is_empty() {
        problems.push(problem("attendees", FieldRule::Required));
    }
    let mut tx = db.begin_write().await?;
    let mut seen = std::collections::HashSet::new();
    for (i, a) in req.attendees.iter().enumerate() {
        let known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE id = ?")
            .bind(&a.account_id)
            .fetch_one(&mut *tx)
            .await?;
        if known == 0 || !seen.insert(a.account_id.clone()) {
            problems.push(problem(
                format!("attendees[{i}].account_id"),
                FieldRule::UnknownValue { value: a.account_id.clone() },
            ));
        }
        if a.score.is_some_and(|s| !(0..=100).contains(&s)) {
            problems.push(problem(
                format!("attendees[{i}].score"),
                FieldRule::OutOfRange { min: 0, max: 100 },
            ));
        }
    }
    ensure_valid(problems)?;
    let id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::TrainingRecorded(TrainingRecorded {
        training_id: id.clone(),
        topic: req.topic,
        title: req.title.trim().to_owned(),
        held_on: held_on.map(|d| d.to_string()).unwrap_or_default(),
        trainer: req.trainer.trim().to_owned(),
        hours: req.hours,
        pass_score: req.pass_score,
        attendees: req.attendees.clone(),
    });
    append(&mut tx, db, actor, body).await?;
    let view = trainings_of(&mut tx, Some(&id), None)
        .await?
        .pop()
        .ok_or_else(|| CoreError::Internal("training not projected".into()))?;
    tx.commit().await?;
    Ok(view)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct StaffTraining {
    pub account_id: String,
    pub name: String,
    /// The day of their latest training that counts (attended; passed when it had a test).
    pub last_trained_on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct UnitCoverage {
    pub unit_id: Option<String>,
    pub unit: Option<String>,
    /// Active staff of the unit.
    pub staff: i64,
    /// Of them, trained within the period.
    pub trained: i64,
    /// trained ÷ staff, per cent, one decimal.
    pub rate: Option<f64>,
    /// Those who are not: never trained, or last trained before the period.
    pub overdue: Vec<StaffTraining>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TrainingCoverage {
    /// Trainings on or after this day count.
    pub since: String,
    pub months: u32,
    pub units: Vec<UnitCoverage>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct TrainingCoverageRequest {}

/// Per unit: the active staff trained within the last twelve months (a course attended, and
/// passed when it had a test), and who is overdue.
pub async fn coverage(
    db: &Db,
    actor: &Actor,
    _req: TrainingCoverageRequest,
) -> CoreResult<TrainingCoverage> {
    actor.require(Permission::SupervisionManage)?;
    let since = today(db)
        .checked_sub_months(Months::new(TRAINING_VALID_MONTHS))
        .ok_or_else(|| CoreError::Internal("date".into()))?
        .to_string();
    let rows = sqlx::query(
        "SELECT a.id, a.display_name, a.unit_id, u.name, \
         (SELECT MAX(t.held_on) FROM training_attendees ta JOIN trainings t ON t.id = ta.training_id \
          WHERE ta.account_id = a.id AND (t.pass_score IS NULL OR ta.score IS NULL \
          OR ta.score >= t.pass_score)) \
         FROM accounts a LEFT JOIN org_units u ON u.id = a.unit_id WHERE a.active = 1 \
         ORDER BY u.name, a.display_name",
    )
    .fetch_all(db.pool())
    .await?;
    let mut units: BTreeMap<Option<String>, UnitCoverage> = BTreeMap::new();
    for r in &rows {
        let unit_id: Option<String> = r.get(2);
        let u = units.entry(unit_id.clone()).or_insert_with(|| UnitCoverage {
            unit_id,
            unit: r.get(3),
            staff: 0,
            trained: 0,
            rate: None,
            overdue: Vec::new(),
        });
        let last: Option<String> = r.get(4);
        u.staff += 1;
        if last.as_deref().is_some_and(|d| d >= since.as_str()) {
            u.trained += 1;
        } else {
            u.overdue.push(StaffTraining {
                account_id: r.get(0),
                name: r.get(1),
                last_trained_on: last,
            });
        }
    }
    let units = units
        .into_values()
        .map(|mut u| {
            u.rate =
                (u.staff > 0).then(|| (u.trained as f64 * 1000.0 / u.staff as f64).round() / 10.0);
            u
        })
        .collect();
    Ok(TrainingCoverage { since, months: TRAINING_VALID_MONTHS, units })
}

// ---------------------------------------------------------------------------------------------
// Risk points

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RiskPointView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub source_kind: RiskSource,
    #[ts(type = "Record<string, unknown> | null")]
    pub source: Option<serde_json::Value>,
    pub measures: String,
    pub owner_id: String,
    pub owner: String,
    pub due_on: String,
    pub status: RiskStatus,
    pub review: Option<String>,
    pub reviewed_at: Option<String>,
    /// Open and past its due day without a review.
    pub overdue: bool,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct RisksListRequest {
    #[ts(optional)]
    pub status: Option<RiskStatus>,
}

async fn risks_of(
    conn: &mut SqliteConnection,
    db: &Db,
    id: Option<&str>,
    status: Option<RiskStatus>,
) -> CoreResult<Vec<RiskPointView>> {
    let mut qb = QueryBuilder::<Sqlite>::new(
        "SELECT r.id, r.title, r.description, r.source_kind, r.source, r.measures, r.owner_id, \
         COALESCE(o.display_name, r.owner_id), r.due_on, r.status, r.review, r.reviewed_at, \
         COALESCE(c.display_name, r.created_by), r.created_at FROM risk_points r \
         LEFT JOIN accounts o ON o.id = r.owner_id LEFT JOIN accounts c ON c.id = r.created_by \
         WHERE 1 = 1",
    );
    if let Some(id) = id {
        qb.push(" AND r.id = ").push_bind(id.to_owned());
    }
    if let Some(status) = status {
        qb.push(" AND r.status = ").push_bind(status.code());
    }
    qb.push(" ORDER BY r.status = 'closed', r.due_on, r.created_at");
    let today = today(db).to_string();
    Ok(qb
        .build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let status = RiskStatus::from_code(r.get::<&str, _>(9)).unwrap_or(RiskStatus::Open);
            let due_on: String = r.get(8);
            RiskPointView {
                id: r.get(0),
                title: r.get(1),
                description: r.get(2),
                source_kind: RiskSource::from_code(r.get(3)).unwrap_or(RiskSource::Manual),
                source: r.get::<Option<&str>, _>(4).and_then(|s| serde_json::from_str(s).ok()),
                measures: r.get(5),
                owner_id: r.get(6),
                owner: r.get(7),
                overdue: status == RiskStatus::Open && due_on < today,
                due_on,
                status,
                review: r.get(10),
                reviewed_at: r.get(11),
                created_by: r.get(12),
                created_at: r.get(13),
            }
        })
        .collect())
}

pub async fn risks(
    db: &Db,
    actor: &Actor,
    req: RisksListRequest,
) -> CoreResult<Vec<RiskPointView>> {
    actor.require(Permission::CaseView)?;
    let mut conn = db.pool().acquire().await?;
    risks_of(&mut conn, db, None, req.status).await
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RiskRecordRequest {
    pub title: String,
    pub description: String,
    pub source_kind: RiskSource,
    /// What the hotspot or alert showed (required for those two).
    #[serde(default)]
    #[ts(optional, type = "Record<string, unknown>")]
    pub source: Option<serde_json::Value>,
    /// The preventive measures.
    pub measures: String,
    pub owner_id: String,
    /// `YYYY-MM-DD`, not before today.
    pub due_on: String,
}

pub async fn record_risk(
    db: &Db,
    actor: &Actor,
    req: RiskRecordRequest,
) -> CoreResult<RiskPointView> {
    actor.require(Permission::SupervisionManage)?;
    let mut problems = Vec::new();
    text("title", &req.title, true, 200, &mut problems);
    text("description", &req.description, true, 5_000, &mut problems);
    text("measures", &req.measures, true, 5_000, &mut problems);
    let due = bounded_date(db, "due_on", &req.due_on, false, &mut problems);
    let source = req.source.clone().filter(|s| !s.is_null());
    match (req.source_kind, &source) {
        (RiskSource::Manual, _) => {}
        (_, Some(serde_json::Value::Object(_))) => {}
        _ => problems.push(problem("source", FieldRule::Required)),
    }
    if source.as_ref().is_some_and(|s| s.to_string().len() > 10_000) {
        problems.push(problem("source", FieldRule::TooLong { max: 10_000 }));
    }
    let mut tx = db.begin_write().await?;
    let owner: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE id = ?")
        .bind(&req.owner_id)
        .fetch_one(&mut *tx)
        .await?;
    if owner == 0 {
        problems.push(problem("owner_id", FieldRule::UnknownValue { value: req.owner_id.clone() }));
    }
    ensure_valid(problems)?;
    let id = uuid::Uuid::now_v7().to_string();
    let body = EventBody::RiskPointRecorded(RiskPointRecorded {
        risk_id: id.clone(),
        title: req.title.trim().to_owned(),
        description: req.description.trim().to_owned(),
        source_kind: req.source_kind,
        source: if req.source_kind == RiskSource::Manual { None } else { source },
        measures: req.measures.trim().to_owned(),
        owner_id: req.owner_id.clone(),
        due_on: due.map(|d| d.to_string()).unwrap_or_default(),
    });
    append(&mut tx, db, actor, body).await?;
    let view = risks_of(&mut tx, db, Some(&id), None)
        .await?
        .pop()
        .ok_or_else(|| CoreError::Internal("risk point not projected".into()))?;
    tx.commit().await?;
    Ok(view)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RiskReviewRequest {
    pub id: String,
    /// What the measures achieved.
    pub review: String,
    pub status: RiskStatus,
}

/// A review by the owner or a supervisor: what the measures achieved, and where it stands.
pub async fn review_risk(
    db: &Db,
    actor: &Actor,
    req: RiskReviewRequest,
) -> CoreResult<RiskPointView> {
    let mut problems = Vec::new();
    text("review", &req.review, true, 5_000, &mut problems);
    ensure_valid(problems)?;
    let mut tx = db.begin_write().await?;
    let owner: Option<String> = sqlx::query_scalar("SELECT owner_id FROM risk_points WHERE id = ?")
        .bind(&req.id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(owner) = owner else {
        return Err(CoreError::NotFound { entity: "risk_point", id: req.id });
    };
    if owner != actor.id {
        actor.require(Permission::SupervisionManage)?;
    }
    let body = EventBody::RiskPointReviewed(RiskPointReviewed {
        risk_id: req.id.clone(),
        review: req.review.trim().to_owned(),
        status: req.status,
    });
    append(&mut tx, db, actor, body).await?;
    let view = risks_of(&mut tx, db, Some(&req.id), None)
        .await?
        .pop()
        .ok_or_else(|| CoreError::Internal("risk point not projected".into()))?;
    tx.commit().await?;
    Ok(view)
}
