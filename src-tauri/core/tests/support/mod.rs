//! A fresh database in a temporary folder, and demo data in it.
#![allow(dead_code)] // each test file uses its own part of this module

use redress_core::ops::demo::DemoRequest;
use redress_core::{Actor, Db, OpenOptions};

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub db: Db,
}

impl TempDb {
    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("redress.db")
    }
}

pub async fn fresh() -> TempDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = redress_core::storage::open(OpenOptions::new(dir.path().join("redress.db")))
        .await
        .expect("open");
    TempDb { dir, db }
}

pub async fn with_demo(cases: u32, seed: u64) -> TempDb {
    let t = fresh().await;
    redress_core::ops::demo::generate(
        &t.db,
        &Actor::system(),
        DemoRequest { cases, seed: Some(seed), until: Some("2026-11-28".into()) },
    )
    .await
    .expect("demo data");
    t
}
