package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"
)

// The hand-written request line is what slog's JSON handler writes for the
// same record, byte for byte: the same fields in the same order with the
// same values, escaped the same way.
func TestRequestLineIsTheJSONHandlersLine(t *testing.T) {
	at := time.Date(2026, 12, 2, 0, 40, 1, 834181749, time.UTC)
	for _, c := range []struct {
		id, method, route string
		status            int
		d                 time.Duration
	}{
		{"rtbXbYqHH8Y", "GET", "/api/v1/procedures/:slug/contributions", 200, 6 * time.Microsecond},
		{"zC0u-pRn92o", "POST", "/manage/:token", 303, 1234567 * time.Microsecond},
		{"a_b", "GET", "unmatched", 404, 0},
		{"x", "GET", `/odd "route" \ with ä, <tags> & a tab	`, 500, 999 * time.Nanosecond},
		{"y", "DELETE", "/p/:slug", 204, 3*time.Hour + 7*time.Microsecond},
	} {
		got := appendRequestLine(nil, at, c.id, c.method, c.route, c.status, c.d)
		var want bytes.Buffer
		h := slog.NewJSONHandler(&want, nil)
		r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("request_id", c.id), slog.String("method", c.method), slog.String("route", c.route),
			slog.Int("status", c.status), slog.Float64("duration_ms", float64(c.d.Microseconds())/1000))
		if err := h.Handle(t.Context(), r); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(got, []byte("}\n")) || bytes.Count(got, []byte("\n")) != 1 {
			t.Errorf("%q: not one line", got)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("lines differ:\n got %s\nwant %s", got, want.Bytes())
		}
		if keys(t, got) != keys(t, want.Bytes()) {
			t.Errorf("fields or order differ:\n got %s\nwant %s", got, want.Bytes())
		}
		var g, w map[string]any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: %v", got, err)
		}
		_ = json.Unmarshal(want.Bytes(), &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("values differ:\n got %s\nwant %s", got, want.Bytes())
		}
	}
}

// keys lists the object's keys in their order.
func keys(t *testing.T, line []byte) string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(line))
	var out string
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out += k.(string) + ","
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// Request ids taken by many goroutines at once are all different and all
// eleven characters of base64url.
func TestRequestIDsAreUniqueUnderConcurrency(t *testing.T) {
	const workers, each = 8, 20000
	ids := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				var b [requestIDLen]byte
				nextRequestID(&b)
				ids[w] = append(ids[w], string(b[:]))
			}
		}()
	}
	wg.Wait()
	seen := make(map[string]bool, workers*each)
	for _, l := range ids {
		for _, id := range l {
			if seen[id] {
				t.Fatalf("request id %q given twice", id)
			}
			seen[id] = true
			if _, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(id) != 11 {
				t.Fatalf("request id %q is not 11 characters of base64url: %v", id, err)
			}
		}
	}
}
