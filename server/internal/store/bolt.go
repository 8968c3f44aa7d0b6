package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
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
	bOutboxDue       = []byte("outbox_due")       // next attempt (unix ns)/mail id → nil
	bGuards          = []byte("guards")           // "b/"key → Bucket, "f/"key → Failures, "l/"key → Lease
	bJobs            = []byte("jobs")             // job id → Job
	bAvatars         = []byte("avatars")          // account id → PNG
	bNotifications   = []byte("notifications")    // account id/seq → Notification
	bCalls           = []byte("calls")            // account id/agent id/time → failed (1) or not (0)
	bWorkspaces      = []byte("workspaces")       // workspace id → Workspace
	bMemberships     = []byte("memberships")      // account id/workspace id → role
	bResources       = []byte("resources")        // account id/kind/id → Resource
	bAudit           = []byte("audit")            // workspace id/seq → AuditEntry
	bAuditTime       = []byte("audit_time")       // time (unix ns)/seq → workspace id, for retention
	bAuditBy         = []byte("audit_by")         // account id or email/seq → workspace id, to forget a deleted account
	bPasskeys        = []byte("passkeys")         // WebAuthn credential id → account id
	bApps            = []byte("apps")             // OpenID Connect client id → App
	bSigningKeys     = []byte("signing_keys")     // signs from (unix ns)/key id → SigningKey
	bChanges         = []byte("changes")          // seq → Change (the bucket's sequence numbers them)
	allBuckets       = [][]byte{bAccounts, bEmails, bSessions, bTokens, bAccountSessions, bClients, bEnded, bEvents, bActivity, bSecrets, bDevices, bOutbox, bOutboxDue, bGuards, bJobs, bAvatars, bNotifications, bCalls, bWorkspaces, bMemberships, bResources, bAudit, bAuditTime, bAuditBy, bPasskeys, bApps, bSigningKeys, bChanges}
	// accountPrefixed are the buckets whose keys start with "account id/".
	accountPrefixed = [][]byte{bAccountSessions, bClients, bEvents, bActivity, bDevices, bNotifications, bCalls, bMemberships, bResources}
)

// Bolt is the embedded store: one bbolt file, every transaction fsync'd.
// It is safe for concurrent use; write transactions are serialized.
type Bolt struct {
	db     *bolt.DB
	commit *groupCommit
}

// OpenBolt opens (creating if needed) the store in dir. It waits at most a
// second for another process holding the file.
func OpenBolt(dir string) (*Bolt, error) {
	path := filepath.Join(dir, "dialnexa.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: another server is using it (stop that one, or give this one another -data directory): %w", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err = db.Update(migrateBolt); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return &Bolt{db: db, commit: &groupCommit{db: db}}, nil
}

// Close closes the file.
func (s *Bolt) Close() error { return s.db.Close() }

// Check runs bbolt's consistency check and returns the first problem found.
//
// It runs in a write transaction (rolled back): a read-only one would
// compare its pages with a freelist that concurrent commits change, and
// report pages they freed as lost.
func (s *Bolt) Check() error {
	tx, err := s.db.Begin(true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for err := range tx.Check() {
		return err
	}
	return nil
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
// commit (group commit, see groupCommit: no waiting when nothing else is
// committing). fn may run more than once: it must not have side effects
// outside the transaction beyond resetting what it returns.
func (s *Bolt) Batch(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.commit.do(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
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

func pair(a, b string) []byte { return []byte(a + "/" + b) }

func seqKey(accountID string, seq uint64) []byte {
	return append(pair(accountID, ""), u64(seq)...)
}

// newestBefore reads, newest first, up to limit records keyed
// "owner/seq" with seq < before (0: from the newest).
func newestBefore[T any](b *bolt.Bucket, owner string, before uint64, limit int) ([]T, error) {
	if before == 0 {
		before = ^uint64(0)
	}
	var out []T
	prefix := pair(owner, "")
	c := b.Cursor()
	k, v := c.Seek(seqKey(owner, before))
	if k == nil || !bytes.HasPrefix(k, prefix) || binary.BigEndian.Uint64(k[len(prefix):]) >= before {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Prev() {
		var x T
		if err := decodeRecord(v, &x); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
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
	if err := decodeRecord(data, v); err != nil {
		return fmt.Errorf("decode %q: %w", key, err)
	}
	return nil
}
