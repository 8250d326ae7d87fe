//! See Cargo.toml: this crate holds only a benchmark.
