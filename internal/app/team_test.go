package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

const formType = "application/x-www-form-urlencoded"

// A moderator or planner of procedure A gets 403 on every back-office
// route of procedure B and on every staff API route that names B or one of
// its contributions or comments — through B's slug or through A's slug
// with B's contribution — by session and by token alike; on A the same
// requests pass (so the 403 comes from the procedure, not the role).
func TestStaffOfOneProcedureAreRefusedEverythingOfAnother(t *testing.T) {
	e := newEnv(t, nil)
	a := e.proc(t, slug)
	e.addProcedure(t, otherSlug)
	bc, bm := e.published(t, otherSlug)
	ac, am := e.published(t, slug)
	A, B := subject{slug: slug, contribution: ac, comment: am}, subject{slug: otherSlug, contribution: bc, comment: bm}
	mixed := subject{slug: slug, contribution: bc, comment: bm} // A's slug, B's contribution and comment

	body := func(csrf string) string {
		return form(csrf, "action", "hide", "reason", "Doppelt", "status", "closed", "confirm", "on", "slug", "kopie-x",
			"confirm_slug", otherSlug, "text", "Eine Antwort.", "into", ac, "category", "gruen")
	}
	// an unscoped planner: what the role allows on A
	freeJar, freeCSRF, freeTok := e.scoped(t, "frei@example.org", model.RolePlanner)
	if err := e.st.SetUserProcedures(context.Background(), e.user(t, "frei@example.org").ID, false, nil, store.Audited{Actor: "t", Action: "t"}); err != nil {
		t.Fatal(err)
	}
	for _, role := range []model.Role{model.RoleModerator, model.RolePlanner} {
		jar, csrf, tok := e.scoped(t, string(role)+"@a.example.org", role, a.ID)
		admin, api := 0, 0
		for _, rt := range e.app.GetRoutes(true) {
			if rt.Method == "HEAD" || rt.Method == "OPTIONS" || rt.Method == "CONNECT" || rt.Method == "TRACE" {
				continue
			}
			isAdmin := strings.HasPrefix(rt.Path, "/admin/p/:slug")
			isAPI := strings.HasPrefix(rt.Path, "/api/v1/") && (strings.Contains(rt.Path, ":slug") || strings.Contains(rt.Path, ":id"))
			if !isAdmin && !isAPI || strings.HasSuffix(rt.Path, "/events") {
				continue // the live stream is public and never ends
			}
			try := func(s subject, who string) result {
				path, ok := s.fill(rt.Path)
				if !ok {
					t.Fatalf("route %s %s: a parameter without a test value", rt.Method, rt.Path)
				}
				jar, csrf, tok := jar, csrf, tok
				if who == "unscoped" {
					jar, csrf, tok, who = freeJar, freeCSRF, freeTok, "token"
				}
				if isAdmin {
					if rt.Method == "GET" {
						return e.do(t, "GET", path, "", "", "Cookie", jar.header())
					}
					return e.do(t, rt.Method, path, formType, body(csrf), "Cookie", jar.header())
				}
				if who == "anonymous" {
					return e.do(t, rt.Method, path, "application/json", "{}")
				}
				if who == "session" {
					return e.do(t, rt.Method, path, "", "", "Cookie", jar.header())
				}
				return e.do(t, rt.Method, path, "application/json", "{}", "Authorization", "Bearer "+tok)
			}
			if isAPI {
				// staff routes are those that turn the anonymous away
				if r := try(B, "anonymous"); r.status != 401 {
					continue
				}
				api++
			} else {
				admin++
			}
			subjects := []subject{B}
			if strings.Contains(rt.Path, "/contributions/:id") || strings.Contains(rt.Path, "/comments/:id") {
				subjects = append(subjects, mixed)
			}
			for _, s := range subjects {
				for _, who := range []string{"token", "session"} {
					if isAdmin && who == "token" || isAPI && who == "session" && rt.Method != "GET" {
						continue
					}
					if r := try(s, who); r.status != 403 {
						t.Errorf("%s by %s: %s %s (%s): %d, want 403", role, who, rt.Method, rt.Path, s.slug, r.status)
					}
				}
			}
			// on A the planner of A is refused only what the role refuses
			// an unscoped planner too (deleting a procedure is the admins')
			if role == model.RolePlanner {
				mine, free := try(A, "token"), try(A, "unscoped")
				if (mine.status == 403) != (free.status == 403) {
					t.Errorf("planner of A: %s %s on A: %d, unscoped planner %d", rt.Method, rt.Path, mine.status, free.status)
				}
			}
		}
		if admin < 15 || api < 8 {
			t.Fatalf("only %d back-office and %d staff API routes checked", admin, api)
		}
		// creating with a staff origin is staff work too
		if r := e.do(t, "POST", "/api/v1/procedures/"+otherSlug+"/contributions", "application/json",
			`{"type":"Feature","geometry":null,"properties":{"title":"Brief aus dem Amt","text":"`+okText+`","category":"gruen","origin":"letter"}}`,
			"Authorization", "Bearer "+tok); r.status != 403 {
			t.Errorf("%s: letter into B: %d", role, r.status)
		}
		// the back-office home lists only one's own procedure
		home := e.do(t, "GET", "/admin", "", "", "Cookie", jar.header())
		if home.status != 200 || !strings.Contains(home.body, `href="/admin/p/`+slug+`"`) || strings.Contains(home.body, `href="/admin/p/`+otherSlug+`"`) {
			t.Errorf("%s: home %d lists the wrong procedures", role, home.status)
		}
	}
}

