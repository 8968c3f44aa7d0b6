package e2e

import (
	"context"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/store/pgtest"
)

// clusterFor is the run's PostgreSQL cluster, or one started for t when
// the suite runs on bbolt.
func clusterFor(t *testing.T) *pgtest.Cluster {
	if pgCluster != nil {
		return pgCluster
	}
	c, err := pgtest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	return c
}

// Moving a deployment from bbolt to PostgreSQL: the server runs on bbolt,
// is stopped, its store copied with "server admin copy-store", and started
// on PostgreSQL at the same address; the same clients sync on without
// signing in again, an edit queued while it was down included.
func TestMoveDeploymentToPostgres(t *testing.T) {
	bin := builtServer(t)
	dir := t.TempDir()
	srv := &procServer{bin: bin, dir: filepath.Join(dir, "server"), token: "move-service-token-0123456789abcdef",
		addr: freeAddr(t), storeArgs: []string{"-data", filepath.Join(dir, "server")}}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	defer srv.stop(syscall.SIGKILL)
	url := "http://" + srv.addr
	a, b := openClientAt(t, url, filepath.Join(dir, "a.db")), openClientAt(t, url, filepath.Join(dir, "b.db"))
	signUp(t, a, "mover@example.com", "Mo Mover")
	signIn(t, b, "mover@example.com")
	a.run()
	b.run()
	waitFor(t, "both online", func() bool { return online(a)() && online(b)() })
	if err := srv.post("/internal/v1/events", `{"type":"campaign_completed","email":"mover@example.com","campaignId":"c1","campaignName":"Spring","calls":12}`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the notification on b", func() bool {
		in := b.Snapshot().View.Inbox
		return len(in) > 0 && strings.Contains(in[0].Title+in[0].Body, "Spring")
	})
	sessions := []string{a.Snapshot().SessionID, b.Snapshot().SessionID}
	unread := b.Snapshot().View.Unread

	srv.stop(syscall.SIGTERM)
	waitFor(t, "a offline", func() bool { return !online(a)() })
	if err := a.SetDisplayName("Mo Moved"); err != nil { // queued while the server is down
		t.Fatal(err)
	}

	dbURL := clusterFor(t).NewDatabase(t)
	out, err := exec.Command(bin, "admin", "copy-store", "-from", srv.dir, "-to", dbURL).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "copied 1 accounts, 2 sessions") {
		t.Fatalf("copy-store: %v\n%s", err, out)
	}
	srv.storeArgs = []string{"-data", srv.dir, "-store", dbURL}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the queued edit synced through PostgreSQL", func() bool {
		return online(a)() && online(b)() && b.Snapshot().View.Profile.DisplayName == "Mo Moved"
	})
	for i, c := range []*testClient{a, b} {
		s := c.Snapshot()
		if s.SessionID != sessions[i] || s.View.Unread != unread || len(s.View.Sessions) != 2 {
			t.Errorf("client %d after the move: session %q (was %q), unread %d, %d sessions", i, s.SessionID, sessions[i], s.View.Unread, len(s.View.Sessions))
		}
	}
	// The server really is on PostgreSQL now: the edit made after the
	// copy is in the database.
	pg, err := store.OpenPostgres(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	err = pg.View(context.Background(), func(tx store.Tx) error {
		acc, err := tx.AccountByEmail("mover@example.com")
		if err == nil && acc.DisplayName != "Mo Moved" {
			t.Errorf("PostgreSQL holds the name %q, want the edit made after the move", acc.DisplayName)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// A second copy into a database with data is refused.
	if out, err := exec.Command(bin, "admin", "copy-store", "-from", srv.dir, "-to", dbURL).CombinedOutput(); err == nil || !strings.Contains(string(out), "empty database") {
		t.Errorf("copying again into the live database: %v\n%s", err, out)
	}
}

// freeAddr is a free loopback address for a server process.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
