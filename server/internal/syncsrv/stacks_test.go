package syncsrv

import (
	"runtime"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// Work is run and its result returned even when there is more of it at
// once than workers (the rest gets goroutines of its own), and stop leaves
// no goroutine behind.
func TestStacksRunEveryJobEvenWhenTheWorkersAreBusy(t *testing.T) {
	defer goleak.VerifyNone(t)
	st := newStacks()
	n := 16*runtime.GOMAXPROCS(0) + 10
	release := make(chan struct{})
	var started sync.WaitGroup
	started.Add(n)
	results := make(chan bool, n)
	var callers sync.WaitGroup
	for i := range n {
		callers.Go(func() {
			results <- st.run(func() bool {
				started.Done()
				<-release
				return i%2 == 0
			})
		})
	}
	started.Wait() // all n at once: more than there are workers
	close(release)
	callers.Wait()
	close(results)
	even := 0
	for r := range results {
		if r {
			even++
		}
	}
	if even != (n+1)/2 {
		t.Errorf("%d of %d jobs returned true, want %d", even, n, (n+1)/2)
	}
	st.stop()
}
