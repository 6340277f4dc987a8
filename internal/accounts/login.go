package accounts

import (
	"context"
	"errors"
	"sync"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// ErrLoginFailed is any failed login: the address, the lock and the
// password are not told apart.
var ErrLoginFailed = errors.New("accounts: login failed")

// maxPassword is the longest password a login accepts.
const maxPassword = 1000

// dummyHash is checked for unknown addresses (same cost as a real check).
// It is made on first use: argon2id takes 64 MB and ~50 ms, which every
// command of the binary would otherwise pay at start.
var dummyHash = sync.OnceValue(func() string {
	h, _ := auth.HashPassword("no account has this password")
	return h
})

// Login checks an address and a password and records the login in the
// audit log. A password is checked even for an unknown address, so timing
// does not tell which addresses have accounts; a locked account (no
// password) takes the same path, so timing does not tell which accounts
// are locked either. Any failure is ErrLoginFailed.
func Login(ctx context.Context, st Store, email, password string) (*model.User, error) {
	u, err := st.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var hash string
	if u != nil && !u.Locked {
		hash = u.PasswordHash
	} else {
		hash = dummyHash()
	}
	ok := auth.CheckPassword(hash, password)
	if u == nil || u.Locked || !ok || len(password) > maxPassword {
		return nil, ErrLoginFailed
	}
	if err := st.Audit(ctx, u.Email, "login", u.Email, nil, nil); err != nil {
		return nil, err
	}
	return u, nil
}
