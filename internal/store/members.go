package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// addMembersTx makes the account a member of the procedures ids.
func addMembersTx(tx *sql.Tx, userID int64, ids []int64) error {
	for _, p := range ids {
		if _, err := tx.Exec(`INSERT OR IGNORE INTO procedure_members(user_id, procedure_id) VALUES (?,?)`, userID, p); err != nil {
			return fmt.Errorf("store: unable to add member: %w", err)
		}
	}
	return nil
}

// UserActsIn reports whether the account is unscoped or a member of the
// procedure (the role is the caller's business: admins act everywhere).
func (s *Store) UserActsIn(ctx context.Context, userID, procedureID int64) (bool, error) {
	var ok bool
	err := s.read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1 AND all_procedures <> 0)
		OR EXISTS(SELECT 1 FROM procedure_members WHERE user_id = ?1 AND procedure_id = ?2)`, userID, procedureID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: unable to check membership: %w", err)
	}
	return ok, nil
}

// UserProcedures returns the procedures the account is a member of.
func (s *Store) UserProcedures(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT procedure_id FROM procedure_members WHERE user_id = ? ORDER BY procedure_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list memberships: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetUserProcedures sets where an account acts: everywhere (scoped false)
// or in the procedures ids only. Audited in the same transaction.
func (s *Store) SetUserProcedures(ctx context.Context, userID int64, scoped bool, ids []int64, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var email string
		var wasAll bool
		if err := tx.QueryRow(`SELECT email, all_procedures <> 0 FROM users WHERE id = ?`, userID).Scan(&email, &wasAll); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		before, err := slugsTx(tx, `SELECT p.slug FROM procedure_members m JOIN procedures p ON p.id = m.procedure_id WHERE m.user_id = ? ORDER BY p.slug`, userID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE users SET all_procedures = ? WHERE id = ?`, !scoped, userID); err != nil {
			return fmt.Errorf("store: unable to set scope: %w", err)
		}
		if _, err := tx.Exec(`DELETE FROM procedure_members WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("store: unable to set scope: %w", err)
		}
		if err := addMembersTx(tx, userID, ids); err != nil {
			return err
		}
		after, err := slugsTx(tx, `SELECT p.slug FROM procedure_members m JOIN procedures p ON p.id = m.procedure_id WHERE m.user_id = ? ORDER BY p.slug`, userID)
		if err != nil {
			return err
		}
		return auditTx(tx, a, email, map[string]any{"all": wasAll, "procedures": before}, map[string]any{"all": !scoped, "procedures": after})
	})
}

func slugsTx(tx *sql.Tx, q string, args ...any) ([]string, error) {
	rows, err := tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
