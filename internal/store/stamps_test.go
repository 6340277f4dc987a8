package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/store"
)

// A second process writing the same file (the CLI's import) bumps a
// procedure's version; the server's store notices within its bound.
func TestProcedureStampNoticesOtherProcessesWrites(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	_, v0, err := st.ProcedureStamp(ctx, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.Open(st.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	start := time.Now()
	if err := other.InsertContribution(ctx, contribution(p, "Von nebenan", nil, time.Now()), nil, ""); err != nil {
		t.Fatal(err)
	}
	for {
		_, v, err := st.ProcedureStamp(ctx, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if v > v0 {
			break
		}
		// Generous on a shared machine; the bound itself is 250 ms.
		if time.Since(start) > store.OtherWritersBound+2*time.Second {
			t.Fatalf("version %d still seen %s after another process's write", v, time.Since(start))
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("noticed after %s", time.Since(start))
}

// A write through this store is seen by the next ProcedureStamp at once,
// and a slug made anew after a delete is not answered from memory.
func TestProcedureStampFollowsOwnWritesAtOnce(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	for i := 0; i < 20; i++ {
		_, v0, err := st.ProcedureStamp(ctx, p.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InsertContribution(ctx, contribution(p, "Eigener Beitrag", nil, time.Now()), nil, ""); err != nil {
			t.Fatal(err)
		}
		if _, v, _ := st.ProcedureStamp(ctx, p.Slug); v != v0+1 {
			t.Fatalf("after own write: version %d, want %d", v, v0+1)
		}
	}
	if err := st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE procedures SET slug = 'umbenannt' WHERE id = ?`, p.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ProcedureStamp(ctx, p.Slug); err != store.ErrNotFound {
		t.Fatalf("renamed procedure still found under its old slug: %v", err)
	}
}

// Once read, a procedure's stamp comes from memory: no query per request.
func TestProcedureStampAnsweredFromMemory(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	id, v, err := st.ProcedureStamp(ctx, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	// With the read pool closed, any query fails.
	if err := store.CloseReadsForTest(st); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if id2, v2, err := st.ProcedureStamp(ctx, p.Slug); err != nil || id2 != id || v2 != v {
			t.Fatalf("second stamp: %d %d %v, want %d %d from memory", id2, v2, err, id, v)
		}
	}
}
