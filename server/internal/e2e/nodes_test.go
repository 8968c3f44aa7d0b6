package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/sync/wire"
)

// Three server processes on one PostgreSQL database, one device of the
// same account connected to each: what is done through one node (an edit,
// a revocation, a password reset, a deletion) reaches the sockets of the
// others at once, announced on the database's bus.
func TestThreeNodes(t *testing.T) {
	t.Parallel()
	nodes := startNodes(t, 3)
	a, b, c := nodes[0], nodes[1], nodes[2]
	device := func(n *procServer) *testClient {
		return openClientAt(t, "http://"+n.addr, filepath.Join(t.TempDir(), "client.db"))
	}
	onA, onB, onC := device(a), device(b), device(c)
	signUp(t, onA, "marie@example.com", "Marie")
	signIn(t, onB, "marie@example.com")
	signIn(t, onC, "marie@example.com")
	for _, d := range []*testClient{onA, onB, onC} {
		d.run()
	}
	waitFor(t, "the three devices online", func() bool { return online(onA)() && online(onB)() && online(onC)() })

	// An edit through node A reaches the device on node C.
	if err := onA.SetDisplayName("Marie Curie"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the device on node C to show the new name", func() bool {
		s := onC.Snapshot()
		return s.View.Profile.DisplayName == "Marie Curie" && s.Pending == 0
	})

	// A revocation through node B closes the socket on node A.
	if err := onB.RevokeSession(context.Background(), onA.Snapshot().SessionID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the device on node A to be signed out", func() bool { return onA.Snapshot().Conn == core.SignedOut })
	waitFor(t, "the device on node B to list the two sessions left", func() bool { return len(onB.Snapshot().View.Sessions) == 2 })

	// A password reset through node C signs out the devices on every node.
	onA2 := device(a)
	signIn(t, onA2, "marie@example.com")
	onA2.run()
	waitFor(t, "the new device on node A online", online(onA2))

	// SECURITY: a socket upgraded on node A whose session is revoked
	// through node B before its hello. Node A hears of the revocation
	// first (the account's other device there sees the session list
	// shrink; a revocation is applied before the view it changes), and
	// the socket, whose session node A does not read again, gets no
	// welcome.
	var late session
	if err := postTo(c, "/v1/signin", map[string]any{"email": "marie@example.com", "password": goodPassword, "bearer": true, "deviceId": "late-box"}, http.StatusOK, "", &late); err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.Dial(context.Background(), "ws://"+a.addr+"/v1/sync", &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + late.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	waitFor(t, "the device on node A to list the late session", func() bool { return hasSession(onA2, late.SessionID) })
	if err := onB.RevokeSession(context.Background(), late.SessionID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "node A to hear of the revocation", func() bool { return !hasSession(onA2, late.SessionID) })
	send(t, ws, wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: "late", SchemaVersion: wire.SchemaVersion})
	if msgs, status := readUntilClose(t, ws); status != wire.CloseRevoked || len(msgs) != 1 {
		t.Fatalf("a socket revoked on another node before its hello got %#v and close %d, want only the revocation and close %d", msgs, status, wire.CloseRevoked)
	} else if r, ok := msgs[0].(*wire.Revoked); !ok || r.Reason == "" {
		t.Fatalf("got %#v, want the revocation with its reason", msgs[0])
	}
	if err := postTo(c, "/v1/password/forgot", map[string]string{"email": "marie@example.com"}, http.StatusAccepted, "", nil); err != nil {
		t.Fatal(err)
	}
	var token string
	waitFor(t, "the reset mail, sent by one of the nodes", func() bool { token = mailedToken(nodes[:], "Reset your DialNexa password"); return token != "" })
	if err := postTo(c, "/v1/password/reset", map[string]string{"token": token, "newPassword": "a newer password 9?"}, http.StatusOK, "", nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the devices on nodes A, B and C to be signed out", func() bool {
		return onA2.Snapshot().Conn == core.SignedOut && onB.Snapshot().Conn == core.SignedOut && onC.Snapshot().Conn == core.SignedOut
	})

	// An account deleted through node B: its devices on nodes A and C are
	// signed out at once.
	onA3, onC3 := device(a), device(c)
	signUp(t, onA3, "pierre@example.com", "Pierre")
	signIn(t, onC3, "pierre@example.com")
	onA3.run()
	onC3.run()
	waitFor(t, "Pierre's devices online", func() bool { return online(onA3)() && online(onC3)() })
	var signedIn struct{ Token string }
	if err := postTo(b, "/v1/signin", map[string]any{"email": "pierre@example.com", "password": goodPassword, "bearer": true}, http.StatusOK, "", &signedIn); err != nil {
		t.Fatal(err)
	}
	if err := postTo(b, "/v1/account/delete", map[string]string{"email": "pierre@example.com", "password": goodPassword}, http.StatusNoContent, signedIn.Token, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "Pierre's devices on nodes A and C to be signed out", func() bool {
		return onA3.Snapshot().Conn == core.SignedOut && onC3.Snapshot().Conn == core.SignedOut
	})

	// Every node runs a mail worker; each mail goes out once.
	sent := func() (files map[string][]string, resets int) {
		files = map[string][]string{}
		for _, n := range nodes {
			names, _ := filepath.Glob(filepath.Join(n.dir, "mail", "*.eml"))
			for _, name := range names {
				files[filepath.Base(name)] = append(files[filepath.Base(name)], n.addr)
				if b, err := os.ReadFile(name); err == nil && strings.Contains(string(b), "Subject: Your DialNexa password was reset") {
					resets++
				}
			}
		}
		return files, resets
	}
	waitFor(t, "the password-was-reset mail", func() bool { _, n := sent(); return n > 0 })
	files, resets := sent()
	if resets != 1 || len(files) < 5 {
		t.Errorf("%d password-was-reset mails among %d, want 1 among at least 5 (3 new devices, the reset link, the reset)", resets, len(files))
	}
	for name, by := range files {
		if len(by) > 1 {
			t.Errorf("mail %s sent by %d nodes: %v", name, len(by), by)
		}
	}
}

