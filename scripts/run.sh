#!/usr/bin/env bash
# Sets up and runs DialNexa Account: the sync server on its embedded default
# (a bbolt file under ./data) serving the browser panel, plus the desktop
# app pointed at it. Without a display only the server runs.
#
#   DIALNEXA_ADDR   listen address (default 127.0.0.1:8080)
#   DIALNEXA_DATA   server data directory (default ./data)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
bash scripts/setup.sh --run

addr=${DIALNEXA_ADDR:-127.0.0.1:8080}
echo "run: building the browser panel"
bash scripts/build-panel.sh build/panel
echo "run: building the server and the desktop app (the first desktop build takes a few minutes)"
go build -o build/dialnexa-server ./server
go build -o build/dialnexa-account .

build/dialnexa-server -addr "$addr" -data "${DIALNEXA_DATA:-data}" -panel build/panel &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
for _ in $(seq 50); do
  curl -fsS "http://$addr/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "run: the browser panel is at http://$addr/"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "run: opening the desktop app (close its window to stop everything)"
  build/dialnexa-account -server "http://$addr"
else
  echo "run: no display, so the desktop app was not opened; the server keeps running (Ctrl-C stops it)"
  wait $server
fi
