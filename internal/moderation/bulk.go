package moderation

import (
	"context"
	"errors"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// BulkMax bounds how many contributions one bulk step changes.
const BulkMax = 200

// BulkResult says what a bulk step did: how many contributions changed and
// how many were left as they were (already in that status, withdrawn,
// merged, erased, or not of the procedure).
type BulkResult struct {
	Done, Skipped int
}

// errUnchanged undoes a step that would change nothing: the contribution
// already has the status (or planning status) asked for.
var errUnchanged = errors.New("moderation: unchanged")

// Bulk publishes or hides many contributions of procedure procedureID at
// once. Hiding needs one public reason, for all of them; the input is
// checked before anything changes. Each contribution is changed in its own
// step with its own audit entry (one entry per contribution), as if
// moderated singly.
func (s *Service) Bulk(ctx context.Context, actor *model.User, procedureID int64, ids []string, status model.ContributionStatus, reason string) (BulkResult, error) {
	var res BulkResult
	if actor == nil || !auth.Can(actor.Role, "moderate") {
		return res, ErrForbidden
	}
	reason = model.Normalize(reason)
	ids, errs := selection(ids)
	switch status {
	case model.Published:
		reason = ""
	case model.Hidden:
		if reason == "" {
			errs = append(errs, model.FieldError{Field: "reason", Code: "required"})
		}
		errs = append(errs, checkReason(reason)...)
	default:
		errs = append(errs, model.FieldError{Field: "status", Code: "status_not_settable"})
	}
	if len(errs) > 0 {
		return res, errs
	}
	for _, id := range ids {
		_, err := s.Store.ModerateContribution(ctx, id, store.Audited{Actor: actor.Email, Action: "contribution.moderate"}, func(c *model.Contribution) error {
			if c.ProcedureID != procedureID {
				return store.ErrNotFound
			}
			if err := moderatable(c); err != nil {
				return err
			}
			if c.Status == status {
				return errUnchanged
			}
			c.Status, c.Reason = status, reason
			return nil
		})
		if err := res.count(err); err != nil {
			return res, err
		}
	}
	return res, nil
}

// BulkPlanningStatus sets the public planning status of many contributions
// of procedure p at once to key ("" takes it back), by the same rule as
// SetPlanningStatus: each in its own step with its own audit entry and
// live event. The key and the selection are checked before anything
// changes; contributions that already have key (or are withdrawn, merged,
// erased or not of p) are skipped.
func (s *Service) BulkPlanningStatus(ctx context.Context, actor *model.User, p *model.Procedure, ids []string, key string) (BulkResult, error) {
	var res BulkResult
	if actor == nil || !auth.Can(actor.Role, "moderate") {
		return res, ErrForbidden
	}
	ids, errs := selection(ids)
	if !ValidPlanningStatus(p, key) {
		errs = append(errs, model.FieldError{Field: "planning_status", Code: "unknown_planning_status"})
	}
	if len(errs) > 0 {
		return res, errs
	}
	for _, id := range ids {
		_, err := s.setPlanningStatus(ctx, actor, p.ID, id, key)
		if err := res.count(err); err != nil {
			return res, err
		}
	}
	return res, nil
}

// selection checks the ids of a bulk step: repeated and empty ones
// dropped, at least one, at most BulkMax.
func selection(ids []string) ([]string, model.Errors) {
	ids = unique(ids)
	switch {
	case len(ids) == 0:
		return ids, model.Errors{{Field: "ids", Code: "required"}}
	case len(ids) > BulkMax:
		return ids, model.Errors{{Field: "ids", Code: "too_many", Args: map[string]any{"Max": BulkMax}}}
	}
	return ids, nil
}

// count tallies one contribution's step: done, skipped (unchanged, gone,
// not moderatable, erased) or an error that ends the bulk step.
func (r *BulkResult) count(err error) error {
	switch {
	case err == nil:
		r.Done++
	case errors.Is(err, errUnchanged), errors.Is(err, store.ErrNotFound), errors.Is(err, ErrNotModeratable), errors.Is(err, store.ErrErased):
		r.Skipped++
	default:
		return err
	}
	return nil
}

// unique drops repeated and empty ids, keeping the order.
func unique(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
