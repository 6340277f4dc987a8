package web

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// The request log line, written by hand when Server.AccessLog is set (the
// server's buffered log writer): the same JSON object slog's JSON handler
// writes for the record requestLog would log — time, level, msg,
// request_id, method, route, status, duration_ms, in that order — at a
// fraction of its cost, since every request writes one.
// TestRequestLineIsTheJSONHandlersLine holds the two together.

var requestIDHeader = []byte("X-Request-Id")

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
