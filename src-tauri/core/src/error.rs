//! Errors of the core and their form at every boundary: `{code, message, fields}`.
//!
//! Codes are stable identifiers that the UI, scripts and tests match on; messages are for
//! people and come in the user's language. Field errors name the request field they belong to
//! so a form can show them in place.

use serde::Serialize;
use ts_rs::TS;

use crate::i18n::Lang;

/// A problem with one field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub rule: FieldRule,
}

/// The rule a field broke. Each has a stable code and a message in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRule {
    Required,
    OutOfRange {
        min: i64,
        max: i64,
    },
    TooLong {
        max: usize,
    },
    Invalid {
        detail: String,
    },
    UnknownValue {
        value: String,
    },
    /// Already used by another record (a username, a code).
    Taken,
}

/// Refuses a request if its checks found problems, naming every field at once.
pub fn ensure_valid(problems: Vec<FieldProblem>) -> CoreResult<()> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CoreError::Validation(problems))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("request is not valid JSON for {operation}: {detail}")]
    MalformedRequest { operation: String, detail: String, field: Option<String> },
    #[error("unknown operation {0}")]
    UnknownOperation(String),
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldProblem>),
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("database schema {found} is newer than this program's {supported}")]
    NewerSchema { found: i64, supported: i64 },
    #[error("migration failed, database left as it was before: {0}")]
    MigrationFailed(String),
    #[error("database is busy or locked: {0}")]
    Busy(String),
    #[error("cannot open database at {path}: {detail}")]
    CannotOpen { path: String, detail: String },
    #[error("event log is broken at site {site} sequence {seq}: {detail}")]
    BrokenChain { site: String, seq: i64, detail: String },
    /// An incoming event, intact, whose content this program cannot read.
    #[error("event {kind} of site {site} sequence {seq} cannot be read")]
    UnreadableEvent { site: String, seq: i64, kind: String },
    /// An event that reads, but not as a whole one (a case's event without its case): set
    /// aside by the fold at every site alike.
    #[error("event {event_id} is malformed: {detail}")]
    MalformedEvent { event_id: String, detail: String },
    #[error("personal data of consumer {0} has been erased")]
    PersonalDataErased(String),
    #[error("stored evidence {0} no longer matches its hash")]
    EvidenceChanged(String),
    #[error("not permitted ({permission:?})")]
    Forbidden { permission: Option<crate::auth::Permission> },
    #[error("user name or password is wrong")]
    InvalidCredentials,
    #[error("account locked until {until}")]
    AccountLocked { until: String },
    #[error("sign-in required")]
    SignInRequired,
    #[error("session locked after being idle")]
    SessionLocked,
    #[error("the password must be changed first")]
    PasswordChangeRequired,
    #[error("the last active administrator cannot lose that role")]
    LastAdministrator,
    #[error("the first administrator exists already")]
    AlreadySetUp,
    #[error("not possible in the case's present state ({detail})")]
    InvalidState { detail: &'static str },
    /// A document the case has nothing for yet: `no_delay`, `no_result`, `no_agreement`,
    /// `issued` (an issued bulletin cannot change), `fonts`.
    #[error("document not available ({reason})")]
    DocumentUnavailable { reason: &'static str },
    /// An emergency plan or incident step not possible now: `incident_closed`, `plan_active`,
    /// `no_plan_in_force`, `plan_approved`, `step_started`, `step_done`, `report_made`,
    /// `report_not_made`, `review_required`, `reports_outstanding`, `no_watch`.
    #[error("not possible in the incident's or plan's present state ({reason})")]
    EmergencyState { reason: &'static str },
    /// Supervision (inspections, rewards and penalties) or personal data (legal hold,
    /// anonymisation) refuses a step in its present state; the reason says why.
    #[error("supervision: {reason}")]
    SupervisionState { reason: &'static str },
    /// The case belongs to another site: only its owner changes its state (docs/SYNC.md).
    /// `owner` names that site for people (its code and name).
    #[error("the case is owned by site {owner}")]
    NotOwner { owner: String },
    /// A hand-over step not possible now: `pending` (one is asked for already), `no_request`
    /// (none to grant or decline), `same_site`, `unknown_site`, `not_hq` (only headquarters
    /// grants and reassigns), `reviewed` (a held event reviewed already), `not_visible` (the
    /// case is neither this site's nor handed to it: the hub would refuse the write).
    #[error("hand-over: {reason}")]
    Handover { reason: &'static str },
    /// This site has numbered cases with its code: the code cannot change any more.
    #[error("the site code {code} is in case numbers already")]
    SiteCodeFixed { code: String },
    /// The hub registered this site's credential under another code than the one this site
    /// numbers its cases with (`local`); `hub` names the hub's site (code and name).
    #[error("this site is {local}, the credential is the hub's {hub}")]
    SiteMismatch { local: String, hub: String },
    /// The hub could not be reached (no network, TLS, timeout).
    #[error("hub unreachable: {0}")]
    HubUnreachable(String),
    /// The hub answered with a refusal: its HTTP status and stable code (`hub.unauthorized`,
    /// `hub.diverged`, …).
    #[error("hub refused ({code}): {message}")]
    HubRefused { status: u16, code: String, message: String },
    /// A bundle file refused or not written: `invalid` (not a bundle, or damaged),
    /// `signature` (its signature or body does not verify), `untrusted` (signed with another
    /// key than its site's), `no_key` (this site has no signing key), `empty` (nothing to
    /// export).
    #[error("bundle: {reason}")]
    Bundle { reason: &'static str },
    /// A backup that did not pass its checks (nothing was replaced): what failed, each with a
    /// stable kind (`checksum`, `manifest`, `newer_schema`, `integrity`, `chain`,
    /// `evidence_missing`, `evidence_changed`) and the detail.
    #[error("backup did not verify: {problems:?}")]
    BackupInvalid { problems: Vec<(&'static str, String)> },
    /// The folder is not a backup (no manifest) or holds none.
    #[error("not a backup: {path}")]
    NotABackup { path: String },
    /// The data folder cannot be written (a read-only file system, a write-protected disk, no
    /// permission). Writes that meet it at run time stay `Database`/`Io` and are classified
    /// by `storage_condition`.
    #[error("the data folder {path} cannot be written")]
    ReadOnlyStorage { path: String },
    /// The database was restored from a backup and has not synced with its hub since: the hub
    /// may hold events this site recorded after the backup, and a new one would take the place
    /// of one of them in the site's chain. Recording waits for the first sync.
    #[error("restored from a backup: sync with the hub before recording")]
    RestoredUnsynced,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    pub fn field(field: impl Into<String>, rule: FieldRule) -> Self {
        CoreError::Validation(vec![FieldProblem { field: field.into(), rule }])
    }

    /// The stable machine code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::MalformedRequest { .. } => "request.malformed",
            CoreError::UnknownOperation(_) => "request.unknown_operation",
            CoreError::Validation(_) => "validation.failed",
            CoreError::NotFound { .. } => "entity.not_found",
            CoreError::NewerSchema { .. } => "storage.newer_schema",
            CoreError::MigrationFailed(_) => "storage.migration_failed",
            CoreError::Busy(_) => "storage.busy",
            CoreError::CannotOpen { .. } => "storage.cannot_open",
            CoreError::BrokenChain { .. } => "audit.broken_chain",
            CoreError::UnreadableEvent { .. } => "sync.unreadable_event",
            CoreError::MalformedEvent { .. } => "sync.malformed_event",
            CoreError::PersonalDataErased(_) => "privacy.erased",
            CoreError::EvidenceChanged(_) => "evidence.changed",
            CoreError::Forbidden { .. } => "auth.forbidden",
            CoreError::InvalidCredentials => "auth.invalid_credentials",
            CoreError::AccountLocked { .. } => "auth.locked_out",
            CoreError::SignInRequired => "auth.required",
            CoreError::SessionLocked => "auth.session_locked",
            CoreError::PasswordChangeRequired => "auth.password_change_required",
            CoreError::LastAdministrator => "auth.last_administrator",
            CoreError::AlreadySetUp => "auth.already_set_up",
            CoreError::InvalidState { .. } => "case.invalid_state",
            CoreError::DocumentUnavailable { .. } => "document.unavailable",
            CoreError::EmergencyState { .. } => "emergency.invalid_state",
            CoreError::SupervisionState { .. } => "supervision.invalid_state",
            CoreError::NotOwner { .. } => "case.not_owner",
            CoreError::Handover { .. } => "case.handover",
            CoreError::SiteCodeFixed { .. } => "site.code_fixed",
            CoreError::SiteMismatch { .. } => "sync.site_mismatch",
            CoreError::HubUnreachable(_) => "sync.unreachable",
            CoreError::HubRefused { .. } => "sync.refused",
            CoreError::Bundle { reason } => match *reason {
                "invalid" => "bundle.invalid",
                "signature" => "bundle.signature",
                "untrusted" => "bundle.untrusted",
                "no_key" => "bundle.no_key",
                _ => "bundle.empty",
            },
            CoreError::BackupInvalid { .. } => "backup.invalid",
            CoreError::NotABackup { .. } => "backup.not_a_backup",
            CoreError::ReadOnlyStorage { .. } => "storage.read_only",
            CoreError::RestoredUnsynced => "sync.restored_unsynced",
            CoreError::Database(e) if is_busy(e) => "storage.busy",
            CoreError::Database(_) | CoreError::Io(_) => match self.storage_condition() {
                Some(Condition::Full) => "storage.full",
                Some(Condition::ReadOnly) => "storage.read_only",
                None if matches!(self, CoreError::Io(_)) => "storage.io",
                None => "storage.database",
            },
            CoreError::Internal(_) => "internal",
        }
    }

    /// A full disk or a folder that cannot be written, wherever the write met it: SQLite's
    /// result codes (extended ones included) or the operating system's.
    pub(crate) fn storage_condition(&self) -> Option<Condition> {
        let io = match self {
            CoreError::Database(e @ sqlx::Error::Database(_)) => {
                let code = sqlite_code(e)?;
                return match code & 0xff {
                    // SQLITE_FULL, and SQLITE_IOERR_SHMSIZE: the shared-memory file beside a
                    // database in WAL mode could not grow, which on opening is a full disk.
                    13 => Some(Condition::Full),
                    10 if code == 4874 => Some(Condition::Full),
                    8 => Some(Condition::ReadOnly),
                    _ => None,
                };
            }
            CoreError::Database(sqlx::Error::Io(e)) | CoreError::Io(e) => e,
            _ => return None,
        };
        use std::io::ErrorKind as K;
        match io.kind() {
            K::StorageFull | K::QuotaExceeded | K::FileTooLarge => Some(Condition::Full),
            K::ReadOnlyFilesystem | K::PermissionDenied => Some(Condition::ReadOnly),
            _ => None,
        }
    }

    fn message(&self, lang: Lang) -> String {
        use CoreError::*;
        if let Some(condition) = self.storage_condition() {
            return condition.message(lang);
        }
        match (self, lang) {
            (MalformedRequest { operation, detail, .. }, Lang::Zh) => {
                format!("“{operation}”的请求格式不正确：{detail}")
            }
            (MalformedRequest { operation, detail, .. }, Lang::En) => {
                format!("The request for “{operation}” is malformed: {detail}")
            }
            (UnknownOperation(op), Lang::Zh) => format!("没有名为“{op}”的操作"),
            (UnknownOperation(op), Lang::En) => format!("There is no operation named “{op}”"),
            (Validation(problems), Lang::Zh) => {
                format!("有 {} 项填写不正确，请按提示修改", problems.len())
            }
            (Validation(problems), Lang::En) => {
                format!("{} field(s) need correcting", problems.len())
            }
            (NotFound { entity, id }, Lang::Zh) => {
                format!("未找到{}（{id}）", crate::i18n::entity_name(entity, lang))
            }
            (NotFound { entity, id }, Lang::En) => {
                format!("{} {id} was not found", crate::i18n::entity_name(entity, lang))
            }
            (NewerSchema { found, supported }, Lang::Zh) => format!(
                "该数据库由更新版本的 Redress 创建（结构版本 {found}，本程序支持到 {supported}），\
                 为保护数据未做任何改动。请升级 Redress 后再打开。"
            ),
            (NewerSchema { found, supported }, Lang::En) => format!(
                "This database was written by a newer Redress (schema {found}; this program \
                 supports up to {supported}). It was left untouched: upgrade Redress to open it."
            ),
            (MigrationFailed(d), Lang::Zh) => {
                format!("数据库升级失败，数据库已保持升级前的状态，数据未受影响：{d}")
            }
            (MigrationFailed(d), Lang::En) => {
                format!("Upgrading the database failed; it was left as it was before: {d}")
            }
            (Busy(_), Lang::Zh) => "数据库正忙，请稍后重试".into(),
            (Busy(_), Lang::En) => "The database is busy; try again in a moment".into(),
            (CannotOpen { path, detail }, Lang::Zh) => format!("无法打开数据库 {path}：{detail}"),
            (CannotOpen { path, detail }, Lang::En) => {
                format!("Cannot open the database at {path}: {detail}")
            }
            (BrokenChain { site, seq, .. }, Lang::Zh) => {
                format!("审计链在站点 {site} 第 {seq} 条事件处断裂，数据可能被篡改")
            }
            (BrokenChain { site, seq, .. }, Lang::En) => format!(
                "The audit chain breaks at site {site}, event {seq}: the data may have been altered"
            ),
            (UnreadableEvent { site, seq, kind }, Lang::Zh) => format!(
                "站点 {site} 的第 {seq} 条事件（{kind}）无法读取：可能来自更新版本的 Redress，\
                 或已损坏。本批内容均未导入；请升级本程序后再同步或导入"
            ),
            (UnreadableEvent { site, seq, kind }, Lang::En) => format!(
                "Event {seq} of site {site} ({kind}) cannot be read: it may come from a newer \
                 Redress, or be damaged. Nothing of this batch was taken; upgrade, then sync or \
                 import again"
            ),
            (MalformedEvent { event_id, detail }, Lang::Zh) => {
                format!("事件 {event_id} 内容不完整（{detail}），已搁置待人工核查")
            }
            (MalformedEvent { event_id, detail }, Lang::En) => {
                format!("Event {event_id} is not whole ({detail}); set aside for a person to check")
            }
            (EvidenceChanged(h), Lang::Zh) => format!("证据文件已被改动或损坏（SHA-256 {h}）"),
            (EvidenceChanged(h), Lang::En) => {
                format!("A stored evidence file was changed or damaged (SHA-256 {h})")
            }
            (PersonalDataErased(_), Lang::Zh) => "该消费者的个人信息已依法删除".into(),
            (PersonalDataErased(_), Lang::En) => {
                "This consumer's personal data has been erased".into()
            }
            (Forbidden { .. }, Lang::Zh) => "您没有执行此操作的权限".into(),
            (Forbidden { .. }, Lang::En) => "You are not permitted to do this".into(),
            (InvalidCredentials, Lang::Zh) => "用户名或密码不正确".into(),
            (InvalidCredentials, Lang::En) => "The user name or password is wrong".into(),
            (AccountLocked { until }, Lang::Zh) => {
                format!("密码错误次数过多，账户已锁定至 {}", crate::time::display(until))
            }
            (AccountLocked { until }, Lang::En) => format!(
                "Too many wrong passwords: the account is locked until {}",
                crate::time::display(until)
            ),
            (SignInRequired, Lang::Zh) => "请先登录".into(),
            (SignInRequired, Lang::En) => "Please sign in".into(),
            (SessionLocked, Lang::Zh) => "长时间未操作，已锁定，请输入密码解锁".into(),
            (SessionLocked, Lang::En) => "Locked after being idle: enter your password".into(),
            (PasswordChangeRequired, Lang::Zh) => "请先修改初始密码".into(),
            (PasswordChangeRequired, Lang::En) => "Change your initial password first".into(),
            (LastAdministrator, Lang::Zh) => "至少需要保留一名启用的系统管理员".into(),
            (LastAdministrator, Lang::En) => "At least one active administrator must remain".into(),
            (DocumentUnavailable { reason }, Lang::Zh) => match *reason {
                "no_delay" => "该案件没有延期记录，无需出具处理进度告知书".into(),
                "no_result" => "该案件尚无处理结果，暂不能出具处理结果告知书".into(),
                "no_agreement" => "该案件还没有双方接受的解决方案，暂不能出具和解协议书".into(),
                "issued" => "通报已签发，内容不能再修改".into(),
                "no_cases" => "请至少选择一个案件".into(),
                _ => "暂不能生成该文书".into(),
            },
            (DocumentUnavailable { reason }, Lang::En) => match *reason {
                "no_delay" => {
                    "This case has no delay, so there is no progress notice to give".into()
                }
                "no_result" => "This case has no result yet for a result notice".into(),
                "no_agreement" => {
                    "This case has no plan the consumer accepted, so no settlement yet".into()
                }
                "issued" => "The bulletin has been issued and can no longer change".into(),
                "no_cases" => "Choose at least one case".into(),
                _ => "This document cannot be produced now".into(),
            },
            (HubUnreachable(detail), Lang::Zh) => format!("无法连接总部服务器：{detail}"),
            (HubUnreachable(detail), Lang::En) => format!("The hub cannot be reached: {detail}"),
            (HubRefused { code, message, .. }, Lang::Zh) => {
                format!("总部服务器拒绝了同步请求（{code}）：{message}")
            }
            (HubRefused { code, message, .. }, Lang::En) => {
                format!("The hub refused the sync ({code}): {message}")
            }
            (Bundle { reason }, Lang::Zh) => match *reason {
                "invalid" => "这不是同步包文件，或文件已损坏".into(),
                "signature" => "同步包签名校验失败：文件在导出后被改动或损坏".into(),
                "untrusted" => "同步包的签名密钥与该站点已知的密钥不符，已拒绝导入".into(),
                "no_key" => "本站点尚未设置签名密钥：请在 设置 → 总部同步 中填入总部签发的签名密钥"
                    .into(),
                _ => "没有需要导出的事件".into(),
            },
            (Bundle { reason }, Lang::En) => match *reason {
                "invalid" => "This is not a sync bundle, or the file is damaged".into(),
                "signature" => {
                    "The bundle's signature does not verify: the file was changed or damaged after export"
                        .into()
                }
                "untrusted" => {
                    "The bundle is signed with another key than its site's known key; refused".into()
                }
                "no_key" => {
                    "This site has no signing key: enter the key headquarters issued in Settings → Hub sync"
                        .into()
                }
                _ => "There are no events to export".into(),
            },
            (SupervisionState { reason }, Lang::Zh) => match *reason {
                "inspection_closed" => "该次检查已结束，不能再修改".into(),
                "rectifications_open" => "还有整改事项未完成，不能结束检查".into(),
                "samples_pending" => "还有抽查案件未给出结论，不能结束检查".into(),
                "rectification_done" => "该整改事项已经完成".into(),
                "sanction_decided" => "该奖惩已经审批".into(),
                "own_sanction" => "不能审批本人提出的奖惩".into(),
                "legal_hold" => "该消费者有案件处于法律保全（诉讼或监管调查），不能匿名化".into(),
                "case_open" => "该消费者还有未结案件，不能匿名化".into(),
                "already_anonymised" => "该消费者的个人信息已经匿名化".into(),
                "empty_population" => "所选范围内没有可抽查的案件".into(),
                "version_approved" => "该版本已批准，不能再修改；请起草新版本".into(),
                "survey_imported" => "这个文件已经导入过（内容相同）".into(),
                "survey_withdrawn" => "这批调查结果已经撤回".into(),
                _ => "当前状态下不能这样操作".into(),
            },
            (SupervisionState { reason }, Lang::En) => match *reason {
                "inspection_closed" => "The inspection is closed and can no longer change".into(),
                "rectifications_open" => {
                    "Some rectification items are not done yet: the inspection stays open".into()
                }
                "samples_pending" => {
                    "Some sampled cases have no verdict yet: the inspection stays open".into()
                }
                "rectification_done" => "That rectification item is already done".into(),
                "sanction_decided" => "That reward or penalty has already been decided".into(),
                "own_sanction" => "You cannot decide a reward or penalty you proposed".into(),
                "legal_hold" => {
                    "A case of this consumer is under legal hold (litigation or an inquiry): \
                     their data cannot be anonymised"
                        .into()
                }
                "case_open" => "This consumer still has open cases: finish them first".into(),
                "already_anonymised" => {
                    "This consumer's personal data is already anonymised".into()
                }
                "empty_population" => "No case in the chosen scope to sample".into(),
                "version_approved" => {
                    "That version is approved and cannot change: draft a new version".into()
                }
                "survey_imported" => "This file (the same content) is already imported".into(),
                "survey_withdrawn" => "These survey results have already been withdrawn".into(),
                _ => "Not possible in the present state".into(),
            },
            (EmergencyState { reason }, Lang::Zh) => match *reason {
                "incident_closed" => "该突发事件已结案，不能再修改".into(),
                "plan_active" => "该事件已启动应急预案".into(),
                "no_plan_in_force" => "该预案没有已批准并生效的版本，请先批准".into(),
                "plan_approved" => "该版本已批准，不能再修改；请起草新版本".into(),
                "step_started" => "该步骤已经开始".into(),
                "step_done" => "该步骤已经完成".into(),
                "report_made" => "该报告已经报送".into(),
                "report_not_made" => "该报告尚未报送，不能登记回复".into(),
                "review_required" => "结案前须完成总结评估（原因、问题、经验教训）".into(),
                "reports_outstanding" => "还有应报告的部门尚未报告，不能结案".into(),
                "no_watch" => "该事件未设定监测的商品、门店或类别".into(),
                _ => "当前状态下不能这样操作".into(),
            },
            (EmergencyState { reason }, Lang::En) => match *reason {
                "incident_closed" => "The incident is closed and can no longer change".into(),
                "plan_active" => "A plan is already active for this incident".into(),
                "no_plan_in_force" => {
                    "The plan has no approved version in force: approve one first".into()
                }
                "plan_approved" => {
                    "That version is approved and cannot change: draft a new version".into()
                }
                "step_started" => "That step has already started".into(),
                "step_done" => "That step is already done".into(),
                "report_made" => "That report has already been made".into(),
                "report_not_made" => "That report has not been made yet, so it has no reply".into(),
                "review_required" => {
                    "Write the after-action review (causes, problems, lessons) before closing"
                        .into()
                }
                "reports_outstanding" => {
                    "Some required reports to the authorities have not been made".into()
                }
                "no_watch" => "The incident watches no product, store or category".into(),
                _ => "Not possible in the present state".into(),
            },
            (InvalidState { .. }, Lang::Zh) => "案件当前状态下不能这样操作".into(),
            (InvalidState { .. }, Lang::En) => {
                "Not possible while the case stands where it does".into()
            }
            (NotOwner { owner }, Lang::Zh) => {
                format!("此案件由{owner}负责，只有归属站点能更改其处理状态；如需接手，请申请移交")
            }
            (NotOwner { owner }, Lang::En) => format!(
                "This case is owned by {owner}: only the owning site changes its state. Ask for a hand-over to take it on"
            ),
            (Handover { reason }, Lang::Zh) => match *reason {
                "pending" => "已有一项移交申请待总部批准".into(),
                "no_request" => "此案件没有待批准的移交申请".into(),
                "same_site" => "案件已归属该站点".into(),
                "unknown_site" => "总部没有这个站点，或它还未同步过；请先同步后再选择".into(),
                "not_hq" => "只有总部能批准移交或改派案件".into(),
                "reviewed" => "这条待审核记录已处理过".into(),
                "not_visible" => {
                    "此案件不在本站点的范围内（既不是本站点受理的，也未移交给本站点），不能在此记录".into()
                }
                _ => "移交当前不能这样操作".into(),
            },
            (Handover { reason }, Lang::En) => match *reason {
                "pending" => "A hand-over is already waiting for headquarters' grant".into(),
                "no_request" => "No hand-over of this case is waiting to be granted".into(),
                "same_site" => "The case is already owned by that site".into(),
                "unknown_site" => {
                    "The hub lists no such site, or it has never synced: sync, then choose again"
                        .into()
                }
                "not_hq" => "Only headquarters grants hand-overs and reassigns cases".into(),
                "reviewed" => "That held entry has been reviewed already".into(),
                "not_visible" => "This case is not this site's (neither recorded here nor handed over here): nothing can be recorded on it here".into(),
                _ => "Not possible for the hand-over now".into(),
            },
            (SiteCodeFixed { code }, Lang::Zh) => {
                format!("本站点已用代码{code}编号案件，站点代码不能再更改")
            }
            (SiteCodeFixed { code }, Lang::En) => format!(
                "This site has numbered cases with the code {code}: the code cannot change any more"
            ),
            (SiteMismatch { local, hub }, Lang::Zh) => format!(
                "本站点的案件编号使用代码{local}，而此凭据在总部同步中心登记为{hub}。请核对凭据是否发给本站点，或请总部按{local}登记本站点"
            ),
            (SiteMismatch { local, hub }, Lang::En) => format!(
                "This site numbers its cases with the code {local}, but the hub registered this credential as {hub}. Check that the credential was issued to this site, or have headquarters register this site as {local}"
            ),
            (AlreadySetUp, Lang::Zh) => "系统管理员已创建，请直接登录".into(),
            (AlreadySetUp, Lang::En) => "The administrator exists already: sign in".into(),
            (BackupInvalid { problems }, _) => {
                let listed: Vec<String> = problems
                    .iter()
                    .map(|(kind, detail)| format!("{}{detail}", backup_problem(kind, lang)))
                    .collect();
                match lang {
                    Lang::Zh => format!("备份未通过校验，未作任何更改：{}", listed.join("；")),
                    Lang::En => {
                        format!("The backup did not verify; nothing was changed: {}", listed.join("; "))
                    }
                }
            }
            (NotABackup { path }, Lang::Zh) => {
                format!("{path} 不是 Redress 备份（找不到 manifest.json）")
            }
            (NotABackup { path }, Lang::En) => {
                format!("{path} is not a Redress backup (no manifest.json)")
            }
            (ReadOnlyStorage { path }, Lang::Zh) => format!(
                "数据文件夹 {path} 无法写入（只读、写保护或没有写入权限），程序未作任何更改。\
                 请检查文件夹权限、磁盘写保护或网络盘连接"
            ),
            (ReadOnlyStorage { path }, Lang::En) => format!(
                "The data folder {path} cannot be written (read-only, write-protected or no \
                 permission); nothing was changed. Check the folder's permissions, the disk's \
                 write protection or the network drive"
            ),
            (RestoredUnsynced, Lang::Zh) => "此电脑的数据刚从备份恢复，总部可能存有本站点在备份之后记下的内容。\
                 须先与总部同步一次把它们取回，才能再记录（同步栏的“立即同步”；能连上总部时程序也会自动同步）"
                .into(),
            (RestoredUnsynced, Lang::En) => "This computer's data was just restored from a backup, and \
                 the hub may hold what this site recorded after that backup. Sync with the hub once \
                 to take it back before recording anything (Sync now in the sync bar; the app also \
                 syncs on its own when the hub can be reached)"
                .into(),
            (Database(e), _) if is_busy(e) => CoreError::Busy(String::new()).message(lang),
            (Database(e), Lang::Zh) => format!("数据库操作失败：{e}"),
            (Database(e), Lang::En) => format!("A database operation failed: {e}"),
            (Io(e), Lang::Zh) => format!("文件读写失败：{e}"),
            (Io(e), Lang::En) => format!("A file operation failed: {e}"),
            (Internal(d), Lang::Zh) => format!("程序内部错误：{d}"),
            (Internal(d), Lang::En) => format!("Internal error: {d}"),
        }
    }

    /// The error as the boundary shows it, in the given language.
    pub fn to_api(&self, lang: Lang) -> ApiError {
        let fields = match self {
            CoreError::Validation(problems) => problems.iter().map(|p| p.to_api(lang)).collect(),
            CoreError::MalformedRequest { field: Some(field), detail, .. } => vec![FieldError {
                field: field.clone(),
                code: "field.invalid".into(),
                message: FieldRule::Invalid { detail: detail.clone() }.message(lang),
            }],
            _ => Vec::new(),
        };
        ApiError { code: self.code().into(), message: self.message(lang), fields }
    }
}

/// What a kind of backup problem is called, before its detail.
fn backup_problem(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("checksum", Lang::Zh) => "校验和不符：",
        ("checksum", Lang::En) => "checksum mismatch: ",
        ("manifest", Lang::Zh) => "清单无法读取：",
        ("manifest", Lang::En) => "manifest unreadable: ",
        ("newer_schema", Lang::Zh) => "备份来自更新版本：",
        ("newer_schema", Lang::En) => "made by a newer version: ",
        ("integrity", Lang::Zh) => "数据库完整性检查未通过：",
        ("integrity", Lang::En) => "database integrity check failed: ",
        ("chain", Lang::Zh) => "审计链断裂：",
        ("chain", Lang::En) => "audit chain broken: ",
        ("evidence_missing", Lang::Zh) => "证据文件缺失：",
        ("evidence_missing", Lang::En) => "evidence file missing: ",
        ("evidence_changed", Lang::Zh) => "证据文件已被改动：",
        ("evidence_changed", Lang::En) => "evidence file changed: ",
        (_, Lang::Zh) => "问题：",
        (_, Lang::En) => "problem: ",
    }
}

/// A full disk, or a folder that cannot be written: one message each, whatever the write was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Condition {
    Full,
    ReadOnly,
}

impl Condition {
    fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (Condition::Full, Lang::Zh) => {
                "磁盘空间已满，本次操作未保存，已填写的内容仍保留。请清理磁盘空间后再试".into()
            }
            (Condition::Full, Lang::En) => "The disk is full: nothing of this was saved, and \
                 what you entered is kept. Free some space, then try again"
                .into(),
            (Condition::ReadOnly, Lang::Zh) => {
                "数据文件夹无法写入（只读、写保护或没有写入权限），本次操作未保存，已填写的内容仍保留"
                    .into()
            }
            (Condition::ReadOnly, Lang::En) => "The data folder cannot be written (read-only, \
                 write-protected or no permission): nothing of this was saved, and what you \
                 entered is kept"
                .into(),
        }
    }
}

/// SQLite's result code of a database error, extended (sqlx reports the extended code; its
/// low byte is the primary one).
fn sqlite_code(e: &sqlx::Error) -> Option<i32> {
    match e {
        sqlx::Error::Database(d) => d.code()?.parse().ok(),
        _ => None,
    }
}

/// SQLITE_BUSY or SQLITE_LOCKED, extended codes included (517 is SQLITE_BUSY_SNAPSHOT, 261
/// SQLITE_BUSY_RECOVERY).
fn is_busy(e: &sqlx::Error) -> bool {
    matches!(sqlite_code(e).map(|c| c & 0xff), Some(5 | 6))
        || matches!(e, sqlx::Error::PoolTimedOut)
}

impl FieldRule {
    pub fn code(&self) -> &'static str {
        match self {
            FieldRule::Required => "field.required",
            FieldRule::OutOfRange { .. } => "field.out_of_range",
            FieldRule::TooLong { .. } => "field.too_long",
            FieldRule::Invalid { .. } => "field.invalid",
            FieldRule::UnknownValue { .. } => "field.unknown_value",
            FieldRule::Taken => "field.taken",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FieldRule::Required, Lang::Zh) => "必填".into(),
            (FieldRule::Required, Lang::En) => "Required".into(),
            (FieldRule::OutOfRange { min, max }, Lang::Zh) => format!("应在 {min} 到 {max} 之间"),
            (FieldRule::OutOfRange { min, max }, Lang::En) => {
                format!("Must be between {min} and {max}")
            }
            (FieldRule::TooLong { max }, Lang::Zh) => format!("不能超过 {max} 个字"),
            (FieldRule::TooLong { max }, Lang::En) => format!("At most {max} characters"),
            (FieldRule::Invalid { detail }, Lang::Zh) => format!("格式不正确（{detail}）"),
            (FieldRule::Invalid { detail }, Lang::En) => format!("Not valid ({detail})"),
            (FieldRule::UnknownValue { value }, Lang::Zh) => format!("不可选的值“{value}”"),
            (FieldRule::UnknownValue { value }, Lang::En) => format!("“{value}” is not a choice"),
            (FieldRule::Taken, Lang::Zh) => "已被占用".into(),
            (FieldRule::Taken, Lang::En) => "Already taken".into(),
        }
    }
}

