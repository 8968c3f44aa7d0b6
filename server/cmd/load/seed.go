package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// seedPassword is every seeded account's password.
const seedPassword = "violet kettle 42?"

// seed writes n accounts straight into the store (one precomputed password
// hash for all), created two months ago, so they are due a monthly
// summary, with mail off for summaries and platform status (the job is
// measured, not a million mail files). The periodic jobs due now are
// marked done, so none starts with the servers: timeSummaries runs one.
func seed(storeArgs []string, dir string, n int) {
	ctx := context.Background()
	st, hash := openSeeding(storeArgs, dir)
	defer st.Close()
	created := time.Now().AddDate(0, -2, 0)
	t0 := time.Now()
	const batch = 2000
	for from := 0; from < n; from += batch {
		err := st.Update(ctx, func(tx store.Tx) error {
			for i := from; i < min(n, from+batch); i++ {
				a := store.Account{ID: fmt.Sprintf("seed%08d", i), Email: fmt.Sprintf("seed%08d@seed.example.com", i), PasswordHash: hash,
					DisplayName: fmt.Sprintf("Seed %d", i), Created: created,
					EmailPrefs: map[string]bool{model.NotifMonthlySummary: false, model.NotifPlatformStatus: false}}
				if err := tx.CreateAccount(a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
		if (from/batch)%50 == 0 {
			fmt.Printf("  seeded %d of %d accounts…\n", from+batch, n)
		}
	}
	now := time.Now()
	err := st.Update(ctx, func(tx store.Tx) error {
		for _, j := range account.Scheduled(now) {
			j.Finished = now
			if _, err := tx.AddJob(j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("seeded %d accounts straight into the store in %v\n", n, time.Since(t0).Round(time.Second))
}

// timeSummaries adds a monthly-summaries job for last month straight into
// the store (the nodes find it within their poll) and times it.
func (r *run) timeSummaries(ctx context.Context, storeArgs []string) (time.Duration, latencies) {
	st, err := store.OpenPostgres(ctx, storeArgs[1])
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0).Format("2006-01")
	id := account.JobSummaries + "/" + month + "/load"
	start := time.Now()
	err = st.Update(ctx, func(tx store.Tx) error {
		_, err := tx.AddJob(store.Job{ID: id, Kind: account.JobSummaries, Args: []byte(`"` + month + `"`), Created: now})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	return r.timeJob(ctx, id, start)
}

// timeBroadcast posts a platform status for every account and times the job.
func (r *run) timeBroadcast(ctx context.Context) (time.Duration, latencies) {
	var j struct{ ID string }
	start := time.Now()
	err := r.postFrom(ctx, 0, http.MethodPost, "/internal/v1/events", r.srv.token,
		map[string]string{"type": "platform_status", "title": "Load test", "message": "A broadcast to every account."}, &j)
	if err != nil {
		log.Fatal(err)
	}
	return r.timeJob(ctx, j.ID, start)
}

// timeJob waits for a job to finish while sampling what a user waits for
// meanwhile (GET /v1/me from the devices in turn), and returns how long
// the job took from start and those latencies.
func (r *run) timeJob(ctx context.Context, id string, start time.Time) (time.Duration, latencies) {
	var lat latencies
	var took time.Duration
	deadline := time.Now().Add(20 * time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		d := r.devs[i%len(r.devs)]
		t := time.Now()
		if err := r.postFrom(ctx, d.index, http.MethodGet, "/v1/me", d.token, nil, nil); err == nil {
			lat = append(lat, time.Since(t))
		}
		if i%20 == 0 {
			var j struct{ Done bool }
			if err := r.postFrom(ctx, 0, http.MethodGet, "/internal/v1/jobs/"+id, r.srv.token, nil, &j); err == nil && j.Done {
				took = time.Since(start)
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	slices.Sort(lat)
	return took, lat
}

// seedSessions writes the run's accounts and their devices' sessions
// straight into the store (the servers are not running yet), instead of
// signing them in through the API: a sign-in is an argon2id hash, and
// 10,000 of them take six minutes on two cores (the API sign-ins measure
// that; this is for the runs that measure the sockets).
func (r *run) seedSessions(storeArgs []string, boltDir string, accounts, devices int) {
	ctx := context.Background()
	st, hash := openSeeding(storeArgs, boltDir)
	defer st.Close()
	now := time.Now()
	r.devs = make([]*dev, accounts*devices)
	const batch = 500
	for from := 0; from < accounts; from += batch {
		err := st.Update(ctx, func(tx store.Tx) error {
			for a := from; a < min(accounts, from+batch); a++ {
				id := fmt.Sprintf("load%08d", a)
				acc := store.Account{ID: id, Email: fmt.Sprintf("load%06d@load.example.com", a), PasswordHash: hash,
					DisplayName: fmt.Sprintf("Load %d", a), Created: now, Version: 1}
				if !eventMail {
					acc.EmailPrefs = map[string]bool{model.NotifPlatformStatus: false}
				}
				if err := tx.CreateAccount(acc); err != nil {
					return err
				}
				for d := range devices {
					i := a*devices + d
					tok := rand.Text()
					sid := fmt.Sprintf("s%07d", i)
					err := tx.PutSession(store.Session{ID: sid, AccountID: id, TokenHash: auth.HashToken(tok), DeviceKind: "Desktop app",
						Device: "DialNexa desktop on Linux", Location: "Unknown", Created: now, LastActive: now})
					if err != nil {
						return err
					}
					r.devs[i] = &dev{index: i, account: a, token: tok, session: sid, clientID: fmt.Sprintf("c-%d-%d", a, d)}
				}
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("  %d accounts and %d sessions written straight into the store in %v (sign-ins not measured: drop -seed-sessions for that)\n",
		accounts, len(r.devs), time.Since(now).Round(time.Millisecond))
}

// openSeeding opens the run's store (PostgreSQL, or the bbolt file in
// boltDir) for writing into it before the servers start, and returns the
// password hash every seeded account gets.
func openSeeding(storeArgs []string, boltDir string) (store.Store, string) {
	ctx := context.Background()
	var st store.Store
	var err error
	if len(storeArgs) == 2 {
		st, err = store.OpenPostgres(ctx, storeArgs[1])
	} else if err = os.MkdirAll(boltDir, 0o700); err == nil {
		st, err = store.OpenBolt(boltDir)
	}
	if err != nil {
		log.Fatal(err)
	}
	hash, err := auth.NewHasher(1, rand.Reader, nil).Hash(ctx, seedPassword)
	if err != nil {
		st.Close()
		log.Fatal(err)
	}
	return st, hash
}
