package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// appsCard is Security → Apps with access: the applications the user let
// sign them in, each with Remove.
type appsCard struct {
	u        *UI
	c        SecurityActions
	card     *widget.Card
	list     *fyne.Container
	none     *widget.Label
	errLabel *widget.Label
	// remove holds the Remove buttons by app id (for tests).
	remove map[string]*widget.Button
}

func newAppsCard(u *UI) *appsCard {
	c := &appsCard{u: u, c: u.c, list: container.NewVBox(), remove: map[string]*widget.Button{}}
	c.none = widget.NewLabel("")
	c.none.Wrapping = fyne.TextWrapWord
	c.errLabel = errorLabel()
	c.card = widget.NewCard("Apps with access", "", container.NewVBox(c.none, c.errLabel, c.list))
	return c
}

func (c *appsCard) render(s core.Snapshot) {
	v := s.Apps(core.DesktopDates)
	c.none.SetText(v.Empty)
	c.none.Hidden = v.Empty == ""
	c.remove = map[string]*widget.Button{}
	objs := make([]fyne.CanvasObject, 0, len(v.Rows))
	for _, r := range v.Rows {
		objs = append(objs, c.row(r))
	}
	c.list.Objects = objs
	c.list.Refresh()
}

func (c *appsCard) row(r core.AppRow) fyne.CanvasObject {
	id := r.ID
	head := widget.NewLabelWithStyle(r.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	row, btn := actionRow(head, r.Detail, "Remove", r.Remove, func() {
		c.u.serverAction(c.errLabel, func(ctx context.Context) error { return c.c.RemoveApp(ctx, id) })
	})
	c.remove[id] = btn
	return row
}
