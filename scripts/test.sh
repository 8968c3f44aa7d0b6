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
# Sources only: no built binaries or large files are tracked.
bash scripts/check-tree.sh
go vet ./...
GOOS=js GOARCH=wasm go vet ./wasm ./core/... ./sync/...
go test -count=1 -timeout 20m ./...
# Every benchmark once, so none rots (docs/PERFORMANCE.md gives longer
# runs and their figures).
go test -count=1 -timeout 10m -run '^$' -bench . -benchtime 1x ./...
# The end-to-end suite again with the server on PostgreSQL (a private
# cluster the suite starts and stops; the store contract ran on both above).
DIALNEXA_TEST_STORE=postgres go test -count=1 -timeout 20m ./server/internal/e2e
# The Linux desktop release: the binary, icon and .desktop file it holds.
bash scripts/check-desktop-release.sh
# The client core, the sync packages and the store contract again under
# the race detector.
go test -race -count=1 -timeout 10m ./core ./sync/... ./server/internal/store/... ./server/verify
# Every fuzz target, briefly (seed corpora run in the plain test pass too).
# Budgets are counts of inputs, a few seconds' worth each: a time budget
# races the fuzzing coordinator's own deadline in Go 1.26 and fails with
# "context deadline exceeded" on a loaded machine (go.dev/issue/75804).
for target in FuzzDecode:./sync/wire:30000 FuzzNormalizeDisplayName:./core/model:30000 \
  FuzzNormalizeEmail:./core/model:30000 FuzzCheckNewPassword:./core/model:30000 \
  FuzzApply:./core/model:30000 FuzzAvatar:./server/internal/avatar:20000; do
  IFS=: read -r name pkg count <<<"$target"
  go test -run '^$' -fuzz "^${name}\$" -fuzztime "${count}x" "$pkg"
done
