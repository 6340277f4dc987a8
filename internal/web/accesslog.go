package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The request log line, written by hand when Server.AccessLog is set (the
// server's buffered log writer): the same JSON object slog's JSON handler
// writes for the record requestLog would log — time, level, msg,
// request_id, method, route, status, duration_ms, in that order — at a
// fraction of its cost, since every request writes one.
// TestRequestLineIsTheJSONHandlersLine holds the two together.

var requestIDHeader = []byte("X-Request-Id")

// Request ids are a counter from a random start, stepped by the golden
// ratio and mixed by splitmix64's finaliser, a bijection: unique within a
// run (for 2^64 requests), unrelated between runs, and made without random
// bytes per request. They name a request in the logs; they are no secret.
const requestIDLen = 11 // 8 bytes in unpadded base64url

var requestIDs atomic.Uint64

func init() {
	var seed [8]byte
	_, _ = rand.Read(seed[:])
	requestIDs.Store(binary.LittleEndian.Uint64(seed[:]))
}

func nextRequestID(dst *[requestIDLen]byte) {
	x := requestIDs.Add(0x9e3779b97f4a7c15)
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	var raw [8]byte
	binary.LittleEndian.PutUint64(raw[:], x)
	base64.RawURLEncoding.Encode(dst[:], raw[:])
}

// requestLines lends the buffers request lines are made in.
var requestLines = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// appendRequestLine appends the request's log line, ending in a newline.
// start is when the request began (the record's time, as slog takes the
// time of the call, a few microseconds later).
func appendRequestLine(b []byte, start time.Time, id, method, route string, status int, d time.Duration) []byte {
	b = append(b, `{"time":"`...)
	b = start.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"request","request_id":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"method":`...)
	b = appendJSONString(b, method)
	b = append(b, `,"route":`...)
	b = appendJSONString(b, route)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"duration_ms":`...)
	// whole microseconds in milliseconds: 0 or at least 0.001, which
	// encoding/json (slog's choice for floats) writes as 'f' does
	b = strconv.AppendFloat(b, float64(d.Microseconds())/1000, 'f', -1, 64)
	return append(b, "}\n"...)
}

// appendJSONString appends v as a JSON string: as it is when it holds
// nothing to escape (route patterns, methods, request ids), else through
// encoding/json without its escaping of <, > and & (slog's way).
func appendJSONString(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			var q bytes.Buffer
			enc := json.NewEncoder(&q)
			enc.SetEscapeHTML(false) // as slog writes them
			_ = enc.Encode(v)
			return append(b, bytes.TrimSuffix(q.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, v...)
	return append(b, '"')
}
