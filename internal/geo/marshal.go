package geo

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// MarshalGeometry renders g as an RFC 7946 GeoJSON geometry object, with
// coordinates rounded to 7 decimals (about 1 cm). Polygon rings are written
// with the RFC 7946 winding order (exterior counter-clockwise, holes
// clockwise); g itself is not modified.
//
// nil renders as "null". Besides Point, LineString and Polygon, the other orb
// types are rendered too (Ring and Bound as Polygon, Collection as
// GeometryCollection). A geometry with a non-finite coordinate, which
// Validate would have rejected, also renders as "null" because JSON cannot
// represent it.
func MarshalGeometry(g orb.Geometry) []byte {
	if g == nil {
		return []byte("null")
	}
	ok := true
	eachPoint(g, func(p orb.Point) {
		if !finite(p[0]) || !finite(p[1]) {
			ok = false
		}
	})
	if !ok {
		return []byte("null")
	}
	buf, ok := appendGeometry(nil, g)
	if !ok {
		return []byte("null")
	}
	return buf
}

// appendGeometry writes {"type":...,"coordinates":...}; ok is false for
// unknown geometry types.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, bool) {
	switch g := g.(type) {
	case orb.Ring:
		return appendGeometry(b, orb.Polygon{g})
	case orb.Bound:
		return appendGeometry(b, g.ToPolygon())
	case orb.Collection:
		b = append(b, `{"type":"GeometryCollection","geometries":[`...)
		for i, c := range g {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendGeometry(b, c); !ok {
				return b, false
			}
		}
		return append(b, "]}"...), true
	case orb.Point, orb.MultiPoint, orb.LineString, orb.MultiLineString,
		orb.Polygon, orb.MultiPolygon:
		b = append(b, `{"type":"`...)
		b = append(b, g.GeoJSONType()...)
		b = append(b, `","coordinates":`...)
		return append(appendCoords(b, g), '}'), true
	}
	return b, false
}

func appendCoords(b []byte, g orb.Geometry) []byte {
	switch g := g.(type) {
	case orb.Point:
		b = append(b, '[')
		b = appendFloat(b, g[0])
		b = append(b, ',')
		b = appendFloat(b, g[1])
		return append(b, ']')
	case orb.MultiPoint:
		return appendPoints(b, g)
	case orb.LineString:
		return appendPoints(b, g)
	case orb.MultiLineString:
		b = append(b, '[')
		for i, ls := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPoints(b, ls)
		}
		return append(b, ']')
	case orb.Polygon:
		b = append(b, '[')
		for i, r := range g {
			if i > 0 {
				b = append(b, ',')
			}
			// Exterior counter-clockwise (positive area), holes clockwise.
			if a := ringArea2(r); (i == 0 && a < 0) || (i > 0 && a > 0) {
				b = appendReversed(b, r)
			} else {
				b = appendPoints(b, r)
			}
		}
		return append(b, ']')
	case orb.MultiPolygon:
		b = append(b, '[')
		for i, p := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCoords(b, p)
		}
		return append(b, ']')
	}
	return append(b, "[]"...)
}

func appendPoints(b []byte, ps []orb.Point) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCoords(b, p)
	}
	return append(b, ']')
}

func appendReversed(b []byte, ps []orb.Point) []byte {
	b = append(b, '[')
	for i := len(ps) - 1; i >= 0; i-- {
		if i < len(ps)-1 {
			b = append(b, ',')
		}
		b = appendCoords(b, ps[i])
	}
	return append(b, ']')
}

// appendFloat writes v rounded to 7 decimals in the shortest form.
func appendFloat(b []byte, v float64) []byte {
	r := math.Round(v*1e7) / 1e7
	if !finite(r) { // |v| so large that v*1e7 overflows
		r = v
	}
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.AppendFloat(b, r, 'f', -1, 64)
}

// eachPoint calls fn for every position of g, for all orb geometry types.
func eachPoint(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		for _, p := range g {
			fn(p)
		}
	case orb.MultiLineString:
		for _, ls := range g {
			eachPoint(ls, fn)
		}
	case orb.Ring:
		for _, p := range g {
			fn(p)
		}
	case orb.Polygon:
		for _, r := range g {
			eachPoint(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			eachPoint(p, fn)
		}
	case orb.Collection:
		for _, c := range g {
			eachPoint(c, fn)
		}
	case orb.Bound:
		fn(g.Min)
		fn(g.Max)
	}
}
