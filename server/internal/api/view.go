package api

import (
	"encoding/json"

	"github.com/dialnexa/account/core/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// view builds what the account's clients show.
func (s *Server) view(a store.Account) (account.View, error) {
	sessions, err := s.store.Sessions(a.ID)
	if err != nil {
		return account.View{}, err
	}
	v := account.View{Profile: account.Profile{AccountID: a.ID, Email: a.Email, DisplayName: a.DisplayName}}
	v.Sessions = make([]account.Session, 0, len(sessions))
	for _, ss := range sessions {
		v.Sessions = append(v.Sessions, account.Session{
			ID: ss.ID, DeviceKind: ss.DeviceKind, Device: ss.Device, Location: ss.Location,
			Created: ss.Created, LastActive: ss.LastActive,
		})
	}
	return v, nil
}

// pushView sends the account's current view to all its connected clients.
func (s *Server) pushView(a store.Account) {
	msg, err := s.viewMessage(a)
	if err != nil {
		s.log.Error("build view to push", "account", a.ID, "err", err)
		return
	}
	s.hub.SendAccount(a.ID, msg)
}

func (s *Server) viewMessage(a store.Account) (wire.View, error) {
	v, err := s.view(a)
	if err != nil {
		return wire.View{}, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return wire.View{}, err
	}
	return wire.View{Version: a.Version, View: b}, nil
}
