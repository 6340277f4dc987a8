package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Issue 18, analyses as outputs: a planner downloads the analysis as PDF,
// workbook and GeoPackage from links on the analysis page; moderators,
// planners of other procedures and strangers do not.
func TestPlannerDownloadsTheAnalysisFromTheAnalysisPage(t *testing.T) {
	e := newEnv(t, nil)
	e.topicTexts(t)
	jar, _ := e.signIn(t, "planerin@example.org", model.RolePlanner)
	get := func(jar cookieJar, target string) result {
		return e.do(t, "GET", target, "", "", "Cookie", jar.header())
	}
	page := get(jar, "/admin/p/"+slug+"/analysis")
	if page.status != 200 {
		t.Fatalf("analysis page: %d", page.status)
	}
	for _, href := range []string{"/admin/p/" + slug + "/analysis.pdf", "/admin/p/" + slug + "/analysis.xlsx", "/admin/p/" + slug + "/analysis.gpkg",
		"/api/v1/procedures/" + slug + "/export.synopsis?group=topic"} {
		if !strings.Contains(page.body, `href="`+strings.ReplaceAll(href, "&", "&amp;")+`" download`) {
			t.Errorf("the analysis page has no download link %s", href)
		}
	}
	for _, c := range []struct{ ext, ctype, magic string }{
		{"pdf", "application/pdf", "%PDF-"},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK\x03\x04"},
		{"gpkg", "application/geopackage+sqlite3", "SQLite format 3\x00"},
	} {
		r := get(jar, "/admin/p/"+slug+"/analysis."+c.ext)
		if r.status != 200 || r.header.Get("Content-Type") != c.ctype || !strings.HasPrefix(r.body, c.magic) {
			t.Fatalf("%s: %d %q %q", c.ext, r.status, r.header.Get("Content-Type"), r.body[:min(40, len(r.body))])
		}
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="`+slug+`-analysis.`+c.ext+`"` {
			t.Errorf("%s: Content-Disposition %q", c.ext, cd)
		}
	}
	if r := get(jar, "/admin/p/"+slug+"/analysis.docx"); r.status != 404 {
		t.Errorf("unknown format: %d", r.status)
	}
	if r := get(jar, "/admin/p/"+slug+"/analysis.json"); r.status != 404 {
		t.Errorf("json (the API's): %d", r.status)
	}
	if r := get(jar, "/admin/p/kein-verfahren/analysis.pdf"); r.status != 404 {
		t.Errorf("unknown procedure: %d", r.status)
	}
	// the synopsis grouped by topic, through the link's API address
	if r := get(jar, "/api/v1/procedures/"+slug+"/export.synopsis?group=topic"); r.status != 200 || !strings.HasPrefix(r.body, "PK") {
		t.Errorf("synopsis by topic: %d", r.status)
	}
	if r := get(jar, "/api/v1/procedures/"+slug+"/export.csv?group=topic"); r.status != 400 {
		t.Errorf("group on a csv: %d", r.status)
	}
	// a moderator reads the analysis page but downloads nothing
	mod, _ := e.signIn(t, "moderator@example.org", model.RoleModerator)
	if r := get(mod, "/admin/p/"+slug+"/analysis"); r.status != 200 || strings.Contains(r.body, "analysis.pdf") {
		t.Errorf("moderator's analysis page: %d, links shown %v", r.status, strings.Contains(r.body, "analysis.pdf"))
	}
	if r := get(mod, "/admin/p/"+slug+"/analysis.pdf"); r.status != 403 {
		t.Errorf("moderator's download: %d", r.status)
	}
	// a planner of other procedures does not download this one's
	other, _ := e.signIn(t, "andere@example.org", model.RolePlanner)
	if err := e.st.SetUserProcedures(context.Background(), e.user(t, "andere@example.org").ID, true, nil, store.Audited{Actor: "t", Action: "user.procedures"}); err != nil {
		t.Fatal(err)
	}
	if r := get(other, "/admin/p/"+slug+"/analysis.xlsx"); r.status != 403 {
		t.Errorf("planner of other procedures: %d", r.status)
	}
	// without a session: to the login page
	if r := e.do(t, "GET", "/admin/p/"+slug+"/analysis.pdf", "", ""); r.status != 303 || !strings.Contains(r.header.Get("Location"), "/admin/login") {
		t.Errorf("anonymous: %d %q", r.status, r.header.Get("Location"))
	}
}
