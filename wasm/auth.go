//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/dialnexa/account/core"
)

// authView is the sign-in form, which switches to sign-up.
type authView struct {
	p                                         *panel
	root, title, notice, email, nameRow, name js.Value
	password, confirmRow, confirm, err        js.Value
	submit, toggle                            js.Value
	signUp, busy                              bool
}

func newAuthView(p *panel) *authView {
	a := &authView{p: p}
	a.title = el("h1", nil, txt("Sign in to DialNexa"))
	a.notice = el("p", attrs{"id": "auth-notice", "class": "notice", "role": "status"})
	a.email = el("input", attrs{"id": "email", "type": "email", "autocomplete": "username", "required": ""})
	a.name = el("input", attrs{"id": "display-name", "type": "text", "autocomplete": "nickname"})
	a.nameRow = el("label", nil, txt("Display name (2–50 characters)"), a.name)
	a.password = el("input", attrs{"id": "password", "type": "password", "autocomplete": "current-password", "required": ""})
	a.confirm = el("input", attrs{"id": "password-confirm", "type": "password", "autocomplete": "new-password"})
	a.confirmRow = el("label", nil, txt("Confirm password"), a.confirm)
	a.err = el("p", attrs{"id": "auth-error", "class": "error", "role": "alert"})
	a.submit = el("button", attrs{"id": "auth-submit", "type": "submit", "class": "primary"}, txt("Sign in"))
	a.toggle = el("button", attrs{"id": "auth-toggle", "type": "button", "class": "link"}, txt("Create an account"))
	form := el("form", attrs{"id": "auth-form", "novalidate": ""},
		a.title, a.notice,
		el("label", nil, txt("Email"), a.email),
		a.nameRow,
		el("label", nil, txt("Password"), a.password),
		a.confirmRow, a.err, a.submit, a.toggle)
	a.root = el("main", attrs{"class": "auth"}, form)
	on(form, "submit", a.doSubmit)
	on(a.toggle, "click", func() { a.signUp = !a.signUp; setText(a.err, ""); a.layout() })
	a.layout()
	return a
}

func (a *authView) layout() {
	show(a.nameRow, a.signUp)
	show(a.confirmRow, a.signUp)
	if a.signUp {
		setText(a.title, "Create your DialNexa account")
		setText(a.submit, "Create account")
		setText(a.toggle, "I have an account: sign in")
		a.password.Set("autocomplete", "new-password")
	} else {
		setText(a.title, "Sign in to DialNexa")
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

func (a *authView) reset() {
	a.password.Set("value", "")
	a.confirm.Set("value", "")
	setText(a.err, "")
}

func (a *authView) doSubmit() {
	if a.busy {
		return
	}
	email, pw := value(a.email), value(a.password)
	if a.signUp && pw != value(a.confirm) {
		setText(a.err, "The two passwords do not match.")
		return
	}
	a.busy = true
	setText(a.err, "")
	setDisabled(a.submit, true)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var err error
	if a.signUp {
		err = a.p.c.SignUp(ctx, email, pw, value(a.name))
	} else {
		err = a.p.c.SignIn(ctx, email, pw, "")
	}
	a.busy = false
	setText(a.err, core.UserMessage(err))
	a.p.refresh()
}
