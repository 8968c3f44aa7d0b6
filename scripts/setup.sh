#!/usr/bin/env bash
# Installs what DialNexa Account needs on Debian: the C libraries Fyne's
# desktop build links against, Chromium for the panel's browser tests, Xvfb
# and X tools for the desktop window test, oathtool and zbar for 2FA checks,
# PostgreSQL and nginx (which the tests start on loopback ports, never as
# services), npm for axe-core (the accessibility checker the panel's tests
# run, pinned and checked), and the Go modules. Only missing packages are
# installed.
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
# npm, unless one is installed already (with a Node.js of its own).
[ "${1:-}" != "--run" ] && ! command -v npm >/dev/null 2>&1 && missing+=(npm)
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

# axe-core, pinned: the panel's accessibility tests load it into Chromium.
if [ "${1:-}" != "--run" ]; then
  axe=build/axe-core-4.14.1/axe.min.js
  axe_sha256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
  if ! echo "$axe_sha256  $axe" | sha256sum --check --status 2>/dev/null; then
    echo "setup: fetching axe-core 4.14.1"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack axe-core@4.14.1 --silent >/dev/null && tar -xzf axe-core-4.14.1.tgz package/axe.min.js)
    mkdir -p "$(dirname "$axe")"
    mv "$tmp/package/axe.min.js" "$axe"
    rm -rf "$tmp"
    echo "$axe_sha256  $axe" | sha256sum --check --status || { echo "setup: axe-core is not the pinned file" >&2; exit 1; }
  fi
fi
