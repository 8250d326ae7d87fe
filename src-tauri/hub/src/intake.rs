//! The online intake channel (§三(一)2): `POST /v1/intake` takes a complaint from the company's
//! website, WeChat account or app back end, described by `GET /v1/openapi.json`.
//!
//! The hub keeps a site of its own for this channel: a branch database (SQLite, in the
//! configured folder) that syncs with the hub in this process. A submission is recorded there
//! by the core's `cases.create`, exactly as the desktop intake records a complaint (the same
//! checks, the same error list), and its events are pushed at once: the responsible branch has
//! the case at its next sync. The case is routed by the store named, or else by the consumer's
//! city to the branch that has stores there.

use std::path::Path;
use std::sync::Arc;

use redress_core::domain::case::{Complexity, ConsumerContact, Demand, Severity};
use redress_core::domain::events::SiteRef;
use redress_core::evidence;
use redress_core::ops::intake::{IntakeRequest, IntakeResponse};
use redress_core::sync::{
    self, OwnEventsRequest, PullReply, PullRequest, PushReply, PushRequest, Transport,
};
use redress_core::{storage, Actor, ApiError, CoreError, CoreResult, Db, Lang, OpenOptions};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sqlx::Row;
use tokio::sync::Mutex;

use crate::store::{sha256, HubError, HubResult, SiteRow, Store};

/// The channels a client may submit for (codes of the channel list).
pub const CHANNELS: [&str; 3] = ["website", "wechat", "app"];

/// A site talking to the hub's store in this process: the intake site, and tests' branches.
pub struct InProcess {
    pub store: Arc<Store>,
    pub site: SiteRow,
}

fn refused(e: HubError) -> CoreError {
    CoreError::HubRefused { status: 0, code: e.code().into(), message: e.to_string() }
}

impl Transport for InProcess {
    async fn sites(&self) -> CoreResult<Vec<redress_core::ownership::HubSite>> {
        self.store.sites().await.map_err(refused)
    }
    async fn push(&self, request: &PushRequest) -> CoreResult<PushReply> {
        self.store.push(&self.site, request).await.map_err(refused)
    }
    async fn pull(&self, request: &PullRequest) -> CoreResult<PullReply> {
        self.store.pull(&self.site, request).await.map_err(refused)
    }
    async fn own_events(&self, request: &OwnEventsRequest) -> CoreResult<PullReply> {
        self.store.own_events(&self.site, request).await.map_err(refused)
    }
    async fn case_events(&self, case_ids: &[String]) -> CoreResult<PullReply> {
        self.store.case_events(&self.site, case_ids).await.map_err(refused)
    }
    async fn missing_blobs(&self, sha256: &[String]) -> CoreResult<Vec<String>> {
        self.store.missing_blobs(sha256).await.map_err(refused)
    }
    async fn put_blob(&self, store: &evidence::Store, sha256: &str) -> CoreResult<()> {
        let file = std::fs::File::open(store.path_of(sha256)?)?;
        self.store.keep_blob(Some(&self.site), sha256, Box::new(file)).await.map_err(refused)?;
        Ok(())
    }
    async fn get_blob(&self, store: &evidence::Store, sha256: &str) -> CoreResult<bool> {
        let mut reader = match self.store.open_blob(sha256).await {
            Ok((_, reader)) => reader,
            Err(HubError::BlobMissing) => return Ok(false),
            Err(e) => return Err(refused(e)),
        };
        let (store, sha256) = (store.clone(), sha256.to_owned());
        tokio::task::spawn_blocking(move || store.receive(&mut reader, &sha256))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))??;
        Ok(true)
    }
}

/// A back end allowed to submit complaints, after its credential was checked.
#[derive(Debug, Clone)]
pub struct IntakeClient {
    pub id: String,
    pub name: String,
    pub channel: String,
}

/// A new client as `intake add` shows it (the token once).
#[derive(Debug, Clone, Serialize)]
pub struct NewIntakeClient {
    pub id: String,
    pub name: String,
    pub channel: String,
    pub token: String,
}

