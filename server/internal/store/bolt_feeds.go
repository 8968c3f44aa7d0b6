// The bbolt store: notifications, call outcomes and resources, and
// workspaces.

package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"time"
)

func (t boltTx) AddNotification(a *Account, n Notification) (Notification, error) {
	a.NotifSeq++
	a.Unread++
	n.ID, n.Read = a.NotifSeq, false
	return n, putJSON(t.b(bNotifications), seqKey(a.ID, n.ID), n)
}

func (t boltTx) Notifications(accountID string, limit int) ([]Notification, error) {
	return newestBefore[Notification](t.b(bNotifications), accountID, 0, limit)
}

func (t boltTx) MarkRead(a *Account, from, to uint64) error {
	b := t.b(bNotifications)
	c := b.Cursor()
	end := seqKey(a.ID, to)
	var changed []Notification
	for k, v := c.Seek(seqKey(a.ID, from)); k != nil && bytes.Compare(k, end) <= 0; k, v = c.Next() {
		var n Notification
		if err := decodeRecord(v, &n); err != nil {
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

func (t boltTx) AccountIDsAfter(after string, limit int) ([]string, error) {
	var ids []string
	c := t.b(bAccounts).Cursor()
	k, _ := c.Seek([]byte(after))
	if k != nil && string(k) == after {
		k, _ = c.Next()
	}
	for ; k != nil && len(ids) < limit; k, _ = c.Next() {
		ids = append(ids, string(k))
	}
	return ids, nil
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
		if err := decodeRecord(v, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
