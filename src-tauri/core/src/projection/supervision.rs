//! The projection of `inspection.*`, `rectification.*`, `sanction.*` events (§七) and of what
//! is done to consumers' personal data (`case.legal_hold`, `consumer.anonymised`,
//! `consumer.exported`).

use sqlx::SqliteConnection;

use crate::domain::events::EventBody;
use crate::error::CoreResult;
use crate::event_log::StoredEvent;

use super::emergency::json;

pub(super) async fn apply(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    body: &EventBody,
) -> CoreResult<()> {
    match body {
        EventBody::InspectionOpened(i) => {
            sqlx::query(
                "INSERT INTO inspections (id, title, held_on, inspector_id, unit_id, stage, scope, \
                 period_from, period_to, population, sample_size, seed, status, created_by, \
                 created_at, updated_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&i.inspection_id)
            .bind(&i.title)
            .bind(&i.held_on)
            .bind(&ev.actor)
            .bind(&i.unit_id)
            .bind(&i.stage)
            .bind(json(&i.scope))
            .bind(&i.period_from)
            .bind(&i.period_to)
            .bind(i.population)
            .bind(i.case_ids.len() as i64)
            .bind(&i.seed)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            for (position, case_id) in i.case_ids.iter().enumerate() {
                sqlx::query(
                    // The cases sampled that this site holds (a branch does not see the
                    // others').
                    "INSERT INTO inspection_cases (inspection_id, case_id, position, verdict) \
                     SELECT ?1, ?2, ?3, 'pending' WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?2) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&i.inspection_id)
                .bind(case_id)
                .bind(position as i64)
                .execute(&mut *conn)
                .await?;
            }
        }
        EventBody::InspectionCaseChecked(c) => {
            sqlx::query(
                "UPDATE inspection_cases SET verdict = ?, note = ? \
                 WHERE inspection_id = ? AND case_id = ?",
            )
            .bind(c.verdict.code())
            .bind(&c.note)
            .bind(&c.inspection_id)
            .bind(&c.case_id)
            .execute(&mut *conn)
            .await?;
            touch(conn, &c.inspection_id, ev.hlc).await?;
        }
        EventBody::InspectionFindingsSaved(f) => {
            sqlx::query("UPDATE inspections SET findings = ?, updated_hlc = ? WHERE id = ?")
                .bind(&f.findings)
                .bind(ev.hlc)
                .bind(&f.inspection_id)
                .execute(&mut *conn)
                .await?;
        }
        EventBody::RectificationAdded(r) => {
            sqlx::query(
                "INSERT INTO rectifications (id, inspection_id, item, owner_id, due_on, created_at, \
                 updated_hlc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&r.rectification_id)
            .bind(&r.inspection_id)
            .bind(&r.item)
            .bind(&r.owner_id)
            .bind(&r.due_on)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            touch(conn, &r.inspection_id, ev.hlc).await?;
        }
        EventBody::RectificationDone(r) => {
            sqlx::query(
                "UPDATE rectifications SET done_on = ?, done_note = ?, updated_hlc = ? \
                 WHERE id = ? AND done_on IS NULL",
            )
            .bind(&r.done_on)
            .bind(&r.note)
            .bind(ev.hlc)
            .bind(&r.rectification_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::InspectionClosed(c) => {
            sqlx::query(
                "UPDATE inspections SET status = 'closed', closed_at = ?, updated_hlc = ? \
                 WHERE id = ?",
            )
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .bind(&c.inspection_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::SanctionProposed(s) => {
            sqlx::query(
                "INSERT INTO sanctions (id, kind, subject_kind, subject_id, period, reason, \
                 amount_fen, points, case_ids, scorecard, status, proposed_by, proposed_at, \
                 updated_hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&s.sanction_id)
            .bind(s.kind.code())
            .bind(s.subject_kind.code())
            .bind(&s.subject_id)
            .bind(&s.period)
            .bind(&s.reason)
            .bind(s.amount_fen)
            .bind(s.points)
            .bind(json(&s.case_ids))
            .bind(&s.scorecard)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::SanctionDecided(d) => {
            sqlx::query(
                "UPDATE sanctions SET status = ?, decided_by = ?, decided_at = ?, \
                 decision_note = ?, updated_hlc = ? WHERE id = ? AND status = 'proposed'",
            )
            .bind(if d.approved { "approved" } else { "rejected" })
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(&d.note)
            .bind(ev.hlc)
            .bind(&d.sanction_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::CaseLegalHold(h) => {
            sqlx::query("UPDATE cases SET legal_hold = ?, updated_hlc = ? WHERE id = ?")
                .bind(&h.reason)
                .bind(ev.hlc)
                .bind(&ev.case_id)
                .execute(&mut *conn)
                .await?;
        }
        EventBody::ConsumerAnonymised(a) => {
            // The key is gone (destroyed with this event where it was made; on every other
            // replica here, as the event arrives); what was read with it goes too.
            sqlx::query(
                "INSERT INTO consumer_keys (consumer_id, key, erased_at) VALUES (?, NULL, ?) \
                 ON CONFLICT (consumer_id) DO UPDATE SET key = NULL, \
                 erased_at = COALESCE(consumer_keys.erased_at, excluded.erased_at)",
            )
            .bind(&a.consumer_id)
            .bind(&ev.occurred_at)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE consumers SET name = ?, mobile = NULL, landline = NULL, email = NULL, \
                 address = NULL, erased = 1 WHERE id = ?",
            )
            .bind(super::ERASED_NAME)
            .bind(&a.consumer_id)
            .execute(&mut *conn)
            .await?;
            if let Some(case_id) = ev.case_id.as_deref() {
                sqlx::query("UPDATE cases SET content = ?, updated_hlc = ? WHERE id = ?")
                    .bind(super::ERASED_NAME)
                    .bind(ev.hlc)
                    .bind(case_id)
                    .execute(&mut *conn)
                    .await?;
                // The search index follows: every event on a case re-indexes it.
            }
            log(conn, ev, "anonymised", a.basis.code(), &a.consumer_id, &a.note).await?;
        }
        EventBody::TrainingRecorded(t) => {
            sqlx::query(
                "INSERT INTO trainings (id, topic, title, held_on, trainer, hours, pass_score, \
                 recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&t.training_id)
            .bind(t.topic.code())
            .bind(&t.title)
            .bind(&t.held_on)
            .bind(&t.trainer)
            .bind(t.hours)
            .bind(t.pass_score)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .execute(&mut *conn)
            .await?;
            for a in &t.attendees {
                sqlx::query(
                    "INSERT INTO training_attendees (training_id, account_id, score) \
                     VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                )
                .bind(&t.training_id)
                .bind(&a.account_id)
                .bind(a.score)
                .execute(&mut *conn)
                .await?;
            }
        }
        EventBody::RiskPointRecorded(r) => {
            sqlx::query(
                "INSERT INTO risk_points (id, title, description, source_kind, source, measures, \
                 owner_id, due_on, status, created_by, created_at, updated_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&r.risk_id)
            .bind(&r.title)
            .bind(&r.description)
            .bind(r.source_kind.code())
            .bind(r.source.as_ref().map(json))
            .bind(&r.measures)
            .bind(&r.owner_id)
            .bind(&r.due_on)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::RiskPointReviewed(r) => {
            sqlx::query(
                "UPDATE risk_points SET review = ?, reviewed_at = ?, status = ?, updated_hlc = ? \
                 WHERE id = ?",
            )
            .bind(&r.review)
            .bind(&ev.occurred_at)
            .bind(r.status.code())
            .bind(ev.hlc)
            .bind(&r.risk_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::ConsumerExported(e) => {
            log(conn, ev, "exported", "request", &e.consumer_id, &e.note).await?;
        }
        EventBody::StandardSaved(s) => {
            sqlx::query(
                "INSERT INTO standards (id, kind, created_by, created_at, updated_hlc) \
                 VALUES (?, ?, ?, ?, ?) \
                 ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, updated_hlc = excluded.updated_hlc",
            )
            .bind(&s.standard_id)
            .bind(s.kind.code())
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            // An approved version never changes: a save on it is refused before it is logged.
            sqlx::query(
                "INSERT INTO standard_versions (standard_id, version, status, title, body, \
                 categories, change_note, drafted_by, drafted_at) \
                 VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (standard_id, version) DO UPDATE SET title = excluded.title, \
                 body = excluded.body, categories = excluded.categories, \
                 change_note = excluded.change_note, drafted_by = excluded.drafted_by, \
                 drafted_at = excluded.drafted_at WHERE standard_versions.status = 'draft'",
            )
            .bind(&s.standard_id)
            .bind(s.version)
            .bind(&s.title)
            .bind(&s.body)
            .bind(json(&s.categories))
            .bind(&s.change_note)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::StandardApproved(a) => {
            sqlx::query(
                "UPDATE standard_versions SET status = 'approved', approved_by = ?, \
                 approved_at = ?, effective_from = ? \
                 WHERE standard_id = ? AND version = ? AND status = 'draft'",
            )
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(&a.effective_from)
            .bind(&a.standard_id)
            .bind(a.version)
            .execute(&mut *conn)
            .await?;
            sqlx::query("UPDATE standards SET updated_hlc = ? WHERE id = ?")
                .bind(ev.hlc)
                .bind(&a.standard_id)
                .execute(&mut *conn)
                .await?;
        }
        EventBody::SurveyImported(s) => {
            let responses: i64 = s.rows.iter().map(|r| r.responses).sum();
            let first = s.rows.iter().map(|r| r.answered_on.as_str()).min().unwrap_or_default();
            let last = s.rows.iter().map(|r| r.answered_on.as_str()).max().unwrap_or_default();
            let inserted = sqlx::query(
                "INSERT INTO survey_batches (id, file_name, sha256, scale, rows, responses, \
                 first_day, last_day, imported_by, imported_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&s.batch_id)
            .bind(&s.file_name)
            .bind(&s.sha256)
            .bind(s.scale.code())
            .bind(s.rows.len() as i64)
            .bind(responses)
            .bind(first)
            .bind(last)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if inserted == 1 {
                for r in &s.rows {
                    sqlx::query(
                        "INSERT INTO survey_results (batch_id, row, answered_on, store_id, product, \
                         score, responses) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    )
                    .bind(&s.batch_id)
                    .bind(r.row as i64)
                    .bind(&r.answered_on)
                    .bind(&r.store_id)
                    .bind(&r.product)
                    .bind(r.score)
                    .bind(r.responses)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        EventBody::SurveyWithdrawn(w) => {
            sqlx::query("DELETE FROM survey_results WHERE batch_id = ?")
                .bind(&w.batch_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "UPDATE survey_batches SET withdrawn_at = ?, withdrawn_by = ? \
                 WHERE id = ? AND withdrawn_at IS NULL",
            )
            .bind(&ev.occurred_at)
            .bind(&ev.actor)
            .bind(&w.batch_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::RetentionRan(r) => {
            sqlx::query(
                "INSERT INTO retention_runs (event_id, at, actor, automatic, months, cutoff, \
                 anonymised, cases, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(&ev.event_id)
            .bind(&ev.occurred_at)
            .bind(&ev.actor)
            .bind(r.automatic)
            .bind(r.months)
            .bind(&r.cutoff)
            .bind(r.anonymised)
            .bind(r.cases)
            .bind(r.held)
            .execute(&mut *conn)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

async fn touch(conn: &mut SqliteConnection, inspection_id: &str, hlc: i64) -> CoreResult<()> {
    sqlx::query("UPDATE inspections SET updated_hlc = ? WHERE id = ?")
        .bind(hlc)
        .bind(inspection_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn log(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    action: &str,
    basis: &str,
    consumer_id: &str,
    note: &str,
) -> CoreResult<()> {
    sqlx::query(
        "INSERT INTO privacy_log (event_id, action, basis, consumer_id, case_ids, note, actor, at) \
         VALUES (?, ?, ?, ?, json_array(?), ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(&ev.event_id)
    .bind(action)
    .bind(basis)
    .bind(consumer_id)
    .bind(&ev.case_id)
    .bind(note)
    .bind(&ev.actor)
    .bind(&ev.occurred_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
