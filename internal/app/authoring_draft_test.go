package app_test

import (
	"context"
	"testing"

	"github.com/mitreden/mitreden/internal/store"
)

// A planner scoped to other procedures keeps the procedure they create: its
// author is a member of its team, and it starts as a draft.
func TestScopedPlannerKeepsTheProcedureTheyCreate(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	ctx := context.Background()
	u, err := e.st.UserByEmail(ctx, "planerin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetUserProcedures(ctx, u.ID, true, []int64{e.proc(t, slug).ID}, store.Audited{Actor: "t", Action: "user.procedures"}); err != nil {
		t.Fatal(err)
	}
	a.create(t, "eigenes-verfahren", "Eigenes Verfahren")
	if r := a.get(t, "/admin/p/eigenes-verfahren/edit"); r.status != 200 {
		t.Fatalf("the author of the procedure, scoped elsewhere: %d on its editor", r.status)
	}
	if p := e.proc(t, "eigenes-verfahren"); p.State() != "draft" {
		t.Fatalf("a new procedure is %q, want draft", p.State())
	}
}
