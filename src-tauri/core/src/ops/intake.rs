//! `cases.create`: recording a complaint (§三(二)): who, what, through which channel; the
//! initial judgment; and either the answer given on the spot or the transfer for handling.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::actor::Actor;
use crate::auth::Permission;
use crate::calendar::Calendar;
use crate::codes::{self, CodeList};
use crate::domain::case::{
    CaseStatus, Complexity, ConsumerContact, Demand, Satisfaction, Severity,
};
use crate::domain::events::{
    CaseAssigned, CaseClosed, CaseCreated, CaseLinked, EventBody, SealedCaseText,
};
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};
use crate::event_log::{self, NewEvent};
use crate::intake_rules as rules;
use crate::storage::Db;
use crate::time::{china, to_db};
use crate::{case_no, pii};

/// What the agent says and what the consumer answers when a simple case is settled at once.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OnTheSpot {
    pub answer: String,
    pub consumer_response: String,
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    pub consumer: ConsumerContact,
    /// A code of the channel list (`codes.list`), e.g. `hotline`.
    pub channel: String,
    /// The store or branch involved: its id or its code (`ST-SH-XH`).
    #[serde(default)]
    #[ts(optional)]
    pub store_id: Option<String>,
    pub product_name: String,
    #[serde(default)]
    #[ts(optional)]
    pub product_model: Option<String>,
    pub quantity: i64,
    /// Yuan with at most two decimals, e.g. `"2399.00"`.
    #[serde(default)]
    #[ts(optional)]
    pub amount_paid: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub order_no: Option<String>,
    /// `YYYY-MM-DD` (or an RFC 3339 instant); not in the future.
    #[serde(default)]
    #[ts(optional)]
    pub purchased_at: Option<String>,
    pub content: String,
    pub demand: Demand,
    /// For a compensation or refund demand: the amount asked, in yuan.
    #[serde(default)]
    #[ts(optional)]
    pub demand_amount: Option<String>,
    /// A code of the category list (`codes.list`), e.g. `product_quality`.
    pub category: String,
    /// The department or stage involved: its id or its code (`DEP-AS`).
    #[serde(default)]
    #[ts(optional)]
    pub department_id: Option<String>,
    pub severity: Severity,
    pub complexity: Complexity,
    /// Required for a simple case: it is settled and closed in the same sitting.
    #[serde(default)]
    #[ts(optional)]
    pub on_the_spot: Option<OnTheSpot>,
    /// For a complex case: the handler it is transferred to, by account id or user name (else
    /// the department's queue).
    #[serde(default)]
    #[ts(optional)]
    pub handler_id: Option<String>,
    /// For a complex case: the date the consumer is told (`YYYY-MM-DD`); default: the deadline.
    #[serde(default)]
    #[ts(optional)]
    pub expected_resolution: Option<String>,
    /// The consumer was told at once that the complaint is accepted (on the phone, at the
    /// counter). Otherwise the acknowledgment deadline runs until `cases.acknowledge`.
    #[serde(default)]
    pub acknowledged: bool,
    /// Earlier cases about the same matter, to link the new one to (ids or case numbers).
    #[serde(default)]
    pub related_case_ids: Vec<String>,
    /// An earlier case this complaint merely repeats: the new case is recorded, then merged
    /// into it (it stays readable and points to the earlier case).
    #[serde(default)]
    #[ts(optional)]
    pub duplicate_of: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct IntakeResponse {
    pub id: String,
    pub case_no: String,
    pub status: CaseStatus,
    pub due_at: String,
    pub ack_due_at: Option<String>,
    pub expected_resolution: Option<String>,
    /// Set when the complaint was merged into an earlier case: that case's number.
    pub merged_into: Option<String>,
}

/// A validated request: the values as they will be stored.
struct Checked {
    consumer: ConsumerContact,
    amount_paid_fen: Option<i64>,
    demand_amount_fen: Option<i64>,
    purchased_at: Option<String>,
    store_id: Option<String>,
    department_id: Option<String>,
    handler: Option<(String, String)>,
    expected_resolution: Option<NaiveDate>,
    /// Cases to link to: (id, case number).
    related: Vec<(String, String)>,
    duplicate_of: Option<(String, String)>,
}

/// A case named by its id or its number: (id, case number).
pub async fn case_ref(
    conn: &mut SqliteConnection,
    id_or_no: &str,
) -> CoreResult<Option<(String, String)>> {
    Ok(sqlx::query_as("SELECT id, case_no FROM cases WHERE id = ?1 OR case_no = ?1 LIMIT 1")
        .bind(id_or_no.trim())
        .fetch_optional(&mut *conn)
        .await?)
}

