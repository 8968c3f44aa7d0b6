package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

// Taking slow requests apart. The server runs each revocation request as
// a task of its execution trace ("revocation", logged with the session it
// ends) with regions for its steps (authorize, cut off, commit, apply),
// each service event as an "event" task (logged with the account; commit,
// apply), and each socket's push as a "push" task (logged with the
// client; commit, apply), when the trace is on. From a node's trace this reads, for each such task,
// where its time went on the server: from the moment the request's
// goroutine was woken by the network (the request arrived) to the end of
// the revocation's "cut off" step, when the revoked session's connections
// here were closed (the thief's window as the server sees it), or to the
// end of an event's task (its view queued to the account's sockets), split
// by step and by what the goroutine was doing (running, waiting for a
// thread, blocked, in a system call), with the collector's share over the
// same time.

// taskTrace is one traced request (a revocation or an event) as
// the trace tells it.
type taskTrace struct {
	typ string
	key string // the session revoked, the account of the event
	g   trace.GoID
	// noticed: the request's goroutine woken by the network; begin, end:
	// the task; cutOff: the end of its "cut off" step (the connections
	// closed).
	noticed, begin, end, cutOff trace.Time
	steps                       map[string]map[string]time.Duration // step → state → time
	gcMark, stw                 time.Duration
}

// window is the server's part: request noticed → a revocation's
// connections closed, or an event's task done.
func (r *taskTrace) window() time.Duration {
	switch {
	case r.typ == "revocation" && r.cutOff != 0:
		return time.Duration(r.cutOff - r.noticed)
	case r.typ != "revocation" && r.end != 0:
		return time.Duration(r.end - r.noticed)
	}
	return 0
}

// goState is what the analysis keeps of each goroutine.
type goState struct {
	state    trace.GoState
	reason   string
	since    trace.Time
	runnable trace.Time // when it last became runnable from waiting
	// woken is what it did since (state → time), until a task begins.
	woken   map[string]time.Duration
	regions []string
	rec     *taskTrace
}

// attributeTasks reads the trace at path and returns its tasks of type
// typ by key.
func attributeTasks(path, typ string) (map[string]*taskTrace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := trace.NewReader(f)
	if err != nil {
		return nil, err
	}
	gs := map[trace.GoID]*goState{}
	g := func(id trace.GoID) *goState {
		s := gs[id]
		if s == nil {
			s = &goState{}
			gs[id] = s
		}
		return s
	}
	byTask := map[trace.TaskID]*taskTrace{}
	out := map[string]*taskTrace{}
	var all []*taskTrace
	type span struct{ from, to trace.Time }
	var marks, stws []span
	var markFrom, stwFrom trace.Time
	for {
		ev, err := rd.ReadEvent()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		now := ev.Time()
		switch ev.Kind() {
		case trace.EventStateTransition:
			st := ev.StateTransition()
			if st.Resource.Kind != trace.ResourceGoroutine {
				continue
			}
			id := st.Resource.Goroutine()
			from, to := st.Goroutine()
			s := g(id)
			if s.rec != nil {
				s.rec.add(s.step(), stateName(s.state, s.reason), time.Duration(now-s.since))
			} else if s.woken != nil && s.since >= s.runnable {
				s.woken[stateName(s.state, s.reason)] += time.Duration(now - s.since)
			}
			if to == trace.GoRunnable && (from == trace.GoWaiting || from == trace.GoNotExist) {
				// Woken by the network, or made (a new connection's
				// goroutine).
				s.runnable = now
				s.woken = map[string]time.Duration{}
			}
			s.state, s.reason, s.since = to, st.Reason, now
		case trace.EventTaskBegin:
			t := ev.Task()
			if t.Type != typ {
				continue
			}
			s := g(ev.Goroutine())
			r := &taskTrace{typ: typ, g: ev.Goroutine(), noticed: s.runnable, begin: now, steps: map[string]map[string]time.Duration{}}
			// Before the task: the request read and its session
			// authenticated, since the network woke the goroutine.
			if s.woken != nil {
				s.woken[stateName(s.state, s.reason)] += time.Duration(now - s.since)
				r.steps["request"] = s.woken
				s.woken = nil
			}
			s.since = now
			byTask[t.ID] = r
			s.rec = r
			s.regions = nil
			all = append(all, r)
		case trace.EventTaskEnd:
			if r := byTask[ev.Task().ID]; r != nil {
				r.end = now
				if s := gs[r.g]; s != nil && s.rec == r {
					s.rec.add(s.step(), stateName(s.state, s.reason), time.Duration(now-s.since))
					s.since = now
					s.rec = nil
				}
			}
		case trace.EventLog:
			if l := ev.Log(); l.Category == "session" || l.Category == "account" || l.Category == "client" {
				if r := byTask[l.Task]; r != nil {
					r.key = l.Message
					out[l.Message] = r
				}
			}
		case trace.EventRegionBegin, trace.EventRegionEnd:
			s := g(ev.Goroutine())
			if s.rec != nil {
				s.rec.add(s.step(), stateName(s.state, s.reason), time.Duration(now-s.since))
				s.since = now
			}
			if ev.Kind() == trace.EventRegionBegin {
				s.regions = append(s.regions, ev.Region().Type)
			} else if len(s.regions) > 0 {
				if s.rec != nil && s.step() == "cut off" {
					s.rec.cutOff = now
				}
				s.regions = s.regions[:len(s.regions)-1]
			}
		case trace.EventRangeBegin, trace.EventRangeEnd:
			name := ev.Range().Name
			begin := ev.Kind() == trace.EventRangeBegin
			switch {
			case name == "GC concurrent mark phase" && begin:
				markFrom = now
			case name == "GC concurrent mark phase" && markFrom != 0:
				marks = append(marks, span{markFrom, now})
			case strings.HasPrefix(name, "stop-the-world") && begin:
				stwFrom = now
			case strings.HasPrefix(name, "stop-the-world") && stwFrom != 0:
				stws = append(stws, span{stwFrom, now})
			}
		}
	}
	overlap := func(spans []span, from, to trace.Time) time.Duration {
		var d time.Duration
		for _, s := range spans {
			if lo, hi := max(s.from, from), min(s.to, to); hi > lo {
				d += time.Duration(hi - lo)
			}
		}
		return d
	}
	for _, r := range all {
		if r.noticed == 0 || r.noticed > r.begin {
			r.noticed = r.begin
		}
		to := r.noticed + trace.Time(r.window())
		r.gcMark, r.stw = overlap(marks, r.noticed, to), overlap(stws, r.noticed, to)
	}
	return out, nil
}