// Accounts from before roles per procedure act everywhere (the migration
// rule); an admin assigns one to procedures on /admin/users, audited, and
// from then on it acts only there.
func TestAdminsAssignAccountsToProcedures(t *testing.T) {
	e := newEnv(t, nil)
	e.addProcedure(t, otherSlug)
	old, _ := e.signIn(t, "alt@example.org", model.RoleModerator)
	for _, s := range []string{slug, otherSlug} {
		if r := e.do(t, "GET", "/admin/p/"+s, "", "", "Cookie", old.header()); r.status != 200 {
			t.Fatalf("unscoped moderator on %s: %d", s, r.status)
		}
	}
	adm, csrf := e.signIn(t, "admin@example.org", model.RoleAdmin)
	page := e.do(t, "GET", "/admin/users", "", "", "Cookie", adm.header())
	if !strings.Contains(page.body, `action="/admin/users/procedures"`) || !strings.Contains(page.body, `value="`+otherSlug+`"`) {
		t.Fatal("the users page offers no procedures")
	}
	r := e.do(t, "POST", "/admin/users/procedures", formType, form(csrf, "email", "alt@example.org", "procedure", otherSlug), "Cookie", adm.header())
	if r.status != 200 || !strings.Contains(r.body, `id="admin-notice"`) {
		t.Fatalf("assign: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin/p/"+slug, "", "", "Cookie", old.header()); r.status != 403 {
		t.Errorf("after assigning to B only, A: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin/p/"+otherSlug, "", "", "Cookie", old.header()); r.status != 200 {
		t.Errorf("after assigning to B, B: %d", r.status)
	}
	if r := e.do(t, "POST", "/admin/users/procedures", formType, form(csrf, "email", "admin@example.org", "procedure", otherSlug), "Cookie", adm.header()); r.status != 422 {
		t.Errorf("scoping an admin: %d", r.status)
	}
	log, _ := e.st.AuditLog(context.Background(), 5)
	found := false
	for _, en := range log {
		found = found || en.Action == "user.procedures" && en.Subject == "alt@example.org" && strings.Contains(en.After, otherSlug)
	}
	if !found {
		t.Errorf("no audit entry: %+v", log)
	}
	// new accounts: ticked procedures scope them
	r = e.do(t, "POST", "/admin/users", formType, form(csrf, "email", "neu@example.org", "role", "planner", "procedure", slug), "Cookie", adm.header())
	if r.status != 201 {
		t.Fatalf("create: %d", r.status)
	}
	if u, _ := e.st.UserByEmail(context.Background(), "neu@example.org"); !u.Scoped {
		t.Error("a new planner with a procedure ticked is not scoped")
	}
}
