package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// buckets is a latency histogram as the nodes export it: cumulative
// counts by upper bound (seconds), summed over the nodes.
type buckets struct {
	bounds []float64
	counts []uint64
}

// histogram reads the named histogram from every node's admin metrics and
// sums it.
func (r *run) histogram(name string) (buckets, error) {
	var sum buckets
	for _, n := range r.nodes {
		resp, err := http.Get("http://" + n.admin + "/metrics")
		if err != nil {
			return buckets{}, err
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(resp.Body)
		resp.Body.Close()
		if err != nil {
			return buckets{}, err
		}
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

// serverSide runs measure and prints what the nodes' own histogram name
// recorded meanwhile: the server's share of the latency the clients saw.
func (r *run) serverSide(name, what string, measure func()) {
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
