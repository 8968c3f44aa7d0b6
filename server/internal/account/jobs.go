package account

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// Kinds of jobs.
const (
	JobBroadcast = "broadcast" // an event for every account
	JobSummaries = "summaries" // the monthly usage summaries
	JobRetention = "retention" // pruning what is no longer needed
)

// jobBatch is how many accounts one step of a job handles, in one
// transaction.
const jobBatch = 200

// Broadcast starts a job that raises the platform status e for every
// account and returns it. The work happens in the background, in batches
// (see Step); Job says how far it is.
func (s *Service) Broadcast(ctx context.Context, e ServiceEvent) (store.Job, error) {
	if e.Type != "platform_status" {
		return store.Job{}, invalid("Only platform_status goes to every account; say which account: email or accountId.")
	}
	if msg := validateEvent(e); msg != "" {
		return store.Job{}, invalid("%s", msg)
	}
	now := s.now()
	if e.At.IsZero() {
		e.At = now
	}
	id, err := auth.NewID(s.rand)
	if err != nil {
		return store.Job{}, err
	}
	args, err := json.Marshal(e)
	if err != nil {
		return store.Job{}, err
	}
	j := store.Job{ID: JobBroadcast + "/" + id, Kind: JobBroadcast, Args: args, Created: now}
	err = s.change(ctx, func(tx txn) error {
		tx.fx.Jobs = true
		_, err := tx.AddJob(j)
		return err
	})
	return j, err
}

// Job returns the job with the id.
func (s *Service) Job(ctx context.Context, id string) (store.Job, error) {
	var j store.Job
	err := s.store.View(ctx, func(tx store.Tx) (err error) { j, err = tx.Job(id); return })
	if isNotFound(err) {
		return j, notFound("No job has that id.")
	}
	return j, err
}

// Scheduled returns the periodic jobs due at now (see Scheduled).
func (s *Service) Scheduled(now time.Time) []store.Job { return Scheduled(now) }

// Scheduled returns the periodic jobs due at now, each named for its
// period so that adding one that exists adds nothing: the summaries of
// the previous month, and retention once an hour. A month's summaries are
// due once it has ended in every time zone (12 hours into the next month
// in UTC: no zone is further behind).
func Scheduled(now time.Time) []store.Job {
	now = now.UTC()
	ended := now.Add(-monthEndsEverywhere)
	prev := time.Date(ended.Year(), ended.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	return []store.Job{
		{ID: JobSummaries + "/" + prev, Kind: JobSummaries, Args: json.RawMessage(`"` + prev + `"`), Created: now},
		{ID: JobRetention + "/" + now.Format("2006-01-02T15"), Kind: JobRetention, Created: now},
	}
}

// Step does the next batch of the job in one transaction that also saves
// its progress, and returns the job as saved (Finished set when it is
// done). A step that fails changes nothing; running it again resumes.
func (s *Service) Step(ctx context.Context, j store.Job) (store.Job, error) {
	switch j.Kind {
	case JobBroadcast:
		var e ServiceEvent
		if err := json.Unmarshal(j.Args, &e); err != nil {
			return s.abandon(ctx, j, fmt.Errorf("broadcast arguments: %w", err))
		}
		return s.eachAccount(ctx, j, func(tx txn, a *store.Account) (int, error) {
			return s.applyServiceEvent(tx, a, e, s.now())
		})
	case JobSummaries:
		var month string
		if err := json.Unmarshal(j.Args, &month); err != nil {
			return s.abandon(ctx, j, fmt.Errorf("summaries arguments: %w", err))
		}
		prev, err := time.Parse("2006-01", month)
		if err != nil {
			return s.abandon(ctx, j, fmt.Errorf("summaries month %q: %w", month, err))
		}
		return s.eachAccount(ctx, j, func(tx txn, a *store.Account) (int, error) {
			return s.summarize(tx, a, prev)
		})
	case JobRetention:
		return s.retain(ctx, j)
	}
	return s.abandon(ctx, j, fmt.Errorf("unknown kind of job %q", j.Kind))
}

// abandon finishes a job that cannot be done, saying why in the log.
func (s *Service) abandon(ctx context.Context, j store.Job, why error) (store.Job, error) {
	s.log.Error("job abandoned", "job", j.ID, "err", why)
	j.Finished, j.Cursor = s.now(), ""
	return j, s.store.Update(ctx, func(tx store.Tx) error { return tx.PutJob(j) })
}

// eachAccount runs fn on the next batch of accounts after the job's
// cursor, each stored after it, and the job's progress, in one
// transaction; fn returns how many notifications it raised.
func (s *Service) eachAccount(ctx context.Context, j store.Job, fn func(tx txn, a *store.Account) (int, error)) (store.Job, error) {
	var out store.Job
	err := s.change(ctx, func(tx txn) error {
		out = j
		cur, err := tx.Job(j.ID) // the saved progress is the truth
		if err != nil {
			return err
		}
		if !cur.Finished.IsZero() {
			out = cur
			return nil
		}
		ids, err := tx.AccountIDsAfter(cur.Cursor, jobBatch)
		if err != nil {
			return err
		}
		out = cur
		for _, id := range ids {
			a, err := tx.Account(id)
			if err != nil {
				return err
			}
			n, err := fn(tx, &a)
			if err != nil {
				return fmt.Errorf("account %s: %w", id, err)
			}
			if n > 0 {
				if err := tx.PutAccount(a); err != nil {
					return err
				}
			}
			out.Cursor, out.Accounts, out.Count = id, out.Accounts+1, out.Count+n
		}
		if len(ids) < jobBatch {
			// Finished: its position, an account's id, is not kept.
			out.Finished, out.Cursor = s.now(), ""
		}
		return tx.PutJob(out)
	})
	return out, err
}

// monthEndsEverywhere is how long after a month ends in UTC it has ended
// in every time zone.
const monthEndsEverywhere = 12 * time.Hour

// summarize sends the account the summary of the month starting at prev
// (the account's month, in its time zone) if it existed before that month
// ended and has not had it.
func (s *Service) summarize(tx txn, a *store.Account, prev time.Time) (int, error) {
	key := prev.Format("2006-01")
	end := time.Date(prev.Year(), prev.Month()+1, 1, 0, 0, 0, 0, zone(a.TimeZone))
	if !a.Created.Before(end) || a.SummarySent >= key {
		return 0, nil
	}
	u := a.Usage[key]
	body := fmt.Sprintf("%s: %d calls (%d failed), %d campaigns completed.", prev.Format("January 2006"), u.Calls, u.Failed, u.Campaigns)
	if err := s.notify(tx, a, model.NotifMonthlySummary, "Monthly usage summary for "+prev.Format("January 2006"), body, "/usage?month="+key, s.now()); err != nil {
		return 0, err
	}
	a.SummarySent = key
	return 1, nil
}
