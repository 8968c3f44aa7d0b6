// Command soak shows that the store stops growing under steady use: it
// runs the account service and the jobs (retention included) in process
// on a simulated clock, hour after simulated hour, with a steady stream of
// what users and other services do (call outcomes, notifications, sign-ins
// and sign-outs, reset links, mail), and prints the store's records and
// size once a simulated day.
//
//	go run ./server/cmd/soak -days 40
//	go run ./server/cmd/soak -days 40 -store postgres
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialnexa/account/server/internal/account"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/jobs"
	"github.com/dialnexa/account/server/internal/mail"
	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/store/pgtest"
)

// clock is the simulated time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// discard is a mail transport that drops what it is given (the outbox is
// what is measured).
type discard struct{}

func (discard) Send(context.Context, store.Mail) error { return nil }

// dumper is a store whose records can be counted.
type dumper interface {
	store.Store
	Dump(fn func(table, key, value []byte)) error
}

func main() {
	days := flag.Int("days", 40, "simulated days")
	accounts := flag.Int("accounts", 500, "accounts")
	storeFlag := flag.String("store", "bolt", `"bolt" or "postgres" (a private cluster for the run)`)
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "dialnexa-soak-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	var st dumper
	size := func() int64 { fi, _ := os.Stat(filepath.Join(dir, "dialnexa.db")); return fi.Size() }
	switch *storeFlag {
	case "bolt":
		if st, err = store.OpenBolt(dir); err != nil {
			log.Fatal(err)
		}
	case "postgres":
		c, err := pgtest.Start()
		if err != nil {
			log.Fatal(err)
		}
		defer c.Stop()
		url, err := c.CreateDatabase()
		if err != nil {
			log.Fatal(err)
		}
		if st, err = store.OpenPostgres(ctx, url); err != nil {
			log.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			log.Fatal(err)
		}
		defer conn.Close(ctx)
		size = func() int64 {
			var n int64
			conn.Exec(ctx, "VACUUM")
			conn.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n)
			return n
		}
	default:
		log.Fatalf("soak: -store %q: want bolt or postgres", *storeFlag)
	}
	defer st.Close()

	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := account.New(account.Config{Store: st, Now: c.Now, Log: logger, HashLimit: 1, PublicOrigin: "https://account.example.com"})
	if err != nil {
		log.Fatal(err)
	}
	runner := jobs.New(st, svc, "soak", c.Now, logger)
	worker := mail.NewWorker(st, discard{}, c.Now, logger)
	worker.Poll = 10 * time.Millisecond
	wctx, stop := context.WithCancel(ctx)
	var bg sync.WaitGroup
	bg.Go(func() { worker.Run(wctx) })
	bg.Go(func() { svc.Run(wctx) })
	defer bg.Wait()
	defer stop()

	ids := seed(ctx, st, *accounts, c.Now())
	fmt.Printf("%d accounts; every simulated hour: %d call outcomes, %d notifications, %d sign-ins and sign-outs, %d reset links; retention hourly\n",
		*accounts, callsPerHour, notesPerHour, sessionsPerHour, linksPerHour)
	fmt.Printf("%5s %10s %12s\n", "day", "records", "store bytes")
	for h := 0; h < *days*24; h++ {
		if err := hour(ctx, st, svc, ids, h, c.Now()); err != nil {
			log.Fatal(err)
		}
		worker.Wake()
		c.Advance(time.Hour)
		if err := runner.Tick(ctx); err != nil {
			log.Fatal(err)
		}
		if (h+1)%24 == 0 {
			n := 0
			st.Dump(func(_, _, _ []byte) { n++ })
			fmt.Printf("%5d %10d %12d\n", (h+1)/24, n, size())
		}
	}
}

// The steady load, per simulated hour.
const (
	callsPerHour    = 300 // call outcomes reported by the calling service
	notesPerHour    = 60  // wallet notifications, to a tenth of the accounts
	sessionsPerHour = 40  // devices signing in and, an hour later, out
	linksPerHour    = 10  // password-reset links asked for
)

func seed(ctx context.Context, st store.Store, n int, now time.Time) []string {
	ids := make([]string, n)
	err := st.Update(ctx, func(tx store.Tx) error {
		for i := range n {
			ids[i] = fmt.Sprintf("soak%06d", i)
			a := store.Account{ID: ids[i], Email: fmt.Sprintf("soak%06d@soak.example.com", i), DisplayName: "Soak", Created: now}
			if err := tx.CreateAccount(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	return ids
}

// hour runs one simulated hour of steady use.
func hour(ctx context.Context, st store.Store, svc *account.Service, ids []string, h int, now time.Time) error {
	for i := range callsPerHour {
		id := ids[(h*callsPerHour+i)%len(ids)]
		_, err := svc.ReportEvent(ctx, account.ServiceEvent{Type: "call_outcome", AccountID: id, AgentID: fmt.Sprintf("agent-%d", i%5), Failed: i%50 == 0, At: now})
		if err != nil {
			return err
		}
	}
	for i := range notesPerHour {
		id := ids[(i*7+h)%(len(ids)/10+1)]
		if _, err := svc.ReportEvent(ctx, account.ServiceEvent{Type: "wallet_low", AccountID: id, Balance: "4.20", Threshold: "5.00", Currency: "USD", At: now}); err != nil {
			return err
		}
	}
	// Sign-ins as startSession writes them (a session, a device), and the
	// sign-outs of the previous hour's, through the service.
	for i := range sessionsPerHour {
		sid := fmt.Sprintf("s-%d-%d", h, i)
		acc := ids[(h*sessionsPerHour+i)%len(ids)]
		err := st.Update(ctx, func(tx store.Tx) error {
			// Each account signs in from one of three devices.
			dev := auth.HashToken(fmt.Sprintf("%s/device-%d", acc, (h+i)%3))
			if known, err := tx.KnownDevice(acc, dev); err != nil || known {
				return err
			}
			if err := tx.AddDevice(acc, dev, now); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = st.Update(ctx, func(tx store.Tx) error {
			return tx.PutSession(store.Session{ID: sid, AccountID: acc, TokenHash: auth.HashToken("token-" + sid), Device: "Soak", Location: "Unknown", Created: now, LastActive: now})
		})
		if err != nil {
			return err
		}
		if h > 0 {
			prev := fmt.Sprintf("s-%d-%d", h-1, i)
			ss := store.Session{ID: prev, AccountID: ids[((h-1)*sessionsPerHour+i)%len(ids)]}
			if err := svc.SignOut(ctx, ss); err != nil {
				return err
			}
		}
	}
	for i := range linksPerHour {
		if err := svc.ForgotPassword(ctx, account.Origin{IP: fmt.Sprintf("198.51.100.%d", i)}, fmt.Sprintf("soak%06d@soak.example.com", (h*linksPerHour+i)%len(ids))); err != nil {
			return err
		}
	}
	return nil
}
