//! `redress-cli`: the headless face of Redress. It runs the same core operations as the app,
//! with the same JSON, for automation, tests and administrators.
//!
//! Without `--as`, it acts as the local system identity: whoever can run it here already holds
//! the database file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use redress_core::auth::Permission;
use redress_core::ops::demo::DemoRequest;
use redress_core::{Actor, CoreError, Db, Lang, OpenOptions};

#[derive(Subcommand)]
enum BundleAction {
    /// Write this site's events to a signed bundle file (as `call bundles.export`).
    Export {
        #[arg(long)]
        out: PathBuf,
        /// waiting: what the hub has not acknowledged; new: what no bundle carried yet; all:
        /// every event this file holds.
        #[arg(long, default_value = "waiting")]
        scope: String,
        /// Set this site's signing key first (64 hex, from `redress-hub site add`).
        #[arg(long, env = "REDRESS_SIGNING_KEY")]
        key: Option<String>,
    },
    /// Take a bundle file in (as `call bundles.import`); twice is harmless.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum RetentionAction {
    /// Anonymise the personal data of consumers whose last case closed longer ago than the
    /// retention period (cases under legal hold exempt); the run is logged.
    Run {
        /// List who would be anonymised; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Parser)]
#[command(name = "redress-cli", version, about = "Redress 消费纠纷管理台 — command line")]
struct Cli {
    /// The database file (default: REDRESS_DB, else redress.db in the app-data folder).
    #[arg(long, global = true, env = "REDRESS_DB")]
    db: Option<PathBuf>,
    /// Language of messages: zh-CN (default) or en.
    #[arg(long, global = true, env = "REDRESS_LANG")]
    lang: Option<String>,
    /// Act as this account (password from REDRESS_PASSWORD, else asked for), under the same
    /// permission checks as the app. Without it: the local system identity.
    #[arg(long = "as", global = true, value_name = "ACCOUNT")]
    as_account: Option<String>,
    /// This site's code when the database is created (letters and digits, as in its case
    /// numbers `2026-SH01-000123`; default HQ). An existing database keeps its own.
    #[arg(long, global = true, env = "REDRESS_SITE_CODE", value_name = "CODE")]
    site_code: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one operation by name with a JSON request, e.g. `call cases.list '{"limit": 5}'`.
    Call { name: String, request: Option<String> },
    /// Cases: `case new --json FILE` records a complaint (as `call cases.create`, from a file).
    Case {
        #[command(subcommand)]
        command: CaseCommand,
    },
    /// Generate realistic demo cases (deterministic for a seed and end date).
    Demo {
        #[arg(long)]
        cases: u32,
        #[arg(long)]
        seed: Option<u64>,
        /// Last day of the two-year history, YYYY-MM-DD (default today).
        #[arg(long)]
        until: Option<String>,
    },
    /// Check the database: `PRAGMA integrity_check`, the hash chain of the event log, and
    /// every stored evidence file re-hashed. Ends in failure if anything is wrong.
    Verify,
    /// Back the database and its evidence store up into a folder (a new backup inside it:
    /// the database copied consistently while in use, a manifest, SHA256SUMS; evidence by
    /// hash, shared with earlier backups there). docs/BACKUP.md.
    Backup {
        #[arg(long)]
        out: PathBuf,
        /// Keep only this site's newest N backups in the folder.
        #[arg(long)]
        keep: Option<u32>,
    },
    /// Restore the database from a backup (its own folder) after checking it: checksums,
    /// integrity, schema version, audit chain, evidence hashes. Close the app first. The
    /// database replaced is kept aside beside it. `--check` checks and changes nothing.
    Restore {
        dir: PathBuf,
        #[arg(long)]
        check: bool,
    },
    /// Evidence: attach files, re-check the store, export a case's evidence with a manifest.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Write a notice to the consumer of a case as PDF.
    Notice {
        /// The case: its id or number.
        #[arg(long = "case")]
        case: String,
        /// acknowledgment (受理回执), progress (处理进度告知书), result (处理结果告知书) or
        /// settlement (和解协议书).
        #[arg(long)]
        kind: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Draft an internal bulletin on typical cases and write it as PDF (a draft, unless
    /// `--issue` numbers and issues it).
    Bulletin {
        /// Case ids or numbers, comma-separated, in the bulletin's order.
        #[arg(long, value_delimiter = ',', required = true)]
        cases: Vec<String>,
        #[arg(long)]
        out: PathBuf,
        /// Issue it: the next number of the year, today's date, the PDF kept.
        #[arg(long)]
        issue: bool,
    },
    /// The statistical analysis report of a month, quarter or year as PDF: a new draft from
    /// the figures as they stand (or `--id` an existing report); `--conclusions` and
    /// `--proposals` fill its text (files), `--issue` numbers and issues it.
    Report {
        /// `2026-10`, `2026-Q3` or `2026`.
        #[arg(long, required_unless_present = "id")]
        period: Option<String>,
        /// An existing report (issued ones print as they were issued).
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// A text file with the conclusions (结论).
        #[arg(long)]
        conclusions: Option<PathBuf>,
        /// A text file with the proposals and measures (建议和措施).
        #[arg(long)]
        proposals: Option<PathBuf>,
        #[arg(long)]
        issue: bool,
    },
    /// Full-text search over cases (Chinese: one character or more), ranked, as JSON.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
    /// Import cases from a spreadsheet (.xlsx, .xls, .csv) with a mapping file (docs/IMPORT.md);
    /// prints `{"imported", "duplicates", "rejected": [{"row", "column", "reason"}], ...}`.
    Import {
        file: PathBuf,
        #[arg(long, value_name = "MAP.toml")]
        mapping: PathBuf,
        /// Check every row and report, importing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
    /// Export the ledger (filtered) to .xlsx or .csv (UTF-8 with BOM), by the file's extension.
    Export {
        file: PathBuf,
        /// Only cases in these statuses (comma-separated codes).
        #[arg(long, value_delimiter = ',')]
        status: Vec<String>,
        /// Only cases of these categories (comma-separated codes).
        #[arg(long, value_delimiter = ',')]
        category: Vec<String>,
        /// Only cases from these channels (comma-separated codes).
        #[arg(long, value_delimiter = ',')]
        channel: Vec<String>,
        /// Received on or after this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Received on or before this day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Only open cases past their deadline.
        #[arg(long)]
        overdue: bool,
        /// Any other filter of `cases.list`, as JSON (merged with the options above).
        #[arg(long)]
        filter: Option<String>,
    },
    /// Statistics of the cases received in a period (as `call stats.summary`): totals with
    /// 环比 and 同比, breakdowns, the trend, and a cross tabulation.
    Stats {
        /// First day, YYYY-MM-DD (China time).
        #[arg(long)]
        from: String,
        /// Last day, included.
        #[arg(long)]
        to: String,
        /// The trend's step: month (default), quarter or year.
        #[arg(long)]
        by: Option<String>,
        /// Only these breakdowns (comma-separated: category, channel, department, store,
        /// product, severity, root_cause, status); default all.
        #[arg(long, value_delimiter = ',')]
        group: Vec<String>,
        /// A cross tabulation, rows and columns: e.g. `category,department`.
        #[arg(long, value_delimiter = ',', num_args = 1)]
        cross: Vec<String>,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
    /// KPIs of a month, quarter or year (as `call kpi.summary`): the whole scope, and a line
    /// per branch, department, store or handler, each with its target and rating.
    Kpi {
        /// `2026-10`, `2026-Q3` or `2026`.
        #[arg(long)]
        period: String,
        /// company (default), branch, department, store or handler.
        #[arg(long)]
        by: Option<String>,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
    /// The current early-warning alerts (as `call alerts.list`): each cluster with its
    /// dimension, value, window, observed and expected counts, p-value and case ids.
    Alerts {
        /// The moment of the check: `YYYY-MM-DD HH:MM` (China time), `YYYY-MM-DD` (the end of
        /// that day) or RFC 3339. Default: now.
        #[arg(long)]
        at: Option<String>,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
    /// Automatic compliance checks (as `call compliance.list`): every finding with its rule
    /// code, case id and number, department and handler, and counts per rule.
    Compliance {
        /// Cases of this department (or store) only: its id.
        #[arg(long)]
        department: Option<String>,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
    /// Scorecards of a period (as `call scorecard.get`): each department's or staff member's
    /// KPIs against their targets, the score, rewards and penalties; `--xlsx FILE` writes
    /// them for the HR system instead.
    Scorecard {
        /// `2026-10`, `2026-Q3` or `2026`.
        #[arg(long)]
        period: String,
        /// department (default) or staff.
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Print JSON (the only format; accepted for scripts that ask for it).
        #[arg(long)]
        json: bool,
    },
    /// One full sync with the headquarters hub: push this site's waiting events, pull what is
    /// new (progress on stderr, a summary as JSON on stdout). The hub and token are remembered.
    Sync {
        /// The hub, e.g. `https://hub.example.cn:8443` (default: the one remembered).
        #[arg(long)]
        hub: Option<String>,
        /// This site's credential from `redress-hub site add` (default: the one remembered).
        #[arg(long, env = "REDRESS_HUB_TOKEN")]
        token: Option<String>,
        /// Trust these certificates (PEM) instead of the system's: a company CA, or a hub with
        /// a self-signed certificate.
        #[arg(long, env = "REDRESS_HUB_CA")]
        ca: Option<PathBuf>,
        /// Events a request.
        #[arg(long, default_value_t = 500)]
        batch: u32,
    },
    /// Sync bundles for a branch without a connection: `bundle export --out FILE`,
    /// `bundle import FILE` (docs/SYNC.md).
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
    /// The personal-data retention rule: `retention run [--dry-run]` (as `call retention.run`).
    Retention {
        #[command(subcommand)]
        action: RetentionAction,
    },
    /// Record business volume from a CSV file `unit,month,orders[,sales]` (as `call
    /// volume.import`).
    Volume {
        file: PathBuf,
        /// Check the file only.
        #[arg(long)]
        dry_run: bool,
    },
    /// Rebuild the current-state tables from the event log.
    Rebuild,
    /// Write the TypeScript bindings for the UI.
    Bindings {
        #[arg(long, default_value = redress_core::bindings::BINDINGS_PATH)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum CaseCommand {
    /// Record a complaint from a JSON file (see docs/examples/intake.json); prints the new
    /// case's id and number, or the list of field errors.
    New {
        #[arg(long = "json", value_name = "FILE")]
        json: PathBuf,
    },
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// Attach files to a case (streamed into the evidence store, each stored once).
    Add {
        /// The case: its id or number.
        #[arg(long = "case")]
        case: String,
        /// receipt, contract, test_report, chat_log, audio, video, photo or other.
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, default_value = "")]
        source: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Re-hash stored files (one case's, or all); exits non-zero if any changed or is missing.
    Verify {
        #[arg(long = "case")]
        case: Option<String>,
    },
    /// Write a case's evidence, `manifest.json` and `SHA256SUMS` into a new folder.
    Export {
        #[arg(long = "case")]
        case: String,
        #[arg(long)]
        out: PathBuf,
    },
}

/// Writes a generated PDF (`GeneratedPdf` as JSON) to `out`.
fn write_pdf(
    pdf: &serde_json::Value,
    out: &std::path::Path,
) -> Result<serde_json::Value, CoreError> {
    use base64::Engine;
    let data = pdf["data"].as_str().unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| CoreError::Internal(format!("pdf: {e}")))?;
    std::fs::write(out, &bytes)?;
    Ok(serde_json::json!({
        "written": out, "title": pdf["title"], "pages": pdf["pages"], "size": bytes.len(),
    }))
}

/// A case named by its id or its number: its id.
async fn case_id(db: &Db, case: &str) -> Result<String, CoreError> {
    let mut conn = db.pool().acquire().await?;
    let found = redress_core::ops::intake::case_ref(&mut conn, case).await?;
    found
        .map(|(id, _)| id)
        .ok_or_else(|| CoreError::NotFound { entity: "case", id: case.to_owned() })
}

/// The language of messages and of exported files' headers.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

fn actor_lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("REDRESS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    let lang = cli
        .lang
        .clone()
        .or_else(|| std::env::var("LANG").ok())
        .map_or(Lang::Zh, |tag| Lang::from_tag(&tag));
    let _ = LANG.set(lang);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok((value, code)) => {
            println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
            code
        }
        Err(e) => {
            let error = serde_json::json!({ "error": e.to_api(lang) });
            println!("{}", serde_json::to_string_pretty(&error).unwrap_or_default());
            ExitCode::FAILURE
        }
    }
}

/// What a command printed, and how the process ends: a report of problems (stored evidence
/// that changed) is printed like any result but ends in failure.
type Outcome = (serde_json::Value, ExitCode);

async fn run(cli: Cli) -> Result<Outcome, CoreError> {
    if let Command::Bindings { out } = &cli.command {
        std::fs::write(out, redress_core::bindings::typescript())?;
        return Ok((serde_json::json!({ "written": out }), ExitCode::SUCCESS));
    }
    let path = cli.db.clone().unwrap_or_else(redress_core::storage::default_db_path);
    if let Command::Restore { dir, check } = &cli.command {
        return restore(&path, dir, *check).await;
    }
    let mut options = OpenOptions::new(path);
    if let Some(code) = &cli.site_code {
        if code.is_empty() || code.len() > 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(CoreError::Validation(vec![redress_core::error::FieldProblem {
                field: "site_code".into(),
                rule: redress_core::error::FieldRule::Invalid {
                    detail: "1–12 letters or digits".into(),
                },
            }]));
        }
        options.new_site_code = code.clone();
        options.new_site_name = code.clone();
    }
    let db = redress_core::storage::open(options).await?;
    let result = run_on(&db, cli).await;
    db.close().await;
    result
}

/// Checks a backup, and unless `check_only` restores the database at `path` from it, then
/// opens the result (migrating it if the backup is older) and checks its chain. Acts as the
/// local system: restoring replaces the file any account would sign in to.
async fn restore(
    path: &std::path::Path,
    dir: &std::path::Path,
    check_only: bool,
) -> Result<Outcome, CoreError> {
    use redress_core::backup;
    let value = if check_only {
        serde_json::to_value(backup::verify(dir).await?)
    } else {
        let restored = backup::restore(path, dir).await?;
        let db = redress_core::storage::open(OpenOptions::new(path)).await?;
        let events = redress_core::event_log::verify(&db).await;
        let status = redress_core::sync::status(&db).await;
        db.close().await;
        let mut value =
            serde_json::to_value(restored).map_err(|e| CoreError::Internal(e.to_string()))?;
        value["events_checked_after_open"] = serde_json::json!(events?);
        // A site with a hub records nothing until a sync has taken back its later events.
        let must_sync = status?.restored_at.is_some();
        value["sync_before_recording"] = serde_json::json!(must_sync);
        if must_sync {
            eprintln!(
                "须先同步（redress-cli sync）取回本站点在备份之后记下的内容，才能再记录 / \
                 sync first (redress-cli sync) to take back what this site recorded after the \
                 backup"
            );
        }
        Ok(value)
    };
    Ok((value.map_err(|e| CoreError::Internal(e.to_string()))?, ExitCode::SUCCESS))
}

/// The account named by `--as`, signed in with its password; else the system identity.
async fn acting(db: &Db, account: Option<&str>) -> Result<(Actor, bool), CoreError> {
    let Some(username) = account else {
        return Ok((Actor::system(), false));
    };
    let password = match std::env::var("REDRESS_PASSWORD") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password(format!("{username} 的密码 / password: "))?,
    };
    let signed_in = redress_core::auth::accounts::sign_in(db, username, &password).await?;
    Ok((signed_in.actor, signed_in.must_change_password))
}

async fn run_on(db: &Db, cli: Cli) -> Result<Outcome, CoreError> {
    let (actor, must_change) = acting(db, cli.as_account.as_deref()).await?;
    if let Command::Evidence { command } = cli.command {
        return evidence(db, &actor, must_change, command).await;
    }
    if let Command::Verify = cli.command {
        return verify(db, &actor).await;
    }
    run_command(db, &actor, must_change, cli.command).await.map(|v| (v, ExitCode::SUCCESS))
}

/// The database's integrity, its chain and its evidence; a failure if any is wrong (the
/// report printed all the same).
async fn verify(db: &Db, actor: &Actor) -> Result<Outcome, CoreError> {
    actor.require(Permission::AuditVerify)?;
    let integrity = db.integrity_check().await?;
    let events = redress_core::event_log::verify(db).await?;
    let request = redress_core::ops::evidence::EvidenceVerifyRequest { case_id: None };
    let evidence = redress_core::ops::evidence::verify(db, actor, request).await?;
    let whole = integrity == ["ok"] && evidence.problems.is_empty();
    let value = serde_json::json!({
        "integrity": integrity.join("; "),
        "events_checked": events,
        "chain": "intact",
        "evidence": evidence,
    });
    Ok((value, if whole { ExitCode::SUCCESS } else { ExitCode::FAILURE }))
}

async fn evidence(
    db: &Db,
    actor: &Actor,
    must_change: bool,
    command: EvidenceCommand,
) -> Result<Outcome, CoreError> {
    use redress_core::ops::evidence as ev;
    match command {
        EvidenceCommand::Add { case, kind, description, source, files } => {
            redress_core::ops::check_password_change_gate(must_change, "evidence.add")?;
            let request = serde_json::json!({
                "case_id": case_id(db, &case).await?,
                "source": source,
                "files": files.iter().map(|f| serde_json::json!({
                    "path": f.to_string_lossy(), "kind": kind, "description": description,
                })).collect::<Vec<_>>(),
            });
            let added =
                redress_core::ops::dispatch(db, actor, "evidence.add", &request.to_string())
                    .await?;
            Ok((added, ExitCode::SUCCESS))
        }
        EvidenceCommand::Verify { case } => {
            redress_core::ops::check_password_change_gate(must_change, "evidence.verify")?;
            let case_id = match case {
                Some(c) => Some(case_id(db, &c).await?),
                None => None,
            };
            let report = ev::verify(db, actor, ev::EvidenceVerifyRequest { case_id }).await?;
            let code =
                if report.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
            let value =
                serde_json::to_value(report).map_err(|e| CoreError::Internal(e.to_string()))?;
            Ok((value, code))
        }
        EvidenceCommand::Export { case, out } => {
            redress_core::ops::check_password_change_gate(must_change, "evidence.export")?;
            let req = ev::EvidenceExportRequest {
                case_id: case_id(db, &case).await?,
                out_dir: out.to_string_lossy().into_owned(),
            };
            let done = ev::export(db, actor, req).await?;
            let value =
                serde_json::to_value(done).map_err(|e| CoreError::Internal(e.to_string()))?;
            Ok((value, ExitCode::SUCCESS))
        }
    }
}

async fn run_command(
    db: &Db,
    actor: &Actor,
    must_change: bool,
    command: Command,
) -> Result<serde_json::Value, CoreError> {
    match command {
        Command::Call { name, request } => {
            redress_core::ops::check_password_change_gate(must_change, &name)?;
            redress_core::ops::dispatch(db, actor, &name, request.as_deref().unwrap_or("{}")).await
        }
        Command::Case { command: CaseCommand::New { json } } => {
            redress_core::ops::check_password_change_gate(must_change, "cases.create")?;
            let request = std::fs::read_to_string(&json)?;
            let made = redress_core::ops::dispatch(db, actor, "cases.create", &request).await?;
            Ok(serde_json::json!({ "id": made["id"], "case_no": made["case_no"] }))
        }
        Command::Demo { cases, seed, until } => {
            actor.require(Permission::DemoGenerate)?;
            let plan = DemoRequest { cases, seed, until }.plan()?;
            let outcome = redress_core::demo::generate(db, actor, &plan, |n| {
                eprintln!("已生成 {n} / {cases}")
            })
            .await?;
            Ok(serde_json::json!({
                "cases_created": outcome.cases_created,
                "org_units_created": outcome.org_units_created,
                "events_written": outcome.events_written,
            }))
        }
        Command::Verify => unreachable!("run_on handles verify"),
        Command::Backup { out, keep } => {
            actor.require(Permission::AccountManage)?;
            let made = redress_core::backup::create(db, &out, keep).await?;
            serde_json::to_value(made).map_err(|e| CoreError::Internal(e.to_string()))
        }
        Command::Restore { .. } => unreachable!("run handles restore before opening"),
        Command::Rebuild => {
            actor.require(Permission::AccountManage)?;
            let n = redress_core::projection::rebuild(db).await?;
            Ok(serde_json::json!({ "events_applied": n }))
        }
        Command::Notice { case, kind, out } => {
            redress_core::ops::check_password_change_gate(must_change, "documents.notice")?;
            let req = serde_json::json!({ "case": case, "kind": kind });
            let pdf = redress_core::ops::dispatch(db, actor, "documents.notice", &req.to_string())
                .await?;
            write_pdf(&pdf, &out)
        }
        Command::Report { period, id, out, conclusions, proposals, issue } => {
            redress_core::ops::check_password_change_gate(must_change, "reports.pdf")?;
            let call = |op: &'static str, req: serde_json::Value| async move {
                redress_core::ops::dispatch(db, actor, op, &req.to_string()).await
            };
            let mut view = match id {
                Some(id) => call("reports.get", serde_json::json!({ "id": id })).await?,
                None => call("reports.draft", serde_json::json!({ "period": period })).await?,
            };
            if conclusions.is_some() || proposals.is_some() {
                let read = |f: Option<PathBuf>, old: &serde_json::Value| match f {
                    Some(f) => std::fs::read_to_string(f).map(serde_json::Value::String),
                    None => Ok(old.clone()),
                };
                let req = serde_json::json!({
                    "id": view["id"],
                    "title": view["title"],
                    "conclusions": read(conclusions, &view["conclusions"])?,
                    "proposals": read(proposals, &view["proposals"])?,
                });
                view = call("reports.save", req).await?;
            }
            let id = serde_json::json!({ "id": view["id"] });
            if issue {
                view = call("reports.issue", id.clone()).await?;
            }
            let pdf = call("reports.pdf", id).await?;
            let mut written = write_pdf(&pdf, &out)?;
            written["report_id"] = view["id"].clone();
            written["doc_no"] = view["doc_no"].clone();
            written["status"] = view["status"].clone();
            Ok(written)
        }
        Command::Bulletin { cases, out, issue } => {
            redress_core::ops::check_password_change_gate(must_change, "bulletins.draft")?;
            let req = serde_json::json!({ "cases": cases });
            let view =
                redress_core::ops::dispatch(db, actor, "bulletins.draft", &req.to_string()).await?;
            let id = serde_json::json!({ "id": view["summary"]["id"] }).to_string();
            let view = if issue {
                redress_core::ops::dispatch(db, actor, "bulletins.issue", &id).await?
            } else {
                view
            };
            let pdf = redress_core::ops::dispatch(db, actor, "bulletins.pdf", &id).await?;
            let mut written = write_pdf(&pdf, &out)?;
            written["bulletin_id"] = view["summary"]["id"].clone();
            written["doc_no"] = view["summary"]["doc_no"].clone();
            Ok(written)
        }
        Command::Search { query, limit, json: _ } => {
            redress_core::ops::check_password_change_gate(must_change, "cases.search")?;
            let req = serde_json::json!({ "query": query, "limit": limit });
            redress_core::ops::dispatch(db, actor, "cases.search", &req.to_string()).await
        }
        Command::Import { file, mapping, dry_run, json: _ } => {
            redress_core::ops::check_password_change_gate(must_change, "imports.run")?;
            let text = std::fs::read_to_string(&mapping)?;
            let mapping =
                redress_core::import::ImportMapping::from_toml(&text).map_err(|detail| {
                    CoreError::Validation(vec![redress_core::error::FieldProblem {
                        field: "mapping".into(),
                        rule: redress_core::error::FieldRule::Invalid { detail },
                    }])
                })?;
            let req = serde_json::json!({ "path": file, "mapping": mapping, "dry_run": dry_run });
            redress_core::ops::dispatch(db, actor, "imports.run", &req.to_string()).await
        }
        Command::Export { file, status, category, channel, from, to, overdue, filter } => {
            redress_core::ops::check_password_change_gate(must_change, "cases.export")?;
            let mut f: serde_json::Value = match filter {
                Some(text) => {
                    serde_json::from_str(&text).map_err(|e| CoreError::MalformedRequest {
                        operation: "cases.export".into(),
                        detail: e.to_string(),
                        field: Some("filter".into()),
                    })?
                }
                None => serde_json::json!({}),
            };
            let lists = [("statuses", status), ("categories", category), ("channels", channel)];
            for (key, values) in lists {
                if !values.is_empty() {
                    f[key] = serde_json::json!(values);
                }
            }
            if let Some(from) = from {
                f["received_from"] = serde_json::json!(from);
            }
            if let Some(to) = to {
                f["received_to"] = serde_json::json!(to);
            }
            if overdue {
                f["overdue"] = serde_json::json!(true);
            }
            let req = serde_json::json!({ "path": file, "filter": f, "lang": actor_lang() });
            redress_core::ops::dispatch(db, actor, "cases.export", &req.to_string()).await
        }
        Command::Stats { from, to, by, group, cross, json: _ } => {
            redress_core::ops::check_password_change_gate(must_change, "stats.summary")?;
            let mut req = serde_json::json!({ "from": from, "to": to });
            if let Some(by) = by {
                req["by"] = serde_json::json!(by);
            }
            if !group.is_empty() {
                req["dimensions"] = serde_json::json!(group);
            }
            if !cross.is_empty() {
                req["cross"] = serde_json::json!(cross);
            }
            redress_core::ops::dispatch(db, actor, "stats.summary", &req.to_string()).await
        }
        Command::Kpi { period, by, json: _ } => {
            redress_core::ops::check_password_change_gate(must_change, "kpi.summary")?;
            let mut req = serde_json::json!({ "period": period });
            if let Some(by) = by {
                req["by"] = serde_json::json!(by);
            }
            redress_core::ops::dispatch(db, actor, "kpi.summary", &req.to_string()).await
        }
        Command::Alerts { at, json: _ } => {
            redress_core::ops::check_password_change_gate(must_change, "alerts.list")?;
            let req = serde_json::json!({ "at": at });
            redress_core::ops::dispatch(db, actor, "alerts.list", &req.to_string()).await
        }
        Command::Compliance { department, json: _ } => {
            redress_core::ops::check_password_change_gate(must_change, "compliance.list")?;
            let req = serde_json::json!({ "department_id": department });
            redress_core::ops::dispatch(db, actor, "compliance.list", &req.to_string()).await
        }
        Command::Scorecard { period, by, xlsx, json: _ } => {
            let by = by.map(|b| if b == "handler" { "staff".to_owned() } else { b });
            match xlsx {
                Some(path) => {
                    redress_core::ops::check_password_change_gate(must_change, "scorecard.export")?;
                    let req = serde_json::json!({ "period": period, "by": by, "path": path });
                    redress_core::ops::dispatch(db, actor, "scorecard.export", &req.to_string())
                        .await
                }
                None => {
                    redress_core::ops::check_password_change_gate(must_change, "scorecard.get")?;
                    let req = serde_json::json!({ "period": period, "by": by });
                    redress_core::ops::dispatch(db, actor, "scorecard.get", &req.to_string()).await
                }
            }
        }
        Command::Retention { action: RetentionAction::Run { dry_run, json: _ } } => {
            redress_core::ops::check_password_change_gate(must_change, "retention.run")?;
            let req = serde_json::json!({ "dry_run": dry_run });
            redress_core::ops::dispatch(db, actor, "retention.run", &req.to_string()).await
        }
        Command::Volume { file, dry_run } => {
            redress_core::ops::check_password_change_gate(must_change, "volume.import")?;
            let text = std::fs::read_to_string(&file)?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let req = serde_json::json!({ "text": text, "file_name": name, "dry_run": dry_run });
            redress_core::ops::dispatch(db, actor, "volume.import", &req.to_string()).await
        }
        Command::Sync { hub, token, ca, batch } => sync(db, hub, token, ca, batch).await,
        Command::Bundle { action: BundleAction::Export { out, scope, key } } => {
            redress_core::ops::check_password_change_gate(must_change, "bundles.export")?;
            if let Some(key) = key {
                let req = serde_json::json!({ "hub_url": redress_core::sync::hub(db).await?
                    .map(|h| h.url).unwrap_or_default(), "signing_key": key });
                redress_core::ops::dispatch(db, actor, "sync.configure", &req.to_string()).await?;
            }
            let req = serde_json::json!({ "path": out, "scope": scope });
            redress_core::ops::dispatch(db, actor, "bundles.export", &req.to_string()).await
        }
        Command::Bundle { action: BundleAction::Import { file } } => {
            redress_core::ops::check_password_change_gate(must_change, "bundles.import")?;
            let req = serde_json::json!({ "path": file });
            redress_core::ops::dispatch(db, actor, "bundles.import", &req.to_string()).await
        }
        Command::Bindings { .. } | Command::Evidence { .. } => {
            unreachable!("handled before")
        }
    }
}

/// `sync`: remembers the hub and token given, then one full push and pull.
async fn sync(
    db: &redress_core::Db,
    hub: Option<String>,
    token: Option<String>,
    ca: Option<PathBuf>,
    batch: u32,
) -> redress_core::CoreResult<serde_json::Value> {
    use redress_core::sync;
    let remembered = sync::hub(db).await?;
    let pem = match &ca {
        Some(path) => Some(std::fs::read_to_string(path)?),
        None => remembered.as_ref().and_then(|r| r.ca_pem.clone()),
    };
    let (url, token) = match (hub, token, remembered) {
        (Some(u), Some(t), _) => (u, t),
        (Some(u), None, Some(r)) => (u, r.token),
        (None, Some(t), Some(r)) => (r.url, t),
        (None, None, Some(r)) => (r.url, r.token),
        _ => {
            return Err(redress_core::CoreError::Validation(vec![
                redress_core::error::FieldProblem {
                    field: "hub".into(),
                    rule: redress_core::error::FieldRule::Required,
                },
            ]))
        }
    };
    sync::configure(db, Some(&url), Some(&token), pem.as_deref()).await?;
    let report = redress_core::ops::sync::run_now(db, batch, |p| {
        eprintln!(
            "{:?}: pushed {} (waiting {}), pulled {} (hub #{} of {})",
            p.phase, p.pushed, p.waiting, p.pulled, p.cursor, p.hub_top
        );
    })
    .await?;
    Ok(serde_json::to_value(report).unwrap_or_default())
}
