package geo

import "github.com/paulmach/orb"

// ParseAndValidate parses raw with ParseGeometry and, if a geometry was
// given, checks it with Validate: the two steps as the tests run them
// together (the server calls them apart).
func ParseAndValidate(raw []byte, area orb.Polygon, lim Limits) (orb.Geometry, error) {
	g, err := ParseGeometry(raw, lim)
	if err != nil || g == nil {
		return nil, err
	}
	if err := Validate(g, area, lim); err != nil {
		return nil, err
	}
	return g, nil
}
