// Package transport carries wire messages over a websocket, at the client
// (native or in the browser) and at the server. It enforces the message size
// limit, decodes strictly, and reports close statuses so callers can tell a
// revocation from a network failure.
package transport
