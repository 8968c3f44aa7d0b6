package account_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

func TestTwoFactorAndStepUp(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")

	// Without the password and no step-up window: refused.
	_, err := e.svc.SetupTwoFactor(e.ctx, ada, "")
	refused(t, err, account.Forbidden, account.StepUpRequired)
	setup, err := e.svc.SetupTwoFactor(e.ctx, ada, password)
	if err != nil {
		t.Fatal(err)
	}
	// The password opened this session's window: it is not asked again.
	ada = reload(t, e, ada)
	_, err = e.svc.EnableTwoFactor(e.ctx, ada, "", "000000")
	refused(t, err, account.Invalid, account.BadCredentials)
	code, _ := auth.TOTPCode(setup.Secret, e.clock.Now(), 6)
	backup, err := e.svc.EnableTwoFactor(e.ctx, ada, "", code)
	if err != nil || len(backup) == 0 {
		t.Fatalf("enable: %d codes, %v", len(backup), err)
	}
	if !e.account(ada.AccountID).TwoFactor.Enabled {
		t.Fatal("2FA is not on")
	}

	// Signing in now needs the second factor; a backup code works once.
	_, err = e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: password})
	refused(t, err, account.Unauthenticated, account.SecondFactor)
	if _, err := e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: password, Code: backup[0], DeviceID: "device-Ada"}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.SignIn(e.ctx, origin, account.SignIn{Email: "ada@example.com", Password: password, Code: backup[0], DeviceID: "device-Ada"})
	refused(t, err, account.Unauthenticated, account.BadCredentials)

	// After the window, turning it off needs the password again, and a code.
	e.clock.Advance(model.StepUpWindow + time.Second)
	ada = reload(t, e, ada)
	refused(t, e.svc.DisableTwoFactor(e.ctx, ada, "", backup[1]), account.Forbidden, account.StepUpRequired)
	refused(t, e.svc.DisableTwoFactor(e.ctx, ada, password, "12345678"), account.Forbidden, account.BadCredentials)
	e.clock.Advance(time.Minute)
	if err := e.svc.DisableTwoFactor(e.ctx, ada, password, backup[1]); err != nil {
		t.Fatal(err)
	}
	if e.account(ada.AccountID).TwoFactor.Enabled {
		t.Fatal("2FA still on")
	}
	acts := activity(t, e, ada.AccountID)
	if acts[0].Kind != model.ActTwoFactorOff {
		t.Fatalf("newest activity %+v", acts[0])
	}
}

// reload reads the session as stored now.
func reload(t *testing.T, e *env, ss store.Session) store.Session {
	t.Helper()
	if err := e.st.View(e.ctx, func(tx store.Tx) (err error) { ss, err = tx.Session(ss.ID); return }); err != nil {
		t.Fatal(err)
	}
	return ss
}

// waitMail runs the service's background work until a mail to the address
// is queued (the jobs run in order, so every job queued before its own has
// run too).
func waitMail(t *testing.T, e *env, to string, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(e.ctx)
	var bg sync.WaitGroup
	bg.Go(func() { e.svc.Run(ctx) })
	defer bg.Wait()
	defer cancel()
	for deadline := time.Now().Add(10 * time.Second); len(e.mails(to)) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s within 10s", to)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestResetAndEmailLinks(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	e.signUp("bob@example.com", "Bob")
	if err := e.svc.ForgotPassword(e.ctx, origin, "not an address"); err == nil {
		t.Fatal("a malformed address was accepted")
	}
	// Both answered alike, whether or not the address has an account.
	if err := e.svc.ForgotPassword(e.ctx, origin, "nobody@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ForgotPassword(e.ctx, origin, "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	waitMail(t, e, "ada@example.com", 1)
	if got := e.mails("nobody@example.com"); len(got) != 0 {
		t.Fatalf("mail to an address with no account: %+v", got)
	}
	reset := e.linkToken("ada@example.com")

	// A changed email ends the reset link (credential change).
	if err := e.svc.ChangeEmail(e.ctx, ada, "bob@example.com", password); err != nil {
		t.Fatal(err) // taken: same answer, no mail
	}
	if got := e.mails("bob@example.com"); len(got) != 0 {
		t.Fatalf("a mail went to an address another account holds: %+v", got)
	}
	if err := e.svc.ChangeEmail(e.ctx, ada, "ada@lovelace.example", password); err != nil {
		t.Fatal(err)
	}
	newEmail, err := e.svc.VerifyEmail(e.ctx, origin, e.linkToken("ada@lovelace.example"), "")
	if err != nil || newEmail != "ada@lovelace.example" {
		t.Fatalf("verify: %q, %v", newEmail, err)
	}
	err = e.svc.ResetPassword(e.ctx, origin, account.ResetPassword{Token: reset, New: "Another password 9?"})
	refused(t, err, account.Invalid, account.Expired)

	// A fresh link resets the password and ends every session.
	if err := e.svc.ForgotPassword(e.ctx, origin, "ada@lovelace.example"); err != nil {
		t.Fatal(err)
	}
	waitMail(t, e, "ada@lovelace.example", 2)
	e.fx.take()
	if err := e.svc.ResetPassword(e.ctx, origin, account.ResetPassword{Token: e.linkToken("ada@lovelace.example"), New: "Another password 9?"}); err != nil {
		t.Fatal(err)
	}
	fxs := e.fx.take()
	if len(fxs) != 1 || len(fxs[0].Sessions) != 1 || fxs[0].Sessions[0].ID != ada.ID {
		t.Fatalf("reset published %+v, want the only session revoked", fxs)
	}
}
