//! `redress-hub serve --config FILE`, `redress-hub migrate`, `redress-hub site add NAME`,
//! `redress-hub intake add NAME --channel website`, `redress-hub withheld`.
//! Logs are JSON lines on stderr (one object a request).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use redress_hub::config::Config;
use redress_hub::http::{router, Hub};
use redress_hub::intake::Intake;
use redress_hub::store::Store;

#[derive(Parser)]
#[command(name = "redress-hub", about = "The headquarters hub of Redress")]
struct Cli {
    /// The PostgreSQL database (for `migrate`, `site add`, `withheld`; `serve` reads its config file).
    #[arg(long, env = "REDRESS_HUB_DATABASE_URL", global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves branches over HTTPS.
    Serve {
        #[arg(long)]
        config: PathBuf,
    },
    /// Brings the database's schema up to date.
    Migrate {
        /// Without PostgreSQL's advisory lock (for an engine without them, such as CockroachDB:
        /// run once, with no hub process serving).
        #[arg(long)]
        no_lock: bool,
    },
    /// Sites and their credentials.
    Site {
        #[command(subcommand)]
        command: SiteCommand,
    },
    /// Back ends of the online intake channel (website, WeChat, app) and their credentials.
    Intake {
        #[command(subcommand)]
        command: IntakeCommand,
    },
    /// Sync bundles from branches without a connection.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Lists the events the hub keeps but sends to no site (a site's write to a case it may
    /// not see, a second creation of a case, a change of owner it may not make), newest
    /// first, as JSON.
    Withheld {
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum BundleCommand {
    /// Takes a bundle file in (as its site's push would be); prints what it did as JSON.
    Import {
        file: PathBuf,
        /// The hub's blob folder (`blobs_dir` of its configuration), for the evidence files
        /// the bundle carries; without it only the events are taken.
        #[arg(long)]
        blobs: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum IntakeCommand {
    /// Registers a back end and prints its credential (shown once) as JSON.
    Add {
        name: String,
        /// website, wechat or app: the channel its complaints are recorded under.
        #[arg(long)]
        channel: String,
    },
}

#[derive(Subcommand)]
enum SiteCommand {
    /// Registers a site and prints its credential (shown once) as JSON.
    Add {
        name: String,
        /// Letters and digits, as in its case numbers (`2026-SH01-000123`).
        #[arg(long)]
        code: String,
        /// Headquarters: sees every case.
        #[arg(long)]
        hq: bool,
        /// The branch of the organisation it runs (its org unit code, `BR-EC`): complaints
        /// the online channel routes to that branch are handed to this site.
        #[arg(long)]
        branch: Option<String>,
    },
    /// Issues a site a new signing key for its bundles (printed once); the old one is refused
    /// from then on.
    Key { code: String },
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("{}", serde_json::json!({"error": message.to_string()}));
    ExitCode::FAILURE
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    redress_hub::install_crypto();
    let cli = Cli::parse();
    let url = |config: Option<&Config>| {
        config.map(|c| c.database_url.clone()).or(cli.database_url.clone())
    };
    match cli.command {
        Command::Migrate { no_lock } => {
            let Some(url) = url(None) else { return fail("--database-url is required") };
            match Store::connect(&url, 2).await {
                Ok(store) => match store.migrate_locking(!no_lock).await {
                    Ok(()) => {
                        println!("{}", serde_json::json!({"migrated": true}));
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail(e),
                },
                Err(e) => fail(e),
            }
        }
        Command::Site { command: SiteCommand::Add { name, code, hq, branch } } => {
            let Some(url) = url(None) else { return fail("--database-url is required") };
            let store = match Store::connect(&url, 2).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let added = match store.add_site(&name, &code, hq).await {
                Ok(site) => match &branch {
                    Some(branch) => store.set_branch(&site.code, branch).await.map(|()| site),
                    None => Ok(site),
                },
                Err(e) => Err(e),
            };
            match added {
                Ok(site) => {
                    println!("{}", serde_json::to_string_pretty(&site).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Site { command: SiteCommand::Key { code } } => {
            let Some(url) = url(None) else { return fail("--database-url is required") };
            let store = match Store::connect(&url, 2).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match store.new_signing_key(&code).await {
                Ok((signing_key, public_key)) => {
                    let out = serde_json::json!({"code": code, "signing_key": signing_key,
                        "public_key": public_key});
                    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Intake { command: IntakeCommand::Add { name, channel } } => {
            let Some(url) = url(None) else { return fail("--database-url is required") };
            let store = match Store::connect(&url, 2).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match store.add_intake_client(&name, &channel).await {
                Ok(client) => {
                    println!("{}", serde_json::to_string_pretty(&client).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Withheld { limit } => {
            let Some(url) = url(None) else { return fail("--database-url is required") };
            let store = match Store::connect(&url, 2).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            match store.withheld(limit).await {
                Ok(list) => {
                    println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Bundle { command: BundleCommand::Import { file, blobs } } => {
            let Some(url) = url(None) else { return fail("--database-url is required") };
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) => return fail(format!("{}: {e}", file.display())),
            };
            let store = match Store::connect(&url, 2).await {
                Ok(s) => match blobs {
                    Some(dir) => s.with_blobs(Arc::new(redress_hub::blobs::DiskBlobs::new(dir))),
                    None => s,
                },
                Err(e) => return fail(e),
            };
            match store.import_bundle(&bytes).await {
                Ok(report) => {
                    println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("{} ({})", e, e.code())),
            }
        }
        Command::Serve { config } => {
            let config = match Config::read(&config) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            let store = match Store::connect(&config.database_url, config.max_connections).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            if config.migrate {
                if let Err(e) = store.migrate().await {
                    return fail(e);
                }
            }
            let tls = match axum_server::tls_rustls::RustlsConfig::from_pem_file(
                &config.tls.cert,
                &config.tls.key,
            )
            .await
            {
                Ok(t) => t,
                Err(e) => return fail(format!("TLS certificate: {e}")),
            };
            let handle = axum_server::Handle::new();
            let stop = handle.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                stop.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            let blobs = Arc::new(redress_hub::blobs::DiskBlobs::new(config.blobs_dir.clone()));
            let store = Arc::new(store.with_blobs(blobs));
            let intake = match &config.intake {
                Some(c) => {
                    match Intake::open(store.clone(), &c.data_dir, &c.site_code, &c.department)
                        .await
                    {
                        Ok(i) => Some(Arc::new(i)),
                        Err(e) => return fail(format!("intake site: {e}")),
                    }
                }
                None => None,
            };
            let app = router(Hub { store, intake });
            tracing::info!(listen = %config.listen, "serving");
            let served = axum_server::bind_rustls(config.listen, tls)
                .handle(handle)
                .serve(app.into_make_service())
                .await;
            match served {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
    }
}
