// Package api is the sync server's HTTP surface: the JSON API under /v1/,
// the websocket sync endpoint, health, and the browser panel's files. It is
// the authority: every change is validated here with the shared account
// rules before it reaches the store, and every change is pushed live to the
// account's connected clients.
package api
