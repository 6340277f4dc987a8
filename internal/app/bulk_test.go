package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// submitAt posts a contribution at lon, lat and returns its id.
func (e *env) submitAt(t *testing.T, title string, lon, lat float64) string {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(fmt.Sprintf(`{"type":"Point","coordinates":[%f,%f]}`, lon, lat), title, okText, "verkehr"))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var f struct{ ID string }
	_ = json.Unmarshal([]byte(r.body), &f)
	return f.ID
}

// preModeration switches the demo procedure to pre-moderation, so that
// new contributions wait in the queue.
func (e *env) preModeration(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	p, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	st := p.Settings
	st.Moderation = model.ModerationPre
	if err := e.srv.Moderation.UpdateSettings(ctx, &model.User{Email: "a@example.org", Role: model.RoleAdmin}, p, st); err != nil {
		t.Fatal(err)
	}
}

func (e *env) auditsOf(t *testing.T, id string) int {
	return e.count(t, `SELECT count(*) FROM audit WHERE action = 'contribution.moderate' AND subject = ?`, id)
}

func (e *env) statusOf(t *testing.T, id string) string {
	t.Helper()
	var s string
	n := e.count(t, `SELECT count(*) FROM contributions WHERE id = ? AND status = 'published'`, id)
	if n == 1 {
		return "published"
	}
	if e.count(t, `SELECT count(*) FROM contributions WHERE id = ? AND status = 'hidden'`, id) == 1 {
		return "hidden"
	}
	if e.count(t, `SELECT count(*) FROM contributions WHERE id = ? AND status = 'submitted'`, id) == 1 {
		s = "submitted"
	}
	return s
}

var pageIDs = regexp.MustCompile(`name="page_ids" value="([^"]+)"`)

