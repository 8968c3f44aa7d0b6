package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// inviteLifetime is how long an invitation link works.
const inviteLifetime = 7 * 24 * time.Hour

var (
	errNotAllowed = errors.New("not allowed")
	errNotMember  = errors.New("not a member")
)

type workspaceRequest struct {
	Name string `json:"name"`
}

// workspaceName checks a workspace name: 2 to 60 characters, trimmed.
func workspaceName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n < 2 || n > 60 {
		return "", errInvalid("A workspace name has 2 to 60 characters.")
	}
	if _, err := account.NormalizeDisplayName(s + "xx"); err != nil && !strings.Contains(err.Error(), "at most") {
		return "", errInvalid("A workspace name cannot contain control or invisible characters.")
	}
	return s, nil
}

// createWorkspace is POST /v1/workspaces.
func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req workspaceRequest
	if !decodeBody(w, r, &req) {
		return
	}
	name, err := workspaceName(req.Name)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.(*wire.Error))
		return
	}
	id, err := auth.NewID(s.cfg.Rand)
	if err != nil {
		s.fail(w, "new workspace id", err)
		return
	}
	now := s.now()
	ws := store.Workspace{ID: id, Name: name, Created: now, Members: []store.Member{{AccountID: ss.AccountID, Role: store.RoleOwner, Joined: now}}}
	err = s.change(r.Context(), func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.PutWorkspace(ws, nil); err != nil {
			return err
		}
		if err := audit(tx, ws.ID, a, account.AuditWorkspaceCreated, target{}, "", now); err != nil {
			return err
		}
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	if err != nil {
		s.fail(w, "create workspace", err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

// changeWorkspace runs fn on a workspace the caller (me) may manage (role
// in roles) inside a transaction, drops the pending invitations that have
// expired or whose sender may no longer invite, then pushes the new view
// to everyone who was or is a member.
func (s *Server) changeWorkspace(ctx context.Context, w http.ResponseWriter, ss store.Session, id string, roles []string, fn func(tx txn, ws *store.Workspace, me store.Account) error) bool {
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
	var le *limitedError
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, errNotFound("No such workspace."))
		return false
	case errors.Is(err, errNotAllowed):
		writeError(w, http.StatusForbidden, wire.Errorf(wire.CodeForbidden, "Your role in this workspace does not allow that."))
		return false
	case errors.Is(err, errNotMember):
		writeError(w, http.StatusBadRequest, errInvalid("That account is not a member of this workspace."))
		return false
	case errors.As(err, &le):
		w.Header().Set("Retry-After", strconv.Itoa(int(le.wait.Round(time.Second)/time.Second)+1))
		writeError(w, http.StatusTooManyRequests, wire.Errorf(wire.CodeRateLimited, "%s", le.msg))
		return false
	case err != nil:
		var we *wire.Error
		if errors.As(err, &we) {
			status := http.StatusBadRequest
			if we.Code == wire.CodeNotFound {
				status = http.StatusNotFound
			}
			writeError(w, status, we)
			return false
		}
		s.fail(w, "change workspace", err)
		return false
	}
	return true
}

// Invitation mail limits: per inviting account and per workspace.
const (
	invitesPerAccountHour   = 20
	invitesPerWorkspaceHour = 30
)

// limitedError refuses a request over a rate limit, saying when to retry.
type limitedError struct {
	wait time.Duration
	msg  string
}

func (e *limitedError) Error() string { return e.msg }

// inviteLimit counts one invitation from the account to the workspace, or
// says when more may be sent.
func (s *Server) inviteLimit(accountID, workspaceID string) error {
	mins := func(d time.Duration) int { return int((d + time.Minute - 1) / time.Minute) }
	if d := s.limits.Wait("invite-from:"+accountID, invitesPerAccountHour/3600.0, invitesPerAccountHour); d > 0 {
		return &limitedError{d, fmt.Sprintf("You have sent %d invitations in the last hour; you can send another in %d minutes.", invitesPerAccountHour, mins(d))}
	}
	if d := s.limits.Wait("invite-to:"+workspaceID, invitesPerWorkspaceHour/3600.0, invitesPerWorkspaceHour); d > 0 {
		return &limitedError{d, fmt.Sprintf("This workspace has sent %d invitations in the last hour; another can be sent in %d minutes.", invitesPerWorkspaceHour, mins(d))}
	}
	return nil
}

type inviteRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// invite is POST /v1/workspaces/{id}/invitations (owner or admin): mail an
// invitation link (7 days, single use) to the address.
func (s *Server) invite(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req inviteRequest
	if !decodeBody(w, r, &req) {
		return
	}
	email, err := account.NormalizeEmail(req.Email)
	if err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	if req.Role == "" {
		req.Role = store.RoleMember
	}
	if req.Role != store.RoleMember && req.Role != store.RoleAdmin {
		writeError(w, http.StatusBadRequest, errInvalid("Invite as a member or an admin; ownership is transferred instead."))
		return
	}
	tok, err := auth.NewToken(s.cfg.Rand)
	if err != nil {
		s.fail(w, "new token", err)
		return
	}
	now := s.now()
	id, err := auth.NewID(s.cfg.Rand)
	if err != nil {
		s.fail(w, "new invitation id", err)
		return
	}
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), []string{store.RoleOwner, store.RoleAdmin}, func(tx txn, ws *store.Workspace, inviter store.Account) error {
		// Counted only for those allowed to invite, so an outsider
		// cannot use up a workspace's invitations.
		if err := s.inviteLimit(ss.AccountID, ws.ID); err != nil {
			return err
		}
		// Inviting an address again replaces its pending invitation.
		if err := withdrawInvitations(tx, ws, func(in store.Invitation) bool { return in.Email == email }); err != nil {
			return err
		}
		hash := auth.HashToken(tok)
		if err := tx.PutToken(hash, store.Token{Kind: tokenInvite, AccountID: ss.AccountID, Expires: now.Add(inviteLifetime), Data: ws.ID + "|" + req.Role + "|" + email}); err != nil {
			return err
		}
		ws.Invitations = append(ws.Invitations, store.Invitation{ID: id, Email: email, Role: req.Role, InvitedBy: inviter.ID, Sent: now, Expires: now.Add(inviteLifetime), TokenHash: hash})
		if err := audit(tx, ws.ID, inviter, account.AuditInvitationSent, target{email: email}, req.Role, now); err != nil {
			return err
		}
		return s.queueMail(tx, email, "invitation", map[string]any{
			"Inviter": inviter.DisplayName, "Workspace": ws.Name, "Role": req.Role,
			"Link": strings.TrimRight(s.cfg.PublicOrigin, "/") + "/invite#token=" + tok,
		})
	})
	if ok {
		writeJSON(w, http.StatusAccepted, map[string]string{"message": "Invitation sent to " + email + ". It works for 7 days."})
	}
}

