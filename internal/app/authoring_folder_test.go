package app_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/demo"
)

// TestBackOfficeAndFolderGiveTheSamePublicPages writes one procedure twice:
// in the back office, and as a folder in the format of data/demo read the
// way `mitreden procedure add` reads it. Their public pages are the same
// but for the slug.
func TestBackOfficeAndFolderGiveTheSamePublicPages(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	ctx := context.Background()
	now := time.Now()
	local := func(d int) time.Time { return now.AddDate(0, 0, d).In(authoring.Berlin) }
	dayOf := func(d int) string { return local(d).Format(time.DateOnly) }
	midnight := func(d int) string {
		t := local(d)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, authoring.Berlin).Format(time.RFC3339)
	}
	folder := fstest.MapFS{
		"procedure.json": {Data: []byte(fmt.Sprintf(`{
  "slug": "aus-ordner", "title": "Uferpark", "summary_md": "Ein **Park** am Ufer.", "intro_md": "Wir planen.\n\n- Bäume\n- Wege",
  "intro_md_easy": "Hier kommt ein Park hin.", "title_en": "Riverside park", "summary_md_en": "A park.", "intro_md_en": "We plan.",
  "phases": [
    {"kind": "information", "title": "Info", "starts_at": %q, "ends_at": %q},
    {"kind": "participation", "title": "Mitmachen", "starts_at": %q, "ends_at": %q}
  ],
  "categories": [
    {"key": "gruen", "label": {"de": "Grün", "en": "Green"}, "colour": "#2E7D32", "icon": "tree"},
    {"key": "wege", "label": {"de": "Wege"}, "colour": "#1F5FA8", "icon": "bike"}
  ],
  "types": [{"key": "idee", "label": {"de": "Idee", "en": "Idea"}}],
  "area": %s,
  "map": {"center": [9.94, 53.555], "zoom": 15},
  "pages": [{"slug": "der-plan", "title": "Der Plan", "title_en": "The plan", "file": "pages/der-plan.md", "position": 1}],
  "appointments": [{"title": "Spaziergang", "description": "Treffpunkt am Ufer.", "starts_days": 5, "start_time": "17:00",
    "duration_minutes": 90, "address": "Am Ufer 1", "lon": 9.94, "lat": 53.555}]
}`, midnight(-30), midnight(-10), midnight(-10), midnight(21), area))},
		"pages/der-plan.md":      {Data: []byte("Der Park wird **groß**.")},
		"pages/der-plan.easy.md": {Data: []byte("Der Park wird groß.")},
		"pages/der-plan.en.md":   {Data: []byte("The park will be **big**.")},
	}
	seed, err := demo.ReadProcedure(folder, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateProcedure(ctx, seed); err != nil {
		t.Fatal(err)
	}

	const s = "im-buero"
	a.create(t, s, "Uferpark")
	for _, st := range []struct {
		path string
		form url.Values
	}{
		{"/edit?locale=de", url.Values{"title": {"Uferpark"}, "summary": {"Ein **Park** am Ufer."}, "intro": {"Wir planen.\r\n\r\n- Bäume\r\n- Wege"}}},
		{"/edit?locale=en", url.Values{"title": {"Riverside park"}, "summary": {"A park."}, "intro": {"We plan."}}},
		{"/edit?locale=de-x-ls", url.Values{"intro": {"Hier kommt ein Park hin."}}},
		{"/phases", url.Values{"rows": {"2"}, "phase-1-kind": {"information"}, "phase-1-title": {"Info"}, "phase-1-start": {dayOf(-30)}, "phase-1-end": {dayOf(-11)},
			"phase-2-kind": {"participation"}, "phase-2-title": {"Mitmachen"}, "phase-2-start": {dayOf(-10)}, "phase-2-end": {dayOf(20)}}},
		{"/categories", url.Values{"rows": {"2"}, "category-1-key": {"gruen"}, "category-1-label-de": {"Grün"}, "category-1-label-en": {"Green"},
			"category-1-colour": {"#2e7d32"}, "category-1-icon": {"tree"}, "category-2-key": {"wege"}, "category-2-label-de": {"Wege"},
			"category-2-colour": {"#1f5fa8"}, "category-2-icon": {"bike"}}},
		{"/types", url.Values{"rows": {"1"}, "type-1-key": {"idee"}, "type-1-label-de": {"Idee"}, "type-1-label-en": {"Idea"}}},
		{"/area", url.Values{"source": {"geojson"}, "geometry": {area}}},
		{"/map", url.Values{"lat": {"53.555"}, "lon": {"9.94"}, "zoom": {"15"}}},
		{"/pages", url.Values{"page_slug": {"der-plan"}, "page_title": {"Der Plan"}}},
		{"/pages/der-plan?locale=de", url.Values{"title": {"Der Plan"}, "body": {"Der Park wird **groß**."}, "easy": {"Der Park wird groß."}}},
		{"/pages/der-plan?locale=en", url.Values{"title": {"The plan"}, "body": {"The park will be **big**."}}},
		{"/appointments", url.Values{"title": {"Spaziergang"}, "description": {"Treffpunkt am Ufer."}, "date": {dayOf(5)}, "from": {"17:00"}, "to": {"18:30"},
			"address": {"Am Ufer 1"}, "lat": {"53.555"}, "lon": {"9.94"}}},
	} {
		if r := a.post(t, "/admin/p/"+s+st.path, st.form); r.status != 303 {
			t.Fatalf("%s: %d %.2000s", st.path, r.status, r.body)
		}
	}
	a.publish(t, s)
	volatile := regexp.MustCompile(`nonce="[^"]*"|name="_csrf" value="[^"]*"`)
	norm := func(b, slug string) string { return volatile.ReplaceAllString(strings.ReplaceAll(b, slug, "SLUG"), "") }
	for _, path := range []string{"", "?lang=en", "?lang=de-x-ls", "/pages/der-plan", "/pages/der-plan?lang=en", "/pages/der-plan?lang=de-x-ls",
		"/conceptions", "/appointments.ics"} {
		want := e.do(t, "GET", "/p/aus-ordner"+path, "", "")
		got := e.do(t, "GET", "/p/"+s+path, "", "")
		if want.status != 200 || got.status != 200 {
			t.Fatalf("%s: %d, %d", path, want.status, got.status)
		}
		w, g := norm(want.body, "aus-ordner"), norm(got.body, s)
		if path == "/appointments.ics" {
			w, g = regexp.MustCompile(`(?m)^(UID|DTSTAMP):.*$`).ReplaceAllString(w, ""), regexp.MustCompile(`(?m)^(UID|DTSTAMP):.*$`).ReplaceAllString(g, "")
		}
		if w != g {
			i := 0
			for i < len(w) && i < len(g) && w[i] == g[i] {
				i++
			}
			t.Errorf("%s differs at %d:\nfolder: %.300s\noffice: %.300s", path, i, w[max(0, i-100):], g[max(0, i-100):])
		}
	}
	for _, p := range []string{"/api/v1/procedures/aus-ordner", "/api/v1/procedures/" + s} {
		if r := e.do(t, "GET", p, "", ""); r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
}
