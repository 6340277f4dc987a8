package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// TestProcedureJSONSaysWhichTextsAreGerman reads the API's procedure in
// Turkish, English and German: a text that is the German one standing in
// for the language asked carries "<field>_lang": "de"; a text in that
// language carries none.
func TestProcedureJSONSaysWhichTextsAreGerman(t *testing.T) {
	e := newEnv(t, nil)
	type labelled struct {
		Key       string `json:"key"`
		Label     string `json:"label"`
		LabelLang string `json:"label_lang"`
	}
	type titled struct {
		Title     string `json:"title"`
		TitleLang string `json:"title_lang"`
		DescLang  string `json:"description_lang"`
	}
	type procJSON struct {
		Title       string     `json:"title"`
		TitleLang   string     `json:"title_lang"`
		SummaryLang string     `json:"summary_md_lang"`
		Phases      []titled   `json:"phases"`
		Categories  []labelled `json:"categories"`
		Types       []labelled `json:"types"`
		Appts       []titled   `json:"appointments"`
	}
	var got procJSON
	read := func(lang string) {
		t.Helper()
		got = procJSON{}
		r := e.do(t, "GET", "/api/v1/procedures/gruenzug-altona?lang="+lang, "", "")
		if r.status != 200 {
			t.Fatalf("%s: %d %s", lang, r.status, r.body)
		}
		if err := json.Unmarshal([]byte(r.body), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Phases) == 0 || len(got.Categories) == 0 || len(got.Types) == 0 || len(got.Appts) == 0 {
			t.Fatalf("%s: parts missing: %s", lang, r.body)
		}
	}
	read("tr")
	if got.TitleLang != "de" || got.SummaryLang != "de" || got.Phases[0].TitleLang != "de" || got.Categories[0].LabelLang != "de" ||
		got.Types[0].LabelLang != "de" || got.Appts[0].TitleLang != "de" || got.Appts[0].DescLang != "de" {
		t.Errorf("tr: German texts not marked: %+v", got)
	}
	read("en")
	if got.TitleLang != "" || got.SummaryLang != "" || got.Phases[0].TitleLang != "" || got.Categories[0].LabelLang != "" || got.Appts[0].TitleLang != "" {
		t.Errorf("en: English texts marked as German: %+v", got)
	}
	if got.Phases[0].Title != "Information and survey of the current situation" {
		t.Errorf("en: phase title %q is not the English one", got.Phases[0].Title)
	}
	read("de")
	if got.TitleLang != "" || got.Categories[0].LabelLang != "" || got.Phases[0].TitleLang != "" {
		t.Errorf("de: German texts marked as a fallback: %+v", got)
	}
}

// TestLabelsAndPlacesWithoutEnglishAreMarkedGerman gives the demo a
// category without an English label. On the English procedure page its
// label in the list's cards and the legend is marked lang="de" with the
// notice; a contribution at a known place names the place (a German name)
// inside lang="de".
func TestLabelsAndPlacesWithoutEnglishAreMarkedGerman(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	p, err := e.st.ProcedureBySlug(ctx, "gruenzug-altona")
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Categories {
		if p.Categories[i].Key == "gruen" {
			p.Categories[i].Label = model.Labels{"de": "Grün und Klima"}
		}
	}
	if err := e.st.UpdateProcedure(ctx, p, store.PartCategories, store.Audited{Actor: "test", Action: "procedure.categories"}); err != nil {
		t.Fatal(err)
	}
	// Bahnhof Altona is one of the demo's places (places.json).
	r := e.do(t, "POST", "/api/v1/procedures/gruenzug-altona/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9347,53.5521]}`, "Bänke am Bahnhof", okText, "gruen"))
	if r.status != 201 {
		t.Fatalf("contribution: %d %s", r.status, r.body)
	}
	var f struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal([]byte(r.body), &f)

	page := e.do(t, "GET", "/p/gruenzug-altona?lang=en&category=gruen", "", "").body
	if !strings.Contains(page, `<span class="cat-dot" aria-hidden="true"></span><span lang="de">Grün und Klima</span>`) {
		t.Errorf("en: the card's German category label is not marked: %.600s", between(page, `id="cards"`, "</li>"))
	}
	if !strings.Contains(page, "Some names are available in German only.") {
		t.Errorf("en: no notice beside the legend with a German label")
	}
	if full := e.do(t, "GET", "/p/gruenzug-altona?lang=en", "", "").body; !strings.Contains(full, `<span class="cat-dot" aria-hidden="true"></span><span>Traffic and parking</span>`) {
		t.Errorf("en: an English card label is missing or marked")
	}
	c := e.do(t, "GET", "/p/gruenzug-altona/contributions/"+f.ID+"?lang=en", "", "").body
	if !strings.Contains(c, `<span lang="de">Bahnhof Altona</span>`) {
		t.Errorf("en: the place's German name is not marked: %.300s", between(c, `id="where"`, "</p>"))
	}
	if de := e.do(t, "GET", "/p/gruenzug-altona/contributions/"+f.ID+"?lang=de", "", "").body; strings.Contains(de, `lang="de">Bahnhof Altona`) ||
		!strings.Contains(de, "Bahnhof Altona") {
		t.Errorf("de: the place is marked as German on a German page, or missing")
	}
}
