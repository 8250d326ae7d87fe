#!/usr/bin/env bash
# Installs everything Redress needs on Debian/Ubuntu: system packages (only those missing),
# the npm packages of the tooling and of the UI, and tauri-driver for the end-to-end tests.
# Safe to run again: it installs only what is not there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Build: WebKitGTK and friends for Tauri. Tests: a virtual display, the WebDriver for WebKitGTK,
# Chinese fonts (for what the screen shows), PDF and SQLite tools used by checks and benchmarks;
# PostgreSQL for the headquarters hub (its tests start servers of their own in temporary folders).
PACKAGES=(
  build-essential pkg-config curl wget file
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver imagemagick fonts-noto-cjk fonts-lxgw-wenkai poppler-utils qpdf sqlite3
  postgresql openssl
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need_version() { # name actual minimum
  if [ "$(printf '%s\n%s\n' "$3" "$2" | sort -V | head -n1)" != "$3" ]; then
    echo "Redress needs $1 >= $3 (found $2)." >&2
    exit 1
  fi
}
command -v cargo >/dev/null 2>&1 || { echo "Redress needs Rust: install it with rustup (https://rustup.rs)." >&2; exit 1; }
need_version node "$(node --version | tr -d v)" 20.19.0

echo "==> npm: tooling and UI packages"
npm ci --no-audit --no-fund --loglevel=error
npm ci --no-audit --no-fund --loglevel=error --prefix ui

echo "==> fonts for the PDF documents"
bash scripts/fonts.sh

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  echo "==> cargo: tauri-driver"
  cargo install tauri-driver --version 2.1.0 --locked --quiet
fi
