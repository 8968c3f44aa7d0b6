package e2e

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// `server admin backup` copies the running server's bbolt store (whatever
// the suite's backend); restored into a
// new data directory it serves again, and a client that was ahead of the
// backup (an edit made after it) resyncs to what the server has and syncs
// new edits on top.
func TestBackupAndRestore(t *testing.T) {
	bin := builtServer(t)
	const token = "backup-service-token-0123456789abcdef"
	dirA := filepath.Join(t.TempDir(), "a")
	srv := &procServer{bin: bin, dir: dirA, token: token, addr: freeAddr(t), storeArgs: []string{"-data", dirA}}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.stop(syscall.SIGTERM) })

	d, err := newDevice(filepath.Join(t.TempDir(), "d.db"), srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.c.SignUp(ctx, "backup@example.com", goodPassword, "Before Backup"); err != nil {
		t.Fatal(err)
	}
	d.run()
	name := func() string { return d.c.Snapshot().View.Profile.DisplayName }
	synced := func() bool { s := d.c.Snapshot(); return s.Pending == 0 && s.HasView }
	waitFor(t, "signed up and synced", func() bool { return synced() && name() == "Before Backup" })

	out := filepath.Join(t.TempDir(), "backup.db")
	cmd := exec.Command(bin, "admin", "backup", "-server", "http://"+srv.addr, "-out", out)
	cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN="+token)
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "backup written to "+out) {
		t.Fatalf("admin backup: %v\n%s", err, b)
	}
	if v, err := store.VerifyBolt(out); err != nil || v != store.BoltSchemaVersion {
		t.Fatalf("the backup: schema %d, %v", v, err)
	}

	// After the backup: an edit the restored server will not have.
	if err := d.c.SetDisplayName("After Backup"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the later edit synced", func() bool { return synced() && d.c.Snapshot().Version > 0 && name() == "After Backup" })
	ahead := d.c.Snapshot().Version

	// Restore into a new data directory, on the same address.
	srv.stop(syscall.SIGTERM)
	dirB := filepath.Join(t.TempDir(), "b")
	os.MkdirAll(dirB, 0o700)
	b, _ := os.ReadFile(out)
	if err := os.WriteFile(filepath.Join(dirB, "dialnexa.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	srv.dir, srv.storeArgs = dirB, []string{"-data", dirB}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the client resyncs to the restored state", func() bool {
		s := d.c.Snapshot()
		return s.Online() && name() == "Before Backup" && s.Version < ahead
	})
	if err := d.c.SetDisplayName("After Restore"); err != nil {
		t.Fatal(err)
	}
	if err := waitUntil(20*time.Second, func() bool { return synced() && name() == "After Restore" }); err != nil {
		s := d.c.Snapshot()
		t.Fatalf("the edit after the restore did not sync: connection %v, %d pending, name %q, version %d, notice %q; server output:\n%s", s.Conn, s.Pending, name(), s.Version, s.Notice, srv.out.String())
	}
	srv.stop(syscall.SIGTERM)
	st, err := store.OpenBolt(dirB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.View(ctx, func(tx store.Tx) error {
		a, err := tx.AccountByEmail("backup@example.com")
		if err != nil || a.DisplayName != "After Restore" {
			t.Errorf("restored server's account: %+v, %v; want the edit made after the restore", a.DisplayName, err)
		}
		return nil
	})
}

// On PostgreSQL the backup endpoint says to use pg_dump; on bbolt it
// streams the store. Without the service token it answers nothing.
func TestBackupEndpoint(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	get := func(token string) (int, string) {
		req, _ := http.NewRequest("GET", ts.url()+"/internal/v1/backup", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("wrong-token-0123456789abcdef0123456789"); code != http.StatusUnauthorized {
		t.Fatalf("backup without the service token: %d, want 401", code)
	}
	code, body := get(ts.token)
	if ts.dbURL != "" {
		if code != http.StatusNotImplemented || !strings.Contains(body, "pg_dump") {
			t.Fatalf("backup on PostgreSQL: %d %s; want 501 naming pg_dump", code, body)
		}
		return
	}
	if code != http.StatusOK || len(body) < 4096 {
		t.Fatalf("backup on bbolt: %d, %d bytes", code, len(body))
	}
}
