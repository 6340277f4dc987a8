package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// PublishedCommentOf reports whether commentID is a published comment of
// the contribution contributionID; it returns ErrNotFound otherwise (no
// such comment, one of another contribution, or one not visible).
func (s *Store) PublishedCommentOf(ctx context.Context, contributionID, commentID string) error {
	id, err := strconv.ParseInt(commentID, 10, 64)
	if err != nil || id <= 0 {
		return ErrNotFound
	}
	var one int
	err = s.read.QueryRowContext(ctx, `SELECT 1 FROM comments m JOIN contributions c ON c.seq = m.contribution_seq
		WHERE m.id = ? AND c.id = ? AND m.status = 'published'`, id, contributionID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: unable to look up comment: %w", err)
	}
	return nil
}
