package e2e

import (
	"path/filepath"
	"testing"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/sync/wire"
)

// A server that announces the desktop app's current release tells every
// app that connects; one older than it says so, one as new does not.
func TestDesktopReleaseIsAnnounced(t *testing.T) {
	t.Parallel()
	ts := startServerTuned(t, "", func(c *node.Config) {
		c.DesktopRelease = &wire.Release{Version: "1.4.2", URL: "https://dialnexa.com/download"}
	})
	older := openClient(t, ts, filepath.Join(t.TempDir(), "older.db"), func(c *core.Config) { c.AppVersion = "v1.4.1" })
	signUp(t, older, "release@example.com", "Rita Release")
	older.run()
	waitFor(t, "the older app told", func() bool {
		u := older.Snapshot().Update
		return u != nil && u.Version == "1.4.2" && u.URL == "https://dialnexa.com/download"
	})
	if got := older.Snapshot().UpdateNotice().Text; got != "DialNexa Account 1.4.2 is available" {
		t.Errorf("notice %q", got)
	}
	current := openClient(t, ts, filepath.Join(t.TempDir(), "current.db"), func(c *core.Config) { c.AppVersion = "v1.4.2" })
	signIn(t, current, "release@example.com")
	current.run()
	waitFor(t, "the current app online", func() bool { return current.Snapshot().Conn == core.Online })
	if u := current.Snapshot().Update; u != nil {
		t.Errorf("an app as new as the release was told of it: %+v", u)
	}
}
