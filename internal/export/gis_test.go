package export_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/geo"
)

// ogrinfo runs GDAL's ogrinfo; without GDAL it reports false, except in
// CI, where make test installs gdal-bin and its absence is a failure.
func ogrinfo(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogrinfo (gdal-bin) is required in CI")
		}
		t.Log("ogrinfo not installed; GDAL check skipped (make test installs gdal-bin)")
		return "", false
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %v: %v\n%s", args, err, out)
	}
	return string(out), true
}

func TestGeoJSONIsAFeatureCollectionWithPlannerProperties(t *testing.T) {
	f := newFixture(t, 1)
	var fc struct {
		Type     string      `json:"type"`
		Features []gjFeature `json:"features"`
	}
	if err := json.Unmarshal(write(t, f, export.GeoJSON, export.Options{}), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != f.exported {
		t.Fatalf("%s with %d features", fc.Type, len(fc.Features))
	}
	for _, ft := range fc.Features {
		switch ft.ID {
		case f.noPlace.ID:
			if string(ft.Geometry) != "null" {
				t.Fatalf("geometry %s", ft.Geometry)
			}
		case f.polygon.ID:
			g, err := geo.ParseGeometry(ft.Geometry, geo.DefaultLimits())
			if err != nil || g.GeoJSONType() != "Polygon" {
				t.Fatalf("polygon %s: %v", ft.Geometry, err)
			}
			if ft.Properties["comment_count"] != float64(1) || ft.Properties["status"] != "published" {
				t.Fatalf("properties %v", ft.Properties)
			}
		case f.withdrawn.ID:
			t.Fatal("withdrawn exported")
		}
	}
}

func TestGeoPackageIsValidAndComplete(t *testing.T) {
	f := newFixture(t, 5)
	path := filepath.Join(t.TempDir(), "out.gpkg")
	if err := export.WriteFile(context.Background(), f.st, export.GPKG, f.p, path, export.Options{}); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var appID, userVersion int
	db.QueryRow("PRAGMA application_id").Scan(&appID)
	db.QueryRow("PRAGMA user_version").Scan(&userVersion)
	if appID != 0x47504B47 || userVersion != 10300 {
		t.Fatalf("application_id %x, user_version %d", appID, userVersion)
	}
	var n, nulls int
	if err := db.QueryRow(`SELECT count(*), sum(geom IS NULL) FROM contributions`).Scan(&n, &nulls); err != nil {
		t.Fatal(err)
	}
	if n != f.exported || nulls != 1 {
		t.Fatalf("%d features, %d without geometry", n, nulls)
	}
	var blob []byte
	if err := db.QueryRow(`SELECT geom FROM contributions WHERE id = ?`, f.polygon.ID).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if string(blob[:2]) != "GP" || blob[3] != 0x03 {
		t.Fatalf("geometry header % x", blob[:8])
	}
	var integrity string
	db.QueryRow("PRAGMA integrity_check").Scan(&integrity)
	if integrity != "ok" {
		t.Fatal(integrity)
	}
	out, ok := ogrinfo(t, "-ro", "-so", path, "contributions")
	if !ok {
		return
	}
	for _, want := range []string{"using driver `GPKG' successful", "Feature Count: " + strconv.Itoa(f.exported), `ID["EPSG",4326]`, "Extent: (9.9"} {
		if !strings.Contains(out, want) {
			t.Fatalf("ogrinfo output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ERROR") || strings.Contains(out, "Warning") {
		t.Fatalf("ogrinfo complains:\n%s", out)
	}
	out, _ = ogrinfo(t, "-ro", "-q", path, "-sql", "SELECT title, ST_GeometryType(geom) AS t FROM contributions WHERE id = '"+f.polygon.ID+"'")
	if !strings.Contains(out, "t (String) = POLYGON") || !strings.Contains(out, "Fläche") {
		t.Fatalf("ogrinfo query:\n%s", out)
	}
}
