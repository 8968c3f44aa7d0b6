package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/prometheus/procfs"
)

// cpuTimes is the processor time used so far by the nodes and by the load
// clients (this process and its helpers), and when it was read: the
// machine's cores are shared by both, so a phase's figures say which of
// them was busy.
type cpuTimes struct {
	nodes, clients time.Duration
	at             time.Time
}

// cpu reads the processor time used so far by every node and client
// process.
func (r *run) cpu() cpuTimes {
	t := cpuTimes{at: time.Now()}
	for _, n := range r.nodes {
		if n.cmd != nil && n.cmd.Process != nil {
			t.nodes += procCPU(n.cmd.Process.Pid)
		}
	}
	t.clients += procCPU(os.Getpid())
	for _, pid := range r.helpers {
		t.clients += procCPU(pid)
	}
	return t
}

// since says how much processor time the nodes and the clients used
// between b and t.
func (t cpuTimes) since(b cpuTimes) string {
	return fmt.Sprintf("the nodes used %.2f s of CPU and the load clients %.2f s in %.2f s (%d cores)",
		(t.nodes - b.nodes).Seconds(), (t.clients - b.clients).Seconds(), t.at.Sub(b.at).Seconds(), runtime.NumCPU())
}

// procCPU is the user and system time a process has used (0 if it cannot
// be read).
func procCPU(pid int) time.Duration {
	p, err := procfs.NewProc(pid)
	if err != nil {
		return 0
	}
	st, err := p.Stat()
	if err != nil {
		return 0
	}
	return time.Duration(st.CPUTime() * float64(time.Second))
}

// listenOverflows reads how many times this machine's kernel found a
// listen queue full (a connection's handshake completed but nobody had
// accepted the ones before: the client's first data is dropped and the
// handshake is retried after 1 s, 3 s, ...), or -1 if it cannot tell.
func listenOverflows() int64 {
	p, err := procfs.Self()
	if err != nil {
		return -1
	}
	ns, err := p.Netstat()
	if err != nil || ns.ListenOverflows == nil {
		return -1
	}
	return int64(*ns.ListenOverflows)
}
