package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// A filtered list's first page counts all its matches (as
// CountContributions does and as paging through finds them), later pages
// say -1; and the count is of the same state as the page while
// contributions are written: a page holding every match has as many as it
// counts.
func TestFeaturesCountTheFilteredMatchesAsOfThePage(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	for i := 0; i < 60; i++ {
		var g orb.Geometry
		if i%3 != 0 {
			g = orb.Point{9.9 + float64(i)*0.001, 53.55}
		}
		c := contribution(p, fmt.Sprintf("Beitrag %d", i), g, base.Add(time.Duration(i)*time.Second))
		if i%2 == 0 {
			c.Category = "verkehr"
		}
		if i%5 == 0 {
			c.Text = "Ein Baum fehlt hier an der Ecke."
		}
		if i%7 == 0 {
			c.Status = model.Hidden
		}
		c.Up = i % 4
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	bb := orb.Bound{Min: orb.Point{9.91, 53.54}, Max: orb.Point{9.94, 53.56}}
	for _, f := range []store.Filter{
		{Category: "verkehr"},
		{Sort: store.SortRated},
		{Sort: store.SortOldest, GeomType: "Point"},
		{Query: "Baum"},
		{BBox: &bb, Category: "gruen"},
		{Statuses: []model.ContributionStatus{model.Published, model.Hidden}},
	} {
		f.ProcedureID, f.Limit = p.ID, 7
		want, err := st.CountContributions(ctx, f)
		if err != nil || want == 0 {
			t.Fatalf("%+v: count %d, %v", f, want, err)
		}
		seen := 0
		for page := 0; ; page++ {
			feats, next, total, err := st.Features(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if page == 0 && total != want {
				t.Errorf("%+v: the first page counts %d, CountContributions %d", f, total, want)
			}
			if page > 0 && total != -1 {
				t.Errorf("%+v: page %d counts %d, want -1", f, page, total)
			}
			seen += len(feats)
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if seen != want {
			t.Errorf("%+v: paging through finds %d, the count says %d", f, seen, want)
		}
	}

	// While contributions are written, one page of every match.
	var done atomic.Bool
	errs := make(chan error, 1)
	go func() {
		defer done.Store(true)
		for i := 0; i < 300; i++ {
			c := contribution(p, fmt.Sprintf("Neu %d", i), nil, time.Now())
			if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
				errs <- err
				return
			}
		}
	}()
	asked := 0
	for !done.Load() || asked < 10 {
		feats, _, total, err := st.Features(ctx, store.Filter{ProcedureID: p.ID, Category: "gruen", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(feats) != total {
			t.Fatalf("ask %d: a page of every match holds %d, counted %d", asked, len(feats), total)
		}
		asked++
	}
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
}
