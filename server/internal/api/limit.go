package api

import (
	gosync "sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per key (a client address or an email),
// forgetting idle ones. It is safe for concurrent use.
type limiter struct {
	mu   gosync.Mutex
	now  func() time.Time
	m    map[string]*rate.Limiter
	last time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, m: map[string]*rate.Limiter{}}
}

// allow reports whether one more event for key fits r per second with burst b.
func (l *limiter) allow(key string, r rate.Limit, b int) bool { return l.wait(key, r, b) == 0 }

// wait counts one more event for key at r per second with burst b and
// returns 0 when it fits; otherwise it counts nothing and returns how long
// until it would.
func (l *limiter) wait(key string, r rate.Limit, b int) time.Duration {
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
