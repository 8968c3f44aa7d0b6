#!/usr/bin/env bash
# Installs what DialNexa Account needs on Debian: the C libraries Fyne's
# desktop build links against, Chromium for the panel's browser tests, Xvfb
# and X tools for the desktop window test, oathtool and zbar for 2FA checks,
# PostgreSQL and nginx (which the tests start on loopback ports, never as
# services), and the Go modules. Only missing packages are installed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev chromium xvfb imagemagick xdotool
  x11-utils oathtool zbar-tools fonts-dejavu-core curl postgresql nginx dbus gnome-keyring)
[ "${1:-}" = "--run" ] && packages=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev
  libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev curl)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="$PATH:/usr/local/go/bin"
  else
    echo "setup: Go is not installed (https://go.dev/doc/install); Go 1.26 or newer is needed" >&2
    exit 1
  fi
fi
go mod download
