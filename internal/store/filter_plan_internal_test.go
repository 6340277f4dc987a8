package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The matches of a list filtered by category, type, geometry type, origin
// (one table or all of them) or planning status are counted from an index
// alone, searched by the filter, not by reading the rows or every entry.
func TestFilteredCountsReadAnIndexAlone(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "t.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f    Filter
		want string // the filter's constraint on the index
	}{
		{Filter{Category: "gruen"}, "category=?"}, {Filter{Type: "idee"}, "type=?"}, {Filter{GeomType: "Point"}, "geom_type=?"},
		{Filter{Origin: "table"}, "origin>? AND origin<?"}, {Filter{Origin: "table:3"}, "origin=?"},
		{Filter{PlanningStatus: "geprueft"}, "planning_status=?"},
	} {
		f := tc.f
		f.ProcedureID = 1
		where, args := f.clause()
		rows, err := st.read.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT COUNT(*) `+where, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if len(plan) != 1 || !strings.Contains(plan[0], "COVERING INDEX") || !strings.Contains(plan[0], "AND "+tc.want+")") {
			t.Errorf("%+v: counted by %q, want a covering index searched by %s", f, plan, tc.want)
		}
	}
}
