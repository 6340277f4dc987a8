package geo

import (
	"math"

	"github.com/paulmach/orb"
)

const (
	// earthRadius is the mean Earth radius in metres (IUGG), used for
	// distances.
	earthRadius = 6371008.8
	// mercatorRadius is the WGS84 semi-major axis used by EPSG:3857.
	mercatorRadius = 6378137.0
	// MaxMercatorLat is the latitude at which Web Mercator becomes square;
	// ToWebMercator clamps latitudes to ±MaxMercatorLat.
	MaxMercatorLat = 85.05112877980659
)

// ToWebMercator converts a [lon, lat] point (EPSG:4326) to EPSG:3857 metres.
// Latitudes beyond ±MaxMercatorLat are clamped to it.
func ToWebMercator(p orb.Point) orb.Point {
	lat := math.Max(-MaxMercatorLat, math.Min(MaxMercatorLat, p[1]))
	x := mercatorRadius * p[0] * math.Pi / 180
	y := mercatorRadius * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
	return orb.Point{x, y}
}

// FromWebMercator converts an EPSG:3857 point (metres) to [lon, lat]
// (EPSG:4326).
func FromWebMercator(p orb.Point) orb.Point {
	lon := p[0] / mercatorRadius * 180 / math.Pi
	lat := (2*math.Atan(math.Exp(p[1]/mercatorRadius)) - math.Pi/2) * 180 / math.Pi
	return orb.Point{lon, lat}
}

// DistanceMetres returns the great-circle (haversine) distance between two
// [lon, lat] points in metres, on a sphere of the mean Earth radius.
func DistanceMetres(a, b orb.Point) float64 {
	lat1 := a[1] * math.Pi / 180
	lat2 := b[1] * math.Pi / 180
	dLat := lat2 - lat1
	dLon := (b[0] - a[0]) * math.Pi / 180
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1)*math.Cos(lat2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadius * math.Asin(math.Sqrt(math.Min(1, h)))
}

// Bound returns the smallest box containing g, with Min = [minLon, minLat]
// and Max = [maxLon, maxLat]. ok is false for nil and for geometries without
// any position.
func Bound(g orb.Geometry) (b orb.Bound, ok bool) {
	first := true
	eachPoint(g, func(p orb.Point) {
		if first {
			b = orb.Bound{Min: p, Max: p}
			first = false
			return
		}
		b = b.Extend(p)
	})
	return b, !first
}

// Centroid returns a representative point of g for list views and
// clustering: a Point itself, the middle vertex of a LineString (the later
// of the two middle ones for an even count), the area centroid of a Polygon
// (for a ring without area, the centroid of its outline). Other types give
// the centre of their bound; nil and empty geometries give the zero point.
func Centroid(g orb.Geometry) orb.Point {
	switch g := g.(type) {
	case nil:
		return orb.Point{}
	case orb.Point:
		return g
	case orb.LineString:
		if len(g) == 0 {
			return orb.Point{}
		}
		return g[len(g)/2]
	case orb.Polygon:
		if len(g) == 0 || len(g[0]) == 0 {
			return orb.Point{}
		}
		return polygonCentroid(g[0])
	}
	if b, ok := Bound(g); ok {
		return b.Center()
	}
	return orb.Point{}
}

// polygonCentroid returns the area centroid of the outer ring r.
func polygonCentroid(r orb.Ring) orb.Point {
	o := r[0]
	var cx, cy, a2 float64
	for i := 0; i+1 < len(r); i++ {
		x0, y0 := r[i][0]-o[0], r[i][1]-o[1]
		x1, y1 := r[i+1][0]-o[0], r[i+1][1]-o[1]
		c := x0*y1 - x1*y0
		a2 += c
		cx += (x0 + x1) * c
		cy += (y0 + y1) * c
	}
	if a2 == 0 || !finite(cx/a2) || !finite(cy/a2) {
		return outlineCentroid(r)
	}
	return orb.Point{o[0] + cx/(3*a2), o[1] + cy/(3*a2)}
}

// outlineCentroid is the length-weighted mean of the edge midpoints, or the
// mean of the vertices if the outline has no length.
func outlineCentroid(r orb.Ring) orb.Point {
	var sx, sy, total float64
	for i := 0; i+1 < len(r); i++ {
		l := math.Hypot(r[i+1][0]-r[i][0], r[i+1][1]-r[i][1])
		sx += (r[i][0] + r[i+1][0]) / 2 * l
		sy += (r[i][1] + r[i+1][1]) / 2 * l
		total += l
	}
	if total > 0 && finite(sx/total) && finite(sy/total) {
		return orb.Point{sx / total, sy / total}
	}
	sx, sy = 0, 0
	for _, p := range r {
		sx += p[0]
		sy += p[1]
	}
	return orb.Point{sx / float64(len(r)), sy / float64(len(r))}
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
