package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/model"
)

// SubAreas lists a procedure's sub-areas in the order they were drawn.
func (s *Store) SubAreas(ctx context.Context, procedureID int64) ([]model.SubArea, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, name, area FROM sub_areas WHERE procedure_id = ? ORDER BY id`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sub-areas: %w", err)
	}
	defer rows.Close()
	var out []model.SubArea
	for rows.Next() {
		var a model.SubArea
		var raw string
		if err := rows.Scan(&a.ID, &a.Name, &raw); err != nil {
			return nil, err
		}
		g, err := geojson.UnmarshalGeometry([]byte(raw))
		if err != nil {
			return nil, fmt.Errorf("store: sub-area %d: %w", a.ID, err)
		}
		if poly, ok := g.Geometry().(orb.Polygon); ok {
			a.Area = poly
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SaveSubArea adds a sub-area (a.ID 0) or rewrites one of the procedure's
// (ErrNotFound when it has none with a.ID); it moves the procedure's version
// on and audits the change. It returns the sub-area's id.
func (s *Store) SaveSubArea(ctx context.Context, procedureID int64, a model.SubArea, au Audited) (int64, error) {
	b, err := geojson.NewGeometry(a.Area).MarshalJSON()
	if err != nil {
		return 0, err
	}
	id := a.ID
	err = s.Write(ctx, func(tx *sql.Tx) error {
		if a.ID == 0 {
			res, err := tx.Exec(`INSERT INTO sub_areas(procedure_id, name, area, created_at) VALUES (?,?,?,?)`, procedureID, a.Name, string(b), ms(time.Now()))
			if err != nil {
				return fmt.Errorf("store: unable to add sub-area: %w", err)
			}
			id, _ = res.LastInsertId()
		} else {
			res, err := tx.Exec(`UPDATE sub_areas SET name = ?, area = ? WHERE procedure_id = ? AND id = ?`, a.Name, string(b), procedureID, a.ID)
			if err != nil {
				return fmt.Errorf("store: unable to update sub-area: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
		}
		return touch(tx, procedureID, au, fmt.Sprintf("sub_area:%d", id), map[string]any{"name": a.Name, "area": string(b)})
	})
	return id, err
}

// DeleteSubArea removes one sub-area of a procedure.
func (s *Store) DeleteSubArea(ctx context.Context, procedureID, id int64, a Audited) error {
	return s.deleteOne(ctx, procedureID, `DELETE FROM sub_areas WHERE procedure_id = ? AND id = ?`, id, a, fmt.Sprintf("sub_area:%d", id))
}
