package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
)

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, ss store.Session) {
	if !s.endSession(r.Context(), w, ss.AccountID, ss.ID, "You signed out on this device.", "") {
		return
	}
	s.setCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

type meResponse struct {
	SessionID string       `json:"sessionId"`
	Version   uint64       `json:"version"`
	View      account.View `json:"view"`
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var out meResponse
	err := s.store.View(r.Context(), func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		out = meResponse{SessionID: ss.ID, Version: a.Version}
		out.View, err = buildView(tx, a, s.now())
		return err
	})
	if err != nil {
		s.fail(w, "load account", err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request, ss store.Session) {
	target := r.PathValue("id")
	reason := "This session was revoked from another device."
	if target == ss.ID {
		reason = "You revoked this session."
	}
	if !s.endSession(r.Context(), w, ss.AccountID, target, reason, "Session revoked from "+ss.Device) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// endSession ends one of the account's sessions in the store, then closes
// its sockets and pushes the shorter sessions list to the account's other
// clients. A session of another account is reported as not found.
func (s *Server) endSession(ctx context.Context, w http.ResponseWriter, accountID, sessionID, reason, activity string) bool {
	err := s.change(ctx, func(tx txn) error {
		target, err := tx.Session(sessionID)
		if err != nil {
			return err
		}
		if target.AccountID != accountID {
			return store.ErrNotFound
		}
		if err := tx.EndSession(sessionID, reason, s.now()); err != nil {
			return err
		}
		tx.revokeSession(sessionID, reason)
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if activity != "" {
			if err := tx.AddActivity(&a, account.ActSessionRevoked, activity+": "+target.Device+".", s.now()); err != nil {
				return err
			}
		}
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, errNotFound("That session has already ended."))
		return false
	}
	if err != nil {
		s.fail(w, "end session", err)
		return false
	}
	return true
}

// revokeOthers is POST /v1/sessions/revoke-others: every session of the
// account but the caller's ends, live.
func (s *Server) revokeOthers(w http.ResponseWriter, r *http.Request, ss store.Session) {
	reason := "This session was revoked from another device."
	now := s.now()
	var ended []string
	err := s.change(r.Context(), func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if ended, err = endSessionsExcept(tx, a.ID, ss.ID, reason, now); err != nil {
			return err
		}
		if len(ended) == 0 {
			return nil
		}
		if err := tx.AddActivity(&a, account.ActSessionRevoked, fmt.Sprintf("Signed out %d other session(s) from %s.", len(ended), ss.Device), now); err != nil {
			return err
		}
		bump(&a)
		tx.pushView(a.ID)
		return tx.PutAccount(a)
	})
	if err != nil {
		s.fail(w, "revoke other sessions", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": len(ended)})
}
