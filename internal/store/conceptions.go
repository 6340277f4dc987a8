package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

func conceptionID(tx *sql.Tx, procedureID int64, key string) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM conceptions WHERE procedure_id = ? AND key = ?`, procedureID, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// RateConception records voter's vote (1, -1; 0 removes it) on a plan
// variant and returns its new counts.
func (s *Store) RateConception(ctx context.Context, procedureID int64, key string, voter []byte, value int) (up, down int, err error) {
	err = s.Write(ctx, func(tx *sql.Tx) error {
		id, err := conceptionID(tx, procedureID, key)
		if err != nil {
			return err
		}
		if value == 0 {
			_, err = tx.Exec(`DELETE FROM conception_ratings WHERE conception_id = ? AND voter_hash = ?`, id, voter)
		} else {
			_, err = tx.Exec(`INSERT INTO conception_ratings(conception_id, voter_hash, value, created_at) VALUES (?,?,?,?)
				ON CONFLICT(conception_id, voter_hash) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
				id, voter, value, ms(time.Now()))
		}
		if err != nil {
			return fmt.Errorf("store: unable to rate conception: %w", err)
		}
		if err := tx.QueryRow(`SELECT COALESCE(SUM(value = 1), 0), COALESCE(SUM(value = -1), 0) FROM conception_ratings WHERE conception_id = ?`,
			id).Scan(&up, &down); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE conceptions SET up = ?, down = ? WHERE id = ?`, up, down, id); err != nil {
			return err
		}
		return bumpVersion(tx, procedureID)
	})
	return up, down, err
}

// ConceptionVote returns voter's current vote on a plan variant (0 for none).
func (s *Store) ConceptionVote(ctx context.Context, procedureID int64, key string, voter []byte) (int, error) {
	var v int
	err := s.read.QueryRowContext(ctx, `SELECT r.value FROM conception_ratings r JOIN conceptions c ON c.id = r.conception_id
		WHERE c.procedure_id = ? AND c.key = ? AND r.voter_hash = ?`, procedureID, key, voter).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// AddConceptionComment stores a comment on a plan variant; only a
// published one (not one waiting for pre-moderation) is counted.
func (s *Store) AddConceptionComment(ctx context.Context, procedureID int64, key string, m *model.Comment) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		id, err := conceptionID(tx, procedureID, key)
		if err != nil {
			return err
		}
		if m.Status == "" {
			m.Status = model.Published
		}
		cid, err := nextCommentID(tx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO conception_comments(id, conception_id, text, author_name, status, created_at) VALUES (?,?,?,?,?,?)`,
			cid, id, m.Text, m.AuthorName, m.Status, ms(m.CreatedAt)); err != nil {
			return fmt.Errorf("store: unable to add conception comment: %w", err)
		}
		m.ID = cid
		if m.Status != model.Published {
			return nil
		}
		if _, err := tx.Exec(`UPDATE conceptions SET comments = comments + 1 WHERE id = ?`, id); err != nil {
			return err
		}
		return bumpVersion(tx, procedureID)
	})
}

// ConceptionComments returns the published comments of a procedure's plan
// variants, oldest first, by variant key.
func (s *Store) ConceptionComments(ctx context.Context, procedureID int64) (map[string][]model.Comment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.key, m.id, m.text, m.author_name, m.created_at
		FROM conception_comments m JOIN conceptions c ON c.id = m.conception_id
		WHERE c.procedure_id = ? AND m.status = 'published' ORDER BY m.created_at, m.id`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list conception comments: %w", err)
	}
	defer rows.Close()
	out := map[string][]model.Comment{}
	for rows.Next() {
		var key string
		var m model.Comment
		var created int64
		if err := rows.Scan(&key, &m.ID, &m.Text, &m.AuthorName, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMS(created)
		m.Status = model.Published
		out[key] = append(out[key], m)
	}
	return out, rows.Err()
}
