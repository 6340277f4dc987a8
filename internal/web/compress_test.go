package web

import (
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/mitreden/mitreden/internal/cache"
)

func TestAcceptedEncodingFollowsQualityValues(t *testing.T) {
	for header, want := range map[string]string{
		"":                          "",
		"br":                        "br",
		"GZIP":                      "gzip",
		"gzip, deflate, br, zstd":   "br",
		"gzip;q=1.0, br;q=0.9":      "gzip",
		"br;q=0.9, gzip;q=0.9":      "br",
		"br;q=0":                    "",
		"br;q=0, *":                 "gzip",
		"*;q=0.2, br;q=0":           "gzip",
		"x-gzip":                    "gzip",
		"br;q=nonsense, gzip;q=0.1": "gzip",
		"identity, deflate":         "",
		" gzip ; q=0.5 , br ; q=1 ": "br",
	} {
		if got := AcceptedEncoding(header); got != want {
			t.Errorf("AcceptedEncoding(%q) = %q, want %q", header, got, want)
		}
	}
	// Answers made per request prefer gzip when both are alike welcome.
	for header, want := range map[string]string{
		"gzip, deflate, br, zstd": "gzip",
		"br":                      "br",
		"br;q=1, gzip;q=0.9":      "br",
		"*":                       "gzip",
		"br, gzip;q=0":            "br",
	} {
		if got := negotiate(header, false); got != want {
			t.Errorf("negotiate(%q, false) = %q, want %q", header, got, want)
		}
	}
}

func TestCompressibleTypes(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html; charset=utf-8": true, "application/json": true, "application/geo+json": true,
		"text/css": true, "application/javascript": true, "image/svg+xml": true, "text/csv": true,
		"text/event-stream": false, "image/png": false, "image/jpeg": false, "application/zip": false,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": false,
		"application/geopackage+sqlite3":                                    false, "": false,
	} {
		if got := Compressible(ct); got != want {
			t.Errorf("Compressible(%q) = %v", ct, got)
		}
	}
}

// Repeated answers (cached viewports) are compressed once and kept; an
// answer seen for the first time is compressed fast and not kept; pages,
// which differ per request, are not kept.
func TestRepeatedAnswersAreCompressedOnce(t *testing.T) {
	s := &Server{encoded: cache.New(encodedBudget, cache.Bytes), seen: cache.New[struct{}](seenEntries, nil)}
	app := fiber.New()
	app.Use(s.Compress)
	body := strings.Repeat(`{"type":"Feature","properties":{"title":"Bank"}},`, 100)
	app.Get("/json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/geo+json")
		return c.SendString(body)
	})
	app.Get("/page", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(body + Nonce(c))
	})
	get := func(path string) string {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: Content-Encoding %q", path, res.Header.Get("Content-Encoding"))
		}
		return string(b)
	}
	plain := func(gz string) string { return gunzip(t, gz) }
	_, before := s.encoded.Size()
	first := get("/json")
	if plain(first) != body {
		t.Fatal("the first answer does not decompress to the body")
	}
	if _, after := s.encoded.Size(); after != before {
		t.Fatalf("an answer seen once was kept: %d copies, want %d", after, before)
	}
	second := get("/json")
	if plain(second) != body {
		t.Fatal("the second answer does not decompress to the body")
	}
	for i := 0; i < 3; i++ {
		if get("/json") != second {
			t.Fatal("the same answer compressed differently")
		}
		get("/page")
	}
	if _, after := s.encoded.Size(); after != before+1 {
		t.Fatalf("compressed copies kept: %d, want %d", after, before+1)
	}
}

// An answer named by its cache key (a viewport answer) is compressed once
// per key and coding and found again by the key alone.
func TestNamedAnswersAreCompressedOncePerKey(t *testing.T) {
	s := &Server{encoded: cache.New(encodedBudget, cache.Bytes), seen: cache.New[struct{}](seenEntries, nil)}
	app := fiber.New()
	app.Use(s.Compress)
	bodies := map[string]string{
		"a": strings.Repeat(`{"type":"Feature","properties":{"title":"Bank"}},`, 100),
		"b": strings.Repeat(`{"type":"Feature","properties":{"title":"Baum"}},`, 100),
	}
	app.Get("/:name", func(c *fiber.Ctx) error {
		name := c.Params("name")
		return s.SendNamed(c, cache.Key{Procedure: 1, Version: 7, Name: name}, "application/geo+json", []byte(bodies[name]), true)
	})
	get := func(name, coding string) (string, string) {
		req := httptest.NewRequest("GET", "/"+name, nil)
		req.Header.Set("Accept-Encoding", coding)
		res, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("Vary %q", res.Header.Get("Vary"))
		}
		if res.Header.Get("Content-Encoding") == "gzip" {
			return string(b), gunzip(t, string(b))
		}
		return string(b), string(b)
	}
	for _, name := range []string{"a", "b"} {
		if _, plain := get(name, "identity"); plain != bodies[name] {
			t.Fatalf("%s plain: %.40s", name, plain)
		}
		var kept string
		for i := 0; i < 4; i++ {
			raw, plain := get(name, "gzip")
			if plain != bodies[name] || raw == plain {
				t.Fatalf("%s, request %d: not the body compressed", name, i)
			}
			if i == 1 {
				kept = raw
			} else if i > 1 && raw != kept {
				t.Fatalf("%s, request %d: compressed anew", name, i)
			}
		}
	}
	if _, n := s.encoded.Size(); n != 2 {
		t.Fatalf("kept %d compressed answers, want 2 (one per name)", n)
	}
}

// gunzip returns what gz decompresses to.
func gunzip(t *testing.T, gz string) string {
	t.Helper()
	r, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