func TestBulkModerationAuditsOneEntryPerContribution(t *testing.T) {
	e := newEnv(t, nil)
	e.preModeration(t)
	a := e.submitAt(t, "Erster Sammelfall", 9.9395, 53.5535)
	b := e.submitAt(t, "Zweiter Sammelfall", 9.9396, 53.5536)
	c := e.submitAt(t, "Dritter Sammelfall", 9.9397, 53.5537)
	jar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	cookies := strings.Split(jar.header(), "; ")
	board := "/admin/p/" + slug
	page := e.do(t, "GET", board, "", "", "Cookie", jar.header())
	for _, id := range []string{a, b, c} {
		if !strings.Contains(page.body, `form="bulk" name="ids" value="`+id+`"`) {
			t.Fatalf("no checkbox for %s in the queue", id)
		}
	}
	if !strings.Contains(page.body, `id="bulk-all"`) {
		t.Fatal("no 'select all on this page'")
	}
	auditBefore := e.count(t, `SELECT count(*) FROM audit`)

	// without CSRF token: refused
	r := e.do(t, "POST", board+"/bulk", "application/x-www-form-urlencoded", url.Values{"ids": {a}, "action": {"publish"}}.Encode(), "Cookie", jar.header())
	if r.status != 403 || e.statusOf(t, a) != "submitted" {
		t.Fatalf("bulk without CSRF: %d, status %s", r.status, e.statusOf(t, a))
	}
	// hiding without a reason: refused with a message, nothing changes
	r = e.formPost(t, board, board+"/bulk", url.Values{"ids": {a, b}, "action": {"hide"}, "reason": {"  "}}, cookies...)
	if r.status != 422 || !strings.Contains(r.body, "Zum Ausblenden braucht es einen öffentlichen Grund") {
		t.Fatalf("bulk hide without reason: %d %.300s", r.status, r.body)
	}
	if !strings.Contains(r.body, `value="`+a+`" id="sel-w-`+a+`" checked`) {
		t.Error("the refused selection is not kept")
	}
	if e.statusOf(t, a) != "submitted" || e.statusOf(t, b) != "submitted" || e.count(t, `SELECT count(*) FROM audit`) != auditBefore {
		t.Fatal("a refused bulk step changed something")
	}
	// nothing selected
	r = e.formPost(t, board, board+"/bulk", url.Values{"action": {"publish"}}, cookies...)
	if r.status != 422 || !strings.Contains(r.body, "Bitte wählen Sie mindestens einen Beitrag aus.") {
		t.Fatalf("bulk without selection: %d", r.status)
	}

	// publish two at once (one named twice): two entries, one each
	r = e.formPost(t, board, board+"/bulk", url.Values{"ids": {a, b, a}, "action": {"publish"}}, cookies...)
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=bulk_published&n=2") {
		t.Fatalf("bulk publish: %d %s", r.status, r.header.Get("Location"))
	}
	if e.statusOf(t, a) != "published" || e.statusOf(t, b) != "published" || e.statusOf(t, c) != "submitted" {
		t.Fatal("bulk publish changed the wrong contributions")
	}
	if e.auditsOf(t, a) != 1 || e.auditsOf(t, b) != 1 || e.auditsOf(t, c) != 0 {
		t.Fatalf("audit entries a=%d b=%d c=%d, want 1, 1, 0", e.auditsOf(t, a), e.auditsOf(t, b), e.auditsOf(t, c))
	}
	if got := e.count(t, `SELECT count(*) FROM audit`) - auditBefore; got != 2 {
		t.Fatalf("%d audit entries for a bulk step on 2 contributions", got)
	}
	notice := e.do(t, "GET", r.header.Get("Location"), "", "", "Cookie", jar.header())
	if !strings.Contains(notice.body, "2 Beiträge freigegeben.") {
		t.Error("no notice of the bulk step")
	}

	// "all on this page" hides what the page lists, with one reason
	page = e.do(t, "GET", board, "", "", "Cookie", jar.header())
	onPage := map[string]bool{}
	var listed []string // what the browser sends with the form's hidden fields
	for _, m := range pageIDs.FindAllStringSubmatch(page.body, -1) {
		onPage[m[1]] = true
		listed = append(listed, m[1])
	}
	if !onPage[c] || onPage[a] {
		t.Fatalf("page ids: c listed %v, published a listed %v", onPage[c], onPage[a])
	}
	hiddenBefore := e.count(t, `SELECT count(*) FROM audit WHERE action = 'contribution.moderate'`)
	r = e.formPost(t, board, board+"/bulk", url.Values{"all": {"on"}, "page_ids": listed, "action": {"hide"}, "reason": {"Doppelt eingereicht"}}, cookies...)
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=bulk_hidden") {
		t.Fatalf("bulk hide all: %d %s", r.status, r.header.Get("Location"))
	}
	if e.statusOf(t, c) != "hidden" || e.statusOf(t, a) != "published" {
		t.Fatal("'all on this page' hid the wrong contributions")
	}
	if e.count(t, `SELECT count(*) FROM contributions WHERE id = ? AND reason = 'Doppelt eingereicht'`, c) != 1 {
		t.Error("the one reason was not stored")
	}
	changed := e.count(t, `SELECT count(*) FROM audit WHERE action = 'contribution.moderate'`) - hiddenBefore
	n := 0
	fmt.Sscanf(r.header.Get("Location")[strings.Index(r.header.Get("Location"), "&n=")+3:], "%d", &n)
	if changed != n || n < 1 || e.auditsOf(t, c) != 1 {
		t.Fatalf("hide all: %d audit entries for %d changed contributions (c: %d)", changed, n, e.auditsOf(t, c))
	}
}

