package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dialnexa/account/sync/transport"
	"github.com/dialnexa/account/sync/wire"
)

// devicesOf returns the account's live devices.
func (r *run) devicesOf(account int) []*dev {
	var out []*dev
	for _, d := range r.devs {
		if d.account == account && !d.gone.Load() {
			out = append(out, d)
		}
	}
	return out
}

func drain(c chan stamped) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// fanOut measures from a change pushed on one device to its arrival on all
// the account's other devices.
func (r *run) fanOut(ctx context.Context, samples int) (latencies, map[string]time.Duration) {
	accounts := r.devs[len(r.devs)-1].account + 1
	var out latencies
	byClient := map[string]time.Duration{} // the latest sample of each pushing client
	for i := range samples {
		ds := r.devicesOf(i % accounts)
		for _, d := range ds {
			drain(d.views)
		}
		name := fmt.Sprintf("Fan %d", i)
		start := time.Now()
		id, err := ds[0].push(ctx, name)
		if err != nil {
			continue
		}
		last, ok := arrived(ds[1:], name)
		ds[0].waitAck(ctx, id)
		if ok {
			out = append(out, last.Sub(start))
			byClient[ds[0].clientID] = last.Sub(start)
		}
	}
	return out, byClient
}

// serviceEvents measures from a service's event (POST /internal/v1/events
// naming the account) to the view with its notification on every device
// of the account.
func (r *run) serviceEvents(ctx context.Context, samples int) (latencies, map[string]time.Duration) {
	accounts := r.devs[len(r.devs)-1].account + 1
	var out latencies
	byAccount := map[string]time.Duration{} // the latest sample of each account (by its address)
	for i := range samples {
		a := (i * 7) % accounts
		ds := r.devicesOf(a)
		for _, d := range ds {
			drain(d.views)
		}
		title := fmt.Sprintf("Status %d", i)
		email := fmt.Sprintf("load%06d@load.example.com", a)
		start := time.Now()
		err := r.postFrom(ctx, ds[0].index, http.MethodPost, "/internal/v1/events", r.srv.token,
			map[string]string{"type": "platform_status", "email": email, "title": title, "message": "One account's event."}, nil)
		if err != nil {
			fmt.Println("  event:", err)
			continue
		}
		if last, ok := arrivedAny(ds); ok {
			out = append(out, last.Sub(start))
			byAccount[email] = last.Sub(start)
		}
	}
	return out, byAccount
}

// arrived waits until every device in ds has a view with the display name
// name and returns when the last one had it; false if one did not within
// 10 s.
func arrived(ds []*dev, name string) (time.Time, bool) {
	return arrivedWhere(ds, func(v stamped) bool { return v.name == name })
}

// arrivedAny waits until every device in ds has a new view, as arrived.
func arrivedAny(ds []*dev) (time.Time, bool) {
	return arrivedWhere(ds, func(stamped) bool { return true })
}

// arrivedWhere waits until every device in ds has a view for which ok
// holds and returns when the last one had it; false if one did not
// within 10 s.
func arrivedWhere(ds []*dev, ok func(stamped) bool) (time.Time, bool) {
	var last time.Time
	timeout := time.After(10 * time.Second)
	for _, d := range ds {
		for got := false; !got; {
			select {
			case v := <-d.views:
				if ok(v) {
					got, last = true, maxTime(last, v.at)
				}
			case <-timeout:
				return last, false
			}
		}
	}
	return last, true
}

