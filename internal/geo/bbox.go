package geo

import (
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// maxBBoxLen bounds the input ParseBBox looks at; four coordinates never
// need more.
const maxBBoxLen = 200

// ParseBBox parses a bounding box query parameter of the form
// "minLon,minLat,maxLon,maxLat" (spaces around the numbers are allowed).
// It requires exactly four finite numbers, longitudes in [-180,180],
// latitudes in [-90,90], minLon <= maxLon and minLat <= maxLat; otherwise it
// returns an *Error with CodeBBoxInvalid. Boxes crossing the antimeridian
// are not supported.
func ParseBBox(s string) (orb.Bound, error) {
	if len(s) > maxBBoxLen {
		return orb.Bound{}, newError(CodeBBoxInvalid, "too long")
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, newError(CodeBBoxInvalid, "want 4 comma-separated numbers, got %d parts", len(parts))
	}
	var v [4]float64
	for i, part := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || !finite(f) {
			return orb.Bound{}, newError(CodeBBoxInvalid, "part %d is not a finite number", i+1)
		}
		v[i] = f
	}
	b := orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	for _, lon := range []float64{v[0], v[2]} {
		if lon < -180 || lon > 180 {
			return orb.Bound{}, newError(CodeBBoxInvalid, "longitude %g outside [-180,180]", lon)
		}
	}
	for _, lat := range []float64{v[1], v[3]} {
		if lat < -90 || lat > 90 {
			return orb.Bound{}, newError(CodeBBoxInvalid, "latitude %g outside [-90,90]", lat)
		}
	}
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return orb.Bound{}, newError(CodeBBoxInvalid, "min greater than max")
	}
	return b, nil
}
