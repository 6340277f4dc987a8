package public

import (
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/participation"
)

// placeText names a location in words for residents: "in der Nähe:
// Bahnhof Altona" when a known place lies close, else "Punkt bei 53,55501,
// 9,93971" (a decimal comma in German); "" without a location.
func placeText(l *content.Localizer, w participation.Whereabouts) string {
	switch {
	case w.Empty:
		return ""
	case w.Place != "":
		return l.T("place.near", "Place", w.Place)
	}
	return l.T("place.point", "Lat", coord(l, w.Point.Lat()), "Lon", coord(l, w.Point.Lon()))
}

// coord is a coordinate with five decimals, as the language writes it.
func coord(l *content.Localizer, x float64) string { return l.Decimal(x, 5) }
