package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// AppSignIn is an application's sign-in through the OpenID Connect
// provider, completed in a browser: what its session is made of.
type AppSignIn struct {
	App store.App
	// AccountID is who signed in, with the browser's session's
	// authentication (AuthTime, AMR).
	AccountID string
	AuthTime  time.Time
	AMR       []string
	// Browser is where the sign-in was completed: the session shows it.
	Browser Origin
}

// StartAppSession starts the account session an application's sign-in
// stands for (its OpenID Connect "sid"): listed under Active Sessions
// with the application's name, and ended like any other. claim runs first
// in the same transaction: what the session belongs to (an authorization
// request, a code) records it there.
func (s *Service) StartAppSession(ctx context.Context, in AppSignIn, claim func(tx store.Tx, ss store.Session) error) (store.Session, error) {
	tok, err := auth.NewToken(s.rand) // never given out: the app holds tokens of its own
	if err != nil {
		return store.Session{}, err
	}
	id, err := auth.NewID(s.rand)
	if err != nil {
		return store.Session{}, err
	}
	kind, desc := device.Describe(in.Browser.UserAgent, device.Info{})
	now := s.now()
	ss := store.Session{ID: id, AccountID: in.AccountID, TokenHash: auth.HashToken(tok), DeviceKind: kind,
		Device: in.App.Name + " via " + desc, Location: s.geo.Locate(in.Browser.IP),
		Address: device.MaskAddress(in.Browser.IP), Created: now, LastActive: now,
		AuthTime: in.AuthTime, AMR: slices.Clone(in.AMR), AppID: in.App.ID}
	err = s.change(ctx, func(tx txn) error {
		if err := claim(tx, ss); err != nil {
			return err
		}
		a, err := tx.Account(in.AccountID)
		if err != nil {
			return err
		}
		if err := tx.PutSession(ss); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, model.ActSignIn, fmt.Sprintf("Signed in to %s: %s, %s", in.App.Name, desc, ss.Location), now); err != nil {
			return err
		}
		return tx.save(&a)
	})
	return ss, err
}

// EndAppSession ends an application's session: the application signed
// out (RP-initiated logout, its refresh token revoked), or one of its
// refresh tokens was used twice (reason says so). Its other tokens die
// with it and its back-channel logout is queued.
func (s *Service) EndAppSession(ctx context.Context, accountID, sessionID, reason, activity string) error {
	return s.endSession(ctx, accountID, sessionID, reason, activity)
}

// GrantApp records that the user let a third-party application sign them
// in with scopes ("Apps with access").
func (s *Service) GrantApp(ctx context.Context, accountID, appID string, scopes []string) error {
	return s.change(ctx, func(tx txn) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if a.Grants == nil {
			a.Grants = map[string]store.Grant{}
		}
		g := a.Grants[appID]
		for _, sc := range scopes {
			if !slices.Contains(g.Scopes, sc) {
				g.Scopes = append(g.Scopes, sc)
			}
		}
		g.Granted = s.now()
		a.Grants[appID] = g
		return tx.save(&a)
	})
}

// RemoveApp takes an application's access away: its grant goes and every
// session it holds ends (their back-channel logouts queued).
func (s *Service) RemoveApp(ctx context.Context, ss store.Session, appID string) error {
	err := s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		_, granted := a.Grants[appID]
		delete(a.Grants, appID)
		sessions, err := tx.Sessions(a.ID)
		if err != nil {
			return err
		}
		ended := 0
		reason := "Access for this app was removed."
		for _, o := range sessions {
			if o.AppID != appID {
				continue
			}
			if err := tx.endSession(o, reason, s.now()); err != nil {
				return err
			}
			ended++
		}
		if !granted && ended == 0 {
			return store.ErrNotFound
		}
		if err := tx.AddActivity(&a, model.ActSessionRevoked, "Access removed for an app; its sessions ended.", s.now()); err != nil {
			return err
		}
		return tx.save(&a)
	})
	if isNotFound(err) {
		return notFound("That app has no access to your account.")
	}
	return err
}

// HandOver gives a native application (the desktop app, signed in as an
// OAuth client through the browser) a token of its own for the session
// its sign-in started, once, so that it syncs with it as with any
// session. The session then describes the device (a new one raises the
// security alert a sign-in from it would).
func (s *Service) HandOver(ctx context.Context, o Origin, accountID, sessionID, appID, deviceID string, dev device.Info) (NewSession, error) {
	tok, err := auth.NewToken(s.rand)
	if err != nil {
		return NewSession{}, err
	}
	now := s.now()
	err = s.change(ctx, func(tx txn) error {
		ss, err := tx.Session(sessionID)
		if err != nil || ss.AccountID != accountID || ss.AppID != appID || ss.HandedOver {
			return errNoHandOver
		}
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		ss.TokenHash, ss.HandedOver, ss.LastActive = auth.HashToken(tok), true, now
		ss.DeviceKind, ss.Device = device.Describe(o.UserAgent, dev)
		if deviceID != "" {
			ss.DeviceHash = auth.HashToken(accountID + "/" + deviceID)
			known, err := tx.KnownDevice(a.ID, ss.DeviceHash)
			if err != nil {
				return err
			}
			has, err := tx.HasDevices(a.ID)
			if err != nil {
				return err
			}
			if !known {
				if err := tx.AddDevice(a.ID, ss.DeviceHash, now); err != nil {
					return err
				}
			}
			if !known && has {
				e, err := s.raiseNewDevice(tx, &a, ss)
				if err != nil {
					return err
				}
				tx.deliver(a.ID, e)
			}
		}
		if err := tx.PutSession(ss); err != nil {
			return err
		}
		return tx.save(&a)
	})
	if errors.Is(err, errNoHandOver) {
		return NewSession{}, refuse(Unauthenticated, NoReason, "This sign-in cannot be used here any more: sign in again.")
	}
	if err != nil {
		return NewSession{}, err
	}
	return NewSession{AccountID: accountID, SessionID: sessionID, Token: tok}, nil
}

var errNoHandOver = errors.New("no session to hand over")
