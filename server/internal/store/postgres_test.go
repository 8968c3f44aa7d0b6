package store_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/dialnexa/account/server/internal/store"
	"github.com/dialnexa/account/server/internal/store/migrations"
	"github.com/dialnexa/account/server/internal/store/pgtest"
	"github.com/dialnexa/account/server/internal/store/storetest"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) { pgtest.Main(m, &cluster) }

func openPostgres(t *testing.T, url string) *store.Postgres {
	t.Helper()
	st, err := store.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestPostgresContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openPostgres(t, cluster.NewDatabase(t)) })
}

// The schema is applied once, a second start changes nothing, and a
// database whose schema is newer than the server knows is refused.
func TestPostgresMigrations(t *testing.T) {
	url := cluster.NewDatabase(t)
	openPostgres(t, url)
	openPostgres(t, url) // again: nothing to apply
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) < 2 {
		t.Fatalf("embedded migrations: %v, %v", files, err)
	}
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&n); err != nil || n != len(files) {
		t.Fatalf("applied migrations: %d, %v; want each of the %d once", n, err, len(files))
	}
	if _, err := conn.Exec(context.Background(), "INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)"); err != nil {
		t.Fatal(err)
	}
	_, err = store.OpenPostgres(context.Background(), url)
	if err == nil || !strings.Contains(err.Error(), "newer than this server knows") {
		t.Fatalf("opening a newer schema: %v, want a refusal", err)
	}
}

// A bad address gets an error that says what failed.
func TestPostgresUnreachable(t *testing.T) {
	_, err := store.OpenPostgres(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "connect to the database") {
		t.Fatalf("unreachable database: %v", err)
	}
}

// A node opens up to 20 connections unless the address says otherwise.
func TestPostgresPoolSize(t *testing.T) {
	url := cluster.NewDatabase(t)
	if got := store.MaxConns(openPostgres(t, url)); got != 20 {
		t.Errorf("default pool: %d connections, want 20", got)
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	if got := store.MaxConns(openPostgres(t, url+sep+"pool_max_conns=7")); got != 7 {
		t.Errorf("pool_max_conns=7: %d connections", got)
	}
}

// A database migrated before the passkey index was kept gets it, filled
// from its accounts' passkeys.
func TestPostgresIndexesOlderPasskeys(t *testing.T) {
	url := cluster.NewDatabase(t)
	st := openPostgres(t, url)
	ctx := context.Background()
	err := st.Update(ctx, func(tx store.Tx) error {
		return tx.CreateAccount(store.Account{ID: "p1", Email: "p1@example.com", DisplayName: "P1",
			Passkeys: []store.Passkey{{ID: "cred-old", Name: "Laptop"}, {ID: "cred-older", Name: "Phone"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// As the older version left it (without what later versions added).
	if _, err := conn.Exec(ctx, "DROP TABLE passkey_credentials, apps, signing_keys, changes, change_seq; DELETE FROM goose_db_version WHERE version_id >= 3"); err != nil {
		t.Fatal(err)
	}
	st = openPostgres(t, url)
	for _, id := range []string{"cred-old", "cred-older"} {
		err := st.Update(ctx, func(tx store.Tx) error { return tx.ClaimPasskey(id, "p2") })
		if !errors.Is(err, store.ErrPasskeyTaken) {
			t.Errorf("%s of an older account claimed by another after the upgrade: %v, want ErrPasskeyTaken", id, err)
		}
	}
}
