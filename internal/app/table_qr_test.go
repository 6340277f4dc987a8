package app_test

import (
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
)

// The residents' form takes a point and a category from its link (the
// table's QR hand-off, or any link), and leaves out what does not parse.
func TestContributeFormTakesPointAndCategoryFromTheLink(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "GET", "/p/"+slug+"/contribute?lat=53.5561&lon=9.9352&category=verkehr", "", "")
	if r.status != 200 || !strings.Contains(r.body, `id="lat" name="lat" type="text" inputmode="decimal" value="53.5561"`) ||
		!strings.Contains(r.body, `id="lon" name="lon" type="text" inputmode="decimal" value="9.9352"`) ||
		!strings.Contains(r.body, `id="category-verkehr" value="verkehr" required checked`) || !strings.Contains(r.body, `:[9.9352,53.5561]}`) {
		i := strings.Index(r.body, `id="step-category"`)
		t.Fatalf("form from a link: %d %s", r.status, r.body[max(i, 0):])
	}
	for _, q := range []string{"?lat=95&lon=9.9&category=nichtda", "?lat=x&lon=9.9", "?lat=53.5"} {
		r := e.do(t, "GET", "/p/"+slug+"/contribute"+q, "", "")
		if r.status != 200 || strings.Contains(r.body, " required checked") || strings.Contains(r.body, `inputmode="decimal" value="5`) {
			t.Errorf("form from %s: %d", q, r.status)
		}
	}
}

// The table's "Continue on your phone" code: an SVG whose address is the
// residents' form with the point and category, absolute from the base URL;
// like the kiosk it needs the table's key.
func TestTableQRCodeLeadsToTheFormWithThePoint(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.BaseURL = "https://mitreden.example.org" })
	if r := e.do(t, "GET", "/table/"+slug+"/qr.svg?table=3&key=abc&lat=53.55&lon=9.93", "", ""); r.status != 403 {
		t.Fatalf("without the key: %d", r.status)
	}
	r := e.do(t, "GET", strings.Replace(tableLink(3), "?", "/qr.svg?", 1)+"&lat=53.5561&lon=9.9352&category=verkehr", "", "")
	want := "https://mitreden.example.org/p/" + slug + "/contribute?category=verkehr&lat=53.556100&lon=9.935200"
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "image/svg+xml") || !strings.HasPrefix(r.body, "<svg ") ||
		r.header.Get("X-Mitreden-Target") != want {
		t.Fatalf("qr: %d %s %q %.200s", r.status, r.header.Get("Content-Type"), r.header.Get("X-Mitreden-Target"), r.body)
	}
}

// The kiosk page carries the map-first table (shown by its script) beside
// the form for browsers without scripts; its QR code address keeps the key
// and nothing in it links out of the kiosk.
func TestTablePageCarriesTheKioskMap(t *testing.T) {
	e := newEnv(t, nil)
	page := e.do(t, "GET", tableLink(3), "", "")
	key := strings.SplitN(tableLink(3), "key=", 2)[1]
	for _, want := range []string{`id="kiosk" class="kiosk-app" hidden`, `data-qr="/table/` + slug + `/qr.svg?table=3&amp;key=` + key + `"`,
		`class="kiosk-tile cat-verkehr" data-category="verkehr"`, `id="kiosk-keyboard"`, `aria-describedby="kiosk-kb-target"`,
		`class="kiosk-lang" href="?table=3&amp;key=` + key + `&amp;lang=en"`, `id="contribute-form"`, `js/kiosk-map.js`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("table page lacks %s", want)
		}
	}
	i := strings.Index(page.body, `id="kiosk"`)
	j := strings.Index(page.body[i:], `id="idle-dialog"`)
	if i < 0 || j < 0 || strings.Contains(page.body[i:i+j], `href="/`) || strings.Contains(page.body[i:i+j], `href="http`) {
		t.Errorf("the kiosk links out")
	}
}
