package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// sampleAccount has a value in every kind of field a record holds: times,
// maps, slices, raw JSON, nested structs.
func sampleAccount() Account {
	at := time.Date(2026, 11, 28, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	return Account{ID: "0123456789abcdef0123456789abcdef", Email: "ada@example.com", PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
		DisplayName: "Ada Lovelace 🚀", Created: at, Version: 42, EventSeq: 7, LastFailure: at.Add(-time.Hour), Failures: 2,
		TwoFactor:  TwoFactor{Enabled: true, Secret: "JBSWY3DPEHPK3PXP", BackupCodes: []string{"a1", "b2"}, PendingExpires: at},
		Passkeys:   []Passkey{{ID: "pk1", Name: "Laptop", Created: at, Credential: json.RawMessage(`{"id":"AQID","counter":3}`)}},
		EmailPrefs: map[string]bool{"security": true, "product": false}, Usage: map[string]Usage{"2026-11": {Calls: 3, Failed: 1}},
		AgentAlerted: map[string]time.Time{"agent-1": at}, Export: &Export{ID: "x1", Requested: at, Size: 9}}
}

func sampleSession() Session {
	at := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	return Session{ID: "0123456789abcdef0123456789abcdef", AccountID: "0123456789abcdef0123456789abcdef", TokenHash: "abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdef",
		DeviceKind: "desktop", Device: "DialNexa on Linux", Location: "Berlin, Germany", Address: "203.0.113.x", Created: at, LastActive: at}
}

// A record reads back through decodeRecord exactly as encoding/json reads
// it, for the records written by encoding/json.
func TestDecodeRecordReadsWhatEncodingJSONReads(t *testing.T) {
	for name, rec := range map[string]any{"account": sampleAccount(), "session": sampleSession()} {
		data, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		want := reflect.New(reflect.TypeOf(rec))
		got := reflect.New(reflect.TypeOf(rec))
		if err := json.Unmarshal(data, want.Interface()); err != nil {
			t.Fatal(err)
		}
		if err := decodeRecord(data, got.Interface()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got.Interface(), want.Interface()) {
			t.Errorf("%s read back\n%+v\nwant\n%+v", name, got.Elem().Interface(), want.Elem().Interface())
		}
	}
	if err := decodeRecord([]byte(`{"id":`), new(Session)); err == nil {
		t.Error("a truncated record decoded without an error")
	}
}

// The cost of reading a session record, as every session lookup does:
// with decodeRecord, and with encoding/json for comparison.
func BenchmarkDecodeRecord(b *testing.B) {
	data, _ := json.Marshal(sampleSession())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var s Session
		if err := decodeRecord(data, &s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRecordEncodingJSON(b *testing.B) {
	data, _ := json.Marshal(sampleSession())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var s Session
		if err := json.Unmarshal(data, &s); err != nil {
			b.Fatal(err)
		}
	}
}
