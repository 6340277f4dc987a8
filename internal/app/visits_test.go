package app_test

import (
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// Views of a procedure page are counted per procedure and day, without a
// cookie of their own, and shown on the back-office home; the team's
// looks at a draft are not reach.
func TestProcedureViewsAreCountedWithoutTracking(t *testing.T) {
	e := newEnv(t, nil)
	for i := 0; i < 3; i++ {
		r := e.do(t, "GET", "/p/"+slug, "", "", "")
		if r.status != 200 {
			t.Fatalf("page: %d", r.status)
		}
		for _, c := range r.header.Values("Set-Cookie") {
			if !strings.HasPrefix(c, "csrf_") && !strings.HasPrefix(c, "mitreden_csrf") {
				t.Errorf("a view sets a cookie: %s", c)
			}
		}
	}
	e.addProcedure(t, otherSlug)
	adm, _ := e.signIn(t, "admin@example.org", model.RoleAdmin)
	csrf := csrfToken(t, e.do(t, "GET", "/admin/p/"+otherSlug+"/lifecycle", "", "", "Cookie", adm.header()).body)
	e.do(t, "POST", "/admin/p/"+otherSlug+"/status", formType, form(csrf, "status", "draft"), "Cookie", adm.header())
	if r := e.do(t, "GET", "/p/"+otherSlug, "", "", "Cookie", adm.header()); r.status != 200 {
		t.Fatalf("draft for its team: %d", r.status)
	}
	e.srv.FlushViews()
	home := e.do(t, "GET", "/admin", "", "", "Cookie", adm.header())
	row := func(s string) string {
		i := strings.Index(home.body, `<a href="/admin/p/`+s+`">`)
		if i < 0 {
			t.Fatalf("no row for %s", s)
		}
		return home.body[i:][:strings.Index(home.body[i:], "</tr>")]
	}
	if !strings.Contains(row(slug), `<td class="views">3</td>`) {
		t.Errorf("views of %s: %s", slug, row(slug))
	}
	if !strings.Contains(row(otherSlug), `<td class="views">0</td>`) {
		t.Errorf("the draft's views counted: %s", row(otherSlug))
	}
	if r := e.do(t, "GET", "/admin/p/"+slug+"/report", "", "", "Cookie", adm.header()); !strings.Contains(r.body, "letzten 30 Tagen: 3 ") {
		t.Error("the printable report does not tell the reach")
	}
}
