//! Every integration test of redress-core, in one binary: one link instead of one per file,
//! and a fraction of the disk a clean build needs. Each file is a module named after it.

mod pdf_tools;
mod support;

mod accounts;
mod backup;
mod bindings;
mod bundles;
mod consumers;
mod documents;
mod emergency;
mod event_log;
mod evidence;
mod evidence_large;
mod handling;
mod hostile;
mod hotspots;
mod import;
mod intake;
mod intake_setup;
mod kpi;
mod operations;
mod pdf_engine;
mod permissions;
mod prevention;
mod reports;
mod search;
mod stats;
mod storage;
mod supervision;
mod sync;
