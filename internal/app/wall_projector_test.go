package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/model"
)

type wallCounts struct {
	Total      int    `json:"total"`
	TotalText  string `json:"total_text"`
	Categories []struct {
		Key, Label string
		N          int
	} `json:"categories"`
	Origins []struct {
		Key, Label string
		N          int
	} `json:"origins"`
}

func (w wallCounts) category(key string) int {
	for _, c := range w.Categories {
		if c.Key == key {
			return c.N
		}
	}
	return -1
}

func (w wallCounts) origin(key string) (int, string) {
	for _, c := range w.Origins {
		if c.Key == key {
			return c.N, c.Label
		}
	}
	return -1, ""
}

func wallCountsOf(t *testing.T, e *env) wallCounts {
	t.Helper()
	r := e.do(t, "GET", "/wall/"+slug+"/counts.json?lang=en", "", "")
	var w wallCounts
	if r.status != 200 || r.header.Get("Cache-Control") != "no-store" || json.Unmarshal([]byte(r.body), &w) != nil {
		t.Fatalf("counts.json: %d %q %s", r.status, r.header.Get("Cache-Control"), r.body)
	}
	return w
}

// The wall has its own layout (no site header, footer or skip link) with
// the map, the counters, the newest and the QR code of the procedure.
func TestWallIsAPageOfItsOwn(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.BaseURL = "https://mitreden.example.org" })
	r := e.do(t, "GET", "/wall/"+slug+"?lang=en", "", "")
	if r.status != 200 || strings.Contains(r.body, "site-header") || strings.Contains(r.body, "site-footer") || strings.Contains(r.body, "skip-link") ||
		!strings.Contains(r.body, `<html lang="en"`) || !strings.Contains(r.body, `<main id="main"`) || !strings.Contains(r.body, `id="wall-map"`) ||
		!strings.Contains(r.body, `id="wall-by-category"`) || !strings.Contains(r.body, `id="wall-by-origin"`) || !strings.Contains(r.body, `id="wall-list"`) ||
		!strings.Contains(r.body, `src="/wall/`+slug+`/qr.svg"`) || !strings.Contains(r.body, "mitreden.example.org/p/"+slug) {
		t.Fatalf("wall: %d %.3000s", r.status, r.body)
	}
	q := e.do(t, "GET", "/wall/"+slug+"/qr.svg", "", "")
	if q.status != 200 || !strings.HasPrefix(q.header.Get("Content-Type"), "image/svg+xml") || !strings.HasPrefix(q.body, "<svg ") ||
		q.header.Get("X-Mitreden-Target") != "https://mitreden.example.org/p/"+slug {
		t.Fatalf("qr: %d %s %q", q.status, q.header.Get("Content-Type"), q.header.Get("X-Mitreden-Target"))
	}
	for _, p := range []string{"/wall/nirgendwo/counts.json", "/wall/nirgendwo/qr.svg"} {
		if r := e.do(t, "GET", p, "", ""); r.status != 404 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}

// The wall's counters count published contributions by category and by
// origin (each table on its own, labelled in the reader's language), and
// drop what is hidden.
func TestWallCountsByCategoryAndOrigin(t *testing.T) {
	e := newEnv(t, nil)
	before := wallCountsOf(t, e)
	if n, label := before.origin("online"); n < 0 || label != "Online" {
		t.Fatalf("no online counter: %+v", before.Origins)
	}
	for _, o := range []string{"letter", "phone", "paper"} {
		if n, _ := before.origin(o); n < 0 {
			t.Errorf("no %s counter (zero shows as 0): %+v", o, before.Origins)
		}
	}
	tok := e.token(t, "mod@example.org", model.RoleModerator)
	body := `{"type":"Feature","geometry":{"type":"Point","coordinates":[9.935,53.556]},"properties":{"title":"Vom Tisch sieben","text":"` + okText + `","category":"verkehr","origin":"table:7"}}`
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", body, "Authorization", "Bearer "+tok)
	var f struct{ ID string }
	if r.status != 201 || json.Unmarshal([]byte(r.body), &f) != nil {
		t.Fatalf("post: %d %s", r.status, r.body)
	}
	after := wallCountsOf(t, e)
	n, label := after.origin("table:7")
	if after.Total != before.Total+1 || after.category("verkehr") != before.category("verkehr")+1 || n != 1 || label != "Table 7" {
		t.Fatalf("after a contribution from table 7: %+v (before %+v)", after, before)
	}
	if !strings.Contains(after.TotalText, "contributions") {
		t.Errorf("total %q", after.TotalText)
	}
	r = e.do(t, "PATCH", "/api/v1/contributions/"+f.ID, "application/json", `{"status":"hidden","reason":"Test."}`, "Authorization", "Bearer "+tok)
	if r.status != 200 {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	hidden := wallCountsOf(t, e)
	if n, _ := hidden.origin("table:7"); hidden.Total != before.Total || hidden.category("verkehr") != before.category("verkehr") || n != -1 {
		t.Fatalf("after hiding: %+v", hidden)
	}
}
