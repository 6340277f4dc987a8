package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Roles per procedure: admins act in every procedure. A planner or
// moderator acts in every procedure unless scoped (model.User.Scoped);
// a scoped one acts only in the procedures they are a member of. Accounts
// made before roles per procedure, and accounts made without naming a
// procedure (`mitreden user add` without --procedure), are unscoped — so
// an existing deployment works as before until an admin restricts them.

// ScopeStore is what the procedure rule reads and writes.
type ScopeStore interface {
	UserActsIn(ctx context.Context, userID, procedureID int64) (bool, error)
	UserProcedures(ctx context.Context, userID int64) ([]int64, error)
	SetUserProcedures(ctx context.Context, userID int64, scoped bool, ids []int64, a store.Audited) error
	UserByEmail(ctx context.Context, email string) (*model.User, error)
	Procedures(ctx context.Context) ([]*model.Procedure, error)
	ProcedureStamp(ctx context.Context, slug string) (id, version int64, err error)
	ProcedureOfContribution(ctx context.Context, id string) (int64, error)
	ProcedureOfComment(ctx context.Context, id int64) (int64, error)
}

// Named is what a request names: a procedure by its slug, a contribution
// or a comment by its id; empty where it names none.
type Named struct {
	Slug         string
	Contribution string
	Comment      int64 // 0: none
}

// ActsInAll reports whether u acts in every procedure n names: the
// procedure of the slug and the one the contribution or comment belongs
// to, so that a procedure's slug cannot carry a step on another
// procedure's contribution. Names that do not exist are left to the
// caller (its 404).
func ActsInAll(ctx context.Context, st ScopeStore, u *model.User, n Named) (bool, error) {
	if u == nil {
		return false, nil
	}
	if u.Role == model.RoleAdmin || !u.Scoped {
		return true, nil
	}
	var ids []int64
	add := func(id int64, err error) error {
		if err == nil {
			ids = append(ids, id)
			return nil
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if n.Slug != "" {
		id, _, err := st.ProcedureStamp(ctx, n.Slug)
		if err := add(id, err); err != nil {
			return false, err
		}
	}
	if n.Contribution != "" {
		if err := add(st.ProcedureOfContribution(ctx, n.Contribution)); err != nil {
			return false, err
		}
	}
	if n.Comment != 0 {
		if err := add(st.ProcedureOfComment(ctx, n.Comment)); err != nil {
			return false, err
		}
	}
	for _, id := range ids {
		ok, err := st.UserActsIn(ctx, u.ID, id)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// ActsIn reports whether u may act (read the back office, moderate,
// export, change) in the procedure with id.
func ActsIn(ctx context.Context, st ScopeStore, u *model.User, procedureID int64) (bool, error) {
	if u == nil {
		return false, nil
	}
	if u.Role == model.RoleAdmin || !u.Scoped {
		return true, nil
	}
	return st.UserActsIn(ctx, u.ID, procedureID)
}

// Scope returns a test for the procedures u acts in, for lists (the
// back-office home shows only one's own procedures).
func Scope(ctx context.Context, st ScopeStore, u *model.User) (func(procedureID int64) bool, error) {
	if u == nil {
		return func(int64) bool { return false }, nil
	}
	if u.Role == model.RoleAdmin || !u.Scoped {
		return func(int64) bool { return true }, nil
	}
	ids, err := st.UserProcedures(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return func(id int64) bool { return set[id] }, nil
}

// SetProcedures sets where the account with email acts: in every
// procedure (all) or in the procedures ids only (possibly none). Admins
// act everywhere and cannot be scoped. actor is who did it.
func SetProcedures(ctx context.Context, st ScopeStore, actor, email string, all bool, ids []int64) error {
	u, err := st.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return InputError{"email", fmt.Sprintf("no account for %s", email)}
	}
	if err != nil {
		return err
	}
	if u.Role == model.RoleAdmin {
		return InputError{"procedure", "admins act in every procedure"}
	}
	if all {
		ids = nil
	}
	return st.SetUserProcedures(ctx, u.ID, !all, ids, store.Audited{Actor: actor, Action: "user.procedures"})
}

// Memberships returns the ids of the procedures u is a member of.
func Memberships(ctx context.Context, st ScopeStore, userID int64) ([]int64, error) {
	return st.UserProcedures(ctx, userID)
}

// AllProcedures lists every procedure (drafts too), for the admins'
// forms that assign accounts to procedures.
func AllProcedures(ctx context.Context, st ScopeStore) ([]*model.Procedure, error) {
	return st.Procedures(ctx)
}

// ProcedureIDs returns the ids of the procedures named by slugs, leaving
// out names that are no procedure's.
func ProcedureIDs(ctx context.Context, st ScopeStore, slugs []string) ([]int64, error) {
	var ids []int64
	for _, slug := range slugs {
		if !model.ValidSlug(slug) {
			continue
		}
		id, _, err := st.ProcedureStamp(ctx, slug)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}
