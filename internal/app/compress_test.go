package app_test

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/mitreden/mitreden/internal/config"
)

// decode undoes a Content-Encoding.
func decode(t *testing.T, coding, body string) string {
	t.Helper()
	var r io.Reader
	switch coding {
	case "br":
		r = brotli.NewReader(strings.NewReader(body))
	case "gzip":
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		r = zr
	default:
		return body
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", coding, err)
	}
	return string(b)
}

var cspNonce = regexp.MustCompile(`'nonce-([A-Za-z0-9_-]+)'`)

// withoutNonce replaces the answer's CSP nonce, which differs per request.
func withoutNonce(r result, body string) string {
	if m := cspNonce.FindStringSubmatch(r.header.Get("Content-Security-Policy")); m != nil {
		return strings.ReplaceAll(body, m[1], "NONCE")
	}
	return body
}

// Pages, JSON and GeoJSON answers and the static assets go out with brotli
// or gzip when the client accepts them, and as they are when it does not.
func TestAnswersAreCompressedWhenTheClientAcceptsIt(t *testing.T) {
	e := newEnv(t, nil)
	targets := map[string]string{
		"page":    "/p/" + slug,
		"json":    "/api/v1/procedures/" + slug,
		"geojson": "/api/v1/procedures/" + slug + "/contributions",
		"css":     e.srv.Assets.URL("css/mitreden.css"),
		"js":      e.srv.Assets.URL("vendor/leaflet/leaflet.js"),
		"svg":     e.srv.Assets.URL("conceptions/variante-a.svg"),
	}
	static := map[string]bool{"css": true, "js": true, "svg": true}
	for what, target := range targets {
		plain := e.do(t, "GET", target, "", "")
		if plain.status != 200 || plain.header.Get("Content-Encoding") != "" {
			t.Fatalf("%s without Accept-Encoding: %d, Content-Encoding %q", what, plain.status, plain.header.Get("Content-Encoding"))
		}
		if !strings.Contains(plain.header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Vary = %q, want Accept-Encoding", what, plain.header.Get("Vary"))
		}
		// On a tie static assets (compressed once) come in brotli, answers
		// made per request in gzip (a quarter of the time).
		tie := "gzip"
		if static[what] {
			tie = "br"
		}
		for _, tc := range []struct{ accept, want string }{
			{"br", "br"},
			{"gzip", "gzip"},
			{"gzip, deflate, br", tie},
			{"br;q=0.5, gzip", "gzip"},
			{"br, gzip;q=0.5", "br"},
			{"br;q=0, gzip;q=0.3", "gzip"},
			{"*", tie},
			{"gzip;q=0, br;q=0", ""},
			{"identity", ""},
			{"deflate", ""},
		} {
			r := e.do(t, "GET", target, "", "", "Accept-Encoding", tc.accept)
			if r.status != 200 || r.header.Get("Content-Encoding") != tc.want {
				t.Fatalf("%s with Accept-Encoding %q: %d, Content-Encoding %q, want %q", what, tc.accept, r.status, r.header.Get("Content-Encoding"), tc.want)
			}
			if !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s with %q: Vary = %q", what, tc.accept, r.header.Get("Vary"))
			}
			got := decode(t, tc.want, r.body)
			if withoutNonce(r, got) != withoutNonce(plain, plain.body) {
				t.Fatalf("%s with %q: decompressed answer differs from the plain one (%d against %d bytes)", what, tc.accept, len(got), len(plain.body))
			}
			if tc.want != "" && len(r.body) >= len(plain.body)/2 {
				t.Errorf("%s with %q: %d bytes compressed from %d", what, tc.accept, len(r.body), len(plain.body))
			}
		}
	}
	// The assets are compressed once, at the best level: leaflet.js is
	// about 37 KB in brotli (about 45 KB at the level used per request).
	if r := e.do(t, "GET", targets["js"], "", "", "Accept-Encoding", "br"); len(r.body) > 40_000 {
		t.Errorf("leaflet.js in brotli: %d bytes, want the best level (< 40,000)", len(r.body))
	}
}

