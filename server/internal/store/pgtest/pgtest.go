// Package pgtest starts a private PostgreSQL cluster for tests, never a
// shared one: Debian's postgresql binaries, initdb into a temporary
// directory (as the postgres user when run as root, since initdb refuses
// root), and pg_ctl start on a free loopback port with its socket in that
// directory. Each test gets a database of its own.
package pgtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a running private cluster.
type Cluster struct {
	dir, bin string
	port     int
	asUser   string // "postgres" when started as root
	dbs      atomic.Int64
}

// Options adjust a cluster.
type Options struct {
	// Durable keeps PostgreSQL's defaults (fsync, synchronous commit) for
	// measurements; tests turn them off, as a thrown-away cluster can.
	Durable bool
}

// Start initialises and starts a test cluster; Stop stops it and removes
// its files. It takes about a second.
func Start() (*Cluster, error) { return StartWith(Options{}) }

// StartWith is Start with options.
func StartWith(o Options) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "dialnexa-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		c.asUser = "postgres"
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("run as root, the cluster needs the postgres user (Debian's postgresql package): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if out, err := c.run("initdb", "-D", filepath.Join(dir, "db"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	for attempt := 0; ; attempt++ {
		c.port, err = freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", c.port, dir)
		if !o.Durable {
			// A test cluster is thrown away, and the contract does not
			// depend on durability.
			opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		}
		out, err := c.run("pg_ctl", "-D", filepath.Join(dir, "db"), "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "start")
		if err == nil {
			break
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
		}
	}
	return c, nil
}

func (c *Cluster) run(tool string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, tool)
	var cmd *exec.Cmd
	if c.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.asUser, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.dir
	// The caller's locale may not be installed; C.UTF-8 always is.
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8")
	return cmd.CombinedOutput()
}

// Stop stops the cluster and removes its files.
func (c *Cluster) Stop() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "db"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// URL is the address of database name in the cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// NewDatabase creates an empty database for t and returns its URL.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	if c == nil {
		t.Skip("needs PostgreSQL, which -short does not start (the full test command runs this)")
	}
	url, err := c.CreateDatabase()
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// CreateDatabase creates an empty database and returns its URL.
func (c *Cluster) CreateDatabase() (string, error) {
	name := fmt.Sprintf("test_%d", c.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("connect to the test cluster: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return c.URL(name), nil
}

// binDir is the newest installed PostgreSQL's bin directory.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL is not installed (Debian: apt-get install postgresql; scripts/setup.sh does it)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Main is a TestMain for a package whose tests all use one cluster: it
// starts the cluster into *c, runs the tests, stops it and exits.
func Main(m *testing.M, c **Cluster) {
	flag.Parse()
	if testing.Short() {
		// The fast loop runs no database: *c stays nil and NewDatabase
		// skips the tests that need one.
		os.Exit(m.Run())
	}
	var err error
	if *c, err = Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start PostgreSQL:", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := (*c).Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
