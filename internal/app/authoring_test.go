package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

const area = `{"type":"Polygon","coordinates":[[[9.93,53.55],[9.95,53.55],[9.95,53.56],[9.93,53.56],[9.93,53.55]]]}`

// TestPlannerAuthorsAProcedureFromScratch builds a procedure in the back
// office part by part; every step moves the version on, the public pages
// show each part, and a resident can contribute at the end.
func TestPlannerAuthorsAProcedureFromScratch(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	const s = "neuer-park"
	if r := a.get(t, "/admin/procedures/new"); r.status != 200 || !strings.Contains(r.body, `name="slug"`) {
		t.Fatalf("new form: %d", r.status)
	}
	a.create(t, s, "Neuer Park am Fluss")
	if r := a.get(t, "/admin/p/"+s+"/edit"); r.status != 200 || !strings.Contains(r.body, "Neuer Park am Fluss") {
		t.Fatalf("editor: %d", r.status)
	}
	steps := []struct {
		name, path string
		form       url.Values
	}{
		{"texts de", "/admin/p/" + s + "/edit?locale=de", url.Values{"title": {"Neuer Park am Fluss"}, "summary": {"Ein **grüner** Park."},
			"intro": {"Wir planen einen Park.<script>alert(1)</script>"}}},
		{"texts en", "/admin/p/" + s + "/edit?locale=en", url.Values{"title": {"New riverside park"}, "summary": {"A green park."}, "intro": {"We plan a park."}}},
		{"texts easy", "/admin/p/" + s + "/edit?locale=de-x-ls", url.Values{"title": {""}, "summary": {""}, "intro": {"Hier soll ein Park hin. Sagen Sie uns Ihre Meinung."}}},
		{"phases", "/admin/p/" + s + "/phases", url.Values{"rows": {"3"},
			"phase-1-kind": {"information"}, "phase-1-start": {day(-30)}, "phase-1-end": {day(-11)}, "phase-1-title": {"Information"},
			"phase-2-kind": {"participation"}, "phase-2-start": {day(-10)}, "phase-2-end": {day(20)}, "phase-2-title": {"Online-Beteiligung"}}},
		{"categories", "/admin/p/" + s + "/categories", url.Values{"rows": {"3"},
			"category-1-key": {"baeume"}, "category-1-label-de": {"Bäume"}, "category-1-label-en": {"Trees"}, "category-1-colour": {"#2e7d32"}, "category-1-icon": {"tree"}, "category-1-order": {"20"},
			"category-2-key": {"wege"}, "category-2-label-de": {"Wege"}, "category-2-colour": {"#1f5fa8"}, "category-2-icon": {"bike"}, "category-2-order": {"10"}}},
		{"types", "/admin/p/" + s + "/types", url.Values{"rows": {"1"}, "type-1-key": {"idee"}, "type-1-label-de": {"Idee"}}},
		{"area", "/admin/p/" + s + "/area", url.Values{"source": {"geojson"}, "geometry": {area}}},
		{"map", "/admin/p/" + s + "/map", url.Values{"lat": {"53,555"}, "lon": {"9.94"}, "zoom": {"15"},
			"wms_url": {"https://geodienste.hamburg.de/wms"}, "wms_layers": {"bplan"}, "wms_attribution": {"FHH"}}},
		{"page", "/admin/p/" + s + "/pages", url.Values{"page_slug": {"der-plan"}, "page_title": {"Der Plan"}}},
		{"page text", "/admin/p/" + s + "/pages/der-plan?locale=de", url.Values{"title": {"Der Plan"}, "body": {"Der Park wird **groß**."}, "easy": {"Der Park wird groß. Das ist leicht."}}},
		{"second page", "/admin/p/" + s + "/pages", url.Values{"page_slug": {"faq"}, "page_title": {"Fragen"}}},
		{"move page", "/admin/p/" + s + "/pages/faq/move", url.Values{"dir": {"up"}}},
		{"appointment", "/admin/p/" + s + "/appointments", url.Values{"title": {"Parkspaziergang"}, "date": {day(5)}, "from": {"17:00"}, "to": {"18:30"},
			"address": {"Am Fluss 1, 22765 Hamburg"}, "lat": {"53.555"}, "lon": {"9.94"}}},
	}
	v := a.version(t, s)
	for _, st := range steps {
		r := a.post(t, st.path, st.form)
		if r.status != 303 {
			t.Fatalf("%s: %d %.3000s", st.name, r.status, r.body)
		}
		if nv := a.version(t, s); nv <= v {
			t.Fatalf("%s: version stayed at %d", st.name, nv)
		} else {
			v = nv
		}
	}
	r := a.upload(t, "/admin/p/"+s+"/variants", map[string]string{"key": "variante-a", "title": "Variante A: Wiese",
		"body": "Viel **Wiese**.", "image_alt": "Plan der Variante A mit großer Wiese"}, "image", "variante.png", pngBytes)
	if r.status != 303 {
		t.Fatalf("variant: %d %.2000s", r.status, r.body)
	}
	r = a.upload(t, "/admin/p/"+s+"/files", map[string]string{"title": "Bebauungsplan (PDF)"}, "file", "B-Plan Entwurf.pdf", pdfBytes)
	if r.status != 303 {
		t.Fatalf("file: %d %.2000s", r.status, r.body)
	}
	if a.version(t, s) <= v {
		t.Fatal("uploads did not move the version on")
	}

	// A new procedure is a draft: residents do not find it until it is
	// published; its team sees it.
	if r := e.do(t, "GET", "/p/"+s, "", ""); r.status != 404 {
		t.Fatalf("the new procedure is public before it is published: %d", r.status)
	}
	if r := a.get(t, "/p/"+s); r.status != 200 || !strings.Contains(r.body, "Neuer Park am Fluss") {
		t.Fatalf("its author does not see the draft: %d", r.status)
	}
	a.publish(t, s)
	pub := e.do(t, "GET", "/p/"+s, "", "")
	for _, want := range []string{"Neuer Park am Fluss", "Wir planen einen Park.", "Online-Beteiligung", "Bäume", "Wege", "Parkspaziergang",
		"Bebauungsplan (PDF)", `/p/` + s + `/files/`, `/p/` + s + `/contribute`, "/p/" + s + "/pages/der-plan"} {
		if !strings.Contains(pub.body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if strings.Contains(pub.body, "<script>alert(1)") {
		t.Error("intro's script reached the public page")
	}
	if strings.Index(pub.body, "/pages/faq") > strings.Index(pub.body, "/pages/der-plan") {
		t.Error("page order did not follow the move")
	}
	if r := e.do(t, "GET", "/p/"+s+"?lang=en", "", ""); !strings.Contains(r.body, "New riverside park") || !strings.Contains(r.body, "Trees") {
		t.Error("English texts missing")
	}
	if r := e.do(t, "GET", "/p/"+s+"?lang=de-x-ls", "", ""); !strings.Contains(r.body, "Hier soll ein Park hin.") {
		t.Error("Leichte Sprache intro missing")
	}
	if r := e.do(t, "GET", "/p/"+s+"/pages/der-plan?lang=de-x-ls", "", ""); !strings.Contains(r.body, "Das ist leicht.") {
		t.Error("easy page missing")
	}
	con := e.do(t, "GET", "/p/"+s+"/conceptions", "", "")
	if !strings.Contains(con.body, "Variante A: Wiese") || !strings.Contains(con.body, `src="/p/`+s+`/files/`) {
		t.Errorf("conceptions page: %.3000s", con.body)
	}
	api := e.do(t, "GET", "/api/v1/procedures/"+s, "", "")
	if !strings.Contains(api.body, `"area"`) || !strings.Contains(api.body, "9.95") || !strings.Contains(api.body, `"wms_layers":"bplan"`) {
		t.Errorf("API procedure: %.2000s", api.body)
	}
	p, err := e.st.ProcedureBySlug(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if p.Categories[0].Key != "wege" || p.Map.Zoom != 15 || p.Map.Center[1] != 53.555 || len(p.Phases) != 2 {
		t.Errorf("stored procedure: %+v %+v", p.Categories, p.Map)
	}
	// A resident contributes on the new procedure.
	c := e.do(t, "POST", "/api/v1/procedures/"+s+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.94,53.555]}`, "Mehr Bänke am Ufer", okText, "baeume"))
	if c.status != 201 {
		t.Fatalf("resident's contribution: %d %s", c.status, c.body)
	}
	// Deleting a page removes it from the public navigation.
	if r := a.post(t, "/admin/p/"+s+"/pages/faq/delete", url.Values{}); r.status != 303 {
		t.Fatalf("delete page: %d", r.status)
	}
	if r := e.do(t, "GET", "/p/"+s+"/pages/faq", "", ""); r.status != 404 {
		t.Fatalf("deleted page: %d", r.status)
	}
	log, _ := e.st.AuditLog(context.Background(), 50)
	actions := map[string]bool{}
	for _, en := range log {
		if en.Actor == "planerin@example.org" {
			actions[en.Action] = true
		}
	}
	for _, want := range []string{"procedure.create", "procedure.phases", "procedure.area", "attachment.add", "conception.save", "page.delete"} {
		if !actions[want] {
			t.Errorf("no audit entry %s", want)
		}
	}
}

// TestAttachmentDownloadsWithTheRightHeaders serves a PDF as a download
// and a picture inline, never sniffed, with the type judged at upload.
func TestAttachmentDownloadsWithTheRightHeaders(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	r := a.upload(t, "/admin/p/"+slug+"/files", map[string]string{"title": "Faltblatt"}, "file", `..\Faltblatt "neu".exe`, pdfBytes)
	if r.status != 303 {
		t.Fatalf("upload: %d %.1000s", r.status, r.body)
	}
	page := e.do(t, "GET", "/p/"+slug, "", "")
	i := strings.Index(page.body, `/p/`+slug+`/files/`)
	if i < 0 || !strings.Contains(page.body, "Faltblatt") {
		t.Fatalf("no download on the procedure page")
	}
	href := page.body[i : i+strings.IndexByte(page.body[i:], '"')]
	if !strings.HasSuffix(href, "/Faltblatt-neu.pdf") {
		t.Errorf("stored name %s: not made from the content's type", href)
	}
	d := e.do(t, "GET", href, "", "")
	if d.status != 200 || d.body != string(pdfBytes) {
		t.Fatalf("download: %d", d.status)
	}
	for h, want := range map[string]string{"Content-Type": "application/pdf", "Content-Disposition": `attachment; filename=Faltblatt-neu.pdf`,
		"X-Content-Type-Options": "nosniff"} {
		if got := d.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(d.header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("CSP %q", d.header.Get("Content-Security-Policy"))
	}
	if r := e.do(t, "GET", href, "", "", "If-None-Match", d.header.Get("ETag")); r.status != 304 {
		t.Errorf("revalidation: %d", r.status)
	}
	r = a.upload(t, "/admin/p/"+slug+"/files", map[string]string{"title": "Luftbild", "page": "faq"}, "file", "luftbild.png", pngBytes)
	if r.status != 303 {
		t.Fatalf("image upload: %d", r.status)
	}
	faq := e.do(t, "GET", "/p/"+slug+"/pages/faq", "", "")
	j := strings.Index(faq.body, `/p/`+slug+`/files/`)
	if j < 0 {
		t.Fatal("page's attachment not listed on the page")
	}
	img := e.do(t, "GET", faq.body[j:j+strings.IndexByte(faq.body[j:], '"')], "", "")
	if img.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(img.header.Get("Content-Disposition"), "inline") {
		t.Errorf("image headers %v", img.header)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/files/999/x.pdf", "", ""); r.status != 404 {
		t.Errorf("unknown file: %d", r.status)
	}
}

// TestModeratorsCannotAuthor keeps the authoring pages to planners and admins.
func TestModeratorsCannotAuthor(t *testing.T) {
	e := newEnv(t, nil)
	jar, csrf := e.signIn(t, "mod@example.org", model.RoleModerator)
	r := e.do(t, "POST", "/admin/procedures/new", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "slug": {"x-y"}, "title": {"X"}}.Encode(), "Cookie", jar.header())
	if r.status != 403 {
		t.Fatalf("moderator creates: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin/p/"+slug+"/phases", "", "", "Cookie", jar.header()); r.status != 403 {
		t.Fatalf("moderator edits: %d", r.status)
	}
}
