package public

import (
	"html"
	"html/template"
	"strings"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/participation"
)

// placeText names a location in words for residents: "in der Nähe:
// Bahnhof Altona" when a known place lies close, else "Punkt bei 53,55501,
// 9,93971" (a decimal comma in German); "" without a location. The
// procedure's places are named in German: on a page in another language
// the name is marked lang="de" (WCAG 3.1.2).
func placeText(l *content.Localizer, w participation.Whereabouts) template.HTML {
	switch {
	case w.Empty:
		return ""
	case w.Place != "":
		const mark = "\uE000place\uE000" // a private-use mark no message holds
		name := html.EscapeString(w.Place)
		if l.Lang() != "de" {
			name = `<span lang="de">` + name + `</span>`
		}
		return template.HTML(strings.Replace(html.EscapeString(l.T("place.near", "Place", mark)), mark, name, 1))
	}
	return template.HTML(html.EscapeString(l.T("place.point", "Lat", coord(l, w.Point.Lat()), "Lon", coord(l, w.Point.Lon()))))
}

// coord is a coordinate with five decimals, as the language writes it.
func coord(l *content.Localizer, x float64) string { return l.Decimal(x, 5) }
