package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bAccounts        = []byte("accounts")         // account id → Account
	bEmails          = []byte("emails")           // email → account id
	bSessions        = []byte("sessions")         // session id → Session
	bTokens          = []byte("tokens")           // token hash → session id
	bAccountSessions = []byte("account_sessions") // account id/session id → nil
	bClients         = []byte("clients")          // account id/client id → last mutation id
	bEnded           = []byte("ended")            // token hash → EndedError
)

// Bolt is the embedded store: one bbolt file. It is safe for concurrent use.
type Bolt struct {
	db *bolt.DB
}

// OpenBolt opens (creating if needed) the store in dir. It waits at most a
// second for another process holding the file.
func OpenBolt(dir string) (*Bolt, error) {
	path := filepath.Join(dir, "dialnexa.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bAccounts, bEmails, bSessions, bTokens, bAccountSessions, bClients, bEnded} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init store %s: %w", path, err)
	}
	return &Bolt{db: db}, nil
}

// Close closes the file.
func (s *Bolt) Close() error { return s.db.Close() }

// Check runs bbolt's consistency check and returns the first problem found.
func (s *Bolt) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// CreateAccount stores a new account; ErrEmailTaken if its email is in use.
func (s *Bolt) CreateAccount(a Account) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		emails := tx.Bucket(bEmails)
		if emails.Get([]byte(a.Email)) != nil {
			return ErrEmailTaken
		}
		if err := emails.Put([]byte(a.Email), []byte(a.ID)); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bAccounts), a.ID, a)
	})
}

// AccountByEmail returns the account registered under a normalized email.
func (s *Bolt) AccountByEmail(email string) (Account, error) {
	var a Account
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bEmails).Get([]byte(email))
		if id == nil {
			return ErrNotFound
		}
		return getJSON(tx.Bucket(bAccounts), string(id), &a)
	})
	return a, err
}

// Account returns the account with the given id.
func (s *Bolt) Account(id string) (Account, error) {
	var a Account
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bAccounts), id, &a) })
	return a, err
}

// CreateSession stores a new session and bumps its account's version (the
// sessions list is part of the account view). It returns the account.
func (s *Bolt) CreateSession(ss Session) (Account, error) {
	var a Account
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := getJSON(tx.Bucket(bAccounts), ss.AccountID, &a); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bSessions), ss.ID, ss); err != nil {
			return err
		}
		if err := tx.Bucket(bTokens).Put([]byte(ss.TokenHash), []byte(ss.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bAccountSessions).Put(pair(ss.AccountID, ss.ID), nil); err != nil {
			return err
		}
		return bump(tx, &a)
	})
	return a, err
}

// SessionByToken returns the live session whose token has the given hash.
// A token whose session ended returns *EndedError; an unknown one ErrNotFound.
func (s *Bolt) SessionByToken(tokenHash string) (Session, error) {
	var ss Session
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bTokens).Get([]byte(tokenHash))
		if id == nil {
			if b := tx.Bucket(bEnded).Get([]byte(tokenHash)); b != nil {
				e := new(EndedError)
				if err := json.Unmarshal(b, e); err != nil {
					return err
				}
				return e
			}
			return ErrNotFound
		}
		return getJSON(tx.Bucket(bSessions), string(id), &ss)
	})
	return ss, err
}

// Session returns a live session by id.
func (s *Bolt) Session(id string) (Session, error) {
	var ss Session
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bSessions), id, &ss) })
	return ss, err
}

// Sessions returns the account's live sessions, oldest first.
func (s *Bolt) Sessions(accountID string) ([]Session, error) {
	var out []Session
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = sessionsOf(tx, accountID)
		return err
	})
	return out, err
}

func sessionsOf(tx *bolt.Tx, accountID string) ([]Session, error) {
	var out []Session
	prefix := pair(accountID, "")
	c := tx.Bucket(bAccountSessions).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		var ss Session
		if err := getJSON(tx.Bucket(bSessions), string(k[len(prefix):]), &ss); err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	sortSessions(out)
	return out, nil
}

