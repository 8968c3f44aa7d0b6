package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

func (t boltTx) Account(id string) (Account, error) {
	var a Account
	return a, getJSON(t.b(bAccounts), []byte(id), &a)
}

func (t boltTx) AccountByEmail(email string) (Account, error) {
	id := t.b(bEmails).Get([]byte(email))
	if id == nil {
		return Account{}, ErrNotFound
	}
	return t.Account(string(id))
}

func (t boltTx) CreateAccount(a Account) error {
	if t.b(bEmails).Get([]byte(a.Email)) != nil {
		return ErrEmailTaken
	}
	if err := t.b(bEmails).Put([]byte(a.Email), []byte(a.ID)); err != nil {
		return err
	}
	return putJSON(t.b(bAccounts), []byte(a.ID), a)
}

func (t boltTx) PutAccount(a Account) error {
	if id := t.b(bEmails).Get([]byte(a.Email)); string(id) != a.ID {
		return fmt.Errorf("put account %s: email %q is not registered to it", a.ID, a.Email)
	}
	return putJSON(t.b(bAccounts), []byte(a.ID), a)
}

func (t boltTx) ChangeEmail(a *Account, email string) error {
	if id := t.b(bEmails).Get([]byte(email)); id != nil {
		if string(id) == a.ID {
			return nil
		}
		return ErrEmailTaken
	}
	if err := t.b(bEmails).Delete([]byte(a.Email)); err != nil {
		return err
	}
	if err := t.b(bEmails).Put([]byte(email), []byte(a.ID)); err != nil {
		return err
	}
	if err := t.bindAuditAddress(a.Email, a.ID); err != nil {
		return err
	}
	a.Email = email
	return putJSON(t.b(bAccounts), []byte(a.ID), a)
}

func (t boltTx) ClaimPasskey(credentialID, accountID string) error {
	switch holder := t.b(bPasskeys).Get([]byte(credentialID)); {
	case holder == nil:
		return t.b(bPasskeys).Put([]byte(credentialID), []byte(accountID))
	case string(holder) != accountID:
		return ErrPasskeyTaken
	}
	return nil
}

func (t boltTx) ReleasePasskey(credentialID string) error {
	return t.b(bPasskeys).Delete([]byte(credentialID))
}

