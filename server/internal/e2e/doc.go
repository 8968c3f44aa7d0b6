// Package e2e holds the end-to-end tests: a real sync server on a loopback
// port with its bbolt store, and real clients (the core package with bbolt
// stores in temporary directories) talking to it over HTTP and websockets.
package e2e
