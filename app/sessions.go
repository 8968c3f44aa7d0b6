package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// sessionsScreen is Settings → Account → Security → Active Sessions.
type sessionsScreen struct {
	u        *UI
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
	ss := &sessionsScreen{u: u, list: container.NewVBox(), revoke: map[string]*widget.Button{}}
	ss.errLabel = widget.NewLabel("")
	ss.errLabel.Wrapping = fyne.TextWrapWord
	ss.errLabel.Importance = widget.DangerImportance
	ss.offline = widget.NewLabel("You are offline: revoking a session needs a connection.")
	ss.offline.Importance = widget.WarningImportance
	hint := widget.NewLabel("If you see a session you don't recognize, revoke it and change your password.")
	hint.Wrapping = fyne.TextWrapWord
	ss.others = widget.NewButton(core.TextRevokeOthers, ss.doRevokeOthers)
	ss.others.Importance = widget.DangerImportance
	ss.othersReason = widget.NewLabel("")
	ss.othersReason.Importance = widget.LowImportance
	ss.content = widget.NewCard("Active sessions", "", container.NewVBox(hint, ss.offline, ss.errLabel, ss.list, ss.others, ss.othersReason))
	return ss
}

func (ss *sessionsScreen) render(s core.Snapshot) {
	online := s.Online()
	ss.offline.Hidden = online
	if c := s.RevokeOthers(); c.Enabled {
		ss.others.Enable()
		ss.othersReason.Hidden = true
	} else {
		ss.others.Disable()
		ss.othersReason.SetText(c.Reason)
		ss.othersReason.Show()
	}
	ss.revoke = map[string]*widget.Button{}
	rows := make([]fyne.CanvasObject, 0, len(s.View.Sessions))
	for _, r := range s.SessionRows() {
		rows = append(rows, ss.row(r))
	}
	ss.list.Objects = rows
	ss.list.Refresh()
}

func (ss *sessionsScreen) row(r core.SessionRow) fyne.CanvasObject {
	title := r.Device
	if r.ThisDevice {
		title += " (this device)"
	}
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: r.ThisDevice})
	id := r.ID
	row, btn := actionRow(head, r.Detail(core.FormatTime, core.FormatTime), "Revoke", r.Revoke, func() {
		ss.u.serverAction(ss.errLabel, func(ctx context.Context) error { return ss.u.c.RevokeSession(ctx, id) })
	})
	ss.revoke[id] = btn
	return row
}

func (ss *sessionsScreen) doRevokeOthers() {
	ss.errLabel.SetText("")
	ss.u.async(func() {
		ctx, cancel := ss.u.ctx()
		defer cancel()
		err := ss.u.c.RevokeOtherSessions(ctx)
		fyne.Do(func() {
			ss.errLabel.SetText(core.UserMessage(err))
			ss.u.render()
		})
	})
}
