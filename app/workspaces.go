package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/account"
)

// workspacesScreen lists the account's workspaces with their members, and
// manages them: create, invite, accept an invitation, transfer ownership,
// delete, leave. Everything here is online only.
type workspacesScreen struct {
	u       *UI
	content fyne.CanvasObject
	list    *fyne.Container
	name    *widget.Entry
	create  *widget.Button
	accept  *widget.Entry
	join    *widget.Button
	errText *widget.Label
	info    *widget.Label
}

func newWorkspacesScreen(u *UI) *workspacesScreen {
	w := &workspacesScreen{u: u, list: container.NewVBox()}
	w.name = widget.NewEntry()
	w.name.SetPlaceHolder(core.TextNewWorkspaceName)
	w.create = widget.NewButton(core.TextCreateWorkspace, func() {
		name := w.name.Text
		w.run(func() (string, error) {
			ctx, cancel := w.u.ctx()
			defer cancel()
			return "", w.u.c.CreateWorkspace(ctx, name)
		}, func() { w.name.SetText("") })
	})
	w.accept = widget.NewEntry()
	w.accept.SetPlaceHolder("Invitation link from the mail")
	w.join = widget.NewButton("Accept invitation", func() {
		link := w.accept.Text
		w.run(func() (string, error) {
			ctx, cancel := w.u.ctx()
			defer cancel()
			return w.u.c.AcceptInvitation(ctx, link)
		}, func() { w.accept.SetText("") })
	})
	w.errText = errorLabel()
	w.info = widget.NewLabel("")
	w.info.Wrapping = fyne.TextWrapWord
	w.content = container.NewVScroll(container.NewVBox(
		w.errText, w.info, w.list,
		widget.NewCard("New workspace", "", container.NewBorder(nil, nil, nil, w.create, w.name)),
		widget.NewCard("Join a workspace", "Open the link from the invitation mail, or paste it here.", container.NewBorder(nil, nil, nil, w.join, w.accept)),
	))
	return w
}

// run performs a blocking action and shows its result.
func (w *workspacesScreen) run(action func() (string, error), then func()) {
	w.errText.SetText("")
	w.info.SetText("")
	w.u.async(func() {
		msg, err := action()
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

func (w *workspacesScreen) render(s core.Snapshot) {
	w.errText.Hidden = w.errText.Text == ""
	w.info.Hidden = w.info.Text == ""
	online := s.Online()
	for _, b := range []*widget.Button{w.create, w.join} {
		if online {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	cards := make([]fyne.CanvasObject, 0, len(s.View.Workspaces))
	for _, ws := range s.View.Workspaces {
		cards = append(cards, w.card(ws, s))
	}
	if len(cards) == 0 {
		cards = append(cards, widget.NewLabel("You are not in any workspace yet."))
	}
	w.list.Objects = cards
	w.list.Refresh()
}

func (w *workspacesScreen) card(ws account.Workspace, s core.Snapshot) fyne.CanvasObject {
	rows := []fyne.CanvasObject{}
	var others []account.Member
	for _, m := range ws.Members {
		me := ""
		if m.AccountID == s.View.Profile.AccountID {
			me = " (you)"
		} else {
			others = append(others, m)
		}
		rows = append(rows, widget.NewLabel(fmt.Sprintf("%s%s — %s · %s", m.DisplayName, me, m.Email, m.Role)))
	}
	id := ws.ID
	if core.ManagesWorkspace(ws.Role) {
		email := widget.NewEntry()
		email.SetPlaceHolder("Email to invite")
		role := widget.NewSelect([]string{"member", "admin"}, nil)
		role.SetSelected("member")
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewHBox(role, widget.NewButton("Invite", func() {
			addr, r := email.Text, role.Selected
			w.run(func() (string, error) {
				ctx, cancel := w.u.ctx()
				defer cancel()
				return w.u.c.Invite(ctx, id, addr, r)
			}, func() { email.SetText("") })
		})), email))
	}
	if core.ManagesWorkspace(ws.Role) {
		rows = append(rows, w.pending(ws)...)
		rows = append(rows, widget.NewButton("Audit log", func() { w.showAudit(ws) }))
	}
	if ws.Role == "owner" {
		rows = append(rows, w.roleActions(ws.ID, others)...)
		rows = append(rows, w.ownerActions(ws.ID, ws.Name, others)...)
	} else {
		self := s.View.Profile.AccountID
		rows = append(rows, widget.NewButton("Leave workspace", func() {
			w.run(func() (string, error) {
				ctx, cancel := w.u.ctx()
				defer cancel()
				return "", w.u.c.RemoveMember(ctx, id, self)
			}, nil)
		}))
	}
	return widget.NewCard(ws.Name, "Your role: "+ws.Role, container.NewVBox(rows...))
}

// pending lists the workspace's pending invitations, each with a
// Withdraw button.
func (w *workspacesScreen) pending(ws account.Workspace) []fyne.CanvasObject {
	if len(ws.Invitations) == 0 {
		return []fyne.CanvasObject{widget.NewLabel("No pending invitations.")}
	}
	out := []fyne.CanvasObject{widget.NewLabelWithStyle("Pending invitations", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, in := range ws.Invitations {
		id, inv := ws.ID, in.ID
		out = append(out, container.NewBorder(nil, nil, nil, widget.NewButton("Withdraw", func() {
			w.run(func() (string, error) {
				ctx, cancel := w.u.ctx()
				defer cancel()
				return "", w.u.c.WithdrawInvitation(ctx, id, inv)
			}, nil)
		}), widget.NewLabel(core.InvitationLine(in))))
	}
	return out
}

// roleActions make members admins and admins members (the owner).
func (w *workspacesScreen) roleActions(id string, others []account.Member) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, m := range others {
		to, text := "admin", "Make "+m.DisplayName+" an admin"
		if m.Role == "admin" {
			to, text = "member", "Make "+m.DisplayName+" a member"
		}
		who := m.AccountID
		out = append(out, widget.NewButton(text, func() {
			w.run(func() (string, error) {
				ctx, cancel := w.u.ctx()
				defer cancel()
				return "", w.u.c.SetRole(ctx, id, who, to)
			}, nil)
		}))
	}
	return out
}

// ownerActions are transfer (to a chosen member) and delete.
func (w *workspacesScreen) ownerActions(id, name string, others []account.Member) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	if len(others) > 0 {
		labels := make([]string, len(others))
		for i, m := range others {
			labels[i] = m.DisplayName + " <" + m.Email + ">"
		}
		pick := widget.NewSelect(labels, nil)
		pick.PlaceHolder = "Choose the new owner"
		out = append(out, container.NewBorder(nil, nil, nil, widget.NewButton("Transfer ownership", func() {
			i := pick.SelectedIndex()
			if i < 0 {
				w.errText.SetText("Choose the member who becomes the owner.")
				return
			}
			to := others[i].AccountID
			w.run(func() (string, error) {
				ctx, cancel := w.u.ctx()
				defer cancel()
				return "", w.u.c.TransferOwnership(ctx, id, to)
			}, nil)
		}), pick))
	}
	del := widget.NewButton("Delete workspace "+name, func() {
		w.run(func() (string, error) {
			ctx, cancel := w.u.ctx()
			defer cancel()
			return "", w.u.c.DeleteWorkspace(ctx, id)
		}, nil)
	})
	del.Importance = widget.DangerImportance
	return append(out, del)
}

// isBlocked reports whether err is a refusal for owned workspaces.
func isBlocked(err error) (*core.BlockedError, bool) {
	var be *core.BlockedError
	return be, errors.As(err, &be)
}
