package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Without MITREDEN_BASE_URL the server on a random port answers with
// links to itself, so clients that follow them — GDAL's OGC API reader
// among them — read the whole collection.
func TestOGCLinksWorkWithoutBaseURL(t *testing.T) {
	s := start(t, "", "MITREDEN_BASE_URL=")
	const slug = "gruenzug-altona"
	next := s.URL + "/ogcapi/collections/" + slug + "/items?limit=10"
	seen, pages := 0, 0
	for next != "" && pages < 100 {
		res, err := http.Get(next)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Features []any `json:"features"`
			Links    []struct{ Href, Rel string }
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", next, res.StatusCode, err)
		}
		seen += len(page.Features)
		pages++
		next = ""
		for _, l := range page.Links {
			if !strings.HasPrefix(l.Href, s.URL+"/") {
				t.Fatalf("link %s points elsewhere: %s (server at %s)", l.Rel, l.Href, s.URL)
			}
			if l.Rel == "next" {
				next = l.Href
			}
		}
	}
	if pages < 2 || seen < 20 {
		t.Fatalf("followed %d pages, %d features", pages, seen)
	}

	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogr2ogr (gdal-bin) is required in CI")
		}
		t.Skip("GDAL not installed (make test installs gdal-bin)")
	}
	out := filepath.Join(t.TempDir(), "oapif.geojson")
	if b, err := exec.Command(ogr2ogr, "-f", "GeoJSON", out, "OAPIF:"+s.URL+"/ogcapi", slug, "-oo", "PAGE_SIZE=7").CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, b)
	}
	b, _ := os.ReadFile(out)
	var fc struct {
		Features []any `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != seen {
		t.Fatalf("GDAL read %d features, the links %d (%v)", len(fc.Features), seen, err)
	}
}
