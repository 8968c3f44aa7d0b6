package api

import (
	"encoding/json"
	"time"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// buildView builds what the account's clients show, inside tx.
func buildView(tx store.Tx, a store.Account, now time.Time) (account.View, error) {
	sessions, err := tx.Sessions(a.ID)
	if err != nil {
		return account.View{}, err
	}
	v := account.View{Profile: account.Profile{AccountID: a.ID, Email: a.Email, DisplayName: a.DisplayName, Avatar: a.Avatar}}
	v.Sessions = make([]account.Session, 0, len(sessions))
	for _, ss := range sessions {
		v.Sessions = append(v.Sessions, account.Session{
			ID: ss.ID, DeviceKind: ss.DeviceKind, Device: ss.Device, Location: ss.Location,
			Created: ss.Created, LastActive: ss.LastActive,
		})
	}
	v.TwoFactor = account.TwoFactor{Enabled: a.TwoFactor.Enabled, BackupCodesLeft: len(a.TwoFactor.BackupCodes)}
	acts, err := tx.Activity(a.ID, account.ActivityLimit)
	if err != nil {
		return account.View{}, err
	}
	v.Activity = make([]account.Activity, len(acts))
	for i, e := range acts {
		v.Activity[i] = account.Activity{Kind: e.Kind, Detail: e.Detail, At: e.At}
	}
	v.EmailPrefs = a.EmailPrefs
	inbox, err := tx.Notifications(a.ID, account.InboxLimit)
	if err != nil {
		return account.View{}, err
	}
	v.Inbox = make([]account.Notification, len(inbox))
	for i, n := range inbox {
		v.Inbox[i] = account.Notification{ID: n.ID, Type: n.Type, Title: n.Title, Body: n.Body, Link: n.Link, At: n.At, Read: n.Read}
	}
	v.Unread = a.Unread
	for _, al := range a.Alerts {
		if _, err := tx.Session(al.SessionID); err != nil {
			continue // revoked or signed out: nothing left to answer
		}
		v.Alerts = append(v.Alerts, account.Alert{ID: al.ID, SessionID: al.SessionID, Device: al.Device, Location: al.Location, Address: al.Address, At: al.At})
	}
	wss, err := tx.Workspaces(a.ID)
	if err != nil {
		return account.View{}, err
	}
	v.Workspaces = make([]account.Workspace, 0, len(wss))
	for _, ws := range wss {
		wv := account.Workspace{ID: ws.ID, Name: ws.Name, Role: ws.Role(a.ID)}
		names := map[string]string{} // member → current display name
		for _, m := range ws.Members {
			ma, err := tx.Account(m.AccountID)
			if err != nil {
				continue // deleted meanwhile
			}
			names[m.AccountID] = ma.DisplayName
			wv.Members = append(wv.Members, account.Member{AccountID: m.AccountID, DisplayName: ma.DisplayName, Email: ma.Email, Role: m.Role})
		}
		if wv.Role == store.RoleOwner || wv.Role == store.RoleAdmin {
			for _, in := range ws.Invitations {
				by, ok := names[in.InvitedBy]
				if r := ws.Role(in.InvitedBy); !ok || (r != store.RoleOwner && r != store.RoleAdmin) || !now.Before(in.Expires) {
					continue // void: dropped at the next change
				}
				wv.Invitations = append(wv.Invitations, account.Invitation{ID: in.ID, Email: in.Email, Role: in.Role, InvitedBy: by, Sent: in.Sent, Expires: in.Expires})
			}
		}
		v.Workspaces = append(v.Workspaces, wv)
	}
	return v, nil
}

// viewMessage reads the account's current view as a wire message.
func (s *Server) viewMessage(accountID string) (wire.View, error) {
	var msg wire.View
	err := s.store.View(s.life, func(tx store.Tx) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		v, err := buildView(tx, a, s.now())
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		msg = wire.View{Version: a.Version, View: b}
		return err
	})
	return msg, err
}

// pushView sends the account's current view to all its connected clients,
// soon and without waiting. Pushes for one account are coalesced: while one
// is being built, any number of further changes cause one more push, which
// reads the state after all of them. Views carry their version, so clients
// ignore one older than what they have.
func (s *Server) pushView(accountID string) {
	s.pushMu.Lock()
	state := s.pushing[accountID]
	if state == 0 {
		s.pushing[accountID] = 1
	} else {
		s.pushing[accountID] = 2 // run again after the current one
	}
	s.pushMu.Unlock()
	if state == 0 && !s.spawn(func() { s.pushLoop(accountID) }) {
		s.pushMu.Lock()
		delete(s.pushing, accountID) // closing: nobody is left to push to
		s.pushMu.Unlock()
	}
}

func (s *Server) pushLoop(accountID string) {
	for {
		if s.hub.Connected(accountID) {
			msg, err := s.viewMessage(accountID)
			if err == nil {
				s.hub.SendAccount(accountID, msg)
			} else if !isNotFound(err) {
				s.log.Error("build view to push", "account", accountID, "err", err)
			}
		}
		s.pushMu.Lock()
		if s.pushing[accountID] == 2 {
			s.pushing[accountID] = 1
			s.pushMu.Unlock()
			continue
		}
		delete(s.pushing, accountID)
		s.pushMu.Unlock()
		return
	}
}

// bump marks a change to what the account's clients see.
func bump(a *store.Account) { a.Version++ }
