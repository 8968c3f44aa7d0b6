#!/usr/bin/env bash
# Renders every screen of the desktop app (Fyne's software renderer) and of
# the browser panel (headless chromium), against a real server with sample
# data, into docs/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null 2>&1 || export PATH="$PATH:/usr/local/go/bin"
bash scripts/setup.sh
export LANG=en_US.UTF-8
mkdir -p docs/screenshots
DIALNEXA_SCREENSHOTS="$PWD/docs/screenshots" go test -count=1 -run '^(TestScreenshots|TestDesktopWindowUnderXvfb|TestPanelPasskeys|TestDesktopPasskeys|TestDesktopDownloadMyData|TestPanelDownloadMyData|TestDesktopSignsInThroughTheBrowser|TestPanelInvitationPage|TestPanelReceivedInvitations)$' ./server/internal/e2e
ls docs/screenshots
