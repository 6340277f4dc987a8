package participation

import (
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

func TestFindPlaceTakesAnExactNameOrTheOnlyPartialMatch(t *testing.T) {
	places := []store.Place{{Name: "Marktplatz", Lon: 1, Lat: 1}, {Name: "Markt am Hafen", Lon: 2, Lat: 2}, {Name: "Schule", Lon: 3, Lat: 3}}
	for _, c := range []struct {
		name string
		ok   bool
		lon  float64
	}{
		{"marktplatz", true, 1}, // exact, ignoring case, though "Markt" also fits the other
		{" Hafen ", true, 2},    // the only one containing it
		{"Markt", false, 0},     // two contain it
		{"Bahnhof", false, 0},
		{"", false, 0},
	} {
		pl, ok := findPlace(places, c.name)
		if ok != c.ok || (ok && pl.Lon != c.lon) {
			t.Errorf("findPlace(%q) = %+v, %v", c.name, pl, ok)
		}
	}
}

func TestEditableWhilePhaseOpenAndPublishedOrWaiting(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	open := &model.Procedure{Phases: []model.Phase{{Kind: model.PhaseParticipation, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}}}
	closed := &model.Procedure{Phases: []model.Phase{{Kind: model.PhaseParticipation, StartsAt: now.Add(-2 * time.Hour), EndsAt: now.Add(-time.Hour)}}}
	for _, c := range []struct {
		p    *model.Procedure
		s    model.ContributionStatus
		want bool
	}{
		{open, model.Published, true}, {open, model.Submitted, true},
		{open, model.Hidden, false}, {open, model.Merged, false}, {open, model.Withdrawn, false},
		{closed, model.Published, false},
	} {
		if got := Editable(c.p, &model.Contribution{Status: c.s}, now); got != c.want {
			t.Errorf("Editable(%v, %s) = %v", c.p == open, c.s, got)
		}
	}
}
