package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// runtimeFigures are what a node's Go runtime holds, from its metrics.
type runtimeFigures struct {
	heapInuse, stackInuse, goroutines float64
}

// runtime reads the node's Go heap and stacks in use and its goroutines
// from its admin metrics.
func (s *server) runtime() (runtimeFigures, error) {
	resp, err := http.Get("http://" + s.admin + "/metrics")
	if err != nil {
		return runtimeFigures{}, err
	}
	defer resp.Body.Close()
	var f runtimeFigures
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_memstats_heap_inuse_bytes":
			f.heapInuse = v
		case "go_memstats_stack_inuse_bytes":
			f.stackInuse = v
		case "go_goroutines":
			f.goroutines = v
		}
	}
	return f, sc.Err()
}

// breakdown prints what the nodes' runtimes hold per connection.
func (r *run) breakdown() {
	var sum runtimeFigures
	for _, n := range r.nodes {
		f, err := n.runtime()
		if err != nil {
			fmt.Printf("  (runtime figures unavailable: %v)\n", err)
			return
		}
		sum.heapInuse += f.heapInuse
		sum.stackInuse += f.stackInuse
		sum.goroutines += f.goroutines
	}
	conns := float64(r.total)
	fmt.Printf("  of which Go heap in use %.1f KB, goroutine stacks %.1f KB per connection; %.2f goroutines per connection\n",
		sum.heapInuse/conns/1024, sum.stackInuse/conns/1024, sum.goroutines/conns)
}

// saveProfiles writes every node's heap (after a GC) and goroutine
// profiles into dir, for go tool pprof.
func (r *run) saveProfiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i, n := range r.nodes {
		for _, p := range []struct{ name, path string }{
			{"heap", "/debug/pprof/heap?gc=1"},
			{"goroutine", "/debug/pprof/goroutine"},
		} {
			file := filepath.Join(dir, fmt.Sprintf("node%d-%s.pb.gz", i, p.name))
			if err := fetch("http://"+n.admin+p.path, file); err != nil {
				return err
			}
			fmt.Printf("  %s profile: %s\n", p.name, file)
		}
	}
	return nil
}

// profileCPU starts a CPU profile of the first node for at most d, saved
// as node0-NAME-cpu.pb.gz in the -profiles directory (none without it);
// the function it returns waits for it.
func (r *run) profileCPU(name string, d time.Duration) func() {
	if r.profiles == "" {
		return func() {}
	}
	if err := os.MkdirAll(r.profiles, 0o755); err != nil {
		fmt.Println("  CPU profile:", err)
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		file := filepath.Join(r.profiles, "node0-"+name+"-cpu.pb.gz")
		url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", r.nodes[0].admin, int(d.Seconds()))
		err := fetch(url, file)
		// A node just started may listen for users before its admin
		// listener is up.
		for try := 0; errors.Is(err, syscall.ECONNREFUSED) && try < 40; try++ {
			time.Sleep(25 * time.Millisecond)
			err = fetch(url, file)
		}
		if err != nil {
			fmt.Println("  CPU profile:", err)
			return
		}
		fmt.Printf("  %s CPU profile (first %v): %s\n", name, d, file)
	})
	return wg.Wait
}

func fetch(url, file string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
