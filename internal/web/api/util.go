package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// decodeStrict decodes exactly one JSON value into v, rejecting unknown
// trailing data.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// hashBytes is FNV-1a of b (hash/fnv's, without its allocation).
func hashBytes(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// weakETag is the validator W/"<version>-<hash of the query, hex>".
func weakETag(version int64, query []byte) []byte {
	b := make([]byte, 0, 48)
	b = append(b, `W/"`...)
	b = strconv.AppendInt(b, version, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, hashBytes(query), 16)
	return append(b, '"')
}
