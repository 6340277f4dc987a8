package analysis

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// ReportMax is how many contributions the printable report lists; the
// synopsis export holds all of them.
const ReportMax = 300

// Report is the printable report of a procedure: counts, the words of the
// analysis, and the most agreed-with contributions with the official
// responses.
type Report struct {
	Total      int
	ByCategory []store.Count
	ByOrigin   []store.Count
	List       []*model.Contribution // at most ReportMax, most agreed-with first
	Responses  map[string][]model.Response
	Words      []WordCount
}

// Report gathers a procedure's printable report.
func (s *Service) Report(ctx context.Context, p *model.Procedure) (Report, error) {
	var r Report
	var err error
	if r.ByCategory, err = s.st.CountBy(ctx, p.ID, "category"); err != nil {
		return r, err
	}
	if r.ByOrigin, err = s.st.CountBy(ctx, p.ID, "origin"); err != nil {
		return r, err
	}
	for _, n := range r.ByCategory {
		r.Total += n.N
	}
	if r.List, _, err = s.st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Sort: store.SortRated, Limit: ReportMax}); err != nil {
		return r, err
	}
	if r.Responses, err = s.st.ResponsesByContribution(ctx, p.ID); err != nil {
		return r, err
	}
	words, _, err := s.words(ctx, p)
	if err != nil {
		return r, err
	}
	r.Words = words.Top(15)
	return r, nil
}
