package mail

import (
	"context"
	"log/slog"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// Retry policy: the wait doubles from a minute up to an hour; a mail still
// undelivered after two days is dropped (and logged).
const (
	firstRetry = time.Minute
	maxRetry   = time.Hour
	giveUp     = 48 * time.Hour
	batch      = 20
	// lease is how long a claimed batch is this worker's: past it (the
	// node died while sending), another worker sends what is left.
	lease = 5 * time.Minute
)

// Worker delivers the outbox. It is safe for concurrent use; any number
// may run on one store (one per node): each claims the mail it sends.
type Worker struct {
	Store     store.Store
	Transport Transport
	Now       func() time.Time
	Log       *slog.Logger
	// Poll is how often the outbox is checked without a Wake (default 5s).
	Poll time.Duration
	// Sent and Failed, when set, are told of each delivery and each
	// failed attempt.
	Sent, Failed func()

	wake chan struct{}
}

// NewWorker returns a worker over st sending through t.
func NewWorker(st store.Store, t Transport, now func() time.Time, log *slog.Logger) *Worker {
	return &Worker{Store: st, Transport: t, Now: now, Log: log, Poll: 5 * time.Second, wake: make(chan struct{}, 1)}
}

// Wake makes the worker look at the outbox now (after a mail was queued).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers mails until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		for w.deliver(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// deliver sends one batch of due mails; it reports whether a full batch was
// due (more may be waiting).
func (w *Worker) deliver(ctx context.Context) bool {
	var due []store.Mail
	now := w.Now()
	if err := w.Store.Update(ctx, func(tx store.Tx) (err error) { due, err = tx.ClaimMail(now, now.Add(lease), batch); return }); err != nil {
		w.Log.Error("claim mail from the outbox", "err", err)
		return false
	}
	for _, m := range due {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := w.Transport.Send(sctx, m)
		cancel()
		now := w.Now()
		if err == nil {
			if w.Sent != nil {
				w.Sent()
			}
			err = w.Store.Update(ctx, func(tx store.Tx) error { return tx.DeleteMail(m.ID) })
			if err != nil {
				w.Log.Error("remove delivered mail from outbox", "id", m.ID, "err", err)
			}
			continue
		}
		if w.Failed != nil {
			w.Failed()
		}
		m.Attempts++
		m.LastErr = err.Error()
		wait := min(firstRetry<<min(m.Attempts-1, 10), maxRetry)
		m.Next = now.Add(wait)
		if now.Sub(m.Created) > giveUp {
			if derr := w.Store.Update(ctx, func(tx store.Tx) error { return tx.DeleteMail(m.ID) }); derr != nil {
				// Still in the outbox: the next pass tries to drop it again.
				w.Log.Error("mail undeliverable; dropping it failed", "id", m.ID, "to", m.To, "subject", m.Subject, "attempts", m.Attempts, "err", err, "drop_err", derr)
				continue
			}
			w.Log.Error("mail undeliverable; dropped", "id", m.ID, "to", m.To, "subject", m.Subject, "attempts", m.Attempts, "err", err)
			continue
		}
		w.Log.Warn("mail delivery failed; will retry", "id", m.ID, "to", m.To, "attempt", m.Attempts, "retry_in", wait, "err", err)
		if err := w.Store.Update(ctx, func(tx store.Tx) error { return tx.PutMail(m) }); err != nil {
			w.Log.Error("reschedule mail", "id", m.ID, "err", err)
		}
	}
	return len(due) == batch
}
