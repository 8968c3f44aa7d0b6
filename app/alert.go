package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// alertPopup is the interruptive notice of a security alert: a sign-in from
// a new device, with a one-click revoke.
type alertPopup struct {
	u       *UI
	c       AlertActions
	popup   *widget.PopUp
	text    *widget.Label
	revoke  *widget.Button
	itWasMe *widget.Button
	errText *widget.Label
	current core.Alert
	shown   bool
	// notified is the last alert the OS was asked to show.
	notified uint64
}

func newAlertPopup(u *UI) *alertPopup {
	a := &alertPopup{u: u, c: u.c}
	a.text = widget.NewLabel("")
	a.text.Wrapping = fyne.TextWrapWord
	a.errText = widget.NewLabel("")
	a.errText.Importance = widget.DangerImportance
	a.errText.Wrapping = fyne.TextWrapWord
	a.errText.Hidden = true
	a.revoke = widget.NewButton(core.TextAlertRevoke, func() {
		alert := a.current
		a.u.async(func() {
			ctx, cancel := a.u.ctx()
			defer cancel()
			err := a.c.RevokeFromAlert(ctx, alert)
			fyne.Do(func() {
				a.setError(core.UserMessage(err))
				a.u.render()
			})
		})
	})
	a.revoke.Importance = widget.DangerImportance
	a.itWasMe = widget.NewButton(core.TextAlertItWasMe, func() {
		a.setError(core.UserMessage(a.c.DismissAlert(a.current.ID)))
		a.u.render()
	})
	a.itWasMe.Importance = widget.HighImportance
	title := widget.NewLabelWithStyle(core.TextAlertTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// The safe answer first; the destructive one apart from it.
	box := container.NewVBox(title, a.text, a.errText, container.NewHBox(a.itWasMe, layout.NewSpacer(), a.revoke))
	a.popup = widget.NewModalPopUp(container.NewPadded(box), u.win.Canvas())
	return a
}

func (a *alertPopup) setError(msg string) {
	a.errText.SetText(msg)
	a.errText.Hidden = msg == ""
	a.fit()
}

// fit sizes the dialog to its content at a readable width; a modal pop-up
// is centred in the window.
func (a *alertPopup) fit() {
	const width = 460
	a.text.Resize(fyne.NewSize(width, a.text.MinSize().Height))
	content := a.popup.Content
	h := content.MinSize().Height
	a.popup.Resize(fyne.NewSize(width, h))
}

func (a *alertPopup) render(s core.Snapshot) {
	v := s.SecurityAlert()
	if !v.Show {
		if a.shown {
			a.popup.Hide()
			a.shown = false
		}
		return
	}
	if a.current.ID != v.Alert.ID {
		a.setError("")
	}
	a.current = v.Alert
	a.text.SetText(v.Text)
	setControl(a.revoke, nil, v.Revoke)
	if a.current.ID != a.notified && !a.u.foreground {
		// The window is in the background: the OS says it too.
		a.notified = a.current.ID
		a.u.Notify(core.TextAlertTitle, v.Text)
	}
	if !a.shown {
		a.fit()
		a.popup.Show()
		a.shown = true
		// The safe answer has the focus.
		a.u.win.Canvas().Focus(a.itWasMe)
	}
}
