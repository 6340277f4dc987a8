package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
)

// Each change of the spatial index names the places it touched: a box
// around them reports a change between the two geo versions, a box
// elsewhere does not; a move touches its old and its new place. Versions
// whose changes are not all known report a change.
func TestGeoChangesNameThePlacesTheyTouch(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	around := func(lon, lat float64) orb.Bound {
		return orb.Bound{Min: orb.Point{lon - 0.001, lat - 0.001}, Max: orb.Point{lon + 0.001, lat + 0.001}}
	}
	station, park, far := around(9.95, 53.55), around(9.96, 53.56), around(10.1, 53.7)
	last := p.GeoVersion
	step := func(what string, write func() error, touched, untouched []orb.Bound) {
		t.Helper()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		now, err := st.ProcedureByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range touched {
			if changed, err := st.GeoChangedIn(ctx, p.ID, last, now.GeoVersion, b); err != nil || !changed {
				t.Errorf("%s: no change reported at %v (%v)", what, b.Center(), err)
			}
		}
		for _, b := range untouched {
			if changed, err := st.GeoChangedIn(ctx, p.ID, last, now.GeoVersion, b); err != nil || changed {
				t.Errorf("%s: a change reported at %v (%v)", what, b.Center(), err)
			}
		}
		if changed, _ := st.GeoChangedIn(ctx, p.ID, now.GeoVersion, now.GeoVersion, station); changed {
			t.Errorf("%s: a change reported within one version", what)
		}
		last = now.GeoVersion
	}
	located := contribution(p, "Baum am Bahnhof", orb.Point{9.95, 53.55}, time.Now())
	step("a located contribution", func() error { return st.InsertContribution(ctx, located, nil, "") },
		[]orb.Bound{station}, []orb.Bound{park, far})
	edit := func(what string, change func(*model.Contribution), touched, untouched []orb.Bound) {
		step(what, func() error {
			_, err := st.UpdateContribution(ctx, located.ID, func(c *model.Contribution) error { change(c); return nil })
			return err
		}, touched, untouched)
	}
	edit("moved", func(c *model.Contribution) { c.Geometry = orb.Point{9.96, 53.56} }, []orb.Bound{station, park}, []orb.Bound{far})
	edit("hidden", func(c *model.Contribution) { c.Status = model.Hidden }, []orb.Bound{park}, []orb.Bound{station, far})
	edit("published again", func(c *model.Contribution) { c.Status = model.Published }, []orb.Bound{park}, []orb.Bound{station, far})
	edit("its place removed", func(c *model.Contribution) { c.Geometry = nil }, []orb.Bound{park}, []orb.Bound{station, far})
	edit("a place again", func(c *model.Contribution) { c.Geometry = orb.Point{9.95, 53.55} }, []orb.Bound{station}, []orb.Bound{park, far})

	// Two changes at once: the one far away is reported over both versions.
	step("another far away", func() error {
		return st.InsertContribution(ctx, contribution(p, "Bank am Ufer", orb.Point{10.1, 53.7}, time.Now()), nil, "")
	}, []orb.Bound{far}, []orb.Bound{station, park})
	if changed, _ := st.GeoChangedIn(ctx, p.ID, last-2, last, far); !changed {
		t.Error("over two versions: the far change is not reported")
	}
	if changed, _ := st.GeoChangedIn(ctx, p.ID, last-2, last, park); changed {
		t.Error("over two versions: a change reported at the park")
	}
	// Before the first version nothing is known.
	if changed, _ := st.GeoChangedIn(ctx, p.ID, -1, last, park); !changed {
		t.Error("changes not all known, but none reported")
	}
}
