package wire

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzDecode checks that any input either decodes to a message that
// encodes again, or fails with a coded *Error; it never panics.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","data":{"clientId":"c","schemaVersion":1}}`,
		`{"type":"push","data":{"mutations":[{"id":1,"name":"setDisplayName","args":{"displayName":"Ada"}}]}}`,
		`{"type":"ping"}`, `{"type":"error","data":{"code":7,"message":"x"}}`,
		`{"type":"nope"}`, `{`, `[]`, `null`, `{"type":"view","data":{"version":1,"view":{}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		lm, ignored, lerr := DecodeLenient(b)
		if lerr != nil {
			var we *Error
			if !errors.As(lerr, &we) || we.Code == CodeOK {
				t.Fatalf("DecodeLenient(%q) error %v has no code", b, lerr)
			}
		}
		m, err := Decode(b)
		if err == nil && (lerr != nil || ignored != "" || !reflect.DeepEqual(lm, m)) {
			t.Fatalf("DecodeLenient(%q) = %#v, %q, %v; strict decoding gave %#v", b, lm, ignored, lerr, m)
		}
		if err != nil {
			var we *Error
			if !errors.As(err, &we) || we.Code == CodeOK {
				t.Fatalf("Decode(%q) error %v has no code", b, err)
			}
			return
		}
		if _, err := Encode(m); err != nil {
			t.Fatalf("decoded %T does not encode: %v", m, err)
		}
	})
}
