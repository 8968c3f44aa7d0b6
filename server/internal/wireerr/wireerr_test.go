package wireerr

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/sync/wire"
)

// Every kind and reason of refusal has its code, and a reason's code wins
// over its kind's.
func TestEveryRefusalHasItsCode(t *testing.T) {
	for k := account.Invalid; k <= account.Busy; k++ {
		if _, ok := kinds[k]; !ok {
			t.Errorf("kind %d has no wire code", k)
		}
	}
	for r := account.BadCredentials; r <= account.Malformed; r++ {
		if _, ok := reasons[r]; !ok {
			t.Errorf("reason %d has no wire code", r)
		}
	}
	cases := []struct {
		e    account.Error
		want wire.Code
	}{
		{account.Error{Kind: account.Invalid}, wire.CodeInvalidArgument},
		{account.Error{Kind: account.Unauthenticated, Reason: account.BadCredentials}, wire.CodeBadCredentials},
		{account.Error{Kind: account.Unauthenticated, Reason: account.SessionEnded}, wire.CodeRevoked},
		{account.Error{Kind: account.Unauthenticated, Reason: account.SecondFactor}, wire.CodeSecondFactor},
		{account.Error{Kind: account.Forbidden, Reason: account.StepUpRequired}, wire.CodeStepUp},
		{account.Error{Kind: account.Invalid, Reason: account.Expired}, wire.CodeExpired},
		{account.Error{Kind: account.Throttled, Reason: account.SlowDown}, wire.CodeSlowDown},
		{account.Error{Kind: account.Invalid, Reason: account.Malformed}, wire.CodeBadMessage},
		{account.Error{Kind: account.Busy}, wire.CodeRateLimited},
	}
	for _, c := range cases {
		if got := Code(&c.e); got != c.want {
			t.Errorf("kind %d reason %d: code %s, want %s", c.e.Kind, c.e.Reason, got, c.want)
		}
	}
	w := Of(&account.Error{Kind: account.Throttled, Message: "Too many attempts; wait a minute and try again.", RetryAfter: 60})
	if w.Code != wire.CodeRateLimited || w.Name != "rate_limited" || w.Message != "Too many attempts; wait a minute and try again." || w.RetryAfterMs != 60000 {
		t.Errorf("throttled refusal on the wire: %+v", w)
	}
}

// The security alert the account service raises is the event the clients
// read: the same kind and, field for field, the same payload.
func TestSecurityAlertIsTheWireEvent(t *testing.T) {
	if account.EventSecurityAlert != wire.EventSecurityAlert {
		t.Fatalf("event kind %q, the wire says %q", account.EventSecurityAlert, wire.EventSecurityAlert)
	}
	sent := account.SecurityAlert{SessionID: "s1", Device: "Chrome on Windows", Location: "Lisbon", Address: "203.0.113.x", At: "2026-11-28T14:02:00Z"}
	b, err := json.Marshal(sent)
	if err != nil {
		t.Fatal(err)
	}
	var got wire.SecurityAlert
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("the wire does not read the alert %s: %v", b, err)
	}
	if got != (wire.SecurityAlert{SessionID: "s1", Device: "Chrome on Windows", Location: "Lisbon", Address: "203.0.113.x", At: "2026-11-28T14:02:00Z"}) {
		t.Errorf("read %+v from %s", got, b)
	}
}
