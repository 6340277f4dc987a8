package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// oldWithdrawn makes a database with the demo procedure and one
// contribution withdrawn 40 days ago; it returns the database and its id.
func oldWithdrawn(t *testing.T) (string, string) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "purge.db")
	ctx := context.Background()
	st, _, err := openStore(ctx, db, "FULL")
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := subFS()
	if _, err := demo.Load(ctx, st, sub, time.Now()); err != nil {
		t.Fatal(err)
	}
	p, _ := st.ProcedureBySlug(ctx, "gruenzug-altona")
	list, _, err := st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Statuses: []model.ContributionStatus{model.Published}, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatal("no demo contribution", err)
	}
	id := list[0].ID
	if _, err := st.UpdateContribution(ctx, id, func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE contributions SET updated_at = ? WHERE id = ?`, time.Now().Add(-40*24*time.Hour).UnixMilli(), id); err != nil {
		t.Fatal(err)
	}
	return db, id
}

func textOf(t *testing.T, db, id string) string {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var s string
	if err := raw.QueryRow(`SELECT title || text FROM contributions WHERE id = ?`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPurgeErasesOldWithdrawnTextsAndDryRunOnlyReports(t *testing.T) {
	db, id := oldWithdrawn(t)
	code, out, stderr := runCLI(t, "", nil, "purge", "--db", db, "--dry-run")
	if code != 0 || !strings.Contains(out, "gruenzug-altona: 1 (retention 30 days)") || !strings.Contains(out, "1 contributions would be erased") {
		t.Fatalf("dry run: %d %q %q", code, out, stderr)
	}
	if textOf(t, db, id) == "" {
		t.Fatal("the dry run erased")
	}
	code, out, stderr = runCLI(t, "", map[string]string{"MITREDEN_DB": db}, "purge")
	if code != 0 || !strings.Contains(out, "erased the text of 1 contributions") {
		t.Fatalf("purge: %d %q %q", code, out, stderr)
	}
	if s := textOf(t, db, id); s != "" {
		t.Fatalf("text kept: %q", s)
	}
	code, out, _ = runCLI(t, "", nil, "purge", "--db", db)
	if code != 0 || !strings.Contains(out, "erased the text of 0 contributions") {
		t.Fatalf("second purge: %d %q", code, out)
	}
}

func TestPurgeBadInputExitsTwo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"purge", "--db", db}, "no database at"},
		{[]string{"purge", "extra"}, `unexpected argument "extra"`},
		{[]string{"purge", "--dry-run=maybe"}, "invalid boolean"},
	} {
		code, _, stderr := runCLI(t, "", nil, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if code, out, _ := runCLI(t, "", nil, "purge", "--help"); code != 0 && !strings.Contains(out, "Usage") {
		t.Errorf("help: %d", code)
	}
}
