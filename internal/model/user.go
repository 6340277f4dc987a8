package model

import "time"

// Role of an account.
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"
	RolePlanner   Role = "planner"
	RoleModerator Role = "moderator"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	return r == RoleAdmin || r == RolePlanner || r == RoleModerator
}

// User is a planner, moderator or administrator account.
type User struct {
	ID           int64
	Email        string
	PasswordHash string
	Role         Role
	CreatedAt    time.Time
	Locked       bool // no password: shut out until an admin sets a new one
	// Scoped: a planner or moderator acts only in the procedures they are
	// members of; unscoped (the zero value, and every account made before
	// roles per procedure) in all. Admins are never scoped.
	Scoped bool
	// ProcedureIDs are the procedures a scoped account is a member of
	// (filled when creating an account and by Store.UserProcedures).
	ProcedureIDs []int64
}
