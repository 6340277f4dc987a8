package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mitreden/mitreden/internal/model"
)

// CountContributions counts the contributions matching f (ignoring paging).
func (s *Store) CountContributions(ctx context.Context, f Filter) (int, error) {
	return countContributions(ctx, s.read, f)
}

// countContributions is CountContributions on db (the pool or a read
// transaction).
func countContributions(ctx context.Context, db queryer, f Filter) (int, error) {
	where, args := f.clause()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to count contributions: %w", err)
	}
	return n, nil
}

// queryer is a *sql.DB or a *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Count is a label with a number, for statistics.
type Count struct {
	Key string
	N   int
}

// CountBy counts a procedure's published contributions grouped by column
// ("category", "type", "geom_type" or "origin").
func (s *Store) CountBy(ctx context.Context, procedureID int64, column string) ([]Count, error) {
	switch column {
	case "category", "type", "geom_type", "origin":
	default:
		return nil, fmt.Errorf("store: cannot count by %q", column)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+column+`, COUNT(*) FROM contributions
		WHERE procedure_id = ? AND status = 'published' GROUP BY `+column+` ORDER BY COUNT(*) DESC, `+column, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StatusCounts counts a procedure's contributions per status in one pass.
func (s *Store) StatusCounts(ctx context.Context, procedureID int64) (map[model.ContributionStatus]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT status, count(*) FROM contributions WHERE procedure_id = ? GROUP BY status`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count contributions: %w", err)
	}
	defer rows.Close()
	out := map[model.ContributionStatus]int{}
	for rows.Next() {
		var st model.ContributionStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
