package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Report is a resident's report of abuse on a contribution or a comment,
// with what moderators need to judge it.
type Report struct {
	ID             int64
	Kind           string // contribution | comment
	SubjectID      string // contribution UUID or comment id
	ContributionID string // the contribution concerned (the comment's, for a comment)
	Conception     string // for a comment on a plan variant (Kind conception_comment): the variant's key
	Excerpt        string // the contribution's title or the comment's text
	Reason         string
	CreatedAt      time.Time
	ResolvedAt     *time.Time
	ResolvedBy     string
}

// reportsOf names the reports on one procedure's contributions and
// comments r, with the contribution (or plan variant) concerned and the
// reported text; it takes the procedure id as ?1. A flag on a comment names
// its id, which is unique over residents' and plan-variant comments
// (migration 7); a report on a plan-variant comment has kind
// conception_comment.
const reportsOf = `WITH r AS (
	SELECT f.id, f.subject_kind, f.subject_id, c.id AS contribution_id, '' AS conception, c.title AS excerpt, f.reason, f.created_at, f.resolved_at, f.resolved_by
	FROM flags f JOIN contributions c ON f.subject_kind = 'contribution' AND c.id = f.subject_id
	WHERE c.procedure_id = ?1
	UNION ALL
	SELECT f.id, f.subject_kind, f.subject_id, c.id, '', m.text, f.reason, f.created_at, f.resolved_at, f.resolved_by
	FROM flags f JOIN comments m ON f.subject_kind = 'comment' AND CAST(m.id AS TEXT) = f.subject_id
	JOIN contributions c ON c.seq = m.contribution_seq
	WHERE c.procedure_id = ?1
	UNION ALL
	SELECT f.id, 'conception_comment', f.subject_id, '', k.key, m.text, f.reason, f.created_at, f.resolved_at, f.resolved_by
	FROM flags f JOIN conception_comments m ON f.subject_kind = 'comment' AND CAST(m.id AS TEXT) = f.subject_id
	JOIN conceptions k ON k.id = m.conception_id
	WHERE k.procedure_id = ?1)`

// Reports lists the reports on a procedure's contributions and comments,
// oldest first: the open ones, or with resolved the dealt-with ones.
func (s *Store) Reports(ctx context.Context, procedureID int64, resolved bool, limit int) ([]Report, error) {
	state := "resolved_at IS NULL"
	if resolved {
		state = "resolved_at IS NOT NULL"
	}
	rows, err := s.read.QueryContext(ctx, reportsOf+`
		SELECT id, subject_kind, subject_id, contribution_id, conception, excerpt, reason, created_at, resolved_at, resolved_by
		FROM r WHERE `+state+` ORDER BY created_at, id LIMIT ?2`, procedureID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		var created int64
		var res sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Kind, &r.SubjectID, &r.ContributionID, &r.Conception, &r.Excerpt, &r.Reason, &created, &res, &r.ResolvedBy); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(created)
		if res.Valid {
			t := fromMS(res.Int64)
			r.ResolvedAt = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ErrResolved is returned when a report was dealt with already.
var ErrResolved = errors.New("store: report already resolved")

// ResolveReport marks report id as dealt with by a.Actor, audited in the
// same transaction. The report must concern procedureID.
func (s *Store) ResolveReport(ctx context.Context, procedureID, id int64, note string, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var kind, subject string
		var resolved sql.NullInt64
		err := tx.QueryRow(`SELECT subject_kind, subject_id, resolved_at FROM flags WHERE id = ?`, id).Scan(&kind, &subject, &resolved)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var proc int64
		q := `SELECT procedure_id FROM contributions WHERE id = ?`
		if kind == "comment" {
			q = `SELECT c.procedure_id FROM comments m JOIN contributions c ON c.seq = m.contribution_seq WHERE CAST(m.id AS TEXT) = ?1
				UNION ALL SELECT k.procedure_id FROM conception_comments m JOIN conceptions k ON k.id = m.conception_id WHERE CAST(m.id AS TEXT) = ?1`
		}
		if err := tx.QueryRow(q, subject).Scan(&proc); errors.Is(err, sql.ErrNoRows) || proc != procedureID {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if resolved.Valid {
			return ErrResolved
		}
		if _, err := tx.Exec(`UPDATE flags SET resolved_at = ?, resolved_by = ? WHERE id = ?`, ms(time.Now()), a.Actor, id); err != nil {
			return err
		}
		return auditTx(tx, a, fmt.Sprintf("report:%d", id), nil, map[string]any{"subject": kind + ":" + subject, "note": note})
	})
}

// CountOpenReports counts the reports on a procedure nobody has dealt with yet.
func (s *Store) CountOpenReports(ctx context.Context, procedureID int64) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, reportsOf+` SELECT count(*) FROM r WHERE resolved_at IS NULL`, procedureID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count reports: %w", err)
	}
	return n, nil
}
