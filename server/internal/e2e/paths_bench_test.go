package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// The live paths, one account with four devices on a real server on
// loopback (fsync on): each benchmark is the time from the request that
// causes it to the last socket having it. They run once in the test
// command (-benchtime 1x); docs/PERFORMANCE.md gives the figures of
// longer runs and the commands.

// benchAccount signs up an account with four devices, each with its
// socket open (protocol 3), and returns the sessions and sockets.
func benchAccount(b *testing.B, ts *testServer, email string) ([]session, []*websocket.Conn) {
	b.Helper()
	ss := []session{apiSignUp(b, ts, email, pw, "Bench Mark", "d0")}
	for i := 1; i < 4; i++ {
		ss = append(ss, benchSession(b, ts, ss[0].AccountID))
	}
	socks := make([]*websocket.Conn, len(ss))
	for i, s := range ss {
		ds, _ := dialProtocol(b, ts, s.Token, wire.ProtocolVersion, fmt.Sprint("bench-", i), 0)
		socks[i] = ds.ws
	}
	return ss, socks
}

// benchSession adds a session to the account straight in the store (a
// sign-in is argon2id-bound: hundreds of them would be the benchmark).
func benchSession(b *testing.B, ts *testServer, accountID string) session {
	b.Helper()
	raw := make([]byte, 32)
	rand.Read(raw)
	tok := hex.EncodeToString(raw)
	id := hex.EncodeToString(raw[:16])
	now := ts.clock.Now()
	err := ts.st.Update(context.Background(), func(tx store.Tx) error {
		return tx.PutSession(store.Session{ID: id, AccountID: accountID, TokenHash: auth.HashToken(tok),
			DeviceKind: "Desktop app", Device: "DialNexa desktop on Linux", Location: "Unknown", Created: now, LastActive: now})
	})
	if err != nil {
		b.Fatal(err)
	}
	return session{AccountID: accountID, SessionID: id, Token: tok}
}

// readUntil reads ws until a message of type T for which ok holds.
func readUntil[T any](b *testing.B, ws *websocket.Conn, ok func(T) bool) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			b.Fatalf("read: %v", err)
		}
		m, err := wire.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if v, is := m.(T); is && ok(v) {
			return
		}
	}
}

// BenchmarkPathRevocationCutOff: DELETE /v1/sessions/{id} sent → the
// revoked session's connection dropped (cut off before the commit). This
// is the window of whoever holds the session: until then they hear the
// account's changes.
func BenchmarkPathRevocationCutOff(b *testing.B) {
	benchRevocation(b, false)
}

// BenchmarkPathRevocation: DELETE /v1/sessions/{id} → answered (the
// revocation committed) and the revoked session's socket closed.
func BenchmarkPathRevocation(b *testing.B) {
	benchRevocation(b, true)
}

func benchRevocation(b *testing.B, untilAnswered bool) {
	ts := startServer(b)
	ss, _ := benchAccount(b, ts, "revoke-bench@example.com")
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		victim := benchSession(b, ts, ss[0].AccountID)
		ds, _ := dialProtocol(b, ts, victim.Token, wire.ProtocolVersion, "victim", 0)
		req, _ := http.NewRequest("DELETE", ts.url()+"/v1/sessions/"+victim.SessionID, nil)
		req.Header.Set("Authorization", "Bearer "+ss[0].Token)
		answered := make(chan error, 1)
		b.StartTimer()
		go func() {
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusNoContent {
					err = fmt.Errorf("answered %s", resp.Status)
				}
			}
			answered <- err
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		for {
			_, _, err := ds.ws.Read(ctx)
			if err == nil {
				continue // a view sent before the cut-off
			}
			if websocket.CloseStatus(err) != -1 {
				b.Fatalf("the revoked socket closed with %v, want it dropped", err)
			}
			break
		}
		cancel()
		if !untilAnswered {
			b.StopTimer()
		}
		if err := <-answered; err != nil {
			b.Fatalf("revoke: %v", err)
		}
		b.StartTimer()
	}
}

// BenchmarkPathEvent: a service's event (POST /internal/v1/events) → the
// view with its notification on all four sockets of the account.
func BenchmarkPathEvent(b *testing.B) {
	ts := startServer(b)
	_, socks := benchAccount(b, ts, "event-bench@example.com")
	b.ResetTimer()
	for range b.N {
		if a := event(b, ts, map[string]any{"type": "auto_recharge", "email": "event-bench@example.com", "amount": "50.00", "currency": "USD"}); a.status != http.StatusOK {
			b.Fatalf("event: %d %s", a.status, a.body)
		}
		for _, ws := range socks {
			readUntil(b, ws, func(*wire.View) bool { return true })
		}
	}
}

// BenchmarkPathEdit: one device's edit (a push) → the view on the
// account's three other devices (a patch).
func BenchmarkPathEdit(b *testing.B) {
	// One push after another, as fast as they are answered: more than the
	// per-socket message limit allows an app.
	ts := startServerTuned(b, "", func(c *node.Config) { c.MessageRate, c.MessageBurst = 1e6, 1e6 })
	_, socks := benchAccount(b, ts, "edit-bench@example.com")
	b.ResetTimer()
	for i := range b.N {
		name := fmt.Sprint("Edit ", i)
		send(b, socks[0], wire.Push{Mutations: []wire.Mutation{nameMutation(uint64(i+1), name)}})
		for _, ws := range socks[1:] {
			readUntil(b, ws, func(v *wire.View) bool { return v.Version > 0 })
		}
	}
}