/// A unit named by its id or its code (`ST-SH-XH`), if it is of one of `kinds`: its id.
async fn unit_of_kind(
    conn: &mut SqliteConnection,
    id_or_code: &str,
    kinds: &[&str],
) -> CoreResult<Option<String>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT id, kind FROM org_units WHERE id = ?1 OR code = ?1")
            .bind(id_or_code)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.filter(|(_, k)| kinds.contains(&k.as_str())).map(|(id, _)| id))
}

/// A consumer's contact data checked and normalised (mobile as 11 digits, landline as
/// `area-number`); at least one way to reach them. Problems are named `{prefix}.mobile` etc.
pub(crate) fn check_contact(
    c: &ConsumerContact,
    prefix: &str,
    push: &mut dyn FnMut(&str, FieldRule),
) -> ConsumerContact {
    let field = |name: &str| format!("{prefix}.{name}");
    let trimmed = |v: &Option<String>| {
        v.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_owned)
    };
    let (mobile, landline, email, address) =
        (trimmed(&c.mobile), trimmed(&c.landline), trimmed(&c.email), trimmed(&c.address));
    let mobile = match mobile.as_deref().map(|m| (m, rules::mobile(m))) {
        Some((_, Some(ok))) => Some(ok),
        Some((raw, None)) => {
            push(&field("mobile"), FieldRule::Invalid { detail: raw.to_owned() });
            None
        }
        None => None,
    };
    let landline = match landline.as_deref().map(|l| (l, rules::landline(l))) {
        Some((_, Some(ok))) => Some(ok),
        Some((raw, None)) => {
            push(&field("landline"), FieldRule::Invalid { detail: raw.to_owned() });
            None
        }
        None => None,
    };
    if let Some(e) = email.as_deref().filter(|e| !rules::email(e)) {
        push(&field("email"), FieldRule::Invalid { detail: e.to_owned() });
    }
    if trimmed(&c.mobile).is_none() && trimmed(&c.landline).is_none() && email.is_none() {
        // No way to reach the consumer: at least a phone or an e-mail.
        push(&field("mobile"), FieldRule::Required);
    }
    let mut problems = Vec::new();
    rules::text(&field("name"), &c.name, true, 50, &mut problems);
    rules::text(&field("address"), address.as_deref().unwrap_or(""), false, 200, &mut problems);
    for p in problems {
        push(&p.field, p.rule);
    }
    ConsumerContact { name: c.name.trim().to_owned(), mobile, landline, email, address }
}

