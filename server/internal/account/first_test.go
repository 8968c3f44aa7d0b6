package account_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// stopper is Config.Stop for a test: during a revocation, before its
// commit, it records the sessions cut off and runs during (if set).
type stopper struct {
	calls  [][]string
	during func(ids []string)
}

func (s *stopper) stop(accountID string, ids []string) {
	s.calls = append(s.calls, slices.Clone(ids))
	if s.during != nil {
		s.during(ids)
	}
}

func newStoppingEnv(t *testing.T) (*env, *stopper) {
	st := &stopper{}
	e := newEnv(t, func(c *account.Config) { c.Stop = st.stop })
	return e, st
}

// device signs in another device of the account and returns its token.
func (e *env) device(email, deviceID string) (store.Session, string) {
	e.t.Helper()
	ns, err := e.svc.SignIn(e.ctx, origin, account.SignIn{Email: email, Password: password, DeviceID: deviceID, Device: device.Info{Kind: "desktop", OS: "linux", Name: deviceID}})
	if err != nil {
		e.t.Fatalf("sign in %s: %v", email, err)
	}
	return e.session(ns), ns.Token
}

// authenticating starts Authenticate(token) and returns once it waits for
// a revocation's outcome; its result arrives on the channel.
func (e *env) authenticating(token string) <-chan error {
	e.t.Helper()
	out := make(chan error, 1)
	before := e.svc.EndingWaiters()
	go func() { _, err := e.svc.Authenticate(context.Background(), token); out <- err }()
	deadline := time.Now().Add(10 * time.Second)
	for e.svc.EndingWaiters() == before {
		select {
		case err := <-out:
			e.t.Fatalf("Authenticate returned %v without waiting for the revocation being committed", err)
		default:
		}
		if time.Now().After(deadline) {
			e.t.Fatal("Authenticate never waited for the revocation being committed")
		}
		time.Sleep(time.Millisecond)
	}
	return out
}

// A revocation cuts the session off once authorized, before its commit;
// meanwhile the session's requests wait, and after it are refused with
// the revocation's reason.
func TestRevocationCutsOffFirst(t *testing.T) {
	e, st := newStoppingEnv(t)
	me := e.signUp("ada@example.com", "Ada")
	stolen, token := e.device("ada@example.com", "laptop-2")

	var waiting <-chan error
	st.during = func([]string) {
		// Not yet committed: the session is still in the store.
		if err := e.st.View(e.ctx, func(tx store.Tx) error { _, err := tx.Session(stolen.ID); return err }); err != nil {
			t.Errorf("the session during the stop: %v, want it not yet ended", err)
		}
		waiting = e.authenticating(token)
	}
	if err := e.svc.RevokeSession(e.ctx, me, stolen.ID); err != nil {
		t.Fatal(err)
	}
	if len(st.calls) != 1 || !slices.Equal(st.calls[0], []string{stolen.ID}) {
		t.Fatalf("stopped %v, want the revoked session once", st.calls)
	}
	refusal := refused(t, <-waiting, account.Unauthenticated, account.SessionEnded)
	if refusal.Message != "This session was revoked from another device." {
		t.Errorf("the waiting request was told %q", refusal.Message)
	}

	// A session of another account is not the caller's to cut off.
	bob := e.signUp("bob@example.com", "Bob")
	st.calls, st.during = nil, nil
	err := e.svc.RevokeSession(e.ctx, me, bob.ID)
	refused(t, err, account.NotFound, account.NoReason)
	if len(st.calls) != 0 {
		t.Errorf("revoking another account's session stopped %v", st.calls)
	}
}

// A revocation whose commit fails leaves the session as it was: the
// request that waited goes on.
func TestRevocationThatFailsLetsTheSessionGoOn(t *testing.T) {
	e, st := newStoppingEnv(t)
	me := e.signUp("ada@example.com", "Ada")
	other, token := e.device("ada@example.com", "laptop-2")
	ctx, cancel := context.WithCancel(e.ctx)
	var waiting <-chan error
	st.during = func([]string) {
		waiting = e.authenticating(token)
		cancel() // the commit fails
	}
	if err := e.svc.RevokeSession(ctx, me, other.ID); !errors.Is(err, context.Canceled) {
		t.Fatalf("revocation with a failed commit: %v, want the failure", err)
	}
	if err := <-waiting; err != nil {
		t.Fatalf("the waiting request after the failed commit: %v, want the session live", err)
	}
	if _, err := e.svc.Authenticate(e.ctx, token); err != nil {
		t.Fatalf("the session after the failed commit: %v", err)
	}
}

// Signing out every other session, and a password change that does, cut
// the others off first; the caller's own session goes on.
func TestEndingOthersCutsThemOffFirst(t *testing.T) {
	e, st := newStoppingEnv(t)
	me := e.signUp("ada@example.com", "Ada")
	a, _ := e.device("ada@example.com", "laptop-2")
	b, _ := e.device("ada@example.com", "laptop-3")
	if n, err := e.svc.RevokeOthers(e.ctx, me); err != nil || n != 2 {
		t.Fatalf("revoke others: %d, %v", n, err)
	}
	want := []string{a.ID, b.ID}
	slices.Sort(want)
	if len(st.calls) != 1 || !slices.Equal(slices.Sorted(slices.Values(st.calls[0])), want) {
		t.Fatalf("stopped %v, want %v", st.calls, want)
	}

	c, _ := e.device("ada@example.com", "laptop-4")
	st.calls = nil
	if err := e.svc.ChangePassword(e.ctx, me, account.ChangePassword{Current: password, New: "Another horse battery 43!", SignOutOthers: true}); err != nil {
		t.Fatal(err)
	}
	if len(st.calls) != 1 || !slices.Equal(st.calls[0], []string{c.ID}) {
		t.Fatalf("password change stopped %v, want [%s]", st.calls, c.ID)
	}
	if live, err := e.svc.SessionLive(e.ctx, me.ID); err != nil || !live {
		t.Fatalf("the caller's own session: live %v, %v", live, err)
	}
}
