package app_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/config"
)

func TestWorkshopTableTagsContributionsAndShowsNoManageLink(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.TableIdle = 90 })
	for _, q := range []string{"", "?table=0", "?table=1000", "?table=x", "?table=-3"} {
		if r := e.do(t, "GET", "/table/"+slug+q, "", ""); r.status != 400 {
			t.Fatalf("table%s: %d", q, r.status)
		}
	}
	if r := e.do(t, "GET", "/table/nirgendwo?table=1", "", ""); r.status != 404 {
		t.Fatalf("unknown procedure: %d", r.status)
	}
	page := e.do(t, "GET", tableLink(3), "", "")
	if page.status != 200 || !strings.Contains(page.body, `class="kiosk"`) || !strings.Contains(page.body, `data-idle="90"`) ||
		!strings.Contains(page.body, `href="?table=3&amp;key=`+auth.TableKey([]byte(testSecret), slug, 3)+`&amp;lang=en"`) || strings.Contains(page.body, `href="/p/`+slug+`/contribute"`) {
		t.Fatalf("table page: %d %.3000s", page.status, page.body)
	}
	csrf := csrfToken(t, page.body)
	cookie := strings.SplitN(page.header.Get("Set-Cookie"), ";", 2)[0]
	form := url.Values{"_csrf": {csrf}, "title": {"Vom Tisch drei"}, "text": {okText}, "category": {"verkehr"}, "place": {"Bahnhof Altona"}, "origin": {"online"}}
	r := e.do(t, "POST", tableLink(3), "application/x-www-form-urlencoded", form.Encode(), "Cookie", cookie)
	if r.status != 201 || strings.Contains(r.body, "/manage/") || !strings.Contains(r.body, `id="next-contribution"`) {
		t.Fatalf("table submit: %d %.2000s", r.status, r.body)
	}
	api := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?origin=table:3&q=Tisch", "", "")
	if !strings.Contains(api.body, `"origin":"table:3"`) || !strings.Contains(api.body, "Vom Tisch drei") {
		t.Fatalf("not tagged with the table: %s", api.body)
	}
	form.Set("title", "x")
	if r := e.do(t, "POST", tableLink(3), "application/x-www-form-urlencoded", form.Encode(), "Cookie", cookie); r.status != 422 || !strings.Contains(r.body, "error-summary") {
		t.Fatalf("invalid table submit: %d", r.status)
	}
	wall := e.do(t, "GET", "/wall/"+slug, "", "")
	if wall.status != 200 || !strings.Contains(wall.body, "Vom Tisch drei") || !strings.Contains(wall.body, `id="wall-list"`) {
		t.Fatalf("wall: %d", wall.status)
	}
}
