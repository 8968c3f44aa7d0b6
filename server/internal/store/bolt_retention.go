package store

import (
	"bytes"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"
)

// prune looks at up to limit keys of b after from (with prefix), deletes
// those old says to, and returns the last key looked at ("" at the end).
func prune(b *bolt.Bucket, prefix []byte, from string, limit int, old func(k, v []byte) (bool, error)) (string, int, error) {
	c := b.Cursor()
	var k, v []byte
	if from == "" {
		k, v = c.Seek(prefix)
	} else if k, v = c.Seek([]byte(from)); k != nil && string(k) == from {
		k, v = c.Next()
	}
	var dead [][]byte
	last, seen := "", 0
	for ; k != nil && bytes.HasPrefix(k, prefix) && seen < limit; k, v = c.Next() {
		seen++
		last = string(k)
		ok, err := old(k, v)
		if err != nil {
			return "", 0, err
		}
		if ok {
			dead = append(dead, bytes.Clone(k))
		}
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		last = "" // through everything
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return "", 0, err
		}
	}
	return last, len(dead), nil
}

// olderJSON says whether a JSON record's time (read by at) is before a time.
func olderJSON[T any](before time.Time, at func(T) time.Time) func(_, v []byte) (bool, error) {
	return func(_, v []byte) (bool, error) {
		var r T
		if err := decodeRecord(v, &r); err != nil {
			return false, err
		}
		return at(r).Before(before), nil
	}
}

func (t boltTx) PruneCalls(before time.Time, from string, limit int) (string, int, error) {
	return prune(t.b(bCalls), nil, from, limit, func(k, _ []byte) (bool, error) {
		return len(k) >= 8 && int64(binary.BigEndian.Uint64(k[len(k)-8:])) < before.UnixNano(), nil
	})
}

func (t boltTx) PruneLinks(before time.Time, from string, limit int) (string, int, error) {
	return prune(t.b(bSecrets), nil, from, limit, olderJSON(before, func(tok Token) time.Time { return tok.Expires }))
}

func (t boltTx) PruneEnded(before time.Time, from string, limit int) (string, int, error) {
	return prune(t.b(bEnded), nil, from, limit, olderJSON(before, func(e EndedError) time.Time { return e.At }))
}

func (t boltTx) PruneGuards(before time.Time, from string, limit int) (string, int, error) {
	return prune(t.b(bGuards), nil, from, limit, func(k, v []byte) (bool, error) {
		var at time.Time
		switch {
		case bytes.HasPrefix(k, []byte("b/")):
			var b Bucket
			if err := decodeRecord(v, &b); err != nil {
				return false, err
			}
			at = b.At
		case bytes.HasPrefix(k, []byte("f/")):
			var f Failures
			if err := decodeRecord(v, &f); err != nil {
				return false, err
			}
			at = f.Last
		default:
			var l lease
			if err := decodeRecord(v, &l); err != nil {
				return false, err
			}
			at = l.Until
		}
		return at.Before(before), nil
	})
}

func (t boltTx) PruneJobs(before time.Time, from string, limit int) (string, int, error) {
	return prune(t.b(bJobs), nil, from, limit, olderJSON(before, func(j Job) time.Time {
		if j.Finished.IsZero() {
			return before // unfinished: kept
		}
		return j.Finished
	}))
}

func (t boltTx) TrimFeeds(a *Account, keep int) (int, error) {
	n := 0
	for _, b := range []*bolt.Bucket{t.b(bEvents), t.b(bNotifications), t.b(bActivity)} {
		prefix := pair(a.ID, "")
		c := b.Cursor()
		// Newest first from the end of the account's range; past keep,
		// everything is deleted.
		var dead [][]byte
		kept := 0
		k, v := c.Seek(seqKey(a.ID, ^uint64(0)))
		if k == nil {
			k, v = c.Last()
		} else if !bytes.HasPrefix(k, prefix) {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
			if kept < keep {
				kept++
				continue
			}
			if b == t.b(bNotifications) {
				var no Notification
				if err := decodeRecord(v, &no); err != nil {
					return n, err
				}
				if !no.Read {
					a.Unread = max(a.Unread-1, 0)
				}
			}
			dead = append(dead, bytes.Clone(k))
		}
		for _, k := range dead {
			if err := b.Delete(k); err != nil {
				return n, err
			}
		}
		n += len(dead)
	}
	return n, nil
}
