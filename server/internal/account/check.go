package account

import (
	"context"
	"errors"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// SessionFacts is what a service's session check answers: who the
// session is and what it may do.
type SessionFacts struct {
	AccountID     string          `json:"accountId"`
	SessionID     string          `json:"sessionId"`
	Email         string          `json:"email"`
	EmailVerified bool            `json:"emailVerified"`
	DisplayName   string          `json:"displayName"`
	TwoFactor     bool            `json:"twoFactor"`
	AuthTime      time.Time       `json:"authTime"`
	AMR           []string        `json:"amr,omitempty"`
	AppID         string          `json:"appId,omitempty"`
	Workspaces    []WorkspaceRole `json:"workspaces"`
}

// WorkspaceRole is a workspace the account belongs to, with its role.
type WorkspaceRole struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// CheckSession answers a service's check of a session, named by its
// token's hash or by its id, with the changes log's position read before
// it: a change after that position may be newer than the answer.
func (s *Service) CheckSession(ctx context.Context, tokenHash, sessionID string) (SessionFacts, uint64, error) {
	var out SessionFacts
	var pos uint64
	err := s.settled(ctx, func() (string, error) {
		out = SessionFacts{}
		err := s.checkSession(ctx, tokenHash, sessionID, &out, &pos)
		return out.SessionID, err
	})
	var ended *store.EndedError
	switch {
	case errors.As(err, &ended):
		return out, pos, refuse(Unauthenticated, SessionEnded, "%s", ended.Reason)
	case isNotFound(err):
		return out, pos, refuse(Unauthenticated, NoReason, "No such session.")
	}
	return out, pos, err
}

// checkSession reads what CheckSession answers into out and pos.
func (s *Service) checkSession(ctx context.Context, tokenHash, sessionID string, out *SessionFacts, pos *uint64) error {
	return s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if _, *pos, err = tx.ChangeBounds(); err != nil {
			return err
		}
		var ss store.Session
		switch {
		case tokenHash != "":
			ss, err = tx.SessionByToken(tokenHash)
		case sessionID != "":
			ss, err = tx.Session(sessionID)
		default:
			return invalid("Send the session token's hash (tokenHash) or the session id (sessionId).")
		}
		if err != nil {
			return err
		}
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		wss, err := tx.Workspaces(a.ID)
		if err != nil {
			return err
		}
		*out = SessionFacts{AccountID: a.ID, SessionID: ss.ID, Email: a.Email, EmailVerified: a.EmailVerified, DisplayName: a.DisplayName,
			TwoFactor: a.TwoFactor.Enabled, AuthTime: ss.Authenticated(), AMR: ss.AMR, AppID: ss.AppID, Workspaces: make([]WorkspaceRole, 0, len(wss))}
		for _, w := range wss {
			out.Workspaces = append(out.Workspaces, WorkspaceRole{ID: w.ID, Name: w.Name, Role: w.Role(a.ID)})
		}
		return nil
	})
}
