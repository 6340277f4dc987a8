package geo

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// DecodeStored decodes a geometry the store wrote itself (a GeoJSON Point,
// LineString or Polygon). It is the hot path of exports and reads: a
// direct scan of the coordinates, several times faster than a general JSON
// decoder. Anything it does not recognise goes to the general decoder, so
// the result never depends on which path ran.
func DecodeStored(b []byte) (orb.Geometry, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	if g, ok := decodeFast(b); ok {
		return g, nil
	}
	g, err := geojson.UnmarshalGeometry(b)
	if err != nil {
		return nil, err
	}
	return g.Geometry(), nil
}

var errScan = errors.New("geo: not a stored geometry")

func decodeFast(b []byte) (orb.Geometry, bool) {
	var depth int
	switch {
	case bytes.HasPrefix(b, []byte(`{"type":"Point","coordinates":`)):
		depth = 1
	case bytes.HasPrefix(b, []byte(`{"type":"LineString","coordinates":`)):
		depth = 2
	case bytes.HasPrefix(b, []byte(`{"type":"Polygon","coordinates":`)):
		depth = 3
	default:
		return nil, false
	}
	s := &scanner{b: b, i: bytes.Index(b, []byte(`"coordinates":`)) + len(`"coordinates":`)}
	var g orb.Geometry
	var err error
	switch depth {
	case 1:
		g, err = s.point()
	case 2:
		var ls []orb.Point
		ls, err = s.points()
		g = orb.LineString(ls)
	case 3:
		var poly orb.Polygon
		err = s.list(func() error {
			r, err := s.points()
			poly = append(poly, orb.Ring(r))
			return err
		})
		g = poly
	}
	if err != nil || s.i != len(b)-1 || b[s.i] != '}' {
		return nil, false
	}
	return g, true
}

type scanner struct {
	b []byte
	i int
}

// list reads "[" item ("," item)* "]" calling item for each.
func (s *scanner) list(item func() error) error {
	if s.i >= len(s.b) || s.b[s.i] != '[' {
		return errScan
	}
	s.i++
	for {
		if err := item(); err != nil {
			return err
		}
		if s.i >= len(s.b) {
			return errScan
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return errScan
		}
	}
}

func (s *scanner) points() ([]orb.Point, error) {
	var ps []orb.Point
	err := s.list(func() error {
		p, err := s.point()
		ps = append(ps, p)
		return err
	})
	return ps, err
}

func (s *scanner) point() (orb.Point, error) {
	var p orb.Point
	n := 0
	err := s.list(func() error {
		j := s.i
		for j < len(s.b) && s.b[j] != ',' && s.b[j] != ']' {
			j++
		}
		v, err := strconv.ParseFloat(string(s.b[s.i:j]), 64)
		if err != nil || n >= 3 {
			return errScan
		}
		if n < 2 {
			p[n] = v
		}
		n++
		s.i = j
		return nil
	})
	if err == nil && n < 2 {
		err = errScan
	}
	return p, err
}
