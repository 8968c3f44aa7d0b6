// Package bus tells the nodes that share one store about each other's
// committed changes, so each applies them to its own sockets. What it
// carries are small envelopes (ids, sequence numbers, a sentence shown to
// the user), never secrets; a node reads everything else from the store.
// A node alone on its store (bbolt) needs no bus: Local.
package bus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dialnexa/account/server/internal/store"
)

// Kind says what an envelope announces.
type Kind string

const (
	View       Kind = "v" // the account's view changed: push it
	Event      Kind = "e" // the account has event Seq: deliver it
	EndSession Kind = "s" // the session ended: close its sockets with Reason
	EndAccount Kind = "a" // the account was deleted: close every socket with Reason
	Mail       Kind = "m" // the outbox has new mail
	Jobs       Kind = "j" // a job was added
)

// Envelope announces one committed change.
type Envelope struct {
	Kind   Kind   `json:"k"`
	ID     string `json:"i,omitempty"` // an account id, or a session id for EndSession
	Seq    uint64 `json:"q,omitempty"`
	Reason string `json:"r,omitempty"`
}

// Handler applies other nodes' envelopes to this node. Its methods are
// called one at a time and must not block for long.
type Handler interface {
	Deliver(Envelope)
	// Resync is called when the bus may have missed envelopes (its
	// listener reconnected): every connected client must be brought up
	// to date from the store.
	Resync()
}

// Bus announces committed changes to the other nodes on the store.
type Bus interface {
	// Announce adds envelopes to tx: the other nodes get them if and only
	// if tx commits.
	Announce(tx store.Tx, envs []Envelope) error
	// Run delivers the other nodes' envelopes to h until ctx ends.
	Run(ctx context.Context, h Handler) error
}

// Local is the bus of a node alone on its store: nobody else to tell.
type Local struct{}

// Announce does nothing.
func (Local) Announce(store.Tx, []Envelope) error { return nil }

// Run waits for ctx to end.
func (Local) Run(ctx context.Context, _ Handler) error {
	<-ctx.Done()
	return nil
}

// message is what one notification carries: the sending node (which
// ignores its own) and envelopes.
type message struct {
	Node      string     `json:"n"`
	Envelopes []Envelope `json:"e"`
}

// maxPayload keeps a notification under PostgreSQL's 8000-byte limit.
const maxPayload = 7000

// encode packs envelopes into as few payloads of at most maxPayload bytes
// as it can.
func encode(node string, envs []Envelope) ([]string, error) {
	var out []string
	for len(envs) > 0 {
		n := len(envs)
		for {
			b, err := json.Marshal(message{Node: node, Envelopes: envs[:n]})
			if err != nil {
				return nil, err
			}
			if len(b) <= maxPayload {
				out = append(out, string(b))
				break
			}
			if n == 1 {
				return nil, fmt.Errorf("an envelope of %d bytes is over the %d-byte limit", len(b), maxPayload)
			}
			n /= 2
		}
		envs = envs[n:]
	}
	return out, nil
}

func decode(payload string) (message, error) {
	var m message
	err := json.Unmarshal([]byte(payload), &m)
	return m, err
}
