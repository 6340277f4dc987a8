package api

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/fnv"
	"io"
	"sync"
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

// answerCache keeps recent viewport answers per procedure version: the
// opening view is the same for everyone after a newspaper article. A new
// version (any write) makes older entries unreachable; they are dropped
// when the procedure's version moves on.
type answerCache struct {
	mu      sync.Mutex
	version map[int64]int64
	entries map[int64]map[string][]byte
}

func newAnswerCache() *answerCache {
	return &answerCache{version: map[int64]int64{}, entries: map[int64]map[string][]byte{}}
}

const cacheEntriesPerProcedure = 64

func (h *Handler) cacheGet(proc, version int64, key string) ([]byte, bool) {
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	if h.cache.version[proc] != version {
		return nil, false
	}
	b, ok := h.cache.entries[proc][key]
	return b, ok
}

func (h *Handler) cachePut(proc, version int64, key string, b []byte) {
	if len(b) > 2<<20 {
		return
	}
	h.cache.mu.Lock()
	defer h.cache.mu.Unlock()
	if h.cache.version[proc] != version || h.cache.entries[proc] == nil || len(h.cache.entries[proc]) >= cacheEntriesPerProcedure {
		h.cache.version[proc] = version
		h.cache.entries[proc] = map[string][]byte{}
	}
	h.cache.entries[proc][key] = b
}
