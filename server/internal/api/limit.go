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
func (l *limiter) allow(key string, r rate.Limit, b int) bool {
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
	return lim.AllowN(now, 1)
}

// wait is allow that says how long until key has room again: 0 when the
// event fits (and is counted), the time until it would otherwise.
func (l *limiter) wait(key string, r rate.Limit, b int) time.Duration {
	if l.allow(key, r, b) {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	res := l.m[key].ReserveN(now, 1)
	defer res.CancelAt(now)
	return res.DelayFrom(now)
}
