// Package basemap serves an offline base map from an MBTiles file (raster
// PNG or JPEG tiles in SQLite), so a workshop laptop shows a map without
// network.
package basemap

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"

	_ "github.com/mattn/go-sqlite3" // MBTiles is SQLite
)

// ErrNoTile is returned for a tile the file does not hold.
var ErrNoTile = errors.New("basemap: no such tile")

// MBTiles is an open MBTiles file.
type MBTiles struct {
	db     *sql.DB
	Format string // "png" or "jpg"
	Attrib string // the file's attribution, if any
}

// Open opens path read-only and checks that it is a raster MBTiles file.
func Open(path string) (*MBTiles, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	db, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+"?mode=ro&_query_only=true")
	if err != nil {
		return nil, fmt.Errorf("basemap: unable to open %s: %w", path, err)
	}
	m := &MBTiles{db: db, Format: "png"}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'tiles'`).Scan(&n); err != nil || n == 0 {
		db.Close()
		return nil, fmt.Errorf("basemap: %s is not an MBTiles file (no tiles table)", path)
	}
	rows, err := db.Query(`SELECT name, value FROM metadata`)
	if err == nil {
		for rows.Next() {
			var k, v string
			if rows.Scan(&k, &v) == nil {
				switch k {
				case "format":
					m.Format = v
				case "attribution":
					m.Attrib = v
				}
			}
		}
		rows.Close()
	}
	if m.Format == "jpeg" {
		m.Format = "jpg"
	}
	if m.Format != "png" && m.Format != "jpg" {
		db.Close()
		return nil, fmt.Errorf("basemap: %s holds %q tiles; only raster png or jpg tiles can be served", path, m.Format)
	}
	return m, nil
}

// Tile returns the tile at zoom z, column x and row y in the XYZ scheme
// (MBTiles stores rows in TMS order, counted from the south).
func (m *MBTiles) Tile(ctx context.Context, z, x, y int) ([]byte, error) {
	if z < 0 || z > 24 || x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
		return nil, ErrNoTile
	}
	var b []byte
	err := m.db.QueryRowContext(ctx, `SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?`,
		z, x, (1<<z)-1-y).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoTile
	}
	return b, err
}

// Close closes the file.
func (m *MBTiles) Close() error { return m.db.Close() }
