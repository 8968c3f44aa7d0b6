package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bAccounts        = []byte("accounts")         // account id → Account
	bEmails          = []byte("emails")           // email → account id
	bSessions        = []byte("sessions")         // session id → Session
	bTokens          = []byte("tokens")           // session token hash → session id
	bAccountSessions = []byte("account_sessions") // account id/session id → nil
	bClients         = []byte("clients")          // account id/client id → last mutation id
	bEnded           = []byte("ended")            // session token hash → EndedError
	bEvents          = []byte("events")           // account id/seq → Event
	bActivity        = []byte("activity")         // account id/seq → Activity
	bSecrets         = []byte("secrets")          // link token hash → Token
	bDevices         = []byte("devices")          // account id/device hash → first seen
	bOutbox          = []byte("outbox")           // mail id → Mail
	bAvatars         = []byte("avatars")          // account id → PNG
	bNotifications   = []byte("notifications")    // account id/seq → Notification
	bCalls           = []byte("calls")            // account id/agent id/time → failed (1) or not (0)
	bWorkspaces      = []byte("workspaces")       // workspace id → Workspace
	bMemberships     = []byte("memberships")      // account id/workspace id → role
	bResources       = []byte("resources")        // account id/kind/id → Resource
	bAudit           = []byte("audit")            // workspace id/seq → AuditEntry
	bAuditTime       = []byte("audit_time")       // time (unix ns)/seq → workspace id, for retention
	bAuditBy         = []byte("audit_by")         // account id or email/seq → workspace id, to forget a deleted account
	allBuckets       = [][]byte{bAccounts, bEmails, bSessions, bTokens, bAccountSessions, bClients, bEnded, bEvents, bActivity, bSecrets, bDevices, bOutbox, bAvatars, bNotifications, bCalls, bWorkspaces, bMemberships, bResources, bAudit, bAuditTime, bAuditBy}
	// accountPrefixed are the buckets whose keys start with "account id/".
	accountPrefixed = [][]byte{bAccountSessions, bClients, bEvents, bActivity, bDevices, bNotifications, bCalls, bMemberships, bResources}
)

// Bolt is the embedded store: one bbolt file, every transaction fsync'd.
// It is safe for concurrent use; write transactions are serialized.
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
		for _, b := range allBuckets {
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
	// Group commit: concurrent pushes wait at most 2 ms to share a commit.
	db.MaxBatchDelay = 2 * time.Millisecond
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

// Update runs fn in a read-write transaction, committed durably when fn
// returns nil and rolled back when it returns an error. A transaction is
// not started once ctx is done; bbolt cannot stop one midway.
func (s *Bolt) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// Batch is Update grouped with concurrent Batch calls into one durable
// commit (group commit). fn may run more than once: it must not have side
// effects outside the transaction beyond resetting what it returns.
func (s *Bolt) Batch(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Batch(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// View runs fn in a read-only transaction; its writes fail.
func (s *Bolt) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// Dump calls fn with every key and value in the store (for tests that check
// what is stored).
func (s *Bolt) Dump(fn func(bucket, key, value []byte)) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error { fn(name, k, v); return nil })
		})
	})
}

type boltTx struct{ tx *bolt.Tx }

