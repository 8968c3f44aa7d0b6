// Package jobs runs durable work over every account (broadcasts, the
// monthly summaries, retention) in the background, on one node at a time:
// each node runs a Runner, and the one holding the store's jobs lease
// does the work, a batch at a time, renewing the lease between batches.
// A node that dies loses the lease when it expires and another resumes
// the job where its last batch left it.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// Work is what the jobs are.
type Work interface {
	// Scheduled returns the periodic jobs due at now; each is named for
	// its period, so one added before is not added again.
	Scheduled(now time.Time) []store.Job
	// Step does the next batch of a job, saving its progress in the same
	// transaction, and returns it as saved.
	Step(ctx context.Context, j store.Job) (store.Job, error)
}

// leaseKey is the store lease of the node running jobs.
const leaseKey = "jobs"

// Runner runs the jobs of a node. Create it with New.
type Runner struct {
	store  store.Store
	work   Work
	now    func() time.Time
	log    *slog.Logger
	holder string
	// Poll is how often a node looks for jobs without being woken
	// (default 5s); Lease how long it holds the jobs lease past its last
	// renewal (default 1m).
	Poll  time.Duration
	Lease time.Duration

	wake chan struct{}
	mu   sync.Mutex // one Tick at a time
}

// New returns a runner of work on st for the node named holder (unique
// among the nodes).
func New(st store.Store, work Work, holder string, now func() time.Time, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{store: st, work: work, now: now, log: log, holder: holder, Poll: 5 * time.Second, Lease: time.Minute, wake: make(chan struct{}, 1)}
}

// Wake makes the runner look for jobs now (a job was added).
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run runs jobs until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		if err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			r.release()
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

// Tick adds the scheduled jobs that are due and, if this node holds (or
// takes) the jobs lease, runs every pending job to its end. It returns
// once there is nothing left to do, the lease is lost, or a step fails
// (which the next Tick retries).
func (r *Runner) Tick(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if ok, err := r.hold(ctx); err != nil || !ok {
			return err
		}
		var pending []store.Job
		err := r.store.Update(ctx, func(tx store.Tx) error {
			for _, j := range r.work.Scheduled(r.now()) {
				if _, err := tx.AddJob(j); err != nil {
					return err
				}
			}
			var err error
			pending, err = tx.PendingJobs(1)
			return err
		})
		if err != nil || len(pending) == 0 {
			return err
		}
		if err := r.finish(ctx, pending[0]); err != nil {
			return err
		}
	}
}

// finish steps a job until it is finished, renewing the lease before each
// step; it stops (nil) when the lease is lost.
func (r *Runner) finish(ctx context.Context, j store.Job) error {
	start := r.now()
	for j.Finished.IsZero() {
		if ok, err := r.hold(ctx); err != nil || !ok {
			return err
		}
		var err error
		if j, err = r.work.Step(ctx, j); err != nil {
			return err
		}
	}
	r.log.Info("job finished", "job", j.ID, "accounts", j.Accounts, "count", j.Count, "took", r.now().Sub(start))
	return nil
}

// hold takes or renews the jobs lease and reports whether this node holds
// it.
func (r *Runner) hold(ctx context.Context) (bool, error) {
	var ok bool
	now := r.now()
	err := r.store.Update(ctx, func(tx store.Tx) (err error) {
		ok, err = tx.TakeLease(leaseKey, r.holder, now, now.Add(r.Lease))
		return
	})
	return ok, err
}

// release gives up the lease when the node stops, so another takes over
// at once.
func (r *Runner) release() {
	if err := r.store.Update(context.Background(), func(tx store.Tx) error { return tx.DropLease(leaseKey, r.holder) }); err != nil {
		r.log.Warn("release the jobs lease", "err", err)
	}
}
