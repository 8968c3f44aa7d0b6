#!/usr/bin/env bash
# Builds the browser panel into a directory (default build/panel): the wasm
# module (and a gzip copy the server sends to browsers that accept it), Go's
# wasm_exec.js loader, and the HTML/CSS shell from assets/panel.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/panel}
mkdir -p "$out"
GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$out/panel.wasm" ./wasm
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/"
cp assets/panel/* "$out/"
gzip -9 -k -f "$out/panel.wasm"
