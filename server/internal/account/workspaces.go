package account

import (
	"context"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// inviteLifetime is how long an invitation link works.
const inviteLifetime = 7 * 24 * time.Hour

var (
	errNotAllowed = forbidden("Your role in this workspace does not allow that.")
	errNotMember  = invalid("That account is not a member of this workspace.")
	errNoSuchWS   = notFound("No such workspace.")
)

// Who may do what in a workspace.
var (
	managers = []string{store.RoleOwner, store.RoleAdmin}
	owners   = []string{store.RoleOwner}
)

// workspaceName checks a workspace name under the rule of every label:
// 2 to 60 characters, trimmed, nothing invisible or controlling.
func workspaceName(s string) (string, error) {
	name, err := model.WorkspaceNameLabel.Normalize(s)
	return name, ruleError(err)
}

// CreateWorkspace creates a workspace owned by the caller and returns its id.
func (s *Service) CreateWorkspace(ctx context.Context, ss store.Session, name string) (string, error) {
	name, err := workspaceName(name)
	if err != nil {
		return "", err
	}
	id, err := auth.NewID(s.rand)
	if err != nil {
		return "", err
	}
	now := s.now()
	ws := store.Workspace{ID: id, Name: name, Created: now, Members: []store.Member{{AccountID: ss.AccountID, Role: store.RoleOwner, Joined: now}}}
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.PutWorkspace(ws, nil); err != nil {
			return err
		}
		if err := audit(tx, ws.ID, a, model.AuditWorkspaceCreated, target{}, "", now); err != nil {
			return err
		}
		return tx.save(&a)
	})
	return id, err
}

// changeWorkspace runs fn on a workspace the caller may manage (their role
// in roles) inside a transaction, drops the pending invitations that have
// expired or whose sender may no longer invite, then pushes the new view
// to everyone who was or is a member.
func (s *Service) changeWorkspace(ctx context.Context, ss store.Session, id string, roles []string, fn func(tx txn, ws *store.Workspace, me store.Account) error) error {
	now := s.now()
	err := s.change(ctx, func(tx txn) error {
		ws, err := tx.Workspace(id)
		if err != nil {
			return err
		}
		me, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		role := ws.Role(ss.AccountID)
		if role == "" {
			return store.ErrNotFound
		}
		allowed := false
		for _, r := range roles {
			allowed = allowed || r == role
		}
		if !allowed {
			return errNotAllowed
		}
		before, after := ws, ws
		after.Members = append([]store.Member(nil), ws.Members...)
		after.Invitations = append([]store.Invitation(nil), ws.Invitations...)
		if err := fn(tx, &after, me); err != nil {
			return err
		}
		if err := dropVoidInvitations(tx, &after, now); err != nil {
			return err
		}
		// Everyone who was or is a member sees the change.
		seen := map[string]bool{}
		for _, m := range append(before.Members, after.Members...) {
			if !seen[m.AccountID] {
				seen[m.AccountID] = true
				if err := tx.bumpView(m.AccountID); err != nil {
					return err
				}
			}
		}
		if len(after.Members) == 0 {
			return tx.DeleteWorkspace(before)
		}
		return tx.PutWorkspace(after, &before)
	})
	if isNotFound(err) {
		return errNoSuchWS
	}
	return err
}

// Invitation mail limits: per inviting account and per workspace.
const (
	invitesPerAccountHour   = 20
	invitesPerWorkspaceHour = 30
)

// inviteLimit counts one invitation from the account to the workspace,
// inside tx, or says when more may be sent.
func (s *Service) inviteLimit(tx store.Guards, accountID, workspaceID string) error {
	mins := func(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }
	secs := func(d time.Duration) int { return int(d.Round(time.Second)/time.Second) + 1 }
	d, err := s.take(tx, "invite-from", accountID, invitesPerAccountHour/3600.0, invitesPerAccountHour)
	if err != nil {
		return err
	}
	if d > 0 {
		return throttled(secs(d), "You have sent %d invitations in the last hour; you can send another in %d minutes.", invitesPerAccountHour, mins(d))
	}
	if d, err = s.take(tx, "invite-to", workspaceID, invitesPerWorkspaceHour/3600.0, invitesPerWorkspaceHour); err != nil {
		return err
	}
	if d > 0 {
		return throttled(secs(d), "This workspace has sent %d invitations in the last hour; another can be sent in %d minutes.", invitesPerWorkspaceHour, mins(d))
	}
	return nil
}

