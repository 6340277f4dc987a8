package procedures_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/procedures"
	"github.com/mitreden/mitreden/internal/store"
)

// countingStore is the real store that counts the reads the service should
// save.
type countingStore struct {
	*store.Store
	reads, counts atomic.Int64
}

func (s *countingStore) ProcedureBySlug(ctx context.Context, slug string) (*model.Procedure, error) {
	s.reads.Add(1)
	return s.Store.ProcedureBySlug(ctx, slug)
}

func (s *countingStore) CountContributions(ctx context.Context, f store.Filter) (int, error) {
	s.counts.Add(1)
	return s.Store.CountContributions(ctx, f)
}

func fixture(t *testing.T) (*countingStore, context.Context) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "p.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: model.Procedure{Slug: "p", Title: "Erster Titel", Settings: model.DefaultSettings(),
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün"}}}}}); err != nil {
		t.Fatal(err)
	}
	return &countingStore{Store: st}, ctx
}

func add(t *testing.T, st *countingStore, p *model.Procedure) {
	t.Helper()
	now := time.Now()
	c := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: "Bank am Weg", Text: "Ein Text mit genug Zeichen.",
		Geometry: orb.Point{9.95, 53.55}, Origin: "online", Status: model.Published, CreatedAt: now, UpdatedAt: now}
	if err := st.InsertContribution(context.Background(), c, nil, ""); err != nil {
		t.Fatal(err)
	}
}

// A procedure is read once per version however many ask, also at the same
// moment; a write is seen at once; an unknown slug is store.ErrNotFound.
func TestProceduresAreReadOncePerVersion(t *testing.T) {
	st, ctx := fixture(t)
	svc := procedures.New(st)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, err := svc.BySlug(ctx, "p"); err != nil || p.Title != "Erster Titel" {
				t.Errorf("%v %v", p, err)
			}
		}()
	}
	wg.Wait()
	if n := st.reads.Load(); n != 1 {
		t.Fatalf("16 asks read the procedure %d times", n)
	}
	p, _ := svc.BySlug(ctx, "p")
	changed := *p
	changed.Title = "Zweiter Titel"
	if err := st.UpdateProcedure(ctx, &changed, store.PartTexts, store.Audited{}); err != nil {
		t.Fatal(err)
	}
	if p, err := svc.BySlug(ctx, "p"); err != nil || p.Title != "Zweiter Titel" || st.reads.Load() != 2 {
		t.Fatalf("after a write: %q, %d reads, %v", p.Title, st.reads.Load(), err)
	}
	if _, err := svc.BySlug(ctx, "gibt-es-nicht"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown slug: %v", err)
	}
}

// A count is computed once per procedure version and filter; a new
// contribution is a new version and counted anew.
func TestCountsAreKeptPerVersionAndFilter(t *testing.T) {
	st, ctx := fixture(t)
	svc := procedures.New(st)
	p, err := svc.BySlug(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	add(t, st, p)
	add(t, st, p)
	p, _ = svc.BySlug(ctx, "p")
	all, gruen := store.Filter{ProcedureID: p.ID}, store.Filter{ProcedureID: p.ID, Category: "gruen"}
	for range 3 {
		for _, f := range []store.Filter{all, gruen} {
			if n, err := svc.Count(ctx, p, f); err != nil || n != 2 {
				t.Fatalf("count %d, %v", n, err)
			}
		}
	}
	if n := st.counts.Load(); n != 2 {
		t.Fatalf("6 asks of 2 filters counted %d times", n)
	}
	add(t, st, p)
	p, _ = svc.BySlug(ctx, "p")
	if n, err := svc.Count(ctx, p, all); err != nil || n != 3 || st.counts.Load() != 3 {
		t.Fatalf("after a write: %d (%d counts), %v", n, st.counts.Load(), err)
	}
}
