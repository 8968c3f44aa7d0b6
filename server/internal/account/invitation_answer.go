package account

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// InvitationPreview is what an invitation link offers, shown before it is
// answered: the workspace, who invited, the role, until when.
type InvitationPreview struct {
	Workspace string    `json:"workspace"`
	InvitedBy string    `json:"invitedBy"`
	Role      string    `json:"role"`
	Email     string    `json:"email"`
	Expires   time.Time `json:"expires"`
}

// openInvitation reads the live invitation of the link hash for the
// caller's account, inside tx: its token, workspace, role and sender.
// Another account's invitation is errOtherAccount, one whose sender may no
// longer invite errInviterGone, one gone store.ErrNotFound.
func openInvitation(tx store.Tx, ss store.Session, hash string, now time.Time) (t store.Token, ws store.Workspace, role string, me store.Account, err error) {
	if t, err = liveToken(tx, hash, tokenInvite, now); err != nil {
		return
	}
	parts := strings.SplitN(t.Data, "|", 3)
	if len(parts) != 3 {
		err = store.ErrNotFound
		return
	}
	wsID, email := parts[0], parts[2]
	role = parts[1]
	if me, err = tx.Account(ss.AccountID); err != nil {
		return
	}
	if me.Email != email {
		err = errOtherAccount
		return
	}
	if ws, err = tx.Workspace(wsID); err != nil {
		return
	}
	// The invitation carries its sender's authority, which must still
	// hold: an admin removed since cannot bring anyone in.
	if r := ws.Role(t.AccountID); r != store.RoleOwner && r != store.RoleAdmin {
		err = errInviterGone
	}
	return
}

// invitationRefusal says what became of an invitation that cannot be
// answered.
func invitationRefusal(err error, wsName string) error {
	switch {
	case isNotFound(err):
		return refuse(Invalid, Expired, "This invitation has expired, was already used or its workspace is gone. Ask for a new one.")
	case errors.Is(err, errOtherAccount):
		return forbidden("This invitation is for another email address. Sign in with the invited address to answer it.")
	case errors.Is(err, errInviterGone):
		return refuse(Invalid, Expired, "This invitation is no longer valid: the person who sent it can no longer invite people to %s. Ask an owner or admin for a new one.", wsName)
	}
	return err
}

// PreviewInvitation says what the invitation link offers the caller,
// before they accept or decline it.
func (s *Service) PreviewInvitation(ctx context.Context, ss store.Session, token string) (InvitationPreview, error) {
	hash := auth.HashToken(strings.TrimSpace(token))
	var p InvitationPreview
	var wsName string
	err := s.store.View(ctx, func(tx store.Tx) error {
		t, ws, role, me, err := openInvitation(tx, ss, hash, s.now())
		wsName = ws.Name
		if err != nil {
			return err
		}
		inviter, err := tx.Account(t.AccountID)
		if err != nil {
			return err
		}
		p = InvitationPreview{Workspace: ws.Name, InvitedBy: inviter.DisplayName, Role: role, Email: me.Email, Expires: t.Expires}
		return nil
	})
	return p, invitationRefusal(err, wsName)
}

// DeclineInvitation answers the invitation link no: the invitation is
// withdrawn (its link stops working) and the workspace's audit log says
// who declined.
func (s *Service) DeclineInvitation(ctx context.Context, ss store.Session, token string) error {
	return s.declineInvitation(ctx, ss, auth.HashToken(strings.TrimSpace(token)))
}

func (s *Service) declineInvitation(ctx context.Context, ss store.Session, hash string) error {
	now := s.now()
	var wsName string
	err := s.change(ctx, func(tx txn) error {
		t, ws, role, me, err := openInvitation(tx, ss, hash, now)
		wsName = ws.Name
		if err != nil && !errors.Is(err, errInviterGone) { // a void invitation may still be declined
			return err
		}
		forgetReceived(&me, ws, hash)
		if err := tx.save(&me); err != nil {
			return err
		}
		before := ws
		if err := withdrawInvitations(tx, &ws, func(in store.Invitation) bool { return in.TokenHash == hash }); err != nil {
			return err
		}
		if err := tx.DeleteToken(hash); err != nil {
			return err
		}
		if err := tx.PutWorkspace(ws, &before); err != nil {
			return err
		}
		for _, m := range ws.Members {
			if m.AccountID == me.ID {
				continue // saved above
			}
			if err := tx.bumpView(m.AccountID); err != nil {
				return err
			}
		}
		inviter, err := tx.Account(t.AccountID)
		if err != nil {
			if isNotFound(err) { // its sender deleted their account since
				return audit(tx, ws.ID, me, model.AuditInvitationDeclined, target{name: "a deleted account"}, role, now)
			}
			return err
		}
		return audit(tx, ws.ID, me, model.AuditInvitationDeclined, targetAccount(inviter), role, now)
	})
	return invitationRefusal(err, wsName)
}

