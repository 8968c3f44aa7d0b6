package account

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
)

// View returns what the account's clients show, and its version.
func (s *Service) View(ctx context.Context, accountID string) (model.View, uint64, error) {
	var (
		v       model.View
		version uint64
	)
	err := s.store.View(ctx, func(tx store.Tx) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		version = a.Version
		v, err = buildView(tx, a, s.now())
		return err
	})
	return v, version, err
}

// ViewJSON reads the account's current view, encoded, and its version;
// store.ErrNotFound when the account is gone.
func (s *Service) ViewJSON(ctx context.Context, accountID string) (json.RawMessage, uint64, error) {
	v, version, err := s.View(ctx, accountID)
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(v)
	return b, version, err
}

// buildView builds what the account's clients show, inside tx.
func buildView(tx viewTx, a store.Account, now time.Time) (model.View, error) {
	sessions, err := tx.Sessions(a.ID)
	if err != nil {
		return model.View{}, err
	}
	v := model.View{Profile: model.Profile{AccountID: a.ID, Email: a.Email, DisplayName: a.DisplayName, Avatar: a.Avatar, TimeZone: a.TimeZone}}
	v.Sessions = make([]model.Session, 0, len(sessions))
	for _, ss := range sessions {
		v.Sessions = append(v.Sessions, model.Session{
			ID: ss.ID, DeviceKind: ss.DeviceKind, Device: ss.Device, Location: ss.Location,
			Created: ss.Created, LastActive: ss.LastActive,
		})
	}
	v.TwoFactor = model.TwoFactor{Enabled: a.TwoFactor.Enabled, BackupCodesLeft: len(a.TwoFactor.BackupCodes)}
	if e := a.Export; e != nil && (e.Ready.IsZero() || now.Before(e.Expires)) {
		x := exportView(e)
		v.Export = &x
	}
	for _, p := range a.Passkeys {
		v.Passkeys = append(v.Passkeys, model.Passkey{ID: p.ID, Name: p.Name, Created: p.Created, LastUsed: p.LastUsed, Suspect: p.Suspect})
	}
	if v.Apps, err = appsView(tx, a); err != nil {
		return model.View{}, err
	}
	if v.Invited, err = received(tx, a, now); err != nil {
		return model.View{}, err
	}
	acts, err := tx.Activity(a.ID, model.ActivityLimit)
	if err != nil {
		return model.View{}, err
	}
	v.Activity = make([]model.Activity, len(acts))
	for i, e := range acts {
		v.Activity[i] = model.Activity{Kind: e.Kind, Detail: e.Detail, At: e.At}
	}
	v.EmailPrefs = a.EmailPrefs
	inbox, err := tx.Notifications(a.ID, model.InboxLimit)
	if err != nil {
		return model.View{}, err
	}
	v.Inbox = make([]model.Notification, len(inbox))
	for i, n := range inbox {
		v.Inbox[i] = model.Notification{ID: n.ID, Type: n.Type, Title: n.Title, Body: n.Body, Link: n.Link, At: n.At, Read: n.Read}
	}
	v.Unread = a.Unread
	for _, al := range a.Alerts {
		if _, err := tx.Session(al.SessionID); err != nil {
			continue // revoked or signed out: nothing left to answer
		}
		v.Alerts = append(v.Alerts, model.Alert{ID: al.ID, SessionID: al.SessionID, Device: al.Device, Location: al.Location, Address: al.Address, At: al.At})
	}
	wss, err := tx.Workspaces(a.ID)
	if err != nil {
		return model.View{}, err
	}
	v.Workspaces = make([]model.Workspace, 0, len(wss))
	for _, ws := range wss {
		wv := model.Workspace{ID: ws.ID, Name: ws.Name, Role: ws.Role(a.ID)}
		names := map[string]string{} // member → current display name
		for _, m := range ws.Members {
			ma, err := tx.Account(m.AccountID)
			if err != nil {
				continue // deleted meanwhile
			}
			names[m.AccountID] = ma.DisplayName
			wv.Members = append(wv.Members, model.Member{AccountID: m.AccountID, DisplayName: ma.DisplayName, Email: ma.Email, Role: m.Role})
		}
		if wv.Role == store.RoleOwner || wv.Role == store.RoleAdmin {
			for _, in := range ws.Invitations {
				by, ok := names[in.InvitedBy]
				if r := ws.Role(in.InvitedBy); !ok || (r != store.RoleOwner && r != store.RoleAdmin) || !now.Before(in.Expires) {
					continue // void: dropped at the next change
				}
				wv.Invitations = append(wv.Invitations, model.Invitation{ID: in.ID, Email: in.Email, Role: in.Role, InvitedBy: by, Sent: in.Sent, Expires: in.Expires})
			}
		}
		v.Workspaces = append(v.Workspaces, wv)
	}
	v.Normalize()
	return v, nil
}

// Event returns the account's event seq; store.ErrNotFound when it is gone.
func (s *Service) Event(ctx context.Context, accountID string, seq uint64) (store.Event, error) {
	var es []store.Event
	err := s.store.View(ctx, func(tx store.Tx) (err error) { es, err = tx.EventsAfter(accountID, seq-1, 1); return })
	if err == nil && (len(es) == 0 || es[0].Seq != seq) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Event{}, err
	}
	return es[0], nil
}

// SessionLive reports whether the session is still signed in.
func (s *Service) SessionLive(ctx context.Context, sessionID string) (bool, error) {
	if err := s.AwaitEnding(ctx, sessionID); err != nil {
		return false, err
	}
	err := s.store.View(ctx, func(tx store.Tx) error { _, err := tx.Session(sessionID); return err })
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// appsView lists the applications the user let in, oldest first; one
// whose registration was removed shows its client id.
func appsView(tx store.Platform, a store.Account) ([]model.App, error) {
	var out []model.App
	for id, g := range a.Grants {
		name := id
		app, err := tx.App(id)
		switch {
		case err == nil:
			name = app.Name
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
		out = append(out, model.App{ID: id, Name: name, Sees: model.ScopeWords(g.Scopes), Granted: g.Granted})
	}
	slices.SortFunc(out, func(x, y model.App) int { return cmp.Or(x.Granted.Compare(y.Granted), cmp.Compare(x.ID, y.ID)) })
	return out, nil
}
