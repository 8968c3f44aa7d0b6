package syncsrv_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/syncsrv"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// forward hands the committed effects to the sync server once it exists
// (the service is made first).
type forward struct {
	mu sync.Mutex
	s  *syncsrv.Server
}

func (f *forward) Apply(fx *account.Effects) {
	f.mu.Lock()
	s := f.s
	f.mu.Unlock()
	if s != nil {
		s.Apply(fx)
	}
}

const heartbeat = 45 * time.Second

// rig is the sync server over the account service on a real bbolt store,
// behind a loopback HTTP server that authenticates the bearer token as
// the API does, with the sockets' clock faked.
type rig struct {
	t     *testing.T
	svc   *account.Service
	srv   *syncsrv.Server
	http  *httptest.Server
	clock *clockwork.FakeClock
}

func newRig(t *testing.T, cfg syncsrv.Config) *rig {
	t.Helper()
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	fwd := &forward{}
	now := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	svc, err := account.New(account.Config{Store: st, Effects: fwd, Now: func() time.Time { return now }, Log: log, HashLimit: 2, PublicOrigin: "https://account.dialnexa.test"})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, svc: svc, clock: clockwork.NewFakeClock()}
	cfg.Accounts, cfg.Log, cfg.Clock, cfg.Heartbeat = svc, log, r.clock, heartbeat
	r.srv = syncsrv.New(cfg)
	fwd.mu.Lock()
	fwd.s = r.srv
	fwd.mu.Unlock()
	r.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mark := r.srv.Mark()
		ss, err := svc.Authenticate(req.Context(), strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer "))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		r.srv.ServeSocket(w, req, ss, mark)
	}))
	t.Cleanup(func() { r.srv.Close(); r.http.Close() })
	return r
}

// signUp returns a new account's session and token.
func (r *rig) signUp(email, device string) (store.Session, string) {
	r.t.Helper()
	ns, err := r.svc.SignUp(context.Background(), account.Origin{IP: "198.51.100.7", UserAgent: "test"}, account.SignUp{Email: email, Password: "Correct horse battery 42!", DisplayName: "Ada", DeviceID: device})
	if err != nil {
		r.t.Fatal(err)
	}
	ss, err := r.svc.Authenticate(context.Background(), ns.Token)
	if err != nil {
		r.t.Fatal(err)
	}
	return ss, ns.Token
}

func (r *rig) dial(token string) *transport.Conn {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := transport.DialSync(ctx, "ws"+strings.TrimPrefix(r.http.URL, "http")+"/v1/sync", token)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { c.CloseNow() })
	return c
}

// welcomed dials with token and says hello: a socket past its welcome.
func (r *rig) welcomed(token string) *transport.Conn {
	r.t.Helper()
	conn := r.dial(token)
	send(r.t, conn, hello())
	expect[*wire.Welcome](r.t, conn)
	return conn
}

func recv(t *testing.T, c *transport.Conn) (any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.Recv(ctx)
}

func send(t *testing.T, c *transport.Conn, msg any) {
	t.Helper()
	if err := c.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
}

// expect reads the next message and checks its type.
func expect[T any](t *testing.T, c *transport.Conn) T {
	t.Helper()
	msg, err := recv(t, c)
	if err != nil {
		t.Fatalf("want %T, got %v", *new(T), err)
	}
	m, ok := msg.(T)
	if !ok {
		t.Fatalf("want %T, got %#v", *new(T), msg)
	}
	return m
}

func hello() *wire.Hello {
	return &wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: "client-1", SchemaVersion: wire.SchemaVersion}
}

// A hello the server cannot serve is refused with the code that says
// what to do and the close status that says whether to retry.
func TestHelloVariants(t *testing.T) {
	r := newRig(t, syncsrv.Config{MinProtocolVersion: wire.ProtocolVersion})
	_, tok := r.signUp("ada@example.com", "d1")
	old := hello()
	old.ProtocolVersion = wire.ProtocolVersion - 1
	future := hello()
	future.ProtocolVersion = wire.ProtocolVersion + 1
	schema := hello()
	schema.SchemaVersion = wire.SchemaVersion + 1
	noID := hello()
	noID.ClientID = ""
	for _, c := range []struct {
		name   string
		first  any
		code   wire.Code
		status int
	}{
		{"not a hello first", &wire.Ping{}, wire.CodeBadMessage, 1002},
		{"a protocol too old", old, wire.CodeUpdateRequired, 1008},
		{"a protocol from the future", future, wire.CodeBadMessage, 1002},
		{"another cache schema", schema, wire.CodeSchemaMismatch, 1008},
		{"no client id", noID, wire.CodeBadMessage, 1002},
	} {
		conn := r.dial(tok)
		send(t, conn, c.first)
		if e := expect[*wire.Error](t, conn); e.Code != c.code || e.Message == "" {
			t.Errorf("%s: %+v, want %s", c.name, e, c.code)
		}
		if _, err := recv(t, conn); transport.CloseStatus(err) != c.status {
			t.Errorf("%s: closed with %d (%v), want %d", c.name, transport.CloseStatus(err), err, c.status)
		}
	}
	// A good hello gets the whole view; one that holds the current
	// version is told so without it.
	conn := r.dial(tok)
	send(t, conn, hello())
	w := expect[*wire.Welcome](t, conn)
	if w.View == nil || w.Version == 0 {
		t.Fatalf("first welcome: %+v", w)
	}
	conn.CloseNow()
	again := hello()
	again.Version, again.ViewHash = w.Version, wire.ViewHash(w.View)
	conn = r.dial(tok)
	send(t, conn, again)
	if w2 := expect[*wire.Welcome](t, conn); w2.View != nil || w2.Patch != nil || w2.Version != w.Version {
		t.Errorf("a current client was sent %+v", w2)
	}
}

