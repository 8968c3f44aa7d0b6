// Package metrics is the server's Prometheus instrumentation: one registry
// per node, the collectors every layer reports to, and a store that times
// its transactions. Every method is safe on a nil *Metrics (nothing is
// recorded), so tests and tools need none.
package metrics

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/dialnexa/account/sync/wire"
)

// latency are the buckets of the latencies users feel, from 0.5 ms to 10 s.
var latency = []float64{.0005, .001, .002, .003, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// runtimeTails are the runtime's own histograms and CPU classes that say
// where a latency's tail went: how long runnable goroutines waited for a
// thread (/sched/latencies), the collector's stop-the-world pauses, and
// the CPU the collector took of the whole (go_sched_latencies_seconds,
// go_sched_pauses_total_gc_seconds, go_cpu_classes_gc_total_cpu_seconds_total,
// go_cpu_classes_total_cpu_seconds_total).
var runtimeTails = collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/(sched/latencies|sched/pauses/total/gc|cpu/classes/gc/total|cpu/classes/total):`)}

// Metrics holds one node's collectors.
type Metrics struct {
	reg *prometheus.Registry

	requests       *prometheus.CounterVec
	requestSeconds *prometheus.HistogramVec
	messages       *prometheus.CounterVec
	push           prometheus.Histogram
	fanout         prometheus.Histogram
	revocation     prometheus.Histogram
	cutOff         prometheus.Counter
	storeTx        *prometheus.HistogramVec
	mailSent       prometheus.Counter
	mailFailures   prometheus.Counter
	hashWait       prometheus.Histogram
	refusals       *prometheus.CounterVec
}

// New returns a node's metrics on a registry of their own, with the Go
// runtime's and the process's.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(runtimeTails)),
		collectors.NewBuildInfoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dialnexa_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dialnexa_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern.", Buckets: latency,
		}, []string{"route"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dialnexa_sync_messages_total", Help: "Sync socket messages, by direction (in, out) and type.",
		}, []string{"direction", "type"}),
		push: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dialnexa_sync_push_seconds", Help: "From a committed change to its view sent on every socket of the account on this node.", Buckets: latency,
		}),
		fanout: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dialnexa_sync_fanout_seconds", Help: "From a committed event to it sent on every socket of the account on this node.", Buckets: latency,
		}),
		revocation: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dialnexa_sync_revocation_seconds", Help: "From a committed revocation to the revoked sockets on this node closed.", Buckets: latency,
		}),
		cutOff: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dialnexa_sync_cut_off_total", Help: "Sockets on this node closed by a revocation it took, at once, before the revocation was committed (sockets on other nodes close after: dialnexa_sync_revocation_seconds).",
		}),
		storeTx: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "dialnexa_store_transaction_seconds", Help: "Store transactions, by kind (update, batch, view) and outcome (ok, error).", Buckets: latency,
		}, []string{"kind", "outcome"}),
		mailSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dialnexa_mail_sent_total", Help: "Mails handed to the mail transport.",
		}),
		mailFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dialnexa_mail_failures_total", Help: "Mail deliveries that failed (each is retried with backoff).",
		}),
		hashWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dialnexa_password_hash_wait_seconds", Help: "Time a password hash waited for its turn (a few run at once, 19 MiB each).", Buckets: latency,
		}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dialnexa_rate_limit_refusals_total", Help: "Requests and sync messages refused as too many, by where (http, socket).",
		}, []string{"where"}),
	}
	reg.MustRegister(m.requests, m.requestSeconds, m.messages, m.push, m.fanout, m.revocation, m.cutOff, m.storeTx, m.mailSent, m.mailFailures, m.hashWait, m.refusals)
	// The series alerts are written on exist from the start, at zero (an
	// alert on a rate sees no series until the first message otherwise).
	for _, t := range []string{wire.TypeHello, wire.TypePush, wire.TypePing, wire.TypeResync} {
		m.messages.WithLabelValues("in", t)
	}
	for _, t := range []string{wire.TypeWelcome, wire.TypePushAck, wire.TypeView, wire.TypeEvent, wire.TypeRevoked, wire.TypeError, wire.TypePong} {
		m.messages.WithLabelValues("out", t)
	}
	for _, where := range []string{"http", "socket"} {
		m.refusals.WithLabelValues(where)
	}
	return m
}

// Handler serves the metrics in Prometheus's exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// GaugeFunc registers a gauge read from f at each scrape.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// Register adds a collector of its own (the outbox's, say).
func (m *Metrics) Register(c prometheus.Collector) {
	if m != nil {
		m.reg.MustRegister(c)
	}
}

// Request records one answered HTTP request.
func (m *Metrics) Request(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.requestSeconds.WithLabelValues(route).Observe(d.Seconds())
}

// Messages counts n sync messages in or out ("in", "out") of a type.
func (m *Metrics) Messages(direction, typ string, n int) {
	if m != nil && n > 0 {
		m.messages.WithLabelValues(direction, typ).Add(float64(n))
	}
}

// MessageCount returns how many sync messages of the type went in the
// direction ("in", "out") so far (for example the clients' requests for a
// whole view after a patch that did not fit: "in", "resync").
func (m *Metrics) MessageCount(direction, typ string) float64 {
	if m == nil {
		return 0
	}
	var d dto.Metric
	if err := m.messages.WithLabelValues(direction, typ).Write(&d); err != nil {
		return 0
	}
	return d.GetCounter().GetValue()
}

// Pushed, FannedOut and Revoked record the latencies of the live paths.
func (m *Metrics) Pushed(d time.Duration) {
	if m != nil {
		m.push.Observe(d.Seconds())
	}
}

func (m *Metrics) FannedOut(d time.Duration) {
	if m != nil {
		m.fanout.Observe(d.Seconds())
	}
}

// CutOff counts sockets closed by a revocation before its commit.
func (m *Metrics) CutOff(n int) {
	if m != nil {
		m.cutOff.Add(float64(n))
	}
}

func (m *Metrics) Revoked(d time.Duration) {
	if m != nil {
		m.revocation.Observe(d.Seconds())
	}
}

// MailSent and MailFailed count deliveries.
func (m *Metrics) MailSent() {
	if m != nil {
		m.mailSent.Inc()
	}
}

func (m *Metrics) MailFailed() {
	if m != nil {
		m.mailFailures.Inc()
	}
}

// HashWaited records how long a password hash waited for its turn.
func (m *Metrics) HashWaited(d time.Duration) {
	if m != nil {
		m.hashWait.Observe(d.Seconds())
	}
}

// Refused counts a request or message refused as too many.
func (m *Metrics) Refused(where string) {
	if m != nil {
		m.refusals.WithLabelValues(where).Inc()
	}
}
