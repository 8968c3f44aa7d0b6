package store

import (
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// groupCommit shares durable commits between concurrent Batch calls
// without a timer: a call that finds no commit running commits at once
// (alone, on an idle server); calls that arrive while one runs wait and
// go together in the next. A lone change pays one commit; many pay one
// commit per round instead of one each.
type groupCommit struct {
	db      *bolt.DB
	mu      sync.Mutex
	pending []*batchCall // for the next round
	leading bool         // a round is being committed
}

type batchCall struct {
	fn   func(*bolt.Tx) error
	err  chan error    // the call's result
	lead chan struct{} // closed to make this call's goroutine commit the next round
}

// do runs fn in a shared commit and returns its error. fn may run more
// than once (when another call of its round fails, the round is retried
// without it).
func (g *groupCommit) do(fn func(*bolt.Tx) error) error {
	c := &batchCall{fn: fn, err: make(chan error, 1), lead: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if !lead {
		select {
		case err := <-c.err:
			return err
		case <-c.lead:
		}
	}
	g.round()
	return <-c.err
}

// round commits what is pending, then hands the next round to the first
// call that arrived meanwhile (or ends the leading).
func (g *groupCommit) round() {
	g.mu.Lock()
	calls := g.pending
	g.pending = nil
	g.mu.Unlock()
	g.commit(calls)
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.pending) == 0 {
		g.leading = false
		return
	}
	close(g.pending[0].lead)
}

// commit runs calls in one transaction. A call that fails is taken out
// and run alone, for its own error; the others are tried again together.
func (g *groupCommit) commit(calls []*batchCall) {
	for len(calls) > 0 {
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, c := range calls {
				if err := safely(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, c := range calls {
				c.err <- err
			}
			return
		}
		c := calls[failed]
		calls = append(calls[:failed:failed], calls[failed+1:]...)
		c.err <- g.db.Update(func(tx *bolt.Tx) error { return safely(c.fn, tx) })
	}
}

// safely runs fn, turning a panic into an error (one call's bug must not
// take its round's other calls down with it).
func safely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a batched transaction: %v", p)
		}
	}()
	return fn(tx)
}
