package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// Validate checks a parsed geometry. A nil geometry ("no geometry") is valid.
//
// Rules, checked in this order:
//   - only orb.Point, orb.LineString and orb.Polygon are accepted
//     (CodeType); a Polygon must have exactly one ring: holes are not
//     supported and are rejected with CodeType;
//   - at most lim.MaxVertices positions (CodeTooManyVertices);
//   - all coordinates finite (CodeCoordinates), longitude in [-180,180] and
//     latitude in [-90,90] (CodeRange);
//   - a LineString needs at least two distinct vertices
//     (CodeTooFewVertices); it may cross itself, as a route may;
//   - a Polygon ring needs at least 4 positions (CodeTooFewVertices), must be
//     closed (CodeNotClosed), must not repeat a vertex other than the
//     closing one, must not fold back on itself, and no two non-adjacent
//     edges may intersect or touch (all CodeSelfIntersection);
//   - if area is non-empty, every vertex must lie inside area (holes of the
//     area are respected) or within lim.Tolerance metres of its boundary
//     (CodeOutsideArea). Distances use an equirectangular approximation
//     around the vertex's latitude, which is accurate at city scale.
//
// Every failure is returned as an *Error.
func Validate(g orb.Geometry, area orb.Polygon, lim Limits) error {
	var points []orb.Point // the vertices to check against the area
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		if err := checkPositions([]orb.Point{g}, lim); err != nil {
			return err
		}
		points = []orb.Point{g}
	case orb.LineString:
		if err := checkPositions(g, lim); err != nil {
			return err
		}
		if err := checkLineString(g); err != nil {
			return err
		}
		points = g
	case orb.Polygon:
		switch {
		case len(g) == 0:
			return newError(CodeTooFewVertices, "polygon has no ring")
		case len(g) > 1:
			return newError(CodeType, "polygons with holes are not supported")
		}
		ring := g[0]
		if err := checkPositions(ring, lim); err != nil {
			return err
		}
		if err := checkRing(ring); err != nil {
			return err
		}
		points = ring[:len(ring)-1]
	default:
		return newError(CodeType, "unsupported type %s", g.GeoJSONType())
	}
	return checkArea(points, area, lim.tolerance())
}

// checkPositions enforces the vertex limit, finiteness and ranges.
func checkPositions(ps []orb.Point, lim Limits) error {
	if max := lim.maxVertices(); len(ps) > max {
		return newError(CodeTooManyVertices, "%d vertices, at most %d allowed", len(ps), max)
	}
	for _, p := range ps {
		if !finite(p[0]) || !finite(p[1]) {
			return newError(CodeCoordinates, "coordinate is not a finite number")
		}
	}
	for _, p := range ps {
		if p[0] < -180 || p[0] > 180 {
			return newError(CodeRange, "longitude %g outside [-180,180]", p[0])
		}
		if p[1] < -90 || p[1] > 90 {
			return newError(CodeRange, "latitude %g outside [-90,90]", p[1])
		}
	}
	return nil
}

func checkLineString(ls orb.LineString) error {
	for _, p := range ls[min(1, len(ls)):] {
		if p != ls[0] {
			return nil
		}
	}
	return newError(CodeTooFewVertices, "line needs at least two distinct vertices")
}

// checkRing validates a polygon ring whose positions are known to be finite.
func checkRing(r orb.Ring) error {
	n := len(r)
	if n < 4 {
		return newError(CodeTooFewVertices, "ring has %d positions, at least 4 required", n)
	}
	if r[0] != r[n-1] {
		return newError(CodeNotClosed, "first and last position differ")
	}
	m := n - 1 // number of edges and of distinct vertices
	seen := make(map[orb.Point]struct{}, m)
	for _, p := range r[:m] {
		if _, dup := seen[p]; dup {
			return newError(CodeSelfIntersection, "vertex %v is repeated", p)
		}
		seen[p] = struct{}{}
	}
	// Adjacent edges share a vertex; they intersect elsewhere only if the
	// ring turns back on itself there (a spike).
	for i := 0; i < m; i++ {
		a, b, c := r[(i+m-1)%m], r[i], r[i+1]
		if cross(a, b, c) == 0 && dot(a, b, c) < 0 {
			return newError(CodeSelfIntersection, "ring folds back at %v", b)
		}
	}
	// Non-adjacent edges must not meet at all. O(m²) with m <= MaxVertices.
	for i := 0; i < m; i++ {
		for j := i + 2; j < m; j++ {
			if i == 0 && j == m-1 {
				continue // adjacent through the closing vertex
			}
			if segmentsIntersect(r[i], r[i+1], r[j], r[j+1]) {
				return newError(CodeSelfIntersection, "edges %d and %d intersect", i, j)
			}
		}
	}
	if ringArea2(r) == 0 {
		return newError(CodeSelfIntersection, "ring has no area")
	}
	return nil
}

