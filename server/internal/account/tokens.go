package account

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/server/internal/store"
)

// Kinds of single-use link tokens, stored hashed.
const (
	tokenReset  = "reset"
	tokenEmail  = "email"
	tokenInvite = "invite"
)

// liveToken returns the link token with the hash if it is of the kind and
// has not expired (it works until its expiry instant, inclusive) and, for
// tokens bound to the account's credentials (reset and email-change links,
// an approved browser sign-in), the account still exists and no credential
// of it changed since the token was issued or approved; otherwise
// store.ErrNotFound, the same for unknown, used, expired and superseded
// tokens.
func liveToken(tx linkTx, hash, kind string, now time.Time) (store.Token, error) {
	t, err := unexpiredToken(tx, hash, kind, now)
	if err != nil || !credentialsCurrent(tx, t) {
		return store.Token{}, store.ErrNotFound
	}
	return t, nil
}

// unexpiredToken is the token with the hash if it is of the kind and has
// not expired; store.ErrNotFound otherwise. liveToken also checks the
// account's credentials.
func unexpiredToken(tx store.Links, hash, kind string, now time.Time) (store.Token, error) {
	t, err := tx.Token(hash)
	if err != nil || t.Kind != kind || now.After(t.Expires) {
		return store.Token{}, store.ErrNotFound
	}
	return t, nil
}

// credentialsCurrent reports whether a token bound to its account's
// credentials still is: the account exists and none of its credentials
// changed since the token was issued or approved. Other tokens always are.
func credentialsCurrent(tx store.Accounts, t store.Token) bool {
	if !boundToCredentials(t) {
		return true
	}
	a, err := tx.Account(t.AccountID)
	return err == nil && a.LinkEpoch == t.Epoch
}

// boundToCredentials tells whether a token dies with a credential change
// of its account: reset and email-change links from their issue, a
// browser sign-in from its approval (Epoch is then the approver's).
func boundToCredentials(t store.Token) bool {
	switch t.Kind {
	case tokenReset, tokenEmail:
		return true
	case tokenBrowserRequest:
		return t.AccountID != ""
	}
	return false
}

// endLinks makes every outstanding reset and email-change link and every
// approved, not yet collected browser sign-in of a stop working: call it,
// in the same transaction, with every credential change.
func endLinks(a *store.Account) { a.LinkEpoch++ }

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// link is an absolute link to path (with its fragment) on the public
// origin.
func (s *Service) link(path string) string { return strings.TrimRight(s.origin, "/") + path }

// queueMail renders the mail template kind with data and adds it to the
// outbox inside tx, so it is sent if and only if the change commits; the
// worker is woken once it has.
func (s *Service) queueMail(tx txn, to, kind string, data map[string]any) error {
	subject, text, err := mail.Render(kind, data)
	if err != nil {
		return err
	}
	tx.wakeMail()
	link, _ := data["Link"].(string)
	now := s.now()
	return tx.Enqueue(store.Mail{To: to, Subject: subject, Text: text, Link: link, Created: now, Next: now})
}

// when formats a time for a mail, in the account's time zone tz (an IANA
// name; empty is UTC) with its abbreviation: "2 Dec 2026 at 17:04 PST".
func when(tz string, t time.Time) string { return t.In(zone(tz)).Format("2 Jan 2006 at 15:04 MST") }

// zones holds the time zones loaded so far: LoadLocation reads and parses
// the zone database on every call.
var zones sync.Map // name → *time.Location

// zone is the time zone named tz, UTC when it is empty (or, against every
// check made when it was set, unknown).
func zone(tz string) *time.Location {
	if tz == "" {
		return time.UTC
	}
	if loc, ok := zones.Load(tz); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	zones.Store(tz, loc)
	return loc
}
