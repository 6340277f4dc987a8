package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// ErrInvalidParent is returned for a reply to a comment of another
// contribution or to a reply (only one level of replies exists).
var ErrInvalidParent = errors.New("store: invalid parent comment")

// AddComment stores a comment (or a reply when c.ParentID is set), counts it
// on the contribution and records a comment.created event when published.
func (s *Store) AddComment(ctx context.Context, c *model.Comment) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		contrib, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE id = ?`, c.ContributionID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var parent any
		if c.ParentID != 0 {
			var pSeq int64
			var pParent sql.NullInt64
			err := tx.QueryRow(`SELECT contribution_seq, parent_id FROM comments WHERE id = ?`, c.ParentID).Scan(&pSeq, &pParent)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && (pSeq != contrib.Seq || pParent.Valid)) {
				return ErrInvalidParent
			}
			if err != nil {
				return err
			}
			parent = c.ParentID
		}
		if c.Status == "" {
			c.Status = model.Published
		}
		id, err := nextCommentID(tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO comments(id, contribution_seq, parent_id, text, author_name, status, created_at) VALUES (?,?,?,?,?,?,?)`,
			id, contrib.Seq, parent, c.Text, c.AuthorName, c.Status, ms(c.CreatedAt)); err != nil {
			return fmt.Errorf("store: unable to add comment: %w", err)
		}
		c.ID = id
		if c.Status != model.Published {
			return nil
		}
		contrib.Comments++
		if err := saveContribution(tx, contrib); err != nil {
			return err
		}
		if contrib.Status == model.Published {
			if err := addEvent(tx, contrib.ProcedureID, "comment.created", commentJSON(c)); err != nil {
				return err
			}
			if err := notifyReply(tx, contrib.ID, c.Text); err != nil {
				return err
			}
		}
		return bumpVersion(tx, contrib.ProcedureID)
	})
}

