package analysis_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// slowStore is the real store whose reading of all contributions takes
// delay longer, as a large procedure's does; it keeps when each reading
// began and ended, and how many ran at most at once.
type slowStore struct {
	*store.Store
	delay        time.Duration
	active, most atomic.Int64
	mu           sync.Mutex
	spans        [][2]time.Time
}

func (s *slowStore) StreamContributions(ctx context.Context, id int64, opt store.ExportOptions, fn func(*store.ExportRow) error) error {
	began := time.Now()
	n := s.active.Add(1)
	defer s.active.Add(-1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}
	err := s.Store.StreamContributions(ctx, id, opt, fn)
	time.Sleep(s.delay) // after reading: what it read is as old as a slow reading's
	s.mu.Lock()
	s.spans = append(s.spans, [2]time.Time{began, time.Now()})
	s.mu.Unlock()
	return err
}

// Under steady writes, a large procedure's analysis and similarity index
// are each recomputed in the background one at a time and spaced (the next
// begins at least three times the last one's duration after it ended), not
// once for every version and all at once; when the writes stop, they catch
// up with the newest version.
func TestBackgroundRecomputationsAreOneAtATimeAndSpaced(t *testing.T) {
	for _, kind := range []string{"analysis", "similar"} {
		t.Run(kind, func(t *testing.T) {
			st, _ := seeded(t)
			ctx := context.Background()
			slow := &slowStore{Store: st, delay: 50 * time.Millisecond}
			svc := analysis.New(slow)
			// ask asks the service of this kind about p; current reports
			// whether the answer is of p's version (for similar: whether
			// the unique text is found as the most similar).
			ask := func(p *model.Procedure, id string) (current bool) {
				t.Helper()
				if kind == "analysis" {
					v, err := svc.Of(ctx, p)
					if err != nil {
						t.Fatal(err)
					}
					return !v.Stale && v.Version == p.Version
				}
				found, err := svc.Similar(ctx, p, unique, nil, 5)
				if err != nil {
					t.Fatal(err)
				}
				return len(found) > 0 && found[0].ID == id
			}
			p := withCorpus(t, st, 0, 40)
			ask(p, "")
			analysis.SetBackground(svc, 1) // every one counts as large
			for i := 0; i < 40; i++ {
				p = withCorpus(t, st, 40+i, 1) // one more text: a new version
				ask(p, "")
			}
			// A text like no other, then the kind catches up with it.
			c, p := withUnique(t, st, p)
			deadline := time.Now().Add(30 * time.Second)
			for !ask(p, c.ID) {
				if time.Now().After(deadline) {
					t.Fatalf("version %d is not answered after the writes", p.Version)
				}
				time.Sleep(20 * time.Millisecond)
			}
			slow.mu.Lock()
			defer slow.mu.Unlock()
			if most := slow.most.Load(); most > 1 {
				t.Errorf("%d readings of all contributions ran at once", most)
			}
			if len(slow.spans) < 3 {
				t.Fatalf("%d readings: the first, and at least one in the background during the writes and one after", len(slow.spans))
			}
			for i := 2; i < len(slow.spans); i++ { // the first is waited for, the second begins at once
				last, next := slow.spans[i-1], slow.spans[i]
				if took, gap := last[1].Sub(last[0]), next[0].Sub(last[1]); gap < 3*took {
					t.Errorf("reading %d began %v after the one before ended, which took %v: not spaced", i, gap, took)
				}
			}
		})
	}
}

// A large procedure's first similarity index is made in the background:
// the first question finds nothing instead of waiting, the later ones find
// the text once the index is there. A small procedure's is waited for.
func TestALargeProceduresFirstSimilarIndexIsNotWaitedFor(t *testing.T) {
	for _, large := range []bool{true, false} {
		st, _ := seeded(t)
		ctx := context.Background()
		p := withCorpus(t, st, 0, 40)
		c, p := withUnique(t, st, p)
		slow := &slowStore{Store: st, delay: 50 * time.Millisecond}
		svc := analysis.New(slow)
		if large {
			analysis.SetBackground(svc, 10) // 44 texts count as many
		}
		found, err := svc.Similar(ctx, p, unique, nil, 5)
		if err != nil {
			t.Fatal(err)
		}
		if large != (len(found) == 0) {
			t.Fatalf("large %v: the first question found %v", large, found)
		}
		deadline := time.Now().Add(30 * time.Second)
		for len(found) == 0 || found[0].ID != c.ID {
			if time.Now().After(deadline) {
				t.Fatalf("large %v: the text is not found once the index is there: %v", large, found)
			}
			time.Sleep(20 * time.Millisecond)
			if found, err = svc.Similar(ctx, p, unique, nil, 5); err != nil {
				t.Fatal(err)
			}
		}
		if n := slow.most.Load(); n > 1 {
			t.Errorf("large %v: %d readings at once", large, n)
		}
	}
}

// unique is a text like no other of the corpus.
const unique = "Zwischen Fischmarkt und Holzhafen fehlen Trinkbrunnen, Sitzbänke und schattige Bäume"

// withUnique adds a published contribution saying unique to p and returns
// it with p at its new version.
func withUnique(t *testing.T, st *store.Store, p *model.Procedure) (*model.Contribution, *model.Procedure) {
	t.Helper()
	ctx := context.Background()
	c := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: "Trinkbrunnen am Holzhafen", Text: unique,
		Geometry: orb.Point{9.95, 53.55}, Origin: "online", Status: model.Published, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.InsertContributions(ctx, []*model.Contribution{c}); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}
