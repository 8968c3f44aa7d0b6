package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dialnexa/account/server/internal/store"
)

// Store returns st with its transactions timed; with nil metrics, st.
func (m *Metrics) Store(st store.Store) store.Store {
	if m == nil {
		return st
	}
	return timedStore{Store: st, m: m}
}

type timedStore struct {
	store.Store
	m *Metrics
}

func (s timedStore) time(kind string, start time.Time, err error) error {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	s.m.storeTx.WithLabelValues(kind, outcome).Observe(time.Since(start).Seconds())
	return err
}

func (s timedStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	start := time.Now()
	return s.time("update", start, s.Store.Update(ctx, fn))
}

func (s timedStore) View(ctx context.Context, fn func(store.Tx) error) error {
	start := time.Now()
	return s.time("view", start, s.Store.View(ctx, fn))
}

func (s timedStore) Batch(ctx context.Context, fn func(store.Tx) error) error {
	start := time.Now()
	return s.time("batch", start, s.Store.Batch(ctx, fn))
}

// Outbox reports the outbox's depth and the age of its oldest mail at each
// scrape, read from st.
func (m *Metrics) Outbox(st store.Store, now func() time.Time) {
	m.Register(outbox{st: st, now: now})
}

var (
	outboxDepth  = prometheus.NewDesc("dialnexa_outbox_mails", "Mails waiting in the outbox (queued, or retrying after a failure).", nil, nil)
	outboxOldest = prometheus.NewDesc("dialnexa_outbox_oldest_age_seconds", "Age of the oldest mail waiting in the outbox (0 when it is empty).", nil, nil)
)

type outbox struct {
	st  store.Store
	now func() time.Time
}

func (o outbox) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDepth; ch <- outboxOldest }

func (o outbox) Collect(ch chan<- prometheus.Metric) {
	var n int
	var oldest time.Time
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := o.st.View(ctx, func(tx store.Tx) (err error) { n, oldest, err = tx.OutboxStats(); return })
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxDepth, err)
		return
	}
	age := 0.0
	if !oldest.IsZero() {
		age = max(o.now().Sub(oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(outboxDepth, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(outboxOldest, prometheus.GaugeValue, age)
}