// forgetReceived drops, from the account's received invitations, the one
// of ws whose link token hashes to hash (and any no longer in ws).
func forgetReceived(a *store.Account, ws store.Workspace, hash string) {
	a.Invited = slices.DeleteFunc(slices.Clone(a.Invited), func(r store.InvitationRef) bool {
		if r.WorkspaceID != ws.ID {
			return false
		}
		i := slices.IndexFunc(ws.Invitations, func(in store.Invitation) bool { return in.ID == r.InvitationID })
		return i < 0 || ws.Invitations[i].TokenHash == hash
	})
}

// received lists an account's pending invitations for its view: those
// still in their workspace, to its current address, unexpired, from
// someone who may still invite.
func received(tx viewTx, a store.Account, now time.Time) ([]model.Invited, error) {
	var out []model.Invited
	for _, r := range a.Invited {
		ws, err := tx.Workspace(r.WorkspaceID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(ws.Invitations, func(in store.Invitation) bool { return in.ID == r.InvitationID })
		if i < 0 {
			continue
		}
		in := ws.Invitations[i]
		if in.Email != a.Email || !now.Before(in.Expires) || ws.Role(in.InvitedBy) != store.RoleOwner && ws.Role(in.InvitedBy) != store.RoleAdmin {
			continue
		}
		inviter, err := tx.Account(in.InvitedBy)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, err
		}
		out = append(out, model.Invited{ID: in.ID, WorkspaceID: ws.ID, Workspace: ws.Name, InvitedBy: inviter.DisplayName, Role: in.Role, Expires: in.Expires})
	}
	return out, nil
}

// receiveInvitation records, inside tx, an invitation sent to the address
// of an existing account (if one holds it), replacing one from the same
// workspace, so its clients list it.
func receiveInvitation(tx txn, email string, ws store.Workspace, invitationID string) error {
	to, err := tx.AccountByEmail(email)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	to.Invited = append(slices.DeleteFunc(slices.Clone(to.Invited), func(r store.InvitationRef) bool { return r.WorkspaceID == ws.ID }),
		store.InvitationRef{WorkspaceID: ws.ID, InvitationID: invitationID})
	return tx.save(&to)
}

// unreceive takes, inside tx, an invitation away from the account holding
// its address (withdrawn: its clients stop listing it).
func unreceive(tx txn, in store.Invitation, ws store.Workspace) error {
	to, err := tx.AccountByEmail(in.Email)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	n := len(to.Invited)
	to.Invited = slices.DeleteFunc(slices.Clone(to.Invited), func(r store.InvitationRef) bool {
		return r.WorkspaceID == ws.ID && r.InvitationID == in.ID
	})
	if len(to.Invited) == n {
		return nil
	}
	return tx.save(&to)
}

// invitationHash finds the link token of the caller's received invitation
// id in workspace wsID (so it is answered as its link would be).
func (s *Service) invitationHash(ctx context.Context, ss store.Session, wsID, id string) (string, error) {
	var hash string
	err := s.store.View(ctx, func(tx store.Tx) error {
		me, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		ws, err := tx.Workspace(wsID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ws.Invitations, func(in store.Invitation) bool { return in.ID == id })
		if i < 0 {
			return store.ErrNotFound
		}
		if ws.Invitations[i].Email != me.Email {
			return errOtherAccount
		}
		hash = ws.Invitations[i].TokenHash
		return nil
	})
	return hash, invitationRefusal(err, "")
}

// AcceptReceived accepts invitation id of workspace wsID, one the caller
// received (its view lists it), as its link would.
func (s *Service) AcceptReceived(ctx context.Context, ss store.Session, wsID, id string) (string, error) {
	hash, err := s.invitationHash(ctx, ss, wsID, id)
	if err != nil {
		return "", err
	}
	return s.acceptInvitation(ctx, ss, hash)
}

// DeclineReceived declines invitation id of workspace wsID, one the
// caller received.
func (s *Service) DeclineReceived(ctx context.Context, ss store.Session, wsID, id string) error {
	hash, err := s.invitationHash(ctx, ss, wsID, id)
	if err != nil {
		return err
	}
	return s.declineInvitation(ctx, ss, hash)
}
