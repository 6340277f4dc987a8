package accounts_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// The SQLite store is one store accounts can keep.
var _ accounts.Store = (*store.Store)(nil)

const pw = "ein langes gutes Passwort"

func open(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "test.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func create(t *testing.T, st *store.Store, email string) *model.User {
	t.Helper()
	u, err := accounts.Create(context.Background(), st, "cli", email, "admin", pw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestLoginFailsAlikeAndIsAudited: an unknown address, a locked account
// and a wrong password fail with the same error; a good login is audited.
func TestLoginFailsAlikeAndIsAudited(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	admin := create(t, st, "a@example.org")
	create(t, st, "m@example.org")
	if err := accounts.Lock(ctx, st, admin, "m@example.org"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ email, password string }{{"x@example.org", pw}, {"m@example.org", pw}, {"m@example.org", ""},
		{"a@example.org", "falsch"}, {"a@example.org", ""}} {
		if u, err := accounts.Login(ctx, st, c.email, c.password); !errors.Is(err, accounts.ErrLoginFailed) || u != nil {
			t.Fatalf("%s/%q: %v %v, want ErrLoginFailed", c.email, c.password, u, err)
		}
	}
	u, err := accounts.Login(ctx, st, "a@example.org", pw)
	if err != nil || u.ID != admin.ID {
		t.Fatalf("good login: %v %v", u, err)
	}
	log, err := st.AuditLog(ctx, 1)
	if err != nil || len(log) != 1 || log[0].Action != "login" || log[0].Actor != "a@example.org" {
		t.Fatalf("audit %+v %v", log, err)
	}
}

// TestLoginChecksAPasswordForUnknownAndLockedAccounts: a login for an
// unknown address or a locked account pays the same argon2id check as a
// wrong password, so timing does not tell which accounts exist or are
// locked. Counted, not timed: a timed assertion flakes on a busy machine.
func TestLoginChecksAPasswordForUnknownAndLockedAccounts(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	admin := create(t, st, "a@example.org")
	create(t, st, "m@example.org")
	if err := accounts.Lock(ctx, st, admin, "m@example.org"); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@example.org", "x@example.org", "m@example.org"} {
		before := auth.PasswordChecks()
		if _, err := accounts.Login(ctx, st, email, "falsch"); !errors.Is(err, accounts.ErrLoginFailed) {
			t.Fatalf("%s: %v", email, err)
		}
		if n := auth.PasswordChecks() - before; n != 1 {
			t.Fatalf("login for %s did %d argon2id checks, want 1 like every other", email, n)
		}
	}
}

// TestNobodyLocksThemself: locking one's own account or an unknown one is
// refused as input; another account is locked and its password stops
// working.
func TestNobodyLocksThemself(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	admin := create(t, st, "a@example.org")
	create(t, st, "m@example.org")
	for _, email := range []string{"a@example.org", "x@example.org"} {
		if err := accounts.Lock(ctx, st, admin, email); !errors.As(err, new(accounts.InputError)) {
			t.Fatalf("lock %s: %v, want InputError", email, err)
		}
	}
	if _, err := accounts.Login(ctx, st, "a@example.org", pw); err != nil {
		t.Fatalf("the admin was locked out: %v", err)
	}
	if err := accounts.Lock(ctx, st, admin, "m@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.Login(ctx, st, "m@example.org", pw); !errors.Is(err, accounts.ErrLoginFailed) {
		t.Fatalf("locked account logs in: %v", err)
	}
	if log, _ := st.AuditLog(ctx, 1); log[0].Action != "user.lock" || log[0].Actor != "a@example.org" {
		t.Fatalf("audit %+v", log)
	}
}

// TestResetPasswordGivesANewOne: a reset replaces the password (the old
// one stops working, the new one works, a locked account opens again);
// an unknown address is refused as input.
func TestResetPasswordGivesANewOne(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	admin := create(t, st, "a@example.org")
	create(t, st, "m@example.org")
	if _, err := accounts.ResetPassword(ctx, st, admin.Email, "x@example.org"); !errors.As(err, new(accounts.InputError)) {
		t.Fatalf("reset unknown: %v, want InputError", err)
	}
	if err := accounts.Lock(ctx, st, admin, "m@example.org"); err != nil {
		t.Fatal(err)
	}
	fresh, err := accounts.ResetPassword(ctx, st, admin.Email, "m@example.org")
	if err != nil || len(fresh) != 20 {
		t.Fatalf("reset: %q %v", fresh, err)
	}
	if _, err := accounts.Login(ctx, st, "m@example.org", pw); !errors.Is(err, accounts.ErrLoginFailed) {
		t.Fatalf("old password still works: %v", err)
	}
	if _, err := accounts.Login(ctx, st, "m@example.org", fresh); err != nil {
		t.Fatalf("new password: %v", err)
	}
}
