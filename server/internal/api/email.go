package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// verifyLifetime is how long an email-verification link works.
const verifyLifetime = 24 * time.Hour

type changeEmailRequest struct {
	NewEmail string `json:"newEmail"`
	Password string `json:"password"`
}

const changeEmailAnswer = "We have sent a verification link to the new address. Your email changes when you open it (within 24 hours); until then, keep signing in with the current one."

// changeEmail is POST /v1/email: with the current password, mail a
// verification link to the new address. Nothing changes until the link is
// used. An address another account holds gets the same answer and no mail,
// so this reveals nothing and takes nothing over.
func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req changeEmailRequest
	if !decodeBody(w, r, &req) {
		return
	}
	email, err := account.NormalizeEmail(req.NewEmail)
	if err != nil {
		writeError(w, http.StatusBadRequest, errInvalid("%s", err))
		return
	}
	if !s.limits.Allow("email-change:"+ss.AccountID, 5.0/3600, 5) {
		s.tooMany(w)
		return
	}
	a, release, ok := s.checkOwnPassword(w, r, ss.AccountID, req.Password, "Your password is not correct.")
	if !ok {
		return
	}
	defer release()
	if email == a.Email {
		writeError(w, http.StatusBadRequest, errInvalid("That is already your email address."))
		return
	}
	tok, err := auth.NewToken(s.cfg.Rand)
	if err != nil {
		s.fail(w, "new token", err)
		return
	}
	now := s.now()
	err = s.change(r.Context(), func(tx txn) error {
		if _, err := tx.AccountByEmail(email); err == nil {
			return nil // taken: the same answer, no mail
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.PutToken(auth.HashToken(tok), store.Token{Kind: tokenEmail, AccountID: a.ID, Expires: now.Add(verifyLifetime), Data: email, Epoch: a.LinkEpoch}); err != nil {
			return err
		}
		return s.queueMail(tx, email, "verify-email", map[string]any{
			"Name": a.DisplayName, "Email": a.Email, "NewEmail": email,
			"Link": strings.TrimRight(s.cfg.PublicOrigin, "/") + "/verify-email#token=" + tok,
		})
	})
	if err != nil {
		s.fail(w, "request email change", err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message": changeEmailAnswer})
}

type verifyEmailRequest struct {
	Token string `json:"token"`
}

// verifyEmail is POST /v1/email/verify: the link from the mail changes the
// address. It works once, for 24 hours, and only for the account that
// asked; the old address is told.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	var req verifyEmailRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if !s.limits.Allow("verify:"+clientIP(r), 1, 20) {
		s.tooMany(w)
		return
	}
	// Someone signed in to another account cannot use this account's link.
	var caller string
	if tok := s.token(r); tok != "" {
		s.store.View(r.Context(), func(tx store.Tx) error {
			ss, err := tx.SessionByToken(auth.HashToken(tok))
			caller = ss.AccountID
			return err
		})
	}
	expired := wire.Errorf(wire.CodeExpired, "This verification link has expired or was already used. Ask for a new one under Settings → Account → Profile.")
	hash := auth.HashToken(strings.TrimSpace(req.Token))
	now := s.now()
	var a store.Account
	err := s.change(r.Context(), func(tx txn) error {
		t, err := liveToken(tx, hash, tokenEmail, now)
		if err != nil {
			return err
		}
		if caller != "" && caller != t.AccountID {
			return errOtherAccount
		}
		if a, err = tx.Account(t.AccountID); err != nil {
			return err
		}
		old := a.Email
		if err := tx.ChangeEmail(&a, t.Data); err != nil {
			return err
		}
		if err := tx.DeleteToken(hash); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, account.ActEmailChanged, "Email changed from "+old+" to "+a.Email+".", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, old, "email-changed", map[string]any{"Name": a.DisplayName, "Email": old, "NewEmail": a.Email, "When": when(now)}); err != nil {
			return err
		}
		endLinks(&a)
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusBadRequest, expired)
		return
	case errors.Is(err, store.ErrEmailTaken):
		writeError(w, http.StatusConflict, wire.Errorf(wire.CodeConflict, "This address can no longer be used. Choose another one under Settings → Account → Profile."))
		return
	case errors.Is(err, errOtherAccount):
		writeError(w, http.StatusForbidden, wire.Errorf(wire.CodeForbidden, "This link belongs to another account. Sign out first, or open it where that account is signed in."))
		return
	case err != nil:
		s.fail(w, "verify email", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Your email address is now " + a.Email + ". Use it to sign in from now on."})
}

var errOtherAccount = errors.New("token of another account")
