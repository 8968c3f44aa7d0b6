package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// sessionsScreen is Settings → Account → Security → Active Sessions.
type sessionsScreen struct {
	u        *UI
	c        SecurityActions
	content  fyne.CanvasObject
	list     *fyne.Container
	errLabel *widget.Label
	offline  *widget.Label
	others   *widget.Button
	// othersReason says why core.TextRevokeOthers is off.
	othersReason *widget.Label
	// revoke holds the revoke buttons by session id (for tests).
	revoke map[string]*widget.Button
}

func newSessionsScreen(u *UI) *sessionsScreen {
	ss := &sessionsScreen{u: u, c: u.c, list: container.NewVBox(), revoke: map[string]*widget.Button{}}
	ss.errLabel = widget.NewLabel("")
	ss.errLabel.Wrapping = fyne.TextWrapWord
	ss.errLabel.Importance = widget.DangerImportance
	ss.offline = warnLabel()
	ss.offline.SetText(core.TextSessionsOffline)
	hint := widget.NewLabel(core.TextSessionsHint)
	hint.Wrapping = fyne.TextWrapWord
	ss.others = widget.NewButton(core.TextRevokeOthers, ss.doRevokeOthers)
	ss.others.Importance = widget.DangerImportance
	ss.othersReason = widget.NewLabel("")
	ss.othersReason.Importance = widget.LowImportance
	ss.content = widget.NewCard("Active sessions", "", container.NewVBox(hint, ss.offline, ss.errLabel, ss.list, ss.others, ss.othersReason))
	return ss
}

func (ss *sessionsScreen) render(s core.Snapshot) {
	v := s.Sessions(core.DesktopDates)
	ss.offline.Hidden = v.Offline == ""
	setControl(ss.others, ss.othersReason, v.RevokeOthers)
	ss.revoke = map[string]*widget.Button{}
	rows := make([]fyne.CanvasObject, 0, len(v.Rows))
	for _, r := range v.Rows {
		rows = append(rows, ss.row(r))
	}
	ss.list.Objects = rows
	ss.list.Refresh()
}

func (ss *sessionsScreen) row(r core.SessionRow) fyne.CanvasObject {
	title := r.Device
	if r.ThisDevice {
		title += " (" + strings.ToLower(core.TextThisDevice) + ")"
	}
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: r.ThisDevice})
	id := r.ID
	row, btn := actionRow(head, r.Detail, "Revoke", r.Revoke, func() {
		ss.u.serverAction(ss.errLabel, func(ctx context.Context) error { return ss.c.RevokeSession(ctx, id) })
	})
	ss.revoke[id] = btn
	return row
}

func (ss *sessionsScreen) doRevokeOthers() {
	ss.u.serverAction(ss.errLabel, ss.c.RevokeOtherSessions)
}
