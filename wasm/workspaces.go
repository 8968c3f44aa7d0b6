//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/account"
)

// workspacesView lists the account's workspaces with their members and
// manages them (online only).
type workspacesView struct {
	p                                     *panel
	root, list, err, info, name, acceptIn js.Value
	createBtn, acceptBtn                  js.Value
	audit                                 *auditLog
	cards                                 handlers // the workspace cards' controls
}

func newWorkspacesView(p *panel) *workspacesView {
	v := &workspacesView{p: p}
	v.list = el("div", attrs{"id": "workspace-list"})
	v.err = el("p", attrs{"id": "workspaces-error", "class": "error", "role": "alert"})
	v.info = el("p", attrs{"id": "workspaces-info", "class": "notice", "role": "status"})
	v.name = el("input", attrs{"id": "workspace-name", "type": "text"})
	v.createBtn = el("button", attrs{"id": "workspace-create", "type": "submit"}, txt(core.TextCreateWorkspace))
	create := el("form", attrs{"class": "inline", "novalidate": ""}, el("label", nil, txt(core.TextNewWorkspaceName), v.name), v.createBtn)
	on(create, "submit", func() {
		v.run(func() (string, error) {
			ctx, cancel := requestContext()
			defer cancel()
			return "", v.p.c.CreateWorkspace(ctx, value(v.name))
		})
		v.name.Set("value", "")
	})
	v.acceptIn = el("input", attrs{"id": "invitation-link", "type": "text"})
	v.acceptBtn = el("button", attrs{"id": "invitation-accept", "type": "submit"}, txt("Accept invitation"))
	accept := el("form", attrs{"class": "inline", "novalidate": ""}, el("label", nil, txt("Invitation link from the mail"), v.acceptIn), v.acceptBtn)
	on(accept, "submit", func() {
		v.run(func() (string, error) {
			ctx, cancel := requestContext()
			defer cancel()
			return v.p.c.AcceptInvitation(ctx, value(v.acceptIn))
		})
	})
	v.audit = newAuditLog(p)
	v.root = el("section", attrs{"id": "workspaces", "aria-labelledby": "workspaces-h"},
		el("h2", attrs{"id": "workspaces-h"}, txt("Workspaces")), v.err, v.info, v.list, v.audit.root, create, accept)
	return v
}

func (v *workspacesView) run(action func() (string, error)) {
	setText(v.err, "")
	setText(v.info, "")
	msg, err := action()
	setText(v.err, core.UserMessage(err))
	setText(v.info, msg)
	v.p.refresh()
}

func (v *workspacesView) render(s core.Snapshot) {
	online := s.Online()
	setDisabled(v.createBtn, !online)
	setDisabled(v.acceptBtn, !online)
	v.cards.reset()
	cards := make([]js.Value, 0, len(s.View.Workspaces))
	for _, ws := range s.View.Workspaces {
		cards = append(cards, v.card(ws, s.View.Profile.AccountID, online))
	}
	if len(cards) == 0 {
		cards = append(cards, el("p", attrs{"class": "hint"}, txt("You are not in any workspace yet.")))
	}
	replaceChildren(v.list, cards...)
	v.audit.render(s)
}

