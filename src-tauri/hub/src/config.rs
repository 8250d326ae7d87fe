//! The hub's configuration file (TOML), for `redress-hub serve --config FILE`:
//!
//! ```toml
//! listen = "0.0.0.0:8443"
//! database_url = "postgres://redress@127.0.0.1/redress_hub"
//! max_connections = 20
//! blobs_dir = "/var/lib/redress/blobs"  # evidence files (default: `blobs` beside this file)
//! [tls]
//! cert = "/etc/redress/hub.crt"   # PEM, the full chain
//! key = "/etc/redress/hub.key"    # PEM, PKCS#8
//! [intake]                        # optional: the online intake channel
//! data_dir = "/var/lib/redress/intake"
//! site_code = "WEB"               # in its case numbers: 2026-WEB-000123
//! department = "DEP-CS"           # the queue its cases wait in at their branch
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    #[serde(default = "max_connections")]
    pub max_connections: u32,
    /// Where evidence files are kept, by SHA-256.
    #[serde(default = "blobs_dir")]
    pub blobs_dir: PathBuf,
    pub tls: Tls,
    #[serde(default)]
    pub intake: Option<IntakeConfig>,
    /// Migrate the database at start (under PostgreSQL's advisory lock). `false` where the
    /// schema is brought up to date apart, by `redress-hub migrate --no-lock` (docs/SCALING.md).
    #[serde(default = "migrate_at_start")]
    pub migrate: bool,
}

fn migrate_at_start() -> bool {
    true
}

fn blobs_dir() -> PathBuf {
    "blobs".into()
}

/// Where the hub keeps its intake site's database, and the site's code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeConfig {
    pub data_dir: PathBuf,
    #[serde(default = "intake_code")]
    pub site_code: String,
    #[serde(default = "intake_department")]
    pub department: String,
}

fn intake_department() -> String {
    "DEP-CS".into()
}

fn intake_code() -> String {
    "WEB".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

fn max_connections() -> u32 {
    20
}

impl Config {
    pub fn read(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        // Certificate paths are relative to the configuration file.
        let base = path.parent().unwrap_or(Path::new("."));
        config.tls.cert = base.join(&config.tls.cert);
        config.tls.key = base.join(&config.tls.key);
        config.blobs_dir = base.join(&config.blobs_dir);
        if let Some(intake) = &mut config.intake {
            intake.data_dir = base.join(&intake.data_dir);
        }
        Ok(config)
    }
}
