package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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

// A list with a bbox and other conditions gives the same pages whether the
// bbox holds the newest matches of the other conditions (found among the
// first few hundred of them), only old ones far behind them, or exactly a
// page of the newest and more far behind; as features and as
// contributions.
func TestBBoxWithOtherConditionsPagesLikeAFullScan(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	// 1,000 contributions, four in five gruen: the oldest twenty alone in
	// the south-west; seven among the newest and five just after the
	// oldest in the north-east; the others in the middle.
	mixed := map[int]bool{999: true, 998: true, 996: true, 994: true, 993: true, 992: true, 991: true, 21: true, 22: true, 23: true, 24: true, 26: true}
	var cs []*model.Contribution
	for i := 0; i < 1000; i++ {
		pt := orb.Point{9.95 + float64(i%10)*0.0001, 53.55}
		switch {
		case i < 20:
			pt = orb.Point{9.91, 53.51}
		case mixed[i]:
			pt = orb.Point{9.99, 53.59}
		}
		c := contribution(p, fmt.Sprintf("Beitrag %d", i), pt, base.Add(time.Duration(i)*time.Second))
		if i%5 == 0 {
			c.Category = "verkehr"
		}
		cs = append(cs, c)
	}
	if err := st.InsertContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	near := orb.Bound{Min: orb.Point{9.9495, 53.549}, Max: orb.Point{9.9504, 53.551}}
	old := orb.Bound{Min: orb.Point{9.905, 53.505}, Max: orb.Point{9.915, 53.515}}
	ne := orb.Bound{Min: orb.Point{9.985, 53.585}, Max: orb.Point{9.995, 53.595}}
	for _, tc := range []struct {
		name string
		bb   orb.Bound
		sort string
	}{{"newest near the head", near, ""}, {"oldest first", old, store.SortOldest}, {"far behind the head", old, ""},
		{"a page at the head, more far behind", ne, ""}} {
		// What a scan finds: gruen in the bbox, in the order asked.
		var want []string
		for _, c := range cs {
			if pt := c.Geometry.(orb.Point); c.Category == "gruen" && tc.bb.Contains(pt) {
				want = append(want, c.ID)
			}
		}
		if tc.sort == "" {
			for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
				want[i], want[j] = want[j], want[i]
			}
		}
		if len(want) < 8 {
			t.Fatalf("%s: only %d matches to page through", tc.name, len(want))
		}
		f := store.Filter{ProcedureID: p.ID, Category: "gruen", BBox: &tc.bb, Sort: tc.sort, Limit: 7}
		var gotC, gotF []string
		for g := f; ; {
			list, next, err := st.Contributions(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				gotC = append(gotC, c.ID)
			}
			if next == "" {
				break
			}
			g.Cursor = next
		}
		for g := f; ; {
			feats, next, total, err := st.Features(ctx, g)
			if err != nil {
				t.Fatal(err)
			}
			if g.Cursor == "" && total != len(want) {
				t.Errorf("%s: counted %d, want %d", tc.name, total, len(want))
			}
			for _, b := range feats {
				var ft struct{ ID string }
				if err := json.Unmarshal(b, &ft); err != nil {
					t.Fatal(err)
				}
				gotF = append(gotF, ft.ID)
			}
			if next == "" {
				break
			}
			g.Cursor = next
		}
		if !slices.Equal(gotC, want) || !slices.Equal(gotF, want) {
			t.Errorf("%s: contributions %d, features %d, a scan %d (first %v / %v / %v)", tc.name, len(gotC), len(gotF), len(want),
				gotC[:min(2, len(gotC))], gotF[:min(2, len(gotF))], want[:2])
		}
	}
}
