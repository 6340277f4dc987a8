package export

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
)

// The analysis GeoPackage's layers.
const (
	gpkgGrid    = "heat_grid"     // the density grid's cells as polygons with their counts
	gpkgTopics  = "topics"        // each topic at the centre of its placed members
	gpkgMembers = "topic_members" // each placed member of a topic at its place
)

// layer is one feature table being filled: its insert statement and the
// bounds of what it holds.
type layer struct {
	name                   string
	ins                    *sql.Stmt
	minX, minY, maxX, maxY float64
}

func newLayer(ctx context.Context, db *sql.DB, a *Analysis, name, geomType string, cols []string, opt *Options) (*layer, error) {
	defs := []string{"fid INTEGER PRIMARY KEY AUTOINCREMENT", "geom " + geomType}
	names := []string{"geom"}
	for _, c := range cols {
		defs = append(defs, c)
		names = append(names, strings.Fields(c)[0])
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE TABLE %q (%s)", name, strings.Join(defs, ", "))); err != nil {
		return nil, fmt.Errorf("export: unable to create GeoPackage table: %w", err)
	}
	if err := registerLayer(ctx, db, name, geomType, a.Proc.Title+" – "+opt.t("analysis_out.layer."+name), a.Proc.SummaryMD, opt.now()); err != nil {
		return nil, err
	}
	return &layer{name: name, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}, nil
}

// prepare readies the layer's insert statement in tx.
func (l *layer) prepare(ctx context.Context, tx *sql.Tx, n int) error {
	var err error
	l.ins, err = tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %q VALUES (NULL%s)", l.name, strings.Repeat(", ?", n+1)))
	return err
}

// add inserts a feature: its geometry (nil for none) and column values.
func (l *layer) add(ctx context.Context, g orb.Geometry, vals ...any) error {
	blob, err := geo.GeoPackageBinary(g, 4326)
	if err != nil {
		return err
	}
	if g != nil {
		b := g.Bound()
		l.minX, l.minY = math.Min(l.minX, b.Min[0]), math.Min(l.minY, b.Min[1])
		l.maxX, l.maxY = math.Max(l.maxX, b.Max[0]), math.Max(l.maxY, b.Max[1])
	}
	args := append([]any{nil}, vals...)
	if blob != nil {
		args[0] = blob
	}
	_, err = l.ins.ExecContext(ctx, args...)
	return err
}

// finish records the layer's bounds and closes its statement.
func (l *layer) finish(ctx context.Context, tx *sql.Tx) error {
	defer l.ins.Close()
	if math.IsInf(l.minX, 0) {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?`,
		l.minX, l.minY, l.maxX, l.maxY, l.name)
	return err
}

// writeAnalysisGPKG writes the density grid and the topics as layers of a
// new GeoPackage at path (EPSG:4326).
func writeAnalysisGPKG(ctx context.Context, a *Analysis, path string, opt Options) error {
	db, err := createGPKG(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	grid, err := newLayer(ctx, db, a, gpkgGrid, "POLYGON", []string{"row INTEGER", "col INTEGER", "count INTEGER", "hot_rank INTEGER"}, &opt)
	if err != nil {
		return err
	}
	topics, err := newLayer(ctx, db, a, gpkgTopics, "POINT", []string{"topic_key TEXT", "label TEXT", "terms TEXT", "size INTEGER", "placed INTEGER", "up INTEGER", "down INTEGER"}, &opt)
	if err != nil {
		return err
	}
	members, err := newLayer(ctx, db, a, gpkgMembers, "POINT", []string{"topic_key TEXT", "topic_label TEXT", "contribution_id TEXT", "title TEXT"}, &opt)
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for l, n := range map[*layer]int{grid: 4, topics: 7, members: 4} {
		if err := l.prepare(ctx, tx, n); err != nil {
			return err
		}
	}
	h := a.Heat
	rank := map[int]int{}
	for _, hc := range h.Hot {
		rank[hc.Row*h.Cols+hc.Col] = hc.Rank
	}
	dLon, dLat := h.Bound.Max.Lon()-h.Bound.Min.Lon(), h.Bound.Max.Lat()-h.Bound.Min.Lat()
	for i, n := range h.Cells {
		r, c := i/h.Cols, i%h.Cols
		w := h.Bound.Min.Lon() + float64(c)*dLon/float64(h.Cols)
		e := h.Bound.Min.Lon() + float64(c+1)*dLon/float64(h.Cols)
		north := h.Bound.Max.Lat() - float64(r)*dLat/float64(h.Rows)
		south := h.Bound.Max.Lat() - float64(r+1)*dLat/float64(h.Rows)
		cell := orb.Polygon{orb.Ring{{w, south}, {e, south}, {e, north}, {w, north}, {w, south}}}
		var hot any
		if k, ok := rank[i]; ok {
			hot = k
		}
		if err := grid.add(ctx, cell, r, c, n, hot); err != nil {
			return err
		}
	}
	for _, t := range a.Topics {
		var centre orb.Geometry
		if t.Placed > 0 {
			centre = t.Centre
		}
		if err := topics.add(ctx, centre, t.Key, t.Label, strings.Join(t.Terms, ", "), t.Size, t.Placed, t.Up, t.Down); err != nil {
			return err
		}
		for i, id := range t.Members {
			pt, ok := a.Places[id]
			if !ok {
				continue
			}
			title := ""
			if i < len(t.Titles) {
				title = t.Titles[i]
			}
			if err := members.add(ctx, pt, t.Key, t.Label, id, strings.ToValidUTF8(title, "\uFFFD")); err != nil {
				return err
			}
		}
	}
	for _, l := range []*layer{grid, topics, members} {
		if err := l.finish(ctx, tx); err != nil {
			return err
		}
	}
	return tx.Commit()
}
