package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/sync/wire"
)

// TestServerCrashKeepsAcknowledgedWrites kills the server with SIGKILL at
// random moments while clients sign up (HTTP 201 is the acknowledgement)
// and push changes (pushAck is). After each kill the store must pass its
// consistency check and hold every acknowledged write. The seed is logged.
func TestServerCrashKeepsAcknowledgedWrites(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bin := builtServer(t)
	stArgs := storeArgs(t, t.TempDir())
	var (
		mu      sync.Mutex
		emails  []string
		lastAck = map[string]uint64{} // client id → last acknowledged mutation
		owner   = map[string]string{} // client id → account id
	)
	for round := range 3 {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		// The pushing client sends one push per acknowledgement: room for
		// all of them.
		cmd := exec.Command(bin, append([]string{"-addr", addr, "-panel", "", "-message-rate", "10000", "-message-burst", "10000"}, stArgs...)...)
		cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN=crash-test-token-0123456789abcdef")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "server up", func() bool {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
			}
			return err == nil
		})
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() { // sign-ups
				pushing := false
				for i := 0; ctx.Err() == nil; i++ {
					email := fmt.Sprintf("crash-%d-%d-%d@example.com", round, w, i)
					body := fmt.Sprintf(`{"email":%q,"password":"violet kettle 42?","displayName":"Crash Test","bearer":true}`, email)
					resp, err := http.Post("http://"+addr+"/v1/signup", "application/json", strings.NewReader(body))
					if err != nil {
						return
					}
					var out struct{ AccountID, Token string }
					json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						continue
					}
					mu.Lock()
					emails = append(emails, email)
					mu.Unlock()
					if w == 0 && !pushing {
						// The round's first account also pushes changes.
						pushing = true
						wg.Go(func() {
							pushUntilKilled(ctx, addr, out.Token, out.AccountID, fmt.Sprintf("crash-client-%d", round), &mu, lastAck, owner)
						})
					}
				}
			})
		}
		// Killed at a random point of the load: after a random number of
		// writes acknowledged (sign-ups and pushes; sign-ups are limited
		// per address, pushes are not).
		acknowledged := func() int {
			mu.Lock()
			defer mu.Unlock()
			n := len(emails)
			for _, id := range lastAck {
				n += int(id)
			}
			return n
		}
		target := acknowledged() + 5 + rng.IntN(200)
		waitFor(t, fmt.Sprintf("%d acknowledged writes", target), func() bool { return acknowledged() >= target })
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		stop()
		wg.Wait()

		st := reopenStore(t, stArgs)
		if b, ok := st.(*store.Bolt); ok {
			if err := b.Check(); err != nil {
				t.Errorf("round %d: consistency check: %v", round, err)
			}
		}
		mu.Lock()
		st.View(t.Context(), func(tx store.Tx) error {
			for _, e := range emails {
				if _, err := tx.AccountByEmail(e); err != nil {
					t.Errorf("round %d: acknowledged sign-up %s lost", round, e)
				}
			}
			for client, ack := range lastAck {
				got, _ := tx.LastMutationID(owner[client], client)
				if got < ack {
					t.Errorf("round %d: client %s had mutation %d acknowledged, store has %d", round, client, ack, got)
				}
			}
			return nil
		})
		signUps, clients := len(emails), len(lastAck)
		mu.Unlock()
		t.Logf("round %d: %d writes acknowledged so far (%d sign-ups, the rest pushes of %d clients), all present", round, acknowledged(), signUps, clients)
		st.Close()
	}
	if len(emails) == 0 {
		t.Fatal("no write was acknowledged before the kills: the test proved nothing")
	}
}

// pushUntilKilled pushes display-name changes one after another, recording
// each acknowledged mutation id.
func pushUntilKilled(ctx context.Context, addr, token, accountID, client string, mu *sync.Mutex, lastAck map[string]uint64, owner map[string]string) {
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		return
	}
	defer ws.CloseNow()
	write := func(m any) error {
		b, _ := wire.Encode(m)
		return ws.Write(ctx, websocket.MessageText, b)
	}
	if write(wire.Hello{ClientID: client, SchemaVersion: wire.SchemaVersion}) != nil {
		return
	}
	mu.Lock()
	owner[client] = accountID
	mu.Unlock()
	for id := uint64(1); ; id++ {
		args, _ := json.Marshal(map[string]string{"displayName": fmt.Sprintf("Name %d", id)})
		if write(wire.Push{Mutations: []wire.Mutation{{ID: id, Name: "setDisplayName", Args: args}}}) != nil {
			return
		}
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				return
			}
			if m, _ := wire.Decode(b); m != nil {
				if ack, ok := m.(*wire.PushAck); ok {
					mu.Lock()
					lastAck[client] = ack.LastMutationID
					mu.Unlock()
					break
				}
			}
		}
	}
}