// allAtOnce has one device of every account this process holds push a
// change at the same moment, and times, for each account, from its push
// to the change on all its other devices; it also returns the time from
// the first push to the last arrival, and how many accounts missed it.
func (r *run) allAtOnce(ctx context.Context) (latencies, time.Duration, int) {
	byAccount := map[int][]*dev{}
	var order []int
	for _, d := range r.devs {
		if d.gone.Load() {
			continue
		}
		if _, ok := byAccount[d.account]; !ok {
			order = append(order, d.account)
		}
		byAccount[d.account] = append(byAccount[d.account], d)
	}
	for _, d := range r.devs {
		drain(d.views)
	}
	var (
		mu     sync.Mutex
		out    latencies
		last   time.Time
		missed int
		wg     sync.WaitGroup
		start  = make(chan struct{})
	)
	for i, a := range order {
		ds := byAccount[a]
		wg.Go(func() {
			name := fmt.Sprintf("Everyone %d", i)
			<-start // every account's push leaves together
			sent := time.Now()
			id, err := ds[0].push(ctx, name)
			at, ok := arrived(ds[1:], name)
			if err == nil {
				ds[0].waitAck(ctx, id)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil || !ok {
				missed++
				return
			}
			out = append(out, at.Sub(sent))
			last = maxTime(last, at)
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	return out, last.Sub(t0), missed
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// throughput has every device push its share of n mutations at once. With
// batch 1 each goes in its own push after the previous ack (people editing
// live); with a larger batch a device flushes its offline queue as the
// client does, up to batch mutations per push.
func (r *run) throughput(ctx context.Context, n, batch int) (float64, int) {
	per := max(1, n/len(r.devs))
	start := time.Now()
	total := 0
	err := parallel(len(r.devs), len(r.devs), func(i int) error {
		d := r.devs[i]
		for k := 0; k < per; k += batch {
			names := make([]string, 0, batch)
			for j := k; j < min(per, k+batch); j++ {
				names = append(names, fmt.Sprintf("Burst %d %d", i, j))
			}
			id, err := d.pushMany(ctx, names)
			if err != nil {
				return err
			}
			if err := d.waitAck(ctx, id); err != nil {
				return err
			}
		}
		return nil
	})
	elapsed := time.Since(start)
	if err != nil {
		fmt.Println("  throughput run:", err)
	}
	total = per * len(r.devs)
	return float64(total) / elapsed.Seconds(), total
}

// revocationTimes are a revocation's moments as its parties see them,
// from the request: the revoked socket closed (the thief's window: until
// then whoever holds the session hears the account's changes and may
// push), the request answered (committed), and a thief's immediate
// reconnect refused with the session's end.
type revocationTimes struct {
	closed, answered, refused latencies
	// windows are the thief's windows (closed) by revoked session.
	windows map[string]time.Duration
}

// revocations revokes devices (not the first of each account) one at a
// time from the account's first device. The revoked device, once its
// socket closes, reconnects at once (a thief does not back off) until it
// is refused.
func (r *run) revocations(ctx context.Context, samples int) revocationTimes {
	out := revocationTimes{windows: map[string]time.Duration{}}
	for _, d := range r.devs {
		if len(out.closed) >= samples {
			break
		}
		if d.gone.Load() || d.clientID[len(d.clientID)-2:] == "-0" {
			continue
		}
		first := r.devicesOf(d.account)[0]
		start := time.Now()
		type answer struct {
			err error
			at  time.Time
		}
		answered := make(chan answer, 1)
		go func() {
			// From the first device's node: with several nodes, usually
			// not the one serving the revoked socket.
			err := r.postFrom(ctx, first.index, http.MethodDelete, "/v1/sessions/"+d.session, first.token, nil, nil)
			answered <- answer{err, time.Now()}
		}()
		var closed time.Time
		select {
		case closed = <-d.closed:
		case <-time.After(10 * time.Second):
		}
		d.gone.Store(true)
		refused, err := r.refusedAt(ctx, d)
		if err != nil {
			fmt.Println("  revoked device reconnecting:", err)
		}
		ans := <-answered
		if ans.err != nil {
			fmt.Println("  revoke:", ans.err)
			continue
		}
		if !closed.IsZero() && !refused.IsZero() {
			out.closed = append(out.closed, closed.Sub(start))
			out.windows[d.session] = closed.Sub(start)
			out.answered = append(out.answered, ans.at.Sub(start))
			out.refused = append(out.refused, refused.Sub(start))
		}
	}
	return out
}

// refusedAt reconnects the revoked device at once, again while its
// session's end is being committed (the server holds the upgrade until
// then, or closes the socket again), and returns when it was refused: a
// 401 at the upgrade, or the revocation's close.
func (r *run) refusedAt(ctx context.Context, d *dev) (time.Time, error) {
	for range 20 {
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		conn, resp, err := transport.Dial(dctx, "ws://"+r.nodeOf(d.index).addr+"/v1/sync", http.Header{"Authorization": {"Bearer " + d.token}}, r.client(d.index))
		cancel()
		if err != nil {
			if resp != nil && resp.StatusCode == http.StatusUnauthorized {
				return time.Now(), nil
			}
			return time.Time{}, err
		}
		// Upgraded before its end was committed: said hello, the socket
		// must be closed with the revocation, never welcomed.
		hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		conn.Send(hctx, wire.Hello{ProtocolVersion: protocol, AppVersion: "load", ClientID: d.clientID, SchemaVersion: wire.SchemaVersion})
		for {
			b, err := conn.RecvRaw(hctx)
			if err != nil {
				cancel()
				conn.CloseNow()
				if transport.CloseStatus(err) == wire.CloseRevoked {
					return time.Now(), nil
				}
				break // closed otherwise: again
			}
			if m, _, _ := wire.DecodeLenient(b); m != nil {
				if _, ok := m.(*wire.Welcome); ok {
					cancel()
					conn.CloseNow()
					return time.Time{}, fmt.Errorf("%s was welcomed after its revocation", d.clientID)
				}
			}
		}
	}
	return time.Time{}, fmt.Errorf("%s: not refused after 20 reconnects", d.clientID)
}

// reconnectStorm restarts the server while every client has one change
// pending. Each client, once its socket closes, reconnects as the apps do
// (stormBackoff: after 0.25–0.5 s, then 0.5–1 s, 1–2 s, … while the
// server is down) with the view version it holds, pushes its change, and
// must see it acknowledged. The time reported runs from the moment the
// server listens again until the last client's change was acknowledged.
// Then the server is killed with SIGKILL and restarted, and every
// client's change must still be recorded (its welcome's last mutation id).
func (r *run) reconnectStorm(ctx context.Context) (time.Duration, int) {
	live := make([]*dev, 0, len(r.devs))
	for _, d := range r.devs {
		if !d.gone.Load() {
			live = append(live, d)
		}
	}
	done := make(chan error, 1)
	pending := make([]uint64, len(live))
	var upAt atomic.Int64 // when the servers listen again (unix ns)
	var mu sync.Mutex
	var resynced, welcomed latencies
	tries := map[int]int{}
	var slowest stormClient
	var lastWelcome time.Duration
	overflowsBefore := listenOverflows()
	go func() {
		done <- parallel(len(live), len(live), func(i int) error {
			d := live[i]
			select {
			case <-d.closed:
			case <-time.After(30 * time.Second):
			}
			closedAt := time.Now()
			attempt := 0
			var welcomedAt time.Time
			for ; ; attempt++ {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(stormBackoff(attempt)):
				}
				t0 := time.Now()
				err := r.connect(ctx, d, d.version)
				if err == nil {
					welcomedAt = time.Now()
					mu.Lock()
					welcomed = append(welcomed, welcomedAt.Sub(t0))
					lastWelcome = max(lastWelcome, welcomedAt.Sub(time.Unix(0, upAt.Load())))
					mu.Unlock()
					break
				}
				if attempt == 12 {
					return err
				}
			}
			id, err := d.push(ctx, fmt.Sprintf("Storm %d", i))
			if err != nil {
				return err
			}
			pending[i] = id
			if err := d.waitAck(ctx, id); err != nil {
				return err
			}
			mu.Lock()
			took := time.Since(time.Unix(0, upAt.Load()))
			resynced = append(resynced, took)
			tries[attempt+1]++
			if took > slowest.took {
				slowest = stormClient{took, closedAt.Sub(time.Unix(0, upAt.Load())), welcomedAt.Sub(time.Unix(0, upAt.Load())), attempt + 1}
			}
			mu.Unlock()
			return nil
		})
	}()
	for _, n := range r.nodes {
		n.stop()
	}
	up := time.Now() // the new processes start now
	upAt.Store(up.UnixNano())
	for _, n := range r.nodes {
		n.start()
	}
	listening := time.Since(up)                      // (to within the 50 ms start polls)
	profiled := r.profileCPU("storm", 5*time.Second) // what the first node spends the storm on
	cpuAtStart := r.cpu()
	cpuAtStart.nodes = 0 // the new processes' time counts from their start
	err := <-done
	elapsed := time.Since(up)
	fmt.Printf("  from the restart until the last change was acknowledged, %s\n", r.cpu().since(cpuAtStart))
	profiled()
	fmt.Printf("  each client, from the restart to its change acknowledged: %s\n", resynced)
	fmt.Printf("  each successful connect → welcome: %s\n", welcomed)
	fmt.Printf("  connection attempts per client: %v\n", tries)
	fmt.Printf("  the new process listening %v after the restart; every client welcomed (reconnected) %v after it\n", listening.Round(time.Millisecond), lastWelcome.Round(time.Millisecond))
	if before, after := overflowsBefore, listenOverflows(); before >= 0 && after >= 0 {
		fmt.Printf("  connections the kernel dropped from full listen queues meanwhile (TcpExt ListenOverflows; the queue holds net.core.somaxconn): %d\n", after-before)
	}
	fmt.Printf("  the last client: closed %v, welcomed %v, acknowledged %v after the restart, %d attempts\n",
		slowest.closed.Round(time.Millisecond), slowest.welcomed.Round(time.Millisecond), slowest.took.Round(time.Millisecond), slowest.attempts)
	lost := 0
	if err != nil {
		fmt.Println("  storm:", err)
	}
	fmt.Printf("  received in the storm: %s\n", &received)
	received.reset()
	// Durability: kill -9 and check every change is still recorded.
	for _, n := range r.nodes {
		n.cmd.Process.Signal(syscall.SIGKILL)
		n.cmd.Wait()
	}
	for _, d := range live {
		select {
		case <-d.closed:
		case <-time.After(10 * time.Second):
		}
	}
	for _, n := range r.nodes {
		n.start()
	}
	var missing atomic.Int64
	parallel(len(live), 256, func(i int) error {
		d := live[i]
		w, err := r.connectWelcome(ctx, d, d.version)
		if err != nil || w.LastMutationID < pending[i] || pending[i] == 0 {
			if missing.Add(1) <= 10 {
				fmt.Printf("  not recorded: %s's change %d (welcome says its last is %d; %v)\n", d.clientID, pending[i], w.LastMutationID, err)
			}
		}
		if d.conn != nil {
			d.conn.CloseNow()
		}
		return nil
	})
	fmt.Printf("  reconnecting after the SIGKILL with the views they hold (nothing changed meanwhile): %s\n", &received)
	return elapsed, lost + int(missing.Load())
}

// stormBackoff is the apps' reconnect delay before attempt n (core's
// Client.backoff with its default 30 s cap): exponential from half a
// second, with jitter over its upper half.
func stormBackoff(n int) time.Duration {
	d := 500 * time.Millisecond
	for i := 0; i < n && d < 30*time.Second; i++ {
		d *= 2
	}
	d = min(d, 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// stormClient is when one client's socket closed, its welcome came and
// its change was acknowledged, from the restart, and in how many
// connection attempts.
type stormClient struct {
	took, closed, welcomed time.Duration
	attempts               int
}
