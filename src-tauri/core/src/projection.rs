//! Current state as a fold over the event log. `apply` runs in the same transaction as the
//! append; `rebuild` throws the projections away and folds the whole log again, which must
//! give back exactly the live tables (tested).

use sqlx::{Row, SqliteConnection};

use crate::domain::case::ConsumerContact;
use crate::domain::events::{EventBody, SealedCaseText};
use crate::error::{CoreError, CoreResult};
use crate::event_log::{self, StoredEvent};
use crate::storage::Db;
use crate::{ownership, pii};

mod emergency;
mod supervision;

/// Projection tables, children first (the order they are emptied in).
const TABLES: [&str; 53] = [
    "fold_clashes",
    "survey_results",
    "survey_batches",
    "standard_versions",
    "standards",
    "retention_runs",
    "held_for_review",
    "case_owners",
    "risk_points",
    "training_attendees",
    "trainings",
    "privacy_log",
    "sanctions",
    "rectifications",
    "inspection_cases",
    "inspections",
    "incident_log",
    "incident_measures",
    "incident_reports",
    "incident_steps",
    "incident_cases",
    "incidents",
    "drills",
    "plan_versions",
    "contingency_plans",
    "case_search",
    "search_rows",
    "search_dirty",
    "case_imports",
    "import_batches",
    "bulletin_cases",
    "bulletins",
    "evidence_custody",
    "evidence",
    "case_feedback",
    "case_rounds",
    "case_steps",
    "case_plans",
    "case_notes",
    "case_team",
    "case_links",
    "cases",
    "case_no_counters",
    "consumers",
    "accounts",
    "role_overrides",
    "settings",
    "code_entries",
    "calendar_days",
    "reports",
    "business_volume",
    "kpi_targets",
    "org_units",
];

/// Events read per page while rebuilding.
const REBUILD_PAGE: u32 = 5_000;

/// What a consumer whose personal data was erased is called from then on.
pub const ERASED_NAME: &str = "（已删除）";

/// What a consumer is called on a replica that does not have their key yet.
pub const PENDING_NAME: &str = "（待同步）";

/// Folds an event into the projections as `apply` does, or sets it aside: an event whose fold
/// fails for a reason that follows from the events themselves (a constraint of a projection, a
/// row the fold expects and does not find) is undone to the last event and listed in
/// `fold_clashes`, and the fold goes on. Every site that holds the same events sets the same
/// ones aside. Anything else still stops it, to be tried again: the machine's trouble (disk,
/// busy), a local key that cannot be read, and a kind this version cannot read (set aside, it
/// would stay aside after an upgrade that can read it). Returns whether the event was folded.
pub async fn apply_or_set_aside(conn: &mut SqliteConnection, ev: &StoredEvent) -> CoreResult<bool> {
    let body = ev.body()?;
    sqlx::query("SAVEPOINT fold_one").execute(&mut *conn).await?;
    match apply(conn, ev, &body).await {
        Ok(()) => {
            sqlx::query("RELEASE fold_one").execute(&mut *conn).await?;
            Ok(true)
        }
        Err(e) => {
            // When SQLite itself gave up the transaction (a full disk), the savepoint is gone
            // with it: the first error is the one to tell.
            if sqlx::query("ROLLBACK TO fold_one").execute(&mut *conn).await.is_err()
                || sqlx::query("RELEASE fold_one").execute(&mut *conn).await.is_err()
                || !follows_from_the_events(&e)
            {
                return Err(e);
            }
            tracing::warn!(event = %ev.event_id, kind = %ev.kind, error = %e, "event set aside");
            clash(conn, ev, "set_aside", &e.to_string()).await?;
            Ok(false)
        }
    }
}

/// SQLite's extended result codes for a STRICT column given the wrong type, and a trigger's
/// RAISE: constraints, though sqlx files them under "other".
const SQLITE_CONSTRAINT_DATATYPE: &str = "3091";
const SQLITE_CONSTRAINT_TRIGGER: &str = "1811";

/// Whether a fold's failure would happen the same way at every site with the same events
/// (and so may set the event aside), rather than being this machine's trouble.
fn follows_from_the_events(e: &CoreError) -> bool {
    match e {
        CoreError::Database(sqlx::Error::Database(d)) => {
            !matches!(d.kind(), sqlx::error::ErrorKind::Other)
                || matches!(
                    d.code().as_deref(),
                    Some(SQLITE_CONSTRAINT_DATATYPE | SQLITE_CONSTRAINT_TRIGGER)
                )
        }
        CoreError::Database(
            sqlx::Error::RowNotFound | sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_),
        ) => true,
        // Readable, but not whole (a case's event without its case): so at every site.
        CoreError::MalformedEvent { .. } => true,
        _ => false,
    }
}

/// The sequence number in the issuing site's year a document takes, or none when another
/// document of that site and year folded first with it (a site restored from an old copy
/// numbering again): the document is still in effect under the number it was printed with, and
/// listed for a person as `number_twice`.
pub(crate) async fn number_of_the_year(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    table: &str,
    id: &str,
    doc_no: &str,
    year: i64,
    seq: i64,
) -> CoreResult<Option<i64>> {
    let taken: Option<String> = sqlx::query_scalar(&format!(
        "SELECT id FROM {table} WHERE site_id = ? AND year = ? AND seq = ? AND id <> ?"
    ))
    .bind(&ev.site_id)
    .bind(year)
    .bind(seq)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_none() {
        return Ok(Some(seq));
    }
    clash(conn, ev, "number_twice", &format!("{table}.seq {year}/{seq} {doc_no}")).await?;
    Ok(None)
}

