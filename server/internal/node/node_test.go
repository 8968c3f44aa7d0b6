package node

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime/trace"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/bus"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The other nodes hear of every effect once: an account's view once
// however often the command touched it.
func TestEnvelopes(t *testing.T) {
	fx := &account.Effects{
		Accounts: []account.Revocation{{ID: "acc-1", Reason: "deleted"}},
		Sessions: []account.Revocation{{ID: "s1", Reason: "signed out"}},
		Views:    []string{"acc-2", "acc-3", "acc-2"},
		Mail:     true,
	}
	got := envelopes(fx)
	want := []bus.Envelope{
		{Kind: bus.EndAccount, ID: "acc-1", Reason: "deleted"},
		{Kind: bus.EndSession, ID: "s1", Reason: "signed out"},
		{Kind: bus.View, ID: "acc-2"}, {Kind: bus.View, ID: "acc-3"},
		{Kind: bus.Mail},
	}
	if len(got) != len(want) {
		t.Fatalf("envelopes %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("envelope %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// newNode is a node on a real bbolt store in a temp dir; the test closes
// it (and its store after it).
func newNode(t *testing.T) *Server {
	t.Helper()
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	n, err := New(Config{Store: st, PublicOrigin: "http://127.0.0.1", HashLimit: 2, MailPoll: time.Hour, JobPoll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A node wires the domain to its adapters: a session signed in over HTTP
// opens a socket, and signing it out over HTTP closes that socket with the
// revocation status; the node's work ends with its context.
func TestNodeWiresCommandsToSockets(t *testing.T) {
	n := newNode(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { n.Run(ctx); close(done) }()
	srv := httptest.NewServer(n.Handler())
	defer func() {
		cancel()
		<-done
		n.Close()
		srv.Close()
	}()

	body, _ := json.Marshal(map[string]any{"email": "ada@example.com", "password": "Correct horse battery 42!", "displayName": "Ada", "deviceId": "d1", "bearer": true})
	resp, err := http.Post(srv.URL+"/v1/signup", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var ns struct{ Token string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &ns) != nil || ns.Token == "" {
		t.Fatalf("sign up: %d %s", resp.StatusCode, b)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer dcancel()
	conn, _, err := transport.DialSync(dctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/sync", ns.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	if err := conn.Send(dctx, &wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: "c1", SchemaVersion: wire.SchemaVersion}); err != nil {
		t.Fatal(err)
	}
	if msg, err := conn.Recv(dctx); err != nil {
		t.Fatal(err)
	} else if _, ok := msg.(*wire.Welcome); !ok {
		t.Fatalf("first message %#v", msg)
	}

	req, _ := http.NewRequest("POST", srv.URL+"/v1/signout", nil)
	req.Header.Set("Authorization", "Bearer "+ns.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	// Signing out ends the session: its socket is cut off first (the
	// connection dropped before the commit), and the token is refused.
	for {
		_, err := conn.Recv(dctx)
		if err != nil {
			if transport.CloseStatus(err) != -1 {
				t.Fatalf("socket closed with %d (%v), want the connection dropped", transport.CloseStatus(err), err)
			}
			break
		}
	}
	if c, status, err := transport.DialSync(dctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/sync", ns.Token); err == nil || status != http.StatusUnauthorized {
		if c != nil {
			c.CloseNow()
		}
		t.Fatalf("reconnecting after the sign-out: %d, %v; want 401", status, err)
	}
	http.DefaultClient.CloseIdleConnections()
}

// With a flight recorder, the operators' listener gives the execution
// trace of the last seconds; without one, there is no such page.
func TestFlightRecorderOnTheAdminListener(t *testing.T) {
	n := newNode(t)
	defer n.Close()
	rec := httptest.NewRecorder()
	n.AdminHandler(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/debug/flightrecorder", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("without a recorder: %d", rec.Code)
	}
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Second})
	if err := fr.Start(); err != nil {
		t.Fatal(err)
	}
	defer fr.Stop()
	rec = httptest.NewRecorder()
	n.AdminHandler(fr).ServeHTTP(rec, httptest.NewRequest("GET", "/debug/flightrecorder", nil))
	if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("go 1.")) {
		t.Errorf("with a recorder: %d, %q…", rec.Code, rec.Body.Bytes()[:min(16, rec.Body.Len())])
	}
}
