//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/dialnexa/account/core"
)

// workspacesView lists the account's workspaces with their members and
// manages them (online only).
type workspacesView struct {
	p                                     *panel
	root, list, err, info, name, acceptIn js.Value
	received                              js.Value // the invitations the account received
	createBtn, acceptBtn                  js.Value
	audit                                 *auditLog
	cards                                 handlers // the workspace cards' controls
}

func newWorkspacesView(p *panel) *workspacesView {
	v := &workspacesView{p: p}
	v.list = el("div", attrs{"id": "workspace-list"})
	v.received = el("div", attrs{"id": "received", "aria-labelledby": "received-h", "hidden": ""})
	v.err = el("p", attrs{"id": "workspaces-error", "class": "error", "role": "alert"})
	v.info = el("p", attrs{"id": "workspaces-info", "class": "notice", "role": "status"})
	v.name = el("input", attrs{"id": "workspace-name", "type": "text"})
	v.createBtn = el("button", attrs{"id": "workspace-create", "type": "submit"}, txt(core.TextCreateWorkspace))
	create := el("form", attrs{"class": "inline", "novalidate": ""}, el("label", nil, txt(core.TextNewWorkspaceName), v.name), v.createBtn)
	on(create, "submit", func() {
		v.run(func(ctx context.Context) (string, error) { return "", v.p.c.CreateWorkspace(ctx, value(v.name)) })
		v.name.Set("value", "")
	})
	v.acceptIn = el("input", attrs{"id": "invitation-link", "type": "text"})
	v.acceptBtn = el("button", attrs{"id": "invitation-accept", "type": "submit"}, txt(core.TextAcceptInvitation))
	accept := el("form", attrs{"class": "inline", "novalidate": ""}, el("label", nil, txt(core.TextInvitationLink), v.acceptIn), v.acceptBtn)
	on(accept, "submit", func() {
		v.run(func(ctx context.Context) (string, error) { return v.p.c.AcceptInvitation(ctx, value(v.acceptIn)) })
	})
	v.audit = newAuditLog(p)
	v.root = el("section", attrs{"id": "workspaces", "aria-labelledby": "workspaces-h"},
		el("h2", attrs{"id": "workspaces-h"}, txt("Workspaces")), v.err, v.info, v.received, v.list, v.audit.root, create, accept)
	return v
}

func (v *workspacesView) run(action func(ctx context.Context) (string, error)) {
	setText(v.err, "")
	setText(v.info, "")
	ctx, cancel := requestContext()
	defer cancel()
	msg, err := action(ctx)
	setText(v.err, core.UserMessage(err))
	setText(v.info, msg)
	v.p.refresh()
}

func (v *workspacesView) render(s core.Snapshot) {
	m := s.Workspaces(panelDates)
	setEnabled(v.createBtn, m.Create.Enabled, m.Create.Reason)
	setEnabled(v.acceptBtn, m.Accept.Enabled, m.Accept.Reason)
	if v.cards.rebuild(m) {
		show(v.received, len(m.Received) > 0)
		replaceChildren(v.received, el("h3", attrs{"id": "received-h"}, txt(core.TextReceived)),
			receivedList(m.Received, v.p, &v.cards, func(answer func(ctx context.Context) (string, error)) { v.run(answer) }))
		cards := make([]js.Value, 0, len(m.Cards)+1)
		for _, c := range m.Cards {
			cards = append(cards, v.card(c))
		}
		if m.Empty != "" {
			cards = append(cards, el("p", attrs{"class": "hint"}, txt(m.Empty)))
		}
		replaceChildren(v.list, cards...)
	}
	v.audit.render(s)
}

// button is a button laid out from its control.
func button(a attrs, text string, c core.Control) js.Value {
	if a["type"] == "" {
		a["type"] = "button"
	}
	b := el("button", a, txt(text))
	setEnabled(b, c.Enabled, c.Reason)
	return b
}