// cross is the z component of (b-a)×(c-a): >0 if a,b,c turn left.
func cross(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// dot is (b-a)·(c-b): negative if the path a→b→c reverses direction.
func dot(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[0]-b[0]) + (b[1]-a[1])*(c[1]-b[1])
}

// onSegment reports whether p, known to be collinear with a-b, lies on it.
func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segmentsIntersect reports whether the closed segments p1-p2 and q1-q2
// have at least one point in common (crossing, touching or overlapping).
func segmentsIntersect(p1, p2, q1, q2 orb.Point) bool {
	d1 := cross(q1, q2, p1)
	d2 := cross(q1, q2, p2)
	d3 := cross(p1, p2, q1)
	d4 := cross(p1, p2, q2)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
		((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(q1, q2, p1)) ||
		(d2 == 0 && onSegment(q1, q2, p2)) ||
		(d3 == 0 && onSegment(p1, p2, q1)) ||
		(d4 == 0 && onSegment(p1, p2, q2))
}

// ringArea2 is twice the signed area of a closed ring (shoelace formula),
// positive for counter-clockwise rings.
func ringArea2(r orb.Ring) float64 {
	if len(r) < 3 {
		return 0
	}
	o := r[0] // shift to the first vertex to reduce round-off
	sum := 0.0
	for i := 1; i < len(r)-1; i++ {
		sum += (r[i][0]-o[0])*(r[i+1][1]-o[1]) - (r[i+1][0]-o[0])*(r[i][1]-o[1])
	}
	return sum
}

// checkArea requires every point to be inside area or within tol metres of
// its boundary. An empty area imposes no restriction.
func checkArea(points []orb.Point, area orb.Polygon, tol float64) error {
	if len(area) == 0 || len(area[0]) == 0 {
		return nil
	}
	for _, p := range points {
		if inPolygon(area, p) {
			continue
		}
		if d := boundaryDistance(area, p); !(d <= tol) { // NaN counts as outside
			return newError(CodeOutsideArea, "vertex %v is %.0f m outside the area", p, d)
		}
	}
	return nil
}

// inPolygon reports whether p is strictly inside the polygon by the even-odd
// rule (inside the outer ring, outside every hole). Points exactly on the
// boundary may go either way; callers add the boundary distance check.
// Rings may be closed or open.
func inPolygon(poly orb.Polygon, p orb.Point) bool {
	if !inRing(poly[0], p) {
		return false
	}
	for _, hole := range poly[1:] {
		if inRing(hole, p) {
			return false
		}
	}
	return true
}

func inRing(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) &&
			p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// earthRadius is the mean Earth radius in metres (IUGG), used for
// distances.
const earthRadius = 6371008.8

// boundaryDistance returns the distance in metres from p to the nearest edge
// of any ring of poly, using an equirectangular projection centred on p.
func boundaryDistance(poly orb.Polygon, p orb.Point) float64 {
	ky := earthRadius * math.Pi / 180 // metres per degree latitude
	kx := ky * math.Cos(p[1]*math.Pi/180)
	local := func(q orb.Point) (float64, float64) {
		return (q[0] - p[0]) * kx, (q[1] - p[1]) * ky
	}
	best := math.Inf(1)
	for _, r := range poly {
		for i := range r {
			ax, ay := local(r[i])
			bx, by := local(r[(i+1)%len(r)]) // also closes open rings
			best = math.Min(best, originSegmentDistance(ax, ay, bx, by))
		}
	}
	return best
}

// originSegmentDistance is the distance from (0,0) to the segment a-b.
func originSegmentDistance(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l2 := dx*dx + dy*dy; l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
