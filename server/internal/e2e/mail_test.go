package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

func outbox(t *testing.T, ts *testServer) []store.Mail {
	t.Helper()
	var out []store.Mail
	err := ts.st.View(context.Background(), func(tx store.Tx) (err error) {
		out, err = tx.DueMail(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A mail whose SMTP server is down stays in the outbox and is retried with
// backoff until it is delivered.
func TestMailIsRetriedUntilDelivered(t *testing.T) {
	ts := startServer(t)
	apiSignUp(t, ts, "retry@example.com", pw, "Retry User", "d1")
	ts.inbox.srv.Close()

	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "retry@example.com"})
	waitFor(t, "a failed attempt", func() bool {
		o := outbox(t, ts)
		return len(o) == 1 && o[0].Attempts >= 1
	})
	m := outbox(t, ts)[0]
	if m.LastErr == "" || !m.Next.After(ts.clock.Now()) {
		t.Fatalf("failed mail %+v: want an error and a later retry time", m)
	}
	// Not retried before its time: a second mail, due at once, gets its
	// first attempt in a later pass of the worker, which left the first
	// alone.
	apiSignUp(t, ts, "second@example.com", pw, "Second User", "d2")
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "second@example.com"})
	waitFor(t, "the second mail's first attempt", func() bool {
		o := outbox(t, ts)
		return len(o) == 2 && o[1].Attempts >= 1
	})
	if o := outbox(t, ts); o[0].Attempts != m.Attempts {
		t.Fatalf("retried before the backoff elapsed: %+v", o)
	}

	ts.inbox.start(t)
	ts.clock.Advance(time.Minute)
	ts.inbox.waitFor(t, "retry@example.com", "Reset your")
	ts.inbox.waitFor(t, "second@example.com", "Reset your")
	waitFor(t, "outbox emptied", func() bool { return len(outbox(t, ts)) == 0 })
}
