package store

import (
	"slices"
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

// lease is a held lease as bbolt keeps it.
type lease struct {
	Holder string    `json:"holder"`
	Until  time.Time `json:"until"`
}

func (t boltTx) TakeLease(key, holder string, now, until time.Time) (bool, error) {
	k := []byte("l/" + key)
	var l lease
	if err := getJSON(t.b(bGuards), k, &l); err == nil && l.Holder != holder && l.Until.After(now) {
		return false, nil
	} else if err != nil && err != ErrNotFound {
		return false, err
	}
	return true, putJSON(t.b(bGuards), k, lease{holder, until})
}

func (t boltTx) DropLease(key, holder string) error {
	k := []byte("l/" + key)
	var l lease
	if err := getJSON(t.b(bGuards), k, &l); err != nil || l.Holder != holder {
		return nil
	}
	return t.b(bGuards).Delete(k)
}

func (t boltTx) AddJob(j Job) (bool, error) {
	if t.b(bJobs).Get([]byte(j.ID)) != nil {
		return false, nil
	}
	return true, putJSON(t.b(bJobs), []byte(j.ID), j)
}

func (t boltTx) Job(id string) (Job, error) {
	var j Job
	return j, getJSON(t.b(bJobs), []byte(id), &j)
}

func (t boltTx) PutJob(j Job) error { return putJSON(t.b(bJobs), []byte(j.ID), j) }

func (t boltTx) PendingJobs(limit int) ([]Job, error) {
	var out []Job
	err := t.b(bJobs).ForEach(func(_, v []byte) error {
		var j Job
		if err := decodeRecord(v, &j); err != nil {
			return err
		}
		if j.Finished.IsZero() {
			out = append(out, j)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Job) int { return a.Created.Compare(b.Created) })
	return out[:min(len(out), limit)], err
}
