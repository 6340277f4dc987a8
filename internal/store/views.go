package store

import (
	"context"
	"database/sql"
	"fmt"
)

// AddProcedureViews adds page views per procedure to day's counters
// (YYYY-MM-DD, UTC). Views of a procedure deleted meanwhile are dropped.
func (s *Store) AddProcedureViews(ctx context.Context, day string, views map[int64]int) error {
	if len(views) == 0 {
		return nil
	}
	return s.Write(ctx, func(tx *sql.Tx) error {
		for id, n := range views {
			if _, err := tx.Exec(`INSERT INTO procedure_views(procedure_id, day, views)
				SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM procedures WHERE id = ?1)
				ON CONFLICT(procedure_id, day) DO UPDATE SET views = views + excluded.views`, id, day, n); err != nil {
				return fmt.Errorf("store: unable to count views: %w", err)
			}
		}
		return nil
	})
}

// ProcedureViewsSince sums each procedure's views from day fromDay on
// (YYYY-MM-DD, inclusive).
func (s *Store) ProcedureViewsSince(ctx context.Context, fromDay string) (map[int64]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT procedure_id, SUM(views) FROM procedure_views WHERE day >= ? GROUP BY procedure_id`, fromDay)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read views: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
