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
