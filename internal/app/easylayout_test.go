package app_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/store"
)

// easyPages are a start page, a procedure, its contribution form and a
// contribution, in the given locale.
func easyPages(t *testing.T, e *env, lang string) map[string]string {
	t.Helper()
	ctx := context.Background()
	p, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	list, _, err := e.st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatal("no contribution", err)
	}
	out := map[string]string{}
	for _, u := range []string{"/", "/p/" + slug, "/p/" + slug + "/contribute", "/p/" + slug + "/contributions/" + list[0].ID} {
		r := e.do(t, "GET", u+"?lang="+lang, "", "")
		if r.status != 200 {
			t.Fatalf("%s: %d", u, r.status)
		}
		out[u] = r.body
	}
	return out
}

var easyCSS = regexp.MustCompile(`<link rel="stylesheet" href="(/static/[0-9a-f]+/css/easy\.css)">`)

func TestLeichteSpracheActionsAndCategoriesCarryPictograms(t *testing.T) {
	e := newEnv(t, nil)
	pages := easyPages(t, e, "de-x-ls")
	var cssURL string
	for u, body := range pages {
		m := easyCSS.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s in Leichte Sprache does not load the easy layout's pictograms", u)
		}
		cssURL = m[1]
	}
	hooks := map[string][]string{
		"/p/" + slug: {`class="nav-cta"`, `class="button picto-write"`, `id="view-map"`, `id="view-list"`, `class="about-link"`, `class="cat-dot"`},
	}
	for u, body := range pages {
		if strings.Contains(u, "/contributions/") {
			hooks[u] = []string{`class="picto-back"`, `class="vote up"`, `class="vote down"`, `class="cat-dot"`}
			if strings.Contains(body, `id="comment-form"`) {
				hooks[u] = append(hooks[u], `class="picto-comment"`, `class="picto-send"`)
			}
		}
	}
	for u, want := range hooks {
		for _, w := range want {
			if !strings.Contains(pages[u], w) {
				t.Errorf("%s lacks the pictogram hook %s", u, w)
			}
		}
	}
	css := e.do(t, "GET", cssURL, "", "")
	if css.status != 200 {
		t.Fatalf("%s: %d", cssURL, css.status)
	}
	for _, w := range []string{"--picto-write:", "--picto-comment:", "--picto-agree:", "--picto-disagree:", "--picto-map:",
		"--picto-list:", "--picto-search:", "--picto-language:", "--picto-info:", "--picto-contact:", "--picto-back:", "--picto-send:",
		".nav-cta", ".picto-back", "#submit-contribution", ".lang-menu > summary", `a[href="/kontakt"]`, ".cat-dot::after", "mask:"} {
		if !strings.Contains(css.body, w) {
			t.Errorf("easy.css lacks %s", w)
		}
	}
	// every rule of the sheet applies to the Leichte Sprache layout only
	for _, rule := range strings.Split(stripComments(css.body), "}") {
		if sel := strings.TrimSpace(rule); sel != "" && !strings.HasPrefix(sel, `html[data-locale="de-x-ls"]`) {
			t.Errorf("rule outside the easy layout: %.80s", sel)
		}
	}
	for u, body := range easyPages(t, e, "de") {
		if strings.Contains(body, "css/easy.css") {
			t.Errorf("%s in German loads the easy layout", u)
		}
	}
}

func stripComments(css string) string {
	return regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(css, "")
}

func TestLeichteSpracheShowsOneSentencePerLine(t *testing.T) {
	e := newEnv(t, nil)
	pages := easyPages(t, e, "de-x-ls")
	for u, want := range map[string]string{
		"/":                          `Hier geht es um Pläne für Ihre Stadt.<br class="ls-br">Sie können Ihre Meinung sagen.`,
		"/p/" + slug + "/contribute": `Sie können einen Beitrag schreiben.<br class="ls-br">Das geht in 4 Schritten.<br class="ls-br">Ein Ort auf der Karte ist freiwillig.`,
	} {
		if !strings.Contains(pages[u], want) {
			t.Errorf("%s lacks the sentence lines %q", u, want)
		}
	}
	for u, body := range pages {
		if strings.Contains(body, "\u2028") {
			t.Errorf("%s keeps a sentence mark", u)
		}
		// a line break only where an element may stand: never inside a tag
		// (an attribute) nor in the title
		for i := strings.Index(body, `<br class="ls-br">`); i >= 0; {
			before := body[:i]
			if strings.LastIndex(before, "<") > strings.LastIndex(before, ">") {
				t.Errorf("%s: a line break inside a tag: %q", u, body[max(0, i-80):i])
			}
			if strings.LastIndex(before, "<title>") > strings.LastIndex(before, "</title>") {
				t.Errorf("%s: a line break in the title", u)
			}
			n := strings.Index(body[i+1:], `<br class="ls-br">`)
			if n < 0 {
				break
			}
			i += 1 + n
		}
	}
	// Leichte Sprache content from Markdown: one sentence per line too
	r := e.do(t, "GET", "/p/"+slug+"/pages/der-plan?lang=de-x-ls", "", "")
	for _, w := range []string{"Bäume machen Schatten.<br>", "Ein Planungsbüro hat 3 Ideen gezeichnet.<br>", "Variante A: Grüne Allee</strong><br>"} {
		if !strings.Contains(r.body, w) {
			t.Errorf("the easy page lacks %q", w)
		}
	}
	// standard German: no sentence lines, in the interface or the page
	for u, body := range easyPages(t, e, "de") {
		if strings.Contains(body, "ls-br") {
			t.Errorf("%s in German breaks sentences", u)
		}
	}
	if r := e.do(t, "GET", "/p/"+slug+"/pages/der-plan?lang=de-x-ls&easy=0", "", ""); strings.Contains(r.body, "Ideen gezeichnet.<br>") ||
		strings.Contains(r.body, "\u2028") {
		t.Error("the standard text breaks sentences")
	}
	// plain text (an API error) keeps the sentences as written
	if r := e.do(t, "GET", "/api/v1/procedures/nicht-da?lang=de-x-ls", "", ""); strings.Contains(r.body, "\u2028") || strings.Contains(r.body, `\u2028`) {
		t.Errorf("an API answer carries a sentence mark: %s", r.body)
	}
}
