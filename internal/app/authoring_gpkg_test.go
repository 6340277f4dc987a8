package app_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/mitreden/mitreden/internal/geo"
)

// gpkgWith writes a minimal GeoPackage whose table "gebiet" holds polys in
// the coordinate system srs, and returns its bytes.
func gpkgWith(t *testing.T, srs int32, polys ...orb.Polygon) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gebiet.gpkg")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`PRAGMA application_id = 1196444487`,
		`CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT)`,
		`CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER)`,
		`CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT)`,
		`CREATE TABLE gebiet (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO gpkg_geometry_columns VALUES ('gebiet', 'geom', 'POLYGON', ?, 0, 0)`, srs); err != nil {
		t.Fatal(err)
	}
	for _, p := range polys {
		b, err := geo.GeoPackageBinary(p, srs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO gebiet(geom, name) VALUES (?, 'Plangebiet')`, b); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAreaFromAGeoPackage takes the planning area from a GeoPackage in
// EPSG:4326 or 3857 and refuses other coordinate systems, several areas
// and a database that is no GeoPackage, with messages.
func TestAreaFromAGeoPackage(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	const s = "aus-gpkg"
	a.create(t, s, "Aus dem GIS")
	ring := orb.Polygon{{{9.93, 53.55}, {9.95, 53.55}, {9.95, 53.56}, {9.93, 53.56}, {9.93, 53.55}}}
	up := func(data []byte) result {
		return a.upload(t, "/admin/p/"+s+"/area", map[string]string{"source": "file"}, "file", "gebiet.gpkg", data)
	}
	if r := up(gpkgWith(t, 4326, ring)); r.status != 303 {
		t.Fatalf("4326: %d %.1500s", r.status, r.body)
	}
	p, _ := e.st.ProcedureBySlug(context.Background(), s)
	if p.Area == nil || p.Area[0][1] != (orb.Point{9.95, 53.55}) {
		t.Fatalf("area from 4326: %v", p.Area)
	}
	merc := project.Polygon(orb.Clone(ring).(orb.Polygon), project.WGS84.ToMercator)
	if r := up(gpkgWith(t, 3857, merc)); r.status != 303 {
		t.Fatalf("3857: %d", r.status)
	}
	p, _ = e.st.ProcedureBySlug(context.Background(), s)
	if d := p.Area[0][2][1] - 53.56; d > 1e-9 || d < -1e-9 {
		t.Fatalf("area from 3857: %v", p.Area)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"UTM", gpkgWith(t, 25832, orb.Polygon{{{565000, 5934000}, {566000, 5934000}, {566000, 5935000}, {565000, 5934000}}}), "EPSG:4326"},
		{"two areas", gpkgWith(t, 4326, ring, ring), "genau eine Fläche"},
		{"no geometry in it", gpkgWith(t, 4326), "kein GeoPackage"},
	} {
		r := up(c.data)
		if r.status != 422 || !strings.Contains(r.body, c.want) {
			t.Errorf("%s: %d, want 422 with %q", c.name, r.status, c.want)
		}
	}
}
