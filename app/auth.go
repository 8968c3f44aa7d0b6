package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// authScreen is sign-in, with switches to sign-up and to core.TextForgotPassword.
// When the account has two-factor authentication, sign-in asks for a code.
type authScreen struct {
	u        *UI
	c        AuthActions
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
	st       core.AuthState
	snap     core.Snapshot // the last one rendered
	browser  *browserSignIn
	// The fields with their labels above them.
	emailField, nameField, passwordField, confirmField, codeField fyne.CanvasObject
	intro                                                         *widget.Label
	// step is the second factor's instruction (not an error).
	step *widget.Label
}

// labelled puts a field's name above it, so it stays visible once the
// field is filled (a placeholder does not).
func labelled(name string, e *widget.Entry) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(l, e)
}

func newAuthScreen(u *UI) *authScreen {
	a := &authScreen{u: u, c: u.c}
	a.title = widget.NewLabelWithStyle(core.TextSignInTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a.notice = warnLabel()
	a.email = widget.NewEntry()
	a.email.SetPlaceHolder(core.TextEmail)
	a.name = widget.NewEntry()
	a.name.SetPlaceHolder(core.TextDisplayNameNew)
	a.password = widget.NewPasswordEntry()
	a.confirm = widget.NewPasswordEntry()
	a.confirm.SetPlaceHolder(core.TextConfirmPassword)
	a.code = widget.NewEntry()
	a.code.SetPlaceHolder(core.TextCodeField)
	a.errLabel = errorLabel()
	a.info = widget.NewLabel("")
	a.info.Wrapping = fyne.TextWrapWord
	a.submit = widget.NewButton("", a.doSubmit)
	a.submit.Importance = widget.HighImportance
	a.toggle = widget.NewButton("", func() {
		if a.st.Mode == core.AuthSignIn {
			a.setMode(core.AuthSignUp)
		} else {
			a.setMode(core.AuthSignIn)
		}
	})
	a.forgot = widget.NewButton(core.TextForgotPassword, func() { a.setMode(core.AuthForgot) })
	a.forgot.Importance = widget.LowImportance
	a.password.OnSubmitted = func(string) { a.doSubmit() }
	a.code.OnSubmitted = func(string) { a.doSubmit() }
	a.emailField = labelled(core.TextEmail, a.email)
	a.nameField = labelled(core.TextDisplayNameNew, a.name)
	a.passwordField = labelled(core.TextPassword, a.password)
	a.confirmField = labelled(core.TextConfirmPassword, a.confirm)
	a.codeField = labelled(core.TextCodeField, a.code)
	a.intro = widget.NewLabel("")
	a.intro.Wrapping = fyne.TextWrapWord
	a.step = widget.NewLabel("")
	a.step.Wrapping = fyne.TextWrapWord
	a.step.Importance = widget.HighImportance
	a.browser = newBrowserSignIn(a)
	a.form = container.NewVBox()
	a.content = container.New(columnLayout{maxWidth: 440}, a.form)
	a.layout()
	return a
}

func (a *authScreen) setMode(m core.AuthMode) {
	a.st = core.AuthState{Mode: m}
	a.errLabel.SetText("")
	a.info.SetText("")
	a.code.SetText("")
	a.layout()
}

// layout puts the form of the current state together.
func (a *authScreen) layout() {
	v := a.snap.Auth(a.st)
	a.title.SetText(v.Title)
	a.submit.SetText(v.Submit.Text)
	setControl(a.submit, nil, v.Submit.Control)
	a.toggle.SetText(v.Toggle)
	a.password.SetPlaceHolder(v.PasswordLabel)
	a.intro.SetText(v.Intro)
	a.notice.SetText(v.Notice)
	objs := []fyne.CanvasObject{a.title}
	add := func(shown bool, o ...fyne.CanvasObject) {
		if shown {
			objs = append(objs, o...)
		}
	}
	add(v.Notice != "", a.notice)
	add(v.Intro != "", a.intro)
	add(true, a.emailField)
	add(v.Name, a.nameField)
	add(v.Password, a.passwordField)
	add(v.Confirm, a.confirmField)
	a.step.SetText(v.Step)
	add(v.Step != "", a.step)
	add(v.Code, a.codeField)
	add(true, a.errLabel)
	add(a.st.Mode == core.AuthForgot, a.info)
	add(true, a.submit)
	add(v.Browser, a.browser.button, a.browser.useCode, a.browser.box)
	add(v.Forgot, a.forgot)
	add(true, a.toggle)
	a.form.Objects = objs
	a.form.Refresh()
}

// reset shows a fresh sign-in form (after signing out or being signed out).
func (a *authScreen) reset() {
	a.password.SetText("")
	a.confirm.SetText("")
	a.errLabel.SetText("")
	a.setMode(core.AuthSignIn)
}

func (a *authScreen) render(s core.Snapshot) { a.snap = s; a.layout() }

func (a *authScreen) doSubmit() {
	if a.st.Busy {
		return
	}
	email, pw, name, confirm, code, mode := a.email.Text, a.password.Text, a.name.Text, a.confirm.Text, a.code.Text, a.st.Mode
	if msg := core.CheckSignUpConfirmation(pw, confirm); mode == core.AuthSignUp && msg != "" {
		a.errLabel.SetText(msg)
		return
	}
	a.st.Busy = true
	a.errLabel.SetText("")
	a.layout()
	a.u.async(func() {
		ctx, cancel := a.u.ctx()
		defer cancel()
		var (
			err  error
			info string
		)
		switch mode {
		case core.AuthSignUp:
			err = a.c.SignUp(ctx, email, pw, name)
		case core.AuthForgot:
			info, err = a.c.ForgotPassword(ctx, email)
		default:
			err = a.c.SignIn(ctx, email, pw, code)
		}
		fyne.Do(func() {
			a.st.Busy = false
			switch {
			case core.NeedsSecondFactor(err):
				// What to do next, said as an instruction, not an error.
				a.st.NeedCode, a.st.Step = true, core.UserMessage(err)
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
