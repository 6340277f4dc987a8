package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestAuthoringRefusesBadInputAndKeepsIt answers each invalid step with a
// 4xx, a message that says what is wrong, and the form as it was typed;
// nothing is stored.
func TestAuthoringRefusesBadInputAndKeepsIt(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	const s = "pruefung"
	a.create(t, s, "Prüfverfahren")
	v := a.version(t, s)
	cases := []struct {
		name, path string
		form       url.Values
		status     int
		want       []string
	}{
		{"overlapping phases", "/admin/p/" + s + "/phases", url.Values{"rows": {"2"},
			"phase-1-kind": {"participation"}, "phase-1-start": {"2031-03-01"}, "phase-1-end": {"2031-03-31"},
			"phase-2-kind": {"evaluation"}, "phase-2-start": {"2031-03-15"}, "phase-2-end": {"2031-04-30"}, "phase-2-title": {"Auswertung X"}},
			422, []string{"Phase 2 beginnt, bevor Phase 1 endet", `href="#phase-2-start"`, `value="2031-03-15"`, `value="Auswertung X"`}},
		{"no participation phase", "/admin/p/" + s + "/phases", url.Values{"rows": {"1"},
			"phase-1-kind": {"information"}, "phase-1-start": {"2031-03-01"}, "phase-1-end": {"2031-03-31"}},
			422, []string{"Es fehlt eine Beteiligungsphase", `value="2031-03-31"`}},
		{"phase backwards", "/admin/p/" + s + "/phases", url.Values{"rows": {"1"},
			"phase-1-kind": {"participation"}, "phase-1-start": {"2031-03-10"}, "phase-1-end": {"2031-03-01"}},
			422, []string{"Phase 1: Der letzte Tag liegt vor dem ersten."}},
		{"area not JSON", "/admin/p/" + s + "/area", url.Values{"source": {"geojson"}, "geometry": {`{"type":"Polygon","coordinates":[[[9.9,53.5],`}},
			422, []string{"kein gültiges GeoJSON", "[[[9.9,53.5],"}},
		{"area a point", "/admin/p/" + s + "/area", url.Values{"source": {"geojson"}, "geometry": {`{"type":"Point","coordinates":[9.9,53.5]}`}},
			422, []string{"muss eine Fläche (Polygon) sein"}},
		{"area crossing itself", "/admin/p/" + s + "/area", url.Values{"source": {"geojson"},
			"geometry": {`{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`}},
			422, []string{"überschneidet sich selbst"}},
		{"typed coordinates", "/admin/p/" + s + "/area", url.Values{"source": {"coords"}, "coords": {"53.55, 9.93\nnicht, zahl\n53.56, 9.95"}},
			422, []string{"zwei Zahlen", "nicht, zahl"}},
		{"categories", "/admin/p/" + s + "/categories", url.Values{"rows": {"2"},
			"category-1-key": {"Grün!"}, "category-1-label-de": {"Grün"}, "category-1-colour": {"grün"},
			"category-2-key": {"weg"}, "category-2-label-de": {""}, "category-2-colour": {"#123456"}, "category-2-icon": {"rakete"}},
			422, []string{"Zeile 1: Der Schlüssel", "#rrggbb", "Zeile 2: Bitte eine deutsche Bezeichnung", "Zeile 2: Dieses Symbol", `value="Grün!"`}},
		{"no category", "/admin/p/" + s + "/categories", url.Values{"rows": {"1"}}, 422, []string{"mindestens eine Kategorie"}},
		{"map", "/admin/p/" + s + "/map", url.Values{"lat": {"95"}, "lon": {"9.9"}, "zoom": {"40"}, "wms_url": {"javascript:alert(1)"}},
			422, []string{"außerhalb des gültigen Bereichs", "von 1 bis 19", "http(s)-Adresse"}},
		{"appointment", "/admin/p/" + s + "/appointments", url.Values{"title": {"Abend"}, "date": {"2031-05-01"}, "from": {"19:00"}, "to": {"18:00"}},
			422, []string{"Das Ende muss nach dem Beginn liegen.", `value="Abend"`}},
		{"page slug", "/admin/p/" + s + "/pages", url.Values{"page_slug": {"Über uns"}, "page_title": {"Über uns"}},
			422, []string{"Kleinbuchstaben, Ziffern und Bindestriche", `value="Über uns"`}},
		{"bad new slug", "/admin/procedures/new", url.Values{"slug": {"Mein Verfahren"}, "title": {"Mein Verfahren"}},
			422, []string{"Kleinbuchstaben", `value="Mein Verfahren"`}},
		{"taken slug", "/admin/procedures/new", url.Values{"slug": {slug}, "title": {"Nochmal"}},
			409, []string{"Diesen Kurznamen gibt es schon", `value="Nochmal"`}},
	}
	for _, c := range cases {
		r := a.post(t, c.path, c.form)
		if r.status != c.status {
			t.Errorf("%s: %d, want %d", c.name, r.status, c.status)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(r.body, w) && !strings.Contains(r.body, htmlEscape(w)) {
				t.Errorf("%s: answer lacks %q", c.name, w)
			}
		}
	}
	if a.version(t, s) != v {
		t.Error("a refused step changed the procedure")
	}
	p, _ := e.st.ProcedureBySlug(context.Background(), s)
	if len(p.Phases) != 0 || p.Area != nil || len(p.Categories) != 0 {
		t.Errorf("refused input was stored: %+v", p)
	}
	// A file that is no GeoJSON is refused like a pasted one.
	if r := a.upload(t, "/admin/p/"+s+"/area", map[string]string{"source": "file"}, "file", "gebiet.geojson", []byte("PK\x03\x04 not json")); r.status != 422 ||
		!strings.Contains(r.body, "kein gültiges GeoJSON") {
		t.Errorf("area file: %d", r.status)
	}
	if r := a.upload(t, "/admin/p/"+s+"/area", map[string]string{"source": "file"}, "file", "gebiet.geojson",
		[]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":`+area+`}]}`)); r.status != 303 {
		t.Errorf("good area file: %d %.1000s", r.status, r.body)
	}
	if r := a.post(t, "/admin/p/"+s+"/area", url.Values{"source": {"coords"}, "coords": {"53,55; 9,93\n53.55, 9.95\n53.56 9.95\n53.56, 9.93"}}); r.status != 303 {
		t.Errorf("typed area: %d %.2000s", r.status, r.body)
	}
	p, _ = e.st.ProcedureBySlug(context.Background(), s)
	if p.Area == nil || len(p.Area[0]) != 5 || p.Area[0][0][0] != 9.93 || p.Area[0][0][1] != 53.55 {
		t.Errorf("typed area stored as %v", p.Area)
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;").Replace(s)
}

// TestUploadsAreJudgedByContent refuses a renamed program, an SVG with a
// script (even named .png), an oversized file and a non-picture as a
// variant's image, each with a 4xx and a message, and stores none.
func TestUploadsAreJudgedByContent(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	path := "/admin/p/" + slug + "/files"
	cases := []struct {
		name, file string
		data       []byte
		status     int
		want       string
	}{
		{"renamed executable", "plan.pdf", exeBytes, 422, "geprüft wird der Inhalt, nicht der Dateiname"},
		{"ELF renamed", "foto.jpg", append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0}, 100)...), 422, "Diese Art von Datei wird nicht angenommen"},
		{"svg with script", "karte.svg", svgBytes, 422, "SVG-Dateien werden nicht angenommen"},
		{"svg named png", "karte.png", svgBytes, 422, "SVG-Dateien werden nicht angenommen"},
		{"html", "info.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 422, "Diese Art von Datei"},
		{"empty", "leer.pdf", nil, 422, "Bitte eine Datei auswählen."},
		{"oversized", "gross.pdf", append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte("0"), 8<<20)...), 413, "Die Datei ist zu groß (höchstens 8 MB)."},
	}
	for _, c := range cases {
		r := a.upload(t, path, map[string]string{"title": "Anhang"}, "file", c.file, c.data)
		if r.status != c.status || !strings.Contains(r.body, c.want) {
			t.Errorf("%s: %d, want %d with %q", c.name, r.status, c.status, c.want)
		}
	}
	// A variant's image must be a picture: a PDF is refused there.
	r := a.upload(t, "/admin/p/"+slug+"/variants", map[string]string{"key": "variante-x", "title": "Variante X", "body": "Text",
		"image_alt": "Plan"}, "image", "plan.png", pdfBytes)
	if r.status != 422 || !strings.Contains(r.body, "nur Bilder") {
		t.Errorf("variant image: %d", r.status)
	}
	p, _ := e.st.ProcedureBySlug(context.Background(), slug)
	files, err := e.st.Attachments(context.Background(), p.ID)
	if err != nil || len(files) != 0 {
		t.Errorf("refused files were stored: %v %v", files, err)
	}
	// Other routes keep the small body limit.
	if r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", strings.Repeat(" ", 300*1024)); r.status != 413 {
		t.Errorf("API body beyond the limit: %d", r.status)
	}
}

