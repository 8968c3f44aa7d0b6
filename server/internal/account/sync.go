package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
)

// Mutation is one client change, as the client queued it: its id in the
// client's order, the shared rule's name and its arguments.
type Mutation struct {
	ID   uint64
	Name string
	Args json.RawMessage
}

// Applied is what a push did: per mutation, applied or refused (why, for
// the user), where the client's mutations now stand, and the account's
// version when the push changed it.
type Applied struct {
	Results        []MutationResult
	LastMutationID uint64
	Version        uint64
}

// MutationResult is one mutation's fate; Refused is empty when it applied
// (or was a replay).
type MutationResult struct {
	ID      uint64
	Refused string
}

// MaxMutations is the most a push may carry.
const MaxMutations = 100

// ApplyMutations applies a push of one client's mutations to the account
// of session ss, strictly in order, and returns the ack and the effects,
// which the caller publishes (Publish) after sending the ack: the new view
// follows its ack. Pushes from many clients share commits (group commit),
// each still answered only once its commit is durable. A session that has
// ended meanwhile gets store.ErrNotFound and changes nothing.
func (s *Service) ApplyMutations(ctx context.Context, ss store.Session, clientID string, muts []Mutation) (Applied, *Effects, error) {
	if len(muts) > MaxMutations {
		return Applied{}, nil, refuse(TooLarge, NoReason, "A push carries at most %d changes.", MaxMutations)
	}
	for i := 1; i < len(muts); i++ {
		if muts[i].ID <= muts[i-1].ID {
			return Applied{}, nil, refuse(Invalid, Malformed, "Changes must be in increasing id order.")
		}
	}
	var ack Applied
	var fx Effects
	err := s.store.Batch(ctx, func(stx store.Tx) error {
		ack = Applied{Results: make([]MutationResult, 0, len(muts))}
		fx = Effects{}
		tx := txn{stx, &fx}
		changed := false
		// The session must still be live: a revoked client changes nothing.
		if _, err := tx.Session(ss.ID); err != nil {
			return err
		}
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		name := a.DisplayName
		last, err := tx.LastMutationID(a.ID, clientID)
		if err != nil {
			return err
		}
		// Strictly in order: the mutation after the last applied one, or
		// nothing. At or below it is a replay, acknowledged without
		// applying it again; above it is a gap (an earlier push was lost),
		// which stops the push: the ack says where the server stands and
		// the client resends from there.
		for _, mu := range muts {
			if mu.ID > last+1 {
				break
			}
			res := MutationResult{ID: mu.ID}
			if mu.ID == last+1 {
				err := applyMutation(tx, &a, mu)
				var re *model.RuleError
				switch {
				case errors.As(err, &re):
					// A rule violation refuses this one mutation; the
					// client rolls it back and says why.
					res.Refused = re.Msg
				case err != nil:
					// A server fault is not a refusal: nothing of the
					// push is kept and the client retries.
					return fmt.Errorf("apply mutation %d: %w", mu.ID, err)
				default:
					changed = true
				}
				last = mu.ID
			}
			ack.Results = append(ack.Results, res)
		}
		ack.LastMutationID = last
		if err := tx.SetLastMutationID(a.ID, clientID, last); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		if a.DisplayName != name {
			// Teammates' member lists show the name.
			if err := bumpTeammates(tx, a.ID); err != nil {
				return err
			}
		}
		if err := tx.save(&a); err != nil {
			return err
		}
		// The ack carries the new version; the client keeps the change
		// on top of its view until a view of that version arrives.
		ack.Version = a.Version
		return s.announceIn(stx, &fx)
	})
	if err != nil {
		return Applied{}, nil, err
	}
	return ack, &fx, nil
}

// applyMutation applies one client mutation to the stored account inside
// tx, with the shared account rules (decoded and checked once); a refused
// mutation changes nothing.
func applyMutation(tx store.Feeds, a *store.Account, m Mutation) error {
	ch, err := model.Decode(m.Name, m.Args)
	if err != nil {
		return err
	}
	switch c := ch.(type) {
	case model.SetDisplayName:
		a.DisplayName = c.DisplayName
	case model.SetEmailNotification:
		a.EmailPrefs = c.Prefs(a.EmailPrefs)
	case model.MarkRead:
		return tx.MarkRead(a, c.ID, c.ID)
	case model.MarkAllRead:
		return tx.MarkRead(a, 1, c.UpTo)
	case model.DismissAlert:
		a.Alerts = slices.DeleteFunc(slices.Clone(a.Alerts), func(al store.OpenAlert) bool { return al.ID == c.ID })
	default:
		return fmt.Errorf("a change the server does not store: %T", ch)
	}
	return nil
}

// bumpTeammates refreshes, inside tx, the views of everyone who shares a
// workspace with the account (member lists show its display name).
func bumpTeammates(tx txn, accountID string) error {
	wss, err := tx.Workspaces(accountID)
	if err != nil {
		return err
	}
	seen := map[string]bool{accountID: true}
	for _, ws := range wss {
		for _, m := range ws.Members {
			if !seen[m.AccountID] {
				seen[m.AccountID] = true
				if err := tx.bumpView(m.AccountID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Hello is what a connecting client says it holds: its client id, the
// view version and last event it has (0: nothing cached), and whether it
// can be told its view is current instead of being sent it again.
type Hello struct {
	ClientID              string
	Version, LastEventSeq uint64
	KeepsCurrentView      bool
}

// Welcome is what a connecting client is sent first: the account's
// version and event position, its session, the last mutation of its
// client id applied, and the view as JSON (nil when the client's is
// current).
type Welcome struct {
	Version, EventSeq, LastMutationID uint64
	SessionID                         string
	View                              json.RawMessage
}

// Welcome reads what a client connecting with hello is sent first: the
// welcome and, to a client with a cache, the events it missed, in one
// transaction so they agree. A client that keeps its current view and
// holds the current version gets no view (nothing is built). With
// checkSession the session is read again: one that has ended gets
// *store.EndedError, one whose account is gone store.ErrNotFound (as does
// any session whose account is gone).
func (s *Service) Welcome(ctx context.Context, ss store.Session, hello Hello, checkSession bool) (Welcome, []store.Event, error) {
	var (
		w      Welcome
		events []store.Event
	)
	if checkSession {
		if err := s.AwaitEnding(ctx, ss.ID); err != nil {
			return w, nil, err
		}
	}
	err := s.store.View(ctx, func(tx store.Tx) error {
		// The session may have ended since the socket was upgraded (while
		// it waited for hello), unless the caller knows it has not.
		if checkSession {
			if _, err := tx.SessionByToken(ss.TokenHash); err != nil {
				return err
			}
		}
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		w = Welcome{Version: a.Version, SessionID: ss.ID, EventSeq: a.EventSeq}
		// (A session's last activity is written without a new version: it
		// reaches a client with the account's next change.)
		if !hello.KeepsCurrentView || hello.Version == 0 || hello.Version != a.Version {
			v, err := buildView(tx, a, s.now())
			if err != nil {
				return err
			}
			if w.View, err = json.Marshal(v); err != nil {
				return err
			}
		}
		if w.LastMutationID, err = tx.LastMutationID(a.ID, hello.ClientID); err != nil {
			return err
		}
		if hello.Version > 0 {
			// Events the client missed while away, oldest first. A client
			// with nothing cached (version 0) starts from the welcome's
			// EventSeq instead of replaying the account's history.
			events, err = tx.EventsAfter(a.ID, hello.LastEventSeq, 100)
		}
		return err
	})
	return w, events, err
}
