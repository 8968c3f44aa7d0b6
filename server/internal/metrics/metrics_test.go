package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/server/internal/metrics"
	"github.com/dialnexa/account/server/internal/store"
)

// scrape returns the exposition the handler serves.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, b)
	}
	return string(b)
}

// What the layers report is exposed under its name and labels; the series
// alerts are written on exist at zero from the start.
func TestRecordedIsExposed(t *testing.T) {
	m := metrics.New()
	before := scrape(t, m)
	for _, want := range []string{`dialnexa_sync_messages_total{direction="in",type="push"} 0`, `dialnexa_rate_limit_refusals_total{where="socket"} 0`, "go_goroutines",
		// The runtime's own view of a tail: scheduling waits, GC pauses and CPU.
		"go_sched_latencies_seconds_bucket", "go_sched_pauses_total_gc_seconds_bucket", "go_cpu_classes_gc_total_cpu_seconds_total", "go_cpu_classes_total_cpu_seconds_total"} {
		if !strings.Contains(before, want) {
			t.Errorf("a fresh node does not expose %s", want)
		}
	}
	m.Request("GET /v1/me", "GET", 200, 3*time.Millisecond)
	m.Messages("in", "push", 2)
	m.Refused("http")
	m.MailSent()
	m.Revoked(time.Millisecond)
	after := scrape(t, m)
	for _, want := range []string{
		`dialnexa_http_requests_total{method="GET",route="GET /v1/me",status="200"} 1`,
		`dialnexa_sync_messages_total{direction="in",type="push"} 2`,
		`dialnexa_rate_limit_refusals_total{where="http"} 1`,
		`dialnexa_mail_sent_total 1`,
		`dialnexa_sync_revocation_seconds_count 1`,
	} {
		if !strings.Contains(after, want) {
			t.Errorf("not exposed: %s", want)
		}
	}
	if got := m.MessageCount("in", "push"); got != 2 {
		t.Errorf("MessageCount = %v, want 2", got)
	}
}

// The timed store times every transaction by kind and outcome, on a real
// bbolt store; the outbox's depth is read at each scrape.
func TestStoreIsTimed(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := metrics.New()
	timed := m.Store(st)
	m.Outbox(st, time.Now)
	ctx := context.Background()
	timed.View(ctx, func(store.Tx) error { return nil })
	timed.Update(ctx, func(tx store.Tx) error {
		return tx.Enqueue(store.Mail{To: "ada@example.com", Subject: "Reset your password", Created: time.Now(), Next: time.Now()})
	})
	timed.Update(ctx, func(store.Tx) error { return errors.New("refused") })
	out := scrape(t, m)
	for _, want := range []string{
		`dialnexa_store_transaction_seconds_count{kind="view",outcome="ok"} 1`,
		`dialnexa_store_transaction_seconds_count{kind="update",outcome="ok"} 1`,
		`dialnexa_store_transaction_seconds_count{kind="update",outcome="error"} 1`,
		`dialnexa_outbox_mails 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("not exposed: %s", want)
		}
	}
}

// Every method is safe on nil metrics: tools and tests need none.
func TestNilRecordsNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Request("GET /", "GET", 200, time.Millisecond)
	m.Messages("in", "push", 1)
	m.Pushed(time.Millisecond)
	m.FannedOut(time.Millisecond)
	m.Revoked(time.Millisecond)
	m.MailSent()
	m.MailFailed()
	m.HashWaited(time.Millisecond)
	m.Refused("http")
	if m.MessageCount("in", "push") != 0 {
		t.Error("nil metrics counted")
	}
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if m.Store(st) != store.Store(st) {
		t.Error("nil metrics wrapped the store")
	}
}
