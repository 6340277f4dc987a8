package web

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
)

// CountView counts one view of the public procedure p, without tracking
// (procedures.Visits).
func (s *Server) CountView(p *model.Procedure) { s.Visits.Count(p) }

// FlushViews writes the views counted so far (the server calls it when it
// stops; tests call it to read the counters).
func (s *Server) FlushViews() { s.Visits.Flush() }

// RecentViews returns each procedure's views over the last
// procedures.ViewDays days.
func (s *Server) RecentViews(ctx context.Context) (map[int64]int, error) {
	return s.Visits.Recent(ctx)
}
