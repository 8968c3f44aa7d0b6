package core

import (
	"errors"
	"log/slog"
	"sync"
)

// Keychain is the operating system's credential store (Secret Service on
// Linux, Keychain on macOS, Credential Manager on Windows). The desktop
// app keeps its session token there rather than in its data file.
type Keychain interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// ErrNoSecret is what a Keychain returns for a secret it does not hold.
var ErrNoSecret = errors.New("no such secret in the keychain")

// keychainService names the app's entries in the keychain.
const keychainService = "DialNexa Account"

// Notices about where the session token is kept.
const (
	// KeychainFallbackNotice: the token stays in the app's data file.
	KeychainFallbackNotice = "The system keychain is not available, so this device's session is kept in the app's data file, readable by your user account."
	keychainGoneNotice     = "Your saved sign-in is no longer in the system keychain; sign in again."
)

// keychainStore keeps a Store's session token in a Keychain: the token
// written to the inner store is empty (Meta.TokenInKeychain says where it
// is) and filled in again on Load. When the keychain refuses the token,
// it is kept in the inner store and Fallback says so. The meta is
// committed often (every edit numbers a mutation): the keychain is only
// asked when the token changes.
type keychainStore struct {
	Store
	kc  Keychain
	log *slog.Logger

	mu   sync.Mutex
	user string // the installation's client id, the entry's name
	// held is the token the keychain holds for this installation ("" for
	// none); filed is one the keychain refused, kept in the file.
	held, filed string
}

func withKeychain(st Store, kc Keychain, log *slog.Logger) *keychainStore {
	return &keychainStore{Store: st, kc: kc, log: log}
}

func (s *keychainStore) Load() (State, error) {
	st, err := s.Store.Load()
	if err != nil {
		return st, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = st.Meta.ClientID
	if !st.Meta.TokenInKeychain {
		// A token in the file (an earlier version's, or one the keychain
		// refused) moves to the keychain on the next commit of the meta.
		return st, nil
	}
	tok, err := s.kc.Get(keychainService, s.user)
	if err != nil || tok == "" {
		// The entry is gone (the keychain was reset, or the file moved to
		// another machine): signed out, and told why.
		st.Meta.SessionID, st.Meta.AccountID, st.Meta.Token, st.Meta.TokenInKeychain = "", "", "", false
		st.Meta.Notice = keychainGoneNotice
		return st, nil
	}
	st.Meta.Token, s.held = tok, tok
	return st, nil
}

func (s *keychainStore) Commit(c Change) error {
	if c.Meta == nil {
		return s.Store.Commit(c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := *c.Meta
	if m.ClientID != "" {
		s.user = m.ClientID
	}
	switch {
	case m.Token != "" && m.Token == s.held:
		m.Token, m.TokenInKeychain = "", true
	case m.Token != "" && m.Token == s.filed:
		m.TokenInKeychain = false // refused once: stays in the file
	case m.Token != "":
		s.forget()
		if err := s.kc.Set(keychainService, s.user, m.Token); err != nil {
			s.filed = m.Token
			m.TokenInKeychain = false
		} else {
			s.held = m.Token
			m.Token, m.TokenInKeychain = "", true
		}
	default:
		// Signed out: no token anywhere.
		m.TokenInKeychain = false
		s.forget()
	}
	c.Meta = &m
	return s.Store.Commit(c)
}

// forget removes the token the keychain holds, if any.
func (s *keychainStore) forget() {
	s.filed = ""
	if s.held == "" {
		return
	}
	s.held = ""
	// An entry the keychain fails to delete is overwritten by the next
	// sign-in; its session has ended (or is ended by the pending
	// sign-out) either way.
	if err := s.kc.Delete(keychainService, s.user); err != nil && !errors.Is(err, ErrNoSecret) {
		s.log.Warn("remove the session token from the system keychain", "err", err)
	}
}

// Fallback reports whether the token had to stay in the data file.
func (s *keychainStore) Fallback() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.filed != ""
}