func TestBoardGroupsReportsWithTheirContributionAndShowsThemOnAMap(t *testing.T) {
	e := newEnv(t, nil)
	id := e.submitAt(t, "Gemeldeter Beitrag am Platz", 9.9395, 53.5535)
	for _, reason := range []string{"beleidigend", "Werbung"} {
		if r := e.do(t, "POST", "/api/v1/contributions/"+id+"/flags", "application/json", fmt.Sprintf(`{"reason":%q}`, reason)); r.status != 201 {
			t.Fatalf("flag: %d %s", r.status, r.body)
		}
	}
	r := e.do(t, "POST", "/api/v1/contributions/"+id+"/comments", "application/json", `{"text":"Ein gemeldeter Kommentar dazu"}`)
	cid := commentID(t, r.body)
	if r := e.do(t, "POST", "/api/v1/contributions/"+id+"/flags", "application/json", fmt.Sprintf(`{"comment_id":%d,"reason":"Spam im Kommentar"}`, cid)); r.status != 201 {
		t.Fatalf("flag comment: %d %s", r.status, r.body)
	}
	jar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	page := e.do(t, "GET", "/admin/p/"+slug, "", "", "Cookie", jar.header()).body
	if n := strings.Count(page, `id="sel-r-`+id+`"`); n != 1 {
		t.Fatalf("%d cards for the reported contribution, want one", n)
	}
	card := page[strings.Index(page, `id="sel-r-`+id+`"`):]
	card = card[:strings.Index(card, `class="mod-actions"`)]
	for _, want := range []string{"3 offene Meldungen", "beleidigend", "Werbung", "Spam im Kommentar", "Ein gemeldeter Kommentar dazu", "Verkehr", "<time datetime="} {
		if !strings.Contains(card, want) {
			t.Errorf("the reported contribution's card lacks %q", want)
		}
	}
	if !strings.Contains(page, `id="queue-map"`) || !strings.Contains(page, `js/queue-map.js`) {
		t.Fatal("no map view of the queue")
	}
	m := regexp.MustCompile(`data-queue="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no queue data for the map")
	}
	data := strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'", "&#43;", "+").Replace(m[1])
	var fc struct {
		Features []struct {
			Properties struct{ Title, URL, Label, Place string }
		}
	}
	if err := json.Unmarshal([]byte(data), &fc); err != nil {
		t.Fatalf("queue data is not GeoJSON: %v %q", err, data)
	}
	found := false
	for _, f := range fc.Features {
		if f.Properties.Title == "Gemeldeter Beitrag am Platz" && f.Properties.URL == "/admin/p/"+slug+"/contributions/"+id && f.Properties.Label != "" && f.Properties.Place != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("the reported contribution is not on the queue map: %s", data)
	}
}

func TestMergePickerFindsByTitleAndNearby(t *testing.T) {
	e := newEnv(t, nil)
	dup := e.submitAt(t, "Fahrradbügel am Bahnhof bitte", 9.9395, 53.5535)
	near := e.submitAt(t, "Mehr Fahrradbügel vor dem Bahnhof", 9.9405, 53.5540) // ≈ 90 m
	far := e.submitAt(t, "Fahrradbügel am Elbufer", 9.9300, 53.5520)            // ≈ 640 m
	jar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	page := "/admin/p/" + slug + "/contributions/" + dup
	r := e.do(t, "GET", page, "", "", "Cookie", jar.header())
	if strings.Contains(r.body, `id="into" name="into" type="text"`) {
		t.Error("the merge form still asks for a pasted id")
	}
	nearby := r.body[strings.Index(r.body, "In der Nähe"):]
	if !strings.Contains(nearby, `value="`+near+`"`) || strings.Contains(nearby, `value="`+far+`"`) || strings.Contains(nearby, `name="into" value="`+dup+`"`) {
		t.Fatalf("nearby candidates wrong: near %v far %v self %v", strings.Contains(nearby, near), strings.Contains(nearby, far), strings.Contains(nearby, `value="`+dup+`"`))
	}
	r = e.do(t, "GET", page+"?merge_q="+url.QueryEscape("Fahrradbügel"), "", "", "Cookie", jar.header())
	i := strings.Index(r.body, `id="merge-by-title"`)
	if i < 0 {
		t.Fatal("no matches by title")
	}
	byTitle := r.body[i : i+strings.Index(r.body[i:], "</ul>")]
	if !strings.Contains(byTitle, `value="`+near+`"`) || !strings.Contains(byTitle, `value="`+far+`"`) || strings.Contains(byTitle, `value="`+dup+`"`) {
		t.Fatalf("title matches wrong: %s", byTitle)
	}
	res := e.formPost(t, page, page+"/act", url.Values{"action": {"merge"}, "into": {near}, "reason": {"Gleiches Anliegen"}}, strings.Split(jar.header(), "; ")...)
	if res.status != 303 || !strings.Contains(res.header.Get("Location"), "notice=merged") {
		t.Fatalf("merge with the picked candidate: %d %s", res.status, res.header.Get("Location"))
	}
}
