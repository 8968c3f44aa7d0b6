package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// securityScreen is Settings → Account → Security: password, two-factor
// authentication, active sessions and the security activity. Everything
// here is online only.
type securityScreen struct {
	u        *UI
	content  fyne.CanvasObject
	offline  *widget.Label
	keychain *widget.Label // the token is not in the OS keychain
	password *passwordCard
	twoF     *twoFactorCard
	passkeys *passkeysCard
	apps     *appsCard
	activity *widget.Label
	// index scrolls to the screen's parts (core.SecurityParts).
	index  *fyne.Container
	scroll *container.Scroll
}

func newSecurityScreen(u *UI) *securityScreen {
	s := &securityScreen{u: u}
	s.offline = warnLabel()
	s.offline.SetText(core.TextSecurityOffline)
	s.keychain = warnLabel()
	s.keychain.Hidden = true
	s.password = newPasswordCard(u)
	s.twoF = newTwoFactorCard(u)
	s.passkeys = newPasskeysCard(u)
	s.apps = newAppsCard(u)
	s.activity = widget.NewLabel("")
	s.activity.Wrapping = fyne.TextWrapWord
	activity := widget.NewCard("Security activity", core.TextActivityHint, s.activity)
	parts := map[string]fyne.CanvasObject{"password": s.password.card, "two-factor": s.twoF.card, "passkeys": s.passkeys.card,
		"sessions": u.sessions.content, "apps": s.apps.card, "activity": activity}
	// The screen is long: an index at its top scrolls to each part.
	index := container.NewHBox()
	body := container.NewVBox(s.offline, s.keychain, s.password.card, s.twoF.card, s.passkeys.card, u.sessions.content, s.apps.card, activity)
	scroll := container.NewVScroll(body)
	for _, part := range core.SecurityParts {
		target := parts[part.Route]
		b := widget.NewButton(part.Name, func() { scroll.ScrollToOffset(fyne.NewPos(0, target.Position().Y)) })
		b.Importance = widget.LowImportance
		index.Add(b)
	}
	s.index, s.scroll = index, scroll
	// The index first in the tree, so Tab reaches it before the cards.
	top := container.NewHScroll(index)
	s.content = container.New(layout.NewBorderLayout(top, nil, nil, nil), top, scroll)
	return s
}

func (s *securityScreen) render(snap core.Snapshot) {
	v := snap.Security(core.DesktopDates)
	s.offline.Hidden = v.Offline == ""
	s.keychain.SetText(v.Keychain)
	s.keychain.Hidden = v.Keychain == ""
	setControl(s.password.save, nil, v.ChangePassword)
	s.twoF.render(snap)
	s.passkeys.render(snap)
	s.u.sessions.render(snap)
	s.apps.render(snap)
	var b strings.Builder
	for _, a := range v.Activity {
		b.WriteString(a.When + " — " + a.Detail + "\n")
	}
	b.WriteString(v.NoActivity)
	s.activity.SetText(strings.TrimSpace(b.String()))
}

// passwordCard is Change Password.
type passwordCard struct {
	u                      *UI
	c                      SecurityActions
	card                   *widget.Card
	current, next, confirm *widget.Entry
	signOutOthers          *widget.Check
	save                   *widget.Button
	errLabel, done         *widget.Label
}

func newPasswordCard(u *UI) *passwordCard {
	p := &passwordCard{u: u, c: u.c}
	p.current = widget.NewPasswordEntry()
	p.current.SetPlaceHolder(core.TextCurrentPassword)
	p.next = widget.NewPasswordEntry()
	p.next.SetPlaceHolder(core.TextNewPasswordField)
	p.confirm = widget.NewPasswordEntry()
	p.confirm.SetPlaceHolder(core.TextConfirmNewPassword)
	p.signOutOthers = widget.NewCheck(core.TextSignOutOthers, nil)
	p.errLabel = errorLabel()
	p.errLabel.Hide()
	p.done = widget.NewLabel("")
	p.done.Hide()
	p.done.Importance = widget.SuccessImportance
	p.save = widget.NewButton("Change password", p.doSave)
	p.save.Importance = widget.HighImportance
	p.card = widget.NewCard("Password", core.TextPasswordHint,
		container.NewVBox(p.current, p.next, p.confirm, p.signOutOthers, p.errLabel, p.done, p.save))
	return p
}

func (p *passwordCard) doSave() {
	cur, next, others := p.current.Text, p.next.Text, p.signOutOthers.Checked
	setLine(p.done, "")
	if msg := core.CheckNewPasswordConfirmation(next, p.confirm.Text); msg != "" {
		setLine(p.errLabel, msg)
		return
	}
	setLine(p.errLabel, "")
	p.u.async(func() {
		ctx, cancel := p.u.ctx()
		defer cancel()
		err := p.c.ChangePassword(ctx, cur, next, others)
		fyne.Do(func() {
			if err != nil {
				setLine(p.errLabel, core.UserMessage(err))
				return
			}
			p.current.SetText("")
			p.next.SetText("")
			p.confirm.SetText("")
			p.signOutOthers.SetChecked(false)
			setLine(p.done, core.TextPasswordChanged)
		})
	})
}
