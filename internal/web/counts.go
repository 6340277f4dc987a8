package web

import (
	"context"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// countEntries bounds the remembered counts across all procedures.
const countEntries = 16384

// Count returns the number of contributions of p matching f (paging
// ignored), remembered per procedure version: counting 100,000 rows costs
// milliseconds, and every page and viewport answer shows a count. After a
// write many requests miss together; they share one count.
func (s *Server) Count(ctx context.Context, p *model.Procedure, f store.Filter) (int, error) {
	return s.counts.Do(ctx, cache.Key{Procedure: p.ID, Version: p.Version, Name: f.Key()}, func(ctx context.Context) (int, error) {
		return s.Store.CountContributions(ctx, f)
	})
}
