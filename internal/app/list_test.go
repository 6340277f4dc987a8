package app_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// answeredCount is how many of the demo procedure's published
// contributions carry an official response.
func answeredCount(t *testing.T, e *env) int {
	t.Helper()
	return e.count(t, `SELECT COUNT(*) FROM contributions c JOIN procedures p ON p.id = c.procedure_id
		WHERE p.slug = ? AND c.status = 'published' AND EXISTS (SELECT 1 FROM responses r WHERE r.contribution_seq = c.seq)`, slug)
}

// cardOf returns the list item of contribution id on a procedure page, or "".
func cardOf(body, id string) string {
	for _, part := range strings.Split(body, `<li class="card`)[1:] {
		card, _, _ := strings.Cut(part, "</li>")
		if strings.Contains(card, "/contributions/"+id+`"`) {
			return card
		}
	}
	return ""
}

// The list and the API filter on "answered": only contributions with an
// official response, every one of them, and the list's cards say so.
func TestAnsweredFilterInAPIAndList(t *testing.T) {
	e := newEnv(t, nil)
	want := answeredCount(t, e)
	total := e.count(t, `SELECT COUNT(*) FROM contributions c JOIN procedures p ON p.id = c.procedure_id WHERE p.slug = ? AND c.status = 'published'`, slug)
	if want == 0 || want >= total {
		t.Fatalf("the demo needs some answered contributions: %d of %d", want, total)
	}

	var fc struct {
		Features []struct{ ID string } `json:"features"`
	}
	r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?answered=1&limit=500", "", "")
	if r.status != 200 {
		t.Fatalf("API answered=1: %d %s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != want {
		t.Fatalf("API answered=1: %d features, want %d", len(fc.Features), want)
	}
	for _, f := range fc.Features {
		one := e.do(t, "GET", "/api/v1/contributions/"+f.ID, "", "")
		if strings.Contains(one.body, `"responses":[]`) {
			t.Errorf("API answered=1 lists %s, which has no response", f.ID)
		}
	}

	page := e.do(t, "GET", "/p/"+slug+"?answered=1", "", "")
	if page.status != 200 {
		t.Fatalf("list answered=1: %d", page.status)
	}
	if n := strings.Count(page.body, `<li class="card`); n != min(want, 20) {
		t.Errorf("list answered=1: %d cards, want %d", n, min(want, 20))
	}
	if n := strings.Count(page.body, `class="badge badge-answered">Beantwortet<`); n != min(want, 20) {
		t.Errorf("list answered=1: %d badges, want %d", n, min(want, 20))
	}
	if !strings.Contains(page.body, `>`+strconv.Itoa(want)+` Beitr`) {
		t.Errorf("list answered=1: the count does not say %d", want)
	}
	if !strings.Contains(page.body, `name="answered" type="checkbox" value="1" checked`) {
		t.Error("list answered=1: the filter form does not keep the choice")
	}
	if all := e.do(t, "GET", "/p/"+slug, "", ""); strings.Contains(all.body, `name="answered" type="checkbox" value="1" checked`) || !strings.Contains(all.body, `<label for="f-answered">Nur beantwortete</label>`) {
		t.Error("the unfiltered list lacks the unchecked answered filter")
	}
}

// A contribution gets its badge (text, not colour only) once a planner
// answers it, in every language.
func TestAnsweredBadgeOnCard(t *testing.T) {
	e := newEnv(t, nil)
	var fc struct {
		Features []struct{ ID string } `json:"features"`
	}
	json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=20", "", "").body), &fc)
	page := e.do(t, "GET", "/p/"+slug, "", "")
	id := ""
	for _, f := range fc.Features {
		if c := cardOf(page.body, f.ID); c != "" && !strings.Contains(c, "badge-answered") {
			id = f.ID
			break
		}
	}
	if id == "" {
		t.Fatal("no unanswered contribution on the first page")
	}
	planner := "Bearer " + e.token(t, "planerin@example.org", model.RolePlanner)
	if r := e.do(t, "POST", "/api/v1/contributions/"+id+"/responses", "application/json", `{"text":"Danke, wir prüfen das.","author":"Bezirksamt"}`, "Authorization", planner); r.status != 201 && r.status != 200 {
		t.Fatalf("respond: %d %s", r.status, r.body)
	}
	for lang, want := range map[string]string{"de": ">Beantwortet<", "en": ">Answered<", "de-x-ls": ">Hat eine Antwort<"} {
		page = e.do(t, "GET", "/p/"+slug+"?lang="+lang, "", "")
		c := cardOf(page.body, id)
		if !strings.Contains(c, `class="badge badge-answered"`+want) {
			t.Errorf("%s: the answered card lacks its badge %q: %.400s", lang, want, c)
		}
	}
	// and the filter finds it
	if r := e.do(t, "GET", "/p/"+slug+"?answered=1&limit=500", "", ""); cardOf(r.body, id) == "" {
		t.Error("the answered filter misses the newly answered contribution")
	}
}

// An empty result says so and offers to reset the filters; an empty
// unfiltered list offers no reset.
func TestEmptyResultOffersReset(t *testing.T) {
	e := newEnv(t, nil)
	for lang, want := range map[string]string{"de": "Keine Beiträge passen zu diesen Filtern.", "en": "No contributions match these filters."} {
		r := e.do(t, "GET", "/p/"+slug+"?q=Zyxwvutsrqpon&category=", "", "", "Accept-Language", lang)
		if r.status != 200 {
			t.Fatalf("%s: %d", lang, r.status)
		}
		if strings.Contains(r.body, `<li class="card`) {
			t.Fatalf("%s: the search was not empty", lang)
		}
		if !strings.Contains(r.body, want) {
			t.Errorf("%s: the empty result does not say so", lang)
		}
		if !strings.Contains(r.body, `id="reset" href="/p/`+slug+`#list"`) {
			t.Errorf("%s: no link resets the filters", lang)
		}
	}
	if r := e.do(t, "GET", "/p/"+slug, "", ""); strings.Contains(r.body, `id="reset"`) {
		t.Error("the unfiltered list offers a reset")
	}
}

// Without scripts the link to the next page says what it is: the next
// page, not "load more" (it replaces the list rather than extending it).
func TestNextPageLinkIsLabelled(t *testing.T) {
	e := newEnv(t, nil)
	for lang, want := range map[string]string{"de": ">Nächste Seite</a>", "en": ">Next page</a>"} {
		r := e.do(t, "GET", "/p/"+slug, "", "", "Accept-Language", lang)
		i := strings.Index(r.body, `id="more"`)
		if i < 0 {
			t.Fatalf("%s: no next-page link (the demo needs more than 20 contributions)", lang)
		}
		link, _, _ := strings.Cut(r.body[i:], "</a>")
		if !strings.Contains(link+"</a>", want) {
			t.Errorf("%s: the next-page link reads %q, want %q", lang, link, want)
		}
		if strings.Contains(link, "laden") || strings.Contains(link, "Load more") {
			t.Errorf("%s: the no-script link promises to load more: %q", lang, link)
		}
	}
}