// Comments returns the published comments of a contribution, oldest first,
// with replies nested under their parent.
func (s *Store) Comments(ctx context.Context, contributionID string) ([]model.Comment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT m.id, m.parent_id, m.text, m.author_name, m.status, m.created_at
		FROM comments m JOIN contributions c ON c.seq = m.contribution_seq
		WHERE c.id = ? AND m.status = 'published' ORDER BY m.created_at, m.id`, contributionID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list comments: %w", err)
	}
	defer rows.Close()
	var top []model.Comment
	replies := map[int64][]model.Comment{}
	for rows.Next() {
		var m model.Comment
		var parent sql.NullInt64
		var created int64
		if err := rows.Scan(&m.ID, &parent, &m.Text, &m.AuthorName, &m.Status, &created); err != nil {
			return nil, err
		}
		m.ContributionID = contributionID
		m.CreatedAt = fromMS(created)
		if parent.Valid {
			m.ParentID = parent.Int64
			replies[m.ParentID] = append(replies[m.ParentID], m)
		} else {
			top = append(top, m)
		}
	}
	for i := range top {
		top[i].Replies = replies[top[i].ID]
	}
	return top, rows.Err()
}

// Rate records voter's vote (1 or -1) on a contribution, replacing an
// earlier one; value 0 removes the vote. It returns the new counts.
func (s *Store) Rate(ctx context.Context, contributionID string, voter []byte, value int) (up, down int, err error) {
	err = s.Write(ctx, func(tx *sql.Tx) error {
		c, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE id = ?`, contributionID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if value == 0 {
			_, err = tx.Exec(`DELETE FROM ratings WHERE contribution_seq = ? AND voter_hash = ?`, c.Seq, voter)
		} else {
			_, err = tx.Exec(`INSERT INTO ratings(contribution_seq, voter_hash, value, created_at) VALUES (?,?,?,?)
				ON CONFLICT(contribution_seq, voter_hash) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
				c.Seq, voter, value, ms(time.Now()))
		}
		if err != nil {
			return fmt.Errorf("store: unable to rate: %w", err)
		}
		if err := tx.QueryRow(`SELECT COALESCE(SUM(value = 1), 0), COALESCE(SUM(value = -1), 0) FROM ratings WHERE contribution_seq = ?`,
			c.Seq).Scan(&c.Up, &c.Down); err != nil {
			return err
		}
		up, down = c.Up, c.Down
		if err := saveContribution(tx, c); err != nil {
			return err
		}
		// No event: counts are not content (see events.go).
		return bumpVersion(tx, c.ProcedureID)
	})
	return up, down, err
}

// Vote returns voter's current vote on a contribution (0 for none).
func (s *Store) Vote(ctx context.Context, contributionID string, voter []byte) (int, error) {
	var v int
	err := s.read.QueryRowContext(ctx, `SELECT r.value FROM ratings r JOIN contributions c ON c.seq = r.contribution_seq
		WHERE c.id = ? AND r.voter_hash = ?`, contributionID, voter).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// AddResponse stores a planner's official response to a contribution.
func (s *Store) AddResponse(ctx context.Context, contributionID string, r *model.Response, userID int64) error {
	return s.RespondTo(ctx, contributionID, r, userID, Audited{})
}

// RespondTo stores an official response and, when a.Actor is set, its
// audit entry in the same transaction.
func (s *Store) RespondTo(ctx context.Context, contributionID string, r *model.Response, userID int64, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var seq, proc int64
		err := tx.QueryRow(`SELECT seq, procedure_id FROM contributions WHERE id = ?`, contributionID).Scan(&seq, &proc)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var uid any
		if userID != 0 {
			uid = userID
		}
		res, err := tx.Exec(`INSERT INTO responses(contribution_seq, user_id, author, text_md, created_at) VALUES (?,?,?,?,?)`,
			seq, uid, r.Author, r.TextMD, ms(r.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to add response: %w", err)
		}
		r.ID, _ = res.LastInsertId()
		if err := featureChanged(tx, proc, seq); err != nil { // "answered"
			return err
		}
		if err := enqueueNotification(tx, contributionID, NotifyResponse, map[string]any{"text": r.TextMD}); err != nil {
			return err
		}
		if a.Actor != "" {
			if err := auditTx(tx, a, contributionID, nil, map[string]any{"response": r.ID}); err != nil {
				return err
			}
		}
		return bumpVersion(tx, proc)
	})
}

// Responses lists the official responses to a contribution, oldest first.
func (s *Store) Responses(ctx context.Context, contributionID string) ([]model.Response, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT r.id, r.author, r.text_md, r.created_at FROM responses r
		JOIN contributions c ON c.seq = r.contribution_seq WHERE c.id = ? ORDER BY r.created_at, r.id`, contributionID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list responses: %w", err)
	}
	defer rows.Close()
	var out []model.Response
	for rows.Next() {
		var r model.Response
		var created int64
		if err := rows.Scan(&r.ID, &r.Author, &r.TextMD, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AddFlag records a report of abuse on a contribution or comment.
func (s *Store) AddFlag(ctx context.Context, kind, subjectID, reason string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO flags(subject_kind, subject_id, reason, created_at) VALUES (?,?,?,?)`,
			kind, subjectID, reason, ms(time.Now()))
		if err != nil {
			return fmt.Errorf("store: unable to add flag: %w", err)
		}
		return nil
	})
}

// CountFlags counts the reports on a subject.
func (s *Store) CountFlags(ctx context.Context, kind, subjectID string) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM flags WHERE subject_kind = ? AND subject_id = ?`, kind, subjectID).Scan(&n)
	return n, err
}

func scanEvents(rows *sql.Rows) ([]model.Event, error) {
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		var e model.Event
		var created int64
		if err := rows.Scan(&e.ID, &e.ProcedureID, &e.Type, &e.Data, &created); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMS(created)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastEventID returns the newest event id of all procedures (0 when none).
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT MAX(id) FROM events`).Scan(&id)
	return id.Int64, err
}

// AllEventsSince returns up to limit events of all procedures after id.
func (s *Store) AllEventsSince(ctx context.Context, after int64, limit int) ([]model.Event, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, procedure_id, type, data, created_at FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read events: %w", err)
	}
	return scanEvents(rows)
}

// Audit records who did what to which subject.
func (s *Store) Audit(ctx context.Context, actor, action, subject string, before, after any) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		return auditTx(tx, Audited{Actor: actor, Action: action}, subject, before, after)
	})
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Actor, Action, Subject string
	Before, After          string // JSON
	At                     time.Time
}

// AuditLog returns the newest audit entries first, at most limit.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT actor, action, subject, COALESCE(before_json, ''), COALESCE(after_json, ''), at
		FROM audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.Actor, &e.Action, &e.Subject, &e.Before, &e.After, &at); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Discussion returns what a contribution's page shows below it: the
// published comments (replies nested) and the official responses.
func (s *Store) Discussion(ctx context.Context, contributionID string) ([]model.Comment, []model.Response, error) {
	comments, err := s.Comments(ctx, contributionID)
	if err != nil {
		return nil, nil, err
	}
	responses, err := s.Responses(ctx, contributionID)
	if err != nil {
		return nil, nil, err
	}
	return comments, responses, nil
}

// ResponsesByContribution returns every official response of a
// procedure's contributions, by contribution id, oldest first.
func (s *Store) ResponsesByContribution(ctx context.Context, procedureID int64) (map[string][]model.Response, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.id, r.id, r.author, r.text_md, r.created_at FROM responses r
		JOIN contributions c ON c.seq = r.contribution_seq WHERE c.procedure_id = ? ORDER BY r.created_at, r.id`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list responses: %w", err)
	}
	defer rows.Close()
	out := map[string][]model.Response{}
	for rows.Next() {
		var id string
		var r model.Response
		var created int64
		if err := rows.Scan(&id, &r.ID, &r.Author, &r.TextMD, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(created)
		out[id] = append(out[id], r)
	}
	return out, rows.Err()
}
