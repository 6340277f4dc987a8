// Package moderation is what moderators and planners do to contributions:
// publish or hide them with a public reason, re-categorise them, merge
// duplicates and answer officially. Every step is written to the audit
// log in the same transaction; nothing a resident submitted is deleted.
package moderation

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Limits on moderators' input.
const (
	ReasonMax   = 500
	ResponseMin = 2
	ResponseMax = 10000
	AuthorMax   = 120
)

// Errors besides model.Errors and the store's.
var (
	ErrForbidden = errors.New("moderation: this account may not do this")
	ErrNoChange  = errors.New("moderation: the request changes nothing")
	// ErrNotModeratable: a withdrawn or merged contribution is final; no
	// moderator may change or merge it. (A resident's "can no longer
	// change" is participation.ErrNotEditable, another rule.)
	ErrNotModeratable = errors.New("moderation: withdrawn or merged contributions cannot be moderated")
)

// moderatable refuses a withdrawn or merged contribution.
func moderatable(c *model.Contribution) error {
	switch c.Status {
	case model.Withdrawn, model.Merged:
		return ErrNotModeratable
	}
	return nil
}

// Change is a moderation step on one contribution; nil fields stay as they are.
type Change struct {
	Status   *model.ContributionStatus
	Reason   *string
	Category *string
	// PlanningStatus sets the public planning status ("" takes it back).
	PlanningStatus *string
}

// Store is what moderation needs of the data store. The SQLite store
// (internal/store) satisfies it; a second store satisfies it beside it.
// Each audited method writes its change and the audit entry (store.Audited)
// in one transaction, and runs change functions inside that transaction.
type Store interface {
	ReadStore
	ProcedureByID(ctx context.Context, id int64) (*model.Procedure, error)
	ModerateContribution(ctx context.Context, id string, a store.Audited, change func(*model.Contribution) error) (*model.Contribution, error)
	MergeContribution(ctx context.Context, id, into, reason string, a store.Audited, check func(*model.Contribution) error) (*model.Contribution, error)
	RespondTo(ctx context.Context, contributionID string, r *model.Response, userID int64, a store.Audited) error
	ResolveReport(ctx context.Context, procedureID, id int64, note string, a store.Audited) error
	ModerateComment(ctx context.Context, procedureID, commentID int64, status model.ContributionStatus, a store.Audited) (*store.ModeratedComment, error)
	UpdateProcedureSettings(ctx context.Context, procedureID int64, settings model.Settings, a store.Audited) error
	SavePage(ctx context.Context, procedureID int64, pg model.Page, a store.Audited) error
}

// Service carries out moderation.
type Service struct {
	Store Store
	Now   func() time.Time
}

// New returns a Service on st.
func New(st Store) *Service { return &Service{Store: st, Now: time.Now} }

