package wire

import "encoding/json"

// Limits of the protocol.
const (
	// MaxMessageBytes is the largest websocket message either end accepts; a
	// larger one closes the connection with status 1009.
	MaxMessageBytes = 64 << 10
	// MaxMutationsPerPush bounds one push; clients send larger queues in
	// several pushes.
	MaxMutationsPerPush = 100
	// SchemaVersion is the version of the client cache and view format. A
	// client with another version drops its cache and resyncs.
	SchemaVersion = 1
	// ProtocolVersion is the version of the sync protocol this package
	// speaks. Version 3 sends view changes as patches against the view a
	// client holds, and a welcome without the view to a client whose view
	// is current; version 2 applies a client's mutations strictly in order
	// and answers every dropped push; version 1 is the first release (a
	// hello without protocolVersion).
	ProtocolVersion = 3
	// MinProtocolVersion is the oldest version a server serves. An older
	// client is refused with CodeUpdateRequired.
	MinProtocolVersion = 1
	// DeltaProtocolVersion is the first version that receives patches.
	DeltaProtocolVersion = 3
)

// CloseRevoked is the websocket close status that tells a client its session
// is over: it must wipe its account data and must not reconnect.
const CloseRevoked = 4001

// Message types.
const (
	TypeHello   = "hello"
	TypeWelcome = "welcome"
	TypePush    = "push"
	TypePushAck = "pushAck"
	TypeView    = "view"
	TypeEvent   = "event"
	TypeRevoked = "revoked"
	TypeError   = "error"
	TypePing    = "ping"
	TypePong    = "pong"
	TypeResync  = "resync"
)

// Hello opens a sync session: the client says who it is and what it has.
// Version is the version of the client's cached view (0: nothing cached);
// a client with a cache gets the events after LastEventSeq replayed.
// ProtocolVersion 0 means 1 (it was added in version 2); AppVersion is for
// the server's logs only.
type Hello struct {
	ProtocolVersion int    `json:"protocolVersion,omitempty"`
	AppVersion      string `json:"appVersion,omitempty"`
	ClientID        string `json:"clientId"`
	SchemaVersion   int    `json:"schemaVersion"`
	Version         uint64 `json:"version"`
	// ViewHash is the digest (ViewHash) of the cached view as the client
	// holds it: the same version may have been sent with other content
	// (a session's last activity, an invitation that expired), and a
	// patch applies only to the content it was made against.
	ViewHash       string `json:"viewHash,omitempty"`
	LastMutationID uint64 `json:"lastMutationId"`
	LastEventSeq   uint64 `json:"lastEventSeq"`
}

// Welcome answers Hello with the account's view at Version and the last
// mutation of this client the server has applied (so the client can drop
// those from its queue). The view comes in one of three forms: View, the
// whole view; Patch, an RFC 6902 JSON Patch against the view the client
// said it holds (Base, the hello's version), giving the view whose digest
// is ViewHash; or neither, when the client's view is current (Version is
// the hello's). Patches and the short form go only to protocol 3 clients.
type Welcome struct {
	Version        uint64          `json:"version"`
	View           json.RawMessage `json:"view,omitempty"`
	Base           uint64          `json:"base,omitempty"`
	Patch          json.RawMessage `json:"patch,omitempty"`
	ViewHash       string          `json:"viewHash,omitempty"`
	LastMutationID uint64          `json:"lastMutationId"`
	SessionID      string          `json:"sessionId"`
	// EventSeq is the account's latest event; events after the client's
	// lastEventSeq follow the welcome.
	EventSeq uint64 `json:"eventSeq"`
	// Release is the desktop app's current release, when the server's
	// operators announce one: a desktop app older than it says so.
	Release *Release `json:"release,omitempty"`
}

// Release is a release of the desktop app: its version (semantic, such as
// 1.4.2) and where to download it.
type Release struct {
	Version string `json:"version"`
	URL     string `json:"url"`
}

// Mutation is one queued change: ID increases per client.
type Mutation struct {
	ID   uint64          `json:"id"`
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

// Push carries pending mutations from a client, oldest first.
type Push struct {
	Mutations []Mutation `json:"mutations"`
}

// Result says what became of one pushed mutation. A rejected mutation is
// still acknowledged, with Error saying why, so a queue never sticks.
type Result struct {
	ID    uint64 `json:"id"`
	Error *Error `json:"error,omitempty"`
}

// PushAck acknowledges every mutation up to LastMutationID. Version is the
// account version that includes them (0 when they changed nothing): the
// client keeps showing them on top of its view until it has a view of at
// least that version, which may arrive just after the ack.
type PushAck struct {
	LastMutationID uint64   `json:"lastMutationId"`
	Results        []Result `json:"results"`
	Version        uint64   `json:"version,omitempty"`
}

// View is the account's state after a change, pushed by the server: the
// whole view, or (to protocol 3 clients) Patch, an RFC 6902 JSON Patch
// that turns the view at version Base into the view at Version, whose
// digest is ViewHash. A client that does not hold Base, or whose result
// has another digest, sends Resync and gets the whole view.
type View struct {
	Version  uint64          `json:"version"`
	View     json.RawMessage `json:"view,omitempty"`
	Base     uint64          `json:"base,omitempty"`
	Patch    json.RawMessage `json:"patch,omitempty"`
	ViewHash string          `json:"viewHash,omitempty"`
}

// Resync asks for the whole view (protocol 3): the client could not apply
// a patch.
type Resync struct{}

// Event kinds.
const (
	// EventSecurityAlert is a sign-in from a device the account has not
	// used before; Payload is a SecurityAlert.
	EventSecurityAlert = "securityAlert"
)

// SecurityAlert is the payload of EventSecurityAlert.
type SecurityAlert struct {
	SessionID string `json:"sessionId"`
	Device    string `json:"device"`
	Location  string `json:"location"`
	Address   string `json:"address,omitempty"` // masked: 203.0.113.x
	At        string `json:"at"`                // RFC 3339
}

// Event is an in-app notification or security alert, in sequence order.
type Event struct {
	Seq     uint64          `json:"seq"`
	Kind    string          `json:"kind"`
	Payload json.RawMessage `json:"payload"`
}

// Revoked tells a client its session ended; a close with CloseRevoked follows.
type Revoked struct {
	Reason string `json:"reason"`
}

// Ping and Pong are the application heartbeat (browsers cannot send
// websocket pings).
type Ping struct{}

// Pong answers Ping.
type Pong struct{}
