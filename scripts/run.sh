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
if curl -s -o /dev/null "http://$addr/healthz" 2>/dev/null; then
  echo "run: a server already answers on $addr (another scripts/run.sh?); stop it, or set DIALNEXA_ADDR and DIALNEXA_DATA" >&2
  exit 1
fi
echo "run: building the browser panel"
bash scripts/build-panel.sh build/panel
display=""
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && display=yes
if [ -n "$display" ]; then
  echo "run: building the server and the desktop app (the first desktop build takes a few minutes)"
else
  echo "run: building the server (no display, so not the desktop app)"
fi
go build -o build/dialnexa-server ./server
[ -n "$display" ] && go build -o build/dialnexa-account .

# -dev: the mail files' log lines carry their links (reset links included),
# so a local run needs no mail server.
# Passkeys need a domain name for the server (never an IP address): on
# this machine the panel is at localhost.
origin=${DIALNEXA_PUBLIC_ORIGIN:-http://localhost:${addr##*:}}
case $addr in 127.*|localhost:*) ;; *) origin=${DIALNEXA_PUBLIC_ORIGIN:-http://$addr} ;; esac
build/dialnexa-server -dev -addr "$addr" -public-origin "$origin" -data "${DIALNEXA_DATA:-data}" -panel build/panel &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
ready=""
for _ in $(seq 100); do
  if ! kill -0 "$server" 2>/dev/null; then
    wait "$server" || true
    echo "run: the server did not start (its message is above)" >&2
    exit 1
  fi
  if curl -fsS "http://$addr/readyz" >/dev/null 2>&1; then
    ready=yes
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "run: the server on $addr did not answer within 10 seconds" >&2
  exit 1
fi
echo "run: the browser panel is at $origin/"

if [ -n "$display" ]; then
  echo "run: opening the desktop app (close its window to stop everything)"
  build/dialnexa-account -server "http://$addr"
else
  echo "run: no display, so the desktop app was not opened; the server keeps running (Ctrl-C stops it)"
  wait $server
fi
