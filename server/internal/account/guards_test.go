package account_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/account"
)

// Two services on one store, as two nodes are: what protects accounts is
// counted once for both, so rotating between nodes gains nothing.
func TestProtectionSharedAcrossNodes(t *testing.T) {
	e := newEnv(t)
	other, err := account.New(account.Config{Store: e.st, Now: e.clock.Now, Log: slog.New(slog.NewTextHandler(t.Output(), nil)), HashLimit: 2, PublicOrigin: "https://account.dialnexa.test"})
	if err != nil {
		t.Fatal(err)
	}
	nodes := []*account.Service{e.svc, other}
	e.signUp("ada@example.com", "Ada")

	// Failed sign-ins, an account's and an unknown address's, alternating
	// between the nodes: the sixth must wait on either.
	for _, email := range []string{"ada@example.com", "nobody@example.com"} {
		for i := range 5 {
			e.clock.Advance(10 * time.Second)
			_, err := nodes[i%2].SignIn(e.ctx, origin, account.SignIn{Email: email, Password: "wrong password 1!"})
			refused(t, err, account.Unauthenticated, account.BadCredentials)
		}
		for _, n := range nodes {
			_, err := n.SignIn(e.ctx, origin, account.SignIn{Email: email, Password: "wrong password 1!"})
			refused(t, err, account.Throttled, account.NoReason)
		}
	}

	// Reset links: three an hour per address, whichever node is asked.
	for i := range 3 {
		if err := nodes[i%2].ForgotPassword(e.ctx, account.Origin{IP: "203.0.113.9"}, "ada@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range nodes {
		err := n.ForgotPassword(e.ctx, account.Origin{IP: "203.0.113.10"}, "ada@example.com")
		if r := refused(t, err, account.Throttled, account.NoReason); r.RetryAfter != 3600 {
			t.Errorf("retry after %d s, want 3600", r.RetryAfter)
		}
	}
	e.clock.Advance(20 * time.Minute)
	if err := other.ForgotPassword(e.ctx, origin, "ada@example.com"); err != nil {
		t.Fatalf("after 20 minutes (3 an hour): %v", err)
	}
}
