package content

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Locale describes one interface language.
type Locale struct {
	Tag  string // "de", "en", "de-x-ls", "tr", "ar", "uk"
	Name string // its own name, for the language switch
	File string // message file in the locales directory
	Lang string // the HTML lang value: "de" for Leichte Sprache
	Dir  string // the writing direction: "ltr" or "rtl"
}

// Locales are the interface languages, German first (the source).
var Locales = []Locale{
	{Tag: "de", Name: "Deutsch", File: "de.toml", Lang: "de", Dir: "ltr"},
	{Tag: "en", Name: "English", File: "en.toml", Lang: "en", Dir: "ltr"},
	{Tag: "de-x-ls", Name: "Leichte Sprache", File: "de-x-ls.toml", Lang: "de", Dir: "ltr"},
	{Tag: "tr", Name: "Türkçe", File: "tr.toml", Lang: "tr", Dir: "ltr"},
	{Tag: "ar", Name: "العربية", File: "ar.toml", Lang: "ar", Dir: "rtl"},
	{Tag: "uk", Name: "Українська", File: "uk.toml", Lang: "uk", Dir: "ltr"},
}

// LocaleOf returns the interface language tag (German for an unknown one).
func LocaleOf(tag string) Locale {
	for _, l := range Locales {
		if l.Tag == tag {
			return l
		}
	}
	return Locales[0]
}

// germanFamily reports whether tag is German or a variety of it, whose
// messages go-i18n cannot keep apart from German's (see LoadI18n).
func germanFamily(tag string) bool { return tag == "de" || strings.HasPrefix(tag, "de-") }

// DefaultLocale is the source language.
const DefaultLocale = "de"

// I18n holds one go-i18n bundle per interface language, each layered
// German → the language itself, so a missing message falls back to German.
// go-i18n cannot tell "de" and "de-x-ls" apart, hence a bundle each; the
// locale is chosen explicitly. Other languages are parsed under their own
// tag, so that go-i18n applies their plural rules (Arabic has six forms,
// Ukrainian four).
type I18n struct {
	bundles map[string]*i18n.Bundle
	locales map[string]Locale
	ids     []string // message IDs of the source language, sorted
}

// LoadI18n reads the message files from fsys (the embedded locales).
func LoadI18n(fsys fs.FS) (*I18n, error) {
	out := &I18n{bundles: map[string]*i18n.Bundle{}, locales: map[string]Locale{}}
	for _, loc := range Locales {
		if _, err := fs.Stat(fsys, loc.File); err != nil {
			continue
		}
		b := i18n.NewBundle(language.German)
		b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
		layers := []string{"de.toml"}
		if loc.File != "de.toml" {
			layers = append(layers, loc.File)
		}
		for _, f := range layers {
			data, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, fmt.Errorf("content: unable to read %s: %w", f, err)
			}
			// go-i18n takes the language from the file name. German and its
			// varieties are all parsed as "de.toml": a later file's messages
			// replace an earlier one's, which gives the German fallback.
			// Other languages keep their own tag (their plural rules) and
			// fall back to German through the localiser's preferences.
			name := "de.toml"
			if f != "de.toml" && !germanFamily(loc.Tag) {
				name = loc.Tag + ".toml"
			}
			if err := addMessages(b, data, name, f == loc.File && Easy(loc.Tag)); err != nil {
				return nil, fmt.Errorf("content: unable to parse %s: %w", f, err)
			}
		}
		out.bundles[loc.Tag] = b
		out.locales[loc.Tag] = loc
	}
	if out.bundles[DefaultLocale] == nil {
		return nil, fmt.Errorf("content: no %s.toml message file", DefaultLocale)
	}
	if data, err := fs.ReadFile(fsys, "de.toml"); err == nil {
		out.ids, _ = MessageIDs(data)
	}
	return out, nil
}

