// Package poster draws a procedure's printable poster (A4 or A3, as SVG or
// PDF): the title, the question, a QR code to the procedure with its short
// address, the dates and a map of the area. Everything here is a pure
// function of the procedure, the texts of one language and the paper
// size; the handlers (internal/web/admin/poster.go) fetch and send.
//
// Fonts: the SVG names only generic families (sans-serif), so any viewer
// sets every script. The PDF uses the PDF core font Helvetica, which
// knows only the Windows-1252 characters: German, English and Leichte
// Sprache fit, Turkish, Arabic and Ukrainian do not. For those the PDF is
// refused (ErrScript) and the SVG is offered instead; characters of a
// procedure's own text outside Windows-1252 print as ".".
package poster

import (
	"errors"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
)

// Size is a paper size, portrait, in millimetres.
type Size struct {
	Name string // "A4", "A3"
	W, H float64
}

// Sizes are the paper sizes a poster comes in.
var Sizes = []Size{{"A4", 210, 297}, {"A3", 297, 420}}

// SizeByName finds a paper size by its name, in any case ("a4", "A3").
func SizeByName(name string) (Size, bool) {
	for _, s := range Sizes {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return Size{}, false
}

// Formats are the file formats a poster comes in.
var Formats = []string{"svg", "pdf"}

// ErrScript is returned for a PDF whose language the PDF's core font
// cannot set (its characters are not in Windows-1252).
var ErrScript = errors.New("poster: the PDF core font cannot set this language")

// DateLine is one dated phase: its name and its dates.
type DateLine struct {
	Label, Dates string
}

// Doc is everything a poster shows, in one language.
type Doc struct {
	Lang, Dir string // HTML language ("de" for Leichte Sprache) and writing direction
	// UI texts of the language (the poster.* messages).
	Heading, ScanHint, AddressHint, DatesHeading, MapHeading, North string
	Title, Summary                                                  string // the procedure's, plain text
	Link                                                            string // the absolute address the QR code holds
	Short                                                           string // the address printed (no scheme, no query)
	Dates                                                           []DateLine
	Area                                                            orb.Polygon // may be nil: no map
}

// Translate is a localiser's T: a message by id with key, value pairs.
type Translate func(id string, kv ...any) string

// New gathers the poster of p in locale: t gives the language's messages,
// date writes a day, link is the procedure's absolute address (for the
// QR code).
func New(p *model.Procedure, locale string, t Translate, date func(time.Time) string, link string) Doc {
	d := Doc{Lang: "de", Dir: "ltr", Heading: t("poster.heading"), ScanHint: t("poster.scan"),
		AddressHint: t("poster.address"), DatesHeading: t("poster.dates"), MapHeading: t("poster.map"),
		North: t("poster.north"), Link: link, Short: ShortAddress(link), Area: p.Area}
	for _, l := range content.Locales {
		if l.Tag == locale {
			d.Lang, d.Dir = l.Lang, l.Dir
		}
	}
	tx := p.Text(locale)
	d.Title, d.Summary = tx.Title, PlainText(tx.SummaryMD)
	// Leichte Sprache without its own summary: the easy introduction
	// rather than the German summary.
	if locale == "de-x-ls" && p.Translations[locale].SummaryMD == "" && p.IntroEasyMD != "" {
		d.Summary = PlainText(p.IntroEasyMD)
	}
	for _, ph := range p.Phases {
		label := t("phase." + string(ph.Kind))
		if ph.Title != "" {
			label += ": " + ph.Title
		}
		d.Dates = append(d.Dates, DateLine{Label: label, Dates: date(ph.StartsAt) + " – " + date(ph.EndsAt)})
	}
	return d
}

// ShortAddress is link as printed: without the scheme, the query and a
// trailing slash ("mitreden.example/p/slug").
func ShortAddress(link string) string {
	s := link
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "/")
}

// Locales are the languages p has a poster in: German (the source), then
// every interface language p has its own title or summary in (Leichte
// Sprache also with its easy introduction), in the interface's order.
func Locales(p *model.Procedure) []string {
	out := []string{content.DefaultLocale}
	for _, l := range content.Locales {
		if l.Tag == content.DefaultLocale {
			continue
		}
		tr := p.Translations[l.Tag]
		if tr.Title != "" || tr.SummaryMD != "" || l.Tag == "de-x-ls" && p.IntroEasyMD != "" {
			out = append(out, l.Tag)
		}
	}
	return out
}
