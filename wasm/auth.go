//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/core"
)

// authView is the sign-in form, which switches to sign-up and to "Forgot
// password?", and asks for a code when the account has 2FA.
type authView struct {
	p                                   *panel
	root, title, notice, email, nameRow js.Value
	name, pwRow, password, confirmRow   js.Value
	confirm, codeRow, code, err, info   js.Value
	submit, toggle, forgot, intro       js.Value
	pwLabel, step                       js.Value
	passkey, factorKey                  js.Value
	// st is where the form is; st.PasskeyFactor is the passkey ceremony
	// a password sign-in was asked to complete as its second factor.
	st   core.AuthState
	snap core.Snapshot // the last one rendered
}

func newAuthView(p *panel) *authView {
	a := &authView{p: p}
	a.title = el("h1", nil, txt(core.TextSignInTitle))
	a.notice = el("p", attrs{"id": "auth-notice", "class": "notice", "role": "status"})
	a.intro = el("p", attrs{"class": "hint"})
	a.email = el("input", attrs{"id": "email", "type": "email", "autocomplete": "username", "required": ""})
	a.name = el("input", attrs{"id": "display-name", "type": "text", "autocomplete": "nickname"})
	a.nameRow = el("label", nil, txt(core.TextDisplayNameNew), a.name)
	a.password = el("input", attrs{"id": "password", "type": "password", "autocomplete": "current-password"})
	a.pwLabel = el("span", nil)
	a.pwRow = el("label", nil, a.pwLabel, a.password)
	a.confirm = el("input", attrs{"id": "password-confirm", "type": "password", "autocomplete": "new-password"})
	a.confirmRow = el("label", nil, txt(core.TextConfirmPassword), a.confirm)
	a.code = el("input", attrs{"id": "code", "type": "text", "inputmode": "numeric", "autocomplete": "one-time-code"})
	a.codeRow = el("label", nil, txt(core.TextCodeField), a.code)
	a.err = el("p", attrs{"id": "auth-error", "class": "error", "role": "alert"})
	a.step = el("p", attrs{"id": "auth-step", "class": "step", "role": "status"})
	a.info = el("p", attrs{"id": "auth-info", "class": "notice", "role": "status"})
	a.submit = el("button", attrs{"id": "auth-submit", "type": "submit", "class": "primary"})
	a.forgot = el("button", attrs{"id": "auth-forgot", "type": "button", "class": "link"}, txt(core.TextForgotPassword))
	a.toggle = el("button", attrs{"id": "auth-toggle", "type": "button", "class": "link"})
	a.passkey = el("button", attrs{"id": "auth-passkey", "type": "button"}, txt(core.TextPasskeySignIn))
	a.factorKey = el("button", attrs{"id": "auth-factor-passkey", "type": "button", "class": "primary"}, txt(core.TextUsePasskey))
	form := el("form", attrs{"id": "auth-form", "novalidate": ""},
		a.title, a.notice, a.intro,
		el("label", nil, txt(core.TextEmail), a.email),
		a.nameRow, a.pwRow, a.confirmRow, a.step, a.factorKey, a.codeRow, a.err, a.info, a.submit, a.passkey, a.forgot, a.toggle)
	a.root = el("main", attrs{"class": "auth"}, form)
	on(form, "submit", a.doSubmit)
	on(a.toggle, "click", func() {
		if a.st.Mode == core.AuthSignIn {
			a.setMode(core.AuthSignUp)
		} else {
			a.setMode(core.AuthSignIn)
		}
	})
	on(a.forgot, "click", func() { a.setMode(core.AuthForgot) })
	on(a.passkey, "click", a.doPasskey)
	on(a.factorKey, "click", a.doFactorPasskey)
	a.layout()
	return a
}

// forNext says what the sign-in is for (an application's, an invitation).
func (a *authView) forNext(why string) {
	a.title.Call("after", el("p", attrs{"id": "auth-for-app", "class": "hint"}, txt(why)))
}

func (a *authView) setMode(m core.AuthMode) {
	a.st = core.AuthState{Mode: m}
	setText(a.err, "")
	setText(a.info, "")
	a.code.Set("value", "")
	a.layout()
}

// layout shows the form of the current state.
func (a *authView) layout() {
	v := a.snap.Auth(a.st)
	setText(a.title, v.Title)
	setText(a.intro, v.Intro)
	show(a.intro, v.Intro != "")
	setText(a.notice, v.Notice)
	show(a.notice, v.Notice != "")
	show(a.nameRow, v.Name)
	show(a.confirmRow, v.Confirm)
	show(a.pwRow, v.Password)
	setText(a.pwLabel, v.PasswordLabel)
	show(a.codeRow, v.Code)
	setText(a.step, v.Step)
	show(a.factorKey, v.UsePasskey)
	show(a.passkey, v.Passkey)
	show(a.forgot, v.Forgot)
	show(a.info, a.st.Mode == core.AuthForgot)
	setText(a.submit, v.Submit.Text)
	setEnabled(a.submit, v.Submit.Enabled, v.Submit.Reason)
	setText(a.toggle, v.Toggle)
	if v.NewPassword {
		a.password.Set("autocomplete", "new-password")
	} else {
		a.password.Set("autocomplete", "current-password")
	}
}

func (a *authView) render(s core.Snapshot) {
	a.snap = s
	a.layout()
}

// reset shows a fresh sign-in form (after signing out or being signed out).
func (a *authView) reset() {
	a.password.Set("value", "")
	a.confirm.Set("value", "")
	a.setMode(core.AuthSignIn)
}

func (a *authView) doSubmit() {
	if a.st.Busy {
		return
	}
	email, pw := value(a.email), value(a.password)
	if msg := core.CheckSignUpConfirmation(pw, value(a.confirm)); a.st.Mode == core.AuthSignUp && msg != "" {
		setText(a.err, msg)
		return
	}
	a.st.Busy = true
	setText(a.err, "")
	a.layout()
	ctx, cancel := requestContext()
	defer cancel()
	var err error
	switch a.st.Mode {
	case core.AuthSignUp:
		err = a.p.c.SignUp(ctx, email, pw, value(a.name))
	case core.AuthForgot:
		var msg string
		msg, err = a.p.c.ForgotPassword(ctx, email)
		setText(a.info, msg)
	default:
		err = a.p.c.SignIn(ctx, email, pw, value(a.code))
		if core.NeedsSecondFactor(err) {
			// What to do next, said as an instruction, not an error.
			a.st.NeedCode, a.st.Step = true, core.UserMessage(err)
			if c, ok := core.PasskeyChallenge(err); ok {
				a.st.PasskeyFactor = c
			}
			err = nil
			a.layout()
			if a.st.PasskeyFactor != nil {
				a.factorKey.Call("focus")
			} else {
				a.code.Call("focus")
			}
		}
	}
	a.st.Busy = false
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
	c := a.st.PasskeyFactor
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
				a.st.PasskeyFactor = next
			}
		}
		return err
	})
}

// withBusy runs fn as the form's one action, showing its error.
func (a *authView) withBusy(fn func(ctx context.Context) error) {
	if a.st.Busy {
		return
	}
	a.st.Busy = true
	setText(a.err, "")
	a.layout()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // the user may take a while at the authenticator
	defer cancel()
	err := fn(ctx)
	a.st.Busy = false
	setText(a.err, core.UserMessage(err))
	a.p.refresh()
}