// Moderate applies ch to contribution id. A moderator may set the status
// to submitted (back to the queue), published or hidden — hidden needs a
// public reason — and move it to another category of its procedure.
// Merging has its own step; withdrawing is the author's alone.
func (s *Service) Moderate(ctx context.Context, actor *model.User, id string, ch Change) (*model.Contribution, error) {
	if actor == nil || !auth.Can(actor.Role, "moderate") {
		return nil, ErrForbidden
	}
	if ch.Status == nil && ch.Reason == nil && ch.Category == nil && ch.PlanningStatus == nil {
		return nil, ErrNoChange
	}
	var errs model.Errors
	if ch.Status != nil {
		switch *ch.Status {
		case model.Submitted, model.Published, model.Hidden:
		default:
			errs = append(errs, model.FieldError{Field: "status", Code: "status_not_settable"})
		}
	}
	if ch.Reason != nil {
		r := model.Normalize(*ch.Reason)
		ch.Reason = &r
		errs = append(errs, checkReason(r)...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s.Store.ModerateContribution(ctx, id, store.Audited{Actor: actor.Email, Action: "contribution.moderate"}, func(c *model.Contribution) error {
		if err := moderatable(c); err != nil {
			return err
		}
		if ch.Category != nil || ch.PlanningStatus != nil {
			proc, err := s.Store.ProcedureByID(ctx, c.ProcedureID)
			if err != nil {
				return err
			}
			if ch.Category != nil {
				if _, ok := proc.Category(*ch.Category); !ok {
					return model.Errors{{Field: "category", Code: "unknown_category"}}
				}
				c.Category = *ch.Category
			}
			if ch.PlanningStatus != nil {
				if !ValidPlanningStatus(proc, *ch.PlanningStatus) {
					return model.Errors{{Field: "planning_status", Code: "unknown_planning_status"}}
				}
				c.PlanningStatus = *ch.PlanningStatus
			}
		}
		if ch.Status != nil {
			c.Status = *ch.Status
		}
		if ch.Reason != nil {
			c.Reason = *ch.Reason
		}
		if c.Status == model.Hidden && c.Reason == "" {
			return model.Errors{{Field: "reason", Code: "required"}}
		}
		if c.Status == model.Published && ch.Status != nil && ch.Reason == nil {
			c.Reason = "" // a reason for hiding does not outlive the hiding
		}
		return nil
	})
}

// Merge marks contribution id as a duplicate of into, with a public reason.
func (s *Service) Merge(ctx context.Context, actor *model.User, id, into, reason string) (*model.Contribution, error) {
	if actor == nil || !auth.Can(actor.Role, "moderate") {
		return nil, ErrForbidden
	}
	reason = model.Normalize(reason)
	var errs model.Errors
	if into == "" {
		errs = append(errs, model.FieldError{Field: "into", Code: "required"})
	}
	errs = append(errs, checkReason(reason)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return s.Store.MergeContribution(ctx, id, into, reason, store.Audited{Actor: actor.Email, Action: "contribution.merge"}, moderatable)
}

// Respond adds a planner's official response (Markdown) to contribution id,
// signed with author (the office's name, never the planner's address).
func (s *Service) Respond(ctx context.Context, actor *model.User, id, textMD, author string) (*model.Response, error) {
	if actor == nil || !auth.Can(actor.Role, "respond") {
		return nil, ErrForbidden
	}
	textMD, author = model.Normalize(textMD), model.Normalize(author)
	var errs model.Errors
	if n := utf8.RuneCountInString(textMD); !utf8.ValidString(textMD) {
		errs = append(errs, model.FieldError{Field: "text", Code: "invalid_utf8"})
	} else if n < ResponseMin {
		errs = append(errs, model.FieldError{Field: "text", Code: "too_short", Args: map[string]any{"Min": ResponseMin}})
	} else if n > ResponseMax {
		errs = append(errs, model.FieldError{Field: "text", Code: "too_long", Args: map[string]any{"Max": ResponseMax}})
	}
	if !utf8.ValidString(author) || utf8.RuneCountInString(author) > AuthorMax {
		errs = append(errs, model.FieldError{Field: "author", Code: "too_long", Args: map[string]any{"Max": AuthorMax}})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	r := &model.Response{TextMD: textMD, Author: author, CreatedAt: s.Now().UTC()}
	if err := s.Store.RespondTo(ctx, id, r, actor.ID, store.Audited{Actor: actor.Email, Action: "contribution.respond"}); err != nil {
		return nil, err
	}
	return r, nil
}

func checkReason(r string) model.Errors {
	switch {
	case !utf8.ValidString(r):
		return model.Errors{{Field: "reason", Code: "invalid_utf8"}}
	case utf8.RuneCountInString(r) > ReasonMax:
		return model.Errors{{Field: "reason", Code: "too_long", Args: map[string]any{"Max": ReasonMax}}}
	}
	for _, c := range r {
		if c < 0x20 && c != '\n' {
			return model.Errors{{Field: "reason", Code: "control_chars"}}
		}
	}
	return nil
}

// ResolveReport marks a resident's report as dealt with (after hiding the
// contribution, say, or deciding it stays), with an optional internal note.
func (s *Service) ResolveReport(ctx context.Context, actor *model.User, procedureID, id int64, note string) error {
	if actor == nil || !auth.Can(actor.Role, "moderate") {
		return ErrForbidden
	}
	note = model.Normalize(note)
	if errs := checkReason(note); len(errs) > 0 {
		errs[0].Field = "note"
		return errs
	}
	return s.Store.ResolveReport(ctx, procedureID, id, note, store.Audited{Actor: actor.Email, Action: "report.resolve"})
}

// ModerateComment publishes a comment (one waiting under pre-moderation,
// or one hidden before) or hides it (it stays stored, out of public view).
// commentID names a residents' comment or a plan-variant comment — they
// share one id space. With procedureID other than 0 the comment must
// belong to that procedure.
func (s *Service) ModerateComment(ctx context.Context, actor *model.User, procedureID, commentID int64, status model.ContributionStatus) (*store.ModeratedComment, error) {
	if actor == nil || !auth.Can(actor.Role, "moderate") {
		return nil, ErrForbidden
	}
	if status != model.Published && status != model.Hidden {
		return nil, model.Errors{{Field: "status", Code: "comment_status"}}
	}
	return s.Store.ModerateComment(ctx, procedureID, commentID, status, store.Audited{Actor: actor.Email, Action: "comment.moderate"})
}

// UpdateSettings changes a procedure's switches (moderation mode, comments,
// ratings, geometry types, text lengths, WMS layer); planners and admins.
func (s *Service) UpdateSettings(ctx context.Context, actor *model.User, p *model.Procedure, settings model.Settings) error {
	if actor == nil || !auth.Can(actor.Role, "manage_procedures") {
		return ErrForbidden
	}
	if errs := append(settings.Validate(), checkPlanningStatuses(settings.PlanningStatuses)...); len(errs) > 0 {
		return errs
	}
	return s.Store.UpdateProcedureSettings(ctx, p.ID, settings, store.Audited{Actor: actor.Email, Action: "procedure.settings"})
}

// SavePage writes a content page (Markdown, with an optional Leichte
// Sprache variant) in one locale; planners and admins. The Markdown is
// sanitised when it is rendered, as every page is.
func (s *Service) SavePage(ctx context.Context, actor *model.User, p *model.Procedure, pg model.Page) error {
	if actor == nil || !auth.Can(actor.Role, "manage_procedures") {
		return ErrForbidden
	}
	pg.Title, pg.BodyMD, pg.EasyMD = model.Normalize(pg.Title), model.Normalize(pg.BodyMD), model.Normalize(pg.EasyMD)
	if errs := model.ValidatePage(pg); len(errs) > 0 {
		return errs
	}
	return s.Store.SavePage(ctx, p.ID, pg, store.Audited{Actor: actor.Email, Action: "page.save"})
}
