package app_test

import (
	"net/url"
	"strings"
	"testing"
)

// A procedure may bring its own base map (issue 14: "the map: start view,
// base map, WMS plan layers"): its pages then load the tiles from there —
// every map of the procedure, and the CSP allows that origin — a bad
// address is refused with a message and the input kept, and emptying the
// field returns to the server's base map.
func TestProcedureOwnBaseMap(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	view := url.Values{"lat": {"53.55"}, "lon": {"9.93"}, "zoom": {"14"}}
	with := func(u, attr string) url.Values {
		v := url.Values{}
		for k, vs := range view {
			v[k] = vs
		}
		v.Set("basemap_url", u)
		v.Set("basemap_attribution", attr)
		return v
	}
	r := a.post(t, "/admin/p/"+slug+"/map", with("ftp://karten.example.org/{z}/{x}.png", "Stadtkarte"))
	if r.status != 422 || !strings.Contains(r.body, `value="ftp://karten.example.org/{z}/{x}.png"`) || !strings.Contains(r.body, "{z}, {x} und {y}") {
		t.Fatalf("a bad base map: %d", r.status)
	}
	if r := a.post(t, "/admin/p/"+slug+"/map", with("https://karten.example.org/{z}/{x}/{y}.png", "")); r.status != 422 {
		t.Fatalf("a base map without credit: %d, want 422", r.status)
	}
	if r := a.post(t, "/admin/p/"+slug+"/map", with("https://karten.example.org/{z}/{x}/{y}.png", "© Stadt Beispiel")); r.status != 303 {
		t.Fatalf("save base map: %d %.300s", r.status, r.body)
	}
	for _, path := range []string{"/p/" + slug, "/p/" + slug + "/contribute", "/p/" + slug + "/contribute?lang=en"} {
		page := e.do(t, "GET", path, "", "")
		if !strings.Contains(page.body, `data-tiles="https://karten.example.org/{z}/{x}/{y}.png"`) || !strings.Contains(page.body, `data-attribution="© Stadt Beispiel"`) {
			t.Errorf("%s does not use the procedure's base map", path)
		}
		if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://karten.example.org") {
			t.Errorf("%s: the CSP does not allow the base map's tiles: %s", path, csp)
		}
	}
	if r := a.post(t, "/admin/p/"+slug+"/map", with("", "")); r.status != 303 {
		t.Fatalf("reset base map: %d", r.status)
	}
	if page := e.do(t, "GET", "/p/"+slug, "", ""); strings.Contains(page.body, "karten.example.org") {
		t.Error("the emptied base map is still used")
	}
}
