#!/usr/bin/env bash
# Puts the fonts the PDF documents embed into src-tauri/fonts/, from where the app bundles them
# and the core finds them in development. They come from packages, not from the repository:
# Noto Serif SC and Noto Sans SC (OFL-1.1) from npm (@expo-google-fonts, pinned in
# package-lock.json), LXGW WenKai (OFL-1.1) from Debian's fonts-lxgw-wenkai.
# Licences: src-tauri/fonts/NOTICE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src-tauri/fonts
copy() { # source target
  if [ ! -f "$1" ]; then
    echo "fonts: $1 is missing (run scripts/setup.sh)" >&2
    exit 1
  fi
  if ! cmp -s "$1" "$out/$2"; then cp "$1" "$out/$2"; fi
}
npm_fonts=node_modules/@expo-google-fonts
copy "$npm_fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf" NotoSerifSC-Regular.ttf
copy "$npm_fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf" NotoSerifSC-Bold.ttf
copy "$npm_fonts/noto-sans-sc/500Medium/NotoSansSC_500Medium.ttf" NotoSansSC-Medium.ttf
# LXGW WenKai has no TrueType package on npm: it comes from Debian (scripts/setup.sh installs it).
# Where it is missing (a Windows or macOS build machine), 楷体 headings fall back to Noto Serif SC.
kai=/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf
if [ -f "$kai" ]; then
  copy "$kai" LXGWWenKai-Regular.ttf
else
  echo "fonts: LXGW WenKai not installed; second-level headings will use Noto Serif SC" >&2
fi
