package account

import (
	"context"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
)

// What retention keeps (the hourly retention job deletes the rest).
const (
	// CallsKept: call outcomes, for the error-rate window with a margin.
	CallsKept = 2 * errorRateWindow
	// EndedKept: the records of ended sessions, which tell a device
	// coming back why it was signed out; after that it is told its
	// session is not valid.
	EndedKept = 30 * 24 * time.Hour
	// GuardsKept: rate-limit buckets, failure counts of addresses with no
	// account and leases, after their last use (every limit is whole
	// again within an hour).
	GuardsKept = 24 * time.Hour
	// JobsKept: finished jobs.
	JobsKept = 30 * 24 * time.Hour
	// FeedKept: events, notifications and security-activity entries per
	// account, each (the view shows the newest 50 notifications and 50
	// activity entries; a reconnecting client replays at most 100 events).
	FeedKept = 200
	// ChangesKept: the changes log services follow; one that comes back
	// after longer is told to drop its cache.
	ChangesKept = 24 * time.Hour
	// Link tokens go once expired; audit entries after model.AuditRetention.
)

// pruneBatch is how many records one retention step looks at.
const pruneBatch = 1000

// retentionStages are the steps of a retention job, in order.
var retentionStages = []string{"calls", "links", "ended", "guards", "jobs", "audit", "changes", "feeds"}

// retain does the next batch of a retention job.
func (s *Service) retain(ctx context.Context, j store.Job) (store.Job, error) {
	var out store.Job
	err := s.change(ctx, func(tx txn) error {
		cur, err := tx.Job(j.ID)
		if err != nil {
			return err
		}
		out = cur
		if !cur.Finished.IsZero() {
			return nil
		}
		if out.Stage == "" {
			out.Stage = retentionStages[0]
		}
		now := s.now()
		var next string
		var n int
		switch out.Stage {
		case "calls":
			next, n, err = tx.PruneCalls(now.Add(-CallsKept), out.Cursor, pruneBatch)
		case "links":
			next, n, err = tx.PruneLinks(now, out.Cursor, pruneBatch)
		case "ended":
			next, n, err = tx.PruneEnded(now.Add(-EndedKept), out.Cursor, pruneBatch)
		case "guards":
			next, n, err = tx.PruneGuards(now.Add(-GuardsKept), out.Cursor, pruneBatch)
		case "jobs":
			next, n, err = tx.PruneJobs(now.Add(-JobsKept), out.Cursor, pruneBatch)
		case "audit":
			if n, err = tx.PruneAudit(now.Add(-model.AuditRetention), pruneBatch); n == pruneBatch {
				next = "more"
			}
		case "changes":
			if n, err = tx.PruneChanges(now.Add(-ChangesKept), pruneBatch); n == pruneBatch {
				next = "more"
			}
		case "feeds":
			next, n, err = s.trimFeeds(tx, out.Cursor)
		}
		if err != nil {
			return err
		}
		out.Count += n
		out.Cursor = next
		if next == "" {
			out.Stage = nextStage(out.Stage)
			if out.Stage == "" {
				out.Finished = now
			}
		}
		return tx.PutJob(out)
	})
	return out, err
}

func nextStage(stage string) string {
	for i, st := range retentionStages {
		if st == stage && i+1 < len(retentionStages) {
			return retentionStages[i+1]
		}
	}
	return ""
}

// trimFeeds trims the feeds of the next batch of accounts after cursor.
func (s *Service) trimFeeds(tx txn, cursor string) (string, int, error) {
	ids, err := tx.AccountIDsAfter(cursor, jobBatch)
	if err != nil {
		return "", 0, err
	}
	deleted := 0
	for _, id := range ids {
		a, err := tx.Account(id)
		if err != nil {
			return "", 0, err
		}
		unread := a.Unread
		n, err := tx.TrimFeeds(&a, FeedKept)
		if err != nil {
			return "", 0, err
		}
		if n > 0 {
			deleted += n
			if a.Unread != unread {
				err = tx.save(&a) // the bell's count changed
			} else {
				err = tx.PutAccount(a)
			}
			if err != nil {
				return "", 0, err
			}
		}
	}
	if len(ids) < jobBatch {
		return "", deleted, nil
	}
	return ids[len(ids)-1], deleted, nil
}
