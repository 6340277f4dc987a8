package accounts

import (
	"context"
	"time"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// SessionStore is what sign-ins by API token and back-office session, and
// the back office's account lists, read and write. The SQLite store
// satisfies it; Store includes it.
type SessionStore interface {
	UserByTokenHash(ctx context.Context, hash []byte) (*model.User, error) // store.ErrNotFound if none
	UserBySession(ctx context.Context, hash []byte) (*model.User, error)
	CreateSession(ctx context.Context, hash []byte, userID int64, expires time.Time) error
	DeleteSession(ctx context.Context, hash []byte) error
	Users(ctx context.Context) ([]model.User, error)
	AuditLog(ctx context.Context, limit int) ([]store.AuditEntry, error)
}

// UserByToken returns the account an API token belongs to (only its hash
// is stored; store.ErrNotFound for an unknown or revoked token).
func UserByToken(ctx context.Context, st Store, token string) (*model.User, error) {
	return st.UserByTokenHash(ctx, auth.HashToken(token))
}

// SessionUser returns the account of a back-office session, identified by
// the value of its cookie.
func SessionUser(ctx context.Context, st Store, cookie string) (*model.User, error) {
	return st.UserBySession(ctx, auth.HashToken(cookie))
}

// StartSession opens a back-office session for userID until expires and
// returns the cookie value (random; only its hash is stored).
func StartSession(ctx context.Context, st Store, userID int64, expires time.Time) (string, error) {
	tok := auth.NewToken()
	if err := st.CreateSession(ctx, auth.HashToken(tok), userID, expires); err != nil {
		return "", err
	}
	return tok, nil
}

// EndSession closes the back-office session with the cookie value.
func EndSession(ctx context.Context, st Store, cookie string) error {
	return st.DeleteSession(ctx, auth.HashToken(cookie))
}

// Users lists the accounts by email.
func Users(ctx context.Context, st Store) ([]model.User, error) { return st.Users(ctx) }

// AuditLog returns the newest audit entries first, at most limit.
func AuditLog(ctx context.Context, st Store, limit int) ([]store.AuditEntry, error) {
	return st.AuditLog(ctx, limit)
}
