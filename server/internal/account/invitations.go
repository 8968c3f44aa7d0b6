package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// withdrawInvitations removes the workspace's pending invitations that
// match, with their link tokens.
func withdrawInvitations(tx teamTx, ws *store.Workspace, match func(store.Invitation) bool) error {
	return dropInvitations(tx, ws, func(in store.Invitation) (bool, bool) { m := match(in); return m, m })
}

// dropInvitations removes the invitations for which drop says so, and
// their link tokens where it says so too.
func dropInvitations(tx teamTx, ws *store.Workspace, drop func(store.Invitation) (drop, deleteToken bool)) error {
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
func dropVoidInvitations(tx teamTx, ws *store.Workspace, now time.Time) error {
	return dropInvitations(tx, ws, func(in store.Invitation) (bool, bool) {
		if len(ws.Members) == 0 || !now.Before(in.Expires) {
			return true, true
		}
		r := ws.Role(in.InvitedBy)
		return r != store.RoleOwner && r != store.RoleAdmin, false
	})
}

// WithdrawInvitation withdraws a pending invitation (owner or admin): its
// link stops working.
func (s *Service) WithdrawInvitation(ctx context.Context, ss store.Session, workspaceID, invitationID string) error {
	now := s.now()
	return s.changeWorkspace(ctx, ss, workspaceID, managers, func(tx txn, ws *store.Workspace, me store.Account) error {
		i := slices.IndexFunc(ws.Invitations, func(in store.Invitation) bool { return in.ID == invitationID && now.Before(in.Expires) })
		if i < 0 {
			return notFound("This invitation was already accepted, withdrawn or has expired.")
		}
		in := ws.Invitations[i]
		if err := withdrawInvitations(tx, ws, func(x store.Invitation) bool { return x.ID == invitationID }); err != nil {
			return err
		}
		if err := unreceive(tx, in, *ws); err != nil {
			return err
		}
		return audit(tx, ws.ID, me, model.AuditInvitationWithdrawn, target{email: in.Email}, in.Role, now)
	})
}

// ChangeRole makes a member an admin or an admin a member (owner only).
func (s *Service) ChangeRole(ctx context.Context, ss store.Session, workspaceID, memberID, role string) error {
	if role != store.RoleMember && role != store.RoleAdmin {
		return invalid("A role is member or admin; ownership is transferred instead.")
	}
	now := s.now()
	return s.changeWorkspace(ctx, ss, workspaceID, owners, func(tx txn, ws *store.Workspace, me store.Account) error {
		i := slices.IndexFunc(ws.Members, func(m store.Member) bool { return m.AccountID == memberID })
		switch {
		case i < 0:
			return errNotMember
		case ws.Members[i].Role == store.RoleOwner:
			return invalid("The owner's role cannot change; transfer ownership instead.")
		case ws.Members[i].Role == role:
			return nil
		}
		ws.Members[i].Role = role // changeWorkspace gave fn a copy
		t, err := tx.Account(memberID)
		if err != nil {
			return err
		}
		return audit(tx, ws.ID, me, model.AuditRoleChanged, targetAccount(t), role, now)
	})
}

// errInviterGone refuses an invitation whose sender may no longer invite.
var errInviterGone = errors.New("the inviter may no longer invite")

// AcceptInvitation joins the caller to the workspace of an invitation link
// (their email must be the invited address) and returns the workspace's
// name; the owner and admins get "New team member joined".
func (s *Service) AcceptInvitation(ctx context.Context, ss store.Session, token string) (string, error) {
	return s.acceptInvitation(ctx, ss, auth.HashToken(strings.TrimSpace(token)))
}

// acceptInvitation accepts the invitation whose link token hashes to hash.
func (s *Service) acceptInvitation(ctx context.Context, ss store.Session, hash string) (string, error) {
	now := s.now()
	var wsName string
	err := s.change(ctx, func(tx txn) error {
		t, ws, role, me, err := openInvitation(tx, ss, hash, now)
		wsName = ws.Name
		if err != nil {
			return err
		}
		forgetReceived(&me, ws, hash)
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
				if m.AccountID == me.ID {
					continue // saved below
				}
				if err := tx.bumpView(m.AccountID); err != nil {
					return err
				}
			}
			return tx.save(&me)
		}
		inviter, err := tx.Account(t.AccountID)
		if err != nil {
			return err
		}
		if err := audit(tx, ws.ID, me, model.AuditInvitationAccepted, targetAccount(inviter), role, now); err != nil {
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
			if err := s.notify(tx, &a, model.NotifTeamMemberJoined, "New team member joined",
				fmt.Sprintf("%s (%s) accepted the invitation to %s.", me.DisplayName, me.Email, ws.Name), "/workspaces/"+ws.ID+"/members", now); err != nil {
				return err
			}
			if err := tx.PutAccount(a); err != nil {
				return err
			}
		}
		return tx.save(&me)
	})
	if err != nil {
		return "", invitationRefusal(err, wsName)
	}
	return wsName, nil
}
