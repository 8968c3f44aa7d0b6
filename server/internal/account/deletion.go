package account

import (
	"context"
	"errors"
	"strings"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// Resource kinds mirrored from other services; deleting the account
// deletes them.
const (
	ResAgent      = "agent"
	ResPhone      = "phone_number"
	ResRecording  = "recording"
	ResTranscript = "transcript"
)

func preview(tx interface {
	store.Services
	store.Workspaces
}, a store.Account) (model.DeletionPreview, error) {
	p := model.DeletionPreview{WalletBalance: a.Wallet, TwoFactor: a.TwoFactor.Enabled, BlockingWorkspaces: []model.BlockingWorkspace{}}
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
			p.BlockingWorkspaces = append(p.BlockingWorkspaces, model.BlockingWorkspace{ID: ws.ID, Name: ws.Name, Members: len(ws.Members)})
		}
	}
	return p, nil
}

// DeletionPreview says what deleting the account would delete, and which
// workspaces keep it from being deleted.
func (s *Service) DeletionPreview(ctx context.Context, ss store.Session) (model.DeletionPreview, error) {
	var p model.DeletionPreview
	err := s.store.View(ctx, func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		p, err = preview(tx, a)
		return err
	})
	return p, err
}

// DeleteAccount asks to delete the caller's account.
type DeleteAccount struct {
	// Email is the account's address, typed exactly to confirm.
	Email, Password string
	// Code is the second factor, needed when 2FA is on.
	Code string
}

var errBlocked = errors.New("owns workspaces with members")

// DeleteAccount deletes the account and everything stored under it
// (agents, phone numbers, call recordings, transcripts, the wallet
// balance, sessions, notifications…), ends every session live, and says
// goodbye by mail. It is refused, with the list, while the account owns a
// workspace with other members.
func (s *Service) DeleteAccount(ctx context.Context, ss store.Session, req DeleteAccount) error {
	var cur store.Account
	if err := s.store.View(ctx, func(tx store.Tx) (err error) { cur, err = tx.Account(ss.AccountID); return }); err != nil {
		return err
	}
	if typed, err := model.NormalizeEmail(req.Email); err != nil || typed != cur.Email {
		return invalid("Type your account's email address exactly to confirm.")
	}
	a, release, err := s.checkOwnPassword(ctx, ss.AccountID, req.Password, "Your password is not correct.")
	if err != nil {
		return err
	}
	defer release()
	if a.TwoFactor.Enabled && strings.TrimSpace(req.Code) == "" {
		return refuse(Unauthenticated, SecondFactor, "Two-factor authentication is on: enter a code from your authenticator app, or a backup code.")
	}
	reason := "Your DialNexa account was deleted."
	now := s.now()
	var blocking []model.BlockingWorkspace
	err = s.change(ctx, func(tx txn) error {
		blocking = nil
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := s.checkSecondFactor(tx, &a, req.Code, now); err != nil {
			return err
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
			// Recorded, then made anonymous with the rest of the model.
			if err := audit(tx, ws.ID, a, model.AuditMemberLeft, targetAccount(a), before.Role(a.ID), now); err != nil {
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
		if err := s.queueMail(tx, a.Email, "account-deleted", map[string]any{"Name": a.DisplayName, "Email": a.Email, "When": when(a.TimeZone, now), "Wallet": a.Wallet}); err != nil {
			return err
		}
		_, err = tx.DeleteAccount(a, reason, now)
		return err
	})
	switch {
	case errors.Is(err, errBadCode):
		s.recordFailure(a.ID)
		return errCodeRefused
	case errors.Is(err, errBlocked):
		e := refuse(Conflict, NoReason, "You own workspaces with other members. Transfer their ownership or delete them first.")
		e.Blocking = blocking
		return e
	case err != nil:
		return err
	}
	s.log.Info("account deleted", "account", a.ID)
	return nil
}

// Resources is what other services report about an account: its agents,
// phone numbers, recordings, transcripts and wallet balance.
type Resources struct {
	Email        string           `json:"email"`
	AccountID    string           `json:"accountId"`
	Wallet       string           `json:"wallet"`
	Agents       []store.Resource `json:"agents"`
	PhoneNumbers []store.Resource `json:"phoneNumbers"`
	Recordings   []store.Resource `json:"recordings"`
	Transcripts  []store.Resource `json:"transcripts"`
}

// ReportResources records what another service reports about an account,
// so the deletion confirmation can show it and deletion removes it.
func (s *Service) ReportResources(ctx context.Context, req Resources) error {
	err := s.store.Update(ctx, func(tx store.Tx) error {
		var a store.Account
		var err error
		switch {
		case req.AccountID != "":
			a, err = tx.Account(req.AccountID)
		case req.Email != "":
			email, nerr := model.NormalizeEmail(req.Email)
			if nerr != nil {
				return nerr
			}
			a, err = tx.AccountByEmail(email)
		default:
			return invalid("Say which account: email or accountId.")
		}
		if err != nil {
			return err
		}
		for kind, list := range map[string][]store.Resource{ResAgent: req.Agents, ResPhone: req.PhoneNumbers, ResRecording: req.Recordings, ResTranscript: req.Transcripts} {
			for _, res := range list {
				if !idRE.MatchString(res.ID) {
					return invalid("Resource ids use letters, digits, - and _ (got %q).", res.ID)
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
	if isNotFound(err) {
		return errNoAccount
	}
	return ruleError(err)
}
