package web

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Count returns the number of contributions of p matching f (paging
// ignored), kept per procedure version (procedures.Service.Count).
func (s *Server) Count(ctx context.Context, p *model.Procedure, f store.Filter) (int, error) {
	return s.Procedures.Count(ctx, p, f)
}
