package api

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"

	"github.com/mitreden/mitreden/internal/cache"
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

func randRead(b []byte) (int, error) { return rand.Read(b) }

func encode(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// answerBudget bounds the viewport answers kept across all procedures.
const answerBudget = 64 << 20

func (h *Handler) cacheGet(proc, version int64, key string) ([]byte, bool) {
	return h.cache.Get(cache.Key{Procedure: proc, Version: version, Name: key})
}

func (h *Handler) cachePut(proc, version int64, key string, b []byte) {
	h.cache.Put(cache.Key{Procedure: proc, Version: version, Name: key}, b)
}
