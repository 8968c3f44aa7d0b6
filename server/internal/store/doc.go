// Package store is the sync server's authoritative storage: accounts,
// sessions, the per-client record of applied mutations, workspaces, feeds,
// the outbox, guards, jobs, the OpenID Connect provider's applications and
// keys, and the changes log services follow, behind one contract (Store,
// Tx). Two backends pass its suite (storetest): one bbolt file (the
// default, every change and its bookkeeping in one fsync'd transaction)
// and PostgreSQL (for several nodes, with goose migrations).
package store
