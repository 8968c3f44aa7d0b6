package viewpatch

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/wI2L/jsondiff"
)

// apply applies patch to doc as a client does.
func apply(t *testing.T, doc, patch []byte) []byte {
	t.Helper()
	p, err := jsonpatch.DecodePatch(patch)
	if err != nil {
		t.Fatalf("decode patch %s: %v", patch, err)
	}
	out, err := p.Apply(doc)
	if err != nil {
		t.Fatalf("apply patch %s: %v", patch, err)
	}
	return out
}

// sameJSON reports whether a and b hold the same JSON value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

// bigView is a view-like object with a long inbox, so a small change makes
// a patch much smaller than the whole.
func bigView(name string, unread int, extra map[string]any) []byte {
	inbox := make([]map[string]any, 40)
	for i := range inbox {
		inbox[i] = map[string]any{"id": i, "title": fmt.Sprintf("Call %d finished", i), "body": strings.Repeat("x", 40)}
	}
	v := map[string]any{"profile": map[string]any{"displayName": name, "email": "ada@example.com"}, "inbox": inbox, "unread": unread}
	for k, x := range extra {
		v[k] = x
	}
	b, _ := json.Marshal(v)
	return b
}

// A patch turns the base into the target whatever changed: a value deep
// in one part, a part added or removed, a part whose key needs escaping;
// parts that did not change are not in the patch.
func TestMakeTurnsBaseIntoTarget(t *testing.T) {
	base := bigView("Ada", 3, map[string]any{"a/b~c": 1, "gone": []int{1, 2}})
	cases := map[string][]byte{
		"rename":               bigView("Ada Lovelace", 3, map[string]any{"a/b~c": 1, "gone": []int{1, 2}}),
		"part removed":         bigView("Ada", 3, map[string]any{"a/b~c": 1}),
		"part added":           bigView("Ada", 3, map[string]any{"a/b~c": 1, "gone": []int{1, 2}, "alerts": []string{"new"}}),
		"escaped key changed":  bigView("Ada", 3, map[string]any{"a/b~c": 2, "gone": []int{1, 2}}),
		"scalar and list item": bigView("Ada", 4, map[string]any{"a/b~c": 1, "gone": []int{1, 3}}),
	}
	for name, target := range cases {
		p := Make(base, target)
		if p == nil {
			t.Errorf("%s: no patch", name)
			continue
		}
		if got := apply(t, base, p); !sameJSON(t, got, target) {
			t.Errorf("%s: patched\n%s\nwant\n%s\npatch %s", name, got, target, p)
		}
		if strings.Contains(string(p), "/inbox") {
			t.Errorf("%s: the unchanged inbox is in the patch: %s", name, p)
		}
	}
}

// No patch when it would not be smaller than the target, or when either
// side is not a JSON object.
func TestMakeGivesNothingItShouldNot(t *testing.T) {
	if p := Make([]byte(`{"a":1}`), []byte(`{"b":2}`)); p != nil {
		t.Errorf("a patch larger than the target: %s", p)
	}
	for _, pair := range [][2]string{{`[1]`, `{"a":1}`}, {`{"a":1}`, `null`}, {`{"a":`, `{"a":2}`}} {
		if p := Make([]byte(pair[0]), []byte(pair[1])); p != nil {
			t.Errorf("%s → %s: %s, want no patch", pair[0], pair[1], p)
		}
	}
}

// The cost of a rename's patch on a view with a long inbox: by parts, and
// (for comparison) the whole document diffed at once.
func BenchmarkMake(b *testing.B) {
	base, target := bigView("Ada", 3, nil), bigView("Ada Lovelace", 3, nil)
	b.ReportAllocs()
	for b.Loop() {
		if Make(base, target) == nil {
			b.Fatal("no patch")
		}
	}
}

func BenchmarkWholeDocument(b *testing.B) {
	base, target := bigView("Ada", 3, nil), bigView("Ada Lovelace", 3, nil)
	b.ReportAllocs()
	for b.Loop() {
		p, err := jsondiff.CompareJSON(base, target, jsondiff.LCS(), jsondiff.Rationalize())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(p); err != nil {
			b.Fatal(err)
		}
	}
}
