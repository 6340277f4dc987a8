package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Closing a procedure needs a confirmation and moves its version on; a
// closed procedure stays readable with a notice and refuses new
// contributions, comments and ratings with a clear 403; archived ones are
// listed apart on the home page.
func TestClosedProceduresRefuseNewContributions(t *testing.T) {
	e := newEnv(t, nil)
	id, _ := e.published(t, slug)
	jar, _ := e.signIn(t, "planer@example.org", model.RolePlanner)
	csrf := csrfToken(t, e.do(t, "GET", "/admin/p/"+slug+"/lifecycle", "", "", "Cookie", jar.header()).body)
	before := e.proc(t, slug).Version
	if r := e.do(t, "POST", "/admin/p/"+slug+"/status", formType, form(csrf, "status", "closed"), "Cookie", jar.header()); r.status != 422 || !strings.Contains(r.body, `href="#confirm"`) {
		t.Fatalf("unconfirmed close: %d", r.status)
	}
	if p := e.proc(t, slug); p.Lifecycle != model.LifecyclePublished {
		t.Fatal("closed without confirmation")
	}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/status", formType, form(csrf, "status", "closed", "confirm", "on"), "Cookie", jar.header()); r.status != 303 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	if p := e.proc(t, slug); p.Lifecycle != model.LifecycleClosed || p.Version <= before {
		t.Fatalf("closed: %q, version %d → %d", p.Lifecycle, before, p.Version)
	}
	for _, w := range []struct{ path, body string }{
		{"/api/v1/procedures/" + slug + "/contributions", feature(inArea, "Querung am Park", okText, "gruen")},
		{"/api/v1/contributions/" + id + "/comments", `{"text":"Ein Kommentar, der lang genug ist."}`},
		{"/api/v1/contributions/" + id + "/ratings", `{"value":1}`},
		{"/api/v1/procedures/" + slug + "/conceptions/variante-a/ratings", `{"value":1}`},
	} {
		r := e.do(t, "POST", w.path, "application/json", w.body)
		if r.status != 403 || !strings.Contains(r.body, `"code":"procedure_closed"`) || !strings.Contains(r.body, "abgeschlossen") {
			t.Errorf("%s: %d %s", w.path, r.status, r.body)
		}
	}
	for _, p := range []string{"/p/" + slug, "/p/" + slug + "/contributions/" + id, "/api/v1/contributions/" + id} {
		if r := e.do(t, "GET", p, "", "", ""); r.status != 200 {
			t.Errorf("closed %s: %d", p, r.status)
		}
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug, "", "", ""); !strings.Contains(r.body, `"lifecycle":"closed"`) || !strings.Contains(r.body, `"participation_open":false`) {
		t.Errorf("the API does not say the procedure is closed: %.300s", r.body)
	}
	page := e.do(t, "GET", "/p/"+slug, "", "", "")
	if !strings.Contains(page.body, `id="lifecycle-notice"`) || strings.Contains(page.body, `href="/p/`+slug+`/contribute"`) {
		t.Error("the closed procedure's page has no notice or still invites contributions")
	}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/status", formType, form(csrf, "status", "archived"), "Cookie", jar.header()); r.status != 303 {
		t.Fatalf("archive: %d", r.status)
	}
	if home := e.do(t, "GET", "/", "", "", ""); !strings.Contains(home.body, `id="h-archived"`) || !strings.Contains(home.body, "/p/"+slug) {
		t.Error("the archived procedure is not listed in the archive")
	}
}

