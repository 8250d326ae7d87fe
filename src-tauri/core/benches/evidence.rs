//! Importing a 1 GiB evidence file: `evidence.add` as the app calls it (the file streamed in
//! 1 MiB blocks, hashed, copied into the store, the entry and its event written) beside
//! `sha256sum` of the same file — the physical baseline: reading and hashing it once, no copy.
//! Also, for the decision on encrypting the evidence store (docs/SECURITY.md): reading and
//! hashing the file in this process, and reading and sealing it with XChaCha20-Poly1305 in
//! 1 MiB blocks — the work per-file encryption would add to every import and every read.
//!
//! The file (non-zero pseudo-random bytes, so nothing is stored sparse) is made once in
//! `target/bench-data/` and reused; it is in the page cache after the first pass, as a file
//! just copied from a phone or a USB stick usually is. `REDRESS_BENCH_EVIDENCE_MIB` changes
//! its size.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use redress_core::evidence::Store;
use redress_core::ops::demo::DemoRequest;
use redress_core::{Actor, OpenOptions};
use sha2::{Digest, Sha256};

fn source(mib: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data");
    let path = dir.join(format!("evidence-{mib}MiB.bin"));
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == mib << 20) {
        return path;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..mib {
        for chunk in block.chunks_exact_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&(x | 1).to_le_bytes());
        }
        out.write_all(&block).expect("write");
    }
    out.flush().expect("flush");
    path
}

fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().expect("sha256sum (coreutils)");
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap_or_default().to_owned()
}

fn bench(c: &mut Criterion) {
    let mib: u64 = std::env::var("REDRESS_BENCH_EVIDENCE_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let file = source(mib);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir_in(file.parent().expect("dir")).expect("dir");
    let db_path = dir.path().join("redress.db");
    let db = rt.block_on(async {
        let db = redress_core::storage::open(OpenOptions::new(&db_path)).await.expect("open");
        redress_core::ops::demo::generate(
            &db,
            &Actor::system(),
            DemoRequest { cases: 5, seed: Some(1), until: Some("2026-11-28".into()) },
        )
        .await
        .expect("demo");
        db
    });
    let case_id: String = rt
        .block_on(
            sqlx::query_scalar(
                "SELECT id FROM cases WHERE status NOT IN ('closed', 'withdrawn') LIMIT 1",
            )
            .fetch_one(db.pool()),
        )
        .expect("case");
    let store = Store::for_database(&db_path);
    let expected = sha256sum(&file);

    let mut group = c.benchmark_group(format!("evidence_{mib}MiB"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30))
        .warm_up_time(Duration::from_secs(1))
        .throughput(Throughput::Bytes(mib << 20));
    group.bench_function("sha256sum", |b| b.iter(|| assert_eq!(sha256sum(&file), expected)));
    let request = serde_json::json!({"case_id": case_id, "source": "消费者提供",
        "files": [{"path": file, "kind": "video"}]})
    .to_string();
    group.bench_function("evidence.add", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                // Stored once per content: take the copy out so that each import copies.
                let stored = store.path_of(&expected).expect("path");
                if stored.exists() {
                    let mut perms = std::fs::metadata(&stored).expect("meta").permissions();
                    #[allow(clippy::permissions_set_readonly_false)]
                    perms.set_readonly(false);
                    std::fs::set_permissions(&stored, perms).expect("writable");
                    std::fs::remove_file(&stored).expect("remove");
                }
                let started = Instant::now();
                let added = rt
                    .block_on(redress_core::ops::dispatch(
                        &db,
                        &Actor::system(),
                        "evidence.add",
                        &request,
                    ))
                    .expect("evidence.add");
                spent += started.elapsed();
                assert_eq!(added["items"][0]["sha256"], expected.as_str());
            }
            spent
        })
    });
    let read_blocks = |each: &mut dyn FnMut(&mut [u8])| {
        let mut input = std::fs::File::open(&file).expect("open");
        let mut block = vec![0u8; 1 << 20];
        loop {
            let n = input.read(&mut block).expect("read");
            if n == 0 {
                break;
            }
            each(&mut block[..n]);
        }
    };
    group.bench_function("read+sha256_in_process", |b| {
        b.iter(|| {
            let mut h = Sha256::new();
            read_blocks(&mut |block| h.update(block));
            assert_eq!(hex::encode(h.finalize()), expected);
        })
    });
    let cipher = XChaCha20Poly1305::new(&[7u8; 32].into());
    group.bench_function("read+xchacha20poly1305_seal", |b| {
        b.iter(|| {
            let mut sealed = 0u64;
            let mut buffer = Vec::with_capacity((1 << 20) + 16);
            read_blocks(&mut |block| {
                buffer.clear();
                buffer.extend_from_slice(block);
                let mut nonce = [0u8; 24];
                nonce[..8].copy_from_slice(&sealed.to_le_bytes());
                cipher
                    .encrypt_in_place(XNonce::from_slice(&nonce), b"", &mut buffer)
                    .expect("seal");
                sealed += 1;
            });
            sealed
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
