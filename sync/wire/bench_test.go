package wire

import (
	"encoding/json"
	"fmt"
	"testing"
)

func benchPush() Push {
	p := Push{Mutations: make([]Mutation, 20)}
	for i := range p.Mutations {
		p.Mutations[i] = Mutation{ID: uint64(i + 1), Name: "setDisplayName", Args: json.RawMessage(fmt.Sprintf(`{"displayName":"Name %d"}`, i))}
	}
	return p
}

func BenchmarkEncodePush(b *testing.B) {
	p := benchPush()
	for b.Loop() {
		if _, err := Encode(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePush(b *testing.B) {
	data, _ := Encode(benchPush())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeLenientView is what a client pays for each view it is
// pushed: it should cost what strict decoding does.
func BenchmarkDecodeLenientView(b *testing.B) {
	data, _ := Encode(View{Version: 9, View: json.RawMessage(`{"profile":{"displayName":"Ada Lovelace","email":"ada@example.com"},"unread":3}`)})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := DecodeLenient(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeStrictView(b *testing.B) {
	data, _ := Encode(View{Version: 9, View: json.RawMessage(`{"profile":{"displayName":"Ada Lovelace","email":"ada@example.com"},"unread":3}`)})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
