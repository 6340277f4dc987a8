package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/paulmach/orb"
)

func TestTileCountsFollowInsertsMovesAndWithdrawals(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	all := orb.Bound{Min: orb.Point{9.9, 53.5}, Max: orb.Point{10.0, 53.6}}
	total := func(z int) int {
		_, n, err := st.TileClusters(ctx, p.ID, all, z)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var ids []string
	for i := 0; i < 30; i++ {
		c := contribution(p, "Kachel", orb.Point{9.91 + float64(i)*0.002, 53.55}, time.Now())
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if err := st.InsertContribution(ctx, contribution(p, "Ohne Ort", nil, time.Now()), nil, ""); err != nil {
		t.Fatal(err)
	}
	for z := store.MinTileZoom; z <= store.MaxTileZoom; z++ {
		if n := total(z); n != 30 {
			t.Fatalf("zoom %d counts %d, want 30", z, n)
		}
	}
	cells, _, _ := st.TileClusters(ctx, p.ID, all, 19)
	if len(cells) != 30 {
		t.Fatalf("zoom 19 has %d tiles, want 30", len(cells))
	}
	if _, _, err := st.Rate(ctx, ids[0], []byte("v"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateContribution(ctx, ids[1], func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateContribution(ctx, ids[2], func(c *model.Contribution) error { c.Geometry = orb.Point{9.99, 53.59}; return nil }); err != nil {
		t.Fatal(err)
	}
	if n := total(15); n != 29 {
		t.Fatalf("after withdrawal %d, want 29", n)
	}
	moved := orb.Bound{Min: orb.Point{9.985, 53.585}, Max: orb.Point{9.995, 53.595}}
	if _, n, _ := st.TileClusters(ctx, p.ID, moved, 19); n != 1 {
		t.Fatalf("moved contribution counted %d times at its new place", n)
	}
	// The bbox of the moved contribution is in the R*Tree at the new place.
	if n, _ := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID, BBox: &moved}); n != 1 {
		t.Fatalf("R*Tree not updated: %d", n)
	}
}

// The map's viewport question is answered inside the spatial index; it must
// agree with the general query on rows, order, paging and totals.
func TestViewportPathAgreesWithGeneralQuery(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	var ids []string
	for i := 0; i < 60; i++ {
		c := contribution(p, fmt.Sprintf("Punkt %d", i), orb.Point{9.90 + float64(i%12)*0.008, 53.51 + float64(i/12)*0.015}, base.Add(time.Duration(i%7)*time.Minute))
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	for _, id := range ids[:10] {
		if _, err := st.UpdateContribution(ctx, id, func(c *model.Contribution) error { c.Status = model.Hidden; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.UpdateContribution(ctx, ids[3], func(c *model.Contribution) error { c.Status = model.Published; return nil }); err != nil {
		t.Fatal(err)
	}
	bb := orb.Bound{Min: orb.Point{9.91, 53.50}, Max: orb.Point{9.97, 53.58}}
	for _, sort := range []string{store.SortNewest, store.SortOldest} {
		var fast, slow []string
		cursor, total := "", -2
		for {
			feats, next, n, err := st.Features(ctx, store.Filter{ProcedureID: p.ID, BBox: &bb, Sort: sort, Limit: 7, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if total == -2 {
				total = n
			}
			for _, b := range feats {
				var f struct{ ID string }
				_ = json.Unmarshal(b, &f)
				fast = append(fast, f.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		// The general path, forced by a filter that selects everything.
		cursor = ""
		for {
			list, next, err := st.Contributions(ctx, store.Filter{ProcedureID: p.ID, BBox: &bb, Sort: sort, Limit: 7, Cursor: cursor, Statuses: []model.ContributionStatus{model.Published, model.Published}})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				slow = append(slow, c.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(fast) == 0 || strings.Join(fast, ",") != strings.Join(slow, ",") || total != len(slow) {
			t.Fatalf("%s: index path %d rows (total %d), general path %d rows; equal order: %v", sort, len(fast), total, len(slow), strings.Join(fast, ",") == strings.Join(slow, ","))
		}
	}
}
