package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// Resource kinds mirrored from other services; deleting the account
// deletes them.
const (
	ResAgent      = "agent"
	ResPhone      = "phone_number"
	ResRecording  = "recording"
	ResTranscript = "transcript"
)

// BlockingWorkspace and DeletionPreview are the shared account model's.
type (
	BlockingWorkspace = account.BlockingWorkspace
	DeletionPreview   = account.DeletionPreview
)

func preview(tx store.Tx, a store.Account) (DeletionPreview, error) {
	p := DeletionPreview{WalletBalance: a.Wallet, TwoFactor: a.TwoFactor.Enabled, BlockingWorkspaces: []BlockingWorkspace{}}
	rs, err := tx.Resources(a.ID)
	if err != nil {
		return p, err
	}
	for _, r := range rs {
		switch r.Kind {
		case ResAgent:
			p.Agents++
		case ResPhone:
			p.PhoneNumbers++
		case ResRecording:
			p.Recordings++
		case ResTranscript:
			p.Transcripts++
		}
	}
	wss, err := tx.Workspaces(a.ID)
	if err != nil {
		return p, err
	}
	for _, ws := range wss {
		if ws.Owner() == a.ID && len(ws.Members) > 1 {
			p.BlockingWorkspaces = append(p.BlockingWorkspaces, BlockingWorkspace{ID: ws.ID, Name: ws.Name, Members: len(ws.Members)})
		}
	}
	return p, nil
}

// deletionPreview is GET /v1/account/deletion.
func (s *Server) deletionPreview(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var p DeletionPreview
	err := s.store.View(r.Context(), func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		p, err = preview(tx, a)
		return err
	})
	if err != nil {
		s.fail(w, "deletion preview", err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

type deleteRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Code     string `json:"code"`
}

var errBlocked = errors.New("owns workspaces with members")

// deleteAccount is POST /v1/account/delete: with the account's email typed
// exactly, the password, and a 2FA code when 2FA is on, it deletes the
// account and everything stored under it (agents, phone numbers, call
// recordings, transcripts, the wallet balance, sessions, notifications…),
// ends every session live, and says goodbye by mail. It is refused, with
// the list, while the account owns a workspace with other members.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, ss store.Session) {
	var req deleteRequest
	if !decodeBody(w, r, &req) {
		return
	}
	var cur store.Account
	if err := s.store.View(r.Context(), func(tx store.Tx) (err error) { cur, err = tx.Account(ss.AccountID); return }); err != nil {
		s.fail(w, "load account", err)
		return
	}
	if typed, err := account.NormalizeEmail(req.Email); err != nil || typed != cur.Email {
		writeError(w, http.StatusBadRequest, errInvalid("Type your account's email address exactly to confirm."))
		return
	}
	a, release, ok := s.checkOwnPassword(w, r, ss.AccountID, req.Password, "Your password is not correct.")
	if !ok {
		return
	}
	defer release()
	if a.TwoFactor.Enabled && strings.TrimSpace(req.Code) == "" {
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeSecondFactor, "Two-factor authentication is on: enter a code from your authenticator app, or a backup code."))
		return
	}
	reason := "Your DialNexa account was deleted."
	now := s.now()
	var blocking []BlockingWorkspace
	err := s.change(r.Context(), func(tx txn) error {
		blocking = nil
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if a.TwoFactor.Enabled {
			ok, err := s.useSecondFactor(tx, &a, req.Code, now)
			if err != nil {
				return err
			}
			if !ok {
				return errBadCode
			}
		}
		p, err := preview(tx, a)
		if err != nil {
			return err
		}
		if len(p.BlockingWorkspaces) > 0 {
			blocking = p.BlockingWorkspaces
			return errBlocked
		}
		wss, err := tx.Workspaces(a.ID)
		if err != nil {
			return err
		}
		for _, ws := range wss {
			if ws.Owner() == a.ID { // alone in it
				if err := tx.DeleteWorkspace(ws); err != nil {
					return err
				}
				continue
			}
			before := ws
			var kept []store.Member
			for _, m := range ws.Members {
				if m.AccountID != a.ID {
					kept = append(kept, m)
				}
			}
			ws.Members = kept
			if err := dropVoidInvitations(tx, &ws, now); err != nil {
				return err
			}
			// Recorded, then made anonymous with the rest of the account.
			if err := audit(tx, ws.ID, a, account.AuditMemberLeft, targetAccount(a), before.Role(a.ID), now); err != nil {
				return err
			}
			if err := tx.PutWorkspace(ws, &before); err != nil {
				return err
			}
			for _, m := range kept { // their member lists change
				if err := tx.bumpView(m.AccountID); err != nil {
					return err
				}
			}
		}
		tx.revokeAccount(a.ID, reason)
		if err := s.queueMail(tx, a.Email, "account-deleted", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(now), "Wallet": a.Wallet}); err != nil {
			return err
		}
		_, err = tx.DeleteAccount(a, reason, now)
		return err
	})
	switch {
	case errors.Is(err, errBadCode):
		s.recordFailure(a.ID)
		writeError(w, http.StatusUnauthorized, wire.Errorf(wire.CodeBadCredentials, "That code is not valid or was already used."))
		return
	case errors.Is(err, errBlocked):
		writeJSON(w, http.StatusConflict, map[string]any{
			"error":      wire.Errorf(wire.CodeConflict, "You own workspaces with other members. Transfer their ownership or delete them first."),
			"workspaces": blocking,
		})
		return
	case err != nil:
		s.fail(w, "delete account", err)
		return
	}
	s.log.Info("account deleted", "account", a.ID)
	s.setCookie(w, "", -1)
	w.WriteHeader(http.StatusNoContent)
}

type resourcesRequest struct {
	Email        string           `json:"email"`
	AccountID    string           `json:"accountId"`
	Wallet       string           `json:"wallet"`
	Agents       []store.Resource `json:"agents"`
	PhoneNumbers []store.Resource `json:"phoneNumbers"`
	Recordings   []store.Resource `json:"recordings"`
	Transcripts  []store.Resource `json:"transcripts"`
}

// serviceResources is POST /internal/v1/resources: other services report
// the account's agents, phone numbers, recordings, transcripts and wallet
// balance, so the deletion confirmation can show them and deletion removes
// them.
func (s *Server) serviceResources(w http.ResponseWriter, r *http.Request) {
	var req resourcesRequest
	if !decodeBody(w, r, &req) {
		return
	}
	err := s.store.Update(r.Context(), func(tx store.Tx) error {
		var a store.Account
		var err error
		switch {
		case req.AccountID != "":
			a, err = tx.Account(req.AccountID)
		case req.Email != "":
			email, nerr := account.NormalizeEmail(req.Email)
			if nerr != nil {
				return nerr
			}
			a, err = tx.AccountByEmail(email)
		default:
			return errInvalid("Say which account: email or accountId.")
		}
		if err != nil {
			return err
		}
		for kind, list := range map[string][]store.Resource{ResAgent: req.Agents, ResPhone: req.PhoneNumbers, ResRecording: req.Recordings, ResTranscript: req.Transcripts} {
			for _, res := range list {
				if !idRE.MatchString(res.ID) {
					return errInvalid("Resource ids use letters, digits, - and _ (got %q).", res.ID)
				}
				res.Kind = kind
				if err := tx.PutResource(a.ID, res); err != nil {
					return err
				}
			}
		}
		if req.Wallet != "" {
			a.Wallet = device.Printable(req.Wallet, 40)
		}
		return tx.PutAccount(a)
	})
	if err != nil {
		s.writeStoreError(w, err, "No account has that email address or id.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
