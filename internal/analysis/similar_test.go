package analysis_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// seedSimilar stores the contributions and returns the service, the
// procedure (at its new version) and the ids in order.
func seedSimilar(t *testing.T, cs ...seedC) (*analysis.Service, *store.Store, *model.Procedure, []string) {
	t.Helper()
	st, p := empty(t)
	ctx := context.Background()
	var rows []*model.Contribution
	var ids []string
	at := time.Now().Add(-time.Hour)
	for _, c := range cs {
		if c.status == "" {
			c.status = model.Published
		}
		r := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: c.title,
			Text: c.text, Geometry: c.at, Origin: "online", Status: c.status, CreatedAt: at, UpdatedAt: at}
		rows = append(rows, r)
		ids = append(ids, r.ID)
	}
	if err := st.InsertContributions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	return analysis.New(st), st, p, ids
}

const bikeText = "Der Radweg an der Max-Brauer-Allee ist viel zu schmal, Radfahrer müssen auf die Fahrbahn ausweichen."

// Issue 18: while a resident writes, the paraphrased contribution nearby is
// found; the same words far away, an unrelated text nearby, a hidden or a
// waiting one are not.
func TestSimilarFindsTheParaphraseNearby(t *testing.T) {
	s, _, p, ids := seedSimilar(t,
		seedC{title: "Radweg zu schmal", text: bikeText, at: north(0)},
		seedC{title: "Radweg zu schmal", text: bikeText, at: north(2000)},
		seedC{title: "Mehr Bänke am Spielplatz", text: "Am Spielplatz fehlen Bänke für die Eltern, bitte zwei oder drei aufstellen.", at: north(20)},
		seedC{title: "Radweg zu schmal", text: bikeText, at: north(10), status: model.Hidden},
		seedC{title: "Radweg zu schmal", text: bikeText, at: north(10), status: model.Submitted},
	)
	ctx := context.Background()
	typed := "Radweg Max-Brauer-Allee: Der Radweg ist zu schmal, die Radfahrer weichen auf die Fahrbahn aus"
	here := north(120)
	got, err := s.Similar(ctx, p, typed, &here, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != ids[0] {
		t.Fatalf("similar near: %+v, want only %s", got, ids[0])
	}
	if got[0].Distance < 110 || got[0].Distance > 130 || got[0].Score < analysis.SimilarScore || got[0].Excerpt == "" {
		t.Errorf("similar: %+v", got[0])
	}

	// Without a point: both bike texts, anywhere; the playground is not like it.
	got, err = s.Similar(ctx, p, typed, nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Distance != -1 {
		t.Fatalf("similar anywhere: %+v", got)
	}
	for _, c := range got {
		if c.ID != ids[0] && c.ID != ids[1] {
			t.Errorf("unexpected %s %q", c.ID, c.Title)
		}
	}

	// An unrelated text finds nothing; a text too short to compare neither.
	for _, text := range []string{"Die Beleuchtung im Tunnel am Bahnhof ist kaputt und abends sehr dunkel.", "Radweg"} {
		got, err = s.Similar(ctx, p, text, &here, 5)
		if err != nil || len(got) != 0 {
			t.Errorf("%q: %+v %v", text, got, err)
		}
	}
}

// The index is kept per procedure version: a contribution published
// afterwards is found once the version moved on.
func TestSimilarFollowsTheVersion(t *testing.T) {
	s, st, p, _ := seedSimilar(t, seedC{title: "Bänke", text: "Am Spielplatz fehlen Bänke für die Eltern.", at: north(0)})
	ctx := context.Background()
	typed := bikeText
	if got, err := s.Similar(ctx, p, typed, nil, 5); err != nil || len(got) != 0 {
		t.Fatalf("before: %+v %v", got, err)
	}
	at := time.Now()
	c := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: "Radweg", Text: bikeText,
		Geometry: north(5), Origin: "online", Status: model.Published, CreatedAt: at, UpdatedAt: at}
	if err := st.InsertContributions(ctx, []*model.Contribution{c}); err != nil {
		t.Fatal(err)
	}
	p2, err := st.ProcedureBySlug(ctx, "test")
	if err != nil || p2.Version == p.Version {
		t.Fatalf("version did not move: %v", err)
	}
	if got, err := s.Similar(ctx, p2, typed, nil, 5); err != nil || len(got) != 1 || got[0].ID != c.ID {
		t.Fatalf("after: %+v %v", got, err)
	}
	// The old version's index still answers for the old version.
	if got, _ := s.Similar(ctx, p, typed, nil, 5); len(got) != 0 {
		t.Errorf("old version: %+v", got)
	}
}
