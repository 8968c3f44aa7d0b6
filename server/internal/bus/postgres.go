package bus

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"

	"github.com/dialnexa/account/server/internal/store"
)

// channel is the PostgreSQL notification channel of the nodes.
const channel = "dialnexa_changes"

// Notifier is a transaction that can notify listeners when it commits
// (the PostgreSQL store's).
type Notifier interface {
	Notify(channel, payload string) error
}

// Postgres is the bus of nodes sharing one PostgreSQL database: envelopes
// go out with NOTIFY in the transaction of their change and come in on a
// LISTEN connection of each node.
type Postgres struct {
	url  string
	node string
	log  *slog.Logger
	// ReconnectDelay is how long the listener waits before reconnecting
	// after losing its connection (default 1s).
	ReconnectDelay time.Duration
	// AppName is the listener connection's application_name, so that
	// operators (pg_stat_activity) can tell which node it is (default
	// ListenerName for this process).
	AppName string
}

// ListenerName is the application_name of this process's bus listener:
// "dialnexa-bus HOST PID" (ListenerNameOf).
func ListenerName() string {
	host, _ := os.Hostname()
	return ListenerNameOf(host, os.Getpid())
}

// ListenerNameOf is the application_name of the bus listener of the
// server process pid on host, as pg_stat_activity shows it.
func ListenerNameOf(host string, pid int) string {
	name := fmt.Sprintf("dialnexa-bus %s %d", host, pid)
	if len(name) > 63 { // PostgreSQL's limit (NAMEDATALEN - 1)
		name = name[:63]
	}
	return name
}

// NewPostgres returns the bus of the database at url for the node named
// node (unique among the nodes: a random id).
func NewPostgres(url, node string, log *slog.Logger) *Postgres {
	if log == nil {
		log = slog.Default()
	}
	return &Postgres{url: url, node: node, log: log, ReconnectDelay: time.Second, AppName: ListenerName()}
}

// Announce notifies the channel in tx, which must be a PostgreSQL store's.
func (p *Postgres) Announce(tx store.Tx, envs []Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	n, ok := tx.(Notifier)
	if !ok {
		return fmt.Errorf("bus: the store cannot notify other nodes (%T)", tx)
	}
	payloads, err := encode(p.node, envs)
	if err != nil {
		return err
	}
	for _, pl := range payloads {
		if err := n.Notify(channel, pl); err != nil {
			return fmt.Errorf("notify other nodes: %w", err)
		}
	}
	return nil
}

// Run listens until ctx ends, reconnecting when the connection is lost;
// after a reconnection it calls h.Resync.
func (p *Postgres) Run(ctx context.Context, h Handler) error {
	l := &pgxlisten.Listener{
		Connect:        p.connect,
		LogError:       func(ctx context.Context, err error) { p.logError(ctx, err) },
		ReconnectDelay: p.ReconnectDelay,
	}
	l.Handle(channel, &listener{p: p, h: h})
	err := l.Listen(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// connect opens the listener's connection, named AppName.
func (p *Postgres) connect(ctx context.Context) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(p.url)
	if err != nil {
		return nil, err
	}
	if p.AppName != "" {
		cfg.RuntimeParams["application_name"] = p.AppName
	}
	return pgx.ConnectConfig(ctx, cfg)
}

func (p *Postgres) logError(ctx context.Context, err error) {
	if ctx.Err() == nil {
		p.log.Warn("bus listener", "err", err)
	}
}

// listener hands one node's notifications to its Handler.
type listener struct {
	p *Postgres
	h Handler
}

// HandleBacklog runs each time the listener has connected and listens:
// whatever was announced while it was not listening is missed, so the
// node's clients are brought up to date (at the first start, none are
// connected yet, or barely).
func (l *listener) HandleBacklog(ctx context.Context, _ string, _ *pgx.Conn) error {
	l.h.Resync()
	return nil
}

func (l *listener) HandleNotification(ctx context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	m, err := decode(n.Payload)
	if err != nil {
		return fmt.Errorf("decode notification: %w", err)
	}
	if m.Node == l.p.node {
		return nil // applied when it committed
	}
	for _, e := range m.Envelopes {
		l.h.Deliver(e)
	}
	return nil
}
