package geo

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// berlin is a test area: a square of about 1.4 km × 2.2 km.
var berlin = orb.Polygon{{
	{13.40, 52.50}, {13.42, 52.50}, {13.42, 52.52}, {13.40, 52.52}, {13.40, 52.50},
}}

// eastOf returns a point m metres east of the area's east edge at lat 52.51.
func eastOf(m float64) orb.Point {
	const lat = 52.51
	perDeg := earthRadius * math.Pi / 180 * math.Cos(lat*math.Pi/180)
	return orb.Point{13.42 + m/perDeg, lat}
}

func pointJSON(p orb.Point) string {
	return string(MarshalGeometry(p))
}

// lineJSON returns a LineString with n vertices.
func lineJSON(n int) string {
	var sb strings.Builder
	sb.WriteString(`{"type":"LineString","coordinates":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "[%g,%g]", 13+float64(i)*1e-5, 52.5)
	}
	sb.WriteString("]}")
	return sb.String()
}

func code(err error) string {
	if err == nil {
		return ""
	}
	var ge *Error
	if !errors.As(err, &ge) {
		return "not *geo.Error: " + err.Error()
	}
	return ge.Code
}

func TestParseAndValidate(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		area     orb.Polygon
		wantCode string // "" = valid
		wantType string // GeoJSON type of the result if valid, "" for nil
	}{
		// Valid input.
		{"point", `{"type":"Point","coordinates":[13.4,52.5]}`, nil, "", "Point"},
		{"point with altitude", `{"type":"Point","coordinates":[13.4,52.5,34.5]}`, nil, "", "Point"},
		{"point with bbox member", `{"type":"Point","bbox":[1,2,1,2],"coordinates":[1,2]}`, nil, "", "Point"},
		{"line", `{"type":"LineString","coordinates":[[13.4,52.5],[13.41,52.51]]}`, nil, "", "LineString"},
		{"self-crossing line", `{"type":"LineString","coordinates":[[0,0],[1,1],[1,0],[0,1]]}`, nil, "", "LineString"},
		{"polygon", `{"type":"Polygon","coordinates":[[[13.40,52.50],[13.41,52.50],[13.41,52.51],[13.40,52.50]]]}`, nil, "", "Polygon"},
		{"clockwise polygon", `{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}`, nil, "", "Polygon"},
		{"extreme ranges", `{"type":"LineString","coordinates":[[-180,-90],[180,90]]}`, nil, "", "LineString"},
		{"null", `null`, nil, "", ""},
		{"empty", ``, nil, "", ""},
		{"whitespace null", " \n null \t", nil, "", ""},
		{"max vertices", lineJSON(1000), nil, "", "LineString"},
		{"point inside area", `{"type":"Point","coordinates":[13.41,52.51]}`, berlin, "", "Point"},
		{"point on area boundary", `{"type":"Point","coordinates":[13.42,52.51]}`, berlin, "", "Point"},
		{"point 10 m outside", pointJSON(eastOf(10)), berlin, "", "Point"},
		{"polygon inside area", `{"type":"Polygon","coordinates":[[[13.401,52.501],[13.41,52.501],[13.41,52.51],[13.401,52.501]]]}`, berlin, "", "Polygon"},

		// geometry_invalid_json
		{"syntax error", `{"type":"Point",`, nil, CodeInvalidJSON, ""},
		{"array", `[1,2]`, nil, CodeInvalidJSON, ""},
		{"string", `"Point"`, nil, CodeInvalidJSON, ""},
		{"trailing data", `{"type":"Point","coordinates":[1,2]} x`, nil, CodeInvalidJSON, ""},
		{"NaN literal", `{"type":"Point","coordinates":[NaN,2]}`, nil, CodeInvalidJSON, ""},

		// geometry_type
		{"multipoint", `{"type":"MultiPoint","coordinates":[[1,2]]}`, nil, CodeType, ""},
		{"collection", `{"type":"GeometryCollection","geometries":[]}`, nil, CodeType, ""},
		{"feature", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`, nil, CodeType, ""},
		{"missing type", `{"coordinates":[1,2]}`, nil, CodeType, ""},
		{"type not string", `{"type":1,"coordinates":[1,2]}`, nil, CodeType, ""},
		{"wrong case", `{"type":"point","coordinates":[1,2]}`, nil, CodeType, ""},
		{"wrong case key", `{"TYPE":"Point","coordinates":[1,2]}`, nil, CodeType, ""},
		{"polygon with hole", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]}`, nil, CodeType, ""},

		// geometry_coordinates
		{"coordinates string", `{"type":"Point","coordinates":"x"}`, nil, CodeCoordinates, ""},
		{"coordinates missing", `{"type":"Point"}`, nil, CodeCoordinates, ""},
		{"coordinates null", `{"type":"Point","coordinates":null}`, nil, CodeCoordinates, ""},
		{"string number", `{"type":"Point","coordinates":["13.4",52.5]}`, nil, CodeCoordinates, ""},
		{"bool number", `{"type":"Point","coordinates":[true,52.5]}`, nil, CodeCoordinates, ""},
		{"one number", `{"type":"Point","coordinates":[13.4]}`, nil, CodeCoordinates, ""},
		{"empty position", `{"type":"Point","coordinates":[]}`, nil, CodeCoordinates, ""},
		{"four numbers", `{"type":"Point","coordinates":[1,2,3,4]}`, nil, CodeCoordinates, ""},
		{"point nested too deep", `{"type":"Point","coordinates":[[1,2]]}`, nil, CodeCoordinates, ""},
		{"line not nested", `{"type":"LineString","coordinates":[1,2]}`, nil, CodeCoordinates, ""},
		{"polygon not nested", `{"type":"Polygon","coordinates":[[1,2],[3,4]]}`, nil, CodeCoordinates, ""},
		{"object position", `{"type":"Point","coordinates":{"lon":1,"lat":2}}`, nil, CodeCoordinates, ""},

		// geometry_range
		{"lon 200", `{"type":"Point","coordinates":[200,52.5]}`, nil, CodeRange, ""},
		{"lat -91", `{"type":"LineString","coordinates":[[0,0],[0,-91]]}`, nil, CodeRange, ""},
		{"overflowing number", `{"type":"Point","coordinates":[1e400,0]}`, nil, CodeRange, ""},

		// geometry_too_many_vertices
		{"1001 vertices", lineJSON(1001), nil, CodeTooManyVertices, ""},
		{"10001 vertices", lineJSON(10001), nil, CodeTooManyVertices, ""},

		// geometry_not_closed
		{"unclosed polygon", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, nil, CodeNotClosed, ""},

		// geometry_self_intersection
		{"bow-tie", `{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`, nil, CodeSelfIntersection, ""},
		{"repeated vertex", `{"type":"Polygon","coordinates":[[[0,0],[2,0],[1,1],[2,2],[0,2],[1,1],[0,0]]]}`, nil, CodeSelfIntersection, ""},
		{"vertex touches edge", `{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[2,0],[0,4],[0,0]]]}`, nil, CodeSelfIntersection, ""},
		{"spike", `{"type":"Polygon","coordinates":[[[0,0],[2,0],[1,0],[1,1],[0,0]]]}`, nil, CodeSelfIntersection, ""},
		{"collinear ring", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[2,0],[0,0]]]}`, nil, CodeSelfIntersection, ""},
		{"overlapping edges", `{"type":"Polygon","coordinates":[[[0,0],[3,0],[3,1],[2,0],[1,0],[1,-1],[0,0]]]}`, nil, CodeSelfIntersection, ""},

		// geometry_too_few_vertices
		{"line one vertex", `{"type":"LineString","coordinates":[[1,2]]}`, nil, CodeTooFewVertices, ""},
		{"line empty", `{"type":"LineString","coordinates":[]}`, nil, CodeTooFewVertices, ""},
		{"line zero length", `{"type":"LineString","coordinates":[[1,2],[1,2],[1,2]]}`, nil, CodeTooFewVertices, ""},
		{"ring of 3", `{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, nil, CodeTooFewVertices, ""},
		{"polygon no ring", `{"type":"Polygon","coordinates":[]}`, nil, CodeTooFewVertices, ""},
		{"polygon empty ring", `{"type":"Polygon","coordinates":[[]]}`, nil, CodeTooFewVertices, ""},

		// geometry_outside_area
		{"point far outside", `{"type":"Point","coordinates":[13.5,52.51]}`, berlin, CodeOutsideArea, ""},
		{"point 100 m outside", pointJSON(eastOf(100)), berlin, CodeOutsideArea, ""},
		{"line leaving area", `{"type":"LineString","coordinates":[[13.41,52.51],[13.41,52.6]]}`, berlin, CodeOutsideArea, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := ParseAndValidate([]byte(tt.raw), tt.area, DefaultLimits())
			if got := code(err); got != tt.wantCode {
				t.Fatalf("code = %q, want %q (err: %v)", got, tt.wantCode, err)
			}
			if err != nil {
				if g != nil {
					t.Errorf("got geometry %v together with an error", g)
				}
				return
			}
			gotType := ""
			if g != nil {
				gotType = g.GeoJSONType()
			}
			if gotType != tt.wantType {
				t.Errorf("type = %q, want %q", gotType, tt.wantType)
			}
		})
	}
}

func TestParseGeometryValues(t *testing.T) {
	g, err := ParseGeometry([]byte(`{"type":"Polygon","coordinates":[[[1,2,9],[3,2],[3,4],[1,2]]]}`), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := orb.Polygon{{{1, 2}, {3, 2}, {3, 4}, {1, 2}}}
	if !orb.Equal(g, want) {
		t.Errorf("got %v, want %v", g, want)
	}
	// Parsing alone does not check ranges; Validate does.
	g, err = ParseGeometry([]byte(`{"type":"Point","coordinates":[200,0]}`), DefaultLimits())
	if err != nil || !orb.Equal(g, orb.Point{200, 0}) {
		t.Errorf("got %v, %v", g, err)
	}
	// A smaller limit is honoured while parsing, also for rings.
	lim := Limits{MaxVertices: 4}
	if _, err := ParseGeometry([]byte(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`), lim); err != nil {
		t.Errorf("4 vertices with limit 4: %v", err)
	}
	if _, err := ParseGeometry([]byte(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`), lim); code(err) != CodeTooManyVertices {
		t.Errorf("5 vertices with limit 4: %v", err)
	}
	if _, err := ParseGeometry([]byte(`{"type":"Polygon","coordinates":[[],[],[],[],[]]}`), lim); code(err) != CodeTooManyVertices {
		t.Errorf("5 empty rings with limit 4: %v", err)
	}
	// Decoding stops at the first position over the limit: the ill-typed
	// positions after it are never looked at.
	raw := strings.TrimSuffix(lineJSON(1001), "]}") + strings.Repeat(`,["x"]`, 9000) + "]}"
	if _, err := ParseGeometry([]byte(raw), DefaultLimits()); code(err) != CodeTooManyVertices {
		t.Errorf("limit not enforced while decoding: %v", err)
	}
}

func TestValidateDirect(t *testing.T) {
	lim := DefaultLimits()
	long := make(orb.LineString, 1001)
	for i := range long {
		long[i] = orb.Point{float64(i) * 1e-4, 0}
	}
	tests := []struct {
		name string
		g    orb.Geometry
		area orb.Polygon
		want string
	}{
		{"nil", nil, nil, ""},
		{"nil with area", nil, berlin, ""},
		{"point", orb.Point{13.4, 52.5}, nil, ""},
		{"NaN point", orb.Point{math.NaN(), 0}, nil, CodeCoordinates},
		{"Inf lat", orb.LineString{{0, 0}, {0, math.Inf(1)}}, nil, CodeCoordinates},
		{"NaN in ring", orb.Polygon{{{0, 0}, {1, 0}, {math.NaN(), 1}, {0, 0}}}, nil, CodeCoordinates},
		{"lon 200", orb.Point{200, 0}, nil, CodeRange},
		{"lon -180.0001", orb.Point{-180.0001, 0}, nil, CodeRange},
		{"multipoint", orb.MultiPoint{{1, 2}}, nil, CodeType},
		{"ring type", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, nil, CodeType},
		{"collection", orb.Collection{orb.Point{1, 2}}, nil, CodeType},
		{"1001 vertices", long, nil, CodeTooManyVertices},
		{"1001 vertices, higher limit", long, nil, ""},
		{"point 10 m outside", eastOf(10), berlin, ""},
		{"point 24 m outside", eastOf(24), berlin, ""},
		{"point 26 m outside", eastOf(26), berlin, CodeOutsideArea},
		{"point 100 m outside", eastOf(100), berlin, CodeOutsideArea},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := lim
			if strings.Contains(tt.name, "higher limit") {
				l.MaxVertices = 2000
			}
			if got := code(Validate(tt.g, tt.area, l)); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
		})
	}
	// Zero tolerance: only inside or exactly on the boundary.
	if err := Validate(eastOf(10), berlin, Limits{Tolerance: 0}); code(err) != CodeOutsideArea {
		t.Errorf("tolerance 0, 10 m outside: %v", err)
	}
	// Area with a hole: a point in the hole is outside.
	holed := orb.Polygon{berlin[0], {{13.405, 52.505}, {13.405, 52.515}, {13.415, 52.515}, {13.415, 52.505}, {13.405, 52.505}}}
	if err := Validate(orb.Point{13.41, 52.51}, holed, lim); code(err) != CodeOutsideArea {
		t.Errorf("point in the area's hole: %v", err)
	}
}

func TestErrorMessage(t *testing.T) {
	err := error(&Error{Code: CodeRange, Detail: "longitude 200 outside [-180,180]"})
	if got := err.Error(); got != "geo: geometry_range: longitude 200 outside [-180,180]" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Code: CodeType}).Error(); got != "geo: geometry_type" {
		t.Errorf("Error() = %q", got)
	}
}

func TestMarshalGeometry(t *testing.T) {
	tests := []struct {
		g    orb.Geometry
		want string
	}{
		{nil, `null`},
		{orb.Point{13.123456789, -52.00000004}, `{"type":"Point","coordinates":[13.1234568,-52]}`},
		{orb.Point{-0.00000001, 0}, `{"type":"Point","coordinates":[0,0]}`},
		{orb.LineString{{1, 2}, {3.5, 4}}, `{"type":"LineString","coordinates":[[1,2],[3.5,4]]}`},
		// Clockwise exterior ring is written counter-clockwise.
		{orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {0, 0}}}, `{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,1],[0,0]]]}`},
		{orb.Polygon{{{0, 0}, {1, 1}, {0, 1}, {0, 0}}}, `{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,1],[0,0]]]}`},
		{orb.MultiPoint{{1, 2}}, `{"type":"MultiPoint","coordinates":[[1,2]]}`},
		{orb.Collection{orb.Point{1, 2}}, `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`},
		{orb.Point{math.NaN(), 0}, `null`},
	}
	for _, tt := range tests {
		if got := string(MarshalGeometry(tt.g)); got != tt.want {
			t.Errorf("MarshalGeometry(%v) = %s, want %s", tt.g, got, tt.want)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, g := range []orb.Geometry{
		orb.Point{13.4050001, 52.5200002},
		orb.LineString{{13.4, 52.5}, {13.41, 52.51}, {13.42, 52.5}},
		orb.Polygon{{{13.4, 52.5}, {13.41, 52.5}, {13.41, 52.51}, {13.4, 52.51}, {13.4, 52.5}}},
		orb.Point{-179.9999999, -89.9999999},
	} {
		raw := MarshalGeometry(g)
		back, err := ParseAndValidate(raw, nil, DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !orb.Equal(back, g) {
			t.Errorf("round trip of %v gave %v", g, back)
		}
		if again := MarshalGeometry(back); string(again) != string(raw) {
			t.Errorf("second marshal %s differs from %s", again, raw)
		}
	}
}

func FuzzParseGeometry(f *testing.F) {
	seeds := []string{
		``, `null`, `{}`, `[]`, `"x"`, `{"type":"Point"}`,
		`{"type":"Point","coordinates":[13.4,52.5]}`,
		`{"type":"Point","coordinates":[13.4,52.5,10]}`,
		`{"type":"Point","coordinates":[1e400,-1e400]}`,
		`{"type":"Point","coordinates":"x"}`,
		`{"type":"Point","coordinates":[[1,2]]}`,
		`{"type":"LineString","coordinates":[[0,0],[1,1],[1,0],[0,1]]}`,
		`{"type":"LineString","coordinates":[[1,2],[1,2]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`,
		`{"type":"Polygon","coordinates":[[],[[]]]}`,
		`{"type":"MultiPoint","coordinates":[[1,2]]}`,
		`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`,
		`{"type":"Point","coordinates":[1,2],"type":"Polygon"}`,
		`{"type":"Point","coordinates":[-0,0.0000000001]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	lim := Limits{MaxVertices: 200, Tolerance: 25}
	f.Fuzz(func(t *testing.T, raw []byte) {
		g, err := ParseGeometry(raw, lim)
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) || ge.Code == "" {
				t.Fatalf("error is not a *geo.Error with a code: %v", err)
			}
			if g != nil {
				t.Fatalf("geometry %v returned with error", g)
			}
			return
		}
		if g == nil {
			return
		}
		if err := Validate(g, berlin, lim); err != nil && code(err) == "" {
			t.Fatalf("Validate: %v", err)
		}
		out := MarshalGeometry(g)
		if string(out) == "null" {
			t.Fatalf("parsed geometry %v marshals to null", g)
		}
		back, err := ParseGeometry(out, lim)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", out, err)
		}
		if back.GeoJSONType() != g.GeoJSONType() {
			t.Fatalf("type changed from %s to %s", g.GeoJSONType(), back.GeoJSONType())
		}
	})
}
