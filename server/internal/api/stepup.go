package api

import (
	"errors"
	"net/http"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// stepUp lets a takeover-grade action of session ss go ahead. With a
// password it checks it (throttled and counted like a sign-in) and opens
// the session's step-up window; without one, the window must be open
// (account.StepUpWindow), or the answer is 403 step_up_required. Either
// way it holds the account's sign-in guard, so the second-factor code the
// action may check next is throttled too: on success it returns the
// account as read and a release func the caller must defer; otherwise it
// has written the answer.
func (s *Server) stepUp(w http.ResponseWriter, r *http.Request, ss store.Session, password string) (store.Account, func(), bool) {
	if password != "" {
		a, release, ok := s.checkOwnPassword(w, r, ss.AccountID, password, "Your password is not correct.")
		if !ok {
			return a, nil, false
		}
		now := s.now()
		err := s.store.Update(r.Context(), func(tx store.Tx) error {
			cur, err := tx.Session(ss.ID)
			if err != nil {
				return err
			}
			cur.SteppedUp = now
			return tx.PutSession(cur)
		})
		if err != nil {
			release()
			if errors.Is(err, store.ErrNotFound) { // revoked meanwhile
				writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeRevoked, "This session has ended; sign in again."))
				return a, nil, false
			}
			s.fail(w, "record step-up", err)
			return a, nil, false
		}
		return a, release, true
	}
	if !s.now().Before(ss.SteppedUp.Add(account.StepUpWindow)) {
		writeError(w, http.StatusForbidden, wire.Errorf(wire.CodeStepUp, "Enter your password to continue."))
		return store.Account{}, nil, false
	}
	return s.beginAttempt(r.Context(), w, ss.AccountID)
}
