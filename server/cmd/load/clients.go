package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// dev is one device: a session and its websocket.
type dev struct {
	index    int
	account  int
	token    string
	session  string
	clientID string
	lastID   uint64 // last mutation id used
	checked  bool   // its session was revoked (the checkers phase)

	conn     *transport.Conn
	beating  atomic.Pointer[transport.Conn] // the socket heartbeats go to
	welcomed chan wire.Welcome
	// view is the account's view as this device holds it (JSON), at
	// version; patches are applied to it as the apps do.
	view    []byte
	version uint64
	views   chan stamped
	acks    chan uint64
	revoked chan time.Time
	closed  chan time.Time
	gone    atomic.Bool
}

type stamped struct {
	name string
	at   time.Time
}

type run struct {
	srv   *server   // the first node
	nodes []*server // every node; device i is served by nodes[i%len(nodes)]
	devs  []*dev
	// signIns and welcomes are how long each sign-in request and each
	// socket's connect-to-welcome took.
	signIns, welcomes latencies
	// profiles is where profiles go ("": none).
	profiles string
	// total is how many devices hold sockets in all, helpers' included.
	total int
	// helpers are the helper processes' ids.
	helpers []int
	mu      sync.Mutex
	clients map[int]*http.Client
}

// addrs is how many loopback source addresses clients spread over
// (127.1.0.0 – 127.1.15.255), as real clients come from many addresses
// and the server limits sign-ins per address.
const addrs = 4096

// client returns an HTTP client whose connections come from loopback
// address number i.
func (r *run) client(i int) *http.Client {
	i %= addrs
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.clients == nil {
		r.clients = map[int]*http.Client{}
	}
	if c := r.clients[i]; c != nil {
		return c
	}
	local := &net.TCPAddr{IP: net.IPv4(127, 1, byte(i/256), byte(i%256))}
	d := &net.Dialer{LocalAddr: local, Timeout: 30 * time.Second}
	c := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
	r.clients[i] = c
	return c
}

// nodeOf is the node that device (or client) i talks to: an account's
// devices are spread over the nodes, so its changes cross them.
func (r *run) nodeOf(i int) *server { return r.nodes[i%len(r.nodes)] }

func (r *run) post(ctx context.Context, method, path, token string, body any, out any) error {
	return r.postFrom(ctx, 0, method, path, token, body, out)
}