// step is the revocation step the goroutine is in (its innermost region).
func (s *goState) step() string {
	if len(s.regions) == 0 {
		return "request"
	}
	return s.regions[len(s.regions)-1]
}

func (r *taskTrace) add(step, state string, d time.Duration) {
	if d <= 0 {
		return
	}
	m := r.steps[step]
	if m == nil {
		m = map[string]time.Duration{}
		r.steps[step] = m
	}
	m[state] += d
}

func stateName(s trace.GoState, reason string) string {
	switch s {
	case trace.GoRunnable:
		return "waiting for a thread"
	case trace.GoWaiting:
		return "blocked (" + reason + ")"
	case trace.GoSyscall:
		return "in a system call"
	}
	return strings.ToLower(s.String())
}

// ms writes a duration in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// spans says what the server's part of each task type runs over.
var spans = map[string]string{
	"revocation": "from the request's arrival until its connections here were closed (the thief's window): the request read and authenticated, authorized, cut off; then the commit",
	"event":      "from the request's arrival until its view was queued to the sockets: the request read, the commit, the view built and queued",
	"push":       "from the push handed to a worker until its ack was queued and its view's push begun (the view is built and written after, on other goroutines): waiting for the worker, the commit, the ack and the push begun",
}

// printAttribution prints, for the tasks of type typ whose latency the
// clients measured (by key), the slowest share taken apart, and the mean
// of every one for comparison.
func printAttribution(path, typ string, windows map[string]time.Duration) {
	recs, err := attributeTasks(path, typ)
	if err != nil {
		fmt.Printf("  (trace %s unreadable: %v)\n", path, err)
		return
	}
	type sample struct {
		client time.Duration
		r      *taskTrace
	}
	var ss []sample
	for id, w := range windows {
		if r := recs[id]; r != nil && r.window() > 0 {
			ss = append(ss, sample{w, r})
		}
	}
	if len(ss) == 0 {
		fmt.Printf("  (none of the samples in %s)\n", path)
		return
	}
	slices.SortFunc(ss, func(a, b sample) int { return cmp.Compare(b.client, a.client) })
	steps := []string{"commit", "apply"}
	if typ == "revocation" {
		steps = []string{"authorize", "cut off"}
	}
	fmt.Printf("  taken apart from the trace (%d of the samples in it), in ms: as the clients saw it; on the server, %s (each: running / waiting for a thread / blocked / in a system call); the collector's mark phase and stop-the-world pauses over it\n", len(ss), spans[typ])
	line := func(label string, client time.Duration, r *taskTrace, k time.Duration) {
		var b strings.Builder
		fmt.Fprintf(&b, "    %s client %s | server %s = request %s (%s)", label, ms(client/k), ms(r.window()/k), ms(time.Duration(r.begin-r.noticed)/k), statesDiv(r.steps["request"], k))
		for _, step := range steps {
			fmt.Fprintf(&b, " + %s %s (%s)", step, ms(sum(r.steps[step])/k), statesDiv(r.steps[step], k))
		}
		if typ == "revocation" {
			fmt.Fprintf(&b, " | then commit %s (%s)", ms(sum(r.steps["commit"])/k), statesDiv(r.steps["commit"], k))
		}
		fmt.Fprintf(&b, " | GC marking %s, stopped %s", ms(r.gcMark/k), ms(r.stw/k))
		fmt.Println(b.String())
	}
	n := max(1, len(ss)/100)
	for i := range min(n+2, len(ss)) {
		line(fmt.Sprintf("#%d", i+1), ss[i].client, ss[i].r, 1)
	}
	// The mean: sums over every sample, divided by their number.
	total := taskTrace{typ: typ, steps: map[string]map[string]time.Duration{}}
	var client time.Duration
	for _, s := range ss {
		client += s.client
		total.noticed += s.r.noticed
		total.begin += s.r.begin
		total.cutOff += s.r.cutOff
		total.end += s.r.end
		for step, m := range s.r.steps {
			for st, d := range m {
				total.add(step, st, d)
			}
		}
		total.gcMark += s.r.gcMark
		total.stw += s.r.stw
	}
	line("mean", client, &total, time.Duration(len(ss)))
}

func sum(m map[string]time.Duration) time.Duration {
	var d time.Duration
	for _, v := range m {
		d += v
	}
	return d
}

func statesDiv(m map[string]time.Duration, k time.Duration) string {
	keys := slices.Sorted(maps.Keys(m))
	var parts []string
	for _, key := range keys {
		parts = append(parts, key+" "+ms(m[key]/k))
	}
	return strings.Join(parts, ", ")
}
