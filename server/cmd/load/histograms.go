package main

import (
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// buckets is a latency histogram as the nodes export it: cumulative
// counts by upper bound (seconds), summed over the nodes.
type buckets struct {
	bounds []float64
	counts []uint64
}

// metrics reads every node's admin metrics once.
func (r *run) metrics() ([]map[string]*dto.MetricFamily, error) {
	out := make([]map[string]*dto.MetricFamily, 0, len(r.nodes))
	for _, n := range r.nodes {
		resp, err := http.Get("http://" + n.admin + "/metrics")
		if err != nil {
			return nil, err
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, fams)
	}
	return out, nil
}

// histogram reads the named histogram from every node's admin metrics and
// sums it.
func (r *run) histogram(name string) (buckets, error) {
	ms, err := r.metrics()
	if err != nil {
		return buckets{}, err
	}
	return histogramOf(ms, name)
}

// histogramOf sums the named histogram over the nodes' metrics.
func histogramOf(ms []map[string]*dto.MetricFamily, name string) (buckets, error) {
	var sum buckets
	for _, fams := range ms {
		f, ok := fams[name]
		if !ok || len(f.GetMetric()) == 0 {
			return buckets{}, fmt.Errorf("%s: not exported", name)
		}
		for i, b := range f.GetMetric()[0].GetHistogram().GetBucket() {
			if len(sum.bounds) <= i {
				sum.bounds = append(sum.bounds, b.GetUpperBound())
				sum.counts = append(sum.counts, 0)
			}
			sum.counts[i] += b.GetCumulativeCount()
		}
	}
	return sum, nil
}

// counterOf sums the named counter over the nodes' metrics.
func counterOf(ms []map[string]*dto.MetricFamily, name string) (float64, error) {
	var sum float64
	for _, fams := range ms {
		f, ok := fams[name]
		if !ok || len(f.GetMetric()) == 0 {
			return 0, fmt.Errorf("%s: not exported", name)
		}
		sum += f.GetMetric()[0].GetCounter().GetValue()
	}
	return sum, nil
}

// since returns what was recorded after before.
func (b buckets) since(before buckets) buckets {
	out := buckets{bounds: b.bounds, counts: make([]uint64, len(b.counts))}
	for i := range b.counts {
		out.counts[i] = b.counts[i]
		if i < len(before.counts) {
			out.counts[i] -= before.counts[i]
		}
	}
	return out
}

// String gives the share within each bound up to 25 ms, and the bounds the
// median and the 99th percentile fall under.
func (b buckets) String() string {
	if len(b.counts) == 0 || b.counts[len(b.counts)-1] == 0 {
		return "nothing recorded"
	}
	total := b.counts[len(b.counts)-1]
	under := func(q float64) string {
		for i, c := range b.counts {
			if float64(c) >= q*float64(total) {
				return fmt.Sprintf("≤ %g ms", b.bounds[i]*1000)
			}
		}
		return "over the last bound"
	}
	var shares []string
	for i, bound := range b.bounds {
		if bound > 0.025 {
			break
		}
		shares = append(shares, fmt.Sprintf("%.1f%% ≤ %g ms", 100*float64(b.counts[i])/float64(total), bound*1000))
	}
	return fmt.Sprintf("%d recorded; p50 %s, p99 %s; %s", total, under(0.5), under(0.99), strings.Join(shares, ", "))
}

// traceDir, when set (-traces), is where the servers' flight recorder
// traces are written after the phases that measure tails.
var traceDir string

// saveTraces writes each node's flight recorder trace of the last seconds
// (the phase just measured) into traceDir as PHASE-nodeN.trace.
func (r *run) saveTraces(phase string) (paths []string) {
	if traceDir == "" {
		return nil
	}
	for i, n := range r.nodes {
		path := filepath.Join(traceDir, fmt.Sprintf("%s-node%d.trace", phase, i+1))
		if err := os.MkdirAll(traceDir, 0o755); err != nil {
			fmt.Printf("  (trace of %s unavailable: %v)\n", phase, err)
			return paths
		}
		if err := fetch("http://"+n.admin+"/debug/flightrecorder", path); err != nil {
			fmt.Printf("  (trace of %s unavailable: %v)\n", phase, err)
			continue
		}
		fmt.Printf("  execution trace of the last seconds: %s (go tool trace %s)\n", path, path)
		paths = append(paths, path)
	}
	return paths
}

// runtimeView is the runtime's own account of the servers over a phase:
// how long runnable goroutines waited for a thread, the collector's
// stop-the-world pauses, and the share of CPU it took.
type runtimeView struct {
	sched, pauses   buckets
	gcCPU, totalCPU float64
}

func (r *run) runtimeNow() (runtimeView, error) {
	var v runtimeView
	ms, err := r.metrics() // one read of each node for all four
	if err != nil {
		return v, err
	}
	if v.sched, err = histogramOf(ms, "go_sched_latencies_seconds"); err != nil {
		return v, err
	}
	if v.pauses, err = histogramOf(ms, "go_sched_pauses_total_gc_seconds"); err != nil {
		return v, err
	}
	if v.gcCPU, err = counterOf(ms, "go_cpu_classes_gc_total_cpu_seconds_total"); err != nil {
		return v, err
	}
	v.totalCPU, err = counterOf(ms, "go_cpu_classes_total_cpu_seconds_total")
	return v, err
}

func (v runtimeView) since(before runtimeView) string {
	share := 0.0
	if d := v.totalCPU - before.totalCPU; d > 0 {
		share = 100 * (v.gcCPU - before.gcCPU) / d
	}
	return fmt.Sprintf("scheduling waits: %s\n  GC pauses: %s\n  GC took %.1f%% of the servers' CPU", v.sched.since(before.sched).brief(), v.pauses.since(before.pauses).brief(), share)
}

// brief gives the count and the bounds the median, 99th percentile and
// largest fall under.
func (b buckets) brief() string {
	if len(b.counts) == 0 || b.counts[len(b.counts)-1] == 0 {
		return "none"
	}
	total := b.counts[len(b.counts)-1]
	under := func(q float64) string {
		for i, c := range b.counts {
			if float64(c) >= q*float64(total) {
				if math.IsInf(b.bounds[i], 1) {
					return "over the last bound"
				}
				return fmt.Sprintf("≤ %.3g ms", b.bounds[i]*1000)
			}
		}
		return "over the last bound"
	}
	return fmt.Sprintf("%d; p50 %s, p99 %s, max %s", total, under(0.5), under(0.99), under(1))
}

// serverSide runs measure and prints what the nodes' own histogram name
// recorded meanwhile: the server's share of the latency the clients saw,
// and the runtime's account of the servers over it.
func (r *run) serverSide(name, what string, measure func()) {
	rtBefore, rtErr := r.runtimeNow()
	defer func() {
		if rtErr != nil {
			fmt.Printf("  (the runtime's view of %s unavailable: %v)\n", what, rtErr)
			return
		}
		after, err := r.runtimeNow()
		if err != nil {
			fmt.Printf("  (the runtime's view of %s unavailable: %v)\n", what, err)
			return
		}
		fmt.Printf("  the servers' runtime over the %s: %s\n", what, after.since(rtBefore))
	}()
	before, err := r.histogram(name)
	measure()
	if err != nil {
		fmt.Printf("  (server side of %s unavailable: %v)\n", what, err)
		return
	}
	after, err := r.histogram(name)
	if err != nil {
		fmt.Printf("  (server side of %s unavailable: %v)\n", what, err)
		return
	}
	fmt.Printf("  server side (%s, from the commit until the hub wrote or closed every socket): %s\n", what, after.since(before))
}