type transferRequest struct {
	AccountID string `json:"accountId"`
}

// transferOwnership is POST /v1/workspaces/{id}/transfer (owner): another
// member becomes the owner; the old owner becomes an admin.
func (s *Server) transferOwnership(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req transferRequest
	if !decodeBody(w, r, &req) {
		return
	}
	now := s.now()
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), []string{store.RoleOwner}, func(tx txn, ws *store.Workspace, me store.Account) error {
		if req.AccountID == ss.AccountID || ws.Role(req.AccountID) == "" {
			return errNotMember
		}
		heir, err := tx.Account(req.AccountID)
		if err != nil {
			return err
		}
		for i := range ws.Members {
			switch ws.Members[i].AccountID {
			case req.AccountID:
				ws.Members[i].Role = store.RoleOwner
			case ss.AccountID:
				ws.Members[i].Role = store.RoleAdmin
			}
		}
		return audit(tx, ws.ID, me, account.AuditOwnershipTransferred, targetAccount(heir), store.RoleOwner, now)
	})
	if ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteWorkspace is DELETE /v1/workspaces/{id} (owner).
func (s *Server) deleteWorkspace(w http.ResponseWriter, r *http.Request, ss store.Session) {
	now := s.now()
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), []string{store.RoleOwner}, func(tx txn, ws *store.Workspace, me store.Account) error {
		ws.Members = nil
		return audit(tx, ws.ID, me, account.AuditWorkspaceDeleted, target{}, "", now)
	})
	if ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// removeMember is DELETE /v1/workspaces/{id}/members/{account}: the owner
// or an admin removes a member, or a member leaves. The owner cannot leave
// (transfer ownership or delete the workspace instead).
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, ss store.Session) {
	target := r.PathValue("account")
	roles := []string{store.RoleOwner, store.RoleAdmin}
	if target == ss.AccountID {
		roles = []string{store.RoleAdmin, store.RoleMember}
	}
	now := s.now()
	ok := s.changeWorkspace(r.Context(), w, ss, r.PathValue("id"), roles, func(tx txn, ws *store.Workspace, me store.Account) error {
		role := ws.Role(target)
		if role == "" {
			return errNotMember
		}
		if role == store.RoleOwner {
			return errInvalid("The owner cannot be removed; transfer ownership first.")
		}
		if target == me.ID {
			if err := audit(tx, ws.ID, me, account.AuditMemberLeft, targetAccount(me), role, now); err != nil {
				return err
			}
		} else {
			gone, err := tx.Account(target)
			if err != nil {
				return err
			}
			if err := audit(tx, ws.ID, me, account.AuditMemberRemoved, targetAccount(gone), role, now); err != nil {
				return err
			}
		}
		kept := ws.Members[:0]
		for _, m := range ws.Members {
			if m.AccountID != target {
				kept = append(kept, m)
			}
		}
		ws.Members = kept
		return nil
	})
	if ok {
		w.WriteHeader(http.StatusNoContent)
	}
}
