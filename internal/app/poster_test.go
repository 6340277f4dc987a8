package app_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// The poster page offers A4 and A3 as SVG and PDF in each of the
// procedure's languages; the downloads are the files with their types
// and names, and the QR code's address follows MITREDEN_BASE_URL.
func TestPosterPageOffersEverySizeFormatAndLanguage(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.BaseURL = "https://beteiligung.example.org" })
	jar, _ := e.signIn(t, "p@example.org", model.RolePlanner)
	page := e.do(t, "GET", "/admin/p/"+slug+"/poster", "", "", "Cookie", jar.header())
	if page.status != 200 {
		t.Fatalf("poster page: %d %.2000s", page.status, page.body)
	}
	if !strings.Contains(page.body, `href="/admin/p/`+slug+`/poster"`) {
		t.Error("the admin navigation does not lead to the poster")
	}
	if !strings.Contains(page.body, "https://beteiligung.example.org/p/"+slug+"?src=poster") {
		t.Error("the page does not show the QR code's address from MITREDEN_BASE_URL")
	}
	links := regexp.MustCompile(`href="(/admin/p/[^"]*/poster/download\?[^"]*)"`).FindAllStringSubmatch(page.body, -1)
	// The demo is in German, English and Leichte Sprache: 3 languages ×
	// 2 sizes × 2 formats, and the preview.
	if len(links) != 13 {
		t.Fatalf("want 12 downloads and the preview, got %d: %q", len(links), links)
	}
	for _, m := range links {
		link := html.UnescapeString(m[1])
		if strings.Contains(link, "inline=1") {
			continue
		}
		r := e.do(t, "GET", link, "", "", "Cookie", jar.header())
		if r.status != 200 {
			t.Fatalf("%s: %d %.500s", link, r.status, r.body)
		}
		ct, cd := r.header.Get("Content-Type"), r.header.Get("Content-Disposition")
		if strings.Contains(link, "format=pdf") {
			if ct != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") {
				t.Errorf("%s: %s %.10q", link, ct, r.body)
			}
		} else if !strings.HasPrefix(ct, "image/svg+xml") || !strings.Contains(r.body, "<svg") {
			t.Errorf("%s: %s", link, ct)
		}
		if !regexp.MustCompile(`^attachment; filename="poster-` + slug + `-a[34]-(de|en|de-x-ls)\.(svg|pdf)"$`).MatchString(cd) {
			t.Errorf("%s: Content-Disposition %q", link, cd)
		}
		if strings.Contains(link, "format=svg") {
			want := map[bool]string{true: "Green Corridor Altona", false: "Grünzug Altona"}[strings.Contains(link, "locale=en")]
			if !strings.Contains(r.body, want) || !strings.Contains(r.body, "beteiligung.example.org/p/"+slug+"</text>") {
				t.Errorf("%s: the SVG lacks %q or the short address", link, want)
			}
		}
	}
	if r := e.do(t, "GET", "/admin/p/"+slug+"/poster/download?size=A4&format=svg&locale=de&inline=1", "", "", "Cookie", jar.header()); !strings.HasPrefix(r.header.Get("Content-Disposition"), "inline;") {
		t.Errorf("inline preview: %q", r.header.Get("Content-Disposition"))
	}
}

