package ogcapi

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what the OGC API reads of the data store: the procedures (its
// collections) and pages of a procedure's published features, each as its
// stored GeoJSON bytes, with a keyset cursor for the next page. The SQLite
// store (internal/store) satisfies it; a second store satisfies it beside
// it.
type Store interface {
	Procedures(ctx context.Context) ([]*model.Procedure, error)
	Features(ctx context.Context, f store.Filter) (feats [][]byte, next string, total int, err error)
}

// Service answers the OGC API's collections and items.
type Service struct{ Store Store }

// New returns a Service on st.
func New(st Store) *Service { return &Service{Store: st} }

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

// Items returns one page of features for f (see ParseItems): the features,
// the cursor of the next page ("" on the last) and, on the first page, how
// many match (-1 otherwise). A cursor the store cannot read is
// store.ErrBadCursor.
func (s *Service) Items(ctx context.Context, f store.Filter) (feats [][]byte, next string, total int, err error) {
	return s.Store.Features(ctx, f)
}
