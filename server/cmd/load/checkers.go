package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/dialnexa/account/server/verify"
)

// The checkers phase (-checkers N): N processes of this binary (with
// -checker) each run a server/verify Checker, as N DialNexa services
// would, and check every seeded session once, so each caches them all.
// Then sessions are revoked one at a time, through the nodes in turn, and
// each checker reports when it first refuses the revoked one: the time
// from the revocation's answer (its commit) to that refusal, per checker
// and for the last of them. Each checker polls its one watched session
// every 100 µs; the figures are that coarse.

// checkerSpec is what a checker process is handed.
type checkerSpec struct {
	Server, Token string
	Tokens        []string
}

func (r *run) checkers(ctx context.Context, dir string, n, samples int) {
	tokens := make([]string, len(r.devs))
	for i, d := range r.devs {
		tokens[i] = d.token
	}
	type proc struct {
		cmd   *exec.Cmd
		in    io.WriteCloser
		lines *bufio.Scanner
	}
	procs := make([]proc, n)
	t0 := time.Now()
	for i := range procs {
		spec := checkerSpec{Server: "http://" + r.nodes[i%len(r.nodes)].addr, Token: r.srv.token, Tokens: tokens}
		file := filepath.Join(dir, fmt.Sprintf("checker%d.json", i))
		b, _ := json.Marshal(spec)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			log.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-checker", file)
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		procs[i] = proc{cmd: cmd, in: in, lines: bufio.NewScanner(out)}
	}
	defer func() {
		for _, p := range procs {
			p.in.Close()
			p.cmd.Wait()
		}
	}()
	for i, p := range procs {
		if !p.lines.Scan() || p.lines.Text() != "ready" {
			log.Fatalf("load: checker %d did not start: %q", i, p.lines.Text())
		}
	}
	fmt.Printf("\n%d checker processes, each caching %d sessions, ready in %v\n", n, len(tokens), time.Since(t0).Round(time.Millisecond))

	var each, last latencies
	for s := range samples {
		// Revoke a session with another of its account's.
		k := (s * 7919) % len(r.devs)
		victim := r.devs[k]
		var revoker *dev
		for _, d := range r.devs {
			if d.account == victim.account && d != victim && !d.checked {
				revoker = d
				break
			}
		}
		if revoker == nil || victim.checked {
			continue
		}
		for _, p := range procs {
			fmt.Fprintf(p.in, "watch %d\n", k)
		}
		if err := r.postFrom(ctx, s, "DELETE", "/v1/sessions/"+victim.session, revoker.token, nil, nil); err != nil {
			log.Fatal(err)
		}
		committed := time.Now()
		victim.checked = true
		var worst time.Duration
		for i, p := range procs {
			if !p.lines.Scan() {
				log.Fatalf("load: checker %d stopped", i)
			}
			f := strings.Fields(p.lines.Text())
			ns, err := strconv.ParseInt(f[len(f)-1], 10, 64)
			if err != nil || f[0] != "refused" {
				log.Fatalf("load: checker %d: %q", i, p.lines.Text())
			}
			d := max(0, time.Unix(0, ns).Sub(committed))
			each = append(each, d)
			worst = max(worst, d)
		}
		last = append(last, worst)
	}
	fmt.Printf("revocation committed → refused by a checker (%d samples × %d checkers): %s\n", len(last), n, each)
	fmt.Printf("revocation committed → refused by every checker: %s\n", last)
}

// followerMemory measures the node's memory per connected stream: it
// restarts node 0 (a heap without the checks' garbage to reuse) and
// opens k bare followers of its revocation stream.
func (r *run) followerMemory(ctx context.Context, k int) {
	r.srv.stop()
	r.srv.start()
	before := r.srv.rss()
	var conns []*websocket.Conn
	for range k {
		c, _, err := websocket.Dial(ctx, "ws://"+r.srv.addr+"/internal/v1/revocations", &websocket.DialOptions{
			HTTPHeader: http.Header{"Authorization": {"Bearer " + r.srv.token}}})
		if err != nil {
			log.Fatal(err)
		}
		c.SetReadLimit(1 << 20)
		conns = append(conns, c)
		go func() {
			for {
				if _, _, err := c.Read(ctx); err != nil {
					return
				}
			}
		}()
	}
	after := r.srv.rss()
	fmt.Printf("server memory per connected revocation stream: %.1f KB (%d streams: %.1f MB → %.1f MB)\n",
		float64(after-before)/float64(k)/1024, k, float64(before)/1e6, float64(after)/1e6)
	for _, c := range conns {
		c.CloseNow()
	}
}

// checkerMain is a checker process: it checks every session of its spec
// once, says "ready", then for each "watch K" line polls session K until
// it is refused and says "refused K UNIXNANO".
func checkerMain(file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	var spec checkerSpec
	if err := json.Unmarshal(b, &spec); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	c, err := verify.New(ctx, verify.Config{Server: spec.Server, ServiceToken: spec.Token})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for !c.Live() {
		time.Sleep(10 * time.Millisecond)
	}
	if err := parallel(len(spec.Tokens), 8, func(i int) error { _, err := c.Check(ctx, spec.Tokens[i]); return err }); err != nil {
		log.Fatal(err)
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var k int
		if _, err := fmt.Sscanf(in.Text(), "watch %d", &k); err != nil {
			log.Fatalf("checker: %q", in.Text())
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			_, err := c.Check(ctx, spec.Tokens[k])
			if errors.Is(err, verify.ErrEnded) {
				fmt.Printf("refused %d %d\n", k, time.Now().UnixNano())
				break
			}
			if time.Now().After(deadline) {
				log.Fatalf("checker: session %d was never refused (%v)", k, err)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
}
