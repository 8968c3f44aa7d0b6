package store

import (
	"encoding/binary"
	"time"
)

func (t boltTx) Bucket(key string) (Bucket, error) {
	var b Bucket
	err := getJSON(t.b(bGuards), []byte("b/"+key), &b)
	return b, err
}

func (t boltTx) PutBucket(key string, b Bucket) error {
	return putJSON(t.b(bGuards), []byte("b/"+key), b)
}

func (t boltTx) Failures(key string) (Failures, error) {
	var f Failures
	if err := getJSON(t.b(bGuards), []byte("f/"+key), &f); err != nil && err != ErrNotFound {
		return f, err
	}
	return f, nil
}

func (t boltTx) PutFailures(key string, f Failures) error {
	return putJSON(t.b(bGuards), []byte("f/"+key), f)
}

func (t boltTx) TakeLease(key string, now, until time.Time) (bool, error) {
	k := []byte("l/" + key)
	if v := t.b(bGuards).Get(k); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > now.UnixNano() {
		return false, nil
	}
	return true, t.b(bGuards).Put(k, u64(uint64(until.UnixNano())))
}

func (t boltTx) DropLease(key string) error { return t.b(bGuards).Delete([]byte("l/" + key)) }
