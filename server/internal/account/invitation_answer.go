package account

import (
	"context"
	"errors"
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
	hash := auth.HashToken(strings.TrimSpace(token))
	now := s.now()
	var wsName string
	err := s.change(ctx, func(tx txn) error {
		t, ws, role, me, err := openInvitation(tx, ss, hash, now)
		wsName = ws.Name
		if err != nil && !errors.Is(err, errInviterGone) { // a void invitation may still be declined
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
