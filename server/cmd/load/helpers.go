package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A process may hold at most 20,000 open files here (ulimit -Hn, which
// cannot be raised), so runs of more sockets spread the clients over
// several processes: this one keeps the first share (the devices it
// measures with) and helper processes — this binary with -helper — hold
// the rest. A helper connects its devices, heartbeats as the apps do,
// reconnects each closed socket with the apps' backoff and the view it
// holds, and ends when this process closes its stdin.

// devSpec is a device as handed to a helper.
type devSpec struct {
	Index, Account         int
	Token, Session, Client string
}

// helperSpec is what a helper holds: its devices and the servers.
type helperSpec struct {
	Nodes   []string // the nodes' addresses
	Devices []devSpec
}

// helper is a running helper process.
type helper struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	ready chan error
}

// spread keeps the first perProcess devices (whole accounts) in this
// process and starts helpers holding the others; it returns once every
// helper has connected its share, and a function that stops them.
func (r *run) spread(ctx context.Context, dir string, perProcess, devices int) (stop func()) {
	if perProcess <= 0 || len(r.devs) <= perProcess {
		return func() {}
	}
	perProcess -= perProcess % devices // an account's devices stay together
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	addrs := make([]string, len(r.nodes))
	for i, n := range r.nodes {
		addrs[i] = n.addr
	}
	var hs []*helper
	for from := perProcess; from < len(r.devs); from += perProcess {
		spec := helperSpec{Nodes: addrs}
		for _, d := range r.devs[from:min(len(r.devs), from+perProcess)] {
			spec.Devices = append(spec.Devices, devSpec{d.index, d.account, d.token, d.session, d.clientID})
		}
		file := filepath.Join(dir, fmt.Sprintf("helper%d.json", len(hs)))
		b, _ := json.Marshal(spec)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			log.Fatal(err)
		}
		h := &helper{cmd: exec.Command(self, "-helper", file, "-protocol", fmt.Sprint(protocol)), ready: make(chan error, 1)}
		h.cmd.Stderr = os.Stderr
		if h.stdin, err = h.cmd.StdinPipe(); err != nil {
			log.Fatal(err)
		}
		out, err := h.cmd.StdoutPipe()
		if err != nil {
			log.Fatal(err)
		}
		if err := h.cmd.Start(); err != nil {
			log.Fatal(err)
		}
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "ready") {
					h.ready <- nil
				}
			}
			h.ready <- fmt.Errorf("helper %s ended before it was ready", file)
		}()
		hs = append(hs, h)
		r.helpers = append(r.helpers, h.cmd.Process.Pid)
	}
	r.total = len(r.devs)
	r.devs = r.devs[:perProcess]
	for _, h := range hs {
		select {
		case err := <-h.ready:
			if err != nil {
				log.Fatal(err)
			}
		case <-ctx.Done():
			log.Fatal(ctx.Err())
		}
	}
	fmt.Printf("  %d helper processes hold %d of the sockets; this one holds %d\n", len(hs), r.total-len(r.devs), len(r.devs))
	return func() {
		for _, h := range hs {
			h.stdin.Close()
		}
		for _, h := range hs {
			h.cmd.Wait()
		}
	}
}

// helperMain is a helper process: it holds the devices of spec file until
// its stdin closes.
func helperMain(file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	var spec helperSpec
	if err := json.Unmarshal(b, &spec); err != nil {
		log.Fatal(err)
	}
	raiseFileLimit()
	r := &run{}
	for _, a := range spec.Nodes {
		r.nodes = append(r.nodes, &server{addr: a})
	}
	for _, d := range spec.Devices {
		r.devs = append(r.devs, &dev{index: d.Index, account: d.Account, token: d.Token, session: d.Session, clientID: d.Client})
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopHeartbeats := r.startHeartbeats(ctx)
	if err := r.connectAll(ctx); err != nil {
		log.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, d := range r.devs {
		wg.Go(func() { r.keepConnected(ctx, d) })
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // until the coordinator is done
	cancel()
	stopHeartbeats()
	for _, d := range r.devs {
		if d.conn != nil {
			d.conn.CloseNow()
		}
	}
	wg.Wait()
}

// keepConnected reconnects d whenever its socket closes, as the apps do,
// until ctx ends.
func (r *run) keepConnected(ctx context.Context, d *dev) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.closed:
		}
		for attempt := 0; ctx.Err() == nil; attempt++ {
			select {
			case <-ctx.Done():
				return
			case <-time.After(stormBackoff(attempt)):
			}
			if r.connect(ctx, d, d.version) == nil {
				break
			}
		}
	}
}
