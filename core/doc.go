// Package core is the client logic shared by the desktop app and the
// browser panel: the local store (bbolt natively, IndexedDB in the browser),
// the replica (confirmed view plus pending mutations, rebased on every
// server change), and the Client that signs in, syncs over the websocket,
// reconnects with backoff, and wipes itself when its session is revoked.
//
// core never imports a UI toolkit: screens read a Snapshot and call the
// Client's methods.
package core
