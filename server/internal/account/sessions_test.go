package account_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
)

func TestSignUpAndSignIn(t *testing.T) {
	e := newEnv(t)
	ss := e.signUp("ada@example.com", "Ada")
	if fx := e.fx.take(); !views(fx)[ss.AccountID] {
		t.Fatalf("sign-up published %+v, want the account's view pushed", fx)
	}

	_, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: " ADA@example.com", Password: password, DisplayName: "Other"})
	refused(t, err, account.Conflict, account.NoReason)
	_, err = e.svc.SignUp(e.ctx, origin, account.SignUp{Email: "bob@example.com", Password: "short", DisplayName: "Bob"})
	refused(t, err, account.Invalid, account.NoReason)

	// A wrong password and an unknown address get the same answer; the
	// account counts the failure.
	_, err = e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: "wrong password 1"})
	wrong := refused(t, err, account.Unauthenticated, account.BadCredentials)
	_, err = e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "nobody@example.com", Password: "wrong password 1"})
	if unknown := refused(t, err, account.Unauthenticated, account.BadCredentials); unknown.Message != wrong.Message {
		t.Fatalf("unknown address answered %q, wrong password %q", unknown.Message, wrong.Message)
	}
	if a := e.account(ss.AccountID); a.Failures != 1 {
		t.Fatalf("failures = %d after one wrong password, want 1", a.Failures)
	}
	if fx := e.fx.take(); len(fx) != 0 {
		t.Fatalf("refused sign-ins published %+v", fx)
	}

	// A device the account has not used raises a security alert: an event
	// for the other clients, an open alert, a mail; the count resets.
	other := e.signIn("ada@example.com", "laptop-2")
	fxs := e.fx.take()
	if len(fxs) != 1 || len(fxs[0].Events) != 1 || fxs[0].Events[0].Event.Kind != account.EventSecurityAlert || !fxs[0].Mail {
		t.Fatalf("new-device sign-in published %+v, want one security-alert event and mail", fxs)
	}
	a := e.account(ss.AccountID)
	if a.Failures != 0 || len(a.Alerts) != 1 || a.Alerts[0].SessionID != other.ID {
		t.Fatalf("after the new-device sign-in: failures %d, alerts %+v", a.Failures, a.Alerts)
	}
	if ms := e.mails("ada@example.com"); len(ms) != 1 {
		t.Fatalf("%d mails to the owner, want the new-device mail", len(ms))
	}
	// The same device again is an ordinary sign-in.
	e.signIn("ada@example.com", "laptop-2")
	if fxs := e.fx.take(); len(fxs) != 1 || len(fxs[0].Events) != 0 {
		t.Fatalf("a known device published %+v, want no alert", fxs)
	}
}

func TestThrottledAfterFailures(t *testing.T) {
	e := newEnv(t)
	e.signUp("ada@example.com", "Ada")
	try := func() error {
		_, err := e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: "wrong password 1"})
		return err
	}
	for range 5 {
		e.clock.Advance(10 * time.Second) // the per-address limit refills
		refused(t, try(), account.Unauthenticated, account.BadCredentials)
	}
	// The sixth attempt must wait a second, even with the right password.
	_, err := e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: password})
	if r := refused(t, err, account.Throttled, account.NoReason); r.RetryAfter < 1 {
		t.Fatalf("throttled without saying when to retry: %+v", r)
	}
	e.clock.Advance(2 * time.Second)
	if _, err := e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: password}); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
}

