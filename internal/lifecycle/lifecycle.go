// Package lifecycle moves procedures between draft, published, closed and
// archived, copies one as a template and deletes one — the planners'
// steps on a procedure as a whole, each checked and audited.
package lifecycle

import (
	"context"
	"errors"
	"strings"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what the lifecycle steps write. The SQLite store satisfies it.
type Store interface {
	SetProcedureStatus(ctx context.Context, procedureID int64, status model.Lifecycle, a store.Audited) error
	DuplicateProcedure(ctx context.Context, fromID int64, slug, title string, a store.Audited) (int64, error)
	DeleteProcedure(ctx context.Context, procedureID int64, a store.Audited) error
}

// Errors of the steps; the back office shows each beside its form.
var (
	ErrUnknownStatus = errors.New("lifecycle: unknown status")
	ErrSameStatus    = errors.New("lifecycle: the procedure has this status already")
	ErrUnconfirmed   = errors.New("lifecycle: publishing and closing need a confirmation")
	ErrBadSlug       = errors.New("lifecycle: the new address is not a valid slug")
	ErrSlugTaken     = errors.New("lifecycle: the new address is taken")
	ErrBadTitle      = errors.New("lifecycle: the title is missing or too long")
	ErrWrongSlug     = errors.New("lifecycle: the typed address does not match")
)

// Service carries out the steps.
type Service struct{ Store Store }

// New returns a Service on st.
func New(st Store) *Service { return &Service{Store: st} }

// NeedsConfirmation reports whether moving to status asks for a
// confirmation: publishing shows a procedure to everyone, closing ends
// its participation.
func NeedsConfirmation(status model.Lifecycle) bool {
	return status == model.LifecyclePublished || status == model.LifecycleClosed
}

// SetStatus moves p to status; confirmed says the planner confirmed (see
// NeedsConfirmation). actor is who did it.
func (s *Service) SetStatus(ctx context.Context, actor string, p *model.Procedure, status model.Lifecycle, confirmed bool) error {
	if !model.ValidLifecycle(status) {
		return ErrUnknownStatus
	}
	if status == p.State() {
		return ErrSameStatus
	}
	if NeedsConfirmation(status) && !confirmed {
		return ErrUnconfirmed
	}
	return s.Store.SetProcedureStatus(ctx, p.ID, status, store.Audited{Actor: actor, Action: "procedure.status"})
}

// Duplicate copies p as a draft under slug and title (title empty: p's
// title) and returns the new procedure's slug.
func (s *Service) Duplicate(ctx context.Context, actor string, p *model.Procedure, slug, title string) (string, error) {
	slug, title = strings.TrimSpace(slug), model.Normalize(title)
	if !model.ValidSlug(slug) {
		return "", ErrBadSlug
	}
	if title == "" {
		title = p.Title
	}
	if len([]rune(title)) > model.TitleMax {
		return "", ErrBadTitle
	}
	_, err := s.Store.DuplicateProcedure(ctx, p.ID, slug, title, store.Audited{Actor: actor, Action: "procedure.duplicate"})
	if errors.Is(err, store.ErrConflict) {
		return "", ErrSlugTaken
	}
	return slug, err
}

// Delete deletes p with everything it holds, once the planner typed its
// slug as confirmation. The audit log keeps the deletion.
func (s *Service) Delete(ctx context.Context, actor string, p *model.Procedure, typed string) error {
	if strings.TrimSpace(typed) != p.Slug {
		return ErrWrongSlug
	}
	return s.Store.DeleteProcedure(ctx, p.ID, store.Audited{Actor: actor, Action: "procedure.delete"})
}
