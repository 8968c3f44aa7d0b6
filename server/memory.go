package main

import "runtime/debug"

// defaultGCPercent is the server's garbage-collection target unless GOGC
// says otherwise: the heap may grow to 1.5 times what is live between
// collections instead of Go's default twice. The server is mostly idle
// sockets with little garbage, so collections stay rare, and the headroom
// is memory every held socket would otherwise pay for (docs/PERFORMANCE.md).
const defaultGCPercent = 50

// tuneGC applies defaultGCPercent when the environment does not set GOGC,
// and returns the percentage in force.
func tuneGC(getenv func(string) string) int {
	if getenv("GOGC") != "" {
		p := debug.SetGCPercent(100)
		debug.SetGCPercent(p)
		return p
	}
	debug.SetGCPercent(defaultGCPercent)
	return defaultGCPercent
}