func rename(id uint64, name string) wire.Mutation {
	args, _ := json.Marshal(model.SetDisplayName{DisplayName: name})
	return wire.Mutation{ID: id, Name: model.MutSetDisplayName, Args: args}
}

// Pushes apply in order: a refused change is answered in its result, a
// gap stops the push where the server stands, a replay is acknowledged
// without applying it again, and the new view follows its ack.
func TestPushesApplyInOrder(t *testing.T) {
	r := newRig(t, syncsrv.Config{})
	_, tok := r.signUp("ada@example.com", "d1")
	conn := r.welcomed(tok)

	send(t, conn, &wire.Push{Mutations: []wire.Mutation{rename(1, "Ada Lovelace"), rename(2, "x"), rename(4, "Gap")}})
	ack := expect[*wire.PushAck](t, conn)
	if ack.LastMutationID != 2 || len(ack.Results) != 2 || ack.Results[0].Error != nil || ack.Results[1].Error == nil || ack.Results[1].Error.Code != wire.CodeInvalidArgument {
		t.Fatalf("ack %+v", ack)
	}
	v := expect[*wire.View](t, conn)
	if v.Version != ack.Version {
		t.Errorf("view %d after ack of version %d", v.Version, ack.Version)
	}
	send(t, conn, &wire.Push{Mutations: []wire.Mutation{rename(2, "x"), rename(3, "Ada King")}})
	if ack := expect[*wire.PushAck](t, conn); ack.LastMutationID != 3 || len(ack.Results) != 2 || ack.Results[0].Error != nil {
		t.Fatalf("replay and next: %+v", ack)
	}
	expect[*wire.View](t, conn)
	send(t, conn, &wire.Push{Mutations: []wire.Mutation{rename(5, "a"), rename(4, "b")}})
	if e := expect[*wire.Error](t, conn); e.Code != wire.CodeBadMessage {
		t.Errorf("out of order: %+v", e)
	}
	many := make([]wire.Mutation, wire.MaxMutationsPerPush+1)
	for i := range many {
		many[i] = rename(uint64(10+i), "Ada")
	}
	send(t, conn, &wire.Push{Mutations: many})
	if e := expect[*wire.Error](t, conn); e.Code != wire.CodeTooLarge {
		t.Errorf("too many: %+v", e)
	}
}

// A revoked session is told why and closed with the revocation status.
func TestRevocationClosesTheSocket(t *testing.T) {
	r := newRig(t, syncsrv.Config{})
	ss, tok := r.signUp("ada@example.com", "d1")
	conn := r.welcomed(tok)
	if err := r.svc.SignOut(context.Background(), ss); err != nil {
		t.Fatal(err)
	}
	for {
		msg, err := recv(t, conn)
		if err != nil {
			if transport.CloseStatus(err) != wire.CloseRevoked {
				t.Fatalf("closed with %d (%v), want %d", transport.CloseStatus(err), err, wire.CloseRevoked)
			}
			return
		}
		if rv, ok := msg.(*wire.Revoked); ok && rv.Reason == "" {
			t.Error("revoked without a reason")
		}
	}
}

// A ping is answered; a socket silent for the heartbeat period is closed
// (on the sockets' clock, moved here by hand).
func TestHeartbeats(t *testing.T) {
	r := newRig(t, syncsrv.Config{})
	_, tok := r.signUp("ada@example.com", "d1")
	conn := r.welcomed(tok)
	send(t, conn, &wire.Ping{})
	expect[*wire.Pong](t, conn)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.clock.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal("the socket's silence timer was not set:", err)
	}
	r.clock.Advance(heartbeat - time.Second)
	send(t, conn, &wire.Ping{})
	expect[*wire.Pong](t, conn) // still open: the ping moved the timer on
	r.clock.Advance(heartbeat)
	if _, err := recv(t, conn); err == nil {
		t.Fatal("a socket silent for the heartbeat period stayed open")
	}
}