// Easy reports whether tag is Leichte Sprache, whose pages use the easy
// layout (one sentence per line).
func Easy(tag string) bool { return tag == "de-x-ls" }

// addMessages parses a message file into b; with sentences, each message's
// sentences are marked (markSentences) for the easy layout.
func addMessages(b *i18n.Bundle, data []byte, name string, sentences bool) error {
	mf, err := i18n.ParseMessageFileBytes(data, name, map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		return err
	}
	if sentences {
		for _, m := range mf.Messages {
			for _, s := range []*string{&m.Zero, &m.One, &m.Two, &m.Few, &m.Many, &m.Other} {
				*s = markSentences(*s)
			}
		}
	}
	return b.AddMessages(mf.Tag, mf.Messages...)
}

// IDsWithPrefix returns the source language's message IDs that start with prefix.
func (l *I18n) IDsWithPrefix(prefix string) []string {
	var out []string
	for _, id := range l.ids {
		if strings.HasPrefix(id, prefix) {
			out = append(out, id)
		}
	}
	return out
}

// Has reports whether tag is a loaded interface language.
func (l *I18n) Has(tag string) bool { _, ok := l.bundles[tag]; return ok }

// Available lists the loaded interface languages in order.
func (l *I18n) Available() []Locale {
	var out []Locale
	for _, loc := range Locales {
		if l.Has(loc.Tag) {
			out = append(out, loc)
		}
	}
	return out
}

// Localizer translates message IDs for one request.
type Localizer struct {
	Tag    string
	Locale Locale
	loc    *i18n.Localizer
	// marks keeps SentenceMark between a Leichte Sprache message's
	// sentences (HTML pages); without it they are spaces (plain text).
	marks bool
}

// WithSentenceMarks returns a copy of z whose T and TN keep SentenceMark
// between sentences, for HTML pages that put each on its own line.
func (z *Localizer) WithSentenceMarks() *Localizer {
	c := *z
	c.marks = true
	return &c
}

func (z *Localizer) text(s string) string {
	if z.marks {
		return s
	}
	return plainSentences(s)
}

// Localizer returns the localiser for tag (German when unknown).
func (l *I18n) Localizer(tag string) *Localizer {
	b, ok := l.bundles[tag]
	if !ok {
		tag = DefaultLocale
		b = l.bundles[tag]
	}
	prefs := []string{"de"}
	if !germanFamily(tag) {
		prefs = []string{tag, "de"}
	}
	return &Localizer{Tag: tag, Locale: l.locales[tag], loc: i18n.NewLocalizer(b, prefs...)}
}

// T translates id with optional template data (key, value pairs). A missing
// message shows its id, so a gap is visible instead of an empty string.
func (z *Localizer) T(id string, kv ...any) string {
	return z.text(z.localize(id, nil, kv))
}

// TN translates id for the count n: the message's plural form for n (one:
// "1 Kommentar", other: "2 Kommentare"), with n as {{.Count}} unless kv
// names a Count itself. n is any integer type (templates pass int and
// int64 alike).
func (z *Localizer) TN(id string, n any, kv ...any) string {
	return z.text(z.localize(id, n, append([]any{"Count", n}, kv...)))
}

// PluralForms returns the message id unfilled in each plural category the
// language uses for whole numbers (CLDR: "one", "few", … and "other"), for
// scripts that choose by count. A message without plural forms gives the
// same text in each.
func (z *Localizer) PluralForms(id string) map[string]string {
	out := map[string]string{}
	for cat, n := range pluralSamples(z.Lang()) {
		out[cat] = plainSentences(z.localize(id, n, nil))
	}
	if _, ok := out["other"]; !ok {
		out["other"] = plainSentences(z.localize(id, 1000000, nil)) // uk: "other" only for fractions
	}
	return out
}

var pluralNames = map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two",
	plural.Few: "few", plural.Many: "many", plural.Other: "other"}

