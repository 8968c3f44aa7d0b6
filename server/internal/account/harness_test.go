package account_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/device"
	"github.com/dialnexa/account/server/internal/store"
)

// clock is the fake clock the commands read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// published collects what the service hands its Applier, in order.
type published struct {
	mu  sync.Mutex
	fxs []account.Effects
}

func (p *published) Apply(fx *account.Effects) {
	p.mu.Lock()
	p.fxs = append(p.fxs, *fx)
	p.mu.Unlock()
}

// take returns what was published since the last take.
func (p *published) take() []account.Effects {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.fxs
	p.fxs = nil
	return out
}

// env is a service on a real bbolt store in a temp dir.
type env struct {
	t     testing.TB
	ctx   context.Context
	st    store.Store
	svc   *account.Service
	clock *clock
	fx    *published
}

// newEnv returns a fresh env; opts may change the service's Config.
func newEnv(t testing.TB, opts ...func(*account.Config)) *env {
	t.Helper()
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, ctx: context.Background(), st: st, clock: &clock{t: time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)}, fx: &published{}}
	cfg := account.Config{Store: st, Effects: e.fx, Now: e.clock.Now, Log: slog.New(slog.NewTextHandler(t.Output(), nil)), HashLimit: 2, PublicOrigin: "https://account.dialnexa.test"}
	for _, o := range opts {
		o(&cfg)
	}
	e.svc, err = account.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// origin is a client address; each test account signs up from its own.
var origin = account.Origin{IP: "198.51.100.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"}

const password = "Correct horse battery 42!"

// signUp creates an account and returns its first session.
func (e *env) signUp(email, name string) store.Session {
	e.t.Helper()
	ns, err := e.svc.SignUp(e.ctx, origin, account.SignUp{Email: email, Password: password, DisplayName: name, DeviceID: "device-" + name})
	if err != nil {
		e.t.Fatalf("sign up %s: %v", email, err)
	}
	return e.session(ns)
}

// signIn starts another session of the account from a device.
func (e *env) signIn(email, deviceID string) store.Session {
	e.t.Helper()
	ns, err := e.svc.SignIn(e.ctx, origin, account.SignIn{Email: email, Password: password, DeviceID: deviceID, Device: device.Info{Kind: "desktop", OS: "linux", Name: deviceID}})
	if err != nil {
		e.t.Fatalf("sign in %s: %v", email, err)
	}
	return e.session(ns)
}

func (e *env) session(ns account.NewSession) store.Session {
	e.t.Helper()
	ss, err := e.svc.Authenticate(e.ctx, ns.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	if ss.ID != ns.SessionID || ss.AccountID != ns.AccountID {
		e.t.Fatalf("token authenticates %+v, want session %s of %s", ss, ns.SessionID, ns.AccountID)
	}
	return ss
}

func (e *env) account(id string) store.Account {
	e.t.Helper()
	var a store.Account
	if err := e.st.View(e.ctx, func(tx store.Tx) (err error) { a, err = tx.Account(id); return }); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// mails returns the queued mails to an address.
func (e *env) mails(to string) []store.Mail {
	e.t.Helper()
	var out []store.Mail
	err := e.st.View(e.ctx, func(tx store.Tx) error {
		all, err := tx.DueMail(e.clock.Now().Add(time.Hour), 1000)
		for _, m := range all {
			if m.To == to {
				out = append(out, m)
			}
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// linkToken is the token in the link of the newest mail to an address.
func (e *env) linkToken(to string) string {
	e.t.Helper()
	ms := e.mails(to)
	if len(ms) == 0 {
		e.t.Fatalf("no mail to %s", to)
	}
	_, tok, ok := strings.Cut(ms[len(ms)-1].Link, "#token=")
	if !ok {
		e.t.Fatalf("the newest mail to %s has no link token: %q", to, ms[len(ms)-1].Link)
	}
	return tok
}

// refused checks err is a refusal of the kind and reason.
func refused(t testing.TB, err error, kind account.Kind, reason account.Reason) *account.Error {
	t.Helper()
	var e *account.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want a refusal of kind %d (reason %d)", err, kind, reason)
	}
	if e.Kind != kind || e.Reason != reason {
		t.Fatalf("got kind %d reason %d (%q), want kind %d reason %d", e.Kind, e.Reason, e.Message, kind, reason)
	}
	return e
}

// views is the set of accounts whose views the effects push.
func views(fxs []account.Effects) map[string]bool {
	out := map[string]bool{}
	for _, fx := range fxs {
		for _, id := range fx.Views {
			out[id] = true
		}
	}
	return out
}