// A planner copies a procedure as a draft template (settings, phases,
// categories, pages — no contributions); an admin deletes one after typing
// its slug; both are audited, and planners cannot delete.
func TestDuplicateAndDeleteAreConfirmedAndAudited(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.published(t, slug)
	src := e.proc(t, slug)
	pl, _ := e.signIn(t, "planer@example.org", model.RolePlanner)
	csrf := csrfToken(t, e.do(t, "GET", "/admin/p/"+slug+"/lifecycle", "", "", "Cookie", pl.header()).body)
	if r := e.do(t, "POST", "/admin/p/"+slug+"/duplicate", formType, form(csrf, "slug", slug), "Cookie", pl.header()); r.status != 422 {
		t.Errorf("copy onto a taken slug: %d", r.status)
	}
	r := e.do(t, "POST", "/admin/p/"+slug+"/duplicate", formType, form(csrf, "slug", "gruenzug-kopie", "title", "Grünzug, zweite Runde"), "Cookie", pl.header())
	if r.status != 303 || r.header.Get("Location") != "/admin/p/gruenzug-kopie/lifecycle?notice=duplicated" {
		t.Fatalf("copy: %d %q", r.status, r.header.Get("Location"))
	}
	cp := e.proc(t, "gruenzug-kopie")
	if cp.Lifecycle != model.LifecycleDraft || cp.Title != "Grünzug, zweite Runde" || len(cp.Phases) != len(src.Phases) ||
		len(cp.Categories) != len(src.Categories) || cp.Settings.Moderation != src.Settings.Moderation || cp.Area == nil {
		t.Fatalf("copy %+v", cp)
	}
	if pages, _ := e.st.PageSlugs(ctx, cp.ID); len(pages) == 0 {
		t.Error("the copy has no pages")
	}
	if n, _ := e.st.CountContributions(ctx, store.Filter{ProcedureID: cp.ID}); n != 0 {
		t.Errorf("the copy has %d contributions", n)
	}
	if r := e.do(t, "GET", "/p/gruenzug-kopie", "", "", ""); r.status != 404 {
		t.Errorf("the copy is public: %d", r.status)
	}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/delete", formType, form(csrf, "confirm_slug", slug), "Cookie", pl.header()); r.status != 403 {
		t.Errorf("planner deletes: %d", r.status)
	}
	adm, _ := e.signIn(t, "admin@example.org", model.RoleAdmin)
	csrf = csrfToken(t, e.do(t, "GET", "/admin/p/"+slug+"/lifecycle", "", "", "Cookie", adm.header()).body)
	if r := e.do(t, "POST", "/admin/p/"+slug+"/delete", formType, form(csrf, "confirm_slug", "gruenzug"), "Cookie", adm.header()); r.status != 422 {
		t.Errorf("wrong slug typed: %d", r.status)
	}
	if _, err := e.st.ProcedureBySlug(ctx, slug); err != nil {
		t.Fatal("deleted without the right slug")
	}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/delete", formType, form(csrf, "confirm_slug", slug), "Cookie", adm.header()); r.status != 303 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if _, err := e.st.ProcedureBySlug(ctx, slug); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("still there: %v", err)
	}
	for _, p := range []string{"/p/" + slug, "/admin/p/" + slug, "/api/v1/procedures/" + slug} {
		if r := e.do(t, "GET", p, "", "", "Cookie", adm.header()); r.status != 404 {
			t.Errorf("after delete %s: %d", p, r.status)
		}
	}
	log, _ := e.st.AuditLog(ctx, 10)
	var dup, del bool
	for _, en := range log {
		dup = dup || en.Action == "procedure.duplicate" && en.Actor == "planer@example.org" && en.Subject == "procedure:gruenzug-kopie"
		del = del || en.Action == "procedure.delete" && en.Actor == "admin@example.org" && en.Subject == "procedure:"+slug && strings.Contains(en.Before, `"contributions":`) && !strings.Contains(en.Before, `"contributions":0`)
	}
	if !dup || !del {
		t.Errorf("audit: duplicate %v, delete %v: %+v", dup, del, log)
	}
	// the copy lives on
	if r := e.do(t, "GET", "/admin/p/gruenzug-kopie", "", "", "Cookie", adm.header()); r.status != 200 {
		t.Errorf("copy after deleting its source: %d", r.status)
	}
}
