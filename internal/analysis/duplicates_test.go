package analysis_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// empty opens a fresh database with one procedure and no contributions.
func empty(t *testing.T) (*store.Store, *model.Procedure) {
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
	got, err := st.ProcedureBySlug(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	return st, got
}

// north is a point m metres north of the base point.
func north(m float64) orb.Point { return orb.Point{9.95, 53.55 + m/111_195} }

type seedC struct {
	title, text string
	at          orb.Geometry
	status      model.ContributionStatus
}

// dupes stores the contributions in order (each a minute after the last)
// and returns their ids and the pairs found.
func dupes(t *testing.T, cs ...seedC) ([]string, []analysis.Pair) {
	t.Helper()
	st, p := empty(t)
	ctx := context.Background()
	start := time.Now().Add(-time.Hour)
	var rows []*model.Contribution
	var ids []string
	for i, c := range cs {
		at := start.Add(time.Duration(i) * time.Minute)
		if c.status == "" {
			c.status = model.Published
		}
		rows = append(rows, &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: c.title,
			Text: c.text, Geometry: c.at, Origin: "online", Status: c.status, CreatedAt: at, UpdatedAt: at})
		ids = append(ids, rows[i].ID)
	}
	if err := st.InsertContributions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := analysis.New(st).Duplicates(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return ids, pairs
}

const (
	radTitle = "Radweg an der Elbchaussee zu schmal"
	radText  = "Der Radweg an der Elbchaussee ist viel zu schmal, Radfahrer müssen auf die Straße ausweichen."
	// the same said again in other words
	radTitle2 = "Elbchaussee: Radweg ist zu schmal"
	radText2  = "Der Radweg an der Elbchaussee ist zu schmal, die Radfahrer weichen auf die Straße aus."
	benchText = "Im Park fehlen Bänke im Schatten, ältere Menschen können sich nirgends ausruhen."
)

func TestNearDuplicatesCloseTogetherAreAPairOnce(t *testing.T) {
	ids, pairs := dupes(t,
		seedC{title: radTitle, text: radText, at: north(0)},
		seedC{title: "Bänke im Park", text: benchText, at: north(10)},
		seedC{title: radTitle2, text: radText2, at: north(30), status: model.Submitted},
	)
	if len(pairs) != 1 {
		t.Fatalf("want one pair, got %+v", pairs)
	}
	pr := pairs[0]
	if pr.A != ids[0] || pr.B != ids[2] {
		t.Fatalf("pair %s–%s, want the older %s first and the waiting %s", pr.A, pr.B, ids[0], ids[2])
	}
	if pr.Distance < 25 || pr.Distance > 35 || pr.Score < analysis.DuplicateScore || pr.Score > 1 || pr.ATitle != radTitle {
		t.Fatalf("pair %+v", pr)
	}
}

func TestTheSameTextFarApartIsNoPair(t *testing.T) {
	if _, pairs := dupes(t,
		seedC{title: radTitle, text: radText, at: north(0)},
		seedC{title: radTitle, text: radText, at: north(2000)},
	); len(pairs) != 0 {
		t.Fatalf("2 km apart: %+v", pairs)
	}
	// one with a place and one without are no pair either
	if _, pairs := dupes(t,
		seedC{title: radTitle, text: radText, at: north(0)},
		seedC{title: radTitle, text: radText},
	); len(pairs) != 0 {
		t.Fatalf("placed and unplaced: %+v", pairs)
	}
	// two without a place are
	if _, pairs := dupes(t,
		seedC{title: radTitle, text: radText},
		seedC{title: radTitle2, text: radText2},
	); len(pairs) != 1 || pairs[0].Distance != -1 {
		t.Fatalf("both unplaced: %+v", pairs)
	}
}

func TestDifferentTextsCloseByAreNoPair(t *testing.T) {
	if _, pairs := dupes(t,
		seedC{title: radTitle, text: radText, at: north(0)},
		seedC{title: "Bänke im Park", text: benchText, at: north(5)},
		seedC{title: "Radweg beleuchten", text: "Der Radweg an der Elbchaussee ist nachts dunkel, hier fehlen Laternen.", at: north(20)},
	); len(pairs) != 0 {
		t.Fatalf("different texts: %+v", pairs)
	}
}

func TestHiddenContributionsAreNoCandidates(t *testing.T) {
	if _, pairs := dupes(t,
		seedC{title: radTitle, text: radText, at: north(0)},
		seedC{title: radTitle, text: radText, at: north(1), status: model.Hidden},
	); len(pairs) != 0 {
		t.Fatalf("hidden: %+v", pairs)
	}
}

// tag is a word of letters only, one for each n.
func tag(prefix string, n int) string {
	b := []byte(prefix)
	for {
		b = append(b, byte('a'+n%26))
		if n /= 26; n == 0 {
			return string(b)
		}
	}
}

// TestDuplicatesAtScale: among 3,000 contributions with 100 planted pairs
// every pair is found, none too many, in bounded time.
func TestDuplicatesAtScale(t *testing.T) {
	words := []string{"Baum", "Weg", "Brücke", "Laterne", "Spielplatz", "Bank", "Radweg", "Parkplatz", "Bus", "Ampel",
		"Wiese", "Teich", "Hecke", "Mauer", "Treppe", "Rampe", "Kiosk", "Brunnen", "Toilette", "Zaun", "Schule", "Kita",
		"Markt", "Platz", "Ufer", "Hafen", "Tunnel", "Gleis", "Bahnhof", "Garten"}
	var cs []seedC
	for i := 0; i < 2800; i++ {
		w := func(k int) string { return words[(i*7+k*k*13+i/30*k)%len(words)] }
		text := fmt.Sprintf("%s %s %s %s %s bei %s %s", tag("Nr", i), w(1), w(2), w(3), w(4), tag("Haus", i), tag("Ecke", i))
		cs = append(cs, seedC{title: "Anliegen", text: text, at: north(float64(i % 500 * 40))})
	}
	for i := 0; i < 100; i++ {
		text := fmt.Sprintf("%s Gehweg Querung Zebrastreifen Schulweg %s", tag("Doppelt", i), tag("Kreuzung", i))
		cs = append(cs, seedC{title: "Querung", text: text, at: north(float64(i * 400))},
			seedC{title: "Querung", text: text + " bitte", at: north(float64(i*400 + 20))})
	}
	start := time.Now()
	_, pairs := dupes(t, cs...)
	if len(pairs) != 100 {
		t.Fatalf("want the 100 planted pairs, got %d", len(pairs))
	}
	t.Logf("3000 contributions with insert: %v", time.Since(start))
}
