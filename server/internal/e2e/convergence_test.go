package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

var (
	convergeSeeds = flag.Int("converge.seeds", 200, "seeds the convergence test runs")
	convergeFirst = flag.Uint64("converge.first", 1, "first seed of the convergence test")
	convergeSeed  = flag.Uint64("converge.seed", 0, "run only this seed of the convergence test (replay a failure)")
	convergeSoak  = flag.Duration("converge.soak", 0, "run the convergence test with new seeds for this long instead")
	convergeSteps = flag.Int("converge.steps", 24, "random steps per seed")
)

// TestConvergence drives one account on three devices (real core clients
// with real bbolt stores) against the real server, built and run as its
// own process with a low per-socket rate limit, through random
// interleavings of offline edits (display name, email preferences, marking
// notifications read), connections cut mid-push, server restarts and
// SIGKILLs, and client restarts. At the end every device must show the
// server's view, and the server's view must be what last-writer-wins per
// field allows: every edit applied in each device's order, none lost, none
// refused. Each seed is deterministic in what it does (not in timing); a
// failure prints the seed and how to run it again.
func TestConvergence(t *testing.T) {
	t.Parallel() // its servers listen below the ephemeral range
	bin := builtServer(t)
	seeds := make(chan uint64)
	go func() {
		defer close(seeds)
		switch {
		case *convergeSeed != 0:
			seeds <- *convergeSeed
		case *convergeSoak > 0:
			end := time.Now().Add(*convergeSoak)
			for s := uint64(time.Now().UnixNano()); time.Now().Before(end); s++ {
				seeds <- s
			}
		default:
			for s := *convergeFirst; s < *convergeFirst+uint64(*convergeSeeds); s++ {
				seeds <- s
			}
		}
	}()
	// Seeds mostly wait on fsyncs and sockets: several run at once.
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		ran    int
		failed []uint64
		stats  runStats
	)
	for range 6 {
		wg.Go(func() {
			for seed := range seeds {
				st, err := runSeed(bin, seed, *convergeSteps)
				mu.Lock()
				ran++
				stats.add(st)
				if err != nil {
					failed = append(failed, seed)
					t.Errorf("seed %d: %v\n  run it again: go test ./server/internal/e2e -run 'TestConvergence$' -converge.seed=%d -v", seed, err, seed)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("%d seeds, %d failed; %s", ran, len(failed), stats)
	if ran == 0 {
		t.Fatal("no seed ran")
	}
	if stats.edits == 0 || stats.kills == 0 || stats.cuts == 0 || stats.reopens == 0 {
		t.Errorf("the seeds never exercised part of the chaos (%s): the test proves less than it says", stats)
	}
}

// runStats counts what the seeds did, to show the test exercised it all.
type runStats struct{ edits, refusedLocally, cuts, restarts, kills, reopens, offline int }

func (s *runStats) add(o runStats) {
	s.edits += o.edits
	s.refusedLocally += o.refusedLocally
	s.cuts += o.cuts
	s.restarts += o.restarts
	s.kills += o.kills
	s.reopens += o.reopens
	s.offline += o.offline
}

func (s runStats) String() string {
	return fmt.Sprintf("%d edits, %d connection cuts, %d server restarts, %d SIGKILLs, %d client restarts, %d offline spells",
		s.edits, s.cuts, s.restarts, s.kills, s.reopens, s.offline)
}

const convergePassword = "quartz lantern 58&"

// runSeed runs one seed and returns what it did and the first violation.
func runSeed(bin string, seed uint64, steps int) (st runStats, err error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e9955bd1e995))
	dir, err := os.MkdirTemp("", "converge-")
	if err != nil {
		return st, err
	}
	defer os.RemoveAll(dir)
	// A port of its own, below the ephemeral range and distinct for the
	// seeds that run at once, so a restart never finds it taken by another
	// seed's server or connection (which would then answer for it).
	args, err := serverStoreArgs(filepath.Join(dir, "server"))
	if err != nil {
		return st, err
	}
	srv := &procServer{bin: bin, dir: filepath.Join(dir, "server"), token: "converge-service-token-0123456789abcdef",
		addr: fmt.Sprintf("127.0.0.1:%d", 20000+seed%10000), storeArgs: args}
	if err := srv.start(); err != nil {
		return st, err
	}
	defer srv.stop(syscall.SIGKILL)

	// One account with notifications to mark read, on three devices.
	email := fmt.Sprintf("converge-%d@example.com", seed)
	devs := make([]*device, 3)
	for i := range devs {
		d, err := newDevice(filepath.Join(dir, fmt.Sprintf("device-%d.db", i)), srv.addr)
		if err != nil {
			return st, err
		}
		defer d.close()
		devs[i] = d
	}
	ctx := context.Background()
	if err := devs[0].c.SignUp(ctx, email, convergePassword, "Initial Name"); err != nil {
		return st, fmt.Errorf("sign up: %w", err)
	}
	for i := range 6 {
		body := fmt.Sprintf(`{"type":"campaign_completed","email":%q,"campaignId":"c%d","calls":%d}`, email, i, 10+i)
		if err := srv.post("/internal/v1/events", body); err != nil {
			return st, err
		}
	}
	for _, d := range devs[1:] {
		if err := d.c.SignIn(ctx, email, convergePassword, ""); err != nil {
			return st, fmt.Errorf("sign in: %w", err)
		}
	}
	for _, d := range devs {
		d.run()
	}
	if err := waitUntil(20*time.Second, func() bool {
		for _, d := range devs {
			if s := d.c.Snapshot(); s.Conn != core.Online || len(s.View.Inbox) < 6 {
				return false
			}
		}
		return true
	}); err != nil {
		return st, fmt.Errorf("devices never came online: %w", err)
	}

	m := newModel(len(devs))
	serverUp := true
	for range steps {
		d := rng.IntN(len(devs))
		dev := devs[d]
		switch p := rng.IntN(100); {
		case p < 55: // a few edits in a row, online or not
			for range 1 + rng.IntN(4) {
				if made, err := randomEdit(rng, dev, d, m); err != nil {
					return st, err
				} else if made {
					st.edits++
				} else {
					st.refusedLocally++
				}
				time.Sleep(time.Duration(rng.IntN(3)) * time.Millisecond)
			}
		case p < 65: // the device goes offline, or comes back
			if dev.running() {
				dev.stop()
				st.offline++
			} else {
				dev.run()
			}
		case p < 75: // the network drops the device's connection, maybe mid-push
			dev.proxy.cut()
			st.cuts++
		case p < 82: // the app is closed and opened again
			if err := dev.reopen(); err != nil {
				return st, err
			}
			st.reopens++
		case p < 88 && serverUp: // the server is stopped, killed or restarted
			sig := syscall.SIGTERM
			if rng.IntN(2) == 0 {
				sig = syscall.SIGKILL
				st.kills++
			} else {
				st.restarts++
			}
			srv.stop(sig)
			serverUp = false
			if rng.IntN(2) == 0 {
				if err := srv.start(); err != nil {
					return st, err
				}
				serverUp = true
			}
		case p < 92 && !serverUp:
			if err := srv.start(); err != nil {
				return st, err
			}
			serverUp = true
		default: // let the devices talk for a moment
			time.Sleep(time.Duration(rng.IntN(30)) * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(8)) * time.Millisecond)
	}

	// Heal: the server up, every device running; they must converge.
	if !serverUp {
		if err := srv.start(); err != nil {
			return st, err
		}
	}
	for _, d := range devs {
		if !d.running() {
			d.run()
		}
	}
	var server model.View
	if err := waitUntil(30*time.Second, func() bool {
		v, err := srv.view(devs[0].token())
		if err != nil {
			return false
		}
		server = v
		for _, d := range devs {
			s := d.c.Snapshot()
			if s.Conn != core.Online || s.Pending != 0 || !sameFields(s.View, v) {
				return false
			}
		}
		return true
	}); err != nil {
		var b strings.Builder
		for i, d := range devs {
			s := d.c.Snapshot()
			fmt.Fprintf(&b, "\n  device %d: %s, %d pending, name %q, prefs %v, read %v, notice %q", i, s.Conn, s.Pending, s.View.Profile.DisplayName, s.View.EmailPrefs, readIDs(s.View), s.Notice)
		}
		return st, fmt.Errorf("devices did not converge on the server's view (name %q, prefs %v, read %v):%s", server.Profile.DisplayName, server.EmailPrefs, readIDs(server), b.String())
	}
	for i, d := range devs {
		if n := d.c.Snapshot().Notice; strings.Contains(n, "not saved") {
			return st, fmt.Errorf("device %d was told a valid edit was refused: %q", i, n)
		}
	}
	return st, m.check(server)
}

// randomEdit makes one edit on device d as its user would, recording it in
// the model. It reports false when the rules refused it on the spot (the
// user saw the reason; nothing was queued).
func randomEdit(rng *rand.Rand, dev *device, d int, m *expected) (bool, error) {
	view := dev.c.Snapshot().View
	var err error
	var rec func()
	switch p := rng.IntN(100); {
	case p < 40:
		name := fmt.Sprintf("Device %d Edit %d", d, m.next())
		err, rec = dev.c.SetDisplayName(name), func() { m.names[d] = append(m.names[d], name) }
	case p < 70:
		typ := model.NotificationTypes[rng.IntN(len(model.NotificationTypes))]
		on := rng.IntN(2) == 0
		err, rec = dev.c.SetEmailNotification(typ.ID, on), func() { m.prefs[d][typ.ID] = append(m.prefs[d][typ.ID], on) }
	case p < 95:
		if len(view.Inbox) == 0 {
			return false, nil
		}
		id := view.Inbox[rng.IntN(len(view.Inbox))].ID
		err, rec = dev.c.MarkNotificationRead(id), func() { m.read[id] = true }
	default:
		if len(view.Inbox) == 0 {
			return false, nil
		}
		upTo := view.Inbox[0].ID
		err, rec = dev.c.MarkAllNotificationsRead(), func() {
			for id := uint64(1); id <= upTo; id++ {
				m.read[id] = true
			}
		}
	}
	if errors.Is(err, model.ErrInvalid) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("edit on device %d: %w", d, err)
	}
	rec()
	return true, nil
}

// expected is what last-writer-wins per field allows the server to end with.
type expected struct {
	n     int
	names [][]string          // per device, in the order made
	prefs []map[string][]bool // per device and type, in order
	read  map[uint64]bool     // marked read by any device
}

func newModel(devices int) *expected {
	m := &expected{names: make([][]string, devices), prefs: make([]map[string][]bool, devices), read: map[uint64]bool{}}
	for i := range m.prefs {
		m.prefs[i] = map[string][]bool{}
	}
	return m
}

func (m *expected) next() int { m.n++; return m.n }

// check compares the server's final view with the model: each field holds
// the last value some device wrote to it (the server applies each device's
// edits in order, so an earlier value of a device cannot come last), or its
// initial value when nobody wrote it; every notification marked read by
// anyone is read, and no other.
func (m *expected) check(v model.View) error {
	var lasts []string
	for _, ns := range m.names {
		if len(ns) > 0 {
			lasts = append(lasts, ns[len(ns)-1])
		}
	}
	if len(lasts) == 0 {
		lasts = []string{"Initial Name"}
	}
	if !slices.Contains(lasts, v.Profile.DisplayName) {
		return fmt.Errorf("server's name %q is none of the devices' last edits %q: an edit was lost or applied out of order", v.Profile.DisplayName, lasts)
	}
	for _, typ := range model.NotificationTypes {
		var allowed []bool
		for _, p := range m.prefs {
			if vs := p[typ.ID]; len(vs) > 0 {
				allowed = append(allowed, vs[len(vs)-1])
			}
		}
		if len(allowed) == 0 || typ.Locked {
			allowed = []bool{model.EmailEnabled(nil, typ.ID)}
		}
		if got := model.EmailEnabled(v.EmailPrefs, typ.ID); !slices.Contains(allowed, got) {
			return fmt.Errorf("server's email setting for %s is %v; the devices' last edits allow only %v", typ.ID, got, allowed)
		}
	}
	unread := 0
	for _, n := range v.Inbox {
		if n.Read != m.read[n.ID] {
			return fmt.Errorf("notification %d read=%v on the server; the devices marked %v read", n.ID, n.Read, m.read)
		}
		if !n.Read {
			unread++
		}
	}
	if v.Unread != unread {
		return fmt.Errorf("server counts %d unread, its inbox shows %d", v.Unread, unread)
	}
	return nil
}

// sameFields reports whether two views agree on what the test edits.
func sameFields(a, b model.View) bool {
	if a.Profile.DisplayName != b.Profile.DisplayName || a.Unread != b.Unread || len(a.Inbox) != len(b.Inbox) {
		return false
	}
	for _, typ := range model.NotificationTypes {
		if model.EmailEnabled(a.EmailPrefs, typ.ID) != model.EmailEnabled(b.EmailPrefs, typ.ID) {
			return false
		}
	}
	return slices.Equal(readIDs(a), readIDs(b))
}

func readIDs(v model.View) []uint64 {
	var ids []uint64
	for _, n := range v.Inbox {
		if n.Read {
			ids = append(ids, n.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// waitUntil polls cond until it holds or the hang guard d passes.
func waitUntil(d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not after %s", d)
		}
		time.Sleep(15 * time.Millisecond)
	}
	return nil
}
