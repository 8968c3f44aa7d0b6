package syncsrv

import (
	"runtime"
	"sync"
)

// stacks runs a socket's work (decoding a message, a welcome, a push) off
// the socket's own goroutine, so that goroutine, which lives as long as
// the socket and mostly waits on a read, keeps a small stack: a
// goroutine's stack grows to its deepest work and is kept.
//
// The work goes to a few long-lived workers whose stacks have already
// grown to what it needs: a new goroutine starts at the runtime's average
// stack size (a few KiB with thousands of idle sockets) and would pay for
// growing it, frame by frame, on every message. When every worker is busy
// (work waiting on a commit), the work gets a goroutine of its own.
type stacks struct {
	start sync.Once
	work  chan func()
	wg    sync.WaitGroup
}

// newStacks returns the workers, started by the first run and ended by
// stop (a server that never serves a socket starts none).
func newStacks() *stacks { return &stacks{work: make(chan func())} }

func (st *stacks) startWorkers() {
	for range 16 * runtime.GOMAXPROCS(0) {
		st.wg.Go(func() {
			for fn := range st.work {
				fn()
			}
		})
	}
}

// run runs fn on a worker (or a goroutine of its own) and returns its
// result. It must not be called once stop has begun.
func (st *stacks) run(fn func() bool) bool {
	st.start.Do(st.startWorkers)
	done := make(chan bool, 1)
	job := func() { done <- fn() }
	select {
	case st.work <- job:
	default:
		go job() // waited for below
	}
	return <-done
}

// stop ends the workers once they are idle.
func (st *stacks) stop() {
	st.start.Do(func() {}) // none start after this
	close(st.work)
	st.wg.Wait()
}
