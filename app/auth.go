package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

type authMode int

const (
	modeSignIn authMode = iota
	modeSignUp
	modeForgot
)

// authScreen is sign-in, with switches to sign-up and to core.TextForgotPassword.
// When the account has two-factor authentication, sign-in asks for a code.
type authScreen struct {
	u        *UI
	content  *fyne.Container
	form     *fyne.Container
	title    *widget.Label
	notice   *widget.Label
	email    *widget.Entry
	name     *widget.Entry
	password *widget.Entry
	confirm  *widget.Entry
	code     *widget.Entry
	submit   *widget.Button
	toggle   *widget.Button
	forgot   *widget.Button
	errLabel *widget.Label
	info     *widget.Label
	mode     authMode
	needCode bool
	busy     bool
	browser  *browserSignIn
	// The fields with their labels above them.
	emailField, nameField, passwordField, confirmField, codeField fyne.CanvasObject
}

// labelled puts a field's name above it, so it stays visible once the
// field is filled (a placeholder does not).
func labelled(name string, e *widget.Entry) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(l, e)
}

func newAuthScreen(u *UI) *authScreen {
	a := &authScreen{u: u}
	a.title = widget.NewLabelWithStyle(core.TextSignInTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a.notice = warnLabel()
	a.email = widget.NewEntry()
	a.email.SetPlaceHolder("Email")
	a.name = widget.NewEntry()
	a.name.SetPlaceHolder("Display name (2–50 characters)")
	a.password = widget.NewPasswordEntry()
	a.password.SetPlaceHolder("Password")
	a.confirm = widget.NewPasswordEntry()
	a.confirm.SetPlaceHolder("Confirm password")
	a.code = widget.NewEntry()
	a.code.SetPlaceHolder("6-digit code from your authenticator app, or a backup code")
	a.errLabel = errorLabel()
	a.info = widget.NewLabel("")
	a.info.Wrapping = fyne.TextWrapWord
	a.submit = widget.NewButton("Sign in", a.doSubmit)
	a.submit.Importance = widget.HighImportance
	a.toggle = widget.NewButton("Create an account", func() {
		if a.mode == modeSignIn {
			a.setMode(modeSignUp)
		} else {
			a.setMode(modeSignIn)
		}
	})
	a.forgot = widget.NewButton(core.TextForgotPassword, func() { a.setMode(modeForgot) })
	a.forgot.Importance = widget.LowImportance
	a.password.OnSubmitted = func(string) { a.doSubmit() }
	a.code.OnSubmitted = func(string) { a.doSubmit() }
	a.emailField = labelled("Email", a.email)
	a.nameField = labelled("Display name", a.name)
	a.passwordField = labelled("Password", a.password)
	a.confirmField = labelled("Confirm password", a.confirm)
	a.codeField = labelled("Two-factor code", a.code)
	a.browser = newBrowserSignIn(a)
	a.form = container.NewVBox()
	a.content = container.New(columnLayout{maxWidth: 440}, a.form)
	a.layout()
	return a
}

func (a *authScreen) setMode(m authMode) {
	a.mode, a.needCode = m, false
	a.errLabel.SetText("")
	a.info.SetText("")
	a.code.SetText("")
	a.layout()
}

func (a *authScreen) layout() {
	objs := []fyne.CanvasObject{a.title, a.notice}
	switch a.mode {
	case modeSignUp:
		a.title.SetText("Create your DialNexa account")
		a.submit.SetText("Create account")
		a.toggle.SetText("I have an account: sign in")
		a.password.SetPlaceHolder("Password (8+ characters, a number and a special character)")
		objs = append(objs, a.emailField, a.nameField, a.passwordField, a.confirmField, a.errLabel, a.submit, a.toggle)
	case modeForgot:
		a.title.SetText("Reset your password")
		a.submit.SetText("Send reset link")
		a.toggle.SetText("Back to sign-in")
		objs = append(objs, widget.NewLabel("Enter your account's email address. We will send a link to set a new password; it works for 1 hour."),
			a.emailField, a.errLabel, a.info, a.submit, a.toggle)
	default:
		a.title.SetText(core.TextSignInTitle)
		a.submit.SetText("Sign in")
		a.toggle.SetText("Create an account")
		a.password.SetPlaceHolder("Password")
		objs = append(objs, a.emailField, a.passwordField)
		if a.needCode {
			objs = append(objs, a.codeField)
		}
		objs = append(objs, a.errLabel, a.submit, a.browser.button, a.browser.useCode, a.browser.box, a.forgot, a.toggle)
	}
	a.form.Objects = objs
	a.form.Refresh()
}

// reset shows a fresh sign-in form (after signing out or being signed out).
func (a *authScreen) reset() {
	a.mode = modeSignIn
	a.password.SetText("")
	a.confirm.SetText("")
	a.code.SetText("")
	a.needCode = false
	a.errLabel.SetText("")
	a.busy = false
	a.layout()
}

func (a *authScreen) render(s core.Snapshot) {
	a.notice.SetText(s.Notice)
	a.notice.Hidden = s.Notice == ""
	if a.busy {
		a.submit.Disable()
	} else {
		a.submit.Enable()
	}
}

func (a *authScreen) doSubmit() {
	if a.busy {
		return
	}
	email, pw, name, confirm, code, mode := a.email.Text, a.password.Text, a.name.Text, a.confirm.Text, a.code.Text, a.mode
	if msg := core.CheckSignUpConfirmation(pw, confirm); mode == modeSignUp && msg != "" {
		a.errLabel.SetText(msg)
		return
	}
	a.busy = true
	a.errLabel.SetText("")
	a.submit.Disable()
	a.u.async(func() {
		ctx, cancel := a.u.ctx()
		defer cancel()
		var (
			err  error
			info string
		)
		switch mode {
		case modeSignUp:
			err = a.u.c.SignUp(ctx, email, pw, name)
		case modeForgot:
			info, err = a.u.c.ForgotPassword(ctx, email)
		default:
			err = a.u.c.SignIn(ctx, email, pw, code)
		}
		fyne.Do(func() {
			a.busy = false
			switch {
			case core.NeedsSecondFactor(err):
				a.needCode = true
				a.layout()
				a.errLabel.SetText(core.UserMessage(err))
			case err != nil:
				a.errLabel.SetText(core.UserMessage(err))
			default:
				a.info.SetText(info)
			}
			a.u.render()
		})
	})
}

func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	return l
}

func warnLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	return l
}
