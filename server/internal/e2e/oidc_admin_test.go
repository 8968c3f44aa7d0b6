package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// Operators manage applications and keys with the server binary's admin
// commands against a running server: register (the secret printed once),
// list, refuse a bad redirect URI with a message saying why, rotate a
// secret (the old one stops working), rotate the keys, remove.
func TestOIDCAdminCommands(t *testing.T) {
	bin := builtServer(t)
	const token = "oidc-admin-token-0123456789abcdef"
	dir := t.TempDir()
	srv := &procServer{bin: bin, dir: dir, token: token, addr: freeAddr(t), storeArgs: storeArgs(t, dir)}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.stop(syscall.SIGTERM) })
	admin := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"admin"}, append(args, "-server", "http://"+srv.addr)...)...)
		if args[0] == "oidc-client" {
			cmd = exec.Command(bin, append([]string{"admin", args[0], args[1], "-server", "http://" + srv.addr}, args[2:]...)...)
		}
		cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN="+token)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	rp := newRelyingParty(t)
	out, err := admin("oidc-client", "add", "-id", "grafana", "-name", "Grafana", "-redirect-uri", rp.redirectURI(),
		"-backchannel-logout-uri", rp.logoutURI())
	secret := regexp.MustCompile(`(?m)^([A-Za-z0-9_-]{40,})$`).FindString(out)
	if err != nil || !strings.Contains(out, "registered grafana") || secret == "" {
		t.Fatalf("oidc-client add: %v\n%s", err, out)
	}
	if out, err := admin("oidc-client", "add", "-id", "bad", "-name", "Bad", "-redirect-uri", "http://evil.example/cb"); err == nil || !strings.Contains(out, "must use https") {
		t.Errorf("a plain-http redirect URI: %v\n%s", err, out)
	}
	if out, err := admin("oidc-client", "list"); err != nil || !strings.Contains(out, "grafana") || !strings.Contains(out, "confidential") || strings.Contains(out, "bad") {
		t.Errorf("oidc-client list: %v\n%s", err, out)
	}
	rp.connect("http://localhost:"+strings.Split(srv.addr, ":")[1], "grafana", secret, "email")
	if _, err := rp.conf.PasswordCredentialsToken(context.Background(), "x", "y"); err == nil {
		t.Error("the password grant was accepted")
	}
	out, err = admin("oidc-client", "rotate-secret", "-id", "grafana")
	fresh := regexp.MustCompile(`(?m)^([A-Za-z0-9_-]{40,})$`).FindString(out)
	if err != nil || fresh == "" || fresh == secret {
		t.Fatalf("rotate-secret: %v\n%s", err, out)
	}
	if resp, err := http.Get("http://" + srv.addr + "/oidc/keys"); err != nil { // the first key is made
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if out, err := admin("rotate-keys"); err != nil || strings.Count(out, "\n") != 3 {
		t.Errorf("rotate-keys: %v\n%s", err, out) // a header, the signing key and its successor
	}
	if out, err := admin("oidc-client", "remove", "-id", "grafana"); err != nil || !strings.Contains(out, "removed grafana") {
		t.Errorf("remove: %v\n%s", err, out)
	}
	if out, err := admin("oidc-client", "remove", "-id", "grafana"); err == nil || !strings.Contains(out, "No application is registered") {
		t.Errorf("removing it again: %v\n%s", err, out)
	}
}
