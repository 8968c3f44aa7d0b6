package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// CopyCounts says how many records of each kind a copy moved.
type CopyCounts map[string]int

// CopyToPostgres copies every record of the bbolt store into an empty
// PostgreSQL store, in one transaction: the copy is complete or nothing is
// written. Sessions, links and numbering carry over, so signed-in clients
// sync on without signing in again. The server must not be running on
// either store meanwhile.
func CopyToPostgres(ctx context.Context, from *Bolt, to *Postgres) (CopyCounts, error) {
	counts := CopyCounts{}
	err := to.Update(ctx, func(ptx Tx) error {
		t := ptx.(*pgTx)
		var n int
		if err := t.tx.QueryRow(ctx, "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM outbox)").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errors.New("the PostgreSQL database already holds data: copy into an empty database")
		}
		return from.db.View(func(btx *bolt.Tx) error {
			for _, c := range copiers {
				b := btx.Bucket(c.bucket)
				if b == nil {
					continue
				}
				err := b.ForEach(func(k, v []byte) error {
					counts[string(c.bucket)]++
					return c.copy(t, k, v)
				})
				if err != nil {
					return fmt.Errorf("copy %s: %w", c.bucket, err)
				}
			}
			// Followers of the changes log go on from the numbers they
			// saw, pruned or not.
			if b := btx.Bucket(bChanges); b != nil {
				return t.exec("UPDATE change_seq SET n = greatest(n, $1) WHERE id = 1", int64(b.Sequence()))
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// The numbering of mails and audit entries continues after the copies.
	for _, q := range []string{
		"SELECT setval(pg_get_serial_sequence('outbox', 'id'), coalesce((SELECT max(id) FROM outbox), 0) + 1, false)",
		"SELECT setval(pg_get_serial_sequence('audit', 'seq'), coalesce((SELECT max(seq) FROM audit), 0) + 1, false)",
	} {
		if _, err := to.pool.Exec(ctx, q); err != nil {
			return counts, err
		}
	}
	return counts, nil
}

// copier copies one bbolt bucket; buckets that only index others
// (emails, tokens, account sessions, memberships, audit indexes) are
// rebuilt by the PostgreSQL store instead.
type copier struct {
	bucket []byte
	copy   func(t *pgTx, k, v []byte) error
}

// accountAnd splits an "account id/rest" key.
func accountAnd(k []byte) (string, []byte) {
	i := bytes.IndexByte(k, '/')
	if i < 0 {
		return string(k), nil
	}
	return string(k[:i]), k[i+1:]
}

func fromJSON[T any](v []byte, put func(T) error) error {
	var x T
	if err := json.Unmarshal(v, &x); err != nil {
		return err
	}
	return put(x)
}

var copiers = []copier{
	{bAccounts, func(t *pgTx, _, v []byte) error { return fromJSON(v, t.CreateAccount) }},
	{bPasskeys, func(t *pgTx, k, v []byte) error { return t.ClaimPasskey(string(k), string(v)) }},
	{bSessions, func(t *pgTx, _, v []byte) error { return fromJSON(v, t.PutSession) }},
	{bApps, func(t *pgTx, _, v []byte) error { return fromJSON(v, t.PutApp) }},
	{bSigningKeys, func(t *pgTx, _, v []byte) error { return fromJSON(v, t.PutSigningKey) }},
	{bChanges, func(t *pgTx, _, v []byte) error {
		return fromJSON(v, func(c Change) error {
			if err := t.exec("INSERT INTO changes (seq, at, doc) VALUES ($1, $2, $3)", int64(c.Seq), c.At, c); err != nil {
				return err
			}
			return t.exec("UPDATE change_seq SET n = greatest(n, $1) WHERE id = 1", int64(c.Seq))
		})
	}},
	{bEnded, func(t *pgTx, k, v []byte) error {
		return t.exec("INSERT INTO ended_sessions (token_hash, doc) VALUES ($1, $2)", string(k), string(v))
	}},
	{bClients, func(t *pgTx, k, v []byte) error {
		acct, client := accountAnd(k)
		return t.SetLastMutationID(acct, string(client), binary.BigEndian.Uint64(v))
	}},
	{bDevices, func(t *pgTx, k, v []byte) error {
		acct, dev := accountAnd(k)
		at, err := time.Parse(time.RFC3339, string(v))
		if err != nil {
			return err
		}
		return t.AddDevice(acct, string(dev), at)
	}},
	{bSecrets, func(t *pgTx, k, v []byte) error {
		return fromJSON(v, func(tok Token) error { return t.PutToken(string(k), tok) })
	}},
	{bEvents, func(t *pgTx, k, v []byte) error {
		acct, _ := accountAnd(k)
		return fromJSON(v, func(e Event) error { return t.putSeq("events", acct, e.Seq, e) })
	}},
	{bActivity, func(t *pgTx, k, v []byte) error {
		acct, _ := accountAnd(k)
		return fromJSON(v, func(a Activity) error { return t.putSeq("activity", acct, a.Seq, a) })
	}},
	{bNotifications, func(t *pgTx, k, v []byte) error {
		acct, _ := accountAnd(k)
		return fromJSON(v, func(n Notification) error { return t.putNotification(acct, n) })
	}},
	{bCalls, func(t *pgTx, k, v []byte) error {
		acct, rest := accountAnd(k)
		if len(rest) < 9 {
			return fmt.Errorf("call key %q", k)
		}
		agent, ns := rest[:len(rest)-9], rest[len(rest)-8:]
		return t.AddCall(acct, string(agent), time.Unix(0, int64(binary.BigEndian.Uint64(ns))), len(v) == 1 && v[0] == 1)
	}},
	{bResources, func(t *pgTx, k, v []byte) error {
		acct, _ := accountAnd(k)
		return fromJSON(v, func(r Resource) error { return t.PutResource(acct, r) })
	}},
	{bAvatars, func(t *pgTx, k, v []byte) error { return t.PutAvatar(string(k), append([]byte(nil), v...)) }},
	{bWorkspaces, func(t *pgTx, _, v []byte) error {
		return fromJSON(v, func(w Workspace) error { return t.PutWorkspace(w, nil) })
	}},
	{bAudit, func(t *pgTx, _, v []byte) error {
		return fromJSON(v, func(e AuditEntry) error {
			if err := t.exec("INSERT INTO audit (seq, workspace_id, at, doc) VALUES ($1, $2, $3, $4)", int64(e.Seq), e.WorkspaceID, e.At, string(v)); err != nil {
				return err
			}
			return t.indexSubjects(e)
		})
	}},
	{bOutbox, func(t *pgTx, _, v []byte) error {
		return fromJSON(v, func(m Mail) error {
			return t.exec("INSERT INTO outbox (id, next, doc) VALUES ($1, $2, $3)", int64(m.ID), m.Next, string(v))
		})
	}},
}
