package app

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
)

// workspacesScreen lists the account's workspaces with their members, and
// manages them: create, invite, accept an invitation, transfer ownership,
// delete, leave. Everything here is online only.
type workspacesScreen struct {
	u       *UI
	c       WorkspaceActions
	content fyne.CanvasObject
	list    *fyne.Container
	// received lists the invitations the account received.
	received *fyne.Container
	empty    *widget.Label
	name     *widget.Entry
	create   *widget.Button
	accept   *widget.Entry
	join     *widget.Button
	errText  *widget.Label
	info     *widget.Label
}

func newWorkspacesScreen(u *UI) *workspacesScreen {
	w := &workspacesScreen{u: u, c: u.c, list: container.NewVBox(), received: container.NewVBox()}
	w.empty = widget.NewLabel(core.TextNoWorkspaces)
	w.name = widget.NewEntry()
	w.name.SetPlaceHolder(core.TextNewWorkspaceName)
	w.create = widget.NewButton(core.TextCreateWorkspace, func() {
		name := w.name.Text
		w.run(func(ctx context.Context) (string, error) { return "", w.c.CreateWorkspace(ctx, name) }, func() { w.name.SetText("") })
	})
	w.accept = widget.NewEntry()
	w.accept.SetPlaceHolder(core.TextInvitationLink)
	w.join = widget.NewButton(core.TextAcceptInvitation, func() {
		link := w.accept.Text
		w.run(func(ctx context.Context) (string, error) { return w.c.AcceptInvitation(ctx, link) }, func() { w.accept.SetText("") })
	})
	w.errText = errorLabel()
	w.info = widget.NewLabel("")
	w.info.Wrapping = fyne.TextWrapWord
	w.content = container.NewVScroll(container.NewVBox(
		w.errText, w.info, w.received, w.empty, w.list,
		widget.NewCard(core.TextCreateWorkspace, "", container.NewBorder(nil, nil, nil, w.create, w.name)),
		widget.NewCard(core.TextAcceptInvitation, core.TextJoinHint, container.NewBorder(nil, nil, nil, w.join, w.accept)),
	))
	return w
}

// run performs a blocking action and shows its result.
func (w *workspacesScreen) run(action func(ctx context.Context) (string, error), then func()) {
	w.errText.SetText("")
	w.info.SetText("")
	w.u.async(func() {
		ctx, cancel := w.u.ctx()
		defer cancel()
		msg, err := action(ctx)
		fyne.Do(func() {
			w.errText.SetText(core.UserMessage(err))
			w.info.SetText(msg)
			if err == nil && then != nil {
				then()
			}
			w.u.render()
		})
	})
}

// do runs an action that says nothing when it works.
func (w *workspacesScreen) do(action func(ctx context.Context) error) {
	w.run(func(ctx context.Context) (string, error) { return "", action(ctx) }, nil)
}

func (w *workspacesScreen) render(s core.Snapshot) {
	v := s.Workspaces(core.DesktopDates)
	w.errText.Hidden = w.errText.Text == ""
	w.info.Hidden = w.info.Text == ""
	setControl(w.create, nil, v.Create)
	setControl(w.join, nil, v.Accept)
	w.empty.Hidden = v.Empty == ""
	w.received.Objects = nil
	if len(v.Received) > 0 {
		run := func(action func(ctx context.Context) (string, error)) { w.run(action, nil) }
		w.received.Objects = []fyne.CanvasObject{widget.NewCard(core.TextReceived, "", container.NewVBox(receivedRows(v.Received, w.c, run)...))}
	}
	w.received.Refresh()
	cards := make([]fyne.CanvasObject, 0, len(v.Cards))
	for _, c := range v.Cards {
		cards = append(cards, w.card(c))
	}
	w.list.Objects = cards
	w.list.Refresh()
}

