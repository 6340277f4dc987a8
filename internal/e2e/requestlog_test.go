package e2e

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// The real binary logs one JSON line per request (written by hand in the
// JSON handler's shape, see internal/web/accesslog.go): the request id the
// client got, method, the route pattern — never the path — status and
// duration, beside the server's other slog lines in the same stream.
func TestEveryRequestIsOneJSONLineInTheLog(t *testing.T) {
	s := start(t, "")
	paths := map[string]string{ // path → route pattern
		"/p/gruenzug-altona": "/p/:slug",
		"/api/v1/procedures/gruenzug-altona/contributions?bbox=9.93,53.55,9.94,53.556": "/api/v1/procedures/:slug/contributions",
		"/manage/secret-token-that-must-not-be-logged":                                 "/manage/:token",
	}
	ids := map[string]string{}
	for p := range paths {
		res, err := http.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		id := res.Header.Get("X-Request-Id")
		if len(id) != 11 {
			t.Fatalf("%s: X-Request-Id %q", p, id)
		}
		ids[id] = p
	}
	s.stop() // flushes the buffered log
	logs := s.logs.String()
	if strings.Contains(logs, "secret-token") {
		t.Error("a path with a secret reached the log")
	}
	found := 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var l struct {
			Time, Level, Msg, Method, Route string
			ID                              string  `json:"request_id"`
			Status                          int     `json:"status"`
			Duration                        float64 `json:"duration_ms"`
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			t.Errorf("not a JSON line: %q", sc.Text())
			continue
		}
		p, ok := ids[l.ID]
		if !ok || l.Msg != "request" {
			continue
		}
		found++
		if l.Level != "INFO" || l.Method != "GET" || l.Route != paths[p] || l.Status == 0 || l.Duration < 0 || l.Time == "" {
			t.Errorf("%s: %s", p, sc.Text())
		}
	}
	if found != len(ids) {
		t.Errorf("%d of %d requests found in the log:\n%s", found, len(ids), logs)
	}
}
