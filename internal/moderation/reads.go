package moderation

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// ReadStore is what the back office's moderation pages and the moderators'
// API read of the data store, beside what the steps need (Store). The
// SQLite store satisfies it.
type ReadStore interface {
	Procedures(ctx context.Context) ([]*model.Procedure, error)
	StatusCounts(ctx context.Context, procedureID int64) (map[model.ContributionStatus]int, error)
	CountOpenReports(ctx context.Context, procedureID int64) (int, error)
	Contribution(ctx context.Context, id string) (*model.Contribution, error)
	Contributions(ctx context.Context, f store.Filter) ([]*model.Contribution, string, error)
	Discussion(ctx context.Context, contributionID string) ([]model.Comment, []model.Response, error)
	Reports(ctx context.Context, procedureID int64, resolved bool, limit int) ([]store.Report, error)
	ModerationComments(ctx context.Context, procedureID int64, status model.ContributionStatus, conceptionsOnly bool, limit int) ([]store.QueuedComment, error)
	CountFlags(ctx context.Context, kind, subjectID string) (int, error)
	PageSlugs(ctx context.Context, procedureID int64) ([]string, error)
	Page(ctx context.Context, procedureID int64, slug, locale string) (model.Page, error)
	Places(ctx context.Context, procedureID int64) ([]store.Place, error)
}

// ProcedureCounts is one procedure in the back office's overview: its
// contributions by status and its open reports.
type ProcedureCounts struct {
	P                          *model.Procedure
	Published, Waiting, Hidden int
	Reports                    int
}

// Overview counts every procedure's contributions by status and its open
// reports.
func (s *Service) Overview(ctx context.Context) ([]ProcedureCounts, error) {
	procs, err := s.Store.Procedures(ctx)
	if err != nil {
		return nil, err
	}
	var rows []ProcedureCounts
	for _, p := range procs {
		counts, err := s.Store.StatusCounts(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		reports, err := s.Store.CountOpenReports(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, ProcedureCounts{P: p, Published: counts[model.Published], Waiting: counts[model.Submitted],
			Hidden: counts[model.Hidden], Reports: reports})
	}
	return rows, nil
}

// Queues is what a procedure's moderation page lists.
type Queues struct {
	// Waiting: contributions waiting for pre-moderation, oldest first;
	// Hidden: hidden ones, newest first.
	Waiting, Hidden []*model.Contribution
	// Reports: the open reports.
	Reports []store.Report
	// WaitingComments wait for pre-moderation; VariantComments are the
	// published comments on plan variants (which have no page of their
	// own in the back office); HiddenComments are hidden.
	WaitingComments, VariantComments, HiddenComments []store.QueuedComment
}

// Queues lists what waits for a procedure's moderators.
func (s *Service) Queues(ctx context.Context, procedureID int64) (*Queues, error) {
	var q Queues
	var err error
	q.Waiting, _, err = s.Store.Contributions(ctx, store.Filter{ProcedureID: procedureID, Statuses: []model.ContributionStatus{model.Submitted}, Sort: store.SortOldest, Limit: 50})
	if err != nil {
		return nil, err
	}
	if q.Reports, err = s.Store.Reports(ctx, procedureID, false, 100); err != nil {
		return nil, err
	}
	q.Hidden, _, err = s.Store.Contributions(ctx, store.Filter{ProcedureID: procedureID, Statuses: []model.ContributionStatus{model.Hidden}, Sort: store.SortNewest, Limit: 50})
	if err != nil {
		return nil, err
	}
	if q.WaitingComments, err = s.Store.ModerationComments(ctx, procedureID, model.Submitted, false, 100); err != nil {
		return nil, err
	}
	if q.VariantComments, err = s.Store.ModerationComments(ctx, procedureID, model.Published, true, 100); err != nil {
		return nil, err
	}
	if q.HiddenComments, err = s.Store.ModerationComments(ctx, procedureID, model.Hidden, false, 100); err != nil {
		return nil, err
	}
	return &q, nil
}

// Contribution returns contribution id of procedure procedureID in any
// status (store.ErrNotFound if it is missing or another procedure's).
func (s *Service) Contribution(ctx context.Context, procedureID int64, id string) (*model.Contribution, error) {
	ct, err := s.Store.Contribution(ctx, id)
	if err == nil && ct.ProcedureID != procedureID {
		return nil, store.ErrNotFound
	}
	return ct, err
}

// Discussion returns a contribution's comments and official responses.
func (s *Service) Discussion(ctx context.Context, contributionID string) ([]model.Comment, []model.Response, error) {
	return s.Store.Discussion(ctx, contributionID)
}

// Search finds a procedure's contributions by text, in every status but
// withdrawn, newest first (at most 50).
func (s *Service) Search(ctx context.Context, procedureID int64, q string) ([]*model.Contribution, error) {
	list, _, err := s.Store.Contributions(ctx, store.Filter{ProcedureID: procedureID, Query: q, Sort: store.SortNewest, Limit: 50,
		Statuses: []model.ContributionStatus{model.Published, model.Submitted, model.Hidden, model.Merged}})
	return list, err
}

// Queued is a contribution in the moderators' queue with the number of
// residents' reports on it.
type Queued struct {
	*model.Contribution
	Flags int
}

// Queue lists the contributions f selects (any status) with their reports'
// count, and the cursor of the next page (store.ErrBadCursor for a cursor
// it did not make).
func (s *Service) Queue(ctx context.Context, f store.Filter) ([]Queued, string, error) {
	list, next, err := s.Store.Contributions(ctx, f)
	if err != nil {
		return nil, "", err
	}
	out := make([]Queued, 0, len(list))
	for _, ct := range list {
		n, err := s.Store.CountFlags(ctx, "contribution", ct.ID)
		if err != nil {
			return nil, "", err
		}
		out = append(out, Queued{Contribution: ct, Flags: n})
	}
	return out, next, nil
}

// Reports lists a procedure's reports, oldest first: the open ones, or
// with resolved the dealt-with ones.
func (s *Service) Reports(ctx context.Context, procedureID int64, resolved bool, limit int) ([]store.Report, error) {
	return s.Store.Reports(ctx, procedureID, resolved, limit)
}

// Comments lists a procedure's comments in status, on contributions and
// plan variants, oldest first.
func (s *Service) Comments(ctx context.Context, procedureID int64, status model.ContributionStatus, limit int) ([]store.QueuedComment, error) {
	return s.Store.ModerationComments(ctx, procedureID, status, false, limit)
}

// PageSlugs lists a procedure's content pages.
func (s *Service) PageSlugs(ctx context.Context, procedureID int64) ([]string, error) {
	return s.Store.PageSlugs(ctx, procedureID)
}

// Page returns a content page in locale, for editing (store.ErrNotFound if
// the procedure has no such page).
func (s *Service) Page(ctx context.Context, procedureID int64, slug, locale string) (model.Page, error) {
	return s.Store.Page(ctx, procedureID, slug, locale)
}
