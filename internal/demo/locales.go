package demo

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf8"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
)

// The folder format writes a text in another language than German beside
// the German one with the locale's tag as a suffix, the way English began:
// "title_en", "summary_md_tr", "intro_md_ar" in procedure.json, a page's
// "title_uk" and its file "pages/x.uk.md". Every interface language but
// German (content.Locales) is read; Leichte Sprache's introduction is
// "intro_md_easy" and its pages are "x.easy.md".

// otherLocales are the interface languages a folder may hold texts in
// besides German.
func otherLocales() []string {
	var out []string
	for _, l := range content.Locales {
		if l.Tag != content.DefaultLocale {
			out = append(out, l.Tag)
		}
	}
	return out
}

// suffixed reads the string fields of one JSON object by name.
func suffixed(raw json.RawMessage) (map[string]string, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range all {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		}
	}
	return out, nil
}

// checkText applies the editor's rules for a translated line or Markdown
// text (valid UTF-8, length, a title on one line).
func checkText(field, s string, line bool, max int) error {
	switch {
	case !utf8.ValidString(s):
		return fmt.Errorf("demo: %s is not valid UTF-8", field)
	case utf8.RuneCountInString(s) > max:
		return fmt.Errorf("demo: %s is longer than %d characters", field, max)
	case line && strings.ContainsAny(s, "\n\r\x00"):
		return fmt.Errorf("demo: %s must be one line", field)
	}
	return nil
}

// procedureTranslations reads title_<tag>, summary_md_<tag> and
// intro_md_<tag> of procedure.json for every other locale.
func procedureTranslations(raw json.RawMessage) (map[string]model.ProcedureText, error) {
	fields, err := suffixed(raw)
	if err != nil {
		return nil, fmt.Errorf("demo: procedure.json: %w", err)
	}
	out := map[string]model.ProcedureText{}
	for _, tag := range otherLocales() {
		t := model.ProcedureText{Title: model.Normalize(fields["title_"+tag]), SummaryMD: model.Normalize(fields["summary_md_"+tag]),
			IntroMD: model.Normalize(fields["intro_md_"+tag])}
		if tag == "de-x-ls" {
			t.IntroMD = "" // Leichte Sprache's introduction is intro_md_easy
		}
		if err := checkText("title_"+tag, t.Title, true, model.TitleMax); err != nil {
			return nil, err
		}
		if err := checkText("summary_md_"+tag, t.SummaryMD, false, 5000); err != nil {
			return nil, err
		}
		if err := checkText("intro_md_"+tag, t.IntroMD, false, model.PageBodyMax); err != nil {
			return nil, err
		}
		if t != (model.ProcedureText{}) {
			out[tag] = t
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// translatedPages reads the other locales' versions of the German page pg
// (file base+".<tag>.md", title "title_<tag>" in the page's entry, the
// German title where none is given).
func translatedPages(fsys fs.FS, entry json.RawMessage, pg model.Page, base string) ([]model.Page, error) {
	fields, err := suffixed(entry)
	if err != nil {
		return nil, fmt.Errorf("demo: page %s: %w", pg.Slug, err)
	}
	var out []model.Page
	for _, tag := range otherLocales() {
		body, err := fs.ReadFile(fsys, base+"."+tag+".md")
		if err != nil {
			continue
		}
		title := model.Normalize(fields["title_"+tag])
		if title == "" {
			title = pg.Title
		}
		if err := checkText("page "+pg.Slug+" title_"+tag, title, true, model.TitleMax); err != nil {
			return nil, err
		}
		if err := checkText(base+"."+tag+".md", string(body), false, model.PageBodyMax); err != nil {
			return nil, err
		}
		out = append(out, model.Page{Slug: pg.Slug, Locale: tag, Title: title, BodyMD: string(body), Position: pg.Position})
	}
	return out, nil
}

// partTexts reads "<field>_<tag>" of a phase's, an appointment's or a plan
// variant's entry for every other locale (title_tr, body_md_ar, …).
func partTexts(entry json.RawMessage, what string, fields ...string) (model.Texts, error) {
	got, err := suffixed(entry)
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", what, err)
	}
	var out model.Texts
	for _, f := range fields {
		for _, tag := range otherLocales() {
			v := model.Normalize(got[f+"_"+tag])
			line, max := f == "title" || f == "image_alt", model.TitleMax
			if f == "image_alt" {
				max = 500
			} else if !line {
				max = model.PageBodyMax
			}
			if err := checkText(what+" "+f+"_"+tag, v, line, max); err != nil {
				return nil, err
			}
			if v != "" {
				out = out.With(f, tag, v)
			}
		}
	}
	return out, nil
}

// partEntries are the raw entries of procedure.json's lists whose texts
// come in several locales.
type partEntries struct {
	Phases       []json.RawMessage `json:"phases"`
	Pages        []json.RawMessage `json:"pages"`
	Appointments []json.RawMessage `json:"appointments"`
	Conceptions  []json.RawMessage `json:"conceptions"`
}
