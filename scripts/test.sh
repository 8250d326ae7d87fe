#!/usr/bin/env bash
# Installs everything and runs every check and test: formatting, lints, the Rust tests (core,
# CLI, shell, bindings staleness), the UI's typecheck, lint and unit tests, and the end-to-end
# tests that drive the real app under a virtual display through WebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# A clean clone builds everything once: incremental caches would only cost disk (1.8 GB, and a CI
# run once died of a full disk while writing one).
export CARGO_INCREMENTAL=0

start=$(date +%s)
step() {
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo
  echo "==> $name"
  "$@"
  echo "<== $name: $(( $(date +%s) - t0 )) s"
}

step "setup" bash scripts/setup.sh
step "cargo fmt --check" cargo fmt --all --check
core_has_no_tauri() {
  local tree
  tree=$(cargo tree -p redress-core --locked --edges normal,build,dev --prefix none --format "{p}")
  if grep -E "^tauri" <<<"$tree"; then
    echo "redress-core must not depend on Tauri" >&2
    return 1
  fi
}
step "redress-core has no Tauri dependency" core_has_no_tauri
step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test" cargo test --workspace --locked
step "ui typecheck" npm run --prefix ui typecheck
step "ui lint" npm run --prefix ui lint
step "ui unit tests" npm run --prefix ui test
step "build the app" npx tauri build --debug --no-bundle
# The hub the two-app sync test runs, target/debug/redress-hub, was built by cargo test for the
# hub's integration tests (a separate `cargo build -p redress-hub` would build it again with
# other features: 229 s in CI).
step "end-to-end tests" xvfb-run -a -s "-screen 0 1400x900x24" npm run e2e

echo
echo "All checks passed in $(( $(date +%s) - start )) s."
