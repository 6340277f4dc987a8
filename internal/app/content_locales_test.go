package app_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mitreden/mitreden/internal/demo"
)

// TestTextsWrittenInTurkishArabicUkrainianShowInThatLocale writes a
// procedure's texts, a category label and a page in tr, ar and uk in the
// back office and reads each on the public pages in its locale, without
// the German fallback's lang="de" and with the editor marking the field's
// language and direction.
func TestTextsWrittenInTurkishArabicUkrainianShowInThatLocale(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	const s = "sechs-sprachen"
	a.create(t, s, "Uferpark")
	texts := map[string][2]string{
		"tr": {"Kıyı parkı", "Kıyıda bir park."},
		"ar": {"حديقة الضفة", "حديقة على الضفة."},
		"uk": {"Парк на березі", "Парк на березі річки."},
	}
	for loc, tx := range texts {
		if r := a.post(t, "/admin/p/"+s+"/edit?locale="+loc, url.Values{"title": {tx[0]}, "summary": {tx[1]}}); r.status != 303 {
			t.Fatalf("save %s: %d %.600s", loc, r.status, r.body)
		}
	}
	form := url.Values{"rows": {"1"}, "category-1-key": {"gruen"}, "category-1-label-de": {"Grün"}, "category-1-label-tr": {"Yeşil"},
		"category-1-label-ar": {"أخضر"}, "category-1-label-uk": {"Зелень"}, "category-1-colour": {"#2e7d32"}}
	if r := a.post(t, "/admin/p/"+s+"/categories", form); r.status != 303 {
		t.Fatalf("categories: %d %.600s", r.status, r.body)
	}
	if r := a.post(t, "/admin/p/"+s+"/pages", url.Values{"page_slug": {"plan"}, "page_title": {"Der Plan"}}); r.status != 303 {
		t.Fatalf("page: %d %.600s", r.status, r.body)
	}
	if r := a.post(t, "/admin/p/"+s+"/pages/plan?locale=ar", url.Values{"title": {"الخطة"}, "body": {"نص الخطة."}}); r.status != 303 {
		t.Fatalf("page ar: %d %.600s", r.status, r.body)
	}
	a.publish(t, s)

	// The editor offers all six locales and marks the Arabic fields.
	ed := a.get(t, "/admin/p/"+s+"/edit?locale=ar")
	if ed.status != 200 {
		t.Fatalf("editor ar: %d", ed.status)
	}
	for _, loc := range []string{"de", "en", "de-x-ls", "tr", "ar", "uk"} {
		if !strings.Contains(ed.body, "/edit?locale="+loc+`"`) {
			t.Errorf("editor has no link to locale %s", loc)
		}
	}
	if !regexp.MustCompile(`<input id="title"[^>]*value="حديقة الضفة"[^>]*lang="ar" dir="rtl"`).MatchString(ed.body) {
		t.Errorf("the Arabic title field is not marked lang=ar dir=rtl")
	}
	cats := a.get(t, "/admin/p/"+s+"/categories")
	if !regexp.MustCompile(`id="category-1-label-ar"[^>]*value="أخضر"[^>]*lang="ar" dir="rtl"`).MatchString(cats.body) {
		t.Errorf("the Arabic label field is missing or unmarked")
	}
	pe := a.get(t, "/admin/p/"+s+"/pages/plan?locale=ar")
	if !regexp.MustCompile(`<textarea id="page-body"[^>]*lang="ar" dir="rtl"`).MatchString(pe.body) || strings.Contains(pe.body, `id="page-easy"`) {
		t.Errorf("the Arabic page editor is not marked or offers an easy variant")
	}

	for loc, tx := range texts {
		r := e.do(t, "GET", "/p/"+s+"?lang="+loc, "", "")
		if r.status != 200 {
			t.Fatalf("public %s: %d", loc, r.status)
		}
		if !strings.Contains(r.body, "<h1>"+tx[0]+"</h1>") {
			t.Errorf("%s: the title is not shown as written (no lang=de either): %.300s", loc, between(r.body, "<h1", "</h1>"))
		}
		if !strings.Contains(r.body, tx[1]) || strings.Contains(r.body, "fallback-notice") {
			t.Errorf("%s: summary missing or marked as fallback", loc)
		}
		label := map[string]string{"tr": "Yeşil", "ar": "أخضر", "uk": "Зелень"}[loc]
		if !strings.Contains(r.body, "<span>"+label+"</span>") {
			t.Errorf("%s: category label %q not shown in the legend without lang", loc, label)
		}
	}
	pg := e.do(t, "GET", "/p/"+s+"/pages/plan?lang=ar", "", "")
	if !strings.Contains(pg.body, "<h1>الخطة</h1>") || !strings.Contains(pg.body, "نص الخطة") || strings.Contains(pg.body, "fallback-notice") {
		t.Errorf("the Arabic page is not shown as Arabic: %.500s", between(pg.body, "<main", "</main>"))
	}
	if !strings.Contains(pg.body, `<html lang="ar" dir="rtl"`) {
		t.Errorf("the Arabic page is not an rtl document")
	}
}

