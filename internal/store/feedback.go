package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Feedback is one report on the site's accessibility.
type Feedback struct {
	ID        int64
	Message   string
	Page      string
	Contact   string
	Locale    string
	CreatedAt time.Time
	DoneAt    *time.Time
	DoneBy    string
}

// AddFeedback keeps a report on the site's accessibility.
func (s *Store) AddFeedback(ctx context.Context, f Feedback) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO accessibility_feedback (message, page, contact, locale, created_at) VALUES (?, ?, ?, ?, ?)`,
			f.Message, f.Page, f.Contact, f.Locale, ms(f.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to keep feedback: %w", err)
		}
		id, err = r.LastInsertId()
		return err
	})
	return id, err
}

// FeedbackList lists the reports, open ones first, newest first within.
func (s *Store) FeedbackList(ctx context.Context, limit int) ([]Feedback, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, message, page, contact, locale, created_at, done_at, done_by
		FROM accessibility_feedback ORDER BY done_at IS NOT NULL, created_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list feedback: %w", err)
	}
	defer rows.Close()
	var out []Feedback
	for rows.Next() {
		var f Feedback
		var created int64
		var done sql.NullInt64
		if err := rows.Scan(&f.ID, &f.Message, &f.Page, &f.Contact, &f.Locale, &created, &done, &f.DoneBy); err != nil {
			return nil, err
		}
		f.CreatedAt = fromMS(created)
		if done.Valid {
			t := fromMS(done.Int64)
			f.DoneAt = &t
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FeedbackDone marks report id as dealt with and erases its contact
// details, with an audit entry; ErrNotFound when there is no open report.
func (s *Store) FeedbackDone(ctx context.Context, id int64, actor string, now time.Time) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE accessibility_feedback SET done_at = ?, done_by = ?, contact = '' WHERE id = ? AND done_at IS NULL`,
			ms(now), actor, id)
		if err != nil {
			return fmt.Errorf("store: unable to close feedback: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return auditTx(tx, Audited{Actor: actor, Action: "feedback.done"}, fmt.Sprint(id), nil, nil)
	})
}
