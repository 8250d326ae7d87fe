//! The projection of `plan.*`, `drill.*` and `incident.*` events (§六).

use sqlx::SqliteConnection;

use crate::domain::events::EventBody;
use crate::error::{CoreError, CoreResult};
use crate::event_log::StoredEvent;

pub(super) async fn apply(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    body: &EventBody,
) -> CoreResult<()> {
    match body {
        EventBody::ContingencyPlanSaved(p) => {
            sqlx::query(
                "INSERT INTO contingency_plans (id, kind, title, created_by, created_at, \
                 updated_hlc) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET \
                 kind = excluded.kind, title = excluded.title, updated_hlc = excluded.updated_hlc",
            )
            .bind(&p.plan_id)
            .bind(p.kind.code())
            .bind(&p.title)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            // A draft is replaced as it is edited; an approved version is never touched again.
            sqlx::query(
                "INSERT INTO plan_versions (plan_id, version, status, title, content, change_note, \
                 source_kind, source_id, drafted_by, drafted_at) \
                 VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (plan_id, version) DO UPDATE SET title = excluded.title, \
                 content = excluded.content, change_note = excluded.change_note, \
                 source_kind = excluded.source_kind, source_id = excluded.source_id, \
                 drafted_by = excluded.drafted_by, drafted_at = excluded.drafted_at \
                 WHERE plan_versions.status = 'draft'",
            )
            .bind(&p.plan_id)
            .bind(p.version)
            .bind(&p.title)
            .bind(json(&p.content))
            .bind(&p.change_note)
            .bind(&p.source_kind)
            .bind(&p.source_id)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::ContingencyPlanApproved(p) => {
            sqlx::query(
                "UPDATE plan_versions SET status = 'approved', approved_by = ?, approved_at = ?, \
                 effective_from = ? WHERE plan_id = ? AND version = ? AND status = 'draft'",
            )
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(&p.effective_from)
            .bind(&p.plan_id)
            .bind(p.version)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::DrillRecorded(d) => {
            sqlx::query(
                "INSERT INTO drills (id, plan_id, plan_version, held_on, scenario, participants, \
                 duration_minutes, problems, revisions, recorded_by, recorded_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&d.drill_id)
            .bind(&d.plan_id)
            .bind(d.plan_version)
            .bind(&d.held_on)
            .bind(&d.scenario)
            .bind(json(&d.participants))
            .bind(d.duration_minutes)
            .bind(&d.problems)
            .bind(&d.revisions)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::IncidentDeclared(i) => {
            let seq = super::number_of_the_year(
                conn,
                ev,
                "incidents",
                &i.incident_id,
                &i.incident_no,
                i64::from(i.year),
                i.seq,
            )
            .await?;
            // Incidents must have a number in the site's year: one printed twice takes a place
            // below zero (-1, -2…), outside the sequence new numbers continue.
            let seq = match seq {
                Some(seq) => seq,
                None => {
                    sqlx::query_scalar(
                        "SELECT MIN(0, COALESCE(MIN(seq), 0)) - 1 FROM incidents \
                         WHERE site_id = ? AND year = ?",
                    )
                    .bind(&ev.site_id)
                    .bind(i.year)
                    .fetch_one(&mut *conn)
                    .await?
                }
            };
            sqlx::query(
                "INSERT INTO incidents (id, incident_no, site_id, year, seq, title, kind, level, \
                 summary, status, watch_dimension, watch_value, watch_label, origin, declared_at, \
                 declared_by, updated_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&i.incident_id)
            .bind(&i.incident_no)
            .bind(&ev.site_id)
            .bind(i.year)
            .bind(seq)
            .bind(&i.title)
            .bind(i.kind.code())
            .bind(i.level.code())
            .bind(&i.summary)
            .bind(i.watch.as_ref().map(|w| w.dimension.code()))
            .bind(i.watch.as_ref().map(|w| w.value.clone()))
            .bind(i.watch.as_ref().map(|w| w.label.clone()))
            .bind(i.origin.as_ref().map(json))
            .bind(&ev.occurred_at)
            .bind(&ev.actor)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            log(conn, ev, &i.incident_id).await?;
        }
        EventBody::IncidentCasesLinked(l) => {
            for case_id in &l.case_ids {
                sqlx::query(
                    "INSERT INTO incident_cases (incident_id, case_id, linked_at, linked_by, auto) \
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                )
                .bind(&l.incident_id)
                .bind(case_id)
                .bind(&ev.occurred_at)
                .bind(&ev.actor)
                .bind(i64::from(l.auto))
                .execute(&mut *conn)
                .await?;
            }
            touch(conn, ev, &l.incident_id).await?;
        }
        EventBody::IncidentPlanActivated(a) => {
            sqlx::query(
                "UPDATE incidents SET plan_id = ?, plan_version = ?, activated_at = ? WHERE id = ?",
            )
            .bind(&a.plan_id)
            .bind(a.plan_version)
            .bind(&ev.occurred_at)
            .bind(&a.incident_id)
            .execute(&mut *conn)
            .await?;
            for s in &a.steps {
                sqlx::query(
                    "INSERT INTO incident_steps (incident_id, seq, title, role, owner, due_at, \
                     note) VALUES (?, ?, ?, ?, ?, ?, '') ON CONFLICT DO NOTHING",
                )
                .bind(&a.incident_id)
                .bind(s.seq)
                .bind(&s.title)
                .bind(&s.role)
                .bind(&s.owner)
                .bind(&s.due_at)
                .execute(&mut *conn)
                .await?;
            }
            for r in &a.reports {
                sqlx::query(
                    "INSERT INTO incident_reports (id, incident_id, authority, due_at, channel, \
                     content) VALUES (?, ?, ?, ?, '', ?) ON CONFLICT DO NOTHING",
                )
                .bind(&r.report_id)
                .bind(&a.incident_id)
                .bind(&r.authority)
                .bind(&r.due_at)
                .bind(&r.content)
                .execute(&mut *conn)
                .await?;
            }
            touch(conn, ev, &a.incident_id).await?;
        }
        EventBody::IncidentStepUpdated(s) => {
            sqlx::query(
                "UPDATE incident_steps SET owner = COALESCE(?, owner), \
                 started_at = COALESCE(started_at, ?), done_at = COALESCE(?, done_at), \
                 note = COALESCE(?, note) WHERE incident_id = ? AND seq = ?",
            )
            .bind(&s.owner)
            .bind(s.started_at.as_ref().or(s.done_at.as_ref()))
            .bind(&s.done_at)
            .bind(&s.note)
            .bind(&s.incident_id)
            .bind(s.seq)
            .execute(&mut *conn)
            .await?;
            touch(conn, ev, &s.incident_id).await?;
        }
        EventBody::IncidentReported(r) => {
            // A report the plan required is filled in; any other is a new row.
            sqlx::query(
                "INSERT INTO incident_reports (id, incident_id, authority, reported_at, \
                 reported_by, channel, content) VALUES (?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (id) DO UPDATE SET authority = excluded.authority, \
                 reported_at = excluded.reported_at, reported_by = excluded.reported_by, \
                 channel = excluded.channel, content = excluded.content",
            )
            .bind(&r.report_id)
            .bind(&r.incident_id)
            .bind(&r.authority)
            .bind(&r.reported_at)
            .bind(&ev.actor)
            .bind(&r.channel)
            .bind(&r.content)
            .execute(&mut *conn)
            .await?;
            touch(conn, ev, &r.incident_id).await?;
        }
        EventBody::IncidentReplyRecorded(r) => {
            sqlx::query("UPDATE incident_reports SET reply = ?, replied_at = ? WHERE id = ?")
                .bind(&r.reply)
                .bind(&r.replied_at)
                .bind(&r.report_id)
                .execute(&mut *conn)
                .await?;
            touch(conn, ev, &r.incident_id).await?;
        }
        EventBody::IncidentMeasureRecorded(m) => {
            sqlx::query(
                "INSERT INTO incident_measures (id, incident_id, taken_at, taken_by, measure, \
                 effect, effect_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind(&m.measure_id)
            .bind(&m.incident_id)
            .bind(&m.taken_at)
            .bind(&ev.actor)
            .bind(&m.measure)
            .bind(&m.effect)
            .bind(m.effect.as_ref().map(|_| ev.occurred_at.clone()))
            .execute(&mut *conn)
            .await?;
            touch(conn, ev, &m.incident_id).await?;
        }
        EventBody::IncidentMeasureAssessed(m) => {
            sqlx::query("UPDATE incident_measures SET effect = ?, effect_at = ? WHERE id = ?")
                .bind(&m.effect)
                .bind(&ev.occurred_at)
                .bind(&m.measure_id)
                .execute(&mut *conn)
                .await?;
            touch(conn, ev, &m.incident_id).await?;
        }
        EventBody::IncidentReviewed(r) => {
            sqlx::query(
                "UPDATE incidents SET review = ?, reviewed_at = ?, reviewed_by = ? WHERE id = ?",
            )
            .bind(json(&r.review))
            .bind(&ev.occurred_at)
            .bind(&ev.actor)
            .bind(&r.incident_id)
            .execute(&mut *conn)
            .await?;
            touch(conn, ev, &r.incident_id).await?;
        }
        EventBody::IncidentClosed(c) => {
            sqlx::query(
                "UPDATE incidents SET status = 'closed', closed_at = ?, closed_by = ? WHERE id = ?",
            )
            .bind(&ev.occurred_at)
            .bind(&ev.actor)
            .bind(&c.incident_id)
            .execute(&mut *conn)
            .await?;
            touch(conn, ev, &c.incident_id).await?;
        }
        _ => return Err(CoreError::Internal(format!("not an emergency event: {}", ev.kind))),
    }
    Ok(())
}

/// The incident changed: its timeline gets the event.
async fn touch(conn: &mut SqliteConnection, ev: &StoredEvent, incident_id: &str) -> CoreResult<()> {
    sqlx::query("UPDATE incidents SET updated_hlc = ? WHERE id = ?")
        .bind(ev.hlc)
        .bind(incident_id)
        .execute(&mut *conn)
        .await?;
    log(conn, ev, incident_id).await
}

async fn log(conn: &mut SqliteConnection, ev: &StoredEvent, incident_id: &str) -> CoreResult<()> {
    sqlx::query(
        "INSERT INTO incident_log (incident_id, hlc, at, actor, kind, detail) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(incident_id)
    .bind(ev.hlc)
    .bind(&ev.occurred_at)
    .bind(&ev.actor)
    .bind(&ev.kind)
    .bind(&ev.payload)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// JSON text of a payload part (serialising our own types cannot fail).
pub(super) fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