// TestFolderReadsTurkishArabicUkrainianTexts reads a folder in the format
// of data/demo with title_tr, summary_md_ar, intro_md_uk and pages
// x.tr.md, x.ar.md, and shows them in those locales.
func TestFolderReadsTurkishArabicUkrainianTexts(t *testing.T) {
	e := newEnv(t, nil)
	folder := fstest.MapFS{
		"procedure.json": {Data: []byte(`{
  "slug": "ordner-sprachen", "title": "Uferpark", "summary_md": "Ein Park.", "intro_md": "Wir planen.",
  "title_tr": "Kıyı parkı", "summary_md_tr": "Bir park.", "intro_md_tr": "Planlıyoruz.",
  "title_ar": "حديقة الضفة", "summary_md_ar": "حديقة.",
  "title_uk": "Парк на березі", "intro_md_uk": "Ми плануємо.",
  "phases": [{"kind": "participation", "title": "Mitmachen", "starts_days": -1, "ends_days": 20}],
  "categories": [{"key": "gruen", "label": {"de": "Grün", "tr": "Yeşil", "ar": "أخضر"}, "colour": "#2E7D32", "icon": "tree"}],
  "map": {"center": [9.94, 53.555], "zoom": 15},
  "pages": [{"slug": "der-plan", "title": "Der Plan", "title_tr": "Plan", "title_ar": "الخطة", "file": "pages/der-plan.md", "position": 1}]
}`)},
		"pages/der-plan.md":    {Data: []byte("Der Park wird groß.")},
		"pages/der-plan.tr.md": {Data: []byte("Park büyük olacak.")},
		"pages/der-plan.ar.md": {Data: []byte("ستكون الحديقة كبيرة.")},
	}
	seed, err := demo.ReadProcedure(folder, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateProcedure(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ loc, title, text string }{
		{"tr", "Kıyı parkı", "Planlıyoruz."},
		{"ar", "حديقة الضفة", "حديقة."},
		{"uk", "Парк на березі", "Ми плануємо."},
	}
	for _, c := range cases {
		r := e.do(t, "GET", "/p/ordner-sprachen?lang="+c.loc, "", "")
		if !strings.Contains(r.body, "<h1>"+c.title+"</h1>") || !strings.Contains(r.body, c.text) {
			t.Errorf("%s: folder texts not shown: %.300s", c.loc, between(r.body, "<h1", "</h1>"))
		}
	}
	for loc, want := range map[string][2]string{"tr": {"Plan", "Park büyük olacak."}, "ar": {"الخطة", "ستكون الحديقة كبيرة."}} {
		r := e.do(t, "GET", "/p/ordner-sprachen/pages/der-plan?lang="+loc, "", "")
		if !strings.Contains(r.body, "<h1>"+want[0]+"</h1>") || !strings.Contains(r.body, want[1]) || strings.Contains(r.body, "fallback-notice") {
			t.Errorf("%s: page from x.%s.md not shown in its language: %.400s", loc, loc, between(r.body, "<main", "</main>"))
		}
	}
	// A page without a Ukrainian file falls back to German, marked.
	r := e.do(t, "GET", "/p/ordner-sprachen/pages/der-plan?lang=uk", "", "")
	if !strings.Contains(r.body, `<div lang="de">`) || !strings.Contains(r.body, "fallback-notice") {
		t.Errorf("uk: the German page is not marked as fallback")
	}
	// A translated title must stay on one line, as in the editor.
	bad := fstest.MapFS{"procedure.json": {Data: []byte(`{"slug": "x", "title": "X", "title_ar": "سطر\nسطر"}`)}}
	if _, err := demo.ReadProcedure(bad, time.Now()); err == nil || !strings.Contains(err.Error(), "title_ar") {
		t.Errorf("a two-line title_ar was accepted: %v", err)
	}
}

// between returns the part of s from the first from to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j+len(to)]
}
