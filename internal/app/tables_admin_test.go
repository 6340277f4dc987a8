package app_test

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
)

// The back office lists each workshop table's kiosk address with its key;
// the addresses open the kiosk, a changed key does not, and only planners
// and admins see the page.
func TestBackOfficeListsTableLinksWithKeys(t *testing.T) {
	e := newEnv(t, nil)
	mjar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	if r := e.do(t, "GET", "/admin/p/"+slug+"/tables", "", "", "Cookie", mjar.header()); r.status != 403 {
		t.Fatalf("moderator on the table links: %d", r.status)
	}
	jar, _ := e.signIn(t, "p@example.org", model.RolePlanner)
	base := "http://example.com"
	page := e.do(t, "GET", "/admin/p/"+slug+"/tables", "", "", "Cookie", jar.header())
	if page.status != 200 {
		t.Fatalf("planner on the table links: %d %.2000s", page.status, page.body)
	}
	if !strings.Contains(page.body, `href="/admin/p/`+slug+`/tables"`) {
		t.Fatal("the admin navigation does not lead to the table links")
	}
	links := regexp.MustCompile(`href="(http://[^"]*/table/[^"]*)"`).FindAllStringSubmatch(page.body, -1)
	if len(links) != 8 {
		t.Fatalf("want 8 kiosk links by default, got %d", len(links))
	}
	for i, m := range links {
		link := html.UnescapeString(m[1])
		want := base + "/table/" + slug + "?table=" + strconv.Itoa(i+1) + "&key=" + auth.TableKey([]byte(testSecret), slug, i+1)
		if link != want {
			t.Fatalf("link %d: %s, want %s", i+1, link, want)
		}
		if !strings.Contains(page.body, `value="`+m[1]+`"`) {
			t.Fatalf("link %d is not in a selectable field", i+1)
		}
		if r := e.do(t, "GET", strings.TrimPrefix(link, base), "", ""); r.status != 200 || !strings.Contains(r.body, `class="kiosk"`) {
			t.Fatalf("kiosk %d: %d", i+1, r.status)
		}
		tampered := strings.TrimPrefix(link, base)
		tampered = tampered[:len(tampered)-1] + map[bool]string{true: "B", false: "A"}[strings.HasSuffix(tampered, "A")]
		if r := e.do(t, "GET", tampered, "", ""); r.status != 403 {
			t.Fatalf("tampered key %d: %d", i+1, r.status)
		}
	}
	if !strings.Contains(page.body, `href="`+base+`/wall/`+slug+`"`) {
		t.Fatal("no link to the wall")
	}
	if !strings.Contains(page.body, "MITREDEN_SECRET_KEY") {
		t.Fatal("no word on revoking the links")
	}
	twelve := e.do(t, "GET", "/admin/p/"+slug+"/tables?tables=12", "", "", "Cookie", jar.header())
	if n := strings.Count(twelve.body, `/table/`+slug+`?table=`); twelve.status != 200 || !strings.Contains(twelve.body, "table=12&amp;key=") || n < 12 {
		t.Fatalf("12 tables: %d, %d links", twelve.status, n)
	}
	for _, bad := range []string{"0", "100", "x"} {
		r := e.do(t, "GET", "/admin/p/"+slug+"/tables?tables="+bad, "", "", "Cookie", jar.header())
		if r.status != 422 || !strings.Contains(r.body, `id="tables-error"`) || !strings.Contains(r.body, `aria-invalid="true"`) ||
			strings.Contains(r.body, "/table/"+slug+"?") {
			t.Fatalf("tables=%s: %d %.3000s", bad, r.status, r.body)
		}
	}
}
