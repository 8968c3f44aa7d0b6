package ratelimit

import (
	"testing"
	"time"
)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// A burst is allowed, the next event waits as long as the rate says and is
// not counted while refused, keys are independent, and a bucket forgotten
// after a long idle spell starts full.
func TestKeyed(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
	l := New(c.Now)
	for i := range 3 {
		if !l.Allow("a", 1, 3) {
			t.Fatalf("event %d of a burst of 3 refused", i+1)
		}
	}
	if d := l.Wait("a", 1, 3); d != time.Second {
		t.Fatalf("the fourth event waits %v, want 1s", d)
	}
	if d := l.Wait("a", 1, 3); d != time.Second {
		t.Fatalf("a refused event was counted: the next waits %v", d)
	}
	if !l.Allow("b", 1, 3) {
		t.Fatal("another key shares the bucket")
	}
	c.now = c.now.Add(time.Second)
	if !l.Allow("a", 1, 3) {
		t.Fatal("refused after the wait it was told")
	}
	c.now = c.now.Add(time.Hour)
	l.Allow("c", 1, 3) // sweeps idle buckets
	if len(l.m) != 1 {
		t.Errorf("%d buckets after an idle hour, want only the new one", len(l.m))
	}
	for i := range 3 {
		if !l.Allow("a", 1, 3) {
			t.Fatalf("after the idle hour, event %d of a burst refused", i+1)
		}
	}
}