// TestCategoryWithContributionsStays refuses to remove (or re-key) a
// category that contributions name, and removes an unused one.
func TestCategoryWithContributionsStays(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	ctx := context.Background()
	p, _ := e.st.ProcedureBySlug(ctx, slug)
	used, err := e.st.CategoriesInUse(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"rows": {fmt.Sprint(len(p.Categories))}}
	victim := 0
	for i, c := range p.Categories {
		n := i + 1
		form.Set(fmt.Sprintf("category-%d-key", n), c.Key)
		form.Set(fmt.Sprintf("category-%d-label-de", n), c.Label["de"])
		form.Set(fmt.Sprintf("category-%d-colour", n), c.Colour)
		form.Set(fmt.Sprintf("category-%d-icon", n), c.Icon)
		if used[c.Key] > 0 {
			victim = n
		}
	}
	form.Set(fmt.Sprintf("category-%d-delete", victim), "on")
	r := a.post(t, "/admin/p/"+slug+"/categories", form)
	if r.status != 422 || !strings.Contains(r.body, "Beiträge und bleibt deshalb") || !strings.Contains(r.body, fmt.Sprintf(`href="#category-%d-delete"`, victim)) {
		t.Fatalf("removing a used category: %d", r.status)
	}
	// An unused one goes.
	form.Del(fmt.Sprintf("category-%d-delete", victim))
	n := len(p.Categories) + 1
	form.Set("rows", fmt.Sprint(n))
	form.Set(fmt.Sprintf("category-%d-key", n), "unbenutzt")
	form.Set(fmt.Sprintf("category-%d-label-de", n), "Unbenutzt")
	form.Set(fmt.Sprintf("category-%d-colour", n), "#000000")
	if r := a.post(t, "/admin/p/"+slug+"/categories", form); r.status != 303 {
		t.Fatalf("adding: %d", r.status)
	}
	form.Set(fmt.Sprintf("category-%d-delete", n), "on")
	if r := a.post(t, "/admin/p/"+slug+"/categories", form); r.status != 303 {
		t.Fatalf("removing an unused one: %d", r.status)
	}
	p2, _ := e.st.ProcedureBySlug(ctx, slug)
	if len(p2.Categories) != len(p.Categories) {
		t.Fatalf("categories now %d, were %d", len(p2.Categories), len(p.Categories))
	}
}
