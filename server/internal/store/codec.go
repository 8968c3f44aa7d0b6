package store

import (
	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// decodeRecord decodes a stored record. Records are written by
// encoding/json and read with the decoder of github.com/go-json-experiment/json
// (encoding/json/v2 as proposed) set to encoding/json's semantics
// (DefaultOptionsV1): the session lookups and view builds every reconnect
// and change make decode records in well under half the time, with one
// allocation where encoding/json made a dozen.
func decodeRecord(data []byte, v any) error {
	return jsonv2.Unmarshal(data, v, jsonv1.DefaultOptionsV1())
}
