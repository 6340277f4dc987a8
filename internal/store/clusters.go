package store

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
)

// Cluster is a grid cell of contributions for low-zoom map views.
type Cluster struct {
	Count  int
	Center orb.Point // mean of the members' centres
	Bound  orb.Bound // of the members' centres
}

// Clusters groups the located contributions matching f (f.BBox should be
// set) into grid cells of cellLon×cellLat degrees anchored at -180,-90, counted and
// averaged inside SQLite so that no row leaves the database.
func (s *Store) Clusters(ctx context.Context, f Filter, cellLon, cellLat float64) ([]Cluster, error) {
	if cellLon <= 0 || cellLat <= 0 {
		return nil, fmt.Errorf("store: cluster cell must be positive")
	}
	where, args := f.clause()
	q := `SELECT COUNT(*), AVG(c.lon), AVG(c.lat), MIN(c.lon), MIN(c.lat), MAX(c.lon), MAX(c.lat)
		` + where + ` AND c.lon IS NOT NULL
		GROUP BY CAST((c.lon + 180.0) / ? AS INTEGER), CAST((c.lat + 90.0) / ? AS INTEGER)
		ORDER BY 1 DESC`
	rows, err := s.read.QueryContext(ctx, q, append(args, cellLon, cellLat)...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to cluster: %w", err)
	}
	defer rows.Close()
	var out []Cluster
	for rows.Next() {
		var k Cluster
		if err := rows.Scan(&k.Count, &k.Center[0], &k.Center[1], &k.Bound.Min[0], &k.Bound.Min[1], &k.Bound.Max[0], &k.Bound.Max[1]); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
