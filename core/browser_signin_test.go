package core

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dialnexa/account/sync/wire"
)

// The app polls a browser sign-in every 2 seconds while it waits, adds 5
// seconds for good when told to slow down (RFC 8628), waits a minute when
// its address polled too much, and stops on any other answer.
func TestNextBrowserPoll(t *testing.T) {
	const every = 2 * time.Second
	for _, tc := range []struct {
		err   error
		wait  time.Duration
		again bool
	}{
		{wire.Errorf(wire.CodeConflict, "waiting"), every, true},
		{fmt.Errorf("%w (connection refused)", ErrOffline), every, true},
		{wire.Errorf(wire.CodeSlowDown, "slow down"), every + 5*time.Second, true},
		{wire.Errorf(wire.CodeRateLimited, "too many"), time.Minute, true},
		{wire.Errorf(wire.CodeExpired, "start again"), 0, false},
		{wire.Errorf(wire.CodeBadCredentials, "denied"), 0, false},
		{errors.New("read server answer: bad JSON"), 0, false},
	} {
		wait, again := nextBrowserPoll(every, tc.err)
		if wait != tc.wait || again != tc.again {
			t.Errorf("after %v: wait %v, again %v; want %v, %v", tc.err, wait, again, tc.wait, tc.again)
		}
	}
	if wait, _ := nextBrowserPoll(7*time.Second, wire.Errorf(wire.CodeSlowDown, "slow down")); wait != 12*time.Second {
		t.Errorf("a second slow_down: wait %v, want 12s", wait)
	}
}
