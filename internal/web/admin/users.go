package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) audit(c *fiber.Ctx) error {
	entries, err := accounts.AuditLog(c.UserContext(), h.Store, 200)
	if err != nil {
		return err
	}
	return h.Render(c, "admin-audit", fiber.Map{"Title": web.Localizer(c).T("admin.audit"), "User": web.User(c), "Entries": entries})
}

// users lists the accounts and offers to create one (admins).
func (h *Handler) users(c *fiber.Ctx) error {
	return h.renderUsers(c, fiber.Map{})
}

func (h *Handler) renderUsers(c *fiber.Ctx, data fiber.Map) error {
	list, err := accounts.Users(c.UserContext(), h.Store)
	if err != nil {
		return err
	}
	procs, err := accounts.AllProcedures(c.UserContext(), h.Store)
	if err != nil {
		return err
	}
	rows := make([]userRow, 0, len(list))
	for _, u := range list {
		r := userRow{User: u, Member: map[int64]bool{}}
		if u.Scoped {
			ids, err := accounts.Memberships(c.UserContext(), h.Store, u.ID)
			if err != nil {
				return err
			}
			for _, id := range ids {
				r.Member[id] = true
			}
		}
		rows = append(rows, r)
	}
	data["Title"] = web.Localizer(c).T("admin.users")
	data["User"] = web.User(c)
	data["Users"] = rows
	data["Procedures"] = procs
	data["Roles"] = []model.Role{model.RoleModerator, model.RolePlanner, model.RoleAdmin}
	return h.Render(c, "admin-users", data)
}

// userRow is an account with the procedures it is a member of.
type userRow struct {
	model.User
	Member map[int64]bool
}

// formProcedures reads the procedures ticked in a form (name "procedure",
// one value per slug) as ids; unknown slugs are left out.
func (h *Handler) formProcedures(c *fiber.Ctx) ([]int64, error) {
	var slugs []string
	for _, v := range c.Context().PostArgs().PeekMulti("procedure") {
		slugs = append(slugs, string(v))
	}
	return accounts.ProcedureIDs(c.UserContext(), h.Store, slugs)
}

// setUserProcedures sets where a planner or moderator acts: in every
// procedure, or in the ones ticked (possibly none).
func (h *Handler) setUserProcedures(c *fiber.Ctx) error {
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	ids, err := h.formProcedures(c)
	if err != nil {
		return err
	}
	err = accounts.SetProcedures(c.UserContext(), h.Store, web.User(c).Email, email, c.FormValue("all") == "on", ids)
	var ie accounts.InputError
	if errors.As(err, &ie) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderUsers(c, fiber.Map{"Error": web.Localizer(c).T("team.error_" + ie.Field)})
	}
	if err != nil {
		return err
	}
	return h.renderUsers(c, fiber.Map{"Scoped": email})
}

// createUser makes an account with a generated password, shown once. A
// planner or moderator with procedures ticked acts only in those.
func (h *Handler) createUser(c *fiber.Ctx) error {
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	role := utils.CopyString(c.FormValue("role"))
	password := accounts.NewPassword()
	ids, err := h.formProcedures(c)
	if err != nil {
		return err
	}
	_, err = accounts.CreateIn(c.UserContext(), h.Store, web.User(c).Email, email, role, password, ids)
	var ie accounts.InputError
	if errors.As(err, &ie) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderUsers(c, fiber.Map{"Error": ie.Msg, "Email": email})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.renderUsers(c, fiber.Map{"Created": email, "Password": password})
}

// createToken makes an API token for an account, shown once.
func (h *Handler) createToken(c *fiber.Ctx) error {
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	tok, _, err := accounts.NewToken(c.UserContext(), h.Store, web.User(c).Email, email)
	var ie accounts.InputError
	if errors.As(err, &ie) {
		c.Status(fiber.StatusUnprocessableEntity)
		msg := ie.Msg
		if ie.Field == "locked" {
			msg = web.Localizer(c).T("admin.token_locked", "Email", email)
		}
		return h.renderUsers(c, fiber.Map{"Error": msg})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.renderUsers(c, fiber.Map{"TokenFor": email, "Token": tok})
}

// lockUser shuts an account out (password, tokens, sessions); an admin
// cannot lock themself out.
func (h *Handler) lockUser(c *fiber.Ctx) error {
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	err := accounts.Lock(c.UserContext(), h.Store, web.User(c), email)
	if errors.As(err, new(accounts.InputError)) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderUsers(c, fiber.Map{"Error": web.Localizer(c).T("admin.lock_refused")})
	}
	if err != nil {
		return err
	}
	return h.renderUsers(c, fiber.Map{"Locked": email})
}

// resetPassword gives an account a new generated password, shown once.
func (h *Handler) resetPassword(c *fiber.Ctx) error {
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	password, err := accounts.ResetPassword(c.UserContext(), h.Store, web.User(c).Email, email)
	if errors.As(err, new(accounts.InputError)) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderUsers(c, fiber.Map{"Error": web.Localizer(c).T("admin.lock_refused")})
	}
	if err != nil {
		return err
	}
	return h.renderUsers(c, fiber.Map{"Created": email, "Password": password, "Reset": true})
}
