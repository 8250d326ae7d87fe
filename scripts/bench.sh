#!/usr/bin/env bash
# Runs the benchmarks (criterion) after installing what their baselines need: Chromium for the
# PDF baseline. Results: target/criterion/, summarised by hand in docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
bash scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
cargo bench -p redress-core "$@"
