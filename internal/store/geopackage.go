package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrNotGeoPackage is returned for a file that is not a GeoPackage with
// a geometry table.
var ErrNotGeoPackage = errors.New("store: not a GeoPackage with geometries")

// GeoPackageBlob is one geometry of an uploaded GeoPackage: its
// GeoPackage binary and the SRS id of its table.
type GeoPackageBlob struct {
	Blob  []byte
	SRSID int
}

// GeoPackageGeometries reads up to limit geometries of the first geometry
// table of a GeoPackage given as bytes (an upload). The file is written to
// a temporary file, opened read-only and immutable with untrusted schema
// objects off, and removed again.
func (s *Store) GeoPackageGeometries(ctx context.Context, data []byte, limit int) ([]GeoPackageBlob, error) {
	f, err := os.CreateTemp("", "mitreden-upload-*.gpkg")
	if err != nil {
		return nil, err
	}
	name := f.Name()
	defer os.Remove(name)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	db, err := sql.Open(readDriver, "file:"+name+"?mode=ro&immutable=1")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, ErrNotGeoPackage
	}
	defer conn.Close()
	// Views and triggers of a file from outside must not run functions.
	if _, err := conn.ExecContext(ctx, `PRAGMA trusted_schema = OFF`); err != nil {
		return nil, ErrNotGeoPackage
	}
	var table, column string
	var srs int
	err = conn.QueryRowContext(ctx, `SELECT c.table_name, c.column_name, c.srs_id FROM gpkg_geometry_columns c
		JOIN sqlite_master m ON m.name = c.table_name AND m.type = 'table' LIMIT 1`).Scan(&table, &column, &srs)
	if err != nil {
		return nil, ErrNotGeoPackage
	}
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s IS NOT NULL LIMIT ?`, q(column), q(table), q(column)), limit)
	if err != nil {
		return nil, ErrNotGeoPackage
	}
	defer rows.Close()
	var out []GeoPackageBlob
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, ErrNotGeoPackage
		}
		out = append(out, GeoPackageBlob{Blob: b, SRSID: srs})
	}
	if rows.Err() != nil {
		return nil, ErrNotGeoPackage
	}
	return out, nil
}
