// Package ratelimit is token-bucket arithmetic for limits kept anywhere
// (the store keeps them, so every node counts the same).
package ratelimit

import (
	"math"
	"time"
)

// Take takes one token at now from a bucket that held tokens at time at,
// refilling at r tokens per second up to burst (a bucket never used is
// full: tokens = burst). It returns the tokens left after taking one and
// 0; or, when less than one token is there, the bucket's tokens unchanged
// and how long until one is.
func Take(tokens float64, at time.Time, r float64, burst int, now time.Time) (float64, time.Duration) {
	if elapsed := now.Sub(at); elapsed > 0 {
		tokens = math.Min(float64(burst), tokens+elapsed.Seconds()*r)
	}
	if tokens >= 1 {
		return tokens - 1, 0
	}
	if r <= 0 {
		return tokens, time.Duration(math.MaxInt64)
	}
	return tokens, time.Duration(math.Ceil((1 - tokens) / r * float64(time.Second)))
}