// Invite mails an invitation link (7 days, single use) to the address, as
// a member or an admin (owner or admin only), and returns the address as
// normalized.
func (s *Service) Invite(ctx context.Context, ss store.Session, workspaceID, address, role string) (string, error) {
	email, err := model.NormalizeEmail(address)
	if err != nil {
		return "", invalid("%s", err)
	}
	if role == "" {
		role = store.RoleMember
	}
	if role != store.RoleMember && role != store.RoleAdmin {
		return "", invalid("Invite as a member or an admin; ownership is transferred instead.")
	}
	tok, err := auth.NewToken(s.rand)
	if err != nil {
		return "", err
	}
	now := s.now()
	id, err := auth.NewID(s.rand)
	if err != nil {
		return "", err
	}
	return email, s.changeWorkspace(ctx, ss, workspaceID, managers, func(tx txn, ws *store.Workspace, inviter store.Account) error {
		// Counted only for those allowed to invite, so an outsider
		// cannot use up a workspace's invitations.
		if err := s.inviteLimit(tx, ss.AccountID, ws.ID); err != nil {
			return err
		}
		// Inviting an address again replaces its pending invitation.
		if err := withdrawInvitations(tx, ws, func(in store.Invitation) bool { return in.Email == email }); err != nil {
			return err
		}
		hash := auth.HashToken(tok)
		if err := tx.PutToken(hash, store.Token{Kind: tokenInvite, AccountID: ss.AccountID, Expires: now.Add(inviteLifetime), Data: ws.ID + "|" + role + "|" + email}); err != nil {
			return err
		}
		ws.Invitations = append(ws.Invitations, store.Invitation{ID: id, Email: email, Role: role, InvitedBy: inviter.ID, Sent: now, Expires: now.Add(inviteLifetime), TokenHash: hash})
		if err := audit(tx, ws.ID, inviter, model.AuditInvitationSent, target{email: email}, role, now); err != nil {
			return err
		}
		// An account that holds the address lists it, to answer there.
		if err := receiveInvitation(tx, email, *ws, id); err != nil {
			return err
		}
		return s.queueMail(tx, email, "invitation", map[string]any{
			"Inviter": inviter.DisplayName, "Workspace": ws.Name, "Role": role,
			"Link": s.link("/invite#token=" + tok),
		})
	})
}

// TransferOwnership makes another member the owner (owner only); the old
// owner becomes an admin.
func (s *Service) TransferOwnership(ctx context.Context, ss store.Session, workspaceID, heirID string) error {
	now := s.now()
	return s.changeWorkspace(ctx, ss, workspaceID, owners, func(tx txn, ws *store.Workspace, me store.Account) error {
		if heirID == ss.AccountID || ws.Role(heirID) == "" {
			return errNotMember
		}
		heir, err := tx.Account(heirID)
		if err != nil {
			return err
		}
		for i := range ws.Members {
			switch ws.Members[i].AccountID {
			case heirID:
				ws.Members[i].Role = store.RoleOwner
			case ss.AccountID:
				ws.Members[i].Role = store.RoleAdmin
			}
		}
		return audit(tx, ws.ID, me, model.AuditOwnershipTransferred, targetAccount(heir), store.RoleOwner, now)
	})
}

// DeleteWorkspace deletes a workspace (owner only).
func (s *Service) DeleteWorkspace(ctx context.Context, ss store.Session, workspaceID string) error {
	now := s.now()
	return s.changeWorkspace(ctx, ss, workspaceID, owners, func(tx txn, ws *store.Workspace, me store.Account) error {
		ws.Members = nil
		return audit(tx, ws.ID, me, model.AuditWorkspaceDeleted, target{}, "", now)
	})
}

// RemoveMember removes a member (owner or admin), or lets a member leave.
// The owner cannot leave (transfer ownership or delete the workspace
// instead).
func (s *Service) RemoveMember(ctx context.Context, ss store.Session, workspaceID, memberID string) error {
	roles := managers
	if memberID == ss.AccountID {
		roles = []string{store.RoleAdmin, store.RoleMember}
	}
	now := s.now()
	return s.changeWorkspace(ctx, ss, workspaceID, roles, func(tx txn, ws *store.Workspace, me store.Account) error {
		role := ws.Role(memberID)
		if role == "" {
			return errNotMember
		}
		if role == store.RoleOwner {
			return invalid("The owner cannot be removed; transfer ownership first.")
		}
		if memberID == me.ID {
			if err := audit(tx, ws.ID, me, model.AuditMemberLeft, targetAccount(me), role, now); err != nil {
				return err
			}
		} else {
			gone, err := tx.Account(memberID)
			if err != nil {
				return err
			}
			if err := audit(tx, ws.ID, me, model.AuditMemberRemoved, targetAccount(gone), role, now); err != nil {
				return err
			}
		}
		kept := ws.Members[:0]
		for _, m := range ws.Members {
			if m.AccountID != memberID {
				kept = append(kept, m)
			}
		}
		ws.Members = kept
		return nil
	})
}
