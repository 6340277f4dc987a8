package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// procedure.json's "status" makes a draft; a wrong one is refused. Then
// `user add --procedure` scopes a moderator to that procedure.
func TestProcedureAddDraftAndUserAddForOneProcedure(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	folder := filepath.Join(dir, "verfahren")
	os.MkdirAll(folder, 0o755)
	procedure := `{"slug":"entwurf-sued","title":"Entwurf Süd","status":"draft",
	 "phases":[{"kind":"participation","starts_at":"2026-11-01T00:00:00Z","ends_at":"2027-01-31T00:00:00Z"}],
	 "categories":[{"key":"spiel","label":{"de":"Spielen"},"colour":"#2e7d32"}]}`
	os.WriteFile(filepath.Join(folder, "procedure.json"), []byte(strings.Replace(procedure, `"draft"`, `"secret"`, 1)), 0o644)
	if code, _, stderr := runCLI(t, "", nil, "procedure", "add", "--db", db, "--dir", folder); code != 2 || !strings.Contains(stderr, "status") {
		t.Fatalf("bad status: %d %q", code, stderr)
	}
	os.WriteFile(filepath.Join(folder, "procedure.json"), []byte(procedure), 0o644)
	code, out, stderr := runCLI(t, "", nil, "procedure", "add", "--db", db, "--dir", folder)
	if code != 0 || !strings.Contains(out, "status: draft") {
		t.Fatalf("add: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "", nil, "user", "add", "--db", db, "--email", "m@example.org", "--role", "moderator", "--procedure", "nirgends"); code != 2 || !strings.Contains(stderr, "no procedure") {
		t.Fatalf("unknown procedure: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", nil, "user", "add", "--db", db, "--email", "a@example.org", "--role", "admin", "--procedure", "entwurf-sued"); code != 2 || !strings.Contains(stderr, "admins") {
		t.Fatalf("admin with procedure: %d %q", code, stderr)
	}
	code, out, stderr = runCLI(t, "", nil, "user", "add", "--db", db, "--email", "m@example.org", "--role", "moderator", "--procedure", "entwurf-sued")
	if code != 0 || !strings.Contains(out, "acts only in: entwurf-sued") {
		t.Fatalf("user add: %d %q %q", code, out, stderr)
	}
	if code, _, _ := runCLI(t, "", nil, "user", "add", "--db", db, "--email", "p@example.org", "--role", "planner"); code != 0 {
		t.Fatal("planner without procedure")
	}

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	p, err := st.ProcedureBySlug(ctx, "entwurf-sued")
	if err != nil || p.Lifecycle != model.LifecycleDraft || p.Public() {
		t.Fatalf("stored %q, %v", p.Lifecycle, err)
	}
	m, _ := st.UserByEmail(ctx, "m@example.org")
	if ok, _ := st.UserActsIn(ctx, m.ID, p.ID); !m.Scoped || !ok {
		t.Fatalf("moderator scoped %v, acts in it %v", m.Scoped, ok)
	}
	if ok, _ := st.UserActsIn(ctx, m.ID, p.ID+1); ok {
		t.Fatal("moderator acts in another procedure")
	}
	if pl, _ := st.UserByEmail(ctx, "p@example.org"); pl.Scoped {
		t.Fatal("a planner without --procedure must act in all procedures")
	}
}
