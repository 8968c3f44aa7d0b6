#!/usr/bin/env bash
# Builds DialNexa Account's release artefacts into dist/ (or the directory
# given):
#
#   dialnexa-server-VERSION-linux-amd64          the server: static
#       (CGO_ENABLED=0), -trimpath, its version linked in, the browser panel
#       built in (served from the binary unless -panel overrides)
#   dialnexa-account-VERSION-linux-amd64.tar.xz  the desktop app for Linux
#       (fyne package: the dialnexa-account binary, its icon, a .desktop
#       file, a Makefile to install them)
#   dialnexa-account-VERSION-windows-amd64.exe   the desktop app for
#       Windows, with its icon
#   SHA256SUMS
#
# DIALNEXA_VERSION sets the version (default: git describe). RELEASE_TARGETS
# picks some of "server linux windows" (default all three). The desktop
# builds take several minutes the first time; Windows needs
# gcc-mingw-w64-x86-64, which this installs. macOS builds need a Mac:
# `fyne package --target darwin` there.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
out=$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)
version=${DIALNEXA_VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
targets=${RELEASE_TARGETS:-server linux windows}
# fyne wants x.y.z: a tag such as v1.4.2 gives 1.4.2, anything else the
# version in FyneApp.toml.
appversion=$(sed -n 's/^Version = "\(.*\)"/\1/p' FyneApp.toml)
if [[ "$version" =~ ^v?([0-9]+\.[0-9]+\.[0-9]+)$ ]]; then appversion=${BASH_REMATCH[1]}; fi

want() { [[ " $targets " == *" $1 "* ]]; }

if want server; then
  echo "release: the server $version with the panel built in"
  bash scripts/build-panel.sh server/internal/panel/dist >/dev/null
  trap 'rm -rf server/internal/panel/dist' EXIT
  CGO_ENABLED=0 go build -trimpath -tags embedpanel \
    -ldflags "-s -w -X github.com/dialnexa/account/server/internal/buildinfo.Version=$version" \
    -o "$out/dialnexa-server-$version-linux-amd64" ./server
fi

if want linux || want windows; then
  bash scripts/setup.sh --run
  # The packaging tool, pinned, built for this machine.
  tools=$(mktemp -d)
  GOOS= GOARCH= GOBIN="$tools" go install fyne.io/tools/cmd/fyne@v1.7.4
  fyne="$tools/fyne"
  # fyne package counts builds in FyneApp.toml; the release leaves it as
  # it was.
  cp FyneApp.toml "$out/.FyneApp.toml"
  trap 'rm -rf server/internal/panel/dist "$tools" tmp-pkg; mv "$out/.FyneApp.toml" FyneApp.toml' EXIT
fi
if want linux; then
  echo "release: the desktop app $appversion for Linux"
  # Built first under its own name (fyne would name it after the module:
  # "account"), then packaged: the binary, the .desktop file's Exec and
  # the install Makefile all say dialnexa-account.
  $fyne build --target linux --release -o dialnexa-account
  $fyne package --target linux --release --executable dialnexa-account --app-version "$appversion" --icon assets/icon.png
  mv "DialNexa Account.tar.xz" "$out/dialnexa-account-$version-linux-amd64.tar.xz"
  rm -f dialnexa-account
fi
if want windows; then
  if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get install -y -qq --no-install-recommends gcc-mingw-w64-x86-64 >/dev/null
  fi
  echo "release: the desktop app $appversion for Windows"
  GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $fyne package --target windows --release --app-version "$appversion" --icon assets/icon.png
  mv "DialNexa Account.exe" "$out/dialnexa-account-$version-windows-amd64.exe"
fi

(cd "$out" && rm -f SHA256SUMS && sha256sum dialnexa-* > SHA256SUMS)
echo "release: in $out:"
ls -l "$out"