func TestRevokeSession(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	laptop := e.signIn("ada@example.com", "laptop")
	bob := e.signUp("bob@example.com", "Bob")
	e.fx.take()

	// Another account's session is not found, and nothing happens.
	refused(t, e.svc.RevokeSession(e.ctx, bob, laptop.ID), account.NotFound, account.NoReason)
	if fx := e.fx.take(); len(fx) != 0 {
		t.Fatalf("a refused revocation published %+v", fx)
	}
	if err := e.svc.RevokeSession(e.ctx, ada, laptop.ID); err != nil {
		t.Fatal(err)
	}
	fxs := e.fx.take()
	if len(fxs) != 1 || len(fxs[0].Sessions) != 1 || fxs[0].Sessions[0].ID != laptop.ID || !views(fxs)[ada.AccountID] {
		t.Fatalf("revocation published %+v, want the laptop's sockets closed and the view pushed", fxs)
	}
	err := e.st.View(e.ctx, func(tx store.Tx) error { _, err := tx.SessionByToken(laptop.TokenHash); return err })
	var ended *store.EndedError
	if !errors.As(err, &ended) || ended.Reason != "This session was revoked from another device." {
		t.Fatalf("the revoked session reads %v", err)
	}
	refused(t, e.svc.RevokeSession(e.ctx, ada, laptop.ID), account.NotFound, account.NoReason)

	n, err := e.svc.RevokeOthers(e.ctx, ada)
	if err != nil || n != 0 {
		t.Fatalf("revoke others with none left: %d, %v", n, err)
	}
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	laptop := e.signIn("ada@example.com", "laptop")
	if err := e.svc.ForgotPassword(e.ctx, origin, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	e.fx.take()

	err := e.svc.ChangePassword(e.ctx, ada, account.ChangePassword{Current: "not my password", New: "A brand new password 7!"})
	refused(t, err, account.Forbidden, account.BadCredentials)
	err = e.svc.ChangePassword(e.ctx, ada, account.ChangePassword{Current: password, New: password})
	refused(t, err, account.Invalid, account.NoReason)
	if fx := e.fx.take(); len(fx) != 0 {
		t.Fatalf("refused changes published %+v", fx)
	}

	before := e.account(ada.AccountID)
	if err := e.svc.ChangePassword(e.ctx, ada, account.ChangePassword{Current: password, New: "A brand new password 7!", SignOutOthers: true}); err != nil {
		t.Fatal(err)
	}
	fxs := e.fx.take()
	if len(fxs) != 1 || len(fxs[0].Sessions) != 1 || fxs[0].Sessions[0].ID != laptop.ID || !fxs[0].Mail {
		t.Fatalf("published %+v, want the laptop revoked and a mail", fxs)
	}
	after := e.account(ada.AccountID)
	if after.LinkEpoch != before.LinkEpoch+1 || after.Version <= before.Version {
		t.Fatalf("links not ended or version not bumped: %+v → %+v", before, after)
	}
	acts := activity(t, e, ada.AccountID)
	if acts[0].Kind != model.ActPasswordChanged {
		t.Fatalf("newest activity %+v, want password changed", acts[0])
	}
	if _, err := e.svc.Authenticate(e.ctx, "x"); err == nil {
		t.Fatal("a made-up token authenticated")
	}
	if _, err := e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: "A brand new password 7!", DeviceID: "device-Ada"}); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
}

func activity(t *testing.T, e *env, accountID string) []store.Activity {
	t.Helper()
	var acts []store.Activity
	if err := e.st.View(e.ctx, func(tx store.Tx) (err error) { acts, err = tx.Activity(accountID, 50); return }); err != nil {
		t.Fatal(err)
	}
	return acts
}

// A session's last activity is recorded at most once a minute, written by
// Run off the request's path, and never moved back.
func TestLastActivityIsWrittenOffThePath(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Go(func() { e.svc.Run(ctx) })
	defer func() { cancel(); bg.Wait() }()
	ns, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: "touch@example.com", Password: password, DisplayName: "Tess Touch", DeviceID: "device-t"})
	if err != nil {
		t.Fatal(err)
	}
	ss := e.session(ns)
	start := reload(t, e, ss).LastActive
	e.clock.Advance(90 * time.Second)
	got, err := e.svc.Authenticate(e.ctx, ns.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !got.LastActive.Equal(e.clock.Now()) {
		t.Errorf("the request sees last activity %v, want now %v", got.LastActive, e.clock.Now())
	}
	deadline := time.Now().Add(10 * time.Second)
	for !reload(t, e, ss).LastActive.Equal(e.clock.Now()) {
		if time.Now().After(deadline) {
			t.Fatalf("last activity stored %v, want %v (was %v)", reload(t, e, ss).LastActive, e.clock.Now(), start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Within the minute: nothing more is recorded.
	e.clock.Advance(10 * time.Second)
	if got, _ := e.svc.Authenticate(e.ctx, ns.Token); got.LastActive.Equal(e.clock.Now()) {
		t.Error("last activity recorded again within the minute")
	}
}
