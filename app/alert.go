package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// alertPopup is the interruptive notice of a security alert: a sign-in from
// a new device, with a one-click revoke.
type alertPopup struct {
	u       *UI
	popup   *widget.PopUp
	text    *widget.Label
	revoke  *widget.Button
	itWasMe *widget.Button
	errText *widget.Label
	current core.Alert
	shown   bool
}

func newAlertPopup(u *UI) *alertPopup {
	a := &alertPopup{u: u}
	a.text = widget.NewLabel("")
	a.text.Wrapping = fyne.TextWrapWord
	a.errText = widget.NewLabel("")
	a.errText.Importance = widget.DangerImportance
	a.revoke = widget.NewButton("No: revoke that session", func() {
		alert := a.current
		a.u.async(func() {
			ctx, cancel := a.u.ctx()
			defer cancel()
			err := a.u.c.RevokeFromAlert(ctx, alert)
			fyne.Do(func() {
				a.errText.SetText(core.UserMessage(err))
				a.u.render()
			})
		})
	})
	a.revoke.Importance = widget.DangerImportance
	a.itWasMe = widget.NewButton("Yes, it was me", func() {
		a.errText.SetText(core.UserMessage(a.u.c.DismissAlert(a.current.ID)))
		a.u.render()
	})
	title := widget.NewLabelWithStyle("Security alert", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	box := container.NewVBox(title, a.text, a.errText, container.NewHBox(a.revoke, a.itWasMe))
	a.popup = widget.NewModalPopUp(container.NewPadded(box), u.win.Canvas())
	a.popup.Resize(fyne.NewSize(460, 0))
	return a
}

func (a *alertPopup) render(s core.Snapshot) {
	if len(s.Alerts) == 0 {
		if a.shown {
			a.popup.Hide()
			a.shown = false
		}
		return
	}
	if a.current.ID != s.Alerts[0].ID {
		a.errText.SetText("")
	}
	a.current = s.Alerts[0]
	a.text.SetText(a.current.Text())
	if !s.Online() {
		a.revoke.Disable()
	} else {
		a.revoke.Enable()
	}
	if !a.shown {
		a.popup.Show()
		a.shown = true
	}
}
