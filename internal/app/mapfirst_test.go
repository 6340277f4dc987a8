package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// newPoint creates a contribution at lon, lat through the API and returns
// its id.
func newPoint(t *testing.T, e *env, title string, lon, lat string) string {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[`+lon+`,`+lat+`]},"properties":{"title":"`+title+`","text":"`+okText+`","category":"verkehr","author_name":"Mo"}}`)
	if r.status != 201 {
		t.Fatalf("create %s: %d %s", title, r.status, r.body)
	}
	var f struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.body), &f); err != nil || f.ID == "" {
		t.Fatalf("create %s: %s", title, r.body)
	}
	return f.ID
}

// The contribution's page names its place in words: the nearest known
// place within 300 m, else the point with a decimal comma in German; the
// author is labelled as such, and the page links to itself for sharing.
func TestDetailPageNamesThePlaceInWords(t *testing.T) {
	e := newEnv(t, nil)
	near := newPoint(t, e, "Am Bahnhof", "9.9348", "53.5522") // ~10 m from "Bahnhof Altona"
	far := newPoint(t, e, "Am Rand", "9.9492", "53.558")      // > 300 m from every known place
	page := func(id, lang string) string {
		r := e.do(t, "GET", "/p/"+slug+"/contributions/"+id+"?lang="+lang, "", "")
		if r.status != 200 {
			t.Fatalf("page %s: %d", id, r.status)
		}
		return r.body
	}
	for _, c := range []struct{ id, lang, want string }{
		{near, "de", "in der Nähe von Bahnhof Altona"},
		{near, "en", `near <span lang="de">Bahnhof Altona</span>`}, // a German name (issue 17)
		{far, "de", "Punkt bei 53,55800, 9,94920"},
		{far, "en", "Point at 53.55800, 9.94920"},
	} {
		body := page(c.id, c.lang)
		if !strings.Contains(body, c.want) {
			t.Errorf("%s (%s): no %q in the page", c.id, c.lang, c.want)
		}
	}
	body := page(near, "de")
	if !strings.Contains(body, "Verfasst von Mo (Pseudonym)") {
		t.Error("the author is not labelled as such")
	}
	if !strings.Contains(body, `id="share-link"`) || !strings.Contains(body, "/p/"+slug+"/contributions/"+near+`" id="share-link"`) {
		t.Error("no share link to the contribution")
	}
}

// The features of the API say whether a contribution has an official
// response: in a list, in a viewport and on its own.
func TestFeaturesSayWhetherAnswered(t *testing.T) {
	e := newEnv(t, nil)
	id := newPoint(t, e, "Wird beantwortet", "9.9348", "53.5522")
	answered := func(target string) any {
		t.Helper()
		r := e.do(t, "GET", target, "", "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", target, r.status, r.body)
		}
		if strings.Contains(target, "/api/v1/contributions/") {
			var f struct{ Properties map[string]any }
			_ = json.Unmarshal([]byte(r.body), &f)
			return f.Properties["answered"]
		}
		var fc struct {
			Features []struct {
				ID         string
				Properties map[string]any
			}
		}
		if err := json.Unmarshal([]byte(r.body), &fc); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		for _, f := range fc.Features {
			if f.ID == id {
				return f.Properties["answered"]
			}
		}
		t.Fatalf("%s: contribution missing", target)
		return nil
	}
	base := "/api/v1/procedures/" + slug + "/contributions"
	targets := []string{base + "?q=beantwortet", base + "?bbox=9.93,53.55,9.94,53.56", base + "?bbox=9.93,53.55,9.94,53.56&cursor=", "/api/v1/contributions/" + id}
	for _, target := range targets {
		if got := answered(target); got != false {
			t.Fatalf("%s before a response: answered = %v", target, got)
		}
	}
	planner := e.token(t, "planerin@example.org", model.RolePlanner)
	if r := e.do(t, "POST", "/api/v1/contributions/"+id+"/responses", "application/json", `{"text":"Danke, wir prüfen das."}`, "Authorization", "Bearer "+planner); r.status != 201 {
		t.Fatalf("response: %d %s", r.status, r.body)
	}
	for _, target := range targets {
		if got := answered(target); got != true {
			t.Fatalf("%s after a response: answered = %v", target, got)
		}
	}
}

// The form offers the categories as tiles with a description, asks for
// the pseudonym where the text is written, and starts at the spot that
// "contribute here" brought from the map.
func TestFormTilesPseudonymAndStartingPoint(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "GET", "/p/"+slug+"/contribute?lat=53.5531&lon=9.9391", "", "")
	if r.status != 200 {
		t.Fatalf("form: %d", r.status)
	}
	b := r.body
	if !strings.Contains(b, `type="radio" name="category" id="category-verkehr" value="verkehr"`) || !strings.Contains(b, "Bus, Bahn, Straßen und Parken") {
		t.Error("no category tile with its description")
	}
	if strings.Contains(b, `<select id="category"`) {
		t.Error("the category is still a drop-down")
	}
	author, place := strings.Index(b, `id="author_name"`), strings.Index(b, `id="step-category"`)
	if author < 0 || place < 0 || author > place {
		t.Error("the pseudonym is not asked on the text step")
	}
	if !strings.Contains(b, `id="coords-box"`) || !strings.Contains(b, `id="lat" name="lat" type="text" inputmode="decimal" value="53.5531"`) {
		t.Error("the typed coordinates or the starting point are missing")
	}
	if r := e.do(t, "GET", "/p/"+slug+"/contribute?lat=NaN&lon=9.9", "", ""); r.status != 200 || strings.Contains(r.body, `value="NaN"`) {
		t.Errorf("a bad starting point: %d", r.status)
	}
}
