//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/core"
)

type authMode int

const (
	modeSignIn authMode = iota
	modeSignUp
	modeForgot
)

// authView is the sign-in form, which switches to sign-up and to "Forgot
// password?", and asks for a code when the account has 2FA.
type authView struct {
	p                                   *panel
	root, title, notice, email, nameRow js.Value
	name, pwRow, password, confirmRow   js.Value
	confirm, codeRow, code, err, info   js.Value
	submit, toggle, forgot, intro       js.Value
	passkey, factorKey                  js.Value
	mode                                authMode
	needCode, busy                      bool
	// challenge is the passkey ceremony a password sign-in was asked to
	// complete as its second factor (nil: none).
	challenge *core.PasskeyRequired
}

func newAuthView(p *panel) *authView {
	a := &authView{p: p}
	a.title = el("h1", nil, txt(core.TextSignInTitle))
	a.notice = el("p", attrs{"id": "auth-notice", "class": "notice", "role": "status"})
	a.intro = el("p", attrs{"class": "hint"}, txt("Enter your account's email address. We will send a link to set a new password; it works for 1 hour."))
	a.email = el("input", attrs{"id": "email", "type": "email", "autocomplete": "username", "required": ""})
	a.name = el("input", attrs{"id": "display-name", "type": "text", "autocomplete": "nickname"})
	a.nameRow = el("label", nil, txt("Display name (2–50 characters)"), a.name)
	a.password = el("input", attrs{"id": "password", "type": "password", "autocomplete": "current-password"})
	a.pwRow = el("label", nil, txt("Password"), a.password)
	a.confirm = el("input", attrs{"id": "password-confirm", "type": "password", "autocomplete": "new-password"})
	a.confirmRow = el("label", nil, txt("Confirm password"), a.confirm)
	a.code = el("input", attrs{"id": "code", "type": "text", "inputmode": "numeric", "autocomplete": "one-time-code"})
	a.codeRow = el("label", nil, txt("Code from your authenticator app, or a backup code"), a.code)
	a.err = el("p", attrs{"id": "auth-error", "class": "error", "role": "alert"})
	a.info = el("p", attrs{"id": "auth-info", "class": "notice", "role": "status"})
	a.submit = el("button", attrs{"id": "auth-submit", "type": "submit", "class": "primary"}, txt("Sign in"))
	a.forgot = el("button", attrs{"id": "auth-forgot", "type": "button", "class": "link"}, txt(core.TextForgotPassword))
	a.toggle = el("button", attrs{"id": "auth-toggle", "type": "button", "class": "link"}, txt("Create an account"))
	a.passkey = el("button", attrs{"id": "auth-passkey", "type": "button"}, txt("Sign in with a passkey"))
	a.factorKey = el("button", attrs{"id": "auth-factor-passkey", "type": "button", "class": "primary"}, txt("Use your passkey"))
	form := el("form", attrs{"id": "auth-form", "novalidate": ""},
		a.title, a.notice, a.intro,
		el("label", nil, txt("Email"), a.email),
		a.nameRow, a.pwRow, a.confirmRow, a.factorKey, a.codeRow, a.err, a.info, a.submit, a.passkey, a.forgot, a.toggle)
	a.root = el("main", attrs{"class": "auth"}, form)
	on(form, "submit", a.doSubmit)
	on(a.toggle, "click", func() {
		if a.mode == modeSignIn {
			a.setMode(modeSignUp)
		} else {
			a.setMode(modeSignIn)
		}
	})
	on(a.forgot, "click", func() { a.setMode(modeForgot) })
	on(a.passkey, "click", a.doPasskey)
	on(a.factorKey, "click", a.doFactorPasskey)
	a.layout()
	return a
}

// forApp says the sign-in is for an application's.
func (a *authView) forApp() {
	a.title.Call("after", el("p", attrs{"id": "auth-for-app", "class": "hint"}, txt(core.TextContinueToApp)))
}

func (a *authView) setMode(m authMode) {
	a.mode, a.needCode, a.challenge = m, false, nil
	setText(a.err, "")
	setText(a.info, "")
	a.code.Set("value", "")
	a.layout()
}

