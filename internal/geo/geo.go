// Package geo parses, validates and renders the geometries residents draw on
// the map (a Point, a LineString or a Polygon), and provides the small amount
// of spherical maths the map views need: bounding boxes, representative
// points, Web Mercator conversion and distances. (Map clusters are counted in
// the store: tile counts per zoom, or a GROUP BY for filtered views.)
//
// Coordinates are orb.Point values in EPSG:4326 order [longitude, latitude].
// The package has no database and no HTTP dependencies.
//
// Parsing and validation are separate steps: ParseGeometry checks that the
// input is well-formed GeoJSON of an accepted type (and enforces the vertex
// limit while decoding), Validate checks the geometry itself (ranges, rings,
// self-intersection, the procedure's area).
package geo

import "fmt"

// Default limits, see DefaultLimits.
const (
	DefaultMaxVertices = 1000
	DefaultTolerance   = 25.0 // metres
)

// Limits bounds what a submitted geometry may look like.
type Limits struct {
	// MaxVertices is the maximum number of positions in a geometry, counted
	// over all rings and including a polygon ring's closing position.
	// A value <= 0 means DefaultMaxVertices.
	MaxVertices int
	// Tolerance is how many metres a vertex may lie outside the procedure's
	// area and still be accepted. Negative values count as 0.
	Tolerance float64
}

// DefaultLimits returns 1000 vertices and a tolerance of 25 metres.
func DefaultLimits() Limits {
	return Limits{MaxVertices: DefaultMaxVertices, Tolerance: DefaultTolerance}
}

func (l Limits) maxVertices() int {
	if l.MaxVertices <= 0 {
		return DefaultMaxVertices
	}
	return l.MaxVertices
}

func (l Limits) tolerance() float64 {
	if !(l.Tolerance > 0) { // also catches NaN
		return 0
	}
	return l.Tolerance
}

// Error codes. They are stable and meant to be used as message keys for the
// German and English user interface texts.
const (
	CodeInvalidJSON      = "geometry_invalid_json"      // not a JSON object
	CodeType             = "geometry_type"              // missing or unsupported "type", or a polygon with holes
	CodeCoordinates      = "geometry_coordinates"       // "coordinates" missing, ill-shaped, or not finite numbers
	CodeRange            = "geometry_range"             // longitude outside [-180,180] or latitude outside [-90,90]
	CodeTooManyVertices  = "geometry_too_many_vertices" // more than Limits.MaxVertices positions
	CodeNotClosed        = "geometry_not_closed"        // polygon ring whose first and last positions differ
	CodeSelfIntersection = "geometry_self_intersection" // ring crosses or touches itself, or repeats a vertex
	CodeTooFewVertices   = "geometry_too_few_vertices"  // line without two distinct vertices, ring with fewer than 4 positions
	CodeOutsideArea      = "geometry_outside_area"      // a vertex lies outside the area (beyond the tolerance)
	CodeBBoxInvalid      = "bbox_invalid"               // ParseBBox input is malformed
)

// Error is a validation failure. Code is one of the Code* constants and is
// stable; Detail is an English explanation for logs and developers, not for
// end users.
type Error struct {
	Code   string
	Detail string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Detail == "" {
		return "geo: " + e.Code
	}
	return "geo: " + e.Code + ": " + e.Detail
}

func newError(code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}