// Wrong sizes, formats and languages answer 400 with a message that says
// what is possible; a language the PDF's font cannot set is offered as
// SVG only.
func TestPosterRefusesBadSizeFormatAndLanguage(t *testing.T) {
	e := newEnv(t, nil)
	jar, _ := e.signIn(t, "p@example.org", model.RolePlanner)
	base := "/admin/p/" + slug + "/poster/download?"
	for _, c := range []struct{ query, message string }{
		{"size=A5&format=svg&locale=de", "Möglich sind A4 und A3"},
		{"size=&format=svg", "Möglich sind A4 und A3"},
		{"size=A4&format=png&locale=de", "Möglich sind svg und pdf"},
		{"size=A4&format=svg&locale=fr", "Möglich sind: de, en, de-x-ls"},
		{"size=A4&format=pdf&locale=uk", "Möglich sind: de, en, de-x-ls"},
	} {
		r := e.do(t, "GET", base+c.query, "", "", "Cookie", jar.header())
		if r.status != 400 || !strings.Contains(r.body, c.message) {
			t.Errorf("%s: %d, want 400 with %q: %.3000s", c.query, r.status, c.message, r.body)
		}
	}
	if r := e.do(t, "GET", "/admin/p/"+slug+"/poster?locale=xx", "", "", "Cookie", jar.header()); r.status != 400 {
		t.Errorf("poster page in an unknown language: %d", r.status)
	}

	// Give the procedure a Ukrainian title: SVG in Ukrainian, no PDF.
	p := e.proc(t, slug)
	p.Translations["uk"] = model.ProcedureText{Title: "Зелений коридор Альтона"}
	if err := e.st.UpdateProcedure(context.Background(), p, store.PartTexts, store.Audited{Actor: "test", Action: "procedure.texts"}); err != nil {
		t.Fatal(err)
	}
	svg := e.do(t, "GET", base+"size=A3&format=svg&locale=uk", "", "", "Cookie", jar.header())
	if svg.status != 200 || !strings.Contains(svg.body, "Зелений коридор Альтона") || !strings.Contains(svg.body, `lang="uk"`) {
		t.Fatalf("Ukrainian SVG: %d %.300s", svg.status, svg.body)
	}
	pdf := e.do(t, "GET", base+"size=A3&format=pdf&locale=uk", "", "", "Cookie", jar.header())
	if pdf.status != 400 || !strings.Contains(pdf.body, "als SVG herunter") {
		t.Fatalf("Ukrainian PDF: %d %.3000s", pdf.status, pdf.body)
	}
	page := e.do(t, "GET", "/admin/p/"+slug+"/poster?locale=uk", "", "", "Cookie", jar.header())
	if page.status != 200 || strings.Contains(page.body, "format=pdf&amp;locale=uk") || !strings.Contains(page.body, "Nur als SVG") ||
		!strings.Contains(page.body, "locale=uk&amp;size=A4") {
		t.Fatalf("poster page in Ukrainian: %d, PDF offered or SVG missing", page.status)
	}
}

// Only planners and admins make posters, planners only in their own
// procedures; an unknown procedure is 404.
func TestPosterScope(t *testing.T) {
	e := newEnv(t, nil)
	other := e.addProcedure(t, otherSlug)
	ojar, _, _ := e.scoped(t, "other@example.org", model.RolePlanner, other.ID)
	mjar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	pjar, _ := e.signIn(t, "p@example.org", model.RolePlanner)
	dl := "/poster/download?size=A4&format=pdf&locale=de"
	for _, c := range []struct {
		who    string
		jar    cookieJar
		path   string
		status int
	}{
		{"planner of another procedure", ojar, "/admin/p/" + slug + "/poster", 403},
		{"planner of another procedure", ojar, "/admin/p/" + slug + dl, 403},
		{"planner of that procedure", ojar, "/admin/p/" + otherSlug + dl, 200},
		{"moderator", mjar, "/admin/p/" + slug + "/poster", 403},
		{"moderator", mjar, "/admin/p/" + slug + dl, 403},
		{"planner", pjar, "/admin/p/keins-da/poster", 404},
		{"planner", pjar, "/admin/p/keins-da" + dl, 404},
		{"nobody", cookieJar{}, "/admin/p/" + slug + dl, 303},
	} {
		if r := e.do(t, "GET", c.path, "", "", "Cookie", c.jar.header()); r.status != c.status {
			t.Errorf("%s on %s: %d, want %d", c.who, c.path, r.status, c.status)
		}
	}
}