func (t boltTx) b(name []byte) *bolt.Bucket { return t.tx.Bucket(name) }

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
	a.Email = email
	return putJSON(t.b(bAccounts), []byte(a.ID), a)
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
			if err := json.Unmarshal(b, e); err != nil {
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
	return putJSON(t.b(bEnded), []byte(s.TokenHash), EndedError{Reason: reason, At: at})
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
		if err := json.Unmarshal(v, &e); err != nil {
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
	var out []Activity
	prefix := pair(accountID, "")
	c := t.b(bActivity).Cursor()
	k, v := c.Seek(seqKey(accountID, ^uint64(0)))
	if k == nil || !bytes.HasPrefix(k, prefix) {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Prev() {
		var a Activity
		if err := json.Unmarshal(v, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
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
	return putJSON(t.b(bOutbox), u64(id), m)
}

func (t boltTx) DueMail(now time.Time, limit int) ([]Mail, error) {
	var out []Mail
	err := t.b(bOutbox).ForEach(func(_, v []byte) error {
		var m Mail
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		if !m.Next.After(now) && len(out) < limit {
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

func (t boltTx) PutMail(m Mail) error       { return putJSON(t.b(bOutbox), u64(m.ID), m) }
func (t boltTx) DeleteMail(id uint64) error { return t.b(bOutbox).Delete(u64(id)) }

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

func (t boltTx) AddNotification(a *Account, n Notification) (Notification, error) {
	a.NotifSeq++
	a.Unread++
	n.ID, n.Read = a.NotifSeq, false
	return n, putJSON(t.b(bNotifications), seqKey(a.ID, n.ID), n)
}

func (t boltTx) Notifications(accountID string, limit int) ([]Notification, error) {
	var out []Notification
	prefix := pair(accountID, "")
	c := t.b(bNotifications).Cursor()
	k, v := c.Seek(seqKey(accountID, ^uint64(0)))
	if k == nil || !bytes.HasPrefix(k, prefix) {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Prev() {
		var n Notification
		if err := json.Unmarshal(v, &n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func (t boltTx) MarkRead(a *Account, from, to uint64) error {
	b := t.b(bNotifications)
	c := b.Cursor()
	end := seqKey(a.ID, to)
	var changed []Notification
	for k, v := c.Seek(seqKey(a.ID, from)); k != nil && bytes.Compare(k, end) <= 0; k, v = c.Next() {
		var n Notification
		if err := json.Unmarshal(v, &n); err != nil {
			return err
		}
		if !n.Read {
			n.Read = true
			changed = append(changed, n)
		}
	}
	for _, n := range changed {
		if err := putJSON(b, seqKey(a.ID, n.ID), n); err != nil {
			return err
		}
	}
	a.Unread = max(a.Unread-len(changed), 0)
	return nil
}

func (t boltTx) AddCall(accountID, agentID string, at time.Time, failed bool) error {
	v := []byte{0}
	if failed {
		v[0] = 1
	}
	key := append(pair(accountID, agentID+"/"), u64(uint64(at.UnixNano()))...)
	for t.b(bCalls).Get(key) != nil { // two outcomes in the same nanosecond
		key = append(pair(accountID, agentID+"/"), u64(binary.BigEndian.Uint64(key[len(key)-8:])+1)...)
	}
	return t.b(bCalls).Put(key, v)
}

func (t boltTx) CallStats(accountID, agentID string, since time.Time) (int, int, error) {
	prefix := pair(accountID, agentID+"/")
	calls, failed := 0, 0
	c := t.b(bCalls).Cursor()
	for k, v := c.Seek(append(prefix, u64(uint64(since.UnixNano()))...)); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		calls++
		if len(v) == 1 && v[0] == 1 {
			failed++
		}
	}
	return calls, failed, nil
}

func (t boltTx) AccountIDs() ([]string, error) {
	var ids []string
	err := t.b(bAccounts).ForEach(func(k, _ []byte) error { ids = append(ids, string(k)); return nil })
	return ids, err
}

func (t boltTx) PutWorkspace(w Workspace, before *Workspace) error {
	if before != nil {
		for _, m := range before.Members {
			if err := t.b(bMemberships).Delete(pair(m.AccountID, before.ID)); err != nil {
				return err
			}
		}
	}
	for _, m := range w.Members {
		if err := t.b(bMemberships).Put(pair(m.AccountID, w.ID), []byte(m.Role)); err != nil {
			return err
		}
	}
	return putJSON(t.b(bWorkspaces), []byte(w.ID), w)
}

func (t boltTx) Workspace(id string) (Workspace, error) {
	var w Workspace
	return w, getJSON(t.b(bWorkspaces), []byte(id), &w)
}

func (t boltTx) DeleteWorkspace(w Workspace) error {
	for _, m := range w.Members {
		if err := t.b(bMemberships).Delete(pair(m.AccountID, w.ID)); err != nil {
			return err
		}
	}
	return t.b(bWorkspaces).Delete([]byte(w.ID))
}

func (t boltTx) Workspaces(accountID string) ([]Workspace, error) {
	var out []Workspace
	prefix := pair(accountID, "")
	c := t.b(bMemberships).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		w, err := t.Workspace(string(k[len(prefix):]))
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b Workspace) int { return a.Created.Compare(b.Created) })
	return out, nil
}

func (t boltTx) PutResource(accountID string, r Resource) error {
	return putJSON(t.b(bResources), pair(accountID, r.Kind+"/"+r.ID), r)
}

func (t boltTx) Resources(accountID string) ([]Resource, error) {
	var out []Resource
	prefix := pair(accountID, "")
	c := t.b(bResources).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r Resource
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

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
	// Link tokens (reset, email change, invitations sent by it).
	var tokens [][]byte
	err = t.b(bSecrets).ForEach(func(k, v []byte) error {
		var tok Token
		if json.Unmarshal(v, &tok) == nil && tok.AccountID == a.ID {
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
	return ended, nil
}

func pair(a, b string) []byte { return []byte(a + "/" + b) }

func seqKey(accountID string, seq uint64) []byte {
	return append(pair(accountID, ""), u64(seq)...)
}

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func getJSON(b *bolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return ErrNotFound
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %q: %w", key, err)
	}
	return nil
}

func (t boltTx) AddAudit(e AuditEntry) (AuditEntry, error) {
	seq, err := t.b(bAudit).NextSequence()
	if err != nil {
		return e, err
	}
	e.Seq = seq
	if err := putJSON(t.b(bAudit), seqKey(e.WorkspaceID, seq), e); err != nil {
		return e, err
	}
	for _, who := range e.subjects() {
		if err := t.b(bAuditBy).Put(seqKey(who, seq), []byte(e.WorkspaceID)); err != nil {
			return e, err
		}
	}
	return e, t.b(bAuditTime).Put(append(u64(uint64(e.At.UnixNano())), u64(seq)...), []byte(e.WorkspaceID))
}

// subjects are the accounts and addresses an entry names.
func (e AuditEntry) subjects() []string {
	var out []string
	for _, s := range []string{e.ActorID, e.TargetID, e.TargetEmail} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// forgetInAudit rewrites the audit entries naming a deleted account (by
// id or address) so that nothing of it remains: it becomes "a deleted
// account".
func (t boltTx) forgetInAudit(a Account) error {
	for _, who := range []string{a.ID, a.Email} {
		prefix := pair(who, "")
		var keys [][]byte
		c := t.b(bAuditBy).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			keys = append(keys, k)
			key := seqKey(string(v), binary.BigEndian.Uint64(k[len(prefix):]))
			var e AuditEntry
			if err := getJSON(t.b(bAudit), key, &e); errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if e.ActorID == a.ID {
				e.ActorID, e.ActorName = "", DeletedAccountName
			}
			if e.TargetID == a.ID || e.TargetEmail == a.Email {
				e.TargetID, e.TargetEmail, e.TargetName = "", "", DeletedAccountName
			}
			if err := putJSON(t.b(bAudit), key, e); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := t.b(bAuditBy).Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeletedAccountName stands for a deleted account in audit logs.
const DeletedAccountName = "a deleted account"

func (t boltTx) Audit(workspaceID string, before uint64, limit int) ([]AuditEntry, error) {
	if before == 0 {
		before = ^uint64(0)
	}
	var out []AuditEntry
	prefix := pair(workspaceID, "")
	c := t.b(bAudit).Cursor()
	k, v := c.Seek(seqKey(workspaceID, before))
	if k == nil || !bytes.HasPrefix(k, prefix) || binary.BigEndian.Uint64(k[len(prefix):]) >= before {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Prev() {
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (t boltTx) PruneAudit(before time.Time, limit int) (int, error) {
	cut := u64(uint64(before.UnixNano()))
	c := t.b(bAuditTime).Cursor()
	n := 0
	for k, v := c.First(); k != nil && bytes.Compare(k[:8], cut) < 0 && n < limit; k, v = c.First() {
		seq := binary.BigEndian.Uint64(k[8:])
		key := seqKey(string(v), seq)
		var e AuditEntry
		if err := getJSON(t.b(bAudit), key, &e); err == nil {
			for _, who := range e.subjects() {
				if err := t.b(bAuditBy).Delete(seqKey(who, seq)); err != nil {
					return n, err
				}
			}
		} else if !errors.Is(err, ErrNotFound) {
			return n, err
		}
		if err := t.b(bAudit).Delete(key); err != nil {
			return n, err
		}
		if err := c.Delete(); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
