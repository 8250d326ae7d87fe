#!/usr/bin/env bash
# Installs everything, builds the app and starts it on its embedded SQLite database (in the
# app-data folder, or REDRESS_DB / --db PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> building the app (first build takes a few minutes)"
npx tauri build --debug --no-bundle
exec ./target/debug/redress "$@"