/// Lists an event that clashed with what other sites did, for a person.
pub(crate) async fn clash(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    outcome: &str,
    reason: &str,
) -> CoreResult<()> {
    sqlx::query(
        "INSERT OR REPLACE INTO fold_clashes (event_id, site_id, hlc, kind, case_id, outcome, \
         reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&ev.event_id)
    .bind(&ev.site_id)
    .bind(ev.hlc)
    .bind(&ev.kind)
    .bind(&ev.case_id)
    .bind(outcome)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn apply(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    body: &EventBody,
) -> CoreResult<()> {
    // An event of a case this site does not hold yet: it came by another route (a bundle, or
    // the hub from a site that had the case by bundle) before the case's creation. Nothing to
    // fold now: the creation sorts before it, so when it arrives the projections are folded
    // again from the log, with both in order.
    // (An erasure is folded at once all the same: the consumer's key goes as it arrives.)
    let any_case = matches!(body, EventBody::CaseCreated(_) | EventBody::ConsumerAnonymised(_));
    if let (Some(case_id), false) = (&ev.case_id, any_case) {
        let Some(owner) = ownership::owner_of(conn, case_id).await? else { return Ok(()) };
        // A change of state by a site that did not own the case at this point: held for
        // review, not folded (docs/SYNC.md, "Ownership").
        if !ownership::admits(conn, ev, body, &owner).await? {
            return Ok(());
        }
        if matches!(
            body,
            EventBody::CaseHandoverRequested(_)
                | EventBody::CaseHandoverGranted(_)
                | EventBody::CaseHandoverDeclined(_)
                | EventBody::CaseReassigned(_)
                | EventBody::CaseHeldReviewed(_)
        ) {
            ownership::apply(conn, ev, body, owner).await?;
            return touch(conn, case_id, ev.hlc).await;
        }
    }
    match body {
        EventBody::OrgUnitCreated(u) => {
            // Two sites may add the same store offline under the same code: the unit folded
            // later keeps its id (cases and accounts point to it) under its code and the end
            // of its id, listed for a person to rename or merge.
            let taken: Option<String> =
                sqlx::query_scalar("SELECT id FROM org_units WHERE code = ? AND id <> ?")
                    .bind(&u.code)
                    .bind(&u.id)
                    .fetch_optional(&mut *conn)
                    .await?;
            let code = match taken {
                None => u.code.clone(),
                Some(_) => {
                    let chars: Vec<char> = u.id.chars().collect();
                    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
                    let renamed = format!("{}~{tail}", u.code);
                    clash(
                        conn,
                        ev,
                        "code_renamed",
                        &format!("org_units.code {} → {renamed}", u.code),
                    )
                    .await?;
                    renamed
                }
            };
            sqlx::query(
                "INSERT INTO org_units (id, code, name, kind, parent_id, city, created_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&u.id)
            .bind(&code)
            .bind(&u.name)
            .bind(u.kind.code())
            .bind(&u.parent_id)
            .bind(&u.city)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::CaseCreated(c) => {
            let case_id = case_id_of(ev)?;
            let text = match pii::existing_key(conn, &c.consumer_id).await {
                Ok(Some(key)) => {
                    Ok(pii::unseal::<SealedCaseText>(&key, &c.consumer_id, &c.sealed)?)
                }
                // A replica that has the event but not yet the key (keys travel apart from
                // events): the case is shown, its personal data is not, until the key comes.
                Ok(None) => Err(PENDING_NAME),
                Err(CoreError::PersonalDataErased(_)) => Err(ERASED_NAME),
                Err(e) => return Err(e),
            };
            let (contact, content, erased) = match text {
                Ok(t) => (Some(t.consumer), t.content, false),
                Err(placeholder) => (None, placeholder.to_owned(), placeholder == ERASED_NAME),
            };
            sqlx::query(
                "INSERT INTO consumers (id, name, mobile, landline, email, address, erased) \
                 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET \
                 name = excluded.name, mobile = excluded.mobile, landline = excluded.landline, \
                 email = excluded.email, address = excluded.address, erased = excluded.erased",
            )
            .bind(&c.consumer_id)
            .bind(contact.as_ref().map_or(content.as_str(), |k| k.name.as_str()))
            .bind(contact.as_ref().and_then(|k| k.mobile.clone()))
            .bind(contact.as_ref().and_then(|k| k.landline.clone()))
            .bind(contact.as_ref().and_then(|k| k.email.clone()))
            .bind(contact.as_ref().and_then(|k| k.address.clone()))
            .bind(i64::from(erased))
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO cases (id, case_no, site_id, received_at, channel, store_id, \
                 department_id, consumer_id, product_name, product_model, quantity, \
                 amount_paid_fen, order_no, purchased_at, category, severity, complexity, content, \
                 demand, demand_amount_fen, status, received_by, handler, due_at, created_hlc, \
                 updated_hlc, received_by_id, handler_id, expected_resolution, ack_due_at, \
                 acknowledged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \
                 ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(case_id)
            .bind(&c.case_no)
            .bind(&ev.site_id)
            .bind(&c.received_at)
            .bind(&c.channel)
            .bind(&c.store_id)
            .bind(&c.department_id)
            .bind(&c.consumer_id)
            .bind(&c.product_name)
            .bind(&c.product_model)
            .bind(c.quantity)
            .bind(c.amount_paid_fen)
            .bind(&c.order_no)
            .bind(&c.purchased_at)
            .bind(&c.category)
            .bind(c.severity.code())
            .bind(c.complexity.code())
            .bind(&content)
            .bind(c.demand.code())
            .bind(c.demand_amount_fen)
            .bind(&c.received_by)
            .bind(&c.handler)
            .bind(&c.due_at)
            .bind(ev.hlc)
            .bind(ev.hlc)
            .bind(&c.received_by_id)
            .bind(&c.handler_id)
            .bind(&c.expected_resolution)
            .bind(&c.ack_due_at)
            .bind(c.acknowledged.then_some(&c.received_at))
            .execute(&mut *conn)
            .await?;
            if let Some(origin) = &c.import {
                sqlx::query(
                    "INSERT INTO case_imports (case_id, batch_id, source, key, row) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(case_id)
                .bind(&origin.batch_id)
                .bind(&origin.source)
                .bind(&origin.key)
                .bind(i64::try_from(origin.row).unwrap_or(i64::MAX))
                .execute(&mut *conn)
                .await?;
                if let Some(state) = &origin.state {
                    sqlx::query(
                        "UPDATE cases SET status = ?, closed_at = ?, result = ?, satisfaction = ? \
                         WHERE id = ?",
                    )
                    .bind(state.status.code())
                    .bind(&state.closed_at)
                    .bind(&state.result)
                    .bind(state.satisfaction.map(|s| s.code()))
                    .bind(case_id)
                    .execute(&mut *conn)
                    .await?;
                }
            }
            if let Some((year, seq)) = parse_case_no(&c.case_no) {
                sqlx::query(
                    "INSERT INTO case_no_counters (site_id, year, last) VALUES (?, ?, ?) \
                     ON CONFLICT (site_id, year) DO UPDATE SET last = MAX(last, excluded.last)",
                )
                .bind(&ev.site_id)
                .bind(year)
                .bind(seq)
                .execute(&mut *conn)
                .await?;
            }
        }
        EventBody::CaseAssigned(a) => {
            sqlx::query(
                "UPDATE cases SET handler = NULLIF(?, ''), handler_id = ?, \
                 department_id = COALESCE(?, department_id), updated_hlc = ? WHERE id = ?",
            )
            .bind(&a.handler)
            .bind(&a.handler_id)
            .bind(&a.department_id)
            .bind(ev.hlc)
            .bind(case_id_of(ev)?)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::CaseTransitioned(t) => {
            sqlx::query("UPDATE cases SET status = ?, updated_hlc = ? WHERE id = ?")
                .bind(t.to.code())
                .bind(ev.hlc)
                .bind(case_id_of(ev)?)
                .execute(&mut *conn)
                .await?;
        }
        EventBody::CaseClosed(c) => {
            sqlx::query(
                "UPDATE cases SET status = 'closed', closed_at = ?, result = ?, \
                 satisfaction = COALESCE(?, satisfaction), root_cause = ?, typical = ?, \
                 paused_at = NULL, pause_reason = NULL, updated_hlc = ? WHERE id = ?",
            )
            .bind(&ev.occurred_at)
            .bind(&c.result)
            .bind(c.satisfaction.map(|s| s.code()))
            .bind(&c.root_cause)
            .bind(i64::from(c.typical))
            .bind(ev.hlc)
            .bind(case_id_of(ev)?)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::CaseClockPaused(p) => {
            sqlx::query(
                "UPDATE cases SET paused_at = ?, pause_reason = ?, updated_hlc = ? WHERE id = ?",
            )
            .bind(&ev.occurred_at)
            .bind(&p.reason)
            .bind(ev.hlc)
            .bind(case_id_of(ev)?)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::CaseClockResumed(r) => {
            sqlx::query(
                "UPDATE cases SET paused_at = NULL, pause_reason = NULL, due_at = ?, \
                 paused_working_days = paused_working_days + ?, updated_hlc = ? WHERE id = ?",
            )
            .bind(&r.due_at)
            .bind(r.paused_working_days.max(0))
            .bind(ev.hlc)
            .bind(case_id_of(ev)?)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::OrgUnitUpdated(u) => {
            let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new("UPDATE org_units SET id = id");
            if let Some(name) = &u.name {
                qb.push(", name = ").push_bind(name);
            }
            if let Some(parent) = &u.parent_id {
                qb.push(", parent_id = ").push_bind(parent);
            }
            if let Some(city) = &u.city {
                qb.push(", city = ").push_bind(city);
            }
            qb.push(" WHERE id = ").push_bind(&u.id);
            qb.build().execute(&mut *conn).await?;
        }
        EventBody::AccountCreated(a) => {
            sqlx::query(
                "INSERT INTO accounts (id, username, display_name, unit_id, roles, active, \
                 created_hlc, updated_hlc) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            )
            .bind(&a.id)
            .bind(&a.username)
            .bind(&a.display_name)
            .bind(&a.unit_id)
            .bind(json_text(&a.roles)?)
            .bind(ev.hlc)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::AccountUpdated(a) => {
            let mut qb =
                sqlx::QueryBuilder::<sqlx::Sqlite>::new("UPDATE accounts SET updated_hlc = ");
            qb.push_bind(ev.hlc);
            if let Some(name) = &a.display_name {
                qb.push(", display_name = ").push_bind(name);
            }
            if let Some(unit) = &a.unit_id {
                qb.push(", unit_id = ").push_bind(unit);
            }
            if let Some(roles) = &a.roles {
                qb.push(", roles = ").push_bind(json_text(roles)?);
            }
            if let Some(active) = a.active {
                qb.push(", active = ").push_bind(i64::from(active));
            }
            qb.push(" WHERE id = ").push_bind(&a.id);
            qb.build().execute(&mut *conn).await?;
        }
        // Credentials and sign-in counters are local state, not projections: these events
        // are the audit record of them.
        EventBody::AccountPasswordSet(_)
        | EventBody::AccountLocked(_)
        | EventBody::AccountSignedIn(_) => {}
        // Folded above, with the case's owner.
        EventBody::CaseHandoverRequested(_)
        | EventBody::CaseHandoverGranted(_)
        | EventBody::CaseHandoverDeclined(_)
        | EventBody::CaseReassigned(_)
        | EventBody::CaseHeldReviewed(_) => {}
        EventBody::RoleUpdated(r) => {
            sqlx::query(
                "INSERT INTO role_overrides (code, permissions, case_scope, updated_hlc) \
                 VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET \
                 permissions = excluded.permissions, case_scope = excluded.case_scope, \
                 updated_hlc = excluded.updated_hlc",
            )
            .bind(r.code.code())
            .bind(json_text(&r.permissions)?)
            .bind(r.case_scope.code())
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::SettingChanged(c) => {
            sqlx::query(
                "INSERT INTO settings (key, value, updated_hlc) VALUES (?, ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
                 updated_hlc = excluded.updated_hlc",
            )
            .bind(&c.key)
            .bind(json_text(&c.value)?)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::ContingencyPlanSaved(_)
        | EventBody::ContingencyPlanApproved(_)
        | EventBody::DrillRecorded(_)
        | EventBody::IncidentDeclared(_)
        | EventBody::IncidentCasesLinked(_)
        | EventBody::IncidentPlanActivated(_)
        | EventBody::IncidentStepUpdated(_)
        | EventBody::IncidentReported(_)
        | EventBody::IncidentReplyRecorded(_)
        | EventBody::IncidentMeasureRecorded(_)
        | EventBody::IncidentMeasureAssessed(_)
        | EventBody::IncidentReviewed(_)
        | EventBody::IncidentClosed(_) => emergency::apply(conn, ev, body).await?,
        EventBody::InspectionOpened(_)
        | EventBody::InspectionCaseChecked(_)
        | EventBody::InspectionFindingsSaved(_)
        | EventBody::RectificationAdded(_)
        | EventBody::RectificationDone(_)
        | EventBody::InspectionClosed(_)
        | EventBody::SanctionProposed(_)
        | EventBody::SanctionDecided(_)
        | EventBody::CaseLegalHold(_)
        | EventBody::ConsumerAnonymised(_)
        | EventBody::ConsumerExported(_)
        | EventBody::TrainingRecorded(_)
        | EventBody::RiskPointRecorded(_)
        | EventBody::RiskPointReviewed(_)
        | EventBody::StandardSaved(_)
        | EventBody::StandardApproved(_)
        | EventBody::SurveyImported(_)
        | EventBody::SurveyWithdrawn(_)
        | EventBody::RetentionRan(_) => supervision::apply(conn, ev, body).await?,
        EventBody::ReportSaved(r) => {
            sqlx::query(
                "INSERT INTO reports (id, period, status, title, conclusions, proposals, created_by, \
                 created_at, updated_at, updated_hlc) VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?6, ?7, ?7, ?8) \
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, \
                 conclusions = excluded.conclusions, proposals = excluded.proposals, \
                 updated_at = excluded.updated_at, updated_hlc = excluded.updated_hlc \
                 WHERE reports.status = 'draft'",
            )
            .bind(&r.report_id)
            .bind(&r.period)
            .bind(&r.title)
            .bind(&r.conclusions)
            .bind(&r.proposals)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::ReportIssued(r) => {
            let seq = number_of_the_year(
                conn,
                ev,
                "reports",
                &r.report_id,
                &r.doc_no,
                i64::from(r.year),
                r.seq,
            )
            .await?;
            sqlx::query(
                "UPDATE reports SET status = 'issued', doc_no = ?, site_id = ?, year = ?, seq = ?, \
                 issued_on = ?, issued_by = ?, pdf_sha256 = ?, pdf_size = ?, pages = ?, \
                 updated_at = ?, updated_hlc = ? WHERE id = ? AND status = 'draft'",
            )
            .bind(&r.doc_no)
            .bind(&ev.site_id)
            .bind(r.year)
            .bind(seq)
            .bind(&r.issued_on)
            .bind(&ev.actor)
            .bind(&r.pdf_sha256)
            .bind(r.pdf_size)
            .bind(r.pages)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .bind(&r.report_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::VolumeRecorded(v) => {
            for e in &v.entries {
                sqlx::query(
                    "INSERT INTO business_volume (unit_id, month, orders, sales_fen, updated_by, \
                     updated_hlc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, month) DO UPDATE \
                     SET orders = excluded.orders, sales_fen = excluded.sales_fen, \
                     updated_by = excluded.updated_by, updated_hlc = excluded.updated_hlc",
                )
                .bind(&e.unit_id)
                .bind(&e.month)
                .bind(e.orders)
                .bind(e.sales_fen)
                .bind(&ev.actor)
                .bind(ev.hlc)
                .execute(&mut *conn)
                .await?;
            }
        }
        EventBody::KpiTargetSet(t) => {
            let unit = t.unit_id.clone().unwrap_or_default();
            match (t.goal, t.limit) {
                (Some(goal), Some(limit)) => {
                    sqlx::query(
                        "INSERT INTO kpi_targets (unit_id, period, kpi, goal, lim, updated_by, \
                         updated_hlc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, period, \
                         kpi) DO UPDATE SET goal = excluded.goal, lim = excluded.lim, \
                         updated_by = excluded.updated_by, updated_hlc = excluded.updated_hlc",
                    )
                    .bind(&unit)
                    .bind(&t.period)
                    .bind(&t.kpi)
                    .bind(goal)
                    .bind(limit)
                    .bind(&ev.actor)
                    .bind(ev.hlc)
                    .execute(&mut *conn)
                    .await?;
                }
                _ => {
                    sqlx::query(
                        "DELETE FROM kpi_targets WHERE unit_id = ? AND period = ? AND kpi = ?",
                    )
                    .bind(&unit)
                    .bind(&t.period)
                    .bind(&t.kpi)
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        EventBody::CodeEntrySaved(e) => {
            sqlx::query(
                "INSERT INTO code_entries (list, code, label_zh, label_en, definition_zh, \
                 definition_en, position, active, requires_store, updated_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (list, code) DO UPDATE SET \
                 label_zh = excluded.label_zh, label_en = excluded.label_en, \
                 definition_zh = excluded.definition_zh, definition_en = excluded.definition_en, \
                 position = excluded.position, active = excluded.active, \
                 requires_store = excluded.requires_store, updated_hlc = excluded.updated_hlc",
            )
            .bind(e.list.code())
            .bind(&e.code)
            .bind(&e.label_zh)
            .bind(&e.label_en)
            .bind(&e.definition_zh)
            .bind(&e.definition_en)
            .bind(e.position)
            .bind(i64::from(e.active))
            .bind(i64::from(e.requires_store))
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::CalendarDaysSet(set) => {
            for d in &set.days {
                sqlx::query(
                    "INSERT INTO calendar_days (date, kind, name_zh, name_en, updated_hlc) \
                     VALUES (?, ?, ?, ?, ?) ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, \
                     name_zh = excluded.name_zh, name_en = excluded.name_en, \
                     updated_hlc = excluded.updated_hlc",
                )
                .bind(&d.date)
                .bind(d.kind.code())
                .bind(&d.name_zh)
                .bind(&d.name_en)
                .bind(ev.hlc)
                .execute(&mut *conn)
                .await?;
            }
        }
        EventBody::CaseAcknowledged(_) => {
            sqlx::query("UPDATE cases SET acknowledged_at = ?, updated_hlc = ? WHERE id = ?")
                .bind(&ev.occurred_at)
                .bind(ev.hlc)
                .bind(case_id_of(ev)?)
                .execute(&mut *conn)
                .await?;
        }
        EventBody::CaseLinked(l) => {
            link(conn, case_id_of(ev)?, &l.other_case_id, "related", l.note.as_deref(), ev.hlc)
                .await?;
        }
        EventBody::CaseUnlinked(u) => {
            let id = case_id_of(ev)?;
            sqlx::query(
                "DELETE FROM case_links WHERE (case_id = ?1 AND other_id = ?2) \
                 OR (case_id = ?2 AND other_id = ?1)",
            )
            .bind(id)
            .bind(&u.other_case_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::CaseMerged(m) => {
            let id = case_id_of(ev)?;
            sqlx::query(
                "UPDATE cases SET status = 'merged', \
                 merged_into = (SELECT id FROM cases WHERE id = ?), closed_at = ?, \
                 paused_at = NULL, pause_reason = NULL, updated_hlc = ? WHERE id = ?",
            )
            .bind(&m.into_case_id)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            link(conn, id, &m.into_case_id, "duplicate", Some(&m.reason), ev.hlc).await?;
        }
        EventBody::CaseAbsorbed(_) => touch(conn, case_id_of(ev)?, ev.hlc).await?,
        EventBody::CaseTeamSet(t) => {
            let id = case_id_of(ev)?;
            sqlx::query("DELETE FROM case_team WHERE case_id = ?")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            for m in &t.members {
                sqlx::query(
                    "INSERT INTO case_team (case_id, account_id, name, role, duty, lead) \
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(id)
                .bind(&m.account_id)
                .bind(&m.name)
                .bind(m.role.code())
                .bind(&m.duty)
                .bind(i64::from(m.lead))
                .execute(&mut *conn)
                .await?;
            }
            touch(conn, id, ev.hlc).await?;
        }
        EventBody::CaseInvestigationNoted(n) => {
            let id = case_id_of(ev)?;
            sqlx::query(
                "INSERT INTO case_notes (id, case_id, fact, source_kind, source, found_on, author, \
                 recorded_at, created_hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&n.note_id)
            .bind(id)
            .bind(&n.fact)
            .bind(n.source_kind.code())
            .bind(&n.source)
            .bind(&n.found_on)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            touch(conn, id, ev.hlc).await?;
        }
        EventBody::CasePlanDrafted(p) => {
            let id = case_id_of(ev)?;
            // Earlier versions never offered give way to this one.
            sqlx::query(
                "UPDATE case_plans SET status = 'superseded' WHERE case_id = ? \
                 AND status IN ('draft', 'pending_approval', 'declined')",
            )
            .bind(id)
            .execute(&mut *conn)
            .await?;
            // Two sites that see the case (its owner and headquarters) may each draft the next
            // version offline: the one folded later becomes the version after it. Plans are
            // referred to by id, never by version.
            let taken: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(version), 0) FROM case_plans WHERE case_id = ?",
            )
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
            let version = if p.version <= taken { taken + 1 } else { p.version };
            sqlx::query(
                "INSERT INTO case_plans (id, case_id, version, summary, measures, money_fen, \
                 needs_approval, status, author, drafted_at, created_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&p.plan_id)
            .bind(id)
            .bind(version)
            .bind(&p.summary)
            .bind(json_text(&p.measures)?)
            .bind(p.money_fen)
            .bind(i64::from(p.needs_approval))
            .bind(if p.needs_approval { "pending_approval" } else { "draft" })
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            touch(conn, id, ev.hlc).await?;
        }
        EventBody::CasePlanDecided(d) => {
            sqlx::query(
                "UPDATE case_plans SET status = ?, decided_by = ?, decision_note = ? WHERE id = ?",
            )
            .bind(if d.approved { "draft" } else { "declined" })
            .bind(&ev.actor)
            .bind(&d.note)
            .bind(&d.plan_id)
            .execute(&mut *conn)
            .await?;
            touch(conn, case_id_of(ev)?, ev.hlc).await?;
        }
        EventBody::CasePlanOffered(o) => {
            sqlx::query("UPDATE case_plans SET status = 'offered' WHERE id = ?")
                .bind(&o.plan_id)
                .execute(&mut *conn)
                .await?;
            set_status(conn, case_id_of(ev)?, "negotiating", ev.hlc).await?;
        }
        EventBody::CaseNegotiated(n) => {
            let id = case_id_of(ev)?;
            sqlx::query(
                "INSERT INTO case_rounds (id, case_id, plan_id, held_on, method, response, counter, \
                 notes, author, created_hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&n.round_id)
            .bind(id)
            .bind(&n.plan_id)
            .bind(&n.held_on)
            .bind(n.method.code())
            .bind(n.response.code())
            .bind(&n.counter)
            .bind(&n.notes)
            .bind(&ev.actor)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            if n.response == crate::domain::case::OfferResponse::Accepted {
                let newly = sqlx::query(
                    "UPDATE case_plans SET status = 'accepted' WHERE id = ? AND status <> 'accepted'",
                )
                .bind(&n.plan_id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if newly == 0 {
                    // Accepted before (at the old owner, offline, and again after the case was
                    // reassigned): the round is kept, the plan's steps exist already.
                    set_status(conn, id, "executing", ev.hlc).await?;
                    return Ok(());
                }
                let measures: String =
                    sqlx::query_scalar("SELECT measures FROM case_plans WHERE id = ?")
                        .bind(&n.plan_id)
                        .fetch_one(&mut *conn)
                        .await?;
                let measures: Vec<crate::domain::events::PlanMeasure> =
                    serde_json::from_str(&measures)
                        .map_err(|e| CoreError::Internal(format!("plan measures: {e}")))?;
                let mut position = 0i64;
                for m in &measures {
                    for step in &m.steps {
                        position += 1;
                        sqlx::query(
                            "INSERT INTO case_steps (id, case_id, plan_id, position, measure_kind, \
                             title, responsible_id, responsible_name, due_on) \
                             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        )
                        .bind(&step.step_id)
                        .bind(id)
                        .bind(&n.plan_id)
                        .bind(position)
                        .bind(m.kind.code())
                        .bind(&step.title)
                        .bind(&m.responsible_id)
                        .bind(&m.responsible_name)
                        .bind(&step.due_on)
                        .execute(&mut *conn)
                        .await?;
                    }
                }
                set_status(conn, id, "executing", ev.hlc).await?;
            } else {
                sqlx::query("UPDATE case_plans SET status = 'rejected' WHERE id = ?")
                    .bind(&n.plan_id)
                    .execute(&mut *conn)
                    .await?;
                set_status(conn, id, "planning", ev.hlc).await?;
            }
        }
        EventBody::CaseStepDone(d) => {
            sqlx::query("UPDATE case_steps SET done_on = ? WHERE id = ?")
                .bind(&d.done_on)
                .bind(&d.step_id)
                .execute(&mut *conn)
                .await?;
            touch(conn, case_id_of(ev)?, ev.hlc).await?;
        }
        EventBody::CaseStepDelayed(d) => {
            sqlx::query("UPDATE case_steps SET due_on = ?, delays = delays + 1 WHERE id = ?")
                .bind(&d.new_due_on)
                .bind(&d.step_id)
                .execute(&mut *conn)
                .await?;
            touch(conn, case_id_of(ev)?, ev.hlc).await?;
        }
        EventBody::CaseFeedbackRecorded(f) => {
            let id = case_id_of(ev)?;
            sqlx::query(
                "INSERT INTO case_feedback (event_id, case_id, communicated_by, satisfaction, \
                 score, comments, recorded_at, created_hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&ev.event_id)
            .bind(id)
            .bind(f.communicated_by.code())
            .bind(f.satisfaction.code())
            .bind(f.score)
            .bind(&f.comments)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            sqlx::query("UPDATE cases SET satisfaction = ?, score = ? WHERE id = ?")
                .bind(f.satisfaction.code())
                .bind(f.score)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            if f.satisfaction == crate::domain::case::Satisfaction::Dissatisfied {
                // Not satisfied: back to a new plan (§四(六)2).
                sqlx::query("UPDATE cases SET reopen_count = reopen_count + 1 WHERE id = ?")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                set_status(conn, id, "planning", ev.hlc).await?;
            } else {
                touch(conn, id, ev.hlc).await?;
            }
        }
        EventBody::EvidenceAdded(e) => {
            let id = case_id_of(ev)?;
            sqlx::query(
                "INSERT INTO evidence (id, case_id, sha256, size, file_name, mime, kind, \
                 description, source, collected_by, collected_at, added_by, added_at, created_hlc) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&e.evidence_id)
            .bind(id)
            .bind(&e.sha256)
            .bind(i64::try_from(e.size).unwrap_or(i64::MAX))
            .bind(&e.file_name)
            .bind(&e.mime)
            .bind(e.kind.code())
            .bind(&e.description)
            .bind(&e.source)
            .bind(&e.collected_by)
            .bind(&e.collected_at)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            custody(conn, ev, &e.evidence_id, "added", None).await?;
            touch(conn, id, ev.hlc).await?;
        }
        EventBody::EvidenceViewed(v) => custody(conn, ev, &v.evidence_id, "viewed", None).await?,
        EventBody::EvidenceExported(x) => {
            for e in &x.evidence_ids {
                custody(conn, ev, e, "exported", Some(&x.destination)).await?;
            }
        }
        EventBody::BulletinSaved(b) => {
            let content = serde_json::to_string(&b.content)
                .map_err(|e| CoreError::Internal(e.to_string()))?;
            sqlx::query(
                "INSERT INTO bulletins (id, status, title, content, case_count, created_by, \
                 created_at, updated_at, updated_hlc) VALUES (?1, 'draft', ?2, ?3, ?4, ?5, ?6, ?6, ?7) \
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, content = excluded.content, \
                 case_count = excluded.case_count, updated_at = excluded.updated_at, \
                 updated_hlc = excluded.updated_hlc WHERE bulletins.status = 'draft'",
            )
            .bind(&b.bulletin_id)
            .bind(&b.content.title)
            .bind(content)
            .bind(b.content.cases.len() as i64)
            .bind(&ev.actor)
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM bulletin_cases WHERE bulletin_id = ?")
                .bind(&b.bulletin_id)
                .execute(&mut *conn)
                .await?;
            for (i, c) in b.content.cases.iter().enumerate() {
                sqlx::query(
                    "INSERT OR IGNORE INTO bulletin_cases (bulletin_id, case_id, position) \
                     VALUES (?, ?, ?)",
                )
                .bind(&b.bulletin_id)
                .bind(&c.case_id)
                .bind(i as i64)
                .execute(&mut *conn)
                .await?;
            }
        }
        EventBody::BulletinIssued(b) => {
            let seq = number_of_the_year(
                conn,
                ev,
                "bulletins",
                &b.bulletin_id,
                &b.doc_no,
                i64::from(b.year),
                b.seq,
            )
            .await?;
            sqlx::query(
                "UPDATE bulletins SET status = 'issued', doc_no = ?, site_id = ?, year = ?, seq = ?, \
                 issued_on = ?, issued_by = ?, pdf_sha256 = ?, pdf_size = ?, updated_at = ?, \
                 updated_hlc = ? WHERE id = ?",
            )
            .bind(&b.doc_no)
            .bind(&ev.site_id)
            .bind(b.year)
            .bind(seq)
            .bind(&b.issued_on)
            .bind(&ev.actor)
            .bind(&b.pdf_sha256)
            .bind(i64::try_from(b.pdf_size).unwrap_or(i64::MAX))
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .bind(&b.bulletin_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::BulletinDiscarded(b) => {
            sqlx::query(
                "UPDATE bulletins SET status = 'discarded', updated_at = ?, updated_hlc = ? \
                 WHERE id = ? AND status = 'draft'",
            )
            .bind(&ev.occurred_at)
            .bind(ev.hlc)
            .bind(&b.bulletin_id)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::ConsumerUpdated(u) => {
            let contact = match pii::existing_key(conn, &u.consumer_id).await {
                Ok(Some(key)) => {
                    Some(pii::unseal::<ConsumerContact>(&key, &u.consumer_id, &u.sealed)?)
                }
                // Not here yet (a replica), or erased since: nothing to show.
                Ok(None) | Err(CoreError::PersonalDataErased(_)) => None,
                Err(e) => return Err(e),
            };
            if let Some(c) = contact {
                sqlx::query(
                    "UPDATE consumers SET name = ?, mobile = ?, landline = ?, email = ?, address = ? \
                     WHERE id = ? AND erased = 0",
                )
                .bind(&c.name)
                .bind(&c.mobile)
                .bind(&c.landline)
                .bind(&c.email)
                .bind(&c.address)
                .bind(&u.consumer_id)
                .execute(&mut *conn)
                .await?;
            }
        }
        EventBody::ConsumerMerged(m) => {
            sqlx::query("UPDATE cases SET consumer_id = ?, updated_hlc = ? WHERE consumer_id = ?")
                .bind(&m.into_consumer_id)
                .bind(ev.hlc)
                .bind(&m.from_consumer_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query("UPDATE consumers SET merged_into = ? WHERE id = ?")
                .bind(&m.into_consumer_id)
                .bind(&m.from_consumer_id)
                .execute(&mut *conn)
                .await?;
        }
        EventBody::ImportStarted(i) => {
            sqlx::query(
                "INSERT INTO import_batches (id, source, file_name, rows, started_at, started_by, \
                 status) VALUES (?, ?, ?, ?, ?, ?, 'running')",
            )
            .bind(&i.batch_id)
            .bind(&i.source)
            .bind(&i.file_name)
            .bind(i64::try_from(i.rows).unwrap_or(i64::MAX))
            .bind(&ev.occurred_at)
            .bind(&ev.actor)
            .execute(&mut *conn)
            .await?;
        }
        EventBody::ImportFinished(f) => {
            let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            sqlx::query(
                "UPDATE import_batches SET status = ?, finished_at = ?, imported = ?, \
                 duplicates = ?, rejected = ? WHERE id = ?",
            )
            .bind(if f.cancelled { "cancelled" } else { "done" })
            .bind(&ev.occurred_at)
            .bind(count(f.imported))
            .bind(count(f.duplicates))
            .bind(count(f.rejected))
            .bind(&f.batch_id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

async fn custody(
    conn: &mut SqliteConnection,
    ev: &StoredEvent,
    evidence_id: &str,
    action: &str,
    detail: Option<&str>,
) -> CoreResult<()> {
    sqlx::query(
        "INSERT INTO evidence_custody (event_id, evidence_id, action, actor, at, detail) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(&ev.event_id)
    .bind(evidence_id)
    .bind(action)
    .bind(&ev.actor)
    .bind(&ev.occurred_at)
    .bind(detail)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a case changed by the event at `hlc`.
async fn touch(conn: &mut SqliteConnection, case_id: &str, hlc: i64) -> CoreResult<()> {
    set_status(conn, case_id, None, hlc).await
}

/// Moves a case to `status` (or leaves it where it is) and marks it changed.
async fn set_status(
    conn: &mut SqliteConnection,
    case_id: &str,
    status: impl Into<Option<&str>>,
    hlc: i64,
) -> CoreResult<()> {
    sqlx::query("UPDATE cases SET status = COALESCE(?, status), updated_hlc = ? WHERE id = ?")
        .bind(status.into())
        .bind(hlc)
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Links two cases both ways (a later merge turns a related link into a duplicate one).
async fn link(
    conn: &mut SqliteConnection,
    a: &str,
    b: &str,
    kind: &str,
    note: Option<&str>,
    hlc: i64,
) -> CoreResult<()> {
    // Only between cases this site holds: a branch may not see the other case (another
    // site's); if it arrives later, it sorts earlier and the fold runs again with both.
    for (x, y) in [(a, b), (b, a)] {
        sqlx::query(
            "INSERT INTO case_links (case_id, other_id, kind, note, created_hlc) \
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM cases WHERE id = ?1) \
             AND EXISTS (SELECT 1 FROM cases WHERE id = ?2) \
             ON CONFLICT (case_id, other_id) DO UPDATE SET \
             kind = excluded.kind, note = excluded.note",
        )
        .bind(x)
        .bind(y)
        .bind(kind)
        .bind(note)
        .bind(hlc)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn json_text<T: serde::Serialize>(value: &T) -> CoreResult<String> {
    serde_json::to_string(value).map_err(|e| CoreError::Internal(e.to_string()))
}

fn case_id_of(ev: &StoredEvent) -> CoreResult<&str> {
    ev.case_id.as_deref().ok_or_else(|| CoreError::MalformedEvent {
        event_id: ev.event_id.clone(),
        detail: format!("{} without a case", ev.kind),
    })
}

/// `2026-HQ-000123` → (2026, 123).
pub fn parse_case_no(case_no: &str) -> Option<(i64, i64)> {
    let (year, _) = case_no.split_once('-')?;
    let (_, seq) = case_no.rsplit_once('-')?;
    Some((year.parse().ok()?, seq.parse().ok()?))
}

/// Empties the projections and folds the whole log again, in one transaction.
pub async fn rebuild(db: &Db) -> CoreResult<u64> {
    let mut tx = db.begin_write().await?;
    // The statistics' daily counts are counted once at the end, not case by case.
    let triggers = crate::counts::suspend(&mut tx).await?;
    for table in TABLES {
        sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
    }
    let mut applied = 0u64;
    let mut last = None;
    loop {
        let page = event_log::page_in_fold_order(&mut tx, last.as_ref(), REBUILD_PAGE).await?;
        for ev in &page {
            apply_or_set_aside(&mut tx, ev).await?;
        }
        applied += page.len() as u64;
        match page.into_iter().last() {
            Some(ev) => last = Some(ev),
            None => break,
        }
    }
    // The search index, once, from the state just rebuilt.
    sqlx::query("INSERT OR IGNORE INTO search_dirty (case_id) SELECT id FROM cases")
        .execute(&mut *tx)
        .await?;
    crate::search::flush(&mut tx).await?;
    crate::counts::recount(&mut tx).await?;
    triggers.restore(&mut tx).await?;
    // Folded from the whole log: nothing pulled is left unapplied.
    sqlx::query("UPDATE sync_state SET projection_stale = 0").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(applied)
}

/// Every projection table as canonical text (rows in primary-key order, every column), for
/// comparing a rebuilt state with the live one.
pub async fn snapshot(db: &Db) -> CoreResult<String> {
    let mut conn = db.pool.acquire().await?;
    let mut out = String::new();
    // The search index is derived from the other tables (and numbers its rows in the order it
    // met the cases): compared through them, not itself.
    for table in
        TABLES.iter().filter(|t| !t.starts_with("case_search") && !t.starts_with("search_"))
    {
        let sql = format!("SELECT * FROM {table} ORDER BY 1, 2");
        for row in sqlx::query(&sql).fetch_all(&mut *conn).await? {
            out.push_str(table);
            for i in 0..row.len() {
                let cell: Option<String> = row.try_get::<Option<String>, _>(i).or_else(|_| {
                    row.try_get::<Option<i64>, _>(i).map(|v| v.map(|n| n.to_string())).or_else(
                        |_| row.try_get::<Option<f64>, _>(i).map(|v| v.map(|n| n.to_string())),
                    )
                })?;
                out.push('\t');
                out.push_str(cell.as_deref().unwrap_or("∅"));
            }
            out.push('\n');
        }
    }
    Ok(out)
}
