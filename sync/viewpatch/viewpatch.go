// Package viewpatch makes the RFC 6902 JSON Patch that turns one account
// view, as the server sent it, into the next (docs/API.md, "Views and
// patches"). Clients apply it with any RFC 6902 implementation and check
// the result against the view's digest.
package viewpatch

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/wI2L/jsondiff"
)

// Make returns the patch that turns base into target, two JSON objects,
// or nil when it would not be smaller than target itself (or either is
// not an object).
//
// A change touches one or two of a view's parts (its profile, sessions,
// inbox, …); the parts are compared as bytes first, and only those that
// differ are diffed, which spares decoding and comparing the rest: most
// of the cost of a patch.
func Make(base, target []byte) []byte {
	b, t := members(base), members(target)
	if b == nil || t == nil {
		return nil
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := t[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var ops jsondiff.Patch
	for _, k := range keys {
		bv, inBase := b[k]
		tv, inTarget := t[k]
		path := "/" + escape(k)
		switch {
		case !inTarget:
			ops = append(ops, jsondiff.Operation{Type: jsondiff.OperationRemove, Path: path})
		case !inBase:
			ops = append(ops, jsondiff.Operation{Type: jsondiff.OperationAdd, Path: path, Value: json.RawMessage(tv)})
		case bv == tv:
		default:
			part, err := jsondiff.CompareJSON([]byte(bv), []byte(tv), jsondiff.LCS(), jsondiff.Rationalize())
			if err != nil {
				return nil
			}
			for _, op := range part {
				op.Path = path + op.Path
				if op.From != "" {
					op.From = path + op.From
				}
				ops = append(ops, op)
			}
		}
	}
	out, err := json.Marshal(ops)
	if err != nil || len(out) >= len(target) {
		return nil
	}
	return out
}

// members returns the members of a JSON object, each as its raw JSON, or
// nil if doc is not a valid JSON object.
func members(doc []byte) map[string]string {
	if !gjson.ValidBytes(doc) {
		return nil
	}
	obj := gjson.ParseBytes(doc)
	if !obj.IsObject() {
		return nil
	}
	m := map[string]string{}
	obj.ForEach(func(k, v gjson.Result) bool {
		m[k.String()] = v.Raw
		return true
	})
	return m
}

// escape makes an object key a JSON Pointer reference token (RFC 6901).
func escape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
