//! redress-hub: the headquarters hub. Branches push their events and pull everyone's over
//! HTTPS; PostgreSQL keeps the events in one order (docs/SYNC.md).

pub mod blobs;
pub mod config;
pub mod http;
pub mod intake;
pub mod store;

/// The TLS provider, installed once per process before any TLS configuration is built.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
