package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/cmd/mitreden-load/mix"
	"github.com/mitreden/mitreden/internal/store"
)

// soakRoutes are the routes the soak must have exercised: every public
// page type, the API reads with filters, bounding boxes, clusters and the
// event stream, and the writes through the API and the forms.
var soakRoutes = []string{
	"GET /", "GET /p/:slug", "GET /p/:slug/pages/:page", "GET /p/:slug/contributions/:id", "GET /p/:slug/contribute",
	"GET /p/:slug/statistics", "GET /p/:slug/conceptions", "GET /p/:slug/appointments.ics", "GET /wall/:slug",
	"GET /table/:slug", "GET /manage/:token", "GET /p/:slug/theme.css", "GET /static/:hash/*", "HEAD /static/:hash/*",
	"GET /healthz", "GET /metrics",
	"GET /api/v1/procedures", "GET /api/v1/procedures/:slug", "GET /api/v1/procedures/:slug/contributions?filter",
	"GET /api/v1/procedures/:slug/contributions?cursor", "GET /api/v1/procedures/:slug/contributions?bbox",
	"GET /api/v1/procedures/:slug/contributions?cluster=1", "GET /api/v1/contributions/:id",
	"GET /api/v1/procedures/:slug/events", "GET /api/v1/procedures/:slug/conceptions", "GET /api/v1/procedures/:slug/places",
	"GET /ogcapi/collections/:slug/items",
	"POST /api/v1/contributions/:id/ratings", "POST /p/:slug/contributions/:id/ratings (form)",
	"POST /api/v1/contributions/:id/comments", "POST /p/:slug/contributions/:id/comments (form)",
	"POST /api/v1/procedures/:slug/contributions", "POST /p/:slug/contribute (form)", "POST /table/:slug (form)",
	"POST /api/v1/contributions/:id/flags", "POST /p/:slug/contributions/:id/flags (form)",
	"POST /api/v1/procedures/:slug/conceptions/:key/ratings", "POST /p/:slug/conceptions/:key/ratings (form)",
	"POST /api/v1/procedures/:slug/conceptions/:key/comments", "POST /p/:slug/conceptions/:key/comments (form)",
	"POST /manage/:token (form)", "POST /api/v1/procedures/:slug/contributions (invalid)",
}

// TestSoak is an ordinary evening after a newspaper article: six
// residents' browsers at once (each with its own cookies) read every page
// type in German, English and Leichte Sprache, pan the map, follow the
// event stream, rate, comment, contribute and report through the API and
// the forms — 5,000 requests against the real binary with the demo. No
// answer may be a 5xx or another status its route should not give, no
// connection may drop, the log holds no panic, /metrics still answers with
// well-formed labels and the database passes integrity_check.
//
// The write limit is off (start sets MITREDEN_WRITE_LIMIT=0): six clients
// from one address would otherwise share one budget; the limit has its own
// tests.
func TestSoak(t *testing.T) {
	s := start(t, "")
	var tables []string
	for n := 1; n <= 4; n++ {
		tables = append(tables, tableLink(t, s, n))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := mix.Run(ctx, mix.Config{Base: s.URL, Slug: "gruenzug-altona", Clients: 6, Requests: 5000, Seed: 19,
		Timeout: 20 * time.Second, TableLinks: tables})
	if err != nil {
		t.Fatalf("%v\n%s", err, tail(s.logs.String(), 20))
	}
	var out strings.Builder
	rep.Print(&out)
	t.Logf("%d requests in %.1f s\n%s", rep.Total(), rep.Elapsed.Seconds(), out.String())
	if rep.Total() < 5000 {
		t.Errorf("only %d requests sent", rep.Total())
	}
	for _, f := range rep.Failures() {
		t.Error(f)
	}
	got := map[string]int64{}
	for _, r := range rep.Routes {
		got[r.Name] = r.Requests
	}
	for _, name := range soakRoutes {
		if got[name] == 0 {
			t.Errorf("route %q was not exercised", name)
		}
	}

	// /metrics still answers, and its method labels are whole methods.
	code, metrics := s.get(t, "/metrics")
	if code != 200 {
		t.Errorf("/metrics after the soak = %d", code)
	}
	methods := map[string]bool{}
	for _, m := range regexp.MustCompile(`method="([^"]*)"`).FindAllStringSubmatch(metrics, -1) {
		methods[m[1]] = true
	}
	for m := range methods {
		switch m {
		case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		default:
			t.Errorf("malformed method label %q in /metrics", m)
		}
	}
	if !methods["GET"] || !methods["POST"] {
		t.Errorf("/metrics has no GET or POST series: %v", methods)
	}
	for _, m := range regexp.MustCompile(`route="([^"]*)"`).FindAllStringSubmatch(metrics, -1) {
		if m[1] != "unmatched" && !strings.HasPrefix(m[1], "/") {
			t.Errorf("malformed route label %q in /metrics", m[1])
		}
	}

	s.stop()
	logs := s.logs.String()
	if n, lines := grepLines(logs, "panic", 5); n > 0 {
		t.Errorf("%d panic lines in the server log, e.g.:\n%s", n, lines)
	}
	if n, lines := grepLines(logs, "fatal error", 5); n > 0 {
		t.Errorf("the server died:\n%s", lines)
	}
	st, err := store.Open(s.DB, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if res, err := st.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Errorf("integrity_check = %q, %v", res, err)
	}
}

// grepLines counts the lines of s that contain sub (case insensitive) and
// returns the first n of them, each cut to 300 bytes.
func grepLines(s, sub string, n int) (int, string) {
	count := 0
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.Contains(strings.ToLower(line), sub) {
			continue
		}
		count++
		if len(line) > 300 {
			line = line[:300] + "…"
		}
		if len(out) < n {
			out = append(out, line)
		}
	}
	return count, strings.Join(out, "\n")
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
