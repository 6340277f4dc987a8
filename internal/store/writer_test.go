package store_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/store"
)

// A panic inside one write closure is that write's error: the writer
// goroutine lives on, the other writes of the batch commit, and later
// writes still work (before, the panic ended the process).
func TestPanicInWriteClosureFailsOnlyThatWrite(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	if err := st.Write(ctx, func(*sql.Tx) error { panic("boom") }); !errors.Is(err, store.ErrWritePanicked) {
		t.Fatalf("alone in its batch: got %v, want ErrWritePanicked", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 60)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%6 == 0 {
				errs[i] = st.Write(ctx, func(tx *sql.Tx) error {
					if _, err := tx.Exec(`UPDATE procedures SET title = 'half done' WHERE id = ?`, p.ID); err != nil {
						return err
					}
					panic("boom")
				})
				return
			}
			errs[i] = st.InsertContribution(ctx, contribution(p, "Beitrag", orb.Point{9.95, 53.55}, time.Now()), nil, "")
		}(i)
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		if i%6 == 0 {
			if !errors.Is(err, store.ErrWritePanicked) {
				t.Fatalf("write %d: got %v, want ErrWritePanicked", i, err)
			}
		} else if err != nil {
			t.Fatalf("write %d: %v", i, err)
		} else {
			ok++
		}
	}
	if n, _ := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID}); n != ok {
		t.Fatalf("stored %d contributions, want %d", n, ok)
	}
	got, err := st.ProcedureBySlug(ctx, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title == "half done" {
		t.Fatal("a panicking write's change was committed")
	}
}
