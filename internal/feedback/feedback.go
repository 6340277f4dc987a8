// Package feedback takes residents' reports on the site's accessibility
// (BITV 2.0 §7: the accessibility statement names a feedback mechanism)
// and lets the operators deal with them. A report holds the message, the
// page concerned and, if the resident wants an answer, a way to reach
// them; that contact is erased once the report is dealt with.
package feedback

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what feedback needs of the data store.
type Store interface {
	AddFeedback(ctx context.Context, f store.Feedback) (int64, error)
	FeedbackList(ctx context.Context, limit int) ([]store.Feedback, error)
	FeedbackDone(ctx context.Context, id int64, actor string, now time.Time) error
}

// Limits of a report, in characters.
const (
	MinMessage = 10
	MaxMessage = 5000
	MaxPage    = 500
	MaxContact = 200
)

// Report is what a resident sends.
type Report struct {
	Message, Page, Contact, Locale string
}

// Service takes and lists reports.
type Service struct {
	Store Store
	Now   func() time.Time
}

// New returns a Service on st.
func New(st Store) *Service { return &Service{Store: st, Now: time.Now} }

// Add validates r and keeps it; a refused report gives model.Errors keyed
// by field (message, page, contact).
func (s *Service) Add(ctx context.Context, r Report) error {
	r.Message = strings.TrimSpace(r.Message)
	r.Page = strings.TrimSpace(r.Page)
	r.Contact = strings.TrimSpace(r.Contact)
	if errs := Validate(r); len(errs) > 0 {
		return errs
	}
	_, err := s.Store.AddFeedback(ctx, store.Feedback{Message: r.Message, Page: r.Page, Contact: r.Contact,
		Locale: r.Locale, CreatedAt: s.Now()})
	return err
}

// Validate checks a report: a message of MinMessage to MaxMessage
// characters; page and contact optional and bounded.
func Validate(r Report) model.Errors {
	errs := model.CheckText("message", r.Message, MinMessage, MaxMessage)
	if r.Page != "" {
		errs = append(errs, model.CheckText("page", r.Page, 1, MaxPage)...)
	}
	if r.Contact != "" {
		errs = append(errs, model.CheckText("contact", r.Contact, 1, MaxContact)...)
	}
	return errs
}

// List returns the newest reports, open ones first.
func (s *Service) List(ctx context.Context) ([]store.Feedback, error) {
	return s.Store.FeedbackList(ctx, 200)
}

// ErrNotFound: no open report with that id.
var ErrNotFound = errors.New("feedback: no such open report")

// Done marks a report as dealt with and erases its contact.
func (s *Service) Done(ctx context.Context, id int64, actor string) error {
	err := s.Store.FeedbackDone(ctx, id, actor, s.Now())
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}