// postTo sends a JSON request to a node (with a bearer token if one is
// given), checks the status and decodes the answer into out if not nil.
func postTo(n *procServer, path string, body any, want int, token string, out any) error {
	return postURL("http://"+n.addr+path, body, want, token, out)
}

// postURL is postTo for any address.
func postURL(u string, body any, want int, token string, out any) error {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("POST %s: %d %s, want %d", u, resp.StatusCode, data, want)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

var tokenRE = regexp.MustCompile(`#token=([A-Za-z0-9_-]+)`)

// mailedToken returns the link token of the mail with the subject that
// one of the nodes wrote, or "" while there is none.
func mailedToken(nodes []*procServer, subject string) string {
	for _, n := range nodes {
		names, _ := filepath.Glob(filepath.Join(n.dir, "mail", "*.eml"))
		for _, name := range names {
			f, err := os.Open(name)
			if err != nil {
				continue
			}
			m, err := mail.ReadMessage(f)
			if err == nil && strings.Contains(m.Header.Get("Subject"), subject) {
				body, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
				if t := tokenRE.FindSubmatch(body); t != nil {
					f.Close()
					return string(t[1])
				}
			}
			f.Close()
		}
	}
	return ""
}

// startNodes starts n server processes on one new PostgreSQL database.
func startNodes(t *testing.T, n int) []*procServer {
	t.Helper()
	bin := builtServer(t)
	url := clusterFor(t).NewDatabase(t)
	nodes := make([]*procServer, n)
	for i := range nodes {
		dir := filepath.Join(t.TempDir(), "node")
		nodes[i] = &procServer{bin: bin, dir: dir, token: "nodes-service-token-0123456789abcdef", addr: freeAddr(t),
			storeArgs: []string{"-data", dir, "-store", url}}
		if err := nodes[i].start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nodes[i].stop(syscall.SIGTERM) })
	}
	return nodes
}

