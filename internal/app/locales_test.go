package app_test

import (
	"strings"
	"testing"
)

// Six interface languages (issue 17): each page names its language and
// direction, says so in Content-Language, links the others as alternates,
// and text that exists only in German is marked lang="de" with a notice in
// the reader's language (WCAG 3.1.2).
func TestSixLanguagesWithDirectionAndHonestFallback(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct{ lang, html, nav, fallback string }{
		{"de", `<html lang="de" dir="ltr" data-locale="de">`, "Verfahren", ""},
		{"en", `<html lang="en" dir="ltr" data-locale="en">`, "Procedure", ""},
		{"de-x-ls", `<html lang="de" dir="ltr" data-locale="de-x-ls">`, "Worum geht es?", ""},
		{"tr", `<html lang="tr" dir="ltr" data-locale="tr">`, "Süreç", "Bu metin yalnızca Almanca olarak mevcuttur."},
		{"ar", `<html lang="ar" dir="rtl" data-locale="ar">`, "الإجراء", "هذا النص متوفر بالألمانية فقط."},
		{"uk", `<html lang="uk" dir="ltr" data-locale="uk">`, "Процедура", "Цей текст доступний лише німецькою мовою."},
	}
	for _, c := range cases {
		r := e.do(t, "GET", "/p/gruenzug-altona?lang="+c.lang, "", "")
		if r.status != 200 {
			t.Fatalf("procedure page in %s: %d", c.lang, r.status)
		}
		if !strings.Contains(r.body, c.html) {
			t.Errorf("procedure page in %s lacks %s", c.lang, c.html)
		}
		if got := r.header.Get("Content-Language"); got != c.lang {
			t.Errorf("procedure page in %s: Content-Language %q", c.lang, got)
		}
		if c.nav != "" && !strings.Contains(r.body, c.nav) {
			t.Errorf("procedure page in %s lacks %q", c.lang, c.nav)
		}
		for _, other := range []string{"de", "en", "de-x-ls", "tr", "ar", "uk"} {
			alt := `<link rel="alternate" hreflang="` + other + `" href="?lang=` + other + `">`
			if has := strings.Contains(r.body, alt); has == (other == c.lang) {
				t.Errorf("procedure page in %s: alternate for %s present=%v", c.lang, other, has)
			}
		}
		// The Impressum exists in German (and English) only.
		r = e.do(t, "GET", "/impressum?lang="+c.lang, "", "")
		if r.status != 200 {
			t.Fatalf("impressum in %s: %d", c.lang, r.status)
		}
		marked := strings.Contains(r.body, `<div lang="de">`)
		if c.fallback != "" {
			if !marked || !strings.Contains(r.body, c.fallback) {
				t.Errorf("impressum in %s: German text not marked (lang=de %v) or notice missing", c.lang, marked)
			}
		} else if marked {
			t.Errorf("impressum in %s: marked as a fallback although it is in the reader's language", c.lang)
		}
	}
	// The procedure's own texts exist in German and English only: in
	// Turkish, Arabic and Ukrainian its title and summary are the German
	// ones, marked lang="de", with the notice; in English they are not.
	for _, c := range []struct {
		lang   string
		marked bool
	}{{"en", false}, {"de", false}, {"de-x-ls", false}, {"tr", true}, {"ar", true}, {"uk", true}} {
		page := e.do(t, "GET", "/p/gruenzug-altona?lang="+c.lang, "", "").body
		h1 := strings.Contains(page, `<h1 lang="de">`)
		notice := strings.Contains(page, "fallback-notice")
		if h1 != c.marked || notice != c.marked {
			t.Errorf("procedure page in %s: title marked German %v, notice %v; want %v", c.lang, h1, notice, c.marked)
		}
		// category labels of the demo exist in German and English
		if got := strings.Contains(page, `<span lang="de">Grün`); got != c.marked {
			t.Errorf("procedure page in %s: the legend's German category label marked %v; want %v", c.lang, got, c.marked)
		}
		home := e.do(t, "GET", "/?lang="+c.lang, "", "").body
		if got := strings.Contains(home, `href="/p/gruenzug-altona" lang="de"`); got != c.marked {
			t.Errorf("home in %s: the procedure's title marked German %v; want %v", c.lang, got, c.marked)
		}
	}
	// A second request is answered from the page cache: the header stays.
	r := e.do(t, "GET", "/p/gruenzug-altona?lang=ar", "", "")
	if got := r.header.Get("Content-Language"); got != "ar" {
		t.Errorf("cached procedure page: Content-Language %q", got)
	}
}
