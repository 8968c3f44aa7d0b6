package wire

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The messages of every released protocol version, recorded byte for byte
// under testdata/vN. They are decoded here forever: a change that breaks
// one breaks an app in someone's hands. Never edit a recorded file; add a
// directory for a new version.
var recorded = map[string]any{
	"hello": &Hello{ClientID: "3f1c9a6e0b2d4c8f9e7a5b3c1d0e2f4a", SchemaVersion: 1, Version: 12, LastMutationID: 7, LastEventSeq: 3},
	"welcome": &Welcome{Version: 12, LastMutationID: 7, SessionID: "s1", EventSeq: 3,
		View: json.RawMessage(`{"profile":{"accountId":"a1","email":"ada@example.com","displayName":"Ada Lovelace"}}`)},
	"push": &Push{Mutations: []Mutation{
		{ID: 8, Name: "setDisplayName", Args: json.RawMessage(`{"displayName":"Ada L"}`)},
		{ID: 9, Name: "markNotificationRead", Args: json.RawMessage(`{"id":4}`)},
	}},
	"pushAck": &PushAck{LastMutationID: 9, Version: 13, Results: []Result{{ID: 8}, {ID: 9, Error: &Error{Code: CodeInvalidArgument, Name: "invalid_argument", Message: "No such notification."}}}},
	"view":    &View{Version: 13, View: json.RawMessage(`{"profile":{"accountId":"a1","email":"ada@example.com","displayName":"Ada L"}}`)},
	"event": &Event{Seq: 4, Kind: EventSecurityAlert,
		Payload: json.RawMessage(`{"sessionId":"s2","device":"Chrome on Windows","location":"Unknown","at":"2026-11-27T14:00:00Z"}`)},
	"revoked": &Revoked{Reason: "This session was signed out from another device."},
	"error":   &Error{Code: CodeRateLimited, Name: "rate_limited", Message: "Too many messages; slow down."},
	"ping":    &Ping{},
	"pong":    &Pong{},
}

// What changed in version 2.
var recordedV2 = map[string]any{
	"hello":        &Hello{ProtocolVersion: 2, AppVersion: "v1.4.0", ClientID: "3f1c9a6e0b2d4c8f9e7a5b3c1d0e2f4a", SchemaVersion: 1, Version: 12, LastMutationID: 7, LastEventSeq: 3},
	"error":        &Error{Code: CodeRateLimited, Name: "rate_limited", Message: "Too many messages; slow down.", RetryAfterMs: 250},
	"pushAck-gap":  &PushAck{LastMutationID: 7, Results: []Result{}},
	"error-update": &Error{Code: CodeUpdateRequired, Name: "update_required", Message: "This version of DialNexa is too old to sync: update it."},
}

// What changed in version 3: patches and the welcome to a current client.
var recordedV3 = map[string]any{
	"hello":           &Hello{ProtocolVersion: 3, AppVersion: "v1.5.0", ClientID: "3f1c9a6e0b2d4c8f9e7a5b3c1d0e2f4a", SchemaVersion: 1, Version: 12, LastMutationID: 7, LastEventSeq: 3},
	"welcome-current": &Welcome{Version: 12, LastMutationID: 7, SessionID: "s1", EventSeq: 3},
	"welcome-patch": &Welcome{Version: 13, Base: 12, Patch: json.RawMessage(`[{"op":"replace","path":"/profile/displayName","value":"Ada L"}]`),
		ViewHash: "bhK-wM9SDDgEjmo0evt9XQ", LastMutationID: 7, SessionID: "s1", EventSeq: 3},
	"view-patch": &View{Version: 13, Base: 12, Patch: json.RawMessage(`[{"op":"replace","path":"/profile/displayName","value":"Ada L"}]`),
		ViewHash: "bhK-wM9SDDgEjmo0evt9XQ"},
	"resync": &Resync{},
}

// changes are, per version, what changed since the first (later wins).
var changes = map[string][]map[string]any{"v1": nil, "v2": {recordedV2}, "v3": {recordedV2, recordedV3}}

// fromClient are the messages a client sends: the server decodes them
// strictly. The others the client decodes leniently.
var fromClient = map[string]bool{"hello": true, "push": true, "ping": true, "resync": true}

func TestRecordedMessagesOfEveryVersionDecode(t *testing.T) {
	for _, version := range []string{"v1", "v2", "v3"} {
		files, _ := filepath.Glob(filepath.Join("testdata", version, "*.json"))
		if len(files) < len(recorded) {
			t.Fatalf("%s: %d recorded messages, want at least %d", version, len(files), len(recorded))
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".json")
			t.Run(version+"/"+name, func(t *testing.T) {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				want := recorded[name]
				for _, c := range changes[version] {
					if w, ok := c[name]; ok {
						want = w
					}
				}
				if want == nil {
					t.Fatalf("no expected value for %s", f)
				}
				var got any
				if fromClient[strings.SplitN(name, "-", 2)[0]] {
					got, err = Decode(b)
				} else {
					var ignored string
					got, ignored, err = DecodeLenient(b)
					if ignored != "" {
						t.Errorf("ignored %s in a message of a released version", ignored)
					}
				}
				if err != nil {
					t.Fatalf("decode %s: %v", b, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("decoded %#v, want %#v", got, want)
				}
			})
		}
	}
}

// A newer server may add fields and message types: the client skips them
// and says what it skipped; the server's own input stays strict.
func TestNewerServerMessagesAreReadLeniently(t *testing.T) {
	cases := []struct {
		file    string
		want    any
		ignored string
	}{
		{"welcome-extra-field", recorded["welcome"], `field "region" of welcome`},
		{"unknown-type", nil, `message type "presence"`},
		{"envelope-extra-field", &Pong{}, `field "traceId" of the envelope`},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "newer", tc.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			got, ignored, err := DecodeLenient(b)
			if err != nil {
				t.Fatalf("DecodeLenient: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) || ignored != tc.ignored {
				t.Errorf("got %#v ignoring %q, want %#v ignoring %q", got, ignored, tc.want, tc.ignored)
			}
			if _, err := Decode(b); err == nil {
				t.Errorf("strict Decode accepted %s", b)
			}
		})
	}
	// Lenient is not careless: a known field of the wrong type, or what is
	// not JSON, is still an error.
	for _, in := range []string{`{"type":"welcome","data":{"version":"twelve"}}`, `not json`} {
		if _, _, err := DecodeLenient([]byte(in)); err == nil {
			t.Errorf("DecodeLenient(%s) succeeded, want an error", in)
		}
	}
}
