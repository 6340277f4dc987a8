package analysis_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// The SQLite store is one store the analyses can read.
var _ analysis.Store = (*store.Store)(nil)

// seeded opens a fresh database with one procedure whose contributions are
// in every status: published ones about a playground, waiting ones about
// parking, hidden ones selling something, and a withdrawn one.
func seeded(t *testing.T) (*store.Store, *model.Procedure) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "test.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	p := model.Procedure{Slug: "test", Title: "Test", Settings: model.DefaultSettings(),
		Area:       orb.Polygon{{{9.9, 53.5}, {10.0, 53.5}, {10.0, 53.6}, {9.9, 53.6}, {9.9, 53.5}}},
		Phases:     []model.Phase{{Kind: model.PhaseParticipation, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün"}, Colour: "#2e7d32"}}}
	if _, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: p}); err != nil {
		t.Fatal(err)
	}
	var cs []*model.Contribution
	add := func(status model.ContributionStatus, n int, title, text string, at orb.Point) {
		for i := 0; i < n; i++ {
			created := now.Add(time.Duration(len(cs)) * time.Second)
			cs = append(cs, &model.Contribution{ID: uuid.NewString(), ProcedureID: 1, Category: "gruen", Title: title,
				Text: text, Geometry: at, Origin: "online", Status: status, CreatedAt: created, UpdatedAt: created})
		}
	}
	add(model.Published, 3, "Spielplatz am Ufer", "Ein Spielplatz für die Kinder am Wasser.", orb.Point{9.95, 53.55})
	add(model.Submitted, 4, "Parkplatz fehlt", "Parkplatz Parkplatz Parkplatz vor dem Laden.", orb.Point{9.91, 53.51})
	add(model.Hidden, 5, "Werbung kaufen", "Günstig Werbung kaufen, jetzt anrufen.", orb.Point{9.92, 53.52})
	add(model.Withdrawn, 1, "Zurückgezogen", "Diesen Gedanken nehme ich zurück.", orb.Point{9.93, 53.53})
	if err := st.InsertContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	got, err := st.ProcedureBySlug(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	return st, got
}

// TestAnalysisAndReportCountTheSameContributions: the analysis page and
// the printable report read the same contributions, the published ones,
// so a planner sees one number and one list of words on both; hidden and
// waiting texts are in neither.
func TestAnalysisAndReportCountTheSameContributions(t *testing.T) {
	st, p := seeded(t)
	ctx := context.Background()
	svc := analysis.New(st)
	view, err := svc.Of(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Report(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if view.Texts != rep.Total || rep.Total != 3 {
		t.Fatalf("analysis counts %d texts, report %d; want 3 published in both", view.Texts, rep.Total)
	}
	if len(rep.Words) > len(view.Words) || !reflect.DeepEqual(view.Words[:len(rep.Words)], rep.Words) {
		t.Fatalf("words differ:\nanalysis %v\nreport   %v", view.Words, rep.Words)
	}
	located := 0
	for _, h := range view.HotSpots {
		located += h.Count
	}
	if located != view.Texts {
		t.Fatalf("hot spots hold %d contributions, the analysis is based on %d", located, view.Texts)
	}
	for _, w := range view.Words {
		if w.Word == "parkplatz" || w.Word == "werbung" || w.Word == "gedanken" {
			t.Fatalf("the analysis counts a text that is not published: %v", view.Words)
		}
	}
	if len(rep.List) != 3 {
		t.Fatalf("report lists %d contributions, want the 3 published", len(rep.List))
	}
}

// TestAnalysisFollowsTheProcedureVersion: a kept analysis is answered
// again for the same version and recomputed once the version moves on.
func TestAnalysisFollowsTheProcedureVersion(t *testing.T) {
	st, p := seeded(t)
	ctx := context.Background()
	svc := analysis.New(st)
	if v, err := svc.Of(ctx, p); err != nil || v.Texts != 3 {
		t.Fatalf("%+v %v", v, err)
	}
	now := time.Now()
	if err := st.InsertContributions(ctx, []*model.Contribution{{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen",
		Title: "Noch ein Spielplatz", Text: "Ein zweiter Spielplatz wäre schön.", Origin: "online", Status: model.Published,
		CreatedAt: now, UpdatedAt: now}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := svc.Of(ctx, p); v.Texts != 3 {
		t.Fatalf("same version answered %d texts, want the kept 3", v.Texts)
	}
	p2, err := st.ProcedureBySlug(ctx, "test")
	if err != nil || p2.Version == p.Version {
		t.Fatalf("version did not move: %v", err)
	}
	if v, _ := svc.Of(ctx, p2); v.Texts != 4 || v.Version != p2.Version {
		t.Fatalf("new version: %d texts at version %d, want 4 at %d", v.Texts, v.Version, p2.Version)
	}
}
