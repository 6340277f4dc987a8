package content_test

import (
	"io/fs"

	"golang.org/x/net/html"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/locales"
)

func ids(t *testing.T, file string) []string {
	b, err := fs.ReadFile(locales.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	out, err := content.MessageIDs(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEnglishHasExactlyTheGermanKeysAndEasyGermanASubset(t *testing.T) {
	de := ids(t, "de.toml")
	en := ids(t, "en.toml")
	if strings.Join(de, ",") != strings.Join(en, ",") {
		t.Fatalf("en.toml keys differ from de.toml:\nde %v\nen %v", de, en)
	}
	src := map[string]bool{}
	for _, k := range de {
		src[k] = true
	}
	for _, k := range ids(t, "de-x-ls.toml") {
		if !src[k] {
			t.Errorf("de-x-ls.toml has %q, which German lacks", k)
		}
	}
}

func TestLocaleChoiceAndFallback(t *testing.T) {
	l, err := content.LoadI18n(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Negotiate("", "en-GB,en;q=0.9"); got != "en" {
		t.Errorf("accept-language en = %s", got)
	}
	if got := l.Negotiate("de-x-ls", "en"); got != "de-x-ls" {
		t.Errorf("explicit easy German = %s", got)
	}
	if got := l.Negotiate("xx", "fr"); got != "de" {
		t.Errorf("fallback = %s", got)
	}
	ls := l.Localizer("de-x-ls")
	if got := ls.T("rating.up"); got != "Ich bin dafür" {
		t.Errorf("easy message = %q", got)
	}
	if got := ls.T("admin.title"); got != "Verwaltung" { // the back office is not in Leichte Sprache
		t.Errorf("easy falls back to German: %q", got)
	}
	if got := l.Localizer("en").T("procedure.count", "Count", 3); got != "3 contributions" {
		t.Errorf("template data: %q", got)
	}
	if ls.Lang() != "de" {
		t.Errorf("easy German html lang = %s", ls.Lang())
	}
}

func TestMarkdownIsSanitisedWithGermanTypography(t *testing.T) {
	md := content.NewMarkdown()
	cases := []struct{ in, want, not string }{
		{"<script>alert(1)</script>", "", "<script"},
		{"[x](javascript:alert(1))", "", "javascript:"},
		{"[x](javascript&colon;alert(1))", "", "javascript"},
		{"<img src=x onerror=alert(1)>", "", "onerror"},
		{`Ein "Zitat"`, "„Zitat“", ""},
		{"## Öffnungszeiten", `id="oeffnungszeiten"`, ""},
		{"[Link](https://example.org)", `rel="nofollow"`, ""},
	}
	for _, c := range cases {
		got := string(md.Render(c.in))
		if c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%q → %q lacks %q", c.in, got, c.want)
		}
		if c.not != "" && strings.Contains(got, c.not) {
			t.Errorf("%q → %q contains %q", c.in, got, c.not)
		}
	}
}

func FuzzMarkdownNeverLetsScriptThrough(f *testing.F) {
	for _, s := range []string{"# Titel", "<script>alert(1)</script>", "[x](javascript:alert(1))", "[x](javascript&colon;alert(1))",
		"<img src=x onerror=alert(1)>", "![a](data:text/html;base64,PHNjcmlwdD4=)", "<a href=\"vbscript:x\">x</a>", "``<script>``", "> <iframe src=x>",
		"[x](JaVaScRiPt:alert(1))", "<svg onload=alert(1)>", "[a](&#106;avascript:alert(1))"} {
		f.Add(s)
	}
	md := content.NewMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		out := string(md.Render(src))
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "style", "svg", "form", "input", "base", "meta", "link":
				t.Fatalf("%q rendered to %q: <%s>", src, out, tok.Data)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" ||
					((a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:"))) {
					t.Fatalf("%q rendered to %q: attribute %s=%q", src, out, a.Key, a.Val)
				}
			}
		}
	})
}

func TestCountsUseTheSingularForOneAndThePluralForMore(t *testing.T) {
	l, err := content.LoadI18n(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		tag, id  string
		n        int
		want     string
		wantMore string
	}{
		{"de", "card.comments", 1, "1 Kommentar", "2 Kommentare"},
		{"en", "card.comments", 1, "1 comment", "2 comments"},
		{"de", "procedure.count", 1, "1 Beitrag", "2 Beiträge"},
		{"en", "procedure.count", 1, "1 contribution", "2 contributions"},
		{"de", "card.up", 1, "1 Zustimmung", "2 Zustimmungen"},
		{"de-x-ls", "card.comments", 1, "1 Kommentar", "2 Kommentare"},
		{"en", "card.up", 1, "1 agree", "2 agree"}, // the same text for every count
	}
	for _, c := range cases {
		z := l.Localizer(c.tag)
		if got := z.TN(c.id, c.n); got != c.want {
			t.Errorf("%s %s n=1: %q, want %q", c.tag, c.id, got, c.want)
		}
		if got := z.TN(c.id, int64(2)); got != c.wantMore {
			t.Errorf("%s %s n=2: %q, want %q", c.tag, c.id, got, c.wantMore)
		}
	}
	if got := l.Localizer("de").TN("card.comments", 0); got != "0 Kommentare" {
		t.Errorf("n=0: %q", got)
	}
	one, other := l.Localizer("de").Forms("card.comments")
	if one != "<no value> Kommentar" || other != "<no value> Kommentare" {
		t.Errorf("forms for scripts: %q, %q", one, other)
	}
	if one, other := l.Localizer("de").Forms("nav.statistics"); one != other {
		t.Errorf("a message without plural forms: %q, %q", one, other)
	}
}

// Every message that shows a count has a singular and a plural form where
// the language tells them apart.
func TestEveryCountMessageHasPluralForms(t *testing.T) {
	l, err := content.LoadI18n(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"card.comments", "procedure.count", "admin.found", "admin.analysis_lead", "admin.report_total",
		"js.cluster", "js.status_line", "js.status_polygon", "js.vertex_removed"} {
		for _, tag := range []string{"de", "en"} {
			if one, other := l.Localizer(tag).Forms(id); one == other {
				t.Errorf("%s %s: one form for every count: %q", tag, id, one)
			}
		}
	}
}
