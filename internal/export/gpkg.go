package export

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the GeoPackage is a SQLite file

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// A GeoPackage (OGC 12-128r18, version 1.3) is a SQLite file with a few
// metadata tables. This DDL belongs to the file format, not to Mitreden's
// own schema, which is why it lives here and not in the store.
const gpkgSchema = `
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
`

// gpkgTable is the feature table's name.
const gpkgTable = "contributions"

// gpkgType is the SQL type of a column in the feature table.
func gpkgType(c column) string {
	switch {
	case c.num:
		return "INTEGER"
	case c.key == "created_at" || c.key == "updated_at":
		return "DATETIME"
	}
	return "TEXT"
}

// createGPKG creates a new GeoPackage at path with its metadata tables.
func createGPKG(ctx context.Context, path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=OFF&_synchronous=OFF&_foreign_keys=1")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, gpkgSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("export: unable to create GeoPackage: %w", err)
	}
	return db, nil
}

// registerLayer records the feature table (already created, its geometry
// in column geom, EPSG:4326) in the GeoPackage's contents.
func registerLayer(ctx context.Context, db *sql.DB, table, geomType, identifier, description string, now time.Time) error {
	if _, err := db.ExecContext(ctx, `INSERT INTO gpkg_contents(table_name, data_type, identifier, description, last_change, srs_id)
		VALUES (?, 'features', ?, ?, ?, 4326)`, table, identifier, description, now.Format("2006-01-02T15:04:05.000Z")); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, 4326, 0, 0)`, table, geomType)
	return err
}

// writeGPKG writes the contributions as one feature table of mixed
// geometry type in EPSG:4326 into a new GeoPackage at path.
func writeGPKG(ctx context.Context, st Store, p *model.Procedure, path string, opt Options) error {
	db, err := createGPKG(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	cols := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT", "geom GEOMETRY"}
	names := []string{"geom"}
	for _, c := range columns {
		cols = append(cols, fmt.Sprintf("%q %s", c.key, gpkgType(c)))
		names = append(names, fmt.Sprintf("%q", c.key))
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %q (%s)", gpkgTable, strings.Join(cols, ", "))); err != nil {
		return fmt.Errorf("export: unable to create GeoPackage table: %w", err)
	}
	if err := registerLayer(ctx, db, gpkgTable, "GEOMETRY", p.Title, p.SummaryMD, opt.now()); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %q (%s) VALUES (?%s)", gpkgTable,
		strings.Join(names, ", "), strings.Repeat(", ?", len(columns))))
	if err != nil {
		return err
	}
	defer ins.Close()
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	args := make([]any, len(columns)+1)
	s := newStream(ctx, st, p, opt)
	err = s.each(false, func(r *store.ExportRow) error {
		c := r.Contribution
		blob, err := geo.GeoPackageBinary(c.Geometry, 4326)
		if err != nil {
			return err
		}
		if blob != nil {
			args[0] = blob
			b := c.Geometry.Bound()
			minX, minY = math.Min(minX, b.Min[0]), math.Min(minY, b.Min[1])
			maxX, maxY = math.Max(maxX, b.Max[0]), math.Max(maxY, b.Max[1])
		} else {
			args[0] = nil
		}
		for i, col := range columns {
			v := col.get(p, opt.Locale, c)
			if col.num {
				args[i+1] = v
				continue
			}
			if col.key == "created_at" || col.key == "updated_at" {
				t := c.CreatedAt
				if col.key == "updated_at" {
					t = c.UpdatedAt
				}
				v = t.UTC().Format("2006-01-02T15:04:05.000Z")
			}
			args[i+1] = strings.ToValidUTF8(v, "\uFFFD")
		}
		_, err = ins.ExecContext(ctx, args...)
		return err
	})
	if err != nil {
		return err
	}
	if !math.IsInf(minX, 0) {
		if _, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?`,
			minX, minY, maxX, maxY, gpkgTable); err != nil {
			return err
		}
	}
	return tx.Commit()
}
