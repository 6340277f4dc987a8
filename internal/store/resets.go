package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ResetsPerHour bounds the reset messages one account gets per hour.
const ResetsPerHour = 3

// CreatePasswordReset stores a reset token (hashed) for the unlocked
// account with email and queues the message that carries it (sealed: the
// token encrypted), in one transaction. It returns ErrNotFound when there
// is no such account and ErrConflict when the account had ResetsPerHour
// already; the caller answers the same in every case.
func (s *Store) CreatePasswordReset(ctx context.Context, email string, tokenHash []byte, expires time.Time, sealed []byte) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRow(`SELECT id FROM users WHERE email = ? AND password_hash <> ''`, email).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM outbox WHERE user_id = ? AND kind = 'reset' AND created_at > ?`,
			id, ms(time.Now().Add(-time.Hour))).Scan(&n); err != nil {
			return err
		}
		if n >= ResetsPerHour {
			return ErrConflict
		}
		if _, err := tx.Exec(`INSERT INTO password_resets(token_hash, user_id, expires_at) VALUES (?,?,?)`, tokenHash, id, ms(expires)); err != nil {
			return fmt.Errorf("store: unable to store reset: %w", err)
		}
		return insertOutbox(tx, "reset", 0, id, map[string]any{"expires": ms(expires)}, sealed)
	})
}

// PasswordReset returns the email of the account a usable (unused,
// unexpired) reset token belongs to, or ErrNotFound.
func (s *Store) PasswordReset(ctx context.Context, tokenHash []byte, now time.Time) (string, error) {
	var email string
	err := s.read.QueryRowContext(ctx, `SELECT u.email FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ?`, tokenHash, ms(now)).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return email, err
}

// ResetPassword sets the password of the account a usable reset token
// belongs to, uses the token up (and every other of the account), ends the
// account's sessions and API tokens (as a password change does) and writes the audit entry, in one transaction.
// ErrNotFound when the token is unknown, used or expired.
func (s *Store) ResetPassword(ctx context.Context, tokenHash []byte, hash string, now time.Time, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var id int64
		var email string
		err := tx.QueryRow(`SELECT u.id, u.email FROM password_resets r JOIN users u ON u.id = r.user_id
			WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ?`, tokenHash, ms(now)).Scan(&id, &email)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE users SET password_hash = ? WHERE id = ?`, []any{hash, id}},
			{`UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, []any{ms(now), id}},
			{`DELETE FROM sessions WHERE CAST(value AS TEXT) = CAST(? AS TEXT)`, []any{id}},
			{`DELETE FROM tokens WHERE user_id = ?`, []any{id}},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				return fmt.Errorf("store: unable to reset password: %w", err)
			}
		}
		return auditTx(tx, a, email, nil, nil)
	})
}
