package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/model"
)

// featureProps are the public properties of a contribution's GeoJSON Feature.
type featureProps struct {
	Title      string `json:"title"`
	Text       string `json:"text"`
	Category   string `json:"category"`
	Type       string `json:"type"`
	AuthorName string `json:"author_name"`
	Origin     string `json:"origin"`
	Up         int    `json:"rating_up"`
	Down       int    `json:"rating_down"`
	Comments   int    `json:"comment_count"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
}

type feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties featureProps    `json:"properties"`
}

// FeatureJSON renders c as an RFC 7946 GeoJSON Feature. The store keeps these
// bytes with the row so reads only concatenate them.
func FeatureJSON(c *model.Contribution) []byte {
	geom := json.RawMessage("null")
	if c.Geometry != nil {
		if b, err := geojson.NewGeometry(c.Geometry).MarshalJSON(); err == nil {
			geom = b
		}
	}
	b, _ := json.Marshal(feature{Type: "Feature", ID: c.ID, Geometry: geom, Properties: featureProps{
		Title: c.Title, Text: c.Text, Category: c.Category, Type: c.Type, AuthorName: c.AuthorName,
		Origin: c.Origin, Up: c.Up, Down: c.Down, Comments: c.Comments,
		CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339),
	}})
	return b
}

func geometryText(g orb.Geometry) (any, error) {
	if g == nil {
		return nil, nil
	}
	b, err := geojson.NewGeometry(g).MarshalJSON()
	return string(b), err
}

// Features returns the ready GeoJSON Feature bytes of the contributions
// matching f, the cursor of the next page and, on the first page (no
// cursor), the number of all matches counted in the same pass (-1 on later
// pages: ask CountContributions).
func (s *Store) Features(ctx context.Context, f Filter) (feats [][]byte, next string, total int, err error) {
	sel := "c.feature, -1"
	if f.Cursor == "" {
		sel = "c.feature, COUNT(*) OVER ()"
	}
	q, args, err := f.page(sel)
	if f.viewportOnly() {
		q, args, err = f.viewportPage()
	}
	if err != nil {
		return nil, "", 0, err
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", 0, fmt.Errorf("store: unable to query features: %w", err)
	}
	defer rows.Close()
	var keys [][2]int64
	total = -1
	if f.Cursor == "" {
		total = 0 // no rows, no window: nothing matched
	}
	for rows.Next() {
		var b []byte
		var v, seq int64
		if err := rows.Scan(&b, &total, &v, &seq); err != nil {
			return nil, "", 0, err
		}
		feats = append(feats, b)
		keys = append(keys, [2]int64{v, seq})
	}
	if err := rows.Err(); err != nil {
		return nil, "", 0, err
	}
	feats, next, err = trimPage(feats, keys, f.Limit)
	return feats, next, total, err
}

// viewportOnly reports whether f asks for published contributions in a
// bbox by date and nothing else: the map's question, answered inside the
// spatial index (see viewportPage).
func (f Filter) viewportOnly() bool {
	published := len(f.Statuses) == 0 || (len(f.Statuses) == 1 && f.Statuses[0] == model.Published)
	return f.BBox != nil && published && f.Category == "" && f.Type == "" && f.GeomType == "" && f.Origin == "" &&
		f.CreatedFrom == nil && f.CreatedTo == nil &&
		ftsQuery(f.Query) == "" && (f.Sort == "" || f.Sort == SortNewest || f.Sort == SortOldest)
}

// viewportPage picks the page inside the R*Tree, whose auxiliary columns
// hold procedure, published flag and creation time, then reads only the
// chosen rows; the window count on the first page counts all matches.
func (f Filter) viewportPage() (string, []any, error) {
	dir, op := "DESC", "<"
	if f.Sort == SortOldest {
		dir, op = "ASC", ">"
	}
	cond := "min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? AND procedure_id = ? AND published = 1"
	args := []any{f.BBox.Max.Lon(), f.BBox.Min.Lon(), f.BBox.Max.Lat(), f.BBox.Min.Lat(), f.ProcedureID}
	total := "COUNT(*) OVER ()"
	if f.Cursor != "" {
		v, seq, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		cond += fmt.Sprintf(" AND (created_at %s ? OR (created_at = ? AND seq %s ?))", op, op)
		args = append(args, v, v, seq)
		total = "-1"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q := fmt.Sprintf(`SELECT c.feature, g.total, g.created_at, g.seq FROM (
		SELECT seq, created_at, %s AS total FROM contributions_geo WHERE %s ORDER BY created_at %s, seq %s LIMIT %d
	) g JOIN contributions c ON c.seq = g.seq ORDER BY g.created_at %s, g.seq %s`, total, cond, dir, dir, limit+1, dir, dir)
	return q, args, nil
}
