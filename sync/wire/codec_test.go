package wire

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	msgs := []any{
		&Hello{ClientID: "c1", SchemaVersion: SchemaVersion, Version: 7, LastMutationID: 3, LastEventSeq: 2},
		&Welcome{Version: 7, View: json.RawMessage(`{"a":1}`), LastMutationID: 3, SessionID: "s"},
		&Push{Mutations: []Mutation{{ID: 4, Name: "setDisplayName", Args: json.RawMessage(`{"displayName":"Ada"}`)}}},
		&PushAck{LastMutationID: 4, Results: []Result{{ID: 4, Error: Errorf(CodeInvalidArgument, "too short")}}},
		&View{Version: 8, View: json.RawMessage(`{}`)},
		&Event{Seq: 1, Kind: "security", Payload: json.RawMessage(`{}`)},
		&Revoked{Reason: "revoked"},
		Errorf(CodeRateLimited, "slow down"),
		&Ping{}, &Pong{},
	}
	for _, m := range msgs {
		b, err := Encode(m)
		if err != nil {
			t.Fatalf("Encode(%T): %v", m, err)
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(%s): %v", b, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("round trip of %T: got %+v, want %+v", m, got, m)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	cases := []struct {
		name string
		in   string
		code Code
	}{
		{"not json", `hello`, CodeBadMessage},
		{"unknown type", `{"type":"nope"}`, CodeUnknownType},
		{"missing type", `{"data":{}}`, CodeUnknownType},
		{"unknown envelope field", `{"type":"ping","extra":1}`, CodeBadMessage},
		{"unknown data field", `{"type":"hello","data":{"clientId":"c","admin":true}}`, CodeBadMessage},
		{"wrong field type", `{"type":"hello","data":{"version":"seven"}}`, CodeBadMessage},
		{"trailing data", `{"type":"ping"}{"type":"ping"}`, CodeBadMessage},
		{"too large", `{"type":"ping","data":{}}` + strings.Repeat(" ", MaxMessageBytes), CodeTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.in))
			var we *Error
			if !errors.As(err, &we) || we.Code != tc.code {
				t.Fatalf("Decode(%.40q) error = %v, want code %s", tc.in, err, tc.code)
			}
		})
	}
}

func TestEncodeRefusesNonMessages(t *testing.T) {
	if _, err := Encode(struct{}{}); err == nil {
		t.Fatal("Encode(struct{}{}) succeeded, want error")
	}
}

func TestCodeNamesAreStable(t *testing.T) {
	// The table is append only: these pairs must never change.
	want := map[Code]string{1: "bad_message", 2: "unknown_type", 3: "too_large", 4: "unauthorized", 5: "revoked",
		6: "schema_mismatch", 7: "invalid_argument", 8: "rate_limited", 9: "internal", 10: "bad_credentials",
		11: "conflict", 12: "not_found", 13: "forbidden", 14: "unsupported", 15: "second_factor_required", 16: "expired", 17: "update_required"}
	for c, n := range want {
		if c.String() != n {
			t.Errorf("Code(%d) = %q, want %q", c, c.String(), n)
		}
	}
}
