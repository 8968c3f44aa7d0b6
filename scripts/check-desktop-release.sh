#!/usr/bin/env bash
# Builds the Linux desktop release into a temporary directory and checks
# what it holds: the dialnexa-account binary, its icon, and a .desktop file
# that starts that binary and describes the app.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
RELEASE_TARGETS=linux DIALNEXA_VERSION=v0.0.0-check bash scripts/release.sh "$out" >/dev/null
tarball="$out/dialnexa-account-v0.0.0-check-linux-amd64.tar.xz"
mkdir "$out/x"
tar -xJf "$tarball" -C "$out/x"
root="$out/x/dialnexa-account/usr/local"
fail() { echo "desktop release: $*" >&2; exit 1; }
[ -x "$root/bin/dialnexa-account" ] || fail "no bin/dialnexa-account in the tarball: $(tar -tJf "$tarball" | tr '\n' ' ')"
[ -s "$root/share/pixmaps/com.dialnexa.account.png" ] || fail "no icon"
desktop="$root/share/applications/com.dialnexa.account.desktop"
[ -f "$desktop" ] || fail "no .desktop file"
grep -qx 'Exec=dialnexa-account' "$desktop" || fail ".desktop does not start dialnexa-account: $(cat "$desktop")"
grep -qx 'Name=DialNexa Account' "$desktop" || fail ".desktop has no name"
grep -q '^Categories=.*Network' "$desktop" || fail ".desktop has no categories"
grep -q '^Comment=' "$desktop" || fail ".desktop has no comment"
echo "desktop release: dialnexa-account, its icon and .desktop file are in the tarball"
