package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// actionRow is a list row: a heading and a detail line, with a danger
// button on the right (off when the control says so).
func actionRow(head fyne.CanvasObject, detail, button string, c core.Control, tap func()) (fyne.CanvasObject, *widget.Button) {
	d := widget.NewLabel(detail)
	d.Wrapping = fyne.TextWrapWord
	btn := widget.NewButton(button, tap)
	btn.Importance = widget.DangerImportance
	if !c.Enabled {
		btn.Disable()
	}
	return container.NewBorder(nil, nil, nil, btn, container.NewVBox(head, d)), btn
}

// serverAction runs fn against the server off the UI's goroutine: an
// error is shown in errLabel (cleared first), and the screens are
// rendered after.
func (u *UI) serverAction(errLabel *widget.Label, fn func(ctx context.Context) error) {
	errLabel.SetText("")
	u.async(func() {
		ctx, cancel := u.ctx()
		defer cancel()
		err := fn(ctx)
		fyne.Do(func() {
			if err != nil {
				errLabel.SetText(core.UserMessage(err))
			}
			u.render()
		})
	})
}

// setControl enables b as c says; reason, when given, shows why it is off
// (and is hidden when it is on).
func setControl(b *widget.Button, reason *widget.Label, c core.Control) {
	if c.Enabled {
		b.Enable()
	} else {
		b.Disable()
	}
	if reason == nil {
		return
	}
	reason.SetText(c.Reason)
	reason.Hidden = c.Enabled || c.Reason == ""
}

// setShown shows or hides o (and lays its container out again).
func setShown(o fyne.CanvasObject, shown bool) {
	if shown {
		o.Show()
	} else {
		o.Hide()
	}
}

// setLine sets a status or error line; an empty one takes no room.
func setLine(l *widget.Label, text string) {
	l.SetText(text)
	l.Hidden = text == ""
	l.Refresh()
}
