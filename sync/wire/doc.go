// Package wire is the DialNexa sync protocol's message format: the typed
// messages exchanged over the websocket, their JSON encoding, and the stable
// numeric error-code table shared with the HTTP API.
//
// A message travels as {"type": "...", "data": {...}}. The server decodes
// strictly (Decode: unknown types, unknown fields and trailing data are
// errors with a code); a client decodes leniently (DecodeLenient: it skips
// what a newer server adds).
// Account state travels as opaque JSON, so this package depends on nothing
// of the project.
package wire
