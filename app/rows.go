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
