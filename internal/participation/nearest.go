package participation

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/mitreden/mitreden/internal/store"
)

// NearRadius is how far (in metres) a known place may lie from a
// contribution and still name it: beyond it the place would mislead, and
// the contribution is named by its coordinates instead.
const NearRadius = 300.0

// Whereabouts names a contribution's location in words: the nearest of the
// procedure's known places (Place, with its distance in metres) or, when
// none lies within NearRadius, only the point (Place is ""). For a line or
// an area the point is the centre of its bounds. Empty reports a
// contribution without a location.
type Whereabouts struct {
	Place    string
	Distance float64
	Point    orb.Point
	Empty    bool
}

// NearestPlace returns the place of places nearest to pt and its distance
// in metres; ok is false when places is empty or the nearest lies farther
// than maxDist.
func NearestPlace(places []store.Place, pt orb.Point, maxDist float64) (pl store.Place, dist float64, ok bool) {
	best := -1.0
	for _, p := range places {
		d := geo.Distance(pt, orb.Point{p.Lon, p.Lat})
		if best < 0 || d < best {
			best, pl = d, p
		}
	}
	if best < 0 || best > maxDist {
		return store.Place{}, 0, false
	}
	return pl, best, true
}

// Locate names geometry g of a contribution in procedure procedureID (see
// Whereabouts).
func (s *Service) Locate(ctx context.Context, procedureID int64, g orb.Geometry) (Whereabouts, error) {
	if g == nil {
		return Whereabouts{Empty: true}, nil
	}
	pt, ok := g.(orb.Point)
	if !ok {
		pt = g.Bound().Center()
	}
	places, err := s.Store.Places(ctx, procedureID)
	if err != nil {
		return Whereabouts{}, err
	}
	w := Whereabouts{Point: pt}
	if pl, d, ok := NearestPlace(places, pt, NearRadius); ok {
		w.Place, w.Distance = pl.Name, d
	}
	return w, nil
}
