package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// Audited names who changes something and how the audit log calls it.
type Audited struct {
	Actor, Action string
}

// auditTx writes an audit entry inside the transaction of the change it records.
func auditTx(tx *sql.Tx, a Audited, subject string, before, after any) error {
	b, _ := json.Marshal(before)
	x, _ := json.Marshal(after)
	_, err := tx.Exec(`INSERT INTO audit(actor, action, subject, before_json, after_json, at) VALUES (?,?,?,?,?,?)`,
		a.Actor, a.Action, subject, string(b), string(x), ms(time.Now()))
	return err
}

// ModerationState is what the audit log keeps of a moderated contribution.
type ModerationState struct {
	Status     model.ContributionStatus `json:"status"`
	Reason     string                   `json:"reason"`
	Category   string                   `json:"category"`
	MergedInto string                   `json:"merged_into,omitempty"`

	PlanningStatus string `json:"planning_status,omitempty"`
}

func stateOf(c *model.Contribution) ModerationState {
	return ModerationState{Status: c.Status, Reason: c.Reason, Category: c.Category, MergedInto: c.MergedInto,
		PlanningStatus: c.PlanningStatus}
}

// ModerateContribution changes a contribution like UpdateContribution and
// records the change, before and after, in the audit log in the same
// transaction: a moderation step and its trace commit together or not at all.
func (s *Store) ModerateContribution(ctx context.Context, id string, a Audited, change func(*model.Contribution) error) (*model.Contribution, error) {
	var before ModerationState
	return s.updateContribution(ctx, id, func(c *model.Contribution) error {
		before = stateOf(c)
		return change(c)
	}, func(tx *sql.Tx, c *model.Contribution) error {
		if gone, err := erased(tx, c.Seq); err != nil {
			return err
		} else if gone {
			return ErrErased // a tombstone has nothing left to moderate
		}
		if c.PlanningStatus != before.PlanningStatus {
			if err := planningChanged(tx, c); err != nil {
				return err
			}
			if c.PlanningStatus != "" {
				if err := notifyPlanningStatus(tx, c.ID, c.PlanningStatus); err != nil {
					return err
				}
			}
		}
		if c.Status == model.Hidden && before.Status != model.Hidden {
			if err := enqueueNotification(tx, c.ID, NotifyHidden, map[string]any{"reason": c.Reason}); err != nil {
				return err
			}
		}
		return auditTx(tx, a, c.ID, before, stateOf(c))
	})
}

// planningChanged keeps a change of c's planning status in its history
// (the feeds read it; "" records that the status was taken back).
func planningChanged(tx *sql.Tx, c *model.Contribution) error {
	if _, err := tx.Exec(`INSERT INTO planning_status_changes(contribution_seq, procedure_id, status, at) VALUES (?,?,?,?)`,
		c.Seq, c.ProcedureID, c.PlanningStatus, ms(time.Now())); err != nil {
		return fmt.Errorf("store: unable to record the planning status: %w", err)
	}
	return nil
}

// ErrMergeTarget is returned when a merge names a contribution that cannot
// take others in: itself, one of another procedure, or one that is merged,
// withdrawn or hidden.
var ErrMergeTarget = errors.New("store: invalid merge target")

// MergeContribution marks contribution id as a duplicate of into: its
// status becomes merged, merged_into points at into, and into's comment
// count is unchanged (the merged one keeps its own discussion). Audited in
// the same transaction. check, if not nil, sees the contribution as stored
// inside the transaction and refuses the merge with its error: the rule
// which contributions may be merged is the caller's (moderation).
func (s *Store) MergeContribution(ctx context.Context, id, into, reason string, a Audited, check func(*model.Contribution) error) (*model.Contribution, error) {
	var before ModerationState
	return s.updateContribution(ctx, id, func(c *model.Contribution) error {
		before = stateOf(c)
		if c.ID == into {
			return ErrMergeTarget
		}
		if check != nil {
			if err := check(c); err != nil {
				return err
			}
		}
		c.Status, c.Reason, c.MergedInto = model.Merged, reason, into
		return nil
	}, func(tx *sql.Tx, c *model.Contribution) error {
		var proc int64
		var status model.ContributionStatus
		err := tx.QueryRow(`SELECT procedure_id, status FROM contributions WHERE id = ?`, into).Scan(&proc, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrMergeTarget
		}
		if err != nil {
			return err
		}
		if proc != c.ProcedureID || (status != model.Published && status != model.Submitted) {
			return ErrMergeTarget
		}
		if err := enqueueNotification(tx, c.ID, NotifyMerged, map[string]any{"into": into, "reason": reason}); err != nil {
			return err
		}
		return auditTx(tx, a, c.ID, before, stateOf(c))
	})
}
