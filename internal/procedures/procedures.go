// Package procedures answers what nearly every page asks first: the
// procedure a slug names, and how many of its contributions a filter
// matches. Both are kept per procedure version in the program's one cache
// type, bounded across procedures, and computed once however many ask at
// the same moment (after a write, many requests miss together).
package procedures

import (
	"context"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what the procedures are read from. The SQLite store satisfies
// it.
type Store interface {
	// ProcedureStamp returns the id and current version of the procedure
	// with slug, store.ErrNotFound when there is none: one indexed lookup.
	ProcedureStamp(ctx context.Context, slug string) (id, version int64, err error)
	ProcedureBySlug(ctx context.Context, slug string) (*model.Procedure, error)
	CountContributions(ctx context.Context, f store.Filter) (int, error)
}

const (
	// procedureEntries bounds the procedures kept (a few per procedure
	// while versions age out).
	procedureEntries = 1024
	// countEntries bounds the remembered counts across all procedures.
	countEntries = 16384
)

// Service keeps the procedures by slug and the counts.
type Service struct {
	st     Store
	procs  *cache.Cache[*model.Procedure]
	counts *cache.Cache[int]
}

// New returns a service reading from st.
func New(st Store) *Service {
	return &Service{st: st, procs: cache.New[*model.Procedure](procedureEntries, nil), counts: cache.New[int](countEntries, nil)}
}

// BySlug returns the procedure with slug (store.ErrNotFound when there is
// none), whatever its status: who may see it is the caller's question. A
// call costs one indexed lookup until the procedure changes. The result is
// shared: callers must not modify it.
func (s *Service) BySlug(ctx context.Context, slug string) (*model.Procedure, error) {
	id, version, err := s.st.ProcedureStamp(ctx, slug)
	if err != nil {
		return nil, err
	}
	// Keyed by slug, id and version: a procedure deleted and made anew
	// under the same slug is a new entry.
	return s.procs.Do(ctx, cache.Key{Procedure: id, Version: version, Name: slug}, func(ctx context.Context) (*model.Procedure, error) {
		return s.st.ProcedureBySlug(ctx, slug)
	})
}

// Count returns the number of contributions of p matching f (paging
// ignored), remembered per procedure version: counting 100,000 rows costs
// milliseconds, and every page and viewport answer shows a count.
func (s *Service) Count(ctx context.Context, p *model.Procedure, f store.Filter) (int, error) {
	return s.counts.Do(ctx, cache.Key{Procedure: p.ID, Version: p.Version, Name: f.Key()}, func(ctx context.Context) (int, error) {
		return s.st.CountContributions(ctx, f)
	})
}
