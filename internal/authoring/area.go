package authoring

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
)

// Where an area comes from.
const (
	AreaGeoJSON = "geojson" // drawn on the map or pasted: a GeoJSON geometry, Feature or FeatureCollection
	AreaFile    = "file"    // an uploaded GeoJSON file
	AreaCoords  = "coords"  // typed: one "latitude, longitude" per line
)

// AreaInput is the planning area as the planner gave it.
type AreaInput struct {
	Source string
	Text   string // GeoJSON or coordinates
	File   []byte
	// Geometry is a file's geometry when the service has read it already
	// (a GeoPackage, see Service.SaveArea).
	Geometry orb.Geometry
}

// IsGeoPackage reports whether an uploaded file is an SQLite database,
// the container of a GeoPackage.
func IsGeoPackage(b []byte) bool { return bytes.HasPrefix(b, []byte("SQLite format 3\x00")) }

// geoPackageArea reads the one area of an uploaded GeoPackage.
func (s *Service) geoPackageArea(ctx context.Context, data []byte) (orb.Geometry, string) {
	if len(data) > MaxUpload {
		return nil, "author_file_too_big"
	}
	blobs, err := s.Store.GeoPackageGeometries(ctx, data, 2)
	if err != nil || len(blobs) == 0 {
		return nil, "author_area_gpkg"
	}
	if len(blobs) > 1 {
		return nil, "author_area_one"
	}
	g, err := geo.FromGeoPackage(blobs[0].Blob, blobs[0].SRSID)
	if errors.Is(err, geo.ErrUnknownSRS) {
		return nil, "author_area_srs"
	}
	if err != nil {
		return nil, "author_area_gpkg"
	}
	return g, ""
}

// AreaMaxVertices bounds a planning area (a district's outline fits).
const AreaMaxVertices = 5000

// ParseArea reads the planning area: one polygon without holes whose ring
// does not cross itself, from GeoJSON (a Polygon, a one-polygon
// MultiPolygon, or a Feature or FeatureCollection holding one) or from
// typed coordinates. Errors are on the field "area".
func ParseArea(in AreaInput) (orb.Polygon, model.Errors) {
	fail := func(code string) (orb.Polygon, model.Errors) {
		return nil, model.Errors{{Field: "area", Code: code}}
	}
	var poly orb.Polygon
	switch in.Source {
	case AreaCoords:
		ring, code := parseCoords(in.Text)
		if code != "" {
			return fail(code)
		}
		poly = orb.Polygon{ring}
	case AreaFile, AreaGeoJSON:
		if in.Geometry != nil {
			g, code := polygonFrom(in.Geometry)
			if code != "" {
				return fail(code)
			}
			poly = g
			break
		}
		raw := in.File
		if in.Source == AreaGeoJSON {
			raw = []byte(in.Text)
		}
		if len(strings.TrimSpace(string(raw))) == 0 {
			return fail("required")
		}
		g, code := polygonOf(raw)
		if code != "" {
			return fail(code)
		}
		poly = g
	default:
		return fail("required")
	}
	if err := geo.Validate(poly, nil, geo.Limits{MaxVertices: AreaMaxVertices}); err != nil {
		if ge, ok := err.(*geo.Error); ok {
			return fail(ge.Code)
		}
		return fail("geometry_invalid")
	}
	return poly, nil
}

func polygonOf(raw []byte) (orb.Polygon, string) {
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, "geometry_invalid_json"
	}
	var g orb.Geometry
	switch probe.Type {
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			return nil, "geometry_invalid_json"
		}
		if len(fc.Features) != 1 {
			return nil, "author_area_one"
		}
		g = fc.Features[0].Geometry
	case "Feature":
		f, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			return nil, "geometry_invalid_json"
		}
		g = f.Geometry
	default:
		gg, err := geojson.UnmarshalGeometry(raw)
		if err != nil {
			return nil, "geometry_invalid_json"
		}
		g = gg.Geometry()
	}
	return polygonFrom(g)
}

func polygonFrom(g orb.Geometry) (orb.Polygon, string) {
	switch g := g.(type) {
	case orb.Polygon:
		return g, ""
	case orb.MultiPolygon:
		if len(g) == 1 {
			return g[0], ""
		}
		return nil, "author_area_one"
	}
	return nil, "author_area_polygon"
}

// parseCoords reads one position per line, latitude first, the numbers
// apart by a comma, semicolon or space (with a semicolon between them a
// decimal comma is fine). The ring is closed if it is not.
func parseCoords(text string) (orb.Ring, string) {
	var ring orb.Ring
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var parts []string
		if strings.Contains(line, ";") {
			parts = strings.Split(line, ";")
		} else {
			parts = strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		}
		if len(parts) != 2 {
			return nil, "author_area_coords"
		}
		lat, err1 := parseNumber(parts[0])
		lon, err2 := parseNumber(parts[1])
		if err1 != nil || err2 != nil {
			return nil, "author_area_coords"
		}
		ring = append(ring, orb.Point{lon, lat})
	}
	if len(ring) == 0 {
		return nil, "required"
	}
	if len(ring) >= 3 && ring[0] != ring[len(ring)-1] {
		ring = append(ring, ring[0])
	}
	return ring, ""
}
