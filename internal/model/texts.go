package model

import "strings"

// Texts holds the translations of a part of a procedure that is written in
// German first (a phase, an appointment, a plan variant): field ("title",
// "description", "body_md", "image_alt") → locale → text.
type Texts map[string]Labels

// Local is a text as a page in one locale shows it. Lang is "de" where the
// German text stands in for a missing translation (the page marks it
// lang="de" with a notice, WCAG 3.1.2), else "".
type Local struct {
	Text string
	Lang string
}

// germanLocale reports whether locale is German or a variety of it
// (Leichte Sprache), whose readers read the German text as their own.
func germanLocale(locale string) bool {
	return locale == "" || locale == "de" || strings.HasPrefix(locale, "de-")
}

// In returns field in locale: its translation, else german (marked "de"
// on a page in another language).
func (t Texts) In(field, german, locale string) Local {
	if s := t[field][locale]; s != "" && locale != "de" {
		return Local{Text: s}
	}
	if german == "" || germanLocale(locale) {
		return Local{Text: german}
	}
	return Local{Text: german, Lang: "de"}
}

// With returns a copy of t with field in locale set to s (removed when s
// is empty).
func (t Texts) With(field, locale, s string) Texts {
	out := Texts{}
	for f, l := range t {
		out[f] = Labels{}
		for k, v := range l {
			out[f][k] = v
		}
	}
	if out[field] == nil {
		out[field] = Labels{}
	}
	if s == "" {
		delete(out[field], locale)
	} else {
		out[field][locale] = s
	}
	if len(out[field]) == 0 {
		delete(out, field)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Get is the translation of field in locale ("" when there is none).
func (t Texts) Get(field, locale string) string { return t[field][locale] }

// TitleIn is the phase's title in locale.
func (p Phase) TitleIn(locale string) Local { return p.Texts.In("title", p.Title, locale) }

// TitleIn is the appointment's title in locale.
func (a Appointment) TitleIn(locale string) Local { return a.Texts.In("title", a.Title, locale) }

// DescriptionIn is the appointment's description in locale.
func (a Appointment) DescriptionIn(locale string) Local {
	return a.Texts.In("description", a.Description, locale)
}

// Fallback reports whether the appointment shows German text in locale.
func (a Appointment) Fallback(locale string) bool {
	return a.TitleIn(locale).Lang != "" || a.DescriptionIn(locale).Lang != ""
}

// TitleIn is the plan variant's title in locale.
func (c Conception) TitleIn(locale string) Local { return c.Texts.In("title", c.Title, locale) }

// BodyIn is the plan variant's description (Markdown) in locale.
func (c Conception) BodyIn(locale string) Local { return c.Texts.In("body_md", c.BodyMD, locale) }

// AltIn is the plan variant's image description in locale.
func (c Conception) AltIn(locale string) Local { return c.Texts.In("image_alt", c.ImageAlt, locale) }

// Fallback reports whether the plan variant shows German text in locale.
func (c Conception) Fallback(locale string) bool {
	return c.TitleIn(locale).Lang != "" || c.BodyIn(locale).Lang != "" || c.AltIn(locale).Lang != ""
}

// PhasesFallback reports whether any of the procedure's phase titles is
// German standing in for locale.
func (p *Procedure) PhasesFallback(locale string) bool {
	for _, ph := range p.Phases {
		if ph.TitleIn(locale).Lang != "" {
			return true
		}
	}
	return false
}

// CategoryLabelLang is "de" where CategoryLabel(key, locale) is the German
// label standing in for a missing one, else "".
func (p *Procedure) CategoryLabelLang(key, locale string) string {
	c, _ := p.Category(key)
	return c.Label.LangFor(locale)
}

// TypeLabelLang is "de" where TypeLabel(key, locale) is the German label
// standing in for a missing one, else "".
func (p *Procedure) TypeLabelLang(key, locale string) string {
	t, _ := p.Type(key)
	return t.Label.LangFor(locale)
}

// LabelsFallback reports whether any category or type label is German
// standing in for locale.
func (p *Procedure) LabelsFallback(locale string) bool {
	for _, c := range p.Categories {
		if c.Label.LangFor(locale) != "" {
			return true
		}
	}
	for _, t := range p.Types {
		if t.Label.LangFor(locale) != "" {
			return true
		}
	}
	return false
}

// ProcedureText is a procedure's translatable text in one locale.
type ProcedureText struct {
	Title     string `json:"title,omitempty"`
	SummaryMD string `json:"summary_md,omitempty"`
	IntroMD   string `json:"intro_md,omitempty"`
	// TitleLang, SummaryLang and IntroLang are "de" where the text is the
	// German one standing in for a missing translation (pages mark it with
	// lang="de", WCAG 3.1.2), else empty: the text is in the locale asked.
	TitleLang   string `json:"-"`
	SummaryLang string `json:"-"`
	IntroLang   string `json:"-"`
}

// Fallback reports whether any of the texts is German standing in for the
// locale asked.
func (t ProcedureText) Fallback() bool {
	return t.TitleLang != "" || t.SummaryLang != "" && t.SummaryMD != "" || t.IntroLang != "" && t.IntroMD != ""
}

// Text returns the procedure's texts in locale, falling back to German
// field by field (and saying so in the *Lang fields).
func (p *Procedure) Text(locale string) ProcedureText {
	t := ProcedureText{Title: p.Title, SummaryMD: p.SummaryMD, IntroMD: p.IntroMD}
	if locale != "" && locale != "de" && !strings.HasPrefix(locale, "de-") {
		t.TitleLang, t.SummaryLang, t.IntroLang = "de", "de", "de"
	}
	if tr, ok := p.Translations[locale]; ok {
		if tr.Title != "" {
			t.Title, t.TitleLang = tr.Title, ""
		}
		if tr.SummaryMD != "" {
			t.SummaryMD, t.SummaryLang = tr.SummaryMD, ""
		}
		if tr.IntroMD != "" {
			t.IntroMD, t.IntroLang = tr.IntroMD, ""
		}
	}
	return t
}

// Labels maps a locale ("de", "en", …) to a text.
type Labels map[string]string

// Get returns the label for locale, falling back to German and then any.
func (l Labels) Get(locale string) string {
	if s, ok := l[locale]; ok && s != "" {
		return s
	}
	if s, ok := l["de"]; ok {
		return s
	}
	for _, s := range l {
		return s
	}
	return ""
}

// LangFor is "de" where Get(locale) gives the German label standing in for
// a missing one in a language other than German (pages mark it lang="de"),
// else "".
func (l Labels) LangFor(locale string) string {
	if locale == "" || locale == "de" || strings.HasPrefix(locale, "de-") {
		return ""
	}
	if s, ok := l[locale]; ok && s != "" {
		return ""
	}
	if s, ok := l["de"]; ok && s != "" {
		return "de"
	}
	return ""
}
