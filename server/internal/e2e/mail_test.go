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
	// The outbox lists mails by when they are due: each is found by its
	// recipient, never by its place.
	mailTo := func(to string) (store.Mail, bool) {
		for _, m := range outbox(t, ts) {
			if m.To == to {
				return m, true
			}
		}
		return store.Mail{}, false
	}
	waitFor(t, "a failed attempt", func() bool {
		m, ok := mailTo("retry@example.com")
		return ok && m.Attempts >= 1
	})
	m, _ := mailTo("retry@example.com")
	if m.LastErr == "" || !m.Next.After(ts.clock.Now()) {
		t.Fatalf("failed mail %+v: want an error and a later retry time", m)
	}
	// Not retried before its time: a second mail, due at once, gets its
	// first attempt in a later pass of the worker, which left the first
	// alone.
	apiSignUp(t, ts, "second@example.com", pw, "Second User", "d2")
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "second@example.com"})
	waitFor(t, "the second mail's first attempt", func() bool {
		m, ok := mailTo("second@example.com")
		return ok && m.Attempts >= 1
	})
	if again, _ := mailTo("retry@example.com"); again.Attempts != m.Attempts {
		t.Fatalf("retried before the backoff elapsed: %+v, first seen %+v", again, m)
	}

	ts.inbox.start(t)
	ts.clock.Advance(time.Minute)
	ts.inbox.waitFor(t, "retry@example.com", "Reset your")
	ts.inbox.waitFor(t, "second@example.com", "Reset your")
	waitFor(t, "outbox emptied", func() bool { return len(outbox(t, ts)) == 0 })
}
