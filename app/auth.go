package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// authScreen is sign-in, with a switch to sign-up.
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
	submit   *widget.Button
	toggle   *widget.Button
	errLabel *widget.Label
	signUp   bool
	busy     bool
}

func newAuthScreen(u *UI) *authScreen {
	a := &authScreen{u: u}
	a.title = widget.NewLabelWithStyle("Sign in to DialNexa", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a.notice = widget.NewLabel("")
	a.notice.Wrapping = fyne.TextWrapWord
	a.notice.Importance = widget.WarningImportance
	a.email = widget.NewEntry()
	a.email.SetPlaceHolder("Email")
	a.name = widget.NewEntry()
	a.name.SetPlaceHolder("Display name (2–50 characters)")
	a.password = widget.NewPasswordEntry()
	a.password.SetPlaceHolder("Password")
	a.confirm = widget.NewPasswordEntry()
	a.confirm.SetPlaceHolder("Confirm password")
	a.errLabel = widget.NewLabel("")
	a.errLabel.Wrapping = fyne.TextWrapWord
	a.errLabel.Importance = widget.DangerImportance
	a.submit = widget.NewButton("Sign in", a.doSubmit)
	a.submit.Importance = widget.HighImportance
	a.toggle = widget.NewButton("Create an account", func() { a.signUp = !a.signUp; a.errLabel.SetText(""); a.layout() })
	a.password.OnSubmitted = func(string) { a.doSubmit() }
	a.form = container.NewVBox()
	a.content = container.New(columnLayout{maxWidth: 440}, a.form)
	a.layout()
	return a
}

func (a *authScreen) layout() {
	objs := []fyne.CanvasObject{a.title, a.notice, a.email}
	if a.signUp {
		a.title.SetText("Create your DialNexa account")
		a.submit.SetText("Create account")
		a.toggle.SetText("I have an account: sign in")
		a.password.SetPlaceHolder("Password (8+ characters, a number and a special character)")
		objs = append(objs, a.name, a.password, a.confirm)
	} else {
		a.title.SetText("Sign in to DialNexa")
		a.submit.SetText("Sign in")
		a.toggle.SetText("Create an account")
		a.password.SetPlaceHolder("Password")
		objs = append(objs, a.password)
	}
	objs = append(objs, a.errLabel, a.submit, a.toggle)
	a.form.Objects = objs
	a.form.Refresh()
}

func (a *authScreen) reset() {
	a.password.SetText("")
	a.confirm.SetText("")
	a.errLabel.SetText("")
	a.busy = false
}

func (a *authScreen) render(s core.Snapshot) {
	a.notice.SetText(s.Notice)
	if s.Notice == "" {
		a.notice.Hide()
	} else {
		a.notice.Show()
	}
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
	email, pw, name, confirm, signUp := a.email.Text, a.password.Text, a.name.Text, a.confirm.Text, a.signUp
	if signUp && pw != confirm {
		a.errLabel.SetText("The two passwords do not match.")
		return
	}
	a.busy = true
	a.errLabel.SetText("")
	a.submit.Disable()
	a.u.async(func() {
		ctx, cancel := a.u.ctx()
		defer cancel()
		var err error
		if signUp {
			err = a.u.c.SignUp(ctx, email, pw, name)
		} else {
			err = a.u.c.SignIn(ctx, email, pw)
		}
		fyne.Do(func() {
			a.busy = false
			if err != nil {
				a.errLabel.SetText(core.UserMessage(err))
			}
			a.u.render()
		})
	})
}