func (a *authView) layout() {
	show(a.intro, a.mode == modeForgot)
	show(a.nameRow, a.mode == modeSignUp)
	show(a.confirmRow, a.mode == modeSignUp)
	show(a.pwRow, a.mode != modeForgot)
	show(a.codeRow, a.mode == modeSignIn && a.needCode && (a.challenge == nil || a.challenge.Codes))
	show(a.factorKey, a.mode == modeSignIn && a.challenge != nil)
	show(a.passkey, a.mode == modeSignIn && !a.needCode)
	show(a.forgot, a.mode == modeSignIn)
	show(a.info, a.mode == modeForgot)
	switch a.mode {
	case modeSignUp:
		setText(a.title, "Create your DialNexa account")
		setText(a.submit, "Create account")
		setText(a.toggle, "I have an account: sign in")
		a.password.Set("autocomplete", "new-password")
	case modeForgot:
		setText(a.title, "Reset your password")
		setText(a.submit, "Send reset link")
		setText(a.toggle, "Back to sign-in")
	default:
		setText(a.title, core.TextSignInTitle)
		setText(a.submit, "Sign in")
		setText(a.toggle, "Create an account")
		a.password.Set("autocomplete", "current-password")
	}
}

func (a *authView) render(s core.Snapshot) {
	setText(a.notice, s.Notice)
	show(a.notice, s.Notice != "")
	setDisabled(a.submit, a.busy)
}

// reset shows a fresh sign-in form (after signing out or being signed out).
func (a *authView) reset() {
	a.mode = modeSignIn
	a.password.Set("value", "")
	a.confirm.Set("value", "")
	a.code.Set("value", "")
	a.needCode, a.challenge = false, nil
	setText(a.err, "")
	a.layout()
}

func (a *authView) doSubmit() {
	if a.busy {
		return
	}
	email, pw := value(a.email), value(a.password)
	if msg := core.CheckSignUpConfirmation(pw, value(a.confirm)); a.mode == modeSignUp && msg != "" {
		setText(a.err, msg)
		return
	}
	a.busy = true
	setText(a.err, "")
	setDisabled(a.submit, true)
	ctx, cancel := requestContext()
	defer cancel()
	var err error
	switch a.mode {
	case modeSignUp:
		err = a.p.c.SignUp(ctx, email, pw, value(a.name))
	case modeForgot:
		var msg string
		msg, err = a.p.c.ForgotPassword(ctx, email)
		setText(a.info, msg)
	default:
		err = a.p.c.SignIn(ctx, email, pw, value(a.code))
		if core.NeedsSecondFactor(err) {
			a.needCode = true
			if c, ok := core.PasskeyChallenge(err); ok {
				a.challenge = c
			}
			a.layout()
			if a.challenge != nil {
				a.factorKey.Call("focus")
			} else {
				a.code.Call("focus")
			}
		}
	}
	a.busy = false
	setText(a.err, core.UserMessage(err))
	a.p.refresh()
}

// doPasskey signs in with a passkey alone: no email, no password.
func (a *authView) doPasskey() {
	a.withBusy(func(ctx context.Context) error {
		c, err := a.p.c.PasskeySignInOptions(ctx)
		if err != nil {
			return err
		}
		cred, err := usePasskey(c)
		if err != nil {
			return err
		}
		return a.p.c.SignInWithPasskey(ctx, c.ID, cred)
	})
}

// doFactorPasskey completes a password sign-in with the passkey the
// server asked for.
func (a *authView) doFactorPasskey() {
	c := a.challenge
	if c == nil {
		return
	}
	a.withBusy(func(ctx context.Context) error {
		cred, err := usePasskey(c.Ceremony)
		if err != nil {
			return err
		}
		err = a.p.c.SignInWithPasskeyFactor(ctx, value(a.email), value(a.password), c.Ceremony.ID, cred)
		if err != nil {
			// Each request is used once: ask for a new one (the password
			// was right) so the user can try again.
			if next, ok := core.PasskeyChallenge(a.p.c.SignIn(ctx, value(a.email), value(a.password), "")); ok {
				a.challenge = next
			}
		}
		return err
	})
}

// withBusy runs fn as the form's one action, showing its error.
func (a *authView) withBusy(fn func(ctx context.Context) error) {
	if a.busy {
		return
	}
	a.busy = true
	setText(a.err, "")
	setDisabled(a.submit, true)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // the user may take a while at the authenticator
	defer cancel()
	err := fn(ctx)
	a.busy = false
	setText(a.err, core.UserMessage(err))
	a.p.refresh()
}
