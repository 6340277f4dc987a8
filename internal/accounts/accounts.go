// Package accounts creates back-office accounts and API tokens, for the
// command line and the back office alike: checked input, argon2id
// passwords, hashed tokens, an audit entry for each.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/mail"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// InputError is bad input: the command line exits with 2, the back office
// shows the message.
type InputError struct{ Field, Msg string }

func (e InputError) Error() string { return e.Msg }

// Store is what accounts read and write. The SQLite store satisfies it.
type Store interface {
	SessionStore
	CreateUser(ctx context.Context, u *model.User) error
	UserByEmail(ctx context.Context, email string) (*model.User, error) // store.ErrNotFound if none
	CreateToken(ctx context.Context, userID int64, hash []byte) error
	// SetPassword sets the hash and revokes sessions and tokens as r says,
	// audited as a; LockUser empties the hash and revokes everything.
	SetPassword(ctx context.Context, userID int64, hash string, r store.Revoke, a store.Audited) error
	LockUser(ctx context.Context, userID int64, a store.Audited) error
	Audit(ctx context.Context, actor, action, subject string, before, after any) error
}

// NewPassword returns a generated password (20 characters of a random
// token), for a new account or a reset; it is shown once.
func NewPassword() string { return auth.NewToken()[:20] }

// Create makes an account that acts in every procedure; actor is who did
// it ("cli" or an email).
func Create(ctx context.Context, st Store, actor, email, role, password string) (*model.User, error) {
	return CreateIn(ctx, st, actor, email, role, password, nil)
}

// CreateIn makes an account; a planner or moderator with procedures acts
// only in those (ids), without in all. Admins act everywhere: naming
// procedures for one is an InputError.
func CreateIn(ctx context.Context, st Store, actor, email, role, password string, procedures []int64) (*model.User, error) {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return nil, InputError{"email", fmt.Sprintf("%q is not an email address", email)}
	}
	if !model.ValidRole(model.Role(role)) {
		return nil, InputError{"role", fmt.Sprintf("role must be admin, planner or moderator, not %q", role)}
	}
	hash, err := auth.HashPassword(password)
	if errors.Is(err, auth.ErrWeakPassword) {
		return nil, InputError{"password", err.Error()}
	}
	if err != nil {
		return nil, err
	}
	if len(procedures) > 0 && model.Role(role) == model.RoleAdmin {
		return nil, InputError{"procedure", "admins act in every procedure; name procedures only for planners and moderators"}
	}
	u := &model.User{Email: email, PasswordHash: hash, Role: model.Role(role), Scoped: len(procedures) > 0, ProcedureIDs: procedures}
	err = st.CreateUser(ctx, u)
	if errors.Is(err, store.ErrConflict) {
		return nil, InputError{"email", fmt.Sprintf("an account for %s exists already", email)}
	}
	if err != nil {
		return nil, err
	}
	after := map[string]any{"role": role}
	if len(procedures) > 0 {
		after["procedures"] = procedures
	}
	return u, st.Audit(ctx, actor, "user.add", email, nil, after)
}

// NewToken makes an API token for the account with email and returns it
// (shown once; only its hash is kept).
func NewToken(ctx context.Context, st Store, actor, email string) (string, *model.User, error) {
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil, InputError{"email", fmt.Sprintf("no account for %s", email)}
	}
	if err != nil {
		return "", nil, err
	}
	if u.Locked {
		return "", nil, InputError{"locked", fmt.Sprintf("the account %s is locked; give it a new password first", email)}
	}
	tok := auth.NewToken()
	if err := st.CreateToken(ctx, u.ID, auth.HashToken(tok)); err != nil {
		return "", nil, err
	}
	return tok, u, st.Audit(ctx, actor, "token.create", u.Email, nil, nil)
}

// ChangePassword sets a new password for u after checking the current one
// and ends u's other sessions — all but the one whose hash is keepSession
// (the session that made the change; nil ends all) — and its API tokens:
// a password changed because it leaked must not leave a token the
// intruder minted working.
func ChangePassword(ctx context.Context, st Store, u *model.User, current, next string, keepSession []byte) error {
	if !auth.CheckPassword(u.PasswordHash, current) {
		return InputError{"current", "the current password does not match"}
	}
	hash, err := auth.HashPassword(next)
	if errors.Is(err, auth.ErrWeakPassword) {
		return InputError{"password", err.Error()}
	}
	if err != nil {
		return err
	}
	return st.SetPassword(ctx, u.ID, hash, store.Revoke{KeepSession: keepSession, Tokens: true}, store.Audited{Actor: u.Email, Action: "user.password"})
}

// ResetPassword gives the account with email a new generated password, returned
// once, and revokes all its sessions and API tokens: whoever held them
// before the reset holds nothing now. actor is who did it.
// An unknown email is an InputError.
func ResetPassword(ctx context.Context, st Store, actor, email string) (string, error) {
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return "", InputError{"email", fmt.Sprintf("no account for %s", email)}
	}
	if err != nil {
		return "", err
	}
	password := NewPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = st.SetPassword(ctx, u.ID, hash, store.Revoke{Tokens: true}, store.Audited{Actor: actor, Action: "user.password_reset"})
	return password, err
}

// Lock shuts the account with email out (password, tokens, sessions).
// Nobody can lock themself out: actor's own account and an unknown email
// are an InputError.
func Lock(ctx context.Context, st Store, actor *model.User, email string) error {
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return InputError{"email", fmt.Sprintf("no account for %s", email)}
	}
	if err != nil {
		return err
	}
	if u.ID == actor.ID {
		return InputError{"email", "you cannot lock your own account"}
	}
	return st.LockUser(ctx, u.ID, store.Audited{Actor: actor.Email, Action: "user.lock"})
}
