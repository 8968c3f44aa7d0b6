package httpapi

import (
	"net/http"
	"strconv"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

type workspaceRequest struct {
	Name string `json:"name"`
}

// createWorkspace is POST /v1/workspaces.
func (s *Server) createWorkspace(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req workspaceRequest
	if !decodeBody(w, r, &req) {
		return
	}
	id, err := s.accounts.CreateWorkspace(r.Context(), ss, req.Name)
	if err != nil {
		s.fail(w, r, "create workspace", err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

type inviteRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// invite is POST /v1/workspaces/{id}/invitations (owner or admin).
func (s *Server) invite(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req inviteRequest
	if !decodeBody(w, r, &req) {
		return
	}
	email, err := s.accounts.Invite(r.Context(), ss, r.PathValue("id"), req.Email, req.Role)
	if err != nil {
		s.fail(w, r, "invite", err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": "Invitation sent to " + email + ". It works for 7 days."})
}

type transferRequest struct {
	AccountID string `json:"accountId"`
}

// transferOwnership is POST /v1/workspaces/{id}/transfer (owner).
func (s *Server) transferOwnership(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req transferRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.done(w, r, "transfer ownership", s.accounts.TransferOwnership(r.Context(), ss, r.PathValue("id"), req.AccountID))
}

// deleteWorkspace is DELETE /v1/workspaces/{id} (owner).
func (s *Server) deleteWorkspace(w http.ResponseWriter, r *http.Request, ss store.Session) {
	s.done(w, r, "delete workspace", s.accounts.DeleteWorkspace(r.Context(), ss, r.PathValue("id")))
}

// removeMember is DELETE /v1/workspaces/{id}/members/{account}: the owner
// or an admin removes a member, or a member leaves.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, ss store.Session) {
	s.done(w, r, "remove member", s.accounts.RemoveMember(r.Context(), ss, r.PathValue("id"), r.PathValue("account")))
}

type roleRequest struct {
	Role string `json:"role"`
}

// changeRole is PUT /v1/workspaces/{id}/members/{account}/role (owner).
func (s *Server) changeRole(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req roleRequest
	if !decodeBody(w, r, &req) {
		return
	}
	s.done(w, r, "change role", s.accounts.ChangeRole(r.Context(), ss, r.PathValue("id"), r.PathValue("account"), req.Role))
}

// withdrawInvitation is DELETE /v1/workspaces/{id}/invitations/{invitation}
// (owner or admin).
func (s *Server) withdrawInvitation(w http.ResponseWriter, r *http.Request, ss store.Session) {
	s.done(w, r, "withdraw invitation", s.accounts.WithdrawInvitation(r.Context(), ss, r.PathValue("id"), r.PathValue("invitation")))
}

type acceptRequest struct {
	Token string `json:"token"`
}

// acceptInvitation is POST /v1/invitations/accept.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req acceptRequest
	if !decodeBody(w, r, &req) {
		return
	}
	name, err := s.accounts.AcceptInvitation(r.Context(), ss, req.Token)
	if err != nil {
		s.fail(w, r, "accept invitation", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "You joined " + name + "."})
}

// previewInvitation is POST /v1/invitations/preview {"token"}: what the
// invitation link offers the caller, before they answer it.
func (s *Server) previewInvitation(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req acceptRequest
	if !decodeBody(w, r, &req) {
		return
	}
	p, err := s.accounts.PreviewInvitation(r.Context(), ss, req.Token)
	if err != nil {
		s.fail(w, r, "read invitation", err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// acceptReceived is POST /v1/workspaces/{id}/invitations/{invitation}/accept:
// the caller accepts an invitation its view lists.
func (s *Server) acceptReceived(w http.ResponseWriter, r *http.Request, ss store.Session) {
	name, err := s.accounts.AcceptReceived(r.Context(), ss, r.PathValue("id"), r.PathValue("invitation"))
	if err != nil {
		s.fail(w, r, "accept invitation", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "You joined " + name + "."})
}

// declineReceived is POST /v1/workspaces/{id}/invitations/{invitation}/decline.
func (s *Server) declineReceived(w http.ResponseWriter, r *http.Request, ss store.Session) {
	if err := s.accounts.DeclineReceived(r.Context(), ss, r.PathValue("id"), r.PathValue("invitation")); err != nil {
		s.fail(w, r, "decline invitation", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "You declined the invitation."})
}

// declineInvitation is POST /v1/invitations/decline {"token"}.
func (s *Server) declineInvitation(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req acceptRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.DeclineInvitation(r.Context(), ss, req.Token); err != nil {
		s.fail(w, r, "decline invitation", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "You declined the invitation."})
}

// workspaceAudit is GET /v1/workspaces/{id}/audit?before=N (owner or
// admin): the workspace's audit log, newest first, a page at a time.
func (s *Server) workspaceAudit(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var before uint64
	if b := r.URL.Query().Get("before"); b != "" {
		n, err := strconv.ParseUint(b, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, wire.Errorf(wire.CodeInvalidArgument, "before must be the next value of the previous page."))
			return
		}
		before = n
	}
	page, err := s.accounts.WorkspaceAudit(r.Context(), ss, r.PathValue("id"), before)
	if err != nil {
		s.fail(w, r, "read audit log", err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// done answers a command with no result: 204, or its error.
func (s *Server) done(w http.ResponseWriter, r *http.Request, what string, err error) {
	if err != nil {
		s.fail(w, r, what, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