/// One complaint as a back end submits it. Field names and rules are those of the desktop
/// intake (`cases.create`), so an error names the same field either way.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The submitter's own id for this complaint (1–64 characters): submitting it again returns
    /// the case it became instead of recording a second one.
    pub external_id: String,
    pub consumer: ConsumerContact,
    /// The store involved, by its code (`ST-SH-XH`) or id.
    #[serde(default)]
    pub store_id: Option<String>,
    /// Where the consumer is (`杭州`): routes the case to the branch with stores in that city
    /// when no store is named.
    #[serde(default)]
    pub city: Option<String>,
    pub product_name: String,
    #[serde(default)]
    pub product_model: Option<String>,
    pub quantity: i64,
    #[serde(default)]
    pub amount_paid: Option<String>,
    #[serde(default)]
    pub order_no: Option<String>,
    #[serde(default)]
    pub purchased_at: Option<String>,
    pub content: String,
    pub demand: Demand,
    #[serde(default)]
    pub demand_amount: Option<String>,
    pub category: String,
    /// Default `general`.
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// The branch a case went to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routed {
    pub code: String,
    pub name: String,
}

/// What a submission became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub case_id: String,
    pub case_no: String,
    pub status: String,
    /// When the complaint must be acknowledged, and handled, by (RFC 3339).
    pub ack_due_at: Option<String>,
    pub due_at: String,
    /// The branch that handles it; none when neither store nor city named one (headquarters
    /// triages it).
    pub routed_to: Option<Routed>,
    /// True when this is a repeated submission of the same `external_id`.
    pub repeated: bool,
}

/// Why a submission was not recorded.
#[derive(Debug)]
pub enum IntakeError {
    Hub(HubError),
    /// Refused by the same checks as the desktop intake: the error with its field list.
    Rejected(ApiError),
}

impl From<HubError> for IntakeError {
    fn from(e: HubError) -> Self {
        IntakeError::Hub(e)
    }
}

/// The hub's intake site: its database, and one submission at a time (one SQLite writer).
pub struct Intake {
    store: Arc<Store>,
    db: Db,
    site: SiteRow,
    /// The department whose queue online complaints wait in (`DEP-CS`).
    department: String,
    turn: Mutex<()>,
}

impl Store {
    /// Registers a back end of the online channel and issues its credential.
    pub async fn add_intake_client(&self, name: &str, channel: &str) -> HubResult<NewIntakeClient> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(HubError::BadRequest("client name: 1–60 characters".into()));
        }
        if !CHANNELS.contains(&channel) {
            return Err(HubError::BadRequest(format!("channel: one of {}", CHANNELS.join(", "))));
        }
        let client = NewIntakeClient {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.to_owned(),
            channel: channel.to_owned(),
            token: crate::store::new_token(),
        };
        sqlx::query(
            "INSERT INTO intake_clients (id, name, channel, token_sha256) VALUES ($1, $2, $3, $4)",
        )
        .bind(&client.id)
        .bind(&client.name)
        .bind(&client.channel)
        .bind(sha256(&client.token))
        .execute(self.pool())
        .await
        .map_err(|e| crate::store::taken(e, format!("client name {name} is taken")))?;
        Ok(client)
    }

    /// The client a token belongs to (a site's token is not one).
    pub async fn authenticate_intake(&self, token: &str) -> HubResult<IntakeClient> {
        let row =
            sqlx::query("SELECT id, name, channel FROM intake_clients WHERE token_sha256 = $1")
                .bind(sha256(token))
                .fetch_optional(self.pool())
                .await?
                .ok_or(HubError::Unauthorized)?;
        Ok(IntakeClient { id: row.get(0), name: row.get(1), channel: row.get(2) })
    }

    /// The site with this code, registering it first if the hub has none (the intake site).
    pub async fn own_site(&self, name: &str, code: &str) -> HubResult<SiteRow> {
        if let Some(site) = self.site_by_code(code).await? {
            return Ok(site);
        }
        match self.add_site(name, code, false).await {
            Ok(_) | Err(HubError::BadRequest(_)) => {}
            Err(e) => return Err(e),
        }
        self.site_by_code(code).await?.ok_or(HubError::Unauthorized)
    }
}

