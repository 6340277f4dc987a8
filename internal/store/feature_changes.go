package store

import (
	"context"
	"database/sql"
	"fmt"
)

// keptFeatureChanges is how many of the newest feature changes (of all
// procedures) feature_changes keeps; they are forgotten in batches of
// featurePruneEvery.
const (
	keptFeatureChanges = 1 << 16
	featurePruneEvery  = 1 << 12
)

// featureChanged notes that the Feature bytes of contribution seq changed
// (see FeatureChangesSince); every write that changes them calls it:
// saveContribution and AddResponse (the "answered" property).
func featureChanged(tx *sql.Tx, procedureID, seq int64) error {
	res, err := tx.Exec(`INSERT INTO feature_changes(procedure_id, seq) VALUES (?, ?)`, procedureID, seq)
	if err != nil {
		return fmt.Errorf("store: unable to note a changed feature: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil || id%featurePruneEvery != 0 || id <= keptFeatureChanges {
		return err
	}
	floor := id - keptFeatureChanges
	if _, err := tx.Exec(`DELETE FROM feature_changes WHERE id <= ?`, floor); err != nil {
		return fmt.Errorf("store: unable to forget old feature changes: %w", err)
	}
	if _, err := tx.Exec(`UPDATE feature_changes_floor SET id = ?`, floor); err != nil {
		return fmt.Errorf("store: unable to forget old feature changes: %w", err)
	}
	return nil
}

// FeatureMark returns the newest feature change so far: read it before
// reading Feature bytes, and FeatureChangesSince(mark) names every
// contribution whose bytes changed after.
func (s *Store) FeatureMark(ctx context.Context) (int64, error) {
	var id int64
	if err := s.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM feature_changes`).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: unable to read the feature changes: %w", err)
	}
	return id, nil
}

// FeatureChangesSince returns the contributions of the procedure whose
// Feature bytes changed after mark (at most limit of them; ok is false
// when there are more, or when changes after mark were forgotten) and the
// mark to ask from next time.
func (s *Store) FeatureChangesSince(ctx context.Context, procedureID, mark int64, limit int) (seqs []int64, next int64, ok bool, err error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, seq FROM feature_changes WHERE procedure_id = ? AND id > ? ORDER BY id LIMIT ?`,
		procedureID, mark, limit+1)
	if err != nil {
		return nil, mark, false, fmt.Errorf("store: unable to read the feature changes: %w", err)
	}
	defer rows.Close()
	next = mark
	for rows.Next() {
		var id, seq int64
		if err := rows.Scan(&id, &seq); err != nil {
			return nil, mark, false, err
		}
		seqs, next = append(seqs, seq), id
	}
	if err := rows.Err(); err != nil {
		return nil, mark, false, err
	}
	// Read after the changes: a forgetting in between shows here.
	var floor int64
	if err := s.read.QueryRowContext(ctx, `SELECT id FROM feature_changes_floor`).Scan(&floor); err != nil {
		return nil, mark, false, fmt.Errorf("store: unable to read the feature changes: %w", err)
	}
	return seqs, next, len(seqs) <= limit && floor <= mark, nil
}
