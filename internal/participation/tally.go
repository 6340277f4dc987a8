package participation

import (
	"context"

	"github.com/mitreden/mitreden/internal/store"
)

// Tally counts a procedure's published contributions by category and by
// origin ("online", "table:3", "letter", …): the wall's counters.
func (s *Service) Tally(ctx context.Context, procedureID int64) (byCategory, byOrigin []store.Count, err error) {
	if byCategory, err = s.Store.CountBy(ctx, procedureID, "category"); err != nil {
		return nil, nil, err
	}
	if byOrigin, err = s.Store.CountBy(ctx, procedureID, "origin"); err != nil {
		return nil, nil, err
	}
	return byCategory, byOrigin, nil
}