func (w *workspacesScreen) card(c core.WorkspaceCard) fyne.CanvasObject {
	id := c.ID
	rows := []fyne.CanvasObject{}
	for _, m := range c.Members {
		line := widget.NewLabel(m.Name + " — " + m.Email + " · " + m.Role)
		if m.SetRole == nil {
			rows = append(rows, line)
			continue
		}
		who, to := m.AccountID, m.SetRole.To
		b := widget.NewButton(m.SetRole.Text, func() { w.do(func(ctx context.Context) error { return w.c.SetRole(ctx, id, who, to) }) })
		setControl(b, nil, m.SetRole.Control)
		rows = append(rows, container.NewBorder(nil, nil, nil, b, line))
	}
	if f := c.Invite; f != nil {
		email := widget.NewEntry()
		email.SetPlaceHolder(core.TextInviteEmail)
		labels := make([]string, len(f.Roles))
		for i, r := range f.Roles {
			labels[i] = r.Label
		}
		role := widget.NewSelect(labels, nil)
		role.SetSelectedIndex(0)
		send := widget.NewButton("Invite", func() {
			addr, r := email.Text, f.Roles[max(role.SelectedIndex(), 0)].Value
			w.run(func(ctx context.Context) (string, error) { return w.c.Invite(ctx, id, addr, r) }, func() { email.SetText("") })
		})
		setControl(send, nil, f.Send)
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewHBox(role, send), email))
	}
	rows = append(rows, w.pending(c)...)
	if c.AuditLog != nil {
		name := c.Name
		b := widget.NewButton(core.TextAuditLog, func() { w.showAudit(id, name) })
		setControl(b, nil, *c.AuditLog)
		rows = append(rows, b)
	}
	if t := c.Transfer; t != nil {
		labels := make([]string, len(t.Candidates))
		for i, m := range t.Candidates {
			labels[i] = m.Label
		}
		pick := widget.NewSelect(labels, nil)
		pick.PlaceHolder = core.TextChooseNewOwner
		b := widget.NewButton(core.TextTransferOwner, func() {
			i := pick.SelectedIndex()
			if i < 0 {
				w.errText.SetText(core.TextChooseOwnerFirst)
				w.errText.Show()
				return
			}
			to := t.Candidates[i].Value
			w.do(func(ctx context.Context) error { return w.c.TransferOwnership(ctx, id, to) })
		})
		setControl(b, nil, t.Transfer)
		rows = append(rows, container.NewBorder(nil, nil, nil, b, pick))
	}
	if d := c.Delete; d != nil {
		b := widget.NewButton(d.Text, func() { w.do(func(ctx context.Context) error { return w.c.DeleteWorkspace(ctx, id) }) })
		b.Importance = widget.DangerImportance
		setControl(b, nil, d.Control)
		rows = append(rows, b)
	}
	if l := c.Leave; l != nil {
		self := c.Me
		b := widget.NewButton(l.Text, func() { w.do(func(ctx context.Context) error { return w.c.RemoveMember(ctx, id, self) }) })
		setControl(b, nil, l.Control)
		rows = append(rows, b)
	}
	return widget.NewCard(c.Name, c.Role, container.NewVBox(rows...))
}

// pending lists the workspace's pending invitations, each with a
// Withdraw button.
func (w *workspacesScreen) pending(c core.WorkspaceCard) []fyne.CanvasObject {
	if c.NoInvitations != "" {
		return []fyne.CanvasObject{widget.NewLabel(c.NoInvitations)}
	}
	if len(c.Invitations) == 0 {
		return nil
	}
	out := []fyne.CanvasObject{widget.NewLabelWithStyle(core.TextPendingInvites, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, in := range c.Invitations {
		id, inv := c.ID, in.ID
		b := widget.NewButton("Withdraw", func() { w.do(func(ctx context.Context) error { return w.c.WithdrawInvitation(ctx, id, inv) }) })
		setControl(b, nil, in.Withdraw)
		out = append(out, container.NewBorder(nil, nil, nil, b, widget.NewLabel(in.Text)))
	}
	return out
}

// isBlocked reports whether err is a refusal for owned workspaces.
func isBlocked(err error) (*core.BlockedError, bool) {
	var be *core.BlockedError
	return be, errors.As(err, &be)
}

// receivedAnswers answer the invitations the account received.
type receivedAnswers interface {
	AcceptReceived(ctx context.Context, workspaceID, id string) (string, error)
	DeclineReceived(ctx context.Context, workspaceID, id string) (string, error)
}

// receivedRows lays out invitations the account received, each with
// Accept and Decline, answered by c through run.
func receivedRows(rows []core.ReceivedRow, c receivedAnswers, run func(action func(ctx context.Context) (string, error))) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, r := range rows {
		ws, id := r.WorkspaceID, r.ID
		l := widget.NewLabel(r.Text)
		l.Wrapping = fyne.TextWrapWord
		accept := widget.NewButton(core.TextAccept, func() {
			run(func(ctx context.Context) (string, error) { return c.AcceptReceived(ctx, ws, id) })
		})
		accept.Importance = widget.HighImportance
		decline := widget.NewButton(core.TextDecline, func() {
			run(func(ctx context.Context) (string, error) { return c.DeclineReceived(ctx, ws, id) })
		})
		setControl(accept, nil, r.Accept)
		setControl(decline, nil, r.Decline)
		out = append(out, container.NewBorder(nil, nil, nil, container.NewHBox(accept, decline), l))
	}
	return out
}
