package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
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
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		t.clients += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
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
// be read), from /proc/PID/stat.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces), from
	// the third: utime and stime are the 14th and 15th, in clock ticks.
	_, rest, ok := strings.Cut(string(b), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(u+s) * tick
}
