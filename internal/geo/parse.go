package geo

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// ParseGeometry parses a GeoJSON geometry object strictly.
//
// Accepted are only the types "Point", "LineString" and "Polygon" (exact
// spelling). Empty input (or only whitespace) and JSON null mean "no
// geometry" and return (nil, nil). Member names are matched exactly; members
// other than "type" and "coordinates" (such as "bbox") are ignored.
//
// Rejected, always with an *Error:
//   - malformed JSON or a value that is not an object: CodeInvalidJSON
//   - a missing, non-string or unsupported "type": CodeType
//   - missing or ill-shaped "coordinates", positions with fewer than 2 or
//     more than 3 elements, non-numbers such as strings: CodeCoordinates
//   - numbers that overflow float64 (e.g. 1e400): CodeRange
//   - more than lim.MaxVertices positions: CodeTooManyVertices; this is
//     detected while decoding, so oversized input is rejected early.
//
// A third (altitude) element is accepted and dropped. ParseGeometry does not
// check ranges, rings or areas; call Validate.
func ParseGeometry(raw []byte, lim Limits) (orb.Geometry, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, newError(CodeInvalidJSON, "%v", err)
	}
	if obj == nil { // cannot happen after the null check, but stay safe
		return nil, nil
	}
	typRaw, ok := obj["type"]
	if !ok {
		return nil, newError(CodeType, "missing \"type\"")
	}
	var typ string
	if err := json.Unmarshal(typRaw, &typ); err != nil {
		return nil, newError(CodeType, "\"type\" is not a string")
	}
	depth := 0
	switch typ {
	case "Point":
		depth = 1
	case "LineString":
		depth = 2
	case "Polygon":
		depth = 3
	default:
		return nil, newError(CodeType, "unsupported type %q", typ)
	}
	coords, ok := obj["coordinates"]
	if !ok {
		return nil, newError(CodeCoordinates, "missing \"coordinates\"")
	}

	d := &coordDecoder{dec: json.NewDecoder(bytes.NewReader(coords)), budget: lim.maxVertices()}
	d.dec.UseNumber()
	var g orb.Geometry
	var err error
	switch depth {
	case 1:
		g, err = d.position()
	case 2:
		g, err = d.lineString()
	case 3:
		g, err = d.polygon()
	}
	if err != nil {
		return nil, err
	}
	// coords is exactly one JSON value, so nothing may follow.
	if _, err := d.dec.Token(); err != io.EOF {
		return nil, newError(CodeCoordinates, "unexpected data after coordinates")
	}
	return g, nil
}

// coordDecoder walks the "coordinates" value token by token, so that the
// vertex budget is enforced before large slices are built.
type coordDecoder struct {
	dec    *json.Decoder
	budget int // positions still allowed
}

func errShape() *Error {
	return newError(CodeCoordinates, "coordinates have the wrong shape")
}

// open consumes a '[' token.
func (d *coordDecoder) open() error {
	tok, err := d.dec.Token()
	if err != nil {
		return newError(CodeCoordinates, "%v", err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '[' {
		return errShape()
	}
	return nil
}

// close consumes a ']' token.
func (d *coordDecoder) close() error {
	tok, err := d.dec.Token()
	if err != nil {
		return newError(CodeCoordinates, "%v", err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != ']' {
		return errShape()
	}
	return nil
}

// position reads [lon, lat] or [lon, lat, alt].
func (d *coordDecoder) position() (orb.Point, error) {
	if d.budget <= 0 {
		return orb.Point{}, newError(CodeTooManyVertices, "more vertices than allowed")
	}
	d.budget--
	if err := d.open(); err != nil {
		return orb.Point{}, err
	}
	var p orb.Point
	n := 0
	for d.dec.More() {
		tok, err := d.dec.Token()
		if err != nil {
			return orb.Point{}, newError(CodeCoordinates, "%v", err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return orb.Point{}, newError(CodeCoordinates, "position element is not a number")
		}
		if n >= 3 {
			return orb.Point{}, newError(CodeCoordinates, "position has more than 3 elements")
		}
		v, err := strconv.ParseFloat(string(num), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return orb.Point{}, newError(CodeCoordinates, "bad number %q", string(num))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return orb.Point{}, newError(CodeRange, "number %q is out of range", string(num))
		}
		if n < 2 {
			p[n] = v
		}
		n++
	}
	if err := d.close(); err != nil {
		return orb.Point{}, err
	}
	if n < 2 {
		return orb.Point{}, newError(CodeCoordinates, "position has fewer than 2 elements")
	}
	return p, nil
}

// lineString reads an array of positions.
func (d *coordDecoder) lineString() (orb.LineString, error) {
	if err := d.open(); err != nil {
		return nil, err
	}
	ls := orb.LineString{}
	for d.dec.More() {
		p, err := d.position()
		if err != nil {
			return nil, err
		}
		ls = append(ls, p)
	}
	return ls, d.close()
}

// polygon reads an array of rings. Every ring counts against the budget with
// at least one position, so a flood of empty rings is rejected as well.
func (d *coordDecoder) polygon() (orb.Polygon, error) {
	if err := d.open(); err != nil {
		return nil, err
	}
	poly := orb.Polygon{}
	for d.dec.More() {
		if d.budget <= 0 {
			return nil, newError(CodeTooManyVertices, "more vertices than allowed")
		}
		ls, err := d.lineString()
		if err != nil {
			return nil, err
		}
		if len(ls) == 0 {
			d.budget--
		}
		poly = append(poly, orb.Ring(ls))
	}
	return poly, d.close()
}
