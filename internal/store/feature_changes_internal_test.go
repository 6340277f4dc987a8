package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// Feature changes name the contributions in write order from a mark; old
// ones are forgotten in batches, and a mark from before the forgotten ones
// is answered as not known (the tile then reads its bytes again).
func TestFeatureChangesAreForgottenAndThenNotKnown(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "f.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	note := func(proc int64, seqs ...int64) {
		t.Helper()
		if err := st.Write(ctx, func(tx *sql.Tx) error {
			for _, q := range seqs {
				if err := featureChanged(tx, proc, q); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	mark, err := st.FeatureMark(ctx)
	if err != nil || mark != 0 {
		t.Fatalf("mark of nothing: %d %v", mark, err)
	}
	note(1, 11, 12)
	note(2, 21)
	note(1, 13)
	seqs, next, ok, err := st.FeatureChangesSince(ctx, 1, mark, 10)
	if err != nil || !ok || len(seqs) != 3 || seqs[0] != 11 || seqs[2] != 13 || next != 4 {
		t.Fatalf("procedure 1 since 0: %v next %d ok %v %v", seqs, next, ok, err)
	}
	if seqs, next, ok, _ = st.FeatureChangesSince(ctx, 1, next, 10); !ok || len(seqs) != 0 || next != 4 {
		t.Fatalf("nothing new: %v next %d ok %v", seqs, next, ok)
	}
	if _, _, ok, _ = st.FeatureChangesSince(ctx, 1, 0, 2); ok {
		t.Fatal("more changes than asked for count as known")
	}
	// Jump to just before a forgetting: ids up to the floor go.
	if err := st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'feature_changes'`, keptFeatureChanges+featurePruneEvery-1)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	note(1, 14)
	if _, _, ok, _ := st.FeatureChangesSince(ctx, 1, 4, 10); ok {
		t.Fatal("changes after a forgotten mark count as known")
	}
	seqs, _, ok, _ = st.FeatureChangesSince(ctx, 1, featurePruneEvery, 10)
	if !ok || len(seqs) != 1 || seqs[0] != 14 {
		t.Fatalf("after the floor: %v ok %v", seqs, ok)
	}
	var left int
	if err := st.read.QueryRow(`SELECT COUNT(*) FROM feature_changes WHERE id <= ?`, featurePruneEvery).Scan(&left); err != nil || left != 0 {
		t.Fatalf("%d forgotten changes left, %v", left, err)
	}
}
