package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// CreateSession stores a back-office session: the hash of its cookie
// value (never the value), the account and the expiry. Expired sessions
// are swept on the way.
func (s *Store) CreateSession(ctx context.Context, hash []byte, userID int64, expires time.Time) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`DELETE FROM sessions WHERE expires_at < ?`, ms(time.Now())); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO sessions(key, value, expires_at) VALUES (?,?,?)`,
			hex.EncodeToString(hash), []byte(strconv.FormatInt(userID, 10)), ms(expires))
		if err != nil {
			return fmt.Errorf("store: unable to create session: %w", err)
		}
		return nil
	})
}

// UserBySession returns the account of an unexpired session.
func (s *Store) UserBySession(ctx context.Context, hash []byte) (*model.User, error) {
	var value []byte
	err := s.read.QueryRowContext(ctx, `SELECT value FROM sessions WHERE key = ? AND expires_at > ?`,
		hex.EncodeToString(hash), ms(time.Now())).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read session: %w", err)
	}
	id, err := strconv.ParseInt(string(value), 10, 64)
	if err != nil {
		return nil, ErrNotFound
	}
	var u model.User
	var created int64
	err = s.read.QueryRowContext(ctx, `SELECT id, email, password_hash, role, created_at, all_procedures = 0 FROM users WHERE id = ? AND password_hash <> ''`, id).
		Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Role, &created, &u.Scoped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, hash []byte) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`DELETE FROM sessions WHERE key = ?`, hex.EncodeToString(hash))
		return err
	})
}