async fn check(conn: &mut SqliteConnection, db: &Db, req: &IntakeRequest) -> CoreResult<Checked> {
    let now = db.now();
    let mut problems = Vec::new();
    let mut push =
        |field: &str, rule: FieldRule| problems.push(FieldProblem { field: field.into(), rule });

    let consumer = check_contact(&req.consumer, "consumer", &mut push);
    let amount =
        |field: &str, raw: &Option<String>, push: &mut dyn FnMut(&str, FieldRule)| -> Option<i64> {
            let raw = raw.as_deref().map(str::trim).filter(|r| !r.is_empty())?;
            rules::money(raw).map_err(|rule| push(field, rule)).ok()
        };
    let amount_paid_fen = amount("amount_paid", &req.amount_paid, &mut push);
    let demand_amount_fen = amount("demand_amount", &req.demand_amount, &mut push);
    let purchased_at = match req.purchased_at.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(raw) => match rules::past_instant(raw, now) {
            Ok(t) => Some(to_db(t)),
            Err(rule) => {
                push("purchased_at", rule);
                None
            }
        },
        None => None,
    };
    if !(1..=100_000).contains(&req.quantity) {
        push("quantity", FieldRule::OutOfRange { min: 1, max: 100_000 });
    }
    let expected_resolution =
        match req.expected_resolution.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
                Ok(d) if d >= now.with_timezone(&china()).date_naive() => Some(d),
                _ => {
                    push(
                        "expected_resolution",
                        FieldRule::Invalid { detail: "YYYY-MM-DD ≥ today".into() },
                    );
                    None
                }
            },
            None => None,
        };
    rules::text("product_name", &req.product_name, true, 100, &mut problems);
    rules::text(
        "product_model",
        req.product_model.as_deref().unwrap_or(""),
        false,
        100,
        &mut problems,
    );
    rules::text("order_no", req.order_no.as_deref().unwrap_or(""), false, 64, &mut problems);
    rules::text("content", &req.content, true, 5_000, &mut problems);

    match codes::find(conn, CodeList::Channel, &req.channel).await? {
        Some(entry) if entry.active => {
            if entry.requires_store && req.store_id.is_none() {
                problems.push(FieldProblem { field: "store_id".into(), rule: FieldRule::Required });
            }
        }
        _ => problems.push(FieldProblem {
            field: "channel".into(),
            rule: FieldRule::UnknownValue { value: req.channel.clone() },
        }),
    }
    if !codes::find(conn, CodeList::Category, &req.category).await?.is_some_and(|e| e.active) {
        problems.push(FieldProblem {
            field: "category".into(),
            rule: FieldRule::UnknownValue { value: req.category.clone() },
        });
    }
    let mut related = Vec::new();
    for (i, r) in req.related_case_ids.iter().enumerate() {
        match case_ref(conn, r).await? {
            Some(found) if !related.contains(&found) => related.push(found),
            Some(_) => {}
            None => problems.push(FieldProblem {
                field: format!("related_case_ids[{i}]"),
                rule: FieldRule::UnknownValue { value: r.clone() },
            }),
        }
    }
    let mut duplicate_of = None;
    if let Some(d) = &req.duplicate_of {
        duplicate_of = case_ref(conn, d).await?;
        match &duplicate_of {
            None => problems.push(FieldProblem {
                field: "duplicate_of".into(),
                rule: FieldRule::UnknownValue { value: d.clone() },
            }),
            Some((id, _)) => {
                let status: String = sqlx::query_scalar("SELECT status FROM cases WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?;
                if status == CaseStatus::Merged.code() {
                    // Merge into the case that carries on, not into another duplicate.
                    problems.push(FieldProblem {
                        field: "duplicate_of".into(),
                        rule: FieldRule::Invalid { detail: status },
                    });
                }
            }
        }
    }
    let mut store_id = None;
    if let Some(store) = &req.store_id {
        store_id = unit_of_kind(conn, store, &["store", "branch", "subsidiary"]).await?;
        if store_id.is_none() {
            problems.push(FieldProblem {
                field: "store_id".into(),
                rule: FieldRule::UnknownValue { value: store.clone() },
            });
        }
    }
    let mut department_id = None;
    if let Some(dept) = &req.department_id {
        department_id =
            unit_of_kind(conn, dept, &["department", "store", "branch", "subsidiary", "company"])
                .await?;
        if department_id.is_none() {
            problems.push(FieldProblem {
                field: "department_id".into(),
                rule: FieldRule::UnknownValue { value: dept.clone() },
            });
        }
    }
    let mut handler = None;
    match req.complexity {
        Complexity::Simple => match &req.on_the_spot {
            None => problems.push(FieldProblem {
                field: "on_the_spot.answer".into(),
                rule: FieldRule::Required,
            }),
            Some(spot) => {
                rules::text("on_the_spot.answer", &spot.answer, true, 2_000, &mut problems);
                rules::text(
                    "on_the_spot.consumer_response",
                    &spot.consumer_response,
                    true,
                    2_000,
                    &mut problems,
                );
            }
        },
        Complexity::Complex => {
            if let Some(h) = &req.handler_id {
                // The handler by account id or user name.
                handler = sqlx::query_as("SELECT id, display_name FROM accounts WHERE (id = ?1 OR username = ?1) AND active = 1 \
         ORDER BY id = ?1 DESC, created_hlc, id LIMIT 1")
                    .bind(h)
                    .fetch_optional(&mut *conn)
                    .await?;
                if handler.is_none() {
                    problems.push(FieldProblem {
                        field: "handler_id".into(),
                        rule: FieldRule::UnknownValue { value: h.clone() },
                    });
                }
            } else if req.department_id.is_none() {
                // A complex case goes to someone: a handler, or at least a department.
                problems
                    .push(FieldProblem { field: "handler_id".into(), rule: FieldRule::Required });
            }
        }
    }
    if !problems.is_empty() {
        return Err(CoreError::Validation(problems));
    }
    Ok(Checked {
        consumer,
        amount_paid_fen,
        demand_amount_fen,
        purchased_at,
        store_id,
        department_id,
        handler,
        expected_resolution,
        related,
        duplicate_of,
    })
}

/// The consumer a complaint belongs to: the one with the same mobile number (a record merged
/// into another stands for that other), else a new one.
pub(crate) async fn consumer_for(
    conn: &mut SqliteConnection,
    contact: &ConsumerContact,
) -> CoreResult<String> {
    let Some(mobile) = &contact.mobile else {
        return Ok(uuid::Uuid::now_v7().to_string());
    };
    let found: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT id, merged_into FROM consumers WHERE mobile = ? AND erased = 0 \
         ORDER BY merged_into IS NOT NULL LIMIT 1",
    )
    .bind(mobile)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((mut id, mut next)) = found else {
        return Ok(uuid::Uuid::now_v7().to_string());
    };
    // Follow merges (a short chain at most; bounded against a cycle in damaged data).
    for _ in 0..16 {
        let Some(into) = next else { break };
        id = into;
        next = sqlx::query_scalar("SELECT merged_into FROM consumers WHERE id = ?")
            .bind(&id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    }
    Ok(id)
}

