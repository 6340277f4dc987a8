package participation

import (
	"context"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Editable reports whether a resident may still edit or withdraw c: while
// p's participation phase is open and c is published or waiting for
// moderation (not withdrawn, hidden or merged). Edit and Withdraw apply the
// same rule; the manage page asks it to decide whether to offer them.
func Editable(p *model.Procedure, c *model.Contribution, now time.Time) bool {
	return p.ParticipationOpen(now) && editableStatus(c.Status)
}

// editableStatus is the part of Editable a contribution's status decides.
func editableStatus(s model.ContributionStatus) bool {
	return s == model.Published || s == model.Submitted
}

// Places returns procedure procedureID's known places, which the forms
// offer to pick from.
func (s *Service) Places(ctx context.Context, procedureID int64) ([]store.Place, error) {
	return s.Store.Places(ctx, procedureID)
}

// FindPlace looks up one of procedure procedureID's known places by the
// name a resident typed and returns its point; ok is false when no place,
// or more than one, fits.
func (s *Service) FindPlace(ctx context.Context, procedureID int64, name string) (pt orb.Point, ok bool, err error) {
	places, err := s.Store.Places(ctx, procedureID)
	if err != nil {
		return orb.Point{}, false, err
	}
	pl, ok := findPlace(places, name)
	if !ok {
		return orb.Point{}, false, nil
	}
	return orb.Point{pl.Lon, pl.Lat}, true, nil
}

// findPlace finds a known place by name: an exact match ignoring case, or
// else the only place whose name contains the text.
func findPlace(places []store.Place, name string) (store.Place, bool) {
	q := strings.ToLower(strings.TrimSpace(name))
	var hits []store.Place
	for _, pl := range places {
		n := strings.ToLower(pl.Name)
		if n == q {
			return pl, true
		}
		if q != "" && strings.Contains(n, q) {
			hits = append(hits, pl)
		}
	}
	if len(hits) == 1 {
		return hits[0], true
	}
	return store.Place{}, false
}
