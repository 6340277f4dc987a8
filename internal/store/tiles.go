package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
)

// Tile zoom levels kept in cluster_tiles.
const (
	MinTileZoom = 10
	MaxTileZoom = 19
)

// tileDelta adds d (+1 or -1) for a contribution centred at p to every zoom
// level of cluster_tiles.
func tileDelta(tx *sql.Tx, procedureID int64, p orb.Point, d int) error {
	for z := MinTileZoom; z <= MaxTileZoom; z++ {
		x, y := geo.TileXY(p, z)
		if _, err := tx.Exec(`INSERT INTO cluster_tiles(procedure_id, z, x, y, n, sum_lon, sum_lat) VALUES (?,?,?,?,?,?,?)
			ON CONFLICT(procedure_id, z, x, y) DO UPDATE SET n = n + excluded.n,
				sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat`,
			procedureID, z, x, y, d, float64(d)*p.Lon(), float64(d)*p.Lat()); err != nil {
			return fmt.Errorf("store: unable to count tile: %w", err)
		}
		if d < 0 {
			if _, err := tx.Exec(`DELETE FROM cluster_tiles WHERE procedure_id = ? AND z = ? AND x = ? AND y = ? AND n <= 0`,
				procedureID, z, x, y); err != nil {
				return err
			}
		}
	}
	return nil
}

// counted reports whether a contribution belongs in cluster_tiles.
func counted(status model.ContributionStatus, located bool) bool {
	return status == model.Published && located
}

// TileClusters returns the tiles at zoom z that overlap b with their counts
// of published, located contributions; each cluster's bound is its tile's.
func (s *Store) TileClusters(ctx context.Context, procedureID int64, b orb.Bound, z int) ([]Cluster, int, error) {
	x0, y0, x1, y1 := geo.TileRange(b, z)
	rows, err := s.read.QueryContext(ctx, `SELECT x, y, n, sum_lon, sum_lat FROM cluster_tiles
		WHERE procedure_id = ? AND z = ? AND x BETWEEN ? AND ? AND y BETWEEN ? AND ? AND n > 0`, procedureID, z, x0, x1, y0, y1)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to read tiles: %w", err)
	}
	defer rows.Close()
	var out []Cluster
	total := 0
	for rows.Next() {
		var x, y, n int
		var sl, sa float64
		if err := rows.Scan(&x, &y, &n, &sl, &sa); err != nil {
			return nil, 0, err
		}
		out = append(out, Cluster{Count: n, Center: orb.Point{sl / float64(n), sa / float64(n)}, Bound: geo.TileBound(x, y, z)})
		total += n
	}
	return out, total, rows.Err()
}

// recountTiles rebuilds cluster_tiles from the contributions (after the
// migration that adds it).
func recountTiles(tx *sql.Tx) error {
	if _, err := tx.Exec(`DELETE FROM cluster_tiles`); err != nil {
		return err
	}
	rows, err := tx.Query(`SELECT procedure_id, lon, lat FROM contributions WHERE status = 'published' AND lon IS NOT NULL`)
	if err != nil {
		return err
	}
	type row struct {
		proc int64
		p    orb.Point
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.proc, &r.p[0], &r.p[1]); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	for _, r := range all {
		if err := tileDelta(tx, r.proc, r.p, 1); err != nil {
			return err
		}
	}
	return nil
}
