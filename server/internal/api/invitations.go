package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
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
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), []string{store.RoleOwner, store.RoleAdmin}, func(tx txn, ws *store.Workspace, me store.Account) error {
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
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), []string{store.RoleOwner}, func(tx txn, ws *store.Workspace, me store.Account) error {
		i := slices.IndexFunc(ws.Members, func(m store.Member) bool { return m.AccountID == target })
		switch {
		case i < 0:
			return errNotMember
		case ws.Members[i].Role == store.RoleOwner:
			return errInvalid("The owner's role cannot change; transfer ownership instead.")
		case ws.Members[i].Role == req.Role:
			return nil
		}
		ws.Members[i].Role = req.Role // changeWorkspace gave fn a copy
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

type acceptRequest struct {
	Token string `json:"token"`
}

// errInviterGone refuses an invitation whose sender may no longer invite.
var errInviterGone = errors.New("the inviter may no longer invite")

// acceptInvitation is POST /v1/invitations/accept: the invited account (its
// email must be the invited address) joins; the owner and admins get "New
// team member joined".
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req acceptRequest
	if !decodeBody(w, r, &req) {
		return
	}
	hash := auth.HashToken(strings.TrimSpace(req.Token))
	now := s.now()
	var wsName string
	err := s.change(r.Context(), func(tx txn) error {
		t, err := liveToken(tx, hash, tokenInvite, now)
		if err != nil {
			return err
		}
		parts := strings.SplitN(t.Data, "|", 3)
		if len(parts) != 3 {
			return store.ErrNotFound
		}
		wsID, role, email := parts[0], parts[1], parts[2]
		me, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if me.Email != email {
			return errOtherAccount
		}
		ws, err := tx.Workspace(wsID)
		if err != nil {
			return err
		}
		wsName = ws.Name
		// The invitation carries its sender's authority, which must still
		// hold: an admin removed since cannot bring anyone in.
		if r := ws.Role(t.AccountID); r != store.RoleOwner && r != store.RoleAdmin {
			return errInviterGone
		}
		// Withdrawing deletes the token, so a live token is not withdrawn.
		before := ws
		if err := withdrawInvitations(tx, &ws, func(in store.Invitation) bool { return in.TokenHash == hash }); err != nil {
			return err
		}
		if err := tx.DeleteToken(hash); err != nil { // also one from before invitations were listed
			return err
		}
		joins := ws.Role(me.ID) == ""
		if joins {
			ws.Members = append(append([]store.Member(nil), ws.Members...), store.Member{AccountID: me.ID, Role: role, Joined: now})
		}
		if err := tx.PutWorkspace(ws, &before); err != nil {
			return err
		}
		if !joins { // already a member: nobody to tell, but the list changed
			for _, m := range ws.Members {
				if err := tx.bumpView(m.AccountID); err != nil {
					return err
				}
			}
			return nil
		}
		inviter, err := tx.Account(t.AccountID)
		if err != nil {
			return err
		}
		if err := audit(tx, ws.ID, me, account.AuditInvitationAccepted, targetAccount(inviter), role, now); err != nil {
			return err
		}
		for _, m := range before.Members {
			if m.Role != store.RoleOwner && m.Role != store.RoleAdmin {
				if err := tx.bumpView(m.AccountID); err != nil {
					return err
				}
				continue
			}
			a, err := tx.Account(m.AccountID)
			if err != nil {
				return err
			}
			if err := s.notify(tx, &a, account.NotifTeamMemberJoined, "New team member joined",
				fmt.Sprintf("%s (%s) accepted the invitation to %s.", me.DisplayName, me.Email, ws.Name), "/workspaces/"+ws.ID+"/members", now); err != nil {
				return err
			}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		bump(&me)
		tx.pushView(me.ID)
		return tx.PutAccount(me)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeExpired, "This invitation has expired, was already used or its workspace is gone. Ask for a new one."))
		return
	case errors.Is(err, errOtherAccount):
		writeError(w, http.StatusForbidden, wire.Errorf(wire.CodeForbidden, "This invitation is for another email address. Sign in with the invited address to accept it."))
		return
	case errors.Is(err, errInviterGone):
		writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeExpired, "This invitation is no longer valid: the person who sent it can no longer invite people to %s. Ask an owner or admin for a new one.", wsName))
		return
	case err != nil:
		s.fail(w, "accept invitation", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "You joined " + wsName + "."})
}
