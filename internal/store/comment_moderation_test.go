package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// variantProcedure is a procedure with one plan variant "a" and one
// published contribution, which it returns.
func variantProcedure(t *testing.T, st *store.Store) (*model.Procedure, *model.Contribution) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	p := model.Procedure{Slug: "variants", Title: "Varianten", Settings: model.DefaultSettings(),
		Phases:     []model.Phase{{Kind: model.PhaseParticipation, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün"}, Colour: "#2e7d32"}}}
	if _, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: p, Conceptions: []model.Conception{{Key: "a", Title: "Variante A"}}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.ProcedureBySlug(ctx, "variants")
	if err != nil {
		t.Fatal(err)
	}
	c := contribution(got, "Ein Beitrag", nil, now)
	if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
		t.Fatal(err)
	}
	return got, c
}

func scalar(t *testing.T, st *store.Store, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := st.Write(context.Background(), func(tx *sql.Tx) error { return tx.QueryRow(q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A plan-variant comment and a residents' comment never share a number, so
// moderating comment N changes exactly one comment.
func TestModerateCommentChangesExactlyTheCommentItNames(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	p, c := variantProcedure(t, st)
	resident := &model.Comment{ContributionID: c.ID, Text: "Anwohnerkommentar", CreatedAt: time.Now()}
	if err := st.AddComment(ctx, resident); err != nil {
		t.Fatal(err)
	}
	variant := &model.Comment{Text: "Variantenkommentar", Status: model.Published, CreatedAt: time.Now()}
	if err := st.AddConceptionComment(ctx, p.ID, "a", variant); err != nil {
		t.Fatal(err)
	}
	if variant.ID == resident.ID {
		t.Fatalf("both comments have number %d", variant.ID)
	}
	m, err := st.ModerateComment(ctx, 0, variant.ID, model.Hidden, store.Audited{Actor: "m", Action: "comment.moderate"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Conception != "a" || m.ContributionID != "" || m.Count != 0 || m.Status != model.Hidden {
		t.Fatalf("moderated %+v", m)
	}
	if n := scalar(t, st, `SELECT count(*) FROM comments WHERE status = 'hidden'`); n != 0 {
		t.Fatal("a residents' comment was hidden")
	}
	if _, err := st.ModerateComment(ctx, p.ID+1, resident.ID, model.Hidden, store.Audited{Actor: "m"}); err != store.ErrNotFound {
		t.Fatalf("comment of another procedure: %v", err)
	}
}

// Under pre-moderation a plan-variant comment waits uncounted and is counted
// once a moderator publishes it.
func TestWaitingPlanVariantCommentIsCountedOnlyWhenPublished(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	p, _ := variantProcedure(t, st)
	m := &model.Comment{Text: "Wartet", Status: model.Submitted, CreatedAt: time.Now()}
	if err := st.AddConceptionComment(ctx, p.ID, "a", m); err != nil {
		t.Fatal(err)
	}
	if n := scalar(t, st, `SELECT comments FROM conceptions WHERE key = 'a'`); n != 0 {
		t.Fatalf("waiting comment counted: %d", n)
	}
	if list, _ := st.ConceptionComments(ctx, p.ID); len(list["a"]) != 0 {
		t.Fatal("waiting comment listed publicly")
	}
	q, err := st.ModerationComments(ctx, p.ID, model.Submitted, false, 10)
	if err != nil || len(q) != 1 || q[0].Conception != "a" || q[0].ID != m.ID {
		t.Fatalf("queue %+v %v", q, err)
	}
	if _, err := st.ModerateComment(ctx, p.ID, m.ID, model.Published, store.Audited{Actor: "m"}); err != nil {
		t.Fatal(err)
	}
	if n := scalar(t, st, `SELECT comments FROM conceptions WHERE key = 'a'`); n != 1 {
		t.Fatalf("published comment not counted: %d", n)
	}
}

// Migration 7 moves plan-variant comments of an existing database out of
// the residents' comments' numbers.
func TestMigrationSevenSeparatesExistingCommentNumbers(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	p, c := variantProcedure(t, st)
	for i := 0; i < 3; i++ {
		if err := st.AddComment(ctx, &model.Comment{ContributionID: c.ID, Text: "Anwohnerkommentar", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	// the state before migration 7: plan-variant comments numbered from 1
	if err := st.Write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DROP TRIGGER comments_one_id_space`, `DROP TRIGGER comments_one_id_space_update`,
			`DROP TRIGGER conception_comments_one_id_space`, `DROP TRIGGER conception_comments_one_id_space_update`,
			`DROP INDEX conception_comments_status`, `DROP INDEX comments_status`, `DELETE FROM schema_migrations WHERE version >= 7`,
			`INSERT INTO conception_comments(id, conception_id, text, created_at) SELECT 1, id, 'eins', 0 FROM conceptions`,
			`INSERT INTO conception_comments(id, conception_id, text, created_at) SELECT 2, id, 'zwei', 0 FROM conceptions`} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := scalar(t, st, `SELECT count(*) FROM conception_comments m JOIN comments c ON c.id = m.id`); n != 0 {
		t.Fatalf("%d numbers still shared", n)
	}
	if n := scalar(t, st, `SELECT count(*) FROM conception_comments WHERE text IN ('eins', 'zwei')`); n != 2 {
		t.Fatal("plan-variant comments lost")
	}
	next := &model.Comment{Text: "Neu", Status: model.Published, CreatedAt: time.Now()}
	if err := st.AddConceptionComment(ctx, p.ID, "a", next); err != nil {
		t.Fatal(err)
	}
}
