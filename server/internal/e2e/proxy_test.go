package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// nginxConf proxies everything, websockets included, to the server. It
// keeps nginx's own Host (the backend's address), as a proxy configured
// with only proxy_pass does, and appends the peer to X-Forwarded-For.
var nginxConf = template.Must(template.New("nginx").Parse(`{{if .Root}}user root;
{{end}}worker_processes 1;
daemon off;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path {{.Dir}}/body;
	proxy_temp_path {{.Dir}}/proxy;
	fastcgi_temp_path {{.Dir}}/fastcgi;
	uwsgi_temp_path {{.Dir}}/uwsgi;
	scgi_temp_path {{.Dir}}/scgi;
	map $http_upgrade $connection_upgrade { default upgrade; '' close; }
	server {
		listen {{.Listen}};
		client_max_body_size 10m;
		location / {
			proxy_pass http://{{.Backend}};
			proxy_http_version 1.1;
			proxy_set_header Upgrade $http_upgrade;
			proxy_set_header Connection $connection_upgrade;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto $scheme;
			proxy_read_timeout 1h;
		}
	}
}
`))

// startNginx runs Debian's nginx on listen, in front of backend, until the
// test ends.
func startNginx(t *testing.T, listen, backend string) {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Fatal("nginx is not installed (scripts/setup.sh installs it)")
		}
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	f, err := os.Create(conf)
	if err != nil {
		t.Fatal(err)
	}
	err = nginxConf.Execute(f, map[string]any{"Dir": dir, "Listen": listen, "Backend": backend, "Root": os.Geteuid() == 0})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT) // graceful: finish what is in flight
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	if err := waitUntil(10*time.Second, func() bool {
		c, err := net.Dial("tcp", listen)
		if err == nil {
			c.Close()
		}
		return err == nil
	}); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("nginx did not start: %s %s", out.String(), log)
	}
}

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (127.0.0.2, …), as a different user's would.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

// sendFrom posts a JSON body through c with the extra headers and returns the
// status.
func sendFrom(t *testing.T, c *http.Client, url, body string, headers map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Behind a real nginx that keeps its own Host: each client is told apart by
// the address nginx saw (what a client writes in X-Forwarded-For itself
// is not believed), the panel works and its socket is accepted, and a
// foreign origin is still refused.
func TestBehindNginx(t *testing.T) {
	bin := builtServer(t)
	front, backend := freeAddr(t), freeAddr(t)
	dir := filepath.Join(t.TempDir(), "server")
	srv := &procServer{bin: bin, dir: dir, token: "proxy-service-token-0123456789abcdef", addr: backend,
		storeArgs: []string{"-data", dir, "-panel", builtPanel(t), "-trusted-proxies", "127.0.0.1", "-public-origin", "http://" + front}}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.stop(syscall.SIGTERM) })
	startNginx(t, front, backend)
	base := "http://" + front

	// Ten reset requests an hour per client address: the eleventh from
	// 127.0.0.2 is refused whatever address it claims to forward for,
	// while 127.0.0.3 is still served.
	c2, c3 := clientFrom("127.0.0.2"), clientFrom("127.0.0.3")
	for i := 1; i <= 11; i++ {
		got := sendFrom(t, c2, base+"/v1/password/forgot", fmt.Sprintf(`{"email":"r%d@example.com"}`, i),
			map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i), "Forwarded": fmt.Sprintf("for=198.51.100.%d", i)})
		want := http.StatusAccepted
		if i == 11 {
			want = http.StatusTooManyRequests
		}
		if got != want {
			t.Fatalf("reset request %d from 127.0.0.2 through nginx: %d, want %d", i, got, want)
		}
	}
	if got := sendFrom(t, c3, base+"/v1/password/forgot", `{"email":"r12@example.com"}`, nil); got != http.StatusAccepted {
		t.Fatalf("first reset request from 127.0.0.3: %d, want 202 (one client's limit is not everyone's)", got)
	}

	// The account is created from 127.0.0.4.
	c4 := clientFrom("127.0.0.4")
	if got := sendFrom(t, c4, base+"/v1/signup", `{"email":"proxied@example.com","password":"`+goodPassword+`","displayName":"Proxied"}`, nil); got != http.StatusCreated {
		t.Fatalf("sign-up through nginx: %d", got)
	}
	// The public origin is same-origin; another is not.
	if got := sendFrom(t, c4, base+"/v1/signin", `{"email":"proxied@example.com","password":"`+goodPassword+`"}`, map[string]string{"Origin": base}); got != http.StatusOK {
		t.Fatalf("sign-in with the public origin as Origin: %d, want 200", got)
	}
	if got := sendFrom(t, c4, base+"/v1/signin", `{"email":"proxied@example.com","password":"`+goodPassword+`"}`, map[string]string{"Origin": "http://evil.example"}); got != http.StatusForbidden {
		t.Fatalf("sign-in from a foreign origin: %d, want 403", got)
	}

	// A desktop client and the panel, both through nginx: the panel's
	// socket is accepted although nginx's Host is the backend's, and an
	// edit on the desktop reaches it live.
	desk, err := newDevice(filepath.Join(t.TempDir(), "desk.db"), front)
	if err != nil {
		t.Fatal(err)
	}
	defer desk.close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := desk.c.SignIn(ctx, "proxied@example.com", goodPassword, ""); err != nil {
		t.Fatalf("desktop sign-in through nginx: %v", err)
	}
	desk.run()
	browser := newBrowser(t)
	within(t, browser, "the panel through nginx",
		panelSignIn(base, "proxied@example.com", goodPassword),
		textIs("profile-name", "Proxied"),
	)
	if err := desk.c.SetDisplayName("Proxied Twice"); err != nil {
		t.Fatal(err)
	}
	within(t, browser, "the desktop's edit arrives live", textIs("profile-name", "Proxied Twice"))

	// The server's log names each client by the address nginx saw.
	srv.stop(syscall.SIGTERM)
	log := srv.out.String()
	for _, want := range []string{`route="POST /v1/password/forgot" status=429`, "client=127.0.0.2", "client=127.0.0.3", `route="POST /v1/signup" status=201`, "client=127.0.0.4", `route="GET /v1/sync" status=101`} {
		if !strings.Contains(log, want) {
			t.Errorf("server log lacks %q", want)
		}
	}
	if strings.Contains(log, "198.51.100.") {
		t.Error("server log names an address a client claimed to forward for")
	}
}