impl Intake {
    /// Opens (or creates) the intake site's database in `dir` and registers the site at the hub.
    /// Its cases wait in `department`'s queue (by code) at their branch.
    pub async fn open(
        store: Arc<Store>,
        dir: &Path,
        code: &str,
        department: &str,
    ) -> Result<Intake, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut options = OpenOptions::new(dir.join("intake.db"));
        options.new_site_code = code.to_owned();
        options.new_site_name = "在线投诉渠道".to_owned();
        let db = storage::open(options).await.map_err(|e| e.to_string())?;
        if db.site().site_code != code {
            return Err(format!(
                "{} belongs to site {}, not {code}",
                dir.join("intake.db").display(),
                db.site().site_code
            ));
        }
        let site = store.own_site("在线投诉渠道", code).await.map_err(|e| e.to_string())?;
        Ok(Intake { store, db, site, department: department.to_owned(), turn: Mutex::new(()) })
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The intake site as the hub registered it.
    pub fn site(&self) -> &SiteRow {
        &self.site
    }

    async fn sync(&self) -> Result<(), IntakeError> {
        let transport = InProcess { store: self.store.clone(), site: self.site.clone() };
        sync::run(&self.db, &transport, sync::MAX_BATCH, |_| {}).await.map_err(|e| {
            IntakeError::Hub(HubError::BadRequest(format!("the intake site could not sync: {e}")))
        })?;
        Ok(())
    }

    /// Records a submission as a case, or returns what an earlier one with the same
    /// `external_id` became.
    pub async fn submit(
        &self,
        client: &IntakeClient,
        submission: Submission,
        lang: Lang,
    ) -> Result<Receipt, IntakeError> {
        let external_id = submission.external_id.trim().to_owned();
        if external_id.is_empty() || external_id.chars().count() > 64 {
            let e = CoreError::field(
                "external_id",
                redress_core::error::FieldRule::Invalid { detail: "1–64".into() },
            );
            return Err(IntakeError::Rejected(e.to_api(lang)));
        }
        let _turn = self.turn.lock().await;
        if let Some(mut earlier) = self.earlier(client, &external_id).await? {
            earlier.repeated = true;
            return Ok(earlier);
        }
        // The organisation, code lists and cases as headquarters last pushed them.
        self.sync().await?;
        let routed = self.route(&submission).await.map_err(core_error(lang))?;
        let actor = Actor {
            id: format!("intake:{}", client.id),
            display_name: format!("在线渠道：{}", client.name),
            ..Actor::system()
        };
        let store_id = submission
            .store_id
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| routed.as_ref().map(|(unit, _)| unit.clone()));
        let request = IntakeRequest {
            consumer: submission.consumer,
            channel: client.channel.clone(),
            store_id,
            product_name: submission.product_name,
            product_model: submission.product_model,
            quantity: submission.quantity,
            amount_paid: submission.amount_paid,
            order_no: submission.order_no,
            purchased_at: submission.purchased_at,
            content: submission.content,
            demand: submission.demand,
            demand_amount: submission.demand_amount,
            category: submission.category,
            department_id: Some(self.department.clone()),
            severity: submission.severity.unwrap_or(Severity::General),
            // An online complaint is never settled on the spot: it goes to its branch.
            complexity: Complexity::Complex,
            on_the_spot: None,
            handler_id: None,
            expected_resolution: None,
            acknowledged: false,
            related_case_ids: Vec::new(),
            duplicate_of: None,
        };
        let created: IntakeResponse = redress_core::ops::intake::create(&self.db, &actor, request)
            .await
            .map_err(core_error(lang))?;
        let routed_to = match routed {
            Some((_, branch)) => Some(branch),
            None => self.branch_of_case(&created.id).await.map_err(core_error(lang))?,
        };
        // The branch's site owns the case from now (its hand-over travels with the case);
        // with no site running that branch yet, the case stays with this channel for
        // headquarters to reassign.
        if let Some(branch) = &routed_to {
            self.hand_to_branch(&actor, &created.id, &branch.code).await;
        }
        let receipt = Receipt {
            case_id: created.id,
            case_no: created.case_no,
            status: created.status.code().to_owned(),
            ack_due_at: created.ack_due_at,
            due_at: created.due_at,
            routed_to,
            repeated: false,
        };
        // Recorded: what follows may fail and be retried (the case is pushed at the next
        // submission or sync, and a retry gets this receipt back).
        sqlx::query(
            "INSERT INTO intake_submissions (client_id, external_id, case_id, receipt) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&client.id)
        .bind(&external_id)
        .bind(&receipt.case_id)
        .bind(serde_json::to_string(&receipt).unwrap_or_default())
        .execute(self.store.pool())
        .await
        .map_err(HubError::from)?;
        self.sync().await?;
        Ok(receipt)
    }

