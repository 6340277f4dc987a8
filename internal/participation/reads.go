package participation

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// ReadStore is what residents' pages read of the data store, beside what
// their actions need (Store). The SQLite store satisfies it.
type ReadStore interface {
	Procedures(ctx context.Context) ([]*model.Procedure, error)
	Pages(ctx context.Context, procedureID int64, locale string) ([]model.Page, error)
	Page(ctx context.Context, procedureID int64, slug, locale string) (model.Page, error)
	Appointments(ctx context.Context, procedureID int64) ([]model.Appointment, error)
	Conceptions(ctx context.Context, procedureID int64) ([]model.Conception, error)
	ConceptionComments(ctx context.Context, procedureID int64) (map[string][]model.Comment, error)
	Contributions(ctx context.Context, f store.Filter) ([]*model.Contribution, string, error)
	Discussion(ctx context.Context, contributionID string) ([]model.Comment, []model.Response, error)
	Answered(ctx context.Context, seqs []int64) (map[int64]bool, error)
	CountBy(ctx context.Context, procedureID int64, column string) ([]store.Count, error)
	FeedItems(ctx context.Context, procedureID int64, contributionID string, limit int) ([]store.FeedItem, error)
}

// FeedMax is how many entries a feed holds.
const FeedMax = 50

// Feed returns the newest entries of a procedure's feed (contributionID
// "") or of one published contribution's: published content only.
func (s *Service) Feed(ctx context.Context, procedureID int64, contributionID string) ([]store.FeedItem, error) {
	return s.Store.FeedItems(ctx, procedureID, contributionID, FeedMax)
}

// Procedures lists every public procedure (drafts are their team's), for
// the overview and the API.
func (s *Service) Procedures(ctx context.Context) ([]*model.Procedure, error) {
	ps, err := s.Store.Procedures(ctx)
	return PublicOnly(ps), err
}

// PublicOnly drops the drafts of ps (in place).
func PublicOnly(ps []*model.Procedure) []*model.Procedure {
	out := ps[:0]
	for _, p := range ps {
		if p.Public() {
			out = append(out, p)
		}
	}
	return out
}

// Pages lists a procedure's content pages in locale, for its navigation.
func (s *Service) Pages(ctx context.Context, procedureID int64, locale string) ([]model.Page, error) {
	return s.Store.Pages(ctx, procedureID, locale)
}

// Page returns one content page of a procedure in locale
// (store.ErrNotFound if there is none).
func (s *Service) Page(ctx context.Context, procedureID int64, slug, locale string) (model.Page, error) {
	return s.Store.Page(ctx, procedureID, slug, locale)
}

// Appointments lists a procedure's appointments.
func (s *Service) Appointments(ctx context.Context, procedureID int64) ([]model.Appointment, error) {
	return s.Store.Appointments(ctx, procedureID)
}

// Conceptions returns a procedure's plan variants and their published
// comments by variant key.
func (s *Service) Conceptions(ctx context.Context, procedureID int64) ([]model.Conception, map[string][]model.Comment, error) {
	cs, err := s.Store.Conceptions(ctx, procedureID)
	if err != nil {
		return nil, nil, err
	}
	comments, err := s.Store.ConceptionComments(ctx, procedureID)
	if err != nil {
		return nil, nil, err
	}
	return cs, comments, nil
}

// Contributions lists the contributions f selects, with the cursor of the
// next page ("" at the end; store.ErrBadCursor for a cursor it did not make).
func (s *Service) Contributions(ctx context.Context, f store.Filter) ([]*model.Contribution, string, error) {
	return s.Store.Contributions(ctx, f)
}

// Answered reports which of the listed contributions carry an official
// response (the list's "answered" badge).
func (s *Service) Answered(ctx context.Context, list []*model.Contribution) (map[string]bool, error) {
	seqs := make([]int64, len(list))
	for i, c := range list {
		seqs[i] = c.Seq
	}
	bySeq, err := s.Store.Answered(ctx, seqs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(bySeq))
	for _, c := range list {
		if bySeq[c.Seq] {
			out[c.ID] = true
		}
	}
	return out, nil
}

// Newest lists a procedure's n newest published contributions (the wall).
func (s *Service) Newest(ctx context.Context, procedureID int64, n int) ([]*model.Contribution, error) {
	list, _, err := s.Store.Contributions(ctx, store.Filter{ProcedureID: procedureID, Sort: store.SortNewest, Limit: n})
	return list, err
}

// Discussion returns a contribution's published comments and the official
// responses to it.
func (s *Service) Discussion(ctx context.Context, contributionID string) ([]model.Comment, []model.Response, error) {
	return s.Store.Discussion(ctx, contributionID)
}

// Related lists up to five other contributions of c's category near c
// (none for a contribution without a place).
func (s *Service) Related(ctx context.Context, p *model.Procedure, ct *model.Contribution) ([]*model.Contribution, error) {
	var related []*model.Contribution
	if ct.Geometry != nil {
		b := ct.Geometry.Bound().Pad(0.003)
		rel, _, err := s.Store.Contributions(ctx, store.Filter{ProcedureID: p.ID, Category: ct.Category, BBox: &b, Limit: 6})
		if err != nil {
			return nil, err
		}
		for _, r := range rel {
			if r.ID != ct.ID && len(related) < 5 {
				related = append(related, r)
			}
		}
	}
	return related, nil
}

// Statistics is what the public statistics page counts and lists.
type Statistics struct {
	ByCategory, ByType     []store.Count
	TopCommented, TopRated []*model.Contribution
}

// Statistics counts a procedure's published contributions by category and
// type and lists the ten most commented and the ten best rated.
func (s *Service) Statistics(ctx context.Context, procedureID int64) (*Statistics, error) {
	var st Statistics
	var err error
	if st.ByCategory, err = s.Store.CountBy(ctx, procedureID, "category"); err != nil {
		return nil, err
	}
	if st.ByType, err = s.Store.CountBy(ctx, procedureID, "type"); err != nil {
		return nil, err
	}
	if st.TopCommented, _, err = s.Store.Contributions(ctx, store.Filter{ProcedureID: procedureID, Sort: store.SortCommented, Limit: 10}); err != nil {
		return nil, err
	}
	if st.TopRated, _, err = s.Store.Contributions(ctx, store.Filter{ProcedureID: procedureID, Sort: store.SortRated, Limit: 10}); err != nil {
		return nil, err
	}
	return &st, nil
}

// Managed returns the contribution a manage token belongs to and its
// procedure (store.ErrNotFound for an unknown token).
func (s *Service) Managed(ctx context.Context, token string) (*model.Contribution, *model.Procedure, error) {
	c, err := s.ByManageToken(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Store.ProcedureByID(ctx, c.ProcedureID)
	if err != nil {
		return nil, nil, err
	}
	return c, p, nil
}
