package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

// The pieces the convergence, crash and move tests drive: client devices on
// bbolt files, a proxy whose connections can be cut, and the server binary
// as a process.

// device is one desktop installation: a core client on its own bbolt
// store, reaching the server through a proxy the test can cut.
type device struct {
	path   string
	proxy  *cutProxy
	store  *core.BoltStore
	c      *core.Client
	cancel context.CancelFunc
	done   chan struct{}
}

func newDevice(path, serverAddr string) (*device, error) {
	p, err := newCutProxy(serverAddr)
	if err != nil {
		return nil, err
	}
	d := &device{path: path, proxy: p}
	if err := d.open(); err != nil {
		p.close()
		return nil, err
	}
	return d, nil
}

func (d *device) open() error {
	st, err := core.OpenStore(d.path)
	if err != nil {
		return err
	}
	c, err := core.NewClient(core.Config{
		Server: "http://" + d.proxy.addr, Store: st, Desktop: true,
		Heartbeat: time.Second, MaxBackoff: 200 * time.Millisecond,
		Log: quietLog,
	})
	if err != nil {
		st.Close()
		return err
	}
	d.store, d.c = st, c
	return nil
}

func (d *device) running() bool { return d.cancel != nil }

func (d *device) run() {
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel, d.done = cancel, make(chan struct{})
	go func() { defer close(d.done); d.c.Run(ctx) }()
}

func (d *device) stop() {
	if d.cancel != nil {
		d.cancel()
		<-d.done
		d.cancel = nil
	}
}

// reopen closes the app and starts it again on the same store.
func (d *device) reopen() error {
	was := d.running()
	d.stop()
	d.store.Close()
	if err := d.open(); err != nil {
		return err
	}
	if was {
		d.run()
	}
	return nil
}

func (d *device) token() string {
	st, _ := d.store.Load()
	return st.Meta.Token
}

func (d *device) close() {
	d.stop()
	d.store.Close()
	d.proxy.close()
}

// cutProxy forwards TCP connections to the server; cut drops every
// connection at once, as a network failure would.
type cutProxy struct {
	ln     net.Listener
	addr   string
	target string
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func newCutProxy(target string) (*cutProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &cutProxy{ln: ln, addr: ln.Addr().String(), target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	return p, nil
}

func (p *cutProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = struct{}{}, struct{}{}
		p.mu.Unlock()
		pipe := func(dst, src net.Conn) {
			io.Copy(dst, src)
			dst.Close()
			src.Close()
			p.mu.Lock()
			delete(p.conns, dst)
			delete(p.conns, src)
			p.mu.Unlock()
		}
		p.wg.Go(func() { pipe(up, c) })
		p.wg.Go(func() { pipe(c, up) })
	}
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func (p *cutProxy) close() {
	p.ln.Close()
	p.cut()
	p.wg.Wait()
}

// procServer is the real server binary, started and stopped as a process
// on a fixed loopback address and data directory.
type procServer struct {
	bin, dir, addr, token string
	storeArgs             []string // storeArgs(dir)
	cmd                   *exec.Cmd
	exited                chan struct{} // closed when cmd has exited
	out                   strings.Builder
}

func (s *procServer) start() error {
	cmd := exec.Command(s.bin, append([]string{"-addr", s.addr, "-panel", "", "-message-rate", "3", "-message-burst", "2"}, s.storeArgs...)...)
	cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN="+s.token)
	secrets.add(s.token, "service token")
	s.out.Reset()
	cmd.Stderr = &s.out
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.exited = cmd, make(chan struct{})
	go func(exited chan struct{}) { cmd.Wait(); close(exited) }(s.exited)
	err := waitUntil(20*time.Second, func() bool {
		select {
		case <-s.exited:
			return true
		default:
		}
		resp, err := http.Get("http://" + s.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	select {
	case <-s.exited:
		s.cmd = nil
		return fmt.Errorf("the server on %s exited: %s", s.addr, s.out.String())
	default:
	}
	return err
}

func (s *procServer) stop(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(sig)
	<-s.exited
	s.cmd = nil
	secrets.Write([]byte(s.out.String()))
}

func (s *procServer) post(path, body string) error {
	req, _ := http.NewRequest("POST", "http://"+s.addr+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	return nil
}

// view reads the account's view from the server.
func (s *procServer) view(token string) (model.View, error) {
	req, _ := http.NewRequest("GET", "http://"+s.addr+"/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return model.View{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return model.View{}, fmt.Errorf("GET /v1/me: %d", resp.StatusCode)
	}
	var m struct{ View model.View }
	err = json.NewDecoder(resp.Body).Decode(&m)
	return m.View, err
}

// quietLog discards what the clients log.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))