// balancer is a load balancer in front of nodes: each request goes to the
// next node in turn that it has not been told is down, as a balancer with
// health checks does; websockets take turns of their own, so that however
// the clients' requests interleave, n sockets spread over the nodes.
type balancer struct {
	nodes            []*procServer
	mu               sync.Mutex
	down             map[*procServer]bool
	next, nextSocket int
}

func (lb *balancer) pick(socket bool) *procServer {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	next := &lb.next
	if socket {
		next = &lb.nextSocket
	}
	for range lb.nodes {
		n := lb.nodes[*next%len(lb.nodes)]
		*next++
		if !lb.down[n] {
			return n
		}
	}
	return lb.nodes[0]
}

func (lb *balancer) markDown(n *procServer) {
	lb.mu.Lock()
	lb.down[n] = true
	lb.mu.Unlock()
}

func startBalancer(t *testing.T, nodes []*procServer) (*balancer, string) {
	lb := &balancer{nodes: nodes, down: map[*procServer]bool{}}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			socket := strings.EqualFold(pr.In.Header.Get("Upgrade"), "websocket")
			pr.SetURL(&url.URL{Scheme: "http", Host: lb.pick(socket).addr})
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return lb, srv.URL
}

// connections is how many sockets a node serves.
func connections(n *procServer) int {
	resp, err := http.Get("http://" + n.addr + "/healthz")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var h struct{ Connections int }
	json.NewDecoder(resp.Body).Decode(&h)
	return h.Connections
}

// A node killed (SIGKILL) while its clients are editing: they reconnect
// through the balancer to the other nodes, and every edit made arrives.
func TestNodeKilledWhileBusy(t *testing.T) {
	nodes := startNodes(t, 3)
	lb, lbURL := startBalancer(t, nodes)
	const edits = 30
	var clients []*testClient
	for i := range 4 {
		c := openClientAt(t, lbURL, filepath.Join(t.TempDir(), "client.db"))
		signUp(t, c, fmt.Sprintf("busy%d@example.com", i), fmt.Sprintf("Busy %d", i))
		c.run()
		clients = append(clients, c)
	}
	victim := nodes[0]
	waitFor(t, "clients online, one on each node", func() bool {
		for _, c := range clients {
			if !online(c)() {
				return false
			}
		}
		return connections(nodes[0]) >= 1 && connections(nodes[1]) >= 1 && connections(nodes[2]) >= 1
	})
	onVictim := connections(victim)

	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			for e := 1; e <= edits; e++ {
				if err := c.SetDisplayName(fmt.Sprintf("Busy %d edit %d", i, e)); err != nil {
					t.Errorf("client %d edit %d: %v", i, e, err)
					return
				}
				if e == edits/2 && i == 0 {
					lb.markDown(victim)
					victim.stop(syscall.SIGKILL)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	if victim.cmd != nil {
		t.Fatal("the node was not killed")
	}
	for i, c := range clients {
		want := fmt.Sprintf("Busy %d edit %d", i, edits)
		waitFor(t, fmt.Sprintf("client %d's edits all acknowledged", i), func() bool {
			s := c.Snapshot()
			return s.Conn == core.Online && s.Pending == 0 && s.View.Profile.DisplayName == want
		})
		// What the other nodes serve from the database, read directly.
		v, err := nodes[1+i%2].view(tokenOf(t, c))
		if err != nil || v.Profile.DisplayName != want {
			t.Errorf("client %d: the database holds %q (%v), want %q", i, v.Profile.DisplayName, err, want)
		}
	}
	if got := connections(nodes[1]) + connections(nodes[2]); got < len(clients) {
		t.Errorf("%d sockets on the surviving nodes, want all %d clients (%d were on the killed node)", got, len(clients), onVictim)
	}
}
