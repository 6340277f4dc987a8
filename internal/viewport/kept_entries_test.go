package viewport_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
)

// indexCountingStore counts the tile entries the viewports read.
type indexCountingStore struct {
	*store.Store
	reads int
}

func (c *indexCountingStore) ViewportIndex(ctx context.Context, id int64, b orb.Bound) ([]store.IndexEntry, error) {
	c.reads++
	return c.Store.ViewportIndex(ctx, id, b)
}

// A street's tile entries are read again only after a write that changes
// the spatial index: after a rating the answer shows the new count from
// the kept entries; after a new located contribution, a hidden one and a
// moved one it is read again. Every answer is the store's own.
func TestTileEntriesAreKeptAcrossWritesThatLeaveTheMapAlone(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "k.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: model.Procedure{Slug: "k", Title: "K", Settings: model.DefaultSettings(),
		Area:       orb.Polygon{{{9.9, 53.5}, {10.0, 53.5}, {10.0, 53.6}, {9.9, 53.6}, {9.9, 53.5}}},
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün"}}}}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	add := func(i int, at orb.Point) *model.Contribution {
		created := now.Add(time.Duration(i) * time.Second)
		return &model.Contribution{ID: uuid.NewString(), ProcedureID: 1, Category: "gruen", Title: fmt.Sprint("T", i),
			Text: "Ein Text mit genug Zeichen.", Geometry: at, Origin: "online", Status: model.Published, CreatedAt: created, UpdatedAt: created}
	}
	var cs []*model.Contribution
	for i := 0; i < 300; i++ {
		cs = append(cs, add(i, orb.Point{9.951 + float64(i%30)*0.0001, 53.551 + float64(i/30)*0.0001}))
	}
	if err := st.InsertContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	cst := &indexCountingStore{Store: st}
	vp := viewport.New(cst, func(ctx context.Context, _ *model.Procedure, f store.Filter) (int, error) {
		return st.CountContributions(ctx, f)
	})
	view := orb.Bound{Min: orb.Point{9.9505, 53.5505}, Max: orb.Point{9.9545, 53.5525}}
	asked := 0
	// ask answers the view at the procedure's current version and checks
	// it against the store; it returns how many tile entries were read.
	ask := func(what string) int {
		t.Helper()
		p, err := st.ProcedureBySlug(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		before := cst.reads
		f := store.Filter{ProcedureID: p.ID, BBox: &view, Limit: 100}
		asked++
		got, err := vp.Answer(ctx, p, viewport.Query{Filter: f, Key: fmt.Sprint(asked)})
		if err != nil {
			t.Fatal(err)
		}
		defer got.Release()
		feats, next, total, err := st.Features(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if want := viewport.Collection(nil, feats, total, next); string(got.Body) != string(want) {
			t.Fatalf("%s: the answer differs from the store's\n got %.300s\nwant %.300s", what, got.Body, want)
		}
		return cst.reads - before
	}
	if n := ask("first"); n == 0 {
		t.Fatal("the first answer read no tile entries")
	}
	newest := cs[len(cs)-1]
	if _, _, err := st.Rate(ctx, newest.ID, []byte("voter"), 1); err != nil {
		t.Fatal(err)
	}
	if n := ask("after a rating"); n != 0 {
		t.Errorf("after a rating %d tile entries were read again; the map did not change", n)
	}
	if err := st.AddComment(ctx, &model.Comment{ContributionID: newest.ID, Text: "Sehe ich auch so.", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if n := ask("after a comment"); n != 0 {
		t.Errorf("after a comment %d tile entries were read again", n)
	}
	for _, w := range []struct {
		what  string
		write func() error
	}{
		{"a new contribution in view", func() error { return st.InsertContribution(ctx, add(1000, orb.Point{9.952, 53.5512}), nil, "") }},
		{"the newest hidden", func() error {
			_, err := st.UpdateContribution(ctx, newest.ID, func(c *model.Contribution) error { c.Status = model.Hidden; return nil })
			return err
		}},
		{"one moved out of view", func() error {
			_, err := st.UpdateContribution(ctx, cs[len(cs)-2].ID, func(c *model.Contribution) error { c.Geometry = orb.Point{9.99, 53.59}; return nil })
			return err
		}},
	} {
		if err := w.write(); err != nil {
			t.Fatal(err)
		}
		if n := ask(w.what); n == 0 {
			t.Errorf("after %s no tile entries were read again", w.what)
		}
	}
}
