#!/usr/bin/env bash
# Sets up and runs the whole DialNexa Account test suite: formatting and vet,
# every Go test (a real server on loopback, real bbolt files and a private
# PostgreSQL cluster, Chromium for the panel, Fyne's headless driver and an
# Xvfb window for the desktop app), the end-to-end suite once per store
# backend, and brief fuzzing of the wire decoder, the input rules and the avatar decoder.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
bash scripts/setup.sh
export LANG=en_US.UTF-8

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "not gofmt-ed:" $unformatted >&2
  exit 1
fi
go vet ./...
GOOS=js GOARCH=wasm go vet ./wasm ./core/... ./sync/...
go test -count=1 -timeout 20m ./...
# The end-to-end suite again with the server on PostgreSQL (a private
# cluster the suite starts and stops; the store contract ran on both above).
DIALNEXA_TEST_STORE=postgres go test -count=1 -timeout 20m ./server/internal/e2e
# The client core, the sync packages and the store contract again under
# the race detector.
go test -race -count=1 -timeout 10m ./core ./sync/... ./server/internal/store/...
# Every fuzz target, briefly (seed corpora run in the plain test pass too).
for target in FuzzDecode:./sync/wire FuzzNormalizeDisplayName:./core/account \
  FuzzNormalizeEmail:./core/account FuzzCheckNewPassword:./core/account \
  FuzzApply:./core/account FuzzAvatar:./server/internal/avatar; do
  go test -run '^$' -fuzz "^${target%%:*}\$" -fuzztime 5s "${target#*:}"
done
