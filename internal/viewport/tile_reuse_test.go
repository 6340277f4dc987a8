package viewport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
)

// indexReadingStore counts the tiles the viewport reads from the spatial
// index and the feature bytes it reads by seq.
type indexReadingStore struct {
	*store.Store
	reads, bytesRead int
}

func (s *indexReadingStore) FeaturesBySeq(ctx context.Context, seqs []int64) ([][]byte, error) {
	s.bytesRead += len(seqs)
	return s.Store.FeaturesBySeq(ctx, seqs)
}

func (s *indexReadingStore) ViewportIndex(ctx context.Context, procedureID int64, b orb.Bound) ([]store.IndexEntry, error) {
	s.reads++
	return s.Store.ViewportIndex(ctx, procedureID, b)
}

// Between answers, residents add, move, hide and publish contributions:
// every answer is still what the store's query answers, and a change reads
// again only tiles it touched (the others are taken from the geo version
// they were read at); a touched tile reads only the bytes of the
// contributions that are new or changed in it, not those of all.
func TestTilesUntouchedByAChangeAreNotReadAgain(t *testing.T) {
	ctx := context.Background()
	st, p, rng := denseFixture(t)
	rs := &indexReadingStore{Store: st}
	vp := viewport.New(rs, func(ctx context.Context, _ *model.Procedure, f store.Filter) (int, error) {
		return st.CountContributions(ctx, f)
	})
	views := make([]orb.Bound, 16)
	for i := range views {
		w := 0.001 + rng.Float64()*0.003
		x, y := 9.95+rng.Float64()*0.004, 53.55+rng.Float64()*0.002
		views[i] = orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + w/2}}
	}
	ask := func(round int) {
		t.Helper()
		for i, b := range views {
			answerLikeTheStore(t, vp, st, p, store.Filter{ProcedureID: p.ID, BBox: &b, Sort: store.SortNewest, Limit: 50}, fmt.Sprint(round, "/", i))
		}
	}
	reload := func() {
		var err error
		if p, err = st.ProcedureBySlug(ctx, "v"); err != nil {
			t.Fatal(err)
		}
	}
	ask(0)
	first, firstBytes := rs.reads, rs.bytesRead
	if first == 0 {
		t.Fatal("no tile was read")
	}
	var ids []string
	for round := 1; round <= 24; round++ {
		now := time.Now()
		// A write each round, in the views' streets (changing tiles the
		// views use) or far from them (changing none).
		x, y := 9.95+rng.Float64()*0.006, 53.55+rng.Float64()*0.003
		if round%4 == 3 {
			x, y = 9.91, 53.51
		}
		switch {
		case round%3 != 0 || len(ids) == 0 || round%4 == 3: // far: always a new one
			c := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: fmt.Sprint("Neu ", round),
				Text: "Ein Text mit genug Zeichen.", Geometry: orb.Point{x, y}, Origin: "online", Status: model.Published, CreatedAt: now, UpdatedAt: now}
			if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
		default:
			id := ids[rng.IntN(len(ids))]
			if _, err := st.UpdateContribution(ctx, id, func(c *model.Contribution) error {
				if rng.IntN(2) == 0 {
					c.Geometry = orb.Point{x, y}
				} else if c.Status == model.Published {
					c.Status = model.Hidden
				} else {
					c.Status = model.Published
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		reload()
		before := rs.reads
		ask(round)
		if round%4 == 3 && rs.reads != before {
			t.Errorf("round %d: a change far from every view read %d tiles again", round, rs.reads-before)
		}
	}
	t.Logf("tiles read: %d at first, %d over 24 rounds of one write each; features read: %d at first, %d after", first, rs.reads-first, firstBytes, rs.bytesRead-firstBytes)
	if rs.bytesRead-firstBytes > firstBytes/4 {
		t.Errorf("24 writes read %d features by seq, all tiles once %d: touched tiles read all their bytes again", rs.bytesRead-firstBytes, firstBytes)
	}
	if rs.reads-first >= 24*first/2 {
		t.Errorf("%d tile reads over 24 writes, %d for all tiles once: untouched tiles were read again", rs.reads-first, first)
	}
}

// featureReadingStore counts the feature bytes the viewport reads by seq.
type featureReadingStore struct {
	*store.Store
	reads int
}

func (s *featureReadingStore) FeaturesBySeq(ctx context.Context, seqs []int64) ([][]byte, error) {
	s.reads++
	return s.Store.FeaturesBySeq(ctx, seqs)
}

// Ratings, comments and planners' responses change contributions' bytes
// (counts, "answered") between answers: every answer is still what the
// store answers, and a tile reads its bytes again only when one of its
// contributions changed.
func TestTileBytesAreReadAgainOnlyWhenTheirContributionsChanged(t *testing.T) {
	ctx := context.Background()
	st, p, rng := denseFixture(t)
	fs := &featureReadingStore{Store: st}
	vp := viewport.New(fs, func(ctx context.Context, _ *model.Procedure, f store.Filter) (int, error) {
		return st.CountContributions(ctx, f)
	})
	views := make([]orb.Bound, 12)
	for i := range views {
		w := 0.001 + rng.Float64()*0.002
		x, y := 9.95+rng.Float64()*0.004, 53.55+rng.Float64()*0.002
		views[i] = orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + w/2}}
	}
	// The contributions the views show first, to change some of them.
	var shown []string
	ask := func(round int) {
		t.Helper()
		for i, b := range views {
			f := store.Filter{ProcedureID: p.ID, BBox: &b, Sort: store.SortNewest, Limit: 30}
			answerLikeTheStore(t, vp, st, p, f, fmt.Sprint(round, "/", i))
			if round == 0 {
				cs, _, err := st.Contributions(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cs[:min(3, len(cs))] {
					shown = append(shown, c.ID)
				}
			}
		}
	}
	ask(0)
	first := fs.reads
	if first == 0 || len(shown) == 0 {
		t.Fatal("no bytes read, nothing shown")
	}
	far := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: "Weit weg", Text: "Ein Text mit genug Zeichen.",
		Geometry: orb.Point{9.91, 53.51}, Origin: "online", Status: model.Published, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.InsertContribution(ctx, far, nil, ""); err != nil {
		t.Fatal(err)
	}
	farReads := 0
	for round := 1; round <= 24; round++ {
		id := shown[rng.IntN(len(shown))]
		if round%2 == 1 {
			id = far.ID // a change no view shows
		}
		var err error
		switch round % 3 {
		case 0:
			_, _, err = st.Rate(ctx, id, []byte(fmt.Sprint("voter", round)), 1)
		case 1:
			err = st.AddComment(ctx, &model.Comment{ContributionID: id, Text: "Sehe ich auch so, unbedingt.", CreatedAt: time.Now()})
		default:
			err = st.AddResponse(ctx, id, &model.Response{TextMD: "Wir prüfen das.", Author: "Planung", CreatedAt: time.Now()}, 0)
		}
		if err != nil {
			t.Fatal(err)
		}
		if p, err = st.ProcedureBySlug(ctx, "v"); err != nil {
			t.Fatal(err)
		}
		before := fs.reads
		ask(round)
		if id == far.ID {
			farReads += fs.reads - before
		}
	}
	t.Logf("bytes read: %d at first, %d over 24 rounds of one change each (%d after changes no view shows)", first, fs.reads-first, farReads)
	if farReads != 0 {
		t.Errorf("changes no view shows made the views read %d tiles' bytes again", farReads)
	}
	if fs.reads-first >= 12*first {
		t.Errorf("%d reads over 12 changes of shown contributions, %d for all tiles once: unchanged tiles were read again", fs.reads-first, first)
	}
}

// answerLikeTheStore asks vp the viewport f (key names the question) and
// fails unless the answer is byte for byte what the store's query answers.
func answerLikeTheStore(t *testing.T, vp *viewport.Service, st *store.Store, p *model.Procedure, f store.Filter, key string) {
	t.Helper()
	ctx := context.Background()
	got, err := vp.Answer(ctx, p, viewport.Query{Filter: f, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	feats, next, total, err := st.Features(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if total < 0 {
		total, _ = st.CountContributions(ctx, f)
	}
	if want := viewport.Collection(nil, feats, total, next); string(got.Body) != string(want) {
		t.Fatalf("%s: the answer differs from the store's\n got %.300s\nwant %.300s", key, got.Body, want)
	}
}
