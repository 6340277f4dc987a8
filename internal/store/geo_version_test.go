package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
)

// A procedure's geo version changes with every write that changes its
// spatial index (a located contribution added, moved, hidden, published
// again, withdrawn) and with no other (a rating, a comment, an edited text,
// a contribution without a place), while the version changes with each.
func TestGeoVersionChangesWithTheSpatialIndexOnly(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	last := p
	step := func(what string, geo bool, write func() error) {
		t.Helper()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		now, err := st.ProcedureByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version == last.Version {
			t.Errorf("%s: the version stayed %d", what, now.Version)
		}
		want := last.GeoVersion // one write, one change of the index at most
		if geo {
			want++
		}
		if now.GeoVersion != want {
			t.Errorf("%s: geo version %d -> %d, want %d", what, last.GeoVersion, now.GeoVersion, want)
		}
		last = now
	}
	located := contribution(p, "Baum am Bahnhof", orb.Point{9.95, 53.55}, time.Now())
	step("a located contribution", true, func() error { return st.InsertContribution(ctx, located, nil, "") })
	step("one without a place", false, func() error {
		return st.InsertContribution(ctx, contribution(p, "Ohne Ort", nil, time.Now()), nil, "")
	})
	step("a rating", false, func() error { _, _, err := st.Rate(ctx, located.ID, []byte("voter"), 1); return err })
	step("a comment", false, func() error {
		return st.AddComment(ctx, &model.Comment{ContributionID: located.ID, Text: "Sehe ich auch so.", CreatedAt: time.Now()})
	})
	edit := func(what string, geo bool, change func(*model.Contribution)) {
		step(what, geo, func() error {
			_, err := st.UpdateContribution(ctx, located.ID, func(c *model.Contribution) error { change(c); return nil })
			return err
		})
	}
	edit("an edited text", false, func(c *model.Contribution) { c.Text = "Ein anderer Text mit genug Zeichen." })
	edit("moved", true, func(c *model.Contribution) { c.Geometry = orb.Point{9.96, 53.56} })
	edit("hidden", true, func(c *model.Contribution) { c.Status = model.Hidden })
	edit("published again", true, func(c *model.Contribution) { c.Status = model.Published })
	edit("its place removed", true, func(c *model.Contribution) { c.Geometry = nil })
	edit("a place again", true, func(c *model.Contribution) { c.Geometry = orb.Point{9.95, 53.55} })
	edit("withdrawn", true, func(c *model.Contribution) { c.Status = model.Withdrawn })
}