func (r *run) postFrom(ctx context.Context, from int, method, path, token string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(ctx, method, "http://"+r.nodeOf(from).addr+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client(from).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// parallel runs fn(i) for i in [0, n) on workers goroutines.
func parallel(n, workers int, fn func(i int) error) error {
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		ferr error
	)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					ferr = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return ferr
}

// signIn creates the accounts (sign-up is the first device) and signs in
// the other devices.
func (r *run) signIn(ctx context.Context, accounts, devices int) error {
	r.devs = make([]*dev, accounts*devices)
	// One account's devices sign in one after another (the server takes
	// one attempt per account at a time); accounts go in parallel.
	return parallel(accounts, 8, func(a int) error {
		email := fmt.Sprintf("load%06d@load.example.com", a)
		for d := range devices {
			i := a*devices + d
			body := map[string]any{"email": email, "password": "violet kettle 42?", "bearer": true, "deviceId": fmt.Sprintf("dev-%d-%d", a, d),
				"device": map[string]string{"kind": "desktop", "os": "linux"}}
			path := "/v1/signin"
			if d == 0 {
				body["displayName"] = fmt.Sprintf("Load %d", a)
				path = "/v1/signup"
			}
			var out struct{ SessionID, Token string }
			t0 := time.Now()
			if err := r.postFrom(ctx, i, http.MethodPost, path, "", body, &out); err != nil {
				return err
			}
			r.record(&r.signIns, time.Since(t0))
			r.devs[i] = &dev{index: i, account: a, token: out.Token, session: out.SessionID, clientID: fmt.Sprintf("c-%d-%d", a, d)}
		}
		return nil
	})
}

// connect opens the device's socket and waits for the welcome.
func (r *run) connect(ctx context.Context, d *dev, version uint64) error {
	_, err := r.connectWelcome(ctx, d, version)
	return err
}

// connectWelcome is connect, returning the welcome.
func (r *run) connectWelcome(ctx context.Context, d *dev, version uint64) (wire.Welcome, error) {
	d.welcomed = make(chan wire.Welcome, 1)
	d.views = make(chan stamped, 64)
	d.acks = make(chan uint64, 64)
	d.revoked = make(chan time.Time, 1)
	d.closed = make(chan time.Time, 1)
	dctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, _, err := transport.Dial(dctx, "ws://"+r.nodeOf(d.index).addr+"/v1/sync", http.Header{"Authorization": {"Bearer " + d.token}}, r.client(d.index))
	if err != nil {
		return wire.Welcome{}, err
	}
	d.conn = conn
	d.beating.Store(conn)
	go d.read()
	hello := wire.Hello{ProtocolVersion: protocol, AppVersion: "load", ClientID: d.clientID, SchemaVersion: wire.SchemaVersion, Version: version, LastMutationID: d.lastID}
	if version > 0 && version == d.version {
		hello.ViewHash = viewHash(d.view)
	}
	if err := conn.Send(dctx, hello); err != nil {
		conn.CloseNow()
		return wire.Welcome{}, err
	}
	select {
	case w := <-d.welcomed:
		return w, nil
	case <-d.closed:
		conn.CloseNow()
		return wire.Welcome{}, fmt.Errorf("%s: the socket closed before the welcome", d.clientID)
	case <-dctx.Done():
		conn.CloseNow()
		return wire.Welcome{}, fmt.Errorf("no welcome for %s", d.clientID)
	}
}

// viewHash is the digest of a held view as the server encodes it (what a
// real client says it holds), or "" when it cannot be read.
func viewHash(b []byte) string {
	var v model.View
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	v.Normalize()
	c, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return wire.ViewHash(c)
}

// read keeps the device's socket drained, stamping what arrives.
func (d *dev) read() {
	for {
		b, err := d.conn.RecvRaw(context.Background())
		now := time.Now()
		if err != nil {
			if transport.IsProtocolError(err) {
				continue
			}
			d.closed <- now
			return
		}
		m, _, err := wire.DecodeLenient(b)
		if err != nil || m == nil {
			continue
		}
		received.add(m, len(b))
		switch m := m.(type) {
		case *wire.Welcome:
			d.hold(m.Version, m.View, m.Base, m.Patch)
			select {
			case d.welcomed <- *m:
			default:
			}
		case *wire.View:
			if !d.hold(m.Version, m.View, m.Base, m.Patch) {
				continue
			}
			var v struct {
				Profile struct{ DisplayName string }
			}
			json.Unmarshal(d.view, &v)
			select {
			case d.views <- stamped{v.Profile.DisplayName, now}:
			default:
			}
		case *wire.PushAck:
			select {
			case d.acks <- m.LastMutationID:
			default:
			}
		case *wire.Revoked:
			d.revoked <- now
		}
	}
}

// hold takes the view a welcome or view message carries (whole, as a
// patch, or neither: the one held is current) and reports whether the
// device now holds a newer view; a patch that does not fit asks for the
// whole view.
func (d *dev) hold(version uint64, view []byte, base uint64, patch []byte) bool {
	switch {
	case view != nil:
		d.view, d.version = view, version
		return true
	case patch != nil && d.version == base && d.view != nil:
		p, err := jsonpatch.DecodePatch(patch)
		if err == nil {
			if out, err := p.Apply(d.view); err == nil {
				d.view, d.version = out, version
				return true
			}
		}
	case patch == nil:
		return false // the welcome says the view held is current
	case d.version >= version:
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	d.conn.Send(ctx, wire.Resync{})
	cancel()
	return false
}

// heartbeat is the clients' application heartbeat (core.Config.Heartbeat's
// default): the server closes a socket silent for 45 seconds.
const heartbeat = 15 * time.Second

// startHeartbeats has every connected device send a ping every heartbeat,
// spread evenly over the interval, as real clients do, until stop is
// called.
func (r *run) startHeartbeats(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		const slots = 15
		t := time.NewTicker(heartbeat / slots)
		defer t.Stop()
		for slot := 0; ; slot = (slot + 1) % slots {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			for i := slot; i < len(r.devs); i += slots {
				if c := r.devs[i].beating.Load(); c != nil && !r.devs[i].gone.Load() {
					// Each on its own, as each app has its own timer: a
					// write that times out closes the socket, so a busy
					// moment must not make one ping wait for another.
					wg.Go(func() {
						sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
						c.Send(sctx, wire.Ping{})
						cancel()
					})
				}
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

func (r *run) connectAll(ctx context.Context) error {
	return parallel(len(r.devs), 64, func(i int) error {
		t0 := time.Now()
		err := r.connect(ctx, r.devs[i], 0)
		r.record(&r.welcomes, time.Since(t0))
		return err
	})
}

// record adds a latency to l.
func (r *run) record(l *latencies, d time.Duration) {
	r.mu.Lock()
	*l = append(*l, d)
	r.mu.Unlock()
}

func (r *run) live() int {
	n := 0
	for _, d := range r.devs {
		if !d.gone.Load() {
			n++
		}
	}
	return n
}

// push sends one display-name change from d.
func (d *dev) push(ctx context.Context, name string) (uint64, error) {
	return d.pushMany(ctx, []string{name})
}

// pushMany sends display-name changes in one push and returns the last id.
func (d *dev) pushMany(ctx context.Context, names []string) (uint64, error) {
	p := wire.Push{Mutations: make([]wire.Mutation, len(names))}
	for i, n := range names {
		d.lastID++
		args, _ := json.Marshal(map[string]string{"displayName": n})
		p.Mutations[i] = wire.Mutation{ID: d.lastID, Name: "setDisplayName", Args: args}
	}
	return d.lastID, d.conn.Send(ctx, p)
}

// waitAck waits for the ack of mutation id.
func (d *dev) waitAck(ctx context.Context, id uint64) error {
	timeout := time.After(time.Minute)
	for {
		select {
		case got := <-d.acks:
			if got >= id {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("%s: no ack for mutation %d within a minute", d.clientID, id)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// latencies summarizes durations.
type latencies []time.Duration

func (l latencies) String() string {
	if len(l) == 0 {
		return "no samples"
	}
	s := slices.Clone(l)
	slices.Sort(s)
	q := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("p50 %v, p99 %v, max %v (%d samples)", q(0.5).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), s[len(s)-1].Round(10*time.Microsecond), len(s))
}

// protocol is the sync protocol the devices speak (-protocol).
var protocol = wire.ProtocolVersion

// traffic counts the views and welcomes the devices received, and their
// bytes as they arrived.
type traffic struct {
	views, viewBytes, welcomes, welcomeBytes atomic.Int64
}

var received traffic

func (t *traffic) add(m any, size int) {
	switch m.(type) {
	case *wire.View:
		t.views.Add(1)
		t.viewBytes.Add(int64(size))
	case *wire.Welcome:
		t.welcomes.Add(1)
		t.welcomeBytes.Add(int64(size))
	}
}

// reset starts counting afresh.
func (t *traffic) reset() {
	t.views.Store(0)
	t.viewBytes.Store(0)
	t.welcomes.Store(0)
	t.welcomeBytes.Store(0)
}

func (t *traffic) String() string {
	per := func(b, n int64) float64 {
		if n == 0 {
			return 0
		}
		return float64(b) / float64(n)
	}
	return fmt.Sprintf("%d views of %.0f bytes on average, %d welcomes of %.0f bytes on average",
		t.views.Load(), per(t.viewBytes.Load(), t.views.Load()), t.welcomes.Load(), per(t.welcomeBytes.Load(), t.welcomes.Load()))
}
