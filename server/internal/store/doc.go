// Package store is the sync server's authoritative storage: accounts,
// sessions, the per-client record of applied mutations, and the account
// version. The embedded implementation is one bbolt file; every change and
// its bookkeeping are written in one fsync'd transaction.
package store
