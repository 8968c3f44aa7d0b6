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

// Taking slow revocations apart. The server runs each revocation request
// as a task of its execution trace ("revocation", logged with the session
// it ends) with regions for its steps (authorize, cut off, commit,
// apply). From a node's trace this reads, for each revocation, where its
// time went on the server: from the moment the request's goroutine was
// woken by the network (the request arrived) to the moment the goroutine
// closing the revoked socket had written its close frame (the thief's
// window as the server sees it), split by step and by what the goroutine
// was doing (running, waiting for a thread, blocked, in a system call),
// with the collector's share over the same time.

// revocationTrace is one revocation as the trace tells it.
type revocationTrace struct {
	session string
	g       trace.GoID
	// noticed: the request's goroutine woken by the network; begin, end:
	// the task; closeCreated, closeRan, closeWritten: the goroutine that
	// closes the revoked socket made, first running, first blocked (its
	// close frame written; it then waits for the client's reply).
	noticed, begin, end                  trace.Time
	closeCreated, closeRan, closeWritten trace.Time
	closer                               trace.GoID
	steps                                map[string]map[string]time.Duration // step → state → time
	gcMark, stw                          time.Duration
	hasClose                             bool
	beforeTask                           map[string]time.Duration
}

// window is the server's part of the thief's window: request noticed →
// close frame written.
func (r *revocationTrace) window() time.Duration {
	if !r.hasClose || r.closeWritten == 0 {
		return 0
	}
	return time.Duration(r.closeWritten - r.noticed)
}

// goState is what the analysis keeps of each goroutine.
type goState struct {
	state     trace.GoState
	reason    string
	since     trace.Time
	runnable  trace.Time // when it last became runnable from waiting
	regions   []string
	rec       *revocationTrace
	closerFor *revocationTrace
}

// attributeRevocations reads the trace at path and returns its
// revocations by session.
func attributeRevocations(path string) (map[string]*revocationTrace, error) {
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
	byTask := map[trace.TaskID]*revocationTrace{}
	out := map[string]*revocationTrace{}
	var all []*revocationTrace
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
			}
			if from == trace.GoNotExist && to == trace.GoRunnable {
				// A goroutine made by a revocation's "cut off" step closes
				// the revoked socket.
				if c := gs[ev.Goroutine()]; c != nil && c.rec != nil && c.step() == "cut off" && !c.rec.hasClose {
					c.rec.hasClose, c.rec.closer, c.rec.closeCreated = true, id, now
					s.closerFor = c.rec
				}
			}
			if to == trace.GoRunnable && from == trace.GoWaiting {
				s.runnable = now
			}
			if r := s.closerFor; r != nil {
				switch {
				case to == trace.GoRunning && r.closeRan == 0:
					r.closeRan = now
				case from == trace.GoRunning && to != trace.GoRunnable && r.closeWritten == 0:
					r.closeWritten = now
					s.closerFor = nil
				}
			}
			s.state, s.reason, s.since = to, st.Reason, now
		case trace.EventTaskBegin:
			t := ev.Task()
			if t.Type != "revocation" {
				continue
			}
			s := g(ev.Goroutine())
			r := &revocationTrace{g: ev.Goroutine(), noticed: s.runnable, begin: now, steps: map[string]map[string]time.Duration{}}
			// Before the task: the request read and its session
			// authenticated, since the network woke the goroutine
			// (not split by state: the trace keeps no history here).
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
			if l := ev.Log(); l.Category == "session" {
				if r := byTask[l.Task]; r != nil {
					r.session = l.Message
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
		to := max(r.end, r.closeWritten)
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

func (r *revocationTrace) add(step, state string, d time.Duration) {
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

// printAttribution prints, for the revocations whose thief's window the
// clients measured (by session), the slowest share taken apart, and the
// mean of every revocation for comparison.
func printAttribution(path string, windows map[string]time.Duration) {
	recs, err := attributeRevocations(path)
	if err != nil {
		fmt.Printf("  (trace %s unreadable: %v)\n", path, err)
		return
	}
	type sample struct {
		client time.Duration
		r      *revocationTrace
	}
	var ss []sample
	for id, w := range windows {
		if r := recs[id]; r != nil && r.hasClose && r.closeWritten != 0 {
			ss = append(ss, sample{w, r})
		}
	}
	if len(ss) == 0 {
		fmt.Printf("  (no revocation of the samples in %s)\n", path)
		return
	}
	slices.SortFunc(ss, func(a, b sample) int { return cmp.Compare(b.client, a.client) })
	fmt.Printf("  taken apart from the trace (%d of the samples in it), in ms: the thief's window as the clients saw it; on the server, from the request's arrival to the close frame written: the request read and authenticated, authorized, cut off, the closing goroutine waiting for a thread and writing; then the commit; the collector's mark phase and stop-the-world pauses over the window\n", len(ss))
	line := func(label string, s sample) {
		r := s.r
		fmt.Printf("    %s client %s | server %s = request %s + authorize %s + cut off %s + closer waiting %s + writing %s | commit %s (%s) | GC marking %s, stopped %s\n",
			label, ms(s.client), ms(r.window()), ms(time.Duration(r.begin-r.noticed)), ms(sum(r.steps["authorize"])), ms(sum(r.steps["cut off"])),
			ms(time.Duration(r.closeRan-r.closeCreated)), ms(time.Duration(r.closeWritten-r.closeRan)),
			ms(sum(r.steps["commit"])), states(r.steps["commit"]), ms(r.gcMark), ms(r.stw))
	}
	n := max(1, len(ss)/100)
	for i := range min(n+2, len(ss)) {
		line(fmt.Sprintf("#%d", i+1), ss[i])
	}
	var mean revocationTrace
	mean.steps = map[string]map[string]time.Duration{}
	var client, window, request, closerWait, closerWrite time.Duration
	for _, s := range ss {
		client += s.client
		window += s.r.window()
		request += time.Duration(s.r.begin - s.r.noticed)
		closerWait += time.Duration(s.r.closeRan - s.r.closeCreated)
		closerWrite += time.Duration(s.r.closeWritten - s.r.closeRan)
		for step, m := range s.r.steps {
			for st, d := range m {
				mean.add(step, st, d)
			}
		}
		mean.gcMark += s.r.gcMark
		mean.stw += s.r.stw
	}
	k := time.Duration(len(ss))
	fmt.Printf("    mean client %s | server %s = request %s + authorize %s + cut off %s + closer waiting %s + writing %s | commit %s (%s) | GC marking %s, stopped %s\n",
		ms(client/k), ms(window/k), ms(request/k), ms(sum(mean.steps["authorize"])/k), ms(sum(mean.steps["cut off"])/k),
		ms(closerWait/k), ms(closerWrite/k), ms(sum(mean.steps["commit"])/k), statesDiv(mean.steps["commit"], k), ms(mean.gcMark/k), ms(mean.stw/k))
}

func sum(m map[string]time.Duration) time.Duration {
	var d time.Duration
	for _, v := range m {
		d += v
	}
	return d
}

func states(m map[string]time.Duration) string { return statesDiv(m, 1) }

func statesDiv(m map[string]time.Duration, k time.Duration) string {
	keys := slices.Sorted(maps.Keys(m))
	var parts []string
	for _, key := range keys {
		parts = append(parts, key+" "+ms(m[key]/k))
	}
	return strings.Join(parts, ", ")
}