// Tiny answers, images and 304s are sent as they are.
func TestSmallAnswersImagesAndNotModifiedAreNotCompressed(t *testing.T) {
	e := newEnv(t, nil)
	for _, target := range []string{"/healthz", e.srv.Assets.URL("vendor/leaflet/images/layers-2x.png"), e.srv.Assets.URL("icons/bus.svg")} {
		r := e.do(t, "GET", target, "", "", "Accept-Encoding", "br, gzip")
		if r.status != 200 || r.header.Get("Content-Encoding") != "" {
			t.Fatalf("%s: %d, Content-Encoding %q", target, r.status, r.header.Get("Content-Encoding"))
		}
	}
	// The viewport API's validator still answers 304, without a body to
	// compress.
	view := "/api/v1/procedures/" + slug + "/contributions?bbox=9.9,53.5,10.0,53.6"
	r := e.do(t, "GET", view, "", "", "Accept-Encoding", "br")
	etag := r.header.Get("ETag")
	if r.status != 200 || r.header.Get("Content-Encoding") != "br" || etag == "" {
		t.Fatalf("viewport: %d, Content-Encoding %q, ETag %q", r.status, r.header.Get("Content-Encoding"), etag)
	}
	// Asked again (the cached answer), compressed well once and kept: from
	// the second time on the same bytes (the first time an answer is
	// compressed fast and not kept).
	again := e.do(t, "GET", view, "", "", "Accept-Encoding", "br")
	third := e.do(t, "GET", view, "", "", "Accept-Encoding", "br")
	if third.body != again.body || again.header.Get("Content-Encoding") != "br" || third.header.Get("Content-Encoding") != "br" {
		t.Fatalf("viewport: %d, Content-Encoding %q, ETag %q", again.status, again.header.Get("Content-Encoding"), etag)
	}
	if decode(t, "br", again.body) != decode(t, "br", r.body) {
		t.Fatal("viewport: the first and the kept compression differ in content")
	}
	r = e.do(t, "GET", view, "", "", "Accept-Encoding", "br", "If-None-Match", etag)
	if r.status != 304 || r.header.Get("Content-Encoding") != "" || r.body != "" {
		t.Fatalf("revalidation: %d, Content-Encoding %q, %d bytes", r.status, r.header.Get("Content-Encoding"), len(r.body))
	}
}

// Event streams are never compressed: a compressor would hold back the
// events until its buffer fills.
func TestEventStreamIsNotCompressed(t *testing.T) {
	l := newLiveEnv(t, nil)
	s, res := l.open(t, "", "Accept-Encoding", "br, gzip")
	if s == nil {
		t.Fatalf("stream: %d", res.StatusCode)
	}
	if ce := res.Header.Get("Content-Encoding"); ce != "" {
		t.Fatalf("event stream Content-Encoding = %q", ce)
	}
	s.until(t, ": connected", 5*time.Second)
}

// mbtilesFile writes a one-tile MBTiles file.
func mbtilesFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "close.mbtiles")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`INSERT INTO metadata VALUES ('format', 'png')`,
		`INSERT INTO tiles VALUES (0, 0, 0, x'89504e470d0a1a0a')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// openFiles counts this process's open descriptors on path.
func openFiles(t *testing.T, path string) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && target == path {
			n++
		}
	}
	return n
}

// Shutting the server down closes the offline base map's file.
func TestShutdownClosesTheMBTilesFile(t *testing.T) {
	path := mbtilesFile(t)
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	e := newEnv(t, func(c *config.Config) { c.TileMBTiles = path })
	if r := e.do(t, "GET", "/tiles/0/0/0.png", "", ""); r.status != 200 || !bytes.HasPrefix([]byte(r.body), []byte("\x89PNG")) {
		t.Fatalf("tile: %d", r.status)
	}
	if openFiles(t, path) == 0 {
		t.Fatal("the MBTiles file is not open while serving")
	}
	e.srv.Shutdown()
	_ = e.app.ShutdownWithTimeout(time.Second)
	if n := openFiles(t, path); n != 0 {
		t.Fatalf("%d descriptors still open on the MBTiles file after shutdown", n)
	}
}