    async fn earlier(
        &self,
        client: &IntakeClient,
        external_id: &str,
    ) -> HubResult<Option<Receipt>> {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT receipt FROM intake_submissions WHERE client_id = $1 AND external_id = $2",
        )
        .bind(&client.id)
        .bind(external_id)
        .fetch_optional(self.store.pool())
        .await?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// With no store named: the branch that has stores in the consumer's city (or is in it),
    /// as (the unit to record, the branch).
    async fn route(&self, s: &Submission) -> CoreResult<Option<(String, Routed)>> {
        if s.store_id.as_deref().is_some_and(|v| !v.trim().is_empty()) {
            return Ok(None);
        }
        let Some(city) = s.city.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let city = city.trim_end_matches('市');
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT b.id, b.code, b.name FROM org_units b \
             WHERE b.kind = 'branch' AND (b.city = ?1 OR EXISTS ( \
               SELECT 1 FROM org_units s WHERE s.parent_id = b.id AND s.kind = 'store' \
               AND s.city = ?1)) \
             ORDER BY (b.city = ?1) DESC, b.code LIMIT 1",
        )
        .bind(city)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(|(id, code, name)| (id, Routed { code, name })))
    }

    /// Reassigns a case just recorded to the site running `branch_code`, if there is one.
    async fn hand_to_branch(&self, actor: &Actor, case_id: &str, branch_code: &str) {
        let to = match self.store.site_for_branch(branch_code).await {
            Ok(Some((site_id, code, name))) => SiteRef { site_id, code, name },
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, branch = branch_code, "intake: no site for the branch");
                return;
            }
        };
        if let Err(e) = redress_core::ops::ownership::route(&self.db, actor, case_id, to).await {
            tracing::warn!(error = %e, case = case_id, "intake: the case stays with the channel");
        }
    }

    /// The branch over the store a case was recorded for.
    async fn branch_of_case(&self, case_id: &str) -> CoreResult<Option<Routed>> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT b.code, b.name FROM cases c JOIN org_units s ON s.id = c.store_id \
             JOIN org_units b ON b.id = CASE WHEN s.kind = 'branch' THEN s.id ELSE s.parent_id END \
             WHERE c.id = ? AND b.kind = 'branch'",
        )
        .bind(case_id)
        .fetch_optional(self.db.pool())
        .await?;
        Ok(row.map(|(code, name)| Routed { code, name }))
    }
}

fn core_error(lang: Lang) -> impl Fn(CoreError) -> IntakeError {
    move |e| IntakeError::Rejected(e.to_api(lang))
}

