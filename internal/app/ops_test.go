package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// A full disk or a read-only database gives a clear 503 for writes, while
// reads go on and nothing is damaged.
func TestFullOrReadOnlyDatabaseRefusesWritesAndKeepsServingReads(t *testing.T) {
	for _, c := range []struct{ name, pragma string }{
		// The write pool has one connection, so the pragma stays on it.
		{"disk full", `PRAGMA max_page_count = 1`},
		{"read-only", `PRAGMA query_only = 1`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ctx := context.Background()
			if err := e.st.Write(ctx, func(tx *sql.Tx) error {
				if c.name == "disk full" {
					var pages int
					if err := tx.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
						return err
					}
					_, err := tx.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages))
					return err
				}
				_, err := tx.Exec(c.pragma)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			// A large text so the row cannot fit in free space of existing pages.
			r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
				feature(`null`, "Passt nicht mehr", strings.Repeat("Langer Text. ", 380), "verkehr"))
			if r.status != 503 || !strings.Contains(r.body, "storage_unavailable") || r.header.Get("Retry-After") == "" {
				t.Fatalf("write: %d %s", r.status, r.body)
			}
			if r := e.do(t, "GET", "/p/"+slug, "", ""); r.status != 200 {
				t.Fatalf("read while unwritable = %d", r.status)
			}
			if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=5", "", ""); r.status != 200 {
				t.Fatalf("API read while unwritable = %d", r.status)
			}
			if res, err := e.st.IntegrityCheck(ctx); err != nil || res != "ok" {
				t.Fatalf("integrity = %q %v", res, err)
			}
		})
	}
}

func TestOfflineBaseMapFromMBTiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "map.mbtiles")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\nfake-tile")
	for _, q := range []string{
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`INSERT INTO metadata VALUES ('format', 'png'), ('attribution', '© Stadt Hamburg, LGV')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// XYZ tile 15/17289/10607 is TMS row 2^15-1-10607.
	if _, err := db.Exec(`INSERT INTO tiles VALUES (15, 17289, ?, ?)`, (1<<15)-1-10607, png); err != nil {
		t.Fatal(err)
	}
	db.Close()
	e := newEnv(t, func(c *config.Config) { c.TileMBTiles = path })
	r := e.do(t, "GET", "/tiles/15/17289/10607.png", "", "")
	if r.status != 200 || r.body != string(png) || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("tile: %d %q %s", r.status, r.body, r.header.Get("Content-Type"))
	}
	if r := e.do(t, "GET", "/tiles/15/17289/10608.png", "", ""); r.status != 404 {
		t.Fatalf("missing tile = %d", r.status)
	}
	if r := e.do(t, "GET", "/tiles/x/1/2.png", "", ""); r.status != 400 {
		t.Fatalf("bad tile address = %d", r.status)
	}
	page := e.do(t, "GET", "/p/"+slug, "", "")
	if !strings.Contains(page.body, `data-tiles="/tiles/{z}/{x}/{y}.png"`) || !strings.Contains(page.body, "Stadt Hamburg, LGV") {
		t.Fatal("the map does not use the offline tiles")
	}
}

// No input a client can send makes the server answer 500.
func TestHostileRequestsNeverAnswer500(t *testing.T) {
	e := newEnv(t, nil)
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	_ = json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1", "", "").body), &list)
	id := list.Features[0].ID
	values := []string{"", "%00", "%FF%FE", strings.Repeat("a", 5000), "-1", "1e309", "NaN", "%27%3B--", "%3Cscript%3E", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE", "0x10", "[]", "{}"}
	paths := []string{"/", "/p/" + slug, "/p/" + slug + "/pages/faq", "/p/" + slug + "/statistics", "/p/" + slug + "/conceptions",
		"/p/" + slug + "/contribute", "/p/" + slug + "/contributions/" + id, "/api/v1/procedures", "/api/v1/procedures/" + slug,
		"/api/v1/procedures/" + slug + "/contributions", "/api/v1/contributions/" + id, "/api/v1/procedures/" + slug + "/places",
		"/api/v1/procedures/" + slug + "/conceptions", "/p/" + slug + "/appointments.ics", "/api/v1/procedures/" + slug + "/export.csv", "/ogcapi", "/ogcapi/collections", "/ogcapi/collections/" + slug + "/items", "/ogcapi/collections/" + slug + "/items/" + id, "/admin/login", "/table/" + slug, "/wall/" + slug, "/static/0/..%2F..%2Fgo.mod", "/p/%00", "/manage/%FF"}
	params := []string{"q", "category", "type", "geometry", "origin", "sort", "limit", "cursor", "bbox", "cluster", "lang", "easy", "reply", "notice", "k"}
	for _, p := range paths {
		for _, k := range params {
			for _, v := range values {
				r := e.do(t, "GET", p+"?"+k+"="+v, "", "")
				if r.status >= 500 {
					t.Fatalf("GET %s?%s=%.40s = %d: %.200s", p, k, v, r.status, r.body)
				}
			}
		}
	}
	for _, p := range []string{"/static/0/..%2F..%2Fgo.mod", "/static/0/../../../go.mod", "/static/abc/%2e%2e/%2e%2e/locales/de.toml"} {
		if r := e.do(t, "GET", p, "", ""); r.status != 404 || strings.Contains(r.body, "module ") {
			t.Fatalf("GET %s = %d", p, r.status)
		}
	}
	bodies := []string{"", "null", "[]", "{}", `{"type":"Feature"}`, `{"type":"Feature","properties":null}`, `{"value":null}`, `{"text":null}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[]},"properties":{}}`, `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[]]},"properties":{}}`,
		`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2,3,4]]},"properties":{}}`, strings.Repeat("[", 10000), "\xff\xfe"}
	posts := []string{"/api/v1/procedures/" + slug + "/contributions", "/api/v1/contributions/" + id + "/comments",
		"/api/v1/contributions/" + id + "/ratings", "/api/v1/contributions/" + id + "/flags",
		"/api/v1/procedures/" + slug + "/conceptions/variante-a/ratings", "/api/v1/procedures/" + slug + "/conceptions/variante-a/comments"}
	for _, p := range posts {
		for _, b := range bodies {
			if r := e.do(t, "POST", p, "application/json", b); r.status >= 500 {
				t.Fatalf("POST %s %.60q = %d: %.200s", p, b, r.status, r.body)
			}
		}
	}
}

func TestOGCAPIFeaturesServesPublishedContributionsToGDAL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	e := newEnv(t, func(c *config.Config) { c.BaseURL = base })
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	ctx := context.Background()
	p, _ := e.st.ProcedureBySlug(ctx, slug)
	published, err := e.st.CountContributions(ctx, store.Filter{ProcedureID: p.ID})
	if err != nil || published < 20 {
		t.Fatalf("%d published, %v", published, err)
	}
	get := func(path string) (int, map[string]any, string) {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var doc map[string]any
		json.Unmarshal(b, &doc)
		return res.StatusCode, doc, res.Header.Get("Content-Type")
	}
	if s, doc, _ := get("/ogcapi"); s != 200 || len(doc["links"].([]any)) < 4 {
		t.Fatalf("landing: %d %v", s, doc)
	}
	if s, doc, _ := get("/ogcapi/conformance"); s != 200 || !strings.Contains(fmt.Sprint(doc["conformsTo"]), "ogcapi-features-1/1.0/conf/core") {
		t.Fatalf("conformance: %d %v", s, doc)
	}
	if s, doc, _ := get("/ogcapi/api"); s != 200 || doc["openapi"] != "3.0.3" {
		t.Fatalf("api: %d", s)
	}
	if s, doc, _ := get("/ogcapi/collections"); s != 200 || !strings.Contains(fmt.Sprint(doc["collections"]), "id:"+slug) {
		t.Fatalf("collections: %d %v", s, doc)
	}
	s, page, ctype := get("/ogcapi/collections/" + slug + "/items?limit=5")
	if s != 200 || ctype != "application/geo+json" || page["numberReturned"] != float64(5) || page["numberMatched"] != float64(published) {
		t.Fatalf("items: %d %s %v %v", s, ctype, page["numberReturned"], page["numberMatched"])
	}
	var nextURL string
	for _, l := range page["links"].([]any) {
		if m := l.(map[string]any); m["rel"] == "next" {
			nextURL = m["href"].(string)
		}
	}
	if !strings.HasPrefix(nextURL, base+"/ogcapi/collections/"+slug+"/items?") {
		t.Fatalf("next link %q", nextURL)
	}
	_, page2, _ := get(strings.TrimPrefix(nextURL, base))
	first := page["features"].([]any)[0].(map[string]any)["id"]
	if page2["numberReturned"] != float64(5) || page2["features"].([]any)[0].(map[string]any)["id"] == first {
		t.Fatalf("second page %v", page2["numberReturned"])
	}
	if _, doc, _ := get("/ogcapi/collections/" + slug + "/items?datetime=2000-01-01T00:00:00Z/2000-12-31T00:00:00Z"); doc["numberReturned"] != float64(0) {
		t.Fatalf("datetime filter: %v", doc["numberReturned"])
	}
	if _, doc, _ := get("/ogcapi/collections/" + slug + "/items?bbox=0,0,1,1"); doc["numberReturned"] != float64(0) {
		t.Fatalf("bbox filter: %v", doc["numberReturned"])
	}
	for _, bad := range []string{"?sortby=title", "?limit=0", "?bbox=1,2", "?datetime=bald", "?f=html", "?cursor=abc"} {
		if s, doc, _ := get("/ogcapi/collections/" + slug + "/items" + bad); s != 400 || doc["error"] == nil {
			t.Fatalf("%s: %d %v", bad, s, doc)
		}
	}
	if s, _, _ := get("/ogcapi/collections/nirgendwo/items"); s != 404 {
		t.Fatalf("unknown collection: %d", s)
	}
	id := first.(string)
	if s, doc, ctype := get("/ogcapi/collections/" + slug + "/items/" + id); s != 200 || ctype != "application/geo+json" || doc["id"] != id || doc["links"] == nil {
		t.Fatalf("item: %d %v", s, doc)
	}
	if _, err := e.st.UpdateContribution(ctx, id, func(c *model.Contribution) error { c.Status = model.Hidden; return nil }); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := get("/ogcapi/collections/" + slug + "/items/" + id); s != 404 {
		t.Fatalf("hidden item: %d", s)
	}
	published--
	// GDAL's OGC API – Features driver reads the whole collection through the paging links.
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogr2ogr (gdal-bin) is required in CI")
		}
		t.Skip("GDAL not installed (make test installs gdal-bin)")
	}
	out := filepath.Join(t.TempDir(), "oapif.geojson")
	cmd := exec.Command(ogr2ogr, "-f", "GeoJSON", out, "OAPIF:"+base+"/ogcapi", slug, "-oo", "PAGE_SIZE=7")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, b)
	}
	b, _ := os.ReadFile(out)
	var fc struct {
		Features []struct{ ID any } `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != published {
		t.Fatalf("GDAL read %d features, want %d (%v)", len(fc.Features), published, err)
	}
}
