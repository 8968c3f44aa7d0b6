package ratelimit

import (
	"testing"
	"time"
)

// A burst is allowed, the next event waits as long as the rate says and is
// not counted while refused, and tokens refill up to the burst only.
func TestTake(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	tokens, at := 3.0, t0 // a fresh bucket: full
	for i := range 3 {
		left, wait := Take(tokens, at, 1, 3, t0)
		if wait != 0 {
			t.Fatalf("event %d of a burst of 3 waits %v", i+1, wait)
		}
		tokens, at = left, t0
	}
	for range 2 {
		left, wait := Take(tokens, at, 1, 3, t0)
		if wait != time.Second || left != tokens {
			t.Fatalf("the fourth event: %v left, waits %v; want the bucket unchanged and 1s", left, wait)
		}
	}
	if _, wait := Take(tokens, at, 1, 3, t0.Add(time.Second)); wait != 0 {
		t.Fatalf("refused after the wait it was told: %v", wait)
	}
	if left, _ := Take(tokens, at, 1, 3, t0.Add(time.Hour)); left != 2 {
		t.Fatalf("after an idle hour, %v tokens left after one; want burst-1 = 2", left)
	}
	if _, wait := Take(0, t0, 3.0/3600, 3, t0); wait != 20*time.Minute {
		t.Fatalf("3 an hour: the wait for an empty bucket is %v, want 20m", wait)
	}
}
