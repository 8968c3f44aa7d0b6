package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/oskeychain"
)

// countingKeychain is the OS keychain, counting what is stored in it.
type countingKeychain struct {
	oskeychain.Keychain
	sets atomic.Int32
}

func (k *countingKeychain) Set(service, user, secret string) error {
	k.sets.Add(1)
	return k.Keychain.Set(service, user, secret)
}

// keychainClient opens a desktop client whose token goes to the OS
// keychain, as the app does.
func keychainClient(t *testing.T, ts *testServer, path string) *testClient {
	return keychainClientWith(t, ts, path, oskeychain.Keychain{})
}

func keychainClientWith(t *testing.T, ts *testServer, path string, kc core.Keychain) *testClient {
	t.Helper()
	st, err := core.OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := core.NewClient(core.Config{Server: ts.url(), Store: st, Desktop: true, Heartbeat: time.Second, MaxBackoff: 300 * time.Millisecond,
		Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	tc := &testClient{Client: c, store: st, path: path}
	t.Cleanup(tc.close)
	return tc
}

// The desktop app's session token lives in a real Secret Service (GNOME
// Keyring, in a D-Bus session of its own), not in its data file: it
// survives a restart from there, leaves it on sign-out, and a keychain that
// lost it signs the app out with a reason.
func TestTokenInTheSecretService(t *testing.T) {
	if os.Getenv("DIALNEXA_IN_DBUS_SESSION") == "" {
		for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Fatalf("%s is not installed (scripts/setup.sh installs dbus and gnome-keyring)", tool)
			}
		}
		// This test again, inside a D-Bus session with an unlocked keyring.
		self, _ := os.Executable()
		cmd := exec.Command("dbus-run-session", "--", "sh", "-c",
			`printf 'keyring password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" -test.run '^TestTokenInTheSecretService$' -test.v -test.count=1`, self)
		cmd.Env = append(os.Environ(), "DIALNEXA_IN_DBUS_SESSION=1", "DIALNEXA_TEST_STORE=bolt", "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestTokenInTheSecretService") {
			t.Fatalf("inside a D-Bus session: %v\n%s", err, out)
		}
		return
	}
	ts := startServer(t)
	path := filepath.Join(t.TempDir(), "account.db")
	kc := &countingKeychain{}
	c := keychainClientWith(t, ts, path, kc)
	signUp(t, c, "keychain@example.com", "Kee Chain")
	c.run()
	waitFor(t, "online", online(c))
	// Edits commit the meta (their numbers), the token stays the same: the
	// keychain is written once.
	for _, name := range []string{"Kee Chain Two", "Kee Chain Three"} {
		if err := c.SetDisplayName(name); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the edits synced", func() bool {
		s := c.Snapshot()
		return s.Pending == 0 && s.View.Profile.DisplayName == "Kee Chain Three"
	})
	if n := kc.sets.Load(); n != 1 {
		t.Errorf("the keychain was written %d times for one token, want once", n)
	}
	if s := c.Snapshot(); s.KeychainNotice != "" {
		t.Fatalf("with a Secret Service: notice %q", s.KeychainNotice)
	}
	st, _ := c.store.Load()
	clientID := st.Meta.ClientID
	token, err := keyring.Get("DialNexa Account", clientID)
	if err != nil || len(token) < 20 {
		t.Fatalf("token in the Secret Service: %q, %v", token, err)
	}
	if st.Meta.Token != "" || !st.Meta.TokenInKeychain {
		t.Fatalf("store meta: token %q, in keychain %v", st.Meta.Token, st.Meta.TokenInKeychain)
	}
	c.close()
	if raw, _ := os.ReadFile(path); bytes.Contains(raw, []byte(token)) {
		t.Fatal("the data file holds the session token")
	}

	// Restarted: signed in from the keychain, and online.
	c = keychainClient(t, ts, path)
	c.run()
	waitFor(t, "online again after a restart", online(c))

	// Signed out: the entry is gone.
	c.SignOut(t.Context())
	if _, err := keyring.Get("DialNexa Account", clientID); err != keyring.ErrNotFound {
		t.Fatalf("after sign-out the keychain still answers: %v", err)
	}

	// Signed in again, then the keychain loses the entry: the next start
	// is signed out, and says why.
	signIn(t, c, "keychain@example.com")
	c.close()
	if err := keyring.Delete("DialNexa Account", clientID); err != nil {
		t.Fatal(err)
	}
	c = keychainClient(t, ts, path)
	if s := c.Snapshot(); s.SignedIn() || !strings.Contains(s.Notice, "no longer in the system keychain") {
		t.Fatalf("after the keychain lost the token: signed in %v, notice %q", s.SignedIn(), s.Notice)
	}
}

// Without a Secret Service (no D-Bus session) the token stays in the data
// file, the app works, and it says where the token is.
func TestTokenWithoutAKeychain(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	ts := startServer(t)
	c := keychainClient(t, ts, filepath.Join(t.TempDir(), "account.db"))
	signUp(t, c, "nokeychain@example.com", "No Chain")
	c.run()
	waitFor(t, "online", online(c))
	s := c.Snapshot()
	if s.KeychainNotice != core.KeychainFallbackNotice {
		t.Fatalf("notice %q, want the fallback's", s.KeychainNotice)
	}
	st, _ := c.store.Load()
	if st.Meta.Token == "" || st.Meta.TokenInKeychain {
		t.Fatalf("store meta: token kept %v, in keychain %v", st.Meta.Token != "", st.Meta.TokenInKeychain)
	}
	w, ui := desktopUI(t, c)
	ui.Refresh()
	selectTab(w, "Security")
	if labelWith(w, "The system keychain is not available") == nil {
		t.Error("the desktop app does not say where the session is kept")
	}
}
