package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// next is where a login continues: a local /admin path only.
func next(raw string) string {
	if strings.HasPrefix(raw, "/admin") && !strings.HasPrefix(raw, "//") && !strings.ContainsAny(raw, "\\\r\n") {
		return raw
	}
	return "/admin"
}

func (h *Handler) loginForm(c *fiber.Ctx) error {
	if h.SessionUser(c) != nil {
		return c.Redirect(next(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.Render(c, "admin-login", fiber.Map{"Title": web.Localizer(c).T("admin.login_title"), "Next": next(c.Query("next"))})
}

func (h *Handler) login(c *fiber.Ctx) error {
	l := web.Localizer(c)
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	password := c.FormValue("password")
	u, err := h.Store.UserByEmail(c.UserContext(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Check a password even for an unknown address, so timing does not
	// tell which addresses have accounts.
	// A locked account (no password) takes the same path, so timing does
	// not tell which accounts are locked either.
	var hash string
	if u != nil && !u.Locked {
		hash = u.PasswordHash
	} else {
		hash = dummyHash()
	}
	ok := auth.CheckPassword(hash, password)
	if u == nil || u.Locked || !ok || len(password) > 1000 {
		c.Status(fiber.StatusUnauthorized)
		return h.Render(c, "admin-login", fiber.Map{"Title": l.T("admin.login_title"), "Error": l.T("admin.login_failed"),
			"Email": email, "Next": next(c.FormValue("next"))})
	}
	if err := h.StartSession(c, u); err != nil {
		return err
	}
	if err := h.Store.Audit(c.UserContext(), u.Email, "login", u.Email, nil, nil); err != nil {
		return err
	}
	return c.Redirect(next(c.FormValue("next")), fiber.StatusSeeOther)
}

func (h *Handler) logout(c *fiber.Ctx) error {
	if err := h.EndSession(c); err != nil {
		return err
	}
	return c.Redirect("/admin/login", fiber.StatusSeeOther)
}
