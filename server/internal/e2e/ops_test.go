package e2e

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return certFile, keyFile, pool
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// What ops run: the server binary serving HTTPS (and HTTP/2) itself, with
// the __Host- cookie and HSTS; its operator listener with Prometheus
// metrics that count what happened, pprof, readiness and the version; and
// JSON logs with one line per request, start and stop.
func TestServedForOperators(t *testing.T) {
	bin := builtServer(t)
	certFile, keyFile, pool := selfSigned(t)
	addr, admin := freeAddr(t), freeAddr(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "-addr", addr, "-admin-addr", admin, "-tls-cert", certFile, "-tls-key", keyFile,
		"-data", dir, "-panel", builtPanel(t), "-log-format", "json")
	cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN=ops-service-token-0123456789abcdef")
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Signal(syscall.SIGTERM)
			<-exited
			secrets.Write([]byte(logs.String()))
		}
	}
	t.Cleanup(stop)

	h2 := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	plain := &http.Client{Timeout: 10 * time.Second}
	base, ops := "https://"+addr, "http://"+admin
	if err := waitUntil(20*time.Second, func() bool { _, err := h2.Get(base + "/healthz"); return err == nil }); err != nil {
		t.Fatalf("the server did not come up over TLS: %s", logs.String())
	}

	// HTTPS and HTTP/2, the __Host- cookie and HSTS (the public origin is
	// https://ADDR by default with a certificate).
	resp, err := h2.Post(base+"/v1/signup", "application/json", strings.NewReader(`{"email":"ops@example.com","password":"`+goodPassword+`","displayName":"Ops"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.ProtoMajor != 2 {
		t.Fatalf("sign-up over TLS: %d over %s; want 201 over HTTP/2", resp.StatusCode, resp.Proto)
	}
	if c := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(c, "__Host-dnx_session=") {
		t.Errorf("cookie %q; want the __Host- prefix", c)
	}
	if h := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(h, "max-age=") {
		t.Errorf("Strict-Transport-Security %q", h)
	}
	if resp, err := plain.Get("http://" + addr + "/healthz"); err == nil && resp.StatusCode != http.StatusBadRequest {
		t.Errorf("plain HTTP on the TLS listener: %d, want 400", resp.StatusCode)
	}

	// A sync socket over TLS (HTTP/1.1, as websockets are), a refused
	// reset request, and a bearer sign-in.
	var in struct{ Token, SessionID string }
	resp, err = h2.Post(base+"/v1/signin", "application/json", strings.NewReader(`{"email":"ops@example.com","password":"`+goodPassword+`","bearer":true}`))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&in)
	resp.Body.Close()
	ws := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := transport.Dial(ctx, "wss://"+addr+"/v1/sync", http.Header{"Authorization": {"Bearer " + in.Token}}, ws)
	if err != nil {
		t.Fatalf("sync socket over TLS: %v", err)
	}
	defer conn.CloseNow()
	if err := conn.Send(ctx, wire.Hello{ProtocolVersion: wire.ProtocolVersion, ClientID: "ops-test", SchemaVersion: wire.SchemaVersion}); err != nil {
		t.Fatal(err)
	}
	if m, err := conn.Recv(ctx); err != nil {
		t.Fatalf("welcome: %v", err)
	} else if _, ok := m.(*wire.Welcome); !ok {
		t.Fatalf("first message %T, want welcome", m)
	}
	for i := range 11 {
		resp, err := h2.Post(base+"/v1/password/forgot", "application/json", strings.NewReader(fmt.Sprintf(`{"email":"f%d@example.com"}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}

	// The socket's session revoked: the socket is cut off before the
	// commit, and counted.
	del, _ := http.NewRequest("DELETE", base+"/v1/sessions/"+in.SessionID, nil)
	del.Header.Set("Authorization", "Bearer "+in.Token)
	if resp, err := h2.Do(del); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke the socket's session: %v %v", resp, err)
	}
	for {
		if _, err := conn.Recv(ctx); err != nil {
			break
		}
	}

	// Metrics count what happened (the server lets go of the closed socket
	// just after the client sees it close).
	var metrics string
	if err := waitUntil(10*time.Second, func() bool {
		_, metrics = get(t, plain, ops+"/metrics")
		return strings.Contains(metrics, "dialnexa_sync_connections 0")
	}); err != nil {
		t.Errorf("the revoked socket is still counted as connected")
	}
	for _, want := range []string{
		`dialnexa_http_requests_total{method="POST",route="POST /v1/signup",status="201"} 1`,
		`dialnexa_http_requests_total{method="POST",route="POST /v1/password/forgot",status="429"} 1`,
		`dialnexa_rate_limit_refusals_total{where="http"} 1`,
		`dialnexa_sync_connections 0`,
		`dialnexa_sync_messages_total{direction="in",type="hello"} 1`,
		`dialnexa_sync_messages_total{direction="out",type="welcome"} 1`,
		`dialnexa_store_transaction_seconds_count{kind="update",outcome="ok"}`,
		`dialnexa_password_hash_wait_seconds_count`,
		`dialnexa_outbox_mails`, `dialnexa_outbox_oldest_age_seconds`,
		`dialnexa_sync_cut_off_total 1`, `dialnexa_sync_revocation_seconds_count 0`,
		`dialnexa_mail_failures_total 0`,
		// Series alerts are written on exist from the start, at zero.
		`dialnexa_sync_messages_total{direction="in",type="resync"} 0`,
		`dialnexa_rate_limit_refusals_total{where="socket"} 0`,
		`go_goroutines`, `process_resident_memory_bytes`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(metrics, "dialnexa_password_hash_wait_seconds_count 0") {
		t.Error("no password hash was counted")
	}
	if resp, body := get(t, plain, ops+"/debug/pprof/goroutine?debug=1"); resp.StatusCode != 200 || !strings.Contains(body, "goroutine profile") {
		t.Errorf("pprof: %d", resp.StatusCode)
	}
	for _, u := range []string{ops + "/readyz", base + "/readyz"} {
		c := plain
		if strings.HasPrefix(u, "https") {
			c = h2
		}
		if resp, body := get(t, c, u); resp.StatusCode != 200 || !strings.Contains(body, `"ready"`) {
			t.Errorf("%s: %d %s", u, resp.StatusCode, body)
		}
	}
	// /healthz answers the same on both listeners.
	var healths []map[string]any
	for _, u := range []string{ops + "/healthz", base + "/healthz"} {
		c := plain
		if strings.HasPrefix(u, "https") {
			c = h2
		}
		resp, body := get(t, c, u)
		var h map[string]any
		if err := json.Unmarshal([]byte(body), &h); err != nil || resp.StatusCode != 200 || h["status"] != "ok" {
			t.Errorf("%s: %d %s, want 200 and JSON with status ok", u, resp.StatusCode, body)
		}
		healths = append(healths, h)
	}
	if len(healths) == 2 && fmt.Sprint(healths[0]) != fmt.Sprint(healths[1]) {
		t.Errorf("/healthz answers %v on the operators' listener and %v on the public one", healths[0], healths[1])
	}
	if resp, _ := get(t, h2, base+"/metrics"); resp.StatusCode == 200 {
		t.Error("/metrics is served to users; it belongs on -admin-addr")
	}
	var version struct{ Version, Go string }
	_, body := get(t, plain, ops+"/version")
	if json.Unmarshal([]byte(body), &version); version.Version == "" || !strings.HasPrefix(version.Go, "go1.") {
		t.Errorf("/version: %s", body)
	}
	if out, err := exec.Command(bin, "-version").Output(); err != nil || !strings.HasPrefix(string(out), "dialnexa-server "+version.Version) {
		t.Errorf("-version: %q, %v", out, err)
	}

	// JSON logs: start, one line per request with its id, route, status,
	// duration and account, and shutdown.
	conn.CloseNow()
	stop()
	var started, signup, stoppedLine bool
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a log line is not JSON: %s", sc.Text())
		}
		switch {
		case l["msg"] == "DialNexa Account server ready":
			started = true
		case l["msg"] == "request" && l["route"] == "POST /v1/signup":
			signup = l["status"] == float64(201) && l["request_id"] != "" && l["account"] != nil && l["client"] == "127.0.0.1"
			if ms, ok := l["duration_ms"].(float64); !ok || ms <= 0 || l["duration"] != nil {
				t.Errorf("the request's duration is logged as %v / %v, want duration_ms, a number of milliseconds", l["duration_ms"], l["duration"])
			}
		case l["msg"] == "stopped":
			stoppedLine = true
		}
	}
	if !started || !signup || !stoppedLine {
		t.Errorf("logs: start %v, sign-up request line %v, stop %v:\n%s", started, signup, stoppedLine, logs.String())
	}
}

// Without the panel the server is alive but not ready, and says why.
func TestNotReadyWithoutThePanel(t *testing.T) {
	dir := t.TempDir()
	s := &procServer{bin: builtServer(t), dir: dir, token: "ready-service-token-0123456789abcdef", addr: freeAddr(t), storeArgs: []string{"-data", dir}}
	if err := s.start(); err != nil {
		t.Fatal(err)
	}
	defer s.stop(syscall.SIGTERM)
	resp, body := get(t, http.DefaultClient, "http://"+s.addr+"/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "panel is not built") {
		t.Fatalf("/readyz without the panel: %d %s; want 503 saying why", resp.StatusCode, body)
	}
}

// A second scripts/run.sh while a server answers on its address stops with
// a message and a failing status, instead of reporting success.
func TestRunScriptRefusesABusyAddress(t *testing.T) {
	ts := startServer(t)
	cmd := exec.Command("bash", "../../../scripts/run.sh")
	cmd.Env = append(os.Environ(), "DIALNEXA_ADDR="+ts.addr, "DIALNEXA_DATA="+t.TempDir(), "DISPLAY=")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "already answers on "+ts.addr) {
		t.Fatalf("run.sh with its address taken: %v\n%s", err, out)
	}
}
