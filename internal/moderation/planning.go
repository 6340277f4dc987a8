package moderation

import (
	"context"
	"errors"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// DefaultPlanningStatuses are the public planning statuses of a procedure
// whose settings name none: what became of a contribution, in the order
// it usually goes. Their labels are the interface's texts
// "planning.status.<key>".
var DefaultPlanningStatuses = []model.PlanningStatus{
	{Key: "received"}, {Key: "review"}, {Key: "considered"}, {Key: "rejected"}, {Key: "implemented"},
}

// PlanningStatuses lists the planning statuses contributions of p may
// carry: the procedure's own list (settings) or the default one.
func PlanningStatuses(p *model.Procedure) []model.PlanningStatus {
	if p != nil && len(p.Settings.PlanningStatuses) > 0 {
		return p.Settings.PlanningStatuses
	}
	return DefaultPlanningStatuses
}

// ValidPlanningStatus reports whether key is one of p's planning statuses;
// "" (none) is always valid.
func ValidPlanningStatus(p *model.Procedure, key string) bool {
	if key == "" {
		return true
	}
	for _, s := range PlanningStatuses(p) {
		if s.Key == key {
			return true
		}
	}
	return false
}

// PlanningLabel is the label of planning status key of p in l's locale:
// the procedure's own label when it gives one, the interface's text
// otherwise ("" for none or an unknown key).
func PlanningLabel(l *content.Localizer, p *model.Procedure, key string) string {
	if key == "" {
		return ""
	}
	for _, s := range PlanningStatuses(p) {
		if s.Key != key {
			continue
		}
		if len(s.Label) > 0 {
			tag := ""
			if l != nil {
				tag = l.Tag
			}
			if v := s.Label.Get(tag); v != "" {
				return v
			}
		}
		if l == nil {
			return key
		}
		return l.T("planning.status." + key)
	}
	return ""
}

// PlanningOption is a planning status with its label, for forms and lists.
type PlanningOption struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// PlanningOptions lists p's planning statuses with their labels in l's locale.
func PlanningOptions(l *content.Localizer, p *model.Procedure) []PlanningOption {
	var out []PlanningOption
	for _, s := range PlanningStatuses(p) {
		out = append(out, PlanningOption{Key: s.Key, Label: PlanningLabel(l, p, s.Key)})
	}
	return out
}

// checkPlanningStatuses validates a procedure's own list: keys that are
// slugs, each once, and labels of reasonable length.
func checkPlanningStatuses(list []model.PlanningStatus) model.Errors {
	seen := map[string]bool{}
	for _, s := range list {
		if !model.ValidSlug(s.Key) || seen[s.Key] {
			return model.Errors{{Field: "planning_statuses", Code: "planning_status_key"}}
		}
		seen[s.Key] = true
		for _, v := range s.Label {
			if len([]rune(v)) > 80 {
				return model.Errors{{Field: "planning_statuses", Code: "too_long", Args: map[string]any{"Max": 80}}}
			}
		}
	}
	return nil
}

// SetPlanningStatus sets the public planning status of contribution id to
// key ("" takes it back), checked against its procedure's list; planners
// and moderators. The change is audited (before and after), kept for the
// feeds and, on a published contribution, reaches open pages as a
// contribution.updated event. Setting the status it already has changes
// nothing and answers the contribution as it is. Bulk setting loops over it.
func (s *Service) SetPlanningStatus(ctx context.Context, actor *model.User, id, key string) (*model.Contribution, error) {
	if actor == nil || !auth.Can(actor.Role, "moderate") {
		return nil, ErrForbidden
	}
	c, err := s.setPlanningStatus(ctx, actor, 0, id, key)
	if errors.Is(err, errUnchanged) {
		return s.Store.Contribution(ctx, id)
	}
	return c, err
}

// setPlanningStatus is one planning-status step, singly or in bulk: it
// answers errUnchanged when the contribution already has key, and
// store.ErrNotFound when procedureID is not 0 and the contribution is not
// of that procedure.
func (s *Service) setPlanningStatus(ctx context.Context, actor *model.User, procedureID int64, id, key string) (*model.Contribution, error) {
	return s.Store.ModerateContribution(ctx, id, store.Audited{Actor: actor.Email, Action: "contribution.planning_status"}, func(c *model.Contribution) error {
		if procedureID != 0 && c.ProcedureID != procedureID {
			return store.ErrNotFound
		}
		if err := moderatable(c); err != nil {
			return err
		}
		proc, err := s.Store.ProcedureByID(ctx, c.ProcedureID)
		if err != nil {
			return err
		}
		if !ValidPlanningStatus(proc, key) {
			return model.Errors{{Field: "planning_status", Code: "unknown_planning_status"}}
		}
		if c.PlanningStatus == key {
			return errUnchanged
		}
		c.PlanningStatus = key
		return nil
	})
}