// indexPasskeys fills the credential index from the accounts, for stores
// written before it was kept.
func indexPasskeys(tx *bolt.Tx) error {
	idx := tx.Bucket(bPasskeys)
	return tx.Bucket(bAccounts).ForEach(func(_, v []byte) error {
		var a Account
		if err := decodeRecord(v, &a); err != nil {
			return err
		}
		for _, p := range a.Passkeys {
			if err := idx.Put([]byte(p.ID), []byte(a.ID)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (t boltTx) Session(id string) (Session, error) {
	var s Session
	return s, getJSON(t.b(bSessions), []byte(id), &s)
}

func (t boltTx) SessionByToken(hash string) (Session, error) {
	id := t.b(bTokens).Get([]byte(hash))
	if id == nil {
		if b := t.b(bEnded).Get([]byte(hash)); b != nil {
			e := new(EndedError)
			if err := decodeRecord(b, e); err != nil {
				return Session{}, err
			}
			return Session{}, e
		}
		return Session{}, ErrNotFound
	}
	return t.Session(string(id))
}

func (t boltTx) Sessions(accountID string) ([]Session, error) {
	var out []Session
	prefix := pair(accountID, "")
	c := t.b(bAccountSessions).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		s, err := t.Session(string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Session) int { return a.Created.Compare(b.Created) })
	return out, nil
}

func (t boltTx) PutSession(s Session) error {
	// A new token replaces the old one, which stops working.
	if old, err := t.Session(s.ID); err == nil && old.TokenHash != s.TokenHash {
		if err := t.b(bTokens).Delete([]byte(old.TokenHash)); err != nil {
			return err
		}
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := putJSON(t.b(bSessions), []byte(s.ID), s); err != nil {
		return err
	}
	if err := t.b(bTokens).Put([]byte(s.TokenHash), []byte(s.ID)); err != nil {
		return err
	}
	return t.b(bAccountSessions).Put(pair(s.AccountID, s.ID), nil)
}

func (t boltTx) EndSession(id, reason string, at time.Time) error {
	s, err := t.Session(id)
	if err != nil {
		return err
	}
	for _, del := range []struct {
		b []byte
		k []byte
	}{{bSessions, []byte(id)}, {bTokens, []byte(s.TokenHash)}, {bAccountSessions, pair(s.AccountID, id)}} {
		if err := t.b(del.b).Delete(del.k); err != nil {
			return err
		}
	}
	if err := putJSON(t.b(bEnded), []byte(s.TokenHash), EndedError{Reason: reason, At: at}); err != nil {
		return err
	}
	return endApp(t, s, at)
}

// endApp queues the back-channel logout owed when a session an
// application signed in to ends.
func endApp(o Outbox, s Session, at time.Time) error {
	if s.AppID == "" {
		return nil
	}
	return o.Enqueue(Mail{Created: at, Next: at, Logout: &AppLogout{AppID: s.AppID, SessionID: s.ID, AccountID: s.AccountID}})
}

func (t boltTx) LastMutationID(accountID, clientID string) (uint64, error) {
	if b := t.b(bClients).Get(pair(accountID, clientID)); len(b) == 8 {
		return binary.BigEndian.Uint64(b), nil
	}
	return 0, nil
}

func (t boltTx) SetLastMutationID(accountID, clientID string, id uint64) error {
	return t.b(bClients).Put(pair(accountID, clientID), u64(id))
}

func (t boltTx) AddEvent(a *Account, kind string, payload []byte, at time.Time) (Event, error) {
	a.EventSeq++
	e := Event{Seq: a.EventSeq, Kind: kind, Payload: payload, Created: at}
	if err := putJSON(t.b(bEvents), seqKey(a.ID, e.Seq), e); err != nil {
		return Event{}, err
	}
	return e, nil
}

func (t boltTx) EventsAfter(accountID string, seq uint64, limit int) ([]Event, error) {
	var out []Event
	prefix := pair(accountID, "")
	c := t.b(bEvents).Cursor()
	for k, v := c.Seek(seqKey(accountID, seq+1)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Next() {
		var e Event
		if err := decodeRecord(v, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (t boltTx) AddActivity(a *Account, kind, detail string, at time.Time) error {
	a.ActivitySeq++
	return putJSON(t.b(bActivity), seqKey(a.ID, a.ActivitySeq), Activity{Seq: a.ActivitySeq, Kind: kind, Detail: detail, At: at})
}

func (t boltTx) Activity(accountID string, limit int) ([]Activity, error) {
	return newestBefore[Activity](t.b(bActivity), accountID, 0, limit)
}

func (t boltTx) PutToken(hash string, tok Token) error {
	return putJSON(t.b(bSecrets), []byte(hash), tok)
}

func (t boltTx) Token(hash string) (Token, error) {
	var tok Token
	return tok, getJSON(t.b(bSecrets), []byte(hash), &tok)
}

func (t boltTx) DeleteToken(hash string) error { return t.b(bSecrets).Delete([]byte(hash)) }

func (t boltTx) KnownDevice(accountID, deviceHash string) (bool, error) {
	return t.b(bDevices).Get(pair(accountID, deviceHash)) != nil, nil
}

func (t boltTx) AddDevice(accountID, deviceHash string, at time.Time) error {
	return t.b(bDevices).Put(pair(accountID, deviceHash), []byte(at.UTC().Format(time.RFC3339)))
}

func (t boltTx) HasDevices(accountID string) (bool, error) {
	prefix := pair(accountID, "")
	k, _ := t.b(bDevices).Cursor().Seek(prefix)
	return k != nil && bytes.HasPrefix(k, prefix), nil
}

func (t boltTx) Enqueue(m Mail) error {
	id, err := t.b(bOutbox).NextSequence()
	if err != nil {
		return err
	}
	m.ID = id
	return t.putMail(m)
}

// dueKey orders the outbox by next attempt, then id.
func dueKey(m Mail) []byte { return append(u64(nanos(m.Next)), u64(m.ID)...) }

// nanos is t in Unix nanoseconds, clamped to what an int64 holds (1970
// to 2262), so that times outside order as the nearest end.
func nanos(t time.Time) uint64 {
	switch {
	case t.Before(time.Unix(0, 0)):
		return 0
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return uint64(t.UnixNano())
}

// putMail stores m and its place in the due order.
func (t boltTx) putMail(m Mail) error {
	if err := putJSON(t.b(bOutbox), u64(m.ID), m); err != nil {
		return err
	}
	return t.b(bOutboxDue).Put(dueKey(m), nil)
}

// mail reads the outbox mail id; ErrNotFound when it is gone.
func (t boltTx) mail(id uint64) (Mail, error) {
	var m Mail
	err := getJSON(t.b(bOutbox), u64(id), &m)
	return m, err
}

// OutboxStats reads the first mail for the oldest: ids grow with time.
func (t boltTx) OutboxStats() (int, time.Time, error) {
	b := t.b(bOutbox)
	n := b.Stats().KeyN
	k, _ := b.Cursor().First()
	if k == nil {
		return n, time.Time{}, nil
	}
	var m Mail
	if err := getJSON(b, k, &m); err != nil {
		return n, time.Time{}, err
	}
	return n, m.Created, nil
}

func (t boltTx) DueMail(now time.Time, limit int) ([]Mail, error) {
	var out []Mail
	c := t.b(bOutboxDue).Cursor()
	end := nanos(now)
	for k, _ := c.First(); k != nil && len(out) < limit && binary.BigEndian.Uint64(k[:8]) <= end; k, _ = c.Next() {
		m, err := t.mail(binary.BigEndian.Uint64(k[8:]))
		if err != nil {
			return nil, fmt.Errorf("outbox index names mail %d: %w", binary.BigEndian.Uint64(k[8:]), err)
		}
		out = append(out, m)
	}
	return out, nil
}

func (t boltTx) ClaimMail(now, until time.Time, limit int) ([]Mail, error) {
	due, err := t.DueMail(now, limit)
	if err != nil {
		return nil, err
	}
	for i := range due {
		due[i].Next = until
		if err := t.PutMail(due[i]); err != nil {
			return nil, err
		}
	}
	return due, nil
}

func (t boltTx) PutMail(m Mail) error {
	old, err := t.mail(m.ID)
	if err != nil {
		return err
	}
	if err := t.b(bOutboxDue).Delete(dueKey(old)); err != nil {
		return err
	}
	return t.putMail(m)
}

func (t boltTx) DeleteMail(id uint64) error {
	old, err := t.mail(id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := t.b(bOutboxDue).Delete(dueKey(old)); err != nil {
		return err
	}
	return t.b(bOutbox).Delete(u64(id))
}

// indexOutbox builds the due order of a store written before it was kept.
func indexOutbox(tx *bolt.Tx) error {
	due := tx.Bucket(bOutboxDue)
	if k, _ := due.Cursor().First(); k != nil {
		return nil
	}
	return tx.Bucket(bOutbox).ForEach(func(_, v []byte) error {
		var m Mail
		if err := decodeRecord(v, &m); err != nil {
			return err
		}
		return due.Put(dueKey(m), nil)
	})
}

func (t boltTx) PutAvatar(accountID string, png []byte) error {
	return t.b(bAvatars).Put([]byte(accountID), png)
}

func (t boltTx) Avatar(accountID string) ([]byte, error) {
	b := t.b(bAvatars).Get([]byte(accountID))
	if b == nil {
		return nil, ErrNotFound
	}
	return append([]byte(nil), b...), nil
}

func (t boltTx) DeleteAvatar(accountID string) error { return t.b(bAvatars).Delete([]byte(accountID)) }

func (t boltTx) DeleteAccount(a Account, reason string, at time.Time) ([]string, error) {
	sessions, err := t.Sessions(a.ID)
	if err != nil {
		return nil, err
	}
	var ended []string
	for _, s := range sessions {
		if err := t.EndSession(s.ID, reason, at); err != nil {
			return nil, err
		}
		ended = append(ended, s.ID)
	}
	// Every key under the account's prefix, in every bucket keyed that way.
	prefix := pair(a.ID, "")
	for _, name := range accountPrefixed {
		b := t.b(name)
		var keys [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, k)
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return nil, err
			}
		}
	}
	if err := t.forgetInAudit(a); err != nil {
		return nil, err
	}
	for _, p := range a.Passkeys {
		if err := t.ReleasePasskey(p.ID); err != nil {
			return nil, err
		}
	}
	// Link tokens (reset, email change, invitations sent by it).
	var tokens [][]byte
	err = t.b(bSecrets).ForEach(func(k, v []byte) error {
		var tok Token
		if decodeRecord(v, &tok) == nil && tok.AccountID == a.ID {
			tokens = append(tokens, k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range tokens {
		if err := t.b(bSecrets).Delete(k); err != nil {
			return nil, err
		}
	}
	for _, del := range []struct{ b, k []byte }{{bAvatars, []byte(a.ID)}, {bEmails, []byte(a.Email)}, {bAccounts, []byte(a.ID)}} {
		if err := t.b(del.b).Delete(del.k); err != nil {
			return nil, err
		}
	}
	return ended, t.moveJobCursors(a.ID)
}

// moveJobCursors moves the jobs whose position names the deleted account
// id (see moveCursor).
func (t boltTx) moveJobCursors(id string) error {
	var prev []byte
	c := t.b(bAccounts).Cursor()
	if k, _ := c.Seek([]byte(id)); k != nil {
		prev, _ = c.Prev()
	} else {
		prev, _ = c.Last()
	}
	var moved []Job
	err := t.b(bJobs).ForEach(func(_, v []byte) error {
		var j Job
		if err := decodeRecord(v, &j); err != nil {
			return err
		}
		if moveCursor(&j, id, string(prev)) {
			moved = append(moved, j)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, j := range moved {
		if err := t.PutJob(j); err != nil {
			return err
		}
	}
	return nil
}
