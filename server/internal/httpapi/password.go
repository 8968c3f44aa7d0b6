package httpapi

import (
	"net/http"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
)

type changePasswordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
	SignOutOthers   bool   `json:"signOutOthers"`
}

// changePassword is POST /v1/password.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req changePasswordRequest
	if !decodeBody(w, r, &req) {
		return
	}
	err := s.accounts.ChangePassword(r.Context(), ss, account.ChangePassword{Current: req.CurrentPassword, New: req.NewPassword, SignOutOthers: req.SignOutOthers})
	if err != nil {
		s.fail(w, r, "change password", err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type forgotRequest struct {
	Email string `json:"email"`
}

// forgotPassword is POST /v1/password/forgot. Its answer and timing are the
// same whether or not the address has an account.
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) {
	var req forgotRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.ForgotPassword(r.Context(), origin(r), req.Email); err != nil {
		s.fail(w, r, "forgot password", err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": account.ForgotAnswer})
}

type resetRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"newPassword"`
	Code        string `json:"code"`
	// Passkey answers the ceremony the second-factor refusal carried.
	Passkey *account.PasskeyAnswer `json:"passkey,omitempty"`
}

// resetPassword is POST /v1/password/reset.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) {
	var req resetRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.ResetPassword(r.Context(), origin(r), account.ResetPassword{Token: req.Token, New: req.NewPassword, Code: req.Code, Passkey: req.Passkey}); err != nil {
		s.fail(w, r, "reset password", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Your password has been reset. Sign in with the new password."})
}

type changeEmailRequest struct {
	NewEmail string `json:"newEmail"`
	Password string `json:"password"`
}

// changeEmail is POST /v1/email: with the current password, mail a
// verification link to the new address.
func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req changeEmailRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if err := s.accounts.ChangeEmail(r.Context(), ss, req.NewEmail, req.Password); err != nil {
		s.fail(w, r, "request email change", err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": account.ChangeEmailAnswer})
}

type verifyEmailRequest struct {
	Token string `json:"token"`
}

// verifyEmail is POST /v1/email/verify: the link from the mail changes the
// address.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	var req verifyEmailRequest
	if !decodeBody(w, r, &req) {
		return
	}
	email, err := s.accounts.VerifyEmail(r.Context(), origin(r), req.Token, s.token(r))
	if err != nil {
		s.fail(w, r, "verify email", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Your email address is now " + email + ". Use it to sign in from now on."})
}