// pluralSamples returns, for each plural category the language lang uses
// for the whole numbers 0 to 199, the smallest number in it; worked out
// once per language.
func pluralSamples(lang string) map[string]int {
	if m, ok := samples.Load(lang); ok {
		return m.(map[string]int)
	}
	m := findPluralSamples(lang)
	samples.Store(lang, m)
	return m
}

var samples sync.Map // language → pluralSamples

func findPluralSamples(lang string) map[string]int {
	tag := language.Make(lang)
	out := map[string]int{}
	for n := 199; n >= 0; n-- {
		out[pluralNames[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)]] = n
	}
	return out
}

// PluralCategories returns the plural categories the language lang uses
// for whole numbers, for tests that check the message files.
func PluralCategories(lang string) []string {
	var out []string
	for cat := range pluralSamples(lang) {
		out = append(out, cat)
	}
	sort.Strings(out)
	return out
}

// Forms returns the message id's singular and plural form unfilled (each
// placeholder shows as "<no value>"), for scripts that choose by count.
// A message without plural forms gives the same text twice.
func (z *Localizer) Forms(id string) (one, other string) {
	return plainSentences(z.localize(id, 1, nil)), plainSentences(z.localize(id, 2, nil))
}

func (z *Localizer) localize(id string, count any, kv []any) string {
	var data map[string]any
	if len(kv) > 0 {
		data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				data[k] = kv[i+1]
			}
		}
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count}
	s, err := z.loc.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	// A message without a "one" form (the same text for every count)
	// comes back in its "other" form, with an error that says so.
	return s
}

// Date writes t's day in the localiser's language ("1. Dezember 2026",
// "1 December 2026", "1 грудня 2026 р."): the month names and the order
// come from the message files (date.*).
func (z *Localizer) Date(t time.Time) string {
	return z.T("date.day", "D", t.Day(), "M", z.T(fmt.Sprintf("date.m%02d", int(t.Month()))), "Y", t.Year())
}

// DateTime writes t's day and time of day in the localiser's language.
func (z *Localizer) DateTime(t time.Time) string {
	return z.T("date.day_time", "D", t.Day(), "M", z.T(fmt.Sprintf("date.m%02d", int(t.Month()))), "Y", t.Year(), "T", t.Format("15:04"))
}

// Decimal writes x with digits decimals as the language writes numbers:
// "53,55501" in German, Turkish and Ukrainian, "53.55501" in English and
// Arabic (which this interface writes with Latin digits). The separator is
// the message number.decimal.
func (z *Localizer) Decimal(x float64, digits int) string {
	s := strconv.FormatFloat(x, 'f', digits, 64)
	if sep := z.T("number.decimal"); sep != "." && sep != "number.decimal" {
		s = strings.Replace(s, ".", sep, 1)
	}
	return s
}

// Lang is the value for the HTML lang attribute ("de" for Leichte Sprache).
func (z *Localizer) Lang() string {
	if z.Locale.Lang != "" {
		return z.Locale.Lang
	}
	if germanFamily(z.Tag) {
		return "de"
	}
	return z.Tag
}

// Dir is the value for the HTML dir attribute: "rtl" for Arabic.
func (z *Localizer) Dir() string {
	if z.Locale.Dir != "" {
		return z.Locale.Dir
	}
	return "ltr"
}

// Negotiate picks the interface language: an explicit choice (query or
// cookie) when it is loaded, else the best match of Accept-Language among
// the loaded languages, else German.
func (l *I18n) Negotiate(explicit, acceptLanguage string) string {
	if explicit != "" && l.Has(explicit) {
		return explicit
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err == nil {
		for _, t := range tags {
			base, _ := t.Base()
			if l.Has(base.String()) {
				return base.String()
			}
		}
	}
	return DefaultLocale
}

// MessageIDs returns the message IDs in a TOML message file, for tests that
// compare locales.
func MessageIDs(data []byte) ([]string, error) {
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return ids, nil
}
