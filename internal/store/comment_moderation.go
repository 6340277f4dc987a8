package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// nextCommentID returns the id for a new comment. Residents' comments and
// plan-variant comments share one id space (migration 7, whose triggers
// refuse a number the other table uses), so that a comment's number names
// exactly one comment wherever it appears: in PATCH /api/v1/comments/{id},
// in reports, in the audit log. Like SQLite's own rowids it is the highest
// id in use plus one, over both tables; the single writer makes it safe.
func nextCommentID(tx *sql.Tx) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT MAX(COALESCE((SELECT MAX(id) FROM comments), 0), COALESCE((SELECT MAX(id) FROM conception_comments), 0)) + 1`).Scan(&id)
	return id, err
}

// ModeratedComment is a comment after a moderation step, with what it
// belongs to: a contribution (residents' comment) or a plan variant.
type ModeratedComment struct {
	ID             int64
	Status         model.ContributionStatus
	ProcedureID    int64
	ContributionID string // a residents' comment's contribution
	Conception     string // a plan-variant comment's variant key
	Count          int    // published comments of that contribution or variant
}

// ModerateComment sets a comment's status (published or hidden), on a
// contribution or a plan variant — the id names one of them — keeps the
// comment count (and the contribution's ready feature bytes) in step and
// audits the change in the same transaction. With procedureID other than
// 0, a comment of another procedure is not found. A comment published for
// the first time (after pre-moderation) is announced to live pages as a
// new comment.
func (s *Store) ModerateComment(ctx context.Context, procedureID, commentID int64, status model.ContributionStatus, a Audited) (*ModeratedComment, error) {
	var out *ModeratedComment
	err := s.Write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = moderateContributionComment(tx, procedureID, commentID, status)
		if errors.Is(err, ErrNotFound) {
			out, err = moderateConceptionComment(tx, procedureID, commentID, status)
		}
		if err != nil || out.Status == status {
			return err
		}
		if err := auditTx(tx, a, fmt.Sprintf("comment:%d", commentID), map[string]any{"status": out.Status}, map[string]any{"status": status}); err != nil {
			return err
		}
		out.Status = status
		return bumpVersion(tx, out.ProcedureID)
	})
	return out, err
}

// moderateContributionComment is ModerateComment for a residents' comment;
// the result carries the status before the change.
func moderateContributionComment(tx *sql.Tx, procedureID, commentID int64, status model.ContributionStatus) (*ModeratedComment, error) {
	var m model.Comment
	var seq, created int64
	var parent sql.NullInt64
	err := tx.QueryRow(`SELECT contribution_seq, parent_id, text, author_name, status, created_at FROM comments WHERE id = ?`, commentID).
		Scan(&seq, &parent, &m.Text, &m.AuthorName, &m.Status, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	c, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE seq = ?`, seq))
	if err != nil {
		return nil, err
	}
	if procedureID != 0 && c.ProcedureID != procedureID {
		return nil, ErrNotFound
	}
	before := m.Status
	out := &ModeratedComment{ID: commentID, Status: before, ProcedureID: c.ProcedureID, ContributionID: c.ID, Count: c.Comments}
	if before == status {
		return out, nil
	}
	if _, err := tx.Exec(`UPDATE comments SET status = ? WHERE id = ?`, status, commentID); err != nil {
		return nil, err
	}
	switch {
	case before == model.Published:
		c.Comments--
	case status == model.Published:
		c.Comments++
	}
	c.Comments = max(c.Comments, 0)
	out.Count = c.Comments
	if err := saveContribution(tx, c); err != nil {
		return nil, err
	}
	// Live pages hear of it; a hidden comment's earlier events are
	// redacted so that no replay shows its text.
	if err := commentEvents(tx, commentID, c, before, status); err != nil {
		return nil, err
	}
	// Its author hears of a comment published for the first time (after
	// pre-moderation), if they asked to.
	if before == model.Submitted && status == model.Published && c.Status == model.Published {
		if err := notifyReply(tx, c.ID, m.Text); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// moderateConceptionComment is ModerateComment for a plan-variant comment.
func moderateConceptionComment(tx *sql.Tx, procedureID, commentID int64, status model.ContributionStatus) (*ModeratedComment, error) {
	out := &ModeratedComment{ID: commentID}
	var conception int64
	err := tx.QueryRow(`SELECT m.status, m.conception_id, k.key, k.procedure_id FROM conception_comments m
		JOIN conceptions k ON k.id = m.conception_id WHERE m.id = ?`, commentID).Scan(&out.Status, &conception, &out.Conception, &out.ProcedureID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && procedureID != 0 && out.ProcedureID != procedureID) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if out.Status != status {
		if _, err := tx.Exec(`UPDATE conception_comments SET status = ? WHERE id = ?`, status, commentID); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(`UPDATE conceptions SET comments = (SELECT count(*) FROM conception_comments
			WHERE conception_id = ?1 AND status = 'published') WHERE id = ?1`, conception); err != nil {
			return nil, err
		}
	}
	err = tx.QueryRow(`SELECT comments FROM conceptions WHERE id = ?`, conception).Scan(&out.Count)
	return out, err
}

// QueuedComment is a comment as moderators see it: on a contribution or
// on a plan variant, with what it belongs to.
type QueuedComment struct {
	ID                int64
	ContributionID    string // residents' comment
	ContributionTitle string
	Conception        string // plan-variant comment: the variant's key
	ConceptionTitle   string
	Text, AuthorName  string
	Status            model.ContributionStatus
	CreatedAt         time.Time
}

// ModerationComments lists a procedure's comments in status, on
// contributions and plan variants together (with conceptionsOnly, on plan
// variants only), oldest first, at most limit.
func (s *Store) ModerationComments(ctx context.Context, procedureID int64, status model.ContributionStatus, conceptionsOnly bool, limit int) ([]QueuedComment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT * FROM (
		SELECT m.id, c.id, c.title, '', '', m.text, m.author_name, m.status, m.created_at
		FROM comments m JOIN contributions c ON c.seq = m.contribution_seq
		WHERE c.procedure_id = ?1 AND m.status = ?2 AND NOT ?3
		UNION ALL
		SELECT m.id, '', '', k.key, k.title, m.text, m.author_name, m.status, m.created_at
		FROM conception_comments m JOIN conceptions k ON k.id = m.conception_id
		WHERE k.procedure_id = ?1 AND m.status = ?2)
		ORDER BY 9, 1 LIMIT ?4`, procedureID, status, conceptionsOnly, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list comments for moderation: %w", err)
	}
	defer rows.Close()
	var out []QueuedComment
	for rows.Next() {
		var q QueuedComment
		var created int64
		if err := rows.Scan(&q.ID, &q.ContributionID, &q.ContributionTitle, &q.Conception, &q.ConceptionTitle,
			&q.Text, &q.AuthorName, &q.Status, &created); err != nil {
			return nil, err
		}
		q.CreatedAt = fromMS(created)
		out = append(out, q)
	}
	return out, rows.Err()
}

// ConceptionCommentPublished reports whether commentID is a published
// comment on the plan variant key of procedureID (ErrNotFound if not).
func (s *Store) ConceptionCommentPublished(ctx context.Context, procedureID int64, key string, commentID int64) error {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM conception_comments m JOIN conceptions k ON k.id = m.conception_id
		WHERE m.id = ? AND k.procedure_id = ? AND k.key = ? AND m.status = 'published'`, commentID, procedureID, key).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