pub async fn create(db: &Db, actor: &Actor, req: IntakeRequest) -> CoreResult<IntakeResponse> {
    actor.require(Permission::CaseIntake)?;
    let mut tx = db.begin_write().await?;
    let checked = check(&mut tx, db, &req).await?;
    let now = db.now();
    let case_id = uuid::Uuid::now_v7().to_string();
    let consumer_id = consumer_for(&mut tx, &checked.consumer).await?;
    let key = pii::key_for(&mut tx, &consumer_id).await?;
    let sealed = pii::seal(
        &key,
        &consumer_id,
        &SealedCaseText {
            consumer: checked.consumer.clone(),
            content: req.content.trim().to_owned(),
        },
    )?;
    let simple = req.complexity == Complexity::Simple;
    let rules = crate::settings::deadline_rules(&mut tx).await?;
    let (ack_days, resolve_days) = crate::settings::limits_for(&rules, &req.channel, req.severity);
    let calendar = Calendar::load(&mut tx).await?;
    let due = calendar.add_working_days(now, if simple { 0 } else { resolve_days });
    // Settled on the spot, the consumer knows at once.
    let acknowledged = simple || req.acknowledged;
    let ack_due = calendar.add_working_days(now, ack_days);
    let expected = (!simple).then(|| {
        checked.expected_resolution.unwrap_or_else(|| due.with_timezone(&china()).date_naive())
    });
    let year = now.with_timezone(&china()).year();
    let number = case_no::next(&mut tx, year).await?;
    let created = CaseCreated {
        case_no: number.clone(),
        received_at: to_db(now),
        channel: req.channel.clone(),
        store_id: checked.store_id.clone(),
        department_id: checked.department_id.clone(),
        consumer_id,
        sealed,
        product_name: req.product_name.trim().to_owned(),
        product_model: req
            .product_model
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned),
        quantity: req.quantity,
        amount_paid_fen: checked.amount_paid_fen,
        order_no: req
            .order_no
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned),
        purchased_at: checked.purchased_at,
        category: req.category.clone(),
        severity: req.severity,
        complexity: req.complexity,
        demand: req.demand,
        demand_amount_fen: checked.demand_amount_fen,
        received_by: actor.display_name.clone(),
        received_by_id: Some(actor.id.clone()),
        handler: None,
        handler_id: None,
        due_at: Some(to_db(due)),
        expected_resolution: expected.map(|d| d.to_string()),
        ack_due_at: Some(to_db(ack_due)),
        acknowledged,
        import: None,
    };
    let event = |body| NewEvent { case_id: Some(case_id.clone()), occurred_at: now, body };
    event_log::append(&mut tx, db, actor, event(EventBody::CaseCreated(Box::new(created)))).await?;
    crate::ops::emergency::link_arriving(&mut tx, db, actor, &case_id).await?;
    for (other_id, other_no) in &checked.related {
        let linked = CaseLinked {
            other_case_id: other_id.clone(),
            other_case_no: other_no.clone(),
            note: None,
        };
        event_log::append(&mut tx, db, actor, event(EventBody::CaseLinked(linked))).await?;
    }
    let status = if let Some((into_id, into_no)) = &checked.duplicate_of {
        let reason = "受理时认定为重复投诉".to_owned();
        crate::ops::links::merge_in(
            &mut tx,
            db,
            actor,
            (&case_id, &number),
            (into_id, into_no),
            reason,
        )
        .await?;
        CaseStatus::Merged
    } else if let Some(spot) = req.on_the_spot.as_ref().filter(|_| simple) {
        let closed = CaseClosed {
            result: format!(
                "当场答复：{}；消费者意见：{}",
                spot.answer.trim(),
                spot.consumer_response.trim()
            ),
            satisfaction: Some(spot.satisfaction),
            root_cause: None,
            typical: false,
        };
        event_log::append(&mut tx, db, actor, event(EventBody::CaseClosed(closed))).await?;
        CaseStatus::Closed
    } else {
        if let Some((handler_id, name)) = checked.handler {
            let assigned = CaseAssigned {
                handler: name,
                handler_id: Some(handler_id),
                department_id: checked.department_id.clone(),
                note: None,
            };
            event_log::append(&mut tx, db, actor, event(EventBody::CaseAssigned(assigned))).await?;
        }
        CaseStatus::Received
    };
    tx.commit().await?;
    Ok(IntakeResponse {
        id: case_id,
        case_no: number,
        status,
        due_at: to_db(due),
        ack_due_at: (!acknowledged).then(|| to_db(ack_due)),
        expected_resolution: expected.map(|d| d.to_string()),
        merged_into: checked.duplicate_of.map(|(_, no)| no),
    })
}
