package content_test

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/locales"
)

// messages reads a message file as id → text, or id → plural form → text.
func messages(t *testing.T, file string) map[string]any {
	t.Helper()
	b, err := fs.ReadFile(locales.FS, file)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := toml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// names are the template fields a text uses, without Count (a plural form
// may say the number in words: "تعليقان", two comments).
func names(s string) string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if m[1] != "Count" {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestEveryLocaleHasEveryMessageInItsPluralForms: the complete interface
// languages (all but Leichte Sprache, which falls back to German where its
// text would not differ) have every German message; a message with plural
// forms has each form its language needs (Arabic six, Ukrainian four); the
// template fields are the German ones; script messages keep their "{}".
func TestEveryLocaleHasEveryMessageInItsPluralForms(t *testing.T) {
	de := messages(t, "de.toml")
	for _, loc := range content.Locales {
		if loc.Tag == "de" || loc.Tag == "de-x-ls" {
			continue
		}
		m := messages(t, loc.File)
		need := content.PluralCategories(loc.Lang)
		for id, src := range de {
			got, ok := m[id]
			if !ok {
				t.Errorf("%s: %q is missing", loc.File, id)
				continue
			}
			srcText := ""
			switch s := src.(type) {
			case string:
				srcText = s
			case map[string]any:
				srcText, _ = s["other"].(string)
			}
			var texts []string
			switch g := got.(type) {
			case string: // the same text for every count ("{{.Count}} agree")
				texts = []string{g}
			case map[string]any:
				for _, cat := range need {
					s, ok := g[cat].(string)
					if !ok || s == "" {
						t.Errorf("%s: %q lacks the plural form %q", loc.File, id, cat)
						continue
					}
					texts = append(texts, s)
				}
				if s, ok := g["other"].(string); !ok || s == "" {
					t.Errorf("%s: %q lacks the plural form \"other\"", loc.File, id)
				}
			}
			for _, s := range texts {
				if names(s) != names(srcText) {
					t.Errorf("%s: %q uses fields {%s}, German {%s}: %q", loc.File, id, names(s), names(srcText), s)
				}
				if strings.Count(s, "{}") != strings.Count(srcText, "{}") {
					t.Errorf("%s: %q has %d \"{}\", German %d: %q", loc.File, id, strings.Count(s, "{}"), strings.Count(srcText, "{}"), s)
				}
			}
		}
		for id := range m {
			if _, ok := de[id]; !ok {
				t.Errorf("%s has %q, which German lacks", loc.File, id)
			}
		}
	}
}

// TestPluralFormsFollowTheLanguage: go-i18n applies each language's own
// plural rules, and scripts get every form.
func TestPluralFormsFollowTheLanguage(t *testing.T) {
	l, err := content.LoadI18n(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		tag  string
		n    int
		want string
	}{
		{"ar", 0, "لا مساهمات"}, {"ar", 1, "مساهمة واحدة"}, {"ar", 2, "مساهمتان"},
		{"ar", 3, "3 مساهمات"}, {"ar", 11, "11 مساهمةً"}, {"ar", 100, "100 مساهمة"},
		{"uk", 1, "1 внесок"}, {"uk", 3, "3 внески"}, {"uk", 5, "5 внесків"}, {"uk", 21, "21 внесок"},
		{"tr", 7, "7 katkı"}, {"de", 1, "1 Beitrag"}, {"de", 2, "2 Beiträge"},
	}
	for _, c := range cases {
		if got := l.Localizer(c.tag).TN("procedure.count", c.n); got != c.want {
			t.Errorf("%s, %d: %q, want %q", c.tag, c.n, got, c.want)
		}
	}
	forms := l.Localizer("uk").PluralForms("js.cluster")
	if forms["one"] != "{} внесок" || forms["few"] != "{} внески" || forms["many"] != "{} внесків" {
		t.Errorf("Ukrainian script forms: %v", forms)
	}
	day := time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC)
	for tag, want := range map[string]string{"de": "1. Dezember 2026, 14:30 Uhr", "en": "1 December 2026, 14:30",
		"tr": "1 Aralık 2026, 14:30", "uk": "1 грудня 2026 р., 14:30", "ar": "1 ديسمبر 2026، الساعة 14:30", "de-x-ls": "1. Dezember 2026, 14:30 Uhr"} {
		if got := l.Localizer(tag).DateTime(day); got != want {
			t.Errorf("%s date: %q, want %q", tag, got, want)
		}
	}
	if got := l.Localizer("ar").Dir(); got != "rtl" {
		t.Errorf("Arabic dir %q", got)
	}
	if got := l.Localizer("de-x-ls").Lang(); got != "de" {
		t.Errorf("Leichte Sprache lang %q", got)
	}
	if got := l.Negotiate("", "uk-UA,uk;q=0.9,en;q=0.5"); got != "uk" {
		t.Errorf("Accept-Language uk-UA chose %q", got)
	}
}

// staffOnly are the prefixes of messages that only the back office, the
// exports and API clients see; residents meet every other message, and
// Leichte Sprache has each of those in its own words.
var staffOnly = []string{"number.", "lifecycle.", "team.", "visits.", "admin.", "export.", "ogc.", "modbulk.", "modmerge.", "error.json", "date.",
	"validation.bad_", "validation.unknown_", "validation.status_not", "error.export", "error.merge",
	"error.no_change", "error.not_moderatable", "error.report", "error.comment_not", "validation.comment_status",
	"validation.bbox", "error.feature_required", "error.method", "error.invalid_flag", "error.origin_forbidden",
	"error.table_", "validation.geometry_type", "validation.not_a_number", "validation.out_of_range",
	"retention.setting", "feedback.admin_", "planning.set", "planning.notice_set", "validation.planning_status_key",
	"validation.unknown_planning_status", "author.", "mail.admin.", "validation.author_", "mail.digest.", "mail.reset.", "mail.unavailable"}

func TestLeichteSpracheCoversThePublicInterface(t *testing.T) {
	de := messages(t, "de.toml")
	ls := messages(t, "de-x-ls.toml")
	for id := range de {
		staff := false
		for _, p := range staffOnly {
			staff = staff || strings.HasPrefix(id, p)
		}
		if _, ok := ls[id]; !ok && !staff {
			t.Errorf("de-x-ls.toml lacks %q, which residents see", id)
		}
	}
}
