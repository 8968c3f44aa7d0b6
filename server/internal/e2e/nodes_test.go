package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dialnexa/account/core"
)

// Three server processes on one PostgreSQL database, one device of the
// same account connected to each: what is done through one node reaches
// the sockets of the others at once, announced on the database's bus.
func TestThreeNodes(t *testing.T) {
	bin := builtServer(t)
	url := clusterFor(t).NewDatabase(t)
	var nodes [3]*procServer
	for i := range nodes {
		dir := filepath.Join(t.TempDir(), "node")
		nodes[i] = &procServer{bin: bin, dir: dir, token: "nodes-service-token-0123456789abcdef", addr: freeAddr(t),
			storeArgs: []string{"-data", dir, "-store", url}}
		if err := nodes[i].start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { nodes[i].stop(syscall.SIGTERM) })
	}
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
	if n := onB.Snapshot().View.Sessions; len(n) != 2 {
		t.Errorf("the device on node B lists %d sessions, want 2", len(n))
	}

	// A password change through node C that signs out the other devices
	// closes the sockets on nodes A and B.
	onA2 := device(a)
	signIn(t, onA2, "marie@example.com")
	onA2.run()
	waitFor(t, "the new device on node A online", online(onA2))
	if err := onC.ChangePassword(context.Background(), goodPassword, "a new password 8?", true); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the devices on nodes A and B to be signed out", func() bool {
		return onA2.Snapshot().Conn == core.SignedOut && onB.Snapshot().Conn == core.SignedOut
	})
	waitFor(t, "the device on node C to list its own session only", func() bool {
		s := onC.Snapshot()
		return s.Conn == core.Online && len(s.View.Sessions) == 1
	})

	// Every node runs a mail worker; each mail goes out once.
	sent := func() (files map[string][]string, changed int) {
		files = map[string][]string{}
		for _, n := range nodes {
			names, _ := filepath.Glob(filepath.Join(n.dir, "mail", "*.eml"))
			for _, name := range names {
				files[filepath.Base(name)] = append(files[filepath.Base(name)], n.addr)
				if b, err := os.ReadFile(name); err == nil && strings.Contains(string(b), "Subject: Your DialNexa password was changed") {
					changed++
				}
			}
		}
		return files, changed
	}
	waitFor(t, "the password-changed mail", func() bool { _, n := sent(); return n > 0 })
	files, changed := sent()
	if changed != 1 || len(files) < 4 {
		t.Errorf("%d password-changed mails among %d, want 1 among at least 4 (3 new devices)", changed, len(files))
	}
	for name, by := range files {
		if len(by) > 1 {
			t.Errorf("mail %s sent by %d nodes: %v", name, len(by), by)
		}
	}
}