func (v *workspacesView) card(c core.WorkspaceCard) js.Value {
	id := c.ID
	members := el("ul", attrs{"class": "members"})
	for _, m := range c.Members {
		li := el("li", attrs{"class": "member"}, el("strong", nil, txt(m.Name)), txt(" "+m.Email+" · "+m.Role))
		if r := m.SetRole; r != nil {
			btn := button(attrs{"class": "set-role", "data-role": r.To, "aria-label": r.Label}, r.Text, r.Control)
			who, to := m.AccountID, r.To
			v.cards.on(btn, "click", func() {
				v.run(func(ctx context.Context) (string, error) { return "", v.p.c.SetRole(ctx, id, who, to) })
			})
			li.Call("append", txt(" "), btn)
		}
		members.Call("append", li)
	}
	card := el("div", attrs{"class": "workspace", "data-id": c.ID},
		el("h3", nil, txt(c.Name)), el("p", attrs{"class": "role"}, txt(c.Role)), members)
	if f := c.Invite; f != nil {
		email := el("input", attrs{"type": "email", "class": "invite-email", "placeholder": core.TextInviteHint, "autocomplete": "off"})
		role := el("select", attrs{"class": "invite-role"})
		for _, r := range f.Roles {
			role.Call("append", el("option", attrs{"value": r.Value}, txt(r.Label)))
		}
		// Visible labels: a placeholder alone goes once something is typed.
		form := el("form", attrs{"class": "inline", "novalidate": ""},
			el("label", nil, txt(core.TextInviteEmail), email),
			el("label", attrs{"class": "role-label"}, txt(core.TextInviteRole), role),
			button(attrs{"type": "submit", "class": "invite"}, "Invite", f.Send))
		v.cards.on(form, "submit", func() {
			v.run(func(ctx context.Context) (string, error) { return v.p.c.Invite(ctx, id, value(email), value(role)) })
		})
		card.Call("append", form)
	}
	if p := v.pending(c); !p.IsUndefined() {
		card.Call("append", p)
	}
	if c.AuditLog != nil {
		show := button(attrs{"class": "show-audit"}, core.TextAuditLog, *c.AuditLog)
		name := c.Name
		v.cards.on(show, "click", func() { v.audit.open(id, name) })
		card.Call("append", show)
	}
	if t := c.Transfer; t != nil {
		to := el("select", attrs{"class": "transfer-to", "aria-label": "New owner"}, el("option", attrs{"value": ""}, txt(core.TextChooseNewOwner)))
		for _, m := range t.Candidates {
			to.Call("append", el("option", attrs{"value": m.Value}, txt(m.Label)))
		}
		btn := button(attrs{"class": "transfer"}, core.TextTransferOwner, t.Transfer)
		v.cards.on(btn, "click", func() {
			who := value(to)
			if who == "" {
				setText(v.err, core.TextChooseOwnerFirst)
				return
			}
			v.run(func(ctx context.Context) (string, error) { return "", v.p.c.TransferOwnership(ctx, id, who) })
		})
		card.Call("append", el("div", attrs{"class": "inline"}, to, btn))
	}
	if d := c.Delete; d != nil {
		del := button(attrs{"class": "danger delete-workspace"}, d.Text, d.Control)
		v.cards.on(del, "click", func() {
			v.run(func(ctx context.Context) (string, error) { return "", v.p.c.DeleteWorkspace(ctx, id) })
		})
		card.Call("append", del)
	}
	if l := c.Leave; l != nil {
		leave := button(attrs{"class": "leave"}, l.Text, l.Control)
		me := c.Me
		v.cards.on(leave, "click", func() {
			v.run(func(ctx context.Context) (string, error) { return "", v.p.c.RemoveMember(ctx, id, me) })
		})
		card.Call("append", leave)
	}
	return card
}

// pending lists the workspace's pending invitations, each with a Withdraw
// button (undefined when the account does not manage it).
func (v *workspacesView) pending(c core.WorkspaceCard) js.Value {
	if c.NoInvitations != "" {
		return el("p", attrs{"class": "hint invitations-none"}, txt(c.NoInvitations))
	}
	if len(c.Invitations) == 0 {
		return js.Undefined()
	}
	list := el("ul", attrs{"class": "invitations", "aria-label": core.TextPendingInvites})
	for _, in := range c.Invitations {
		btn := button(attrs{"class": "withdraw", "aria-label": "Withdraw the invitation of " + in.Email}, "Withdraw", in.Withdraw)
		id, inv := c.ID, in.ID
		v.cards.on(btn, "click", func() {
			v.run(func(ctx context.Context) (string, error) { return "", v.p.c.WithdrawInvitation(ctx, id, inv) })
		})
		list.Call("append", el("li", attrs{"class": "invitation", "data-email": in.Email}, txt(in.Text+" "), btn))
	}
	return el("div", nil, el("h4", nil, txt(core.TextPendingInvites)), list)
}

// receivedList lays out the invitations the account received, each with
// Accept and Decline (their listeners held by hs), answered through run.
func receivedList(rows []core.ReceivedRow, p *panel, hs *handlers, run func(func(ctx context.Context) (string, error))) js.Value {
	list := el("ul", attrs{"class": "received"})
	for _, r := range rows {
		ws, id := r.WorkspaceID, r.ID
		accept := button(attrs{"class": "primary accept-invitation"}, core.TextAccept, r.Accept)
		decline := button(attrs{"class": "decline-invitation"}, core.TextDecline, r.Decline)
		hs.on(accept, "click", func() {
			run(func(ctx context.Context) (string, error) { return p.c.AcceptReceived(ctx, ws, id) })
		})
		hs.on(decline, "click", func() {
			run(func(ctx context.Context) (string, error) { return p.c.DeclineReceived(ctx, ws, id) })
		})
		list.Call("append", el("li", attrs{"data-invitation": id}, txt(r.Text+" "), accept, txt(" "), decline))
	}
	return list
}