func (v *workspacesView) card(ws account.Workspace, me string, online bool) js.Value {
	members := el("ul", attrs{"class": "members"})
	transferTo := el("select", attrs{"class": "transfer-to", "aria-label": "New owner"})
	transferTo.Call("append", el("option", attrs{"value": ""}, txt("Choose the new owner")))
	others := 0
	for _, m := range ws.Members {
		name := m.DisplayName
		if m.AccountID == me {
			name += " (you)"
		} else {
			others++
			transferTo.Call("append", el("option", attrs{"value": m.AccountID}, txt(m.DisplayName+" <"+m.Email+">")))
		}
		li := el("li", attrs{"class": "member"}, el("strong", nil, txt(name)), txt(" "+m.Email+" · "+m.Role))
		if ws.Role == "owner" && m.AccountID != me {
			li.Call("append", txt(" "), v.roleButton(ws.ID, m, online))
		}
		members.Call("append", li)
	}
	card := el("div", attrs{"class": "workspace", "data-id": ws.ID},
		el("h3", nil, txt(ws.Name)), el("p", attrs{"class": "role"}, txt("Your role: "+ws.Role)), members)
	id := ws.ID
	if core.ManagesWorkspace(ws.Role) {
		email := el("input", attrs{"type": "email", "class": "invite-email", "aria-label": "Email to invite"})
		role := el("select", attrs{"class": "invite-role", "aria-label": "Role"},
			el("option", attrs{"value": "member"}, txt("member")), el("option", attrs{"value": "admin"}, txt("admin")))
		btn := el("button", attrs{"type": "submit", "class": "invite"}, txt("Invite"))
		setDisabled(btn, !online)
		form := el("form", attrs{"class": "inline", "novalidate": ""}, email, role, btn)
		v.cards.on(form, "submit", func() {
			v.run(func() (string, error) {
				ctx, cancel := requestContext()
				defer cancel()
				return v.p.c.Invite(ctx, id, value(email), value(role))
			})
		})
		card.Call("append", form, v.pending(ws, online))
		show := el("button", attrs{"type": "button", "class": "show-audit"}, txt("Audit log"))
		setDisabled(show, !online)
		v.cards.on(show, "click", func() { v.audit.open(ws.ID, ws.Name) })
		card.Call("append", show)
	}
	if ws.Role == "owner" {
		if others > 0 {
			btn := el("button", attrs{"type": "button", "class": "transfer"}, txt("Transfer ownership"))
			setDisabled(btn, !online)
			v.cards.on(btn, "click", func() {
				to := value(transferTo)
				if to == "" {
					setText(v.err, "Choose the member who becomes the owner.")
					return
				}
				v.run(func() (string, error) {
					ctx, cancel := requestContext()
					defer cancel()
					return "", v.p.c.TransferOwnership(ctx, id, to)
				})
			})
			card.Call("append", el("div", attrs{"class": "inline"}, transferTo, btn))
		}
		del := el("button", attrs{"type": "button", "class": "danger delete-workspace"}, txt("Delete workspace"))
		setDisabled(del, !online)
		v.cards.on(del, "click", func() {
			v.run(func() (string, error) {
				ctx, cancel := requestContext()
				defer cancel()
				return "", v.p.c.DeleteWorkspace(ctx, id)
			})
		})
		card.Call("append", del)
	} else {
		leave := el("button", attrs{"type": "button", "class": "leave"}, txt("Leave workspace"))
		setDisabled(leave, !online)
		v.cards.on(leave, "click", func() {
			v.run(func() (string, error) {
				ctx, cancel := requestContext()
				defer cancel()
				return "", v.p.c.RemoveMember(ctx, id, me)
			})
		})
		card.Call("append", leave)
	}
	return card
}

// roleButton makes a member an admin or an admin a member (the owner).
func (v *workspacesView) roleButton(id string, m account.Member, online bool) js.Value {
	to, text := "admin", "Make admin"
	if m.Role == "admin" {
		to, text = "member", "Make member"
	}
	btn := el("button", attrs{"type": "button", "class": "set-role", "data-role": to, "aria-label": text + ": " + m.DisplayName}, txt(text))
	setDisabled(btn, !online)
	who := m.AccountID
	v.cards.on(btn, "click", func() {
		v.run(func() (string, error) {
			ctx, cancel := requestContext()
			defer cancel()
			return "", v.p.c.SetRole(ctx, id, who, to)
		})
	})
	return btn
}

// pending lists the workspace's pending invitations, each with a Withdraw
// button.
func (v *workspacesView) pending(ws account.Workspace, online bool) js.Value {
	if len(ws.Invitations) == 0 {
		return el("p", attrs{"class": "hint invitations-none"}, txt("No pending invitations."))
	}
	list := el("ul", attrs{"class": "invitations", "aria-label": "Pending invitations"})
	for _, in := range ws.Invitations {
		btn := el("button", attrs{"type": "button", "class": "withdraw", "aria-label": "Withdraw the invitation of " + in.Email}, txt("Withdraw"))
		setDisabled(btn, !online)
		id, inv := ws.ID, in.ID
		v.cards.on(btn, "click", func() {
			v.run(func() (string, error) {
				ctx, cancel := requestContext()
				defer cancel()
				return "", v.p.c.WithdrawInvitation(ctx, id, inv)
			})
		})
		list.Call("append", el("li", attrs{"class": "invitation", "data-email": in.Email}, txt(core.InvitationLine(in)+" "), btn))
	}
	return el("div", nil, el("h4", nil, txt("Pending invitations")), list)
}