// EndSession removes a live session, remembering why for a client that
// comes back with its token, and bumps the account's version. It returns
// the account and ErrNotFound when the session is not live.
func (s *Bolt) EndSession(sessionID, reason string, at time.Time) (Account, error) {
	var a Account
	err := s.db.Update(func(tx *bolt.Tx) error {
		var ss Session
		if err := getJSON(tx.Bucket(bSessions), sessionID, &ss); err != nil {
			return err
		}
		if err := tx.Bucket(bSessions).Delete([]byte(sessionID)); err != nil {
			return err
		}
		if err := tx.Bucket(bTokens).Delete([]byte(ss.TokenHash)); err != nil {
			return err
		}
		if err := tx.Bucket(bAccountSessions).Delete(pair(ss.AccountID, ss.ID)); err != nil {
			return err
		}
		b, _ := json.Marshal(EndedError{Reason: reason, At: at})
		if err := tx.Bucket(bEnded).Put([]byte(ss.TokenHash), b); err != nil {
			return err
		}
		if err := getJSON(tx.Bucket(bAccounts), ss.AccountID, &a); err != nil {
			return err
		}
		return bump(tx, &a)
	})
	return a, err
}

// TouchSession records the session's last activity. It does not change the
// account version: the time is shown, not synced live.
func (s *Bolt) TouchSession(sessionID string, at time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var ss Session
		if err := getJSON(tx.Bucket(bSessions), sessionID, &ss); err != nil {
			return err
		}
		ss.LastActive = at
		return putJSON(tx.Bucket(bSessions), ss.ID, ss)
	})
}

// LastMutationID returns the last mutation id applied for the client.
func (s *Bolt) LastMutationID(accountID, clientID string) (uint64, error) {
	var n uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bClients).Get(pair(accountID, clientID)); len(b) == 8 {
			n = binary.BigEndian.Uint64(b)
		}
		return nil
	})
	return n, err
}

// ApplyMutations applies a client's mutations in one transaction, on behalf
// of a session that must still be live. A mutation whose id is at or below
// the client's last applied id was applied before and is skipped (a replay);
// apply decides the others and may refuse one with an error, which is
// recorded in its result and skips it. The client's last mutation id, the
// changes and the account version are committed together. It returns the
// results, the account after the changes, and the client's last mutation id.
func (s *Bolt) ApplyMutations(sessionID, clientID string, muts []Mutation, apply func(*Account, Mutation) error) ([]MutationResult, Account, uint64, error) {
	var (
		a       Account
		last    uint64
		results = make([]MutationResult, 0, len(muts))
	)
	err := s.db.Update(func(tx *bolt.Tx) error {
		results = results[:0]
		var ss Session
		if err := getJSON(tx.Bucket(bSessions), sessionID, &ss); err != nil {
			return err
		}
		if err := getJSON(tx.Bucket(bAccounts), ss.AccountID, &a); err != nil {
			return err
		}
		key := pair(ss.AccountID, clientID)
		if b := tx.Bucket(bClients).Get(key); len(b) == 8 {
			last = binary.BigEndian.Uint64(b)
		}
		changed := false
		for _, m := range muts {
			if m.ID <= last {
				results = append(results, MutationResult{ID: m.ID})
				continue
			}
			before := a
			if err := apply(&a, m); err != nil {
				a = before
				results = append(results, MutationResult{ID: m.ID, Err: err})
			} else {
				changed = changed || a != before
				results = append(results, MutationResult{ID: m.ID})
			}
			last = m.ID
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], last)
		if err := tx.Bucket(bClients).Put(key, b[:]); err != nil {
			return err
		}
		if !changed {
			return nil
		}
		return bump(tx, &a)
	})
	return results, a, last, err
}

func bump(tx *bolt.Tx, a *Account) error {
	a.Version++
	return putJSON(tx.Bucket(bAccounts), a.ID, a)
}

func pair(a, b string) []byte { return []byte(a + "/" + b) }

func putJSON(b *bolt.Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

func getJSON(b *bolt.Bucket, key string, v any) error {
	data := b.Get([]byte(key))
	if data == nil {
		return ErrNotFound
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s %q: %w", b.Tx().DB().Path(), key, err)
	}
	return nil
}
