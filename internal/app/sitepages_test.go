package app_test

import (
	"strings"
	"testing"
)

// The site pages a public body must have (DESIGN's URL table): each answers
// in every locale with its own heading, and every page's footer links them.
func TestSitePagesAnswerInEveryLocale(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct{ path, lang, want string }{
		{"/impressum", "de", "<h1>Impressum</h1>"},
		{"/impressum", "en", "<h1>Legal notice</h1>"},
		{"/impressum", "de-x-ls", "<h1>Wer macht diese Seite?</h1>"},
		{"/datenschutz", "de", "<h1>Datenschutz</h1>"},
		{"/datenschutz", "en", "<h1>Privacy</h1>"},
		{"/datenschutz", "de-x-ls", "<h1>Was passiert mit Ihren Daten?</h1>"},
		{"/barrierefreiheit", "de", "<h1>Erklärung zur Barrierefreiheit</h1>"},
		{"/barrierefreiheit", "en", "<h1>Accessibility statement</h1>"},
		{"/barrierefreiheit", "de-x-ls", "<h1>Ist diese Seite gut für alle?</h1>"},
		{"/kontakt", "de", "<h1>Kontakt</h1>"},
		{"/kontakt", "en", "<h1>Contact</h1>"},
		{"/kontakt", "de-x-ls", "<h1>So erreichen Sie uns</h1>"},
	}
	for _, c := range cases {
		r := e.do(t, "GET", c.path+"?lang="+c.lang, "", "")
		if r.status != 200 {
			t.Errorf("GET %s?lang=%s = %d, want 200", c.path, c.lang, r.status)
			continue
		}
		if !strings.Contains(r.body, c.want) {
			t.Errorf("GET %s?lang=%s lacks %q", c.path, c.lang, c.want)
		}
		if strings.Count(r.body, "<h1") != 1 {
			t.Errorf("GET %s?lang=%s has %d h1, want 1", c.path, c.lang, strings.Count(r.body, "<h1"))
		}
	}
	// The accessibility statement follows BITV 2.0 §7: it names the
	// Schlichtungsstelle BGG and a feedback contact.
	r := e.do(t, "GET", "/barrierefreiheit?lang=de", "", "")
	for _, want := range []string{"Schlichtungsstelle", "Feedback", "Stand"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/barrierefreiheit lacks %q", want)
		}
	}
	// The operator texts are examples to replace, and say so.
	r = e.do(t, "GET", "/impressum?lang=de", "", "")
	if !strings.Contains(r.body, "Beispiel") {
		t.Errorf("/impressum does not mark its text as an example")
	}
}

func TestFooterLinksSitePages(t *testing.T) {
	e := newEnv(t, nil)
	for _, p := range []string{"/", "/p/" + slug, "/p/" + slug + "?lang=en", "/impressum"} {
		r := e.do(t, "GET", p, "", "")
		if r.status != 200 {
			t.Fatalf("GET %s = %d", p, r.status)
		}
		i := strings.Index(r.body, "<footer")
		if i < 0 {
			t.Fatalf("GET %s has no footer", p)
		}
		footer := r.body[i:]
		for _, href := range []string{`href="/impressum"`, `href="/datenschutz"`, `href="/barrierefreiheit"`, `href="/kontakt"`} {
			if !strings.Contains(footer, href) {
				t.Errorf("footer of %s lacks %s", p, href)
			}
		}
	}
}

func TestUnknownSitePageIsNotFound(t *testing.T) {
	e := newEnv(t, nil)
	for _, p := range []string{"/agb", "/impressum.en", "/impressum/x"} {
		if r := e.do(t, "GET", p, "", ""); r.status != 404 {
			t.Errorf("GET %s = %d, want 404", p, r.status)
		}
	}
}
