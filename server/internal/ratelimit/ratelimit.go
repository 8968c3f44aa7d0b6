// Package ratelimit keeps token buckets per key (a client address, an
// email address, an account) in memory, on an injected clock.
package ratelimit

import (
	gosync "sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed keeps one token bucket per key (a client address or an email),
// forgetting idle ones. It is safe for concurrent use.
type Keyed struct {
	mu   gosync.Mutex
	now  func() time.Time
	m    map[string]*rate.Limiter
	last time.Time
}

// New returns a Keyed limiter on the clock now.
func New(now func() time.Time) *Keyed {
	return &Keyed{now: now, m: map[string]*rate.Limiter{}}
}

// Allow reports whether one more event for key fits r per second with burst b.
func (l *Keyed) Allow(key string, r rate.Limit, b int) bool { return l.Wait(key, r, b) == 0 }

// Wait counts one more event for key at r per second with burst b and
// returns 0 when it fits; otherwise it counts nothing and returns how long
// until it would.
func (l *Keyed) Wait(key string, r rate.Limit, b int) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.last) > 10*time.Minute {
		// Idle buckets are full again: dropping them changes nothing.
		for k, lim := range l.m {
			if lim.TokensAt(now) >= float64(lim.Burst()) {
				delete(l.m, k)
			}
		}
		l.last = now
	}
	lim := l.m[key]
	if lim == nil {
		lim = rate.NewLimiter(r, b)
		l.m[key] = lim
	}
	res := lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}
