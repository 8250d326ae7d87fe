//! Redress core: the domain of consumer-dispute handling, its storage and event log, and every
//! operation the app performs. No Tauri here, ever: this crate builds and tests without WebKit
//! or a display, and the desktop shell, the CLI and the hub are thin faces over it.

pub mod actor;
pub mod auth;
pub mod backup;
pub mod bindings;
pub mod bundle;
pub mod calendar;
pub mod case_no;
pub mod codes;
pub mod counts;
pub mod demo;
pub mod doc_no;
pub mod documents;
pub mod domain;
pub mod error;
pub mod event_log;
pub mod evidence;
pub mod export;
pub mod hlc;
pub mod hub_client;
pub mod i18n;
pub mod import;
pub mod intake_rules;
pub mod jobs;
pub mod masking;
pub mod ops;
pub mod ownership;
pub mod parallel;
pub mod pii;
pub mod projection;
pub mod search;
pub mod settings;
pub mod storage;
pub mod sync;
pub mod time;

pub use actor::Actor;
pub use error::{ApiError, CoreError, CoreResult};
pub use i18n::Lang;
pub use storage::{Db, OpenOptions};
