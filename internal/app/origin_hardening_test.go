package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
)

// testSecret is the server secret newEnv configures, so that tests can make
// valid table links.
const testSecret = "test-secret-for-table-links"

// tableLink is the kiosk address of table n of the demo procedure, with
// its valid key (what "mitreden table link" prints).
func tableLink(n int) string {
	return "/table/" + slug + "?table=" + strconv.Itoa(n) + "&key=" + auth.TableKey([]byte(testSecret), slug, n)
}

// twoContributions returns the ids of two published demo contributions.
func (e *env) twoContributions(t *testing.T) (string, string) {
	t.Helper()
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	_ = json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=2", "", "").body), &list)
	if len(list.Features) != 2 {
		t.Fatalf("want two demo contributions, got %d", len(list.Features))
	}
	return list.Features[0].ID, list.Features[1].ID
}

func (e *env) comment(t *testing.T, id, text string) int64 {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/contributions/"+id+"/comments", "application/json", fmt.Sprintf(`{"text":%q}`, text))
	var cm struct{ ID int64 }
	_ = json.Unmarshal([]byte(r.body), &cm)
	if r.status != 201 || cm.ID == 0 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	return cm.ID
}

// 3.10 (a): a report names a comment only of its own contribution, and
// only a visible one; anything else is refused and nothing is stored.
func TestFlagRefusesACommentOfAnotherContributionOrNone(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.twoContributions(t)
	onB := e.comment(t, b, "Ein Kommentar unter einem anderen Beitrag.")
	flags := func(id int64) int {
		n, err := e.st.CountFlags(context.Background(), "comment", strconv.FormatInt(id, 10))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, c := range []struct {
		name string
		id   int64
	}{{"comment of another contribution", onB}, {"no such comment", 987654}} {
		r := e.do(t, "POST", "/api/v1/contributions/"+a+"/flags", "application/json", fmt.Sprintf(`{"reason":"Spam","comment_id":%d}`, c.id))
		if r.status != 404 || !strings.Contains(r.body, `"code":"comment_not_found"`) || !strings.Contains(r.body, "sichtbar") {
			t.Errorf("API, %s: %d %s", c.name, r.status, r.body)
		}
	}
	if n := flags(onB) + flags(987654); n != 0 {
		t.Fatalf("%d refused reports stored", n)
	}

	// The residents' HTML form is held to the same rule.
	jar := cookieJar{}
	page := e.do(t, "GET", "/p/"+slug+"/contributions/"+a, "", "")
	jar.take(page.header)
	csrf := csrfToken(t, page.body)
	form := url.Values{"_csrf": {csrf}, "reason": {"Spam"}, "comment_id": {strconv.FormatInt(onB, 10)}}
	r := e.do(t, "POST", "/p/"+slug+"/contributions/"+a+"/flags", "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header())
	if r.status != 404 || flags(onB) != 0 {
		t.Fatalf("form, comment of another contribution: %d, %d stored", r.status, flags(onB))
	}

	// A hidden comment cannot be reported any more.
	moderator := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	onA := e.comment(t, a, "Ein Kommentar, der ausgeblendet wird.")
	if r := e.do(t, "PATCH", "/api/v1/comments/"+strconv.FormatInt(onA, 10), "application/json", `{"status":"hidden"}`, "Authorization", moderator); r.status != 200 {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+a+"/flags", "application/json", fmt.Sprintf(`{"comment_id":%d}`, onA)); r.status != 404 || flags(onA) != 0 {
		t.Fatalf("hidden comment: %d", r.status)
	}

	// The comment under its own contribution is still reported.
	if r := e.do(t, "POST", "/api/v1/contributions/"+b+"/flags", "application/json", fmt.Sprintf(`{"reason":"Spam","comment_id":%d}`, onB)); r.status != 201 || flags(onB) != 1 {
		t.Fatalf("own comment: %d %s, %d stored", r.status, r.body, flags(onB))
	}
}

// 3.10 (b): only staff may say where a contribution came from; an
// anonymous caller claiming a workshop table (or any origin) gets 403.
func TestAPIOriginNeedsAStaffToken(t *testing.T) {
	e := newEnv(t, nil)
	withOrigin := func(title, origin string) string {
		return fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"title":%q,"text":%q,"category":"verkehr","origin":%s}}`, title, okText, origin)
	}
	post := func(body string, hdr ...string) result {
		return e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", body, hdr...)
	}
	for _, o := range []string{`"table:7"`, `"import"`, `"online"`} {
		if r := post(withOrigin("Angeblich vom Tisch", o)); r.status != 403 || !strings.Contains(r.body, `"code":"origin_forbidden"`) {
			t.Errorf("anonymous origin %s: %d %s", o, r.status, r.body)
		}
	}
	if r := post(withOrigin("Mit falschem Token", `"table:7"`), "Authorization", "Bearer nicht-gueltig"); r.status != 401 {
		t.Errorf("invalid token: %d", r.status)
	}
	got := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?origin=table:7", "", "")
	if strings.Contains(got.body, "Angeblich") || strings.Contains(got.body, "falschem") {
		t.Fatalf("a forged table contribution was stored: %s", got.body)
	}
	// Without an origin (or with null) a resident still writes anonymously.
	for _, body := range []string{feature("null", "Ohne Herkunft", okText, "verkehr"), withOrigin("Herkunft null", "null")} {
		if r := post(body); r.status != 201 || !strings.Contains(r.body, `"origin":"online"`) {
			t.Errorf("anonymous without origin: %d %s", r.status, r.body)
		}
	}
	// Planners and moderators enter what came in at a table.
	for _, role := range []model.Role{model.RolePlanner, model.RoleModerator} {
		tok := "Bearer " + e.token(t, string(role)+"@example.org", role)
		if r := post(withOrigin("Vom Tisch sieben, "+string(role), `"table:7"`), "Authorization", tok); r.status != 201 || !strings.Contains(r.body, `"origin":"table:7"`) {
			t.Errorf("%s with origin: %d %s", role, r.status, r.body)
		}
	}
}

// 3.10 (c): the kiosk opens, and takes contributions, only with the key of
// its table; the key of one table or procedure does not open another.
func TestTableKioskNeedsTheKeyOfItsTable(t *testing.T) {
	e := newEnv(t, nil)
	other := auth.TableKey([]byte("a-different-server-secret"), slug, 3)
	for _, q := range []string{"?table=3", "?table=3&key=", "?table=3&key=abc", "?table=3&key=" + other,
		"?table=4&key=" + auth.TableKey([]byte(testSecret), slug, 3), "?table=3&key=" + auth.TableKey([]byte(testSecret), "anderes-verfahren", 3)} {
		if r := e.do(t, "GET", "/table/"+slug+q, "", ""); r.status != 403 || !strings.Contains(r.body, "Tisch-Link") {
			t.Errorf("GET table%s: %d", q, r.status)
		}
	}
	page := e.do(t, "GET", tableLink(3), "", "")
	if page.status != 200 {
		t.Fatalf("valid link: %d %.500s", page.status, page.body)
	}
	key := auth.TableKey([]byte(testSecret), slug, 3)
	// The form, the idle reset and the language links keep the key.
	for _, want := range []string{`action="/table/` + slug + `?table=3&amp;key=` + key + `"`, `data-reset="/table/` + slug + `?table=3&amp;key=` + key + `"`,
		`href="?table=3&amp;key=` + key + `&amp;lang=en"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("table page lacks %s", want)
		}
	}
	jar := cookieJar{}
	jar.take(page.header)
	csrf := csrfToken(t, page.body)
	form := url.Values{"_csrf": {csrf}, "title": {"Gefälschter Tischbeitrag"}, "text": {okText}, "category": {"verkehr"}}
	for _, q := range []string{"?table=3", "?table=3&key=abc", "?table=9&key=" + key} {
		if r := e.do(t, "POST", "/table/"+slug+q, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header()); r.status != 403 {
			t.Errorf("POST table%s: %d", q, r.status)
		}
	}
	form.Set("title", "Echter Tischbeitrag")
	if r := e.do(t, "POST", tableLink(3), "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header()); r.status != 201 {
		t.Fatalf("POST with the key: %d %.1000s", r.status, r.body)
	}
	got := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?origin=table", "", "").body
	if strings.Contains(got, "Gefälschter") || !strings.Contains(got, "Echter Tischbeitrag") {
		t.Fatalf("table contributions: %s", got)
	}
}