/// The OpenAPI 3.1 description of the channel, served at `/v1/openapi.json`.
pub fn openapi() -> Value {
    let text = |description: &str| json!({"type": "string", "description": description});
    let optional_text =
        |description: &str| json!({"type": ["string", "null"], "description": description});
    let codes = |values: &[&str]| json!({"type": "string", "enum": values});
    let demand: Vec<&str> = Demand::ALL.iter().map(|d| d.code()).collect();
    let severity: Vec<&str> = Severity::ALL.iter().map(|d| d.code()).collect();
    let error = json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": text("A stable code, e.g. validation.failed, hub.unauthorized"),
                "message": text("For people, in the language asked for (Accept-Language: zh-CN or en)"),
                "fields": {"type": "array", "items": {
                    "type": "object",
                    "required": ["field", "code", "message"],
                    "properties": {
                        "field": text("The request field, e.g. consumer.mobile"),
                        "code": text("e.g. field.required, field.invalid, field.unknown_value"),
                        "message": text("For people")
                    }
                }}
            }
        }}
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Redress online intake",
            "version": "1",
            "description": "Complaints from the company's website, WeChat account and app back ends (policy §三(一)2). Each becomes a case with the same checks as the desktop intake, routed to the branch of its store or of the consumer's city, and reaches that branch at its next sync."
        },
        "components": {
            "securitySchemes": {"client": {"type": "http", "scheme": "bearer",
                "description": "The token `redress-hub intake add NAME --channel website|wechat|app` printed"}},
            "schemas": {
                "Submission": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["external_id", "consumer", "product_name", "quantity", "content", "demand", "category"],
                    "properties": {
                        "external_id": {"type": "string", "minLength": 1, "maxLength": 64,
                            "description": "The submitter's own id: submitting it again returns the same case"},
                        "consumer": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["name"],
                            "description": "At least one of mobile, landline, email",
                            "properties": {
                                "name": text("2–30 characters"),
                                "mobile": optional_text("11 digits, e.g. 13812345678"),
                                "landline": optional_text("e.g. 021-12345678"),
                                "email": optional_text("e.g. wang@example.com"),
                                "address": optional_text("Postal address")
                            }
                        },
                        "store_id": optional_text("The store involved, by code (ST-SH-XH) or id"),
                        "city": optional_text("The consumer's city (杭州): routes the case when no store is named"),
                        "product_name": text("The product or service"),
                        "product_model": optional_text("Its model"),
                        "quantity": {"type": "integer", "minimum": 1},
                        "amount_paid": optional_text("Yuan with at most two decimals, e.g. 2399.00"),
                        "order_no": optional_text("The order number"),
                        "purchased_at": optional_text("YYYY-MM-DD, not in the future"),
                        "content": text("What happened, in the consumer's words"),
                        "demand": codes(&demand),
                        "demand_amount": optional_text("For a refund or compensation: the amount asked, in yuan"),
                        "category": text("A code of the category list, e.g. product_quality"),
                        "severity": {"type": ["string", "null"], "enum": severity.iter().map(|s| Value::from(*s)).chain([Value::Null]).collect::<Vec<_>>()}
                    }
                },
                "Receipt": {
                    "type": "object",
                    "required": ["case_id", "case_no", "status", "due_at", "repeated"],
                    "properties": {
                        "case_id": text("The case's id"),
                        "case_no": text("The case number the consumer is told, e.g. 2026-WEB-000123"),
                        "status": text("The case's status code"),
                        "ack_due_at": optional_text("When it must be acknowledged by (RFC 3339)"),
                        "due_at": text("When it must be handled by (RFC 3339)"),
                        "routed_to": {"type": ["object", "null"], "properties": {"code": text("Branch code"), "name": text("Branch name")}},
                        "repeated": {"type": "boolean", "description": "A repeated submission of the same external_id"}
                    }
                },
                "Error": error
            }
        },
        "paths": {
            "/v1/intake": {"post": {
                "summary": "Submit a complaint",
                "security": [{"client": []}],
                "parameters": [{"name": "Accept-Language", "in": "header", "required": false,
                    "schema": {"type": "string", "default": "zh-CN"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
                "responses": {
                    "201": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
                    "200": {"description": "Recorded before under the same external_id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
                    "401": {"description": "No or unknown client token", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "422": {"description": "Refused: every problem, by field", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "503": {"description": "The hub has no intake site configured, or its database is unavailable", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }},
            "/v1/openapi.json": {"get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3.1"}}}}
        }
    })
}
