package ogcapi

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what the OGC API reads of the data store: the procedures (its
// collections). The SQLite store (internal/store) satisfies it; a second
// store satisfies it beside it.
type Store interface {
	Procedures(ctx context.Context) ([]*model.Procedure, error)
}

// Pages gives pages of a procedure's published features, each as its
// stored GeoJSON bytes, with a keyset cursor for the next page and, on the
// first page, how many match (-1 otherwise). internal/viewport satisfies
// it, answering views from its kept tile entries; the store's Features has
// the same shape.
type Pages interface {
	Page(ctx context.Context, p *model.Procedure, f store.Filter) (feats [][]byte, next string, total int, err error)
}

// JoinablePages also gives, with a page, its features' pieces (gzipjoin)
// where it keeps them, so that the page's gzip form can be joined instead
// of compressed on a busy server: internal/viewport.
type JoinablePages interface {
	PageJoinable(ctx context.Context, p *model.Procedure, f store.Filter) (feats, pieces [][]byte, next string, total int, err error)
}

// Service answers the OGC API's collections and items.
type Service struct {
	Store Store
	Pages Pages
}

// New returns a Service on st and pages.
func New(st Store, pages Pages) *Service { return &Service{Store: st, Pages: pages} }

// Collections returns every public procedure (no drafts), newest first.
func (s *Service) Collections(ctx context.Context) ([]*model.Procedure, error) {
	ps, err := s.Store.Procedures(ctx)
	out := ps[:0]
	for _, p := range ps {
		if p.Public() {
			out = append(out, p)
		}
	}
	return out, err
}

// Items returns one page of p's features for f (see ParseItems): the
// features, the cursor of the next page ("" on the last) and, on the first
// page, how many match (-1 otherwise). A cursor the store cannot read is
// store.ErrBadCursor. With join, pieces are the features' pieces where the
// pages keep them all (JoinablePages), else nil.
func (s *Service) Items(ctx context.Context, p *model.Procedure, f store.Filter, join bool) (feats, pieces [][]byte, next string, total int, err error) {
	if jp, ok := s.Pages.(JoinablePages); ok && join {
		return jp.PageJoinable(ctx, p, f)
	}
	feats, next, total, err = s.Pages.Page(ctx, p, f)
	return feats, nil, next, total, err
}
