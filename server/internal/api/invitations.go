package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
)

// withdrawInvitations removes the workspace's pending invitations that
// match, with their link tokens.
func withdrawInvitations(tx store.Tx, ws *store.Workspace, match func(store.Invitation) bool) error {
	return dropInvitations(tx, ws, func(in store.Invitation) (bool, bool) { m := match(in); return m, m })
}

// dropInvitations removes the invitations for which drop says so, and
// their link tokens where it says so too.
func dropInvitations(tx store.Tx, ws *store.Workspace, drop func(store.Invitation) (drop, deleteToken bool)) error {
	kept := ws.Invitations[:0:0]
	for _, in := range ws.Invitations {
		d, del := drop(in)
		if !d {
			kept = append(kept, in)
			continue
		}
		if del {
			if err := tx.DeleteToken(in.TokenHash); err != nil {
				return err
			}
		}
	}
	ws.Invitations = kept
	return nil
}

// dropVoidInvitations removes the invitations no one can accept any more:
// expired, to a workspace being deleted, or sent by someone who may no
// longer invite (whose link is kept until it expires, so that accepting
// it says why it no longer works).
func dropVoidInvitations(tx store.Tx, ws *store.Workspace, now time.Time) error {
	return dropInvitations(tx, ws, func(in store.Invitation) (bool, bool) {
		if len(ws.Members) == 0 || !now.Before(in.Expires) {
			return true, true
		}
		r := ws.Role(in.InvitedBy)
		return r != store.RoleOwner && r != store.RoleAdmin, false
	})
}

// withdrawInvitation is DELETE /v1/workspaces/{id}/invitations/{invitation}
// (owner or admin): the link stops working.
func (s *Server) withdrawInvitation(w http.ResponseWriter, r *http.Request, ss store.Session) {
	id := r.PathValue("invitation")
	now := s.now()
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), []string{store.RoleOwner, store.RoleAdmin}, func(tx store.Tx, ws *store.Workspace, me store.Account) error {
		i := slices.IndexFunc(ws.Invitations, func(in store.Invitation) bool { return in.ID == id && now.Before(in.Expires) })
		if i < 0 {
			return errNotFound("This invitation was already accepted, withdrawn or has expired.")
		}
		in := ws.Invitations[i]
		if err := withdrawInvitations(tx, ws, func(x store.Invitation) bool { return x.ID == id }); err != nil {
			return err
		}
		return audit(tx, ws.ID, me, account.AuditInvitationWithdrawn, target{email: in.Email}, in.Role, now)
	})
	if ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

type roleRequest struct {
	Role string `json:"role"`
}

// changeRole is PUT /v1/workspaces/{id}/members/{account}/role (owner):
// make a member an admin or an admin a member.
func (s *Server) changeRole(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req roleRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Role != store.RoleMember && req.Role != store.RoleAdmin {
		writeError(w, http.StatusBadRequest, errInvalid("A role is member or admin; ownership is transferred instead."))
		return
	}
	target := r.PathValue("account")
	now := s.now()
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), []string{store.RoleOwner}, func(tx store.Tx, ws *store.Workspace, me store.Account) error {
		i := slices.IndexFunc(ws.Members, func(m store.Member) bool { return m.AccountID == target })
		switch {
		case i < 0:
			return errNotMember
		case ws.Members[i].Role == store.RoleOwner:
			return errInvalid("The owner's role cannot change; transfer ownership instead.")
		case ws.Members[i].Role == req.Role:
			return nil
		}
		ws.Members = slices.Clone(ws.Members)
		ws.Members[i].Role = req.Role
		t, err := tx.Account(target)
		if err != nil {
			return err
		}
		return audit(tx, ws.ID, me, account.AuditRoleChanged, targetAccount(t), req.Role, now)
	})
	if ok {
		w.WriteHeader(http.StatusNoContent)
	}
}
