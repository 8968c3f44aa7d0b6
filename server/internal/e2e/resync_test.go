package e2e

import (
	"context"
	"io"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/server/internal/metrics"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/sync/wire"
)

// A resync the rate limit drops is answered, like a dropped push, with
// rate_limited and when to ask again; asked again then, it gets the view.
func TestDroppedResyncIsAnswered(t *testing.T) {
	t.Parallel()
	sockets := clockwork.NewFakeClock()
	ts := startServerTuned(t, "", func(c *node.Config) { c.MessageRate, c.MessageBurst, c.SocketClock = 2, 1, sockets })
	a := newClient(t, ts)
	signUp(t, a, "resync-raw@example.com", "Resync Raw")
	s, w := dialProtocol(t, ts, tokenOf(t, a), 3, "resync-raw", 0)

	send(t, s.ws, wire.Ping{}) // takes the only token
	send(t, s.ws, wire.Ping{}) // dropped, and warned about
	send(t, s.ws, wire.Resync{})
	ts.resyncsSent++
	// Both drops are answered: the resync's although the ping's warning
	// came just before it.
	var e *wire.Error
	for refusals := 0; refusals < 2; {
		m, err := readAny(s.ws)
		if err != nil {
			t.Fatalf("%d of the two drops answered: %v", refusals, err)
		}
		if _, ok := m.(*wire.Pong); ok {
			continue
		}
		var ok bool
		if e, ok = m.(*wire.Error); !ok || e.Code != wire.CodeRateLimited || e.RetryAfterMs <= 0 {
			t.Fatalf("a dropped message answered %#v, want rate_limited with a retry time", m)
		}
		refusals++
	}
	sockets.Advance(time.Duration(e.RetryAfterMs) * time.Millisecond) // the server's retry-after passes
	send(t, s.ws, wire.Resync{})
	ts.resyncsSent++
	v, ok := recvType[*wire.View](t, s.ws)
	if !ok || v.View == nil || v.Version != w.Version || !sameView(t, v.View, w.View) {
		t.Fatalf("resync asked again answered %+v, want the whole view %d", v, w.Version)
	}
}

// One version of a view can be built with different content (here an
// invitation expires between two builds; a session's last activity does
// too): each device is sent patches against exactly the content it holds
// (it says which in its hello, by digest), so a patch always fits and no
// device asks for the whole view.
func TestPatchesFitAcrossBuildsOfOneVersion(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	ts := startServerTuned(t, "", func(c *node.Config) {
		c.MessageRate, c.MessageBurst, c.Heartbeat, c.Metrics = 1, 1, time.Minute, m
		c.JobPoll = time.Hour // no monthly summary brings a newer view meanwhile
	})
	// Heartbeats seldom enough that the tokens go to the edit and resync.
	quiet := func(c *core.Config) { c.Heartbeat = 20 * time.Second }
	ctx := context.Background()
	a := openClient(t, ts, t.TempDir()+"/a.db", quiet)
	signUp(t, a, "resync@example.com", "Resync Owner")
	a.run()
	waitFor(t, "online", online(a))
	if err := a.CreateWorkspace(ctx, "Night Shift"); err != nil {
		t.Fatal(err)
	}
	var wsID string
	waitFor(t, "the workspace", func() bool {
		if ws := a.Snapshot().View.Workspaces; len(ws) > 0 {
			wsID = ws[0].ID
		}
		return wsID != ""
	})
	if _, err := a.Invite(ctx, wsID, "guest@example.com", "member"); err != nil {
		t.Fatal(err)
	}
	b := openClient(t, ts, t.TempDir()+"/b.db", quiet)
	signIn(t, b, "resync@example.com") // a new version, pushed to a with the invitation
	invitations := func(c *testClient) int {
		ws := c.Snapshot().View.Workspaces
		if len(ws) == 0 {
			return -1
		}
		return len(ws[0].Invitations)
	}
	waitFor(t, "the invitation and the new session on the first device", func() bool {
		return invitations(a) == 1 && len(a.Snapshot().View.Sessions) == 2
	})

	ts.clock.Advance(8 * 24 * time.Hour) // the invitation has expired
	b.run()
	waitFor(t, "the second device online", online(b))
	if n := invitations(b); n != 0 {
		t.Fatalf("the second device lists %d invitations, want none (expired): the test does not set up a patch that does not fit", n)
	}

	if err := b.SetDisplayName("Resync Guest"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the edit acknowledged and its view on both devices", func() bool {
		return online(a)() && online(b)() &&
			a.Snapshot().View.Profile.DisplayName == "Resync Guest" && b.Snapshot().View.Profile.DisplayName == "Resync Guest"
	})
	if n := invitations(a); n != 0 {
		t.Errorf("the first device still lists %d invitations", n)
	}
	if got := resyncsReceived(t, m); got != 0 {
		t.Errorf("the server received %d requests for the whole view, want none: every patch fits", got)
	}
}

var resyncsIn = regexp.MustCompile(`dialnexa_sync_messages_total\{direction="in",type="resync"\} (\d+)`)

func resyncsReceived(t *testing.T, m *metrics.Metrics) int {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	match := resyncsIn.FindSubmatch(body)
	if match == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(match[1]))
	return n
}