impl FieldProblem {
    fn to_api(&self, lang: Lang) -> FieldError {
        FieldError {
            field: self.field.clone(),
            code: self.rule.code().into(),
            message: self.rule.message(lang),
        }
    }
}

/// An error as every face (Tauri command, CLI, hub) returns it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, TS, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_their_fields_in_both_languages() {
        let err = CoreError::Validation(vec![
            FieldProblem {
                field: "limit".into(),
                rule: FieldRule::OutOfRange { min: 1, max: 500 },
            },
            FieldProblem { field: "consumer.name".into(), rule: FieldRule::Required },
        ]);
        let zh = err.to_api(Lang::Zh);
        assert_eq!(zh.code, "validation.failed");
        assert_eq!(zh.message, "有 2 项填写不正确，请按提示修改");
        assert_eq!(zh.fields[0].field, "limit");
        assert_eq!(zh.fields[0].code, "field.out_of_range");
        assert_eq!(zh.fields[0].message, "应在 1 到 500 之间");
        assert_eq!(zh.fields[1].code, "field.required");
        let en = err.to_api(Lang::En);
        assert_eq!(en.fields[0].message, "Must be between 1 and 500");
        assert_eq!(en.fields[1].message, "Required");
    }

    #[test]
    fn every_variant_has_a_stable_code() {
        let cases: Vec<(CoreError, &str)> = vec![
            (
                CoreError::MalformedRequest {
                    operation: "cases.list".into(),
                    detail: "x".into(),
                    field: Some("limit".into()),
                },
                "request.malformed",
            ),
            (CoreError::UnknownOperation("x".into()), "request.unknown_operation"),
            (CoreError::NotFound { entity: "case", id: "1".into() }, "entity.not_found"),
            (CoreError::NewerSchema { found: 9, supported: 1 }, "storage.newer_schema"),
            (CoreError::MigrationFailed("x".into()), "storage.migration_failed"),
            (CoreError::Busy("x".into()), "storage.busy"),
            (CoreError::CannotOpen { path: "p".into(), detail: "d".into() }, "storage.cannot_open"),
            (
                CoreError::BrokenChain { site: "s".into(), seq: 3, detail: "d".into() },
                "audit.broken_chain",
            ),
            (CoreError::PersonalDataErased("c".into()), "privacy.erased"),
            (
                CoreError::MalformedEvent { event_id: "e".into(), detail: "d".into() },
                "sync.malformed_event",
            ),
            (
                CoreError::UnreadableEvent {
                    site: "s".into(),
                    seq: 3,
                    kind: "case.created".into(),
                },
                "sync.unreadable_event",
            ),
            (CoreError::EvidenceChanged("ab".into()), "evidence.changed"),
            (CoreError::Forbidden { permission: None }, "auth.forbidden"),
            (CoreError::InvalidCredentials, "auth.invalid_credentials"),
            (
                CoreError::AccountLocked { until: "2026-11-28T06:00:00.000Z".into() },
                "auth.locked_out",
            ),
            (CoreError::SignInRequired, "auth.required"),
            (CoreError::SessionLocked, "auth.session_locked"),
            (CoreError::PasswordChangeRequired, "auth.password_change_required"),
            (CoreError::LastAdministrator, "auth.last_administrator"),
            (CoreError::AlreadySetUp, "auth.already_set_up"),
            (CoreError::InvalidState { detail: "clock" }, "case.invalid_state"),
            (CoreError::SupervisionState { reason: "x" }, "supervision.invalid_state"),
            (CoreError::NotOwner { owner: "SH01 上海分公司".into() }, "case.not_owner"),
            (CoreError::Handover { reason: "pending" }, "case.handover"),
            (CoreError::SiteCodeFixed { code: "HQ".into() }, "site.code_fixed"),
            (
                CoreError::SiteMismatch { local: "HQ".into(), hub: "SH01 上海分公司".into() },
                "sync.site_mismatch",
            ),
            (CoreError::Bundle { reason: "invalid" }, "bundle.invalid"),
            (CoreError::Bundle { reason: "signature" }, "bundle.signature"),
            (CoreError::Bundle { reason: "untrusted" }, "bundle.untrusted"),
            (CoreError::Bundle { reason: "no_key" }, "bundle.no_key"),
            (CoreError::Bundle { reason: "empty" }, "bundle.empty"),
            (CoreError::Database(sqlx::Error::RowNotFound), "storage.database"),
            (CoreError::Database(sqlx::Error::PoolTimedOut), "storage.busy"),
            (CoreError::Io(std::io::Error::other("x")), "storage.io"),
            (CoreError::Io(std::io::ErrorKind::StorageFull.into()), "storage.full"),
            (CoreError::Io(std::io::ErrorKind::ReadOnlyFilesystem.into()), "storage.read_only"),
            (CoreError::ReadOnlyStorage { path: "/x".into() }, "storage.read_only"),
            (CoreError::RestoredUnsynced, "sync.restored_unsynced"),
            (
                CoreError::BackupInvalid { problems: vec![("chain", "site s, seq 3".into())] },
                "backup.invalid",
            ),
            (CoreError::NotABackup { path: "/x".into() }, "backup.not_a_backup"),
            (CoreError::Internal("x".into()), "internal"),
        ];
        for (err, code) in cases {
            let zh = err.to_api(Lang::Zh);
            let en = err.to_api(Lang::En);
            assert_eq!(zh.code, code);
            assert_eq!(en.code, code);
            assert!(!zh.message.is_empty() && !en.message.is_empty());
            assert_ne!(zh.message, en.message, "{code} needs both languages");
        }
    }

    #[test]
    fn malformed_request_points_at_its_field() {
        let err = CoreError::MalformedRequest {
            operation: "cases.list".into(),
            detail: "invalid type: string \"x\", expected u32".into(),
            field: Some("limit".into()),
        };
        let api = err.to_api(Lang::En);
        assert_eq!(api.fields.len(), 1);
        assert_eq!(api.fields[0].field, "limit");
        let json = serde_json::to_value(&api).expect("serialises");
        assert_eq!(json["code"], "request.malformed");
        assert!(json["fields"].is_array());
    }
}
