package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// CreateUser stores an account. The email must be unused (ErrConflict).
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		if u.CreatedAt.IsZero() {
			u.CreatedAt = time.Now().UTC()
		}
		res, err := tx.Exec(`INSERT INTO users(email, password_hash, role, created_at, all_procedures) VALUES (?,?,?,?,?)`,
			u.Email, u.PasswordHash, u.Role, ms(u.CreatedAt), !u.Scoped)
		if isUnique(err) {
			return fmt.Errorf("%w: user %s", ErrConflict, u.Email)
		}
		if err != nil {
			return fmt.Errorf("store: unable to create user: %w", err)
		}
		u.ID, _ = res.LastInsertId()
		return addMembersTx(tx, u.ID, u.ProcedureIDs)
	})
}

// UserByEmail returns the account with email (case-insensitive).
func (s *Store) UserByEmail(ctx context.Context, email string) (*model.User, error) {
	var u model.User
	var created int64
	err := s.read.QueryRowContext(ctx, `SELECT id, email, password_hash, role, created_at, all_procedures = 0 FROM users WHERE email = ?`, email).
		Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Role, &created, &u.Scoped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch user: %w", err)
	}
	u.CreatedAt = fromMS(created)
	u.Locked = u.PasswordHash == ""
	return &u, nil
}

// CountUsers returns how many accounts exist.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// CreateToken stores the hash of a new API token for a user.
func (s *Store) CreateToken(ctx context.Context, userID int64, hash []byte) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO tokens(user_id, hash, created_at) VALUES (?,?,?)`, userID, hash, ms(time.Now()))
		if err != nil {
			return fmt.Errorf("store: unable to create token: %w", err)
		}
		return nil
	})
}

// UserByTokenHash returns the owner of an API token.
func (s *Store) UserByTokenHash(ctx context.Context, hash []byte) (*model.User, error) {
	var u model.User
	var created int64
	err := s.read.QueryRowContext(ctx, `SELECT u.id, u.email, u.password_hash, u.role, u.created_at, u.all_procedures = 0 FROM tokens t
		JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND u.password_hash <> ''`, hash).Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Role, &created, &u.Scoped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch token: %w", err)
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// Users lists the accounts by email.
func (s *Store) Users(ctx context.Context) ([]model.User, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, email, role, created_at, password_hash = '', all_procedures = 0 FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list users: %w", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		var u model.User
		var created int64
		if err := rows.Scan(&u.ID, &u.Email, &u.Role, &created, &u.Locked, &u.Scoped); err != nil {
			return nil, err
		}
		u.CreatedAt = fromMS(created)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Revoke says what a new password ends besides the old password.
type Revoke struct {
	// KeepSession is the hash of the one session that stays (the one
	// that changed its own password); every other session of the account
	// ends. Nil ends all of them.
	KeepSession []byte
	// Tokens also deletes the account's API tokens.
	Tokens bool
}

// SetPassword replaces an account's password hash and ends its sessions
// (but r.KeepSession) and, with r.Tokens, its API tokens, audited in the
// same transaction.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string, r Revoke, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var email string
		if err := tx.QueryRow(`SELECT email FROM users WHERE id = ?`, userID).Scan(&email); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID); err != nil {
			return fmt.Errorf("store: unable to set password: %w", err)
		}
		if _, err := tx.Exec(`DELETE FROM sessions WHERE CAST(value AS TEXT) = CAST(? AS TEXT) AND key <> ?`,
			userID, hex.EncodeToString(r.KeepSession)); err != nil {
			return fmt.Errorf("store: unable to end sessions: %w", err)
		}
		if r.Tokens {
			if _, err := tx.Exec(`DELETE FROM tokens WHERE user_id = ?`, userID); err != nil {
				return fmt.Errorf("store: unable to revoke tokens: %w", err)
			}
		}
		return auditTx(tx, a, email, nil, nil)
	})
}

// LockUser shuts an account out: its password no longer matches anything,
// its API tokens and sessions are deleted. An admin can give it a new
// password later. Audited in the same transaction.
func (s *Store) LockUser(ctx context.Context, userID int64, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var email string
		if err := tx.QueryRow(`SELECT email FROM users WHERE id = ?`, userID).Scan(&email); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		for _, q := range []string{`UPDATE users SET password_hash = '' WHERE id = ?`, `DELETE FROM tokens WHERE user_id = ?`,
			`DELETE FROM sessions WHERE CAST(value AS TEXT) = CAST(? AS TEXT)`} {
			if _, err := tx.Exec(q, userID); err != nil {
				return fmt.Errorf("store: unable to lock account: %w", err)
			}
		}
		return auditTx(tx, a, email, nil, nil)
	})
}
