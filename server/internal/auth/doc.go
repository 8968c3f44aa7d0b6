// Package auth holds the server's credentials primitives: argon2id password
// hashing with a bound on concurrent work, and random session tokens that
// are stored only as hashes.
package auth
