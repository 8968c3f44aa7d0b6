//go:build !js

package hub

import (
	"testing"
	"time"
)

// The views sent to an account are kept while it has a peer here, the
// newest two, and go with its last peer: a view remembered after that is
// not kept.
func TestSentViewsGoWithTheLastPeer(t *testing.T) {
	r := newRig(t)
	if r.hub.RememberView("acct", Held{1, "h1"}, []byte(`"v1"`)); r.hub.SentView("acct", "h1") != nil {
		t.Fatal("a view of an account with no peer here was kept")
	}
	_, c1 := r.dial("acct", "s1")
	_, c2 := r.dial("acct", "s2")
	r.hub.RememberView("acct", Held{1, "h1"}, []byte(`"v1"`))
	r.hub.RememberView("acct", Held{2, "h2"}, []byte(`"v2"`))
	r.hub.RememberView("acct", Held{3, "h3"}, []byte(`"v3"`))
	if r.hub.SentView("acct", "h1") != nil || string(r.hub.SentView("acct", "h2")) != `"v2"` || string(r.hub.SentView("acct", "h3")) != `"v3"` {
		t.Fatalf("kept %q %q %q, want the newest two", r.hub.SentView("acct", "h1"), r.hub.SentView("acct", "h2"), r.hub.SentView("acct", "h3"))
	}
	if r.hub.RememberView("acct", Held{1, "h1"}, []byte(`"v1"`)); r.hub.SentView("acct", "h1") != nil {
		t.Error("an older view pushed out a newer one")
	}
	c1.CloseNow()
	waitUntil(t, "the first peer leaves", func() bool { return r.hub.Count() == 1 })
	if string(r.hub.SentView("acct", "h3")) != `"v3"` {
		t.Error("the views went while a peer of the account was still here")
	}
	c2.CloseNow()
	waitGone(t, r.hub)
	if r.hub.SentView("acct", "h3") != nil {
		t.Error("the views outlived the account's last peer")
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
