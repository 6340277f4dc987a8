package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/web"
)

// account lets the signed-in person change their password.
func (h *Handler) account(c *fiber.Ctx) error {
	l := web.Localizer(c)
	notice := ""
	if c.Query("notice") == "changed" {
		notice = l.T("admin.password_changed")
	}
	return h.Render(c, "admin-account", h.accountMail(c, fiber.Map{"Title": l.T("admin.account"), "User": web.User(c), "Notice": notice}))
}

func (h *Handler) changePassword(c *fiber.Ctx) error {
	l := web.Localizer(c)
	if c.FormValue("password") != c.FormValue("password2") {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.Render(c, "admin-account", h.accountMail(c, fiber.Map{"Title": l.T("admin.account"), "User": web.User(c), "Error": l.T("admin.password_mismatch")}))
	}
	err := accounts.ChangePassword(c.UserContext(), h.Store, web.User(c), c.FormValue("current"), c.FormValue("password"), h.SessionHash(c))
	var ie accounts.InputError
	if errors.As(err, &ie) {
		c.Status(fiber.StatusUnprocessableEntity)
		msg := l.T("admin.password_current_wrong")
		if ie.Field == "password" {
			msg = l.T("admin.password_weak", "Min", auth.MinPasswordLength)
		}
		return h.Render(c, "admin-account", h.accountMail(c, fiber.Map{"Title": l.T("admin.account"), "User": web.User(c), "Error": msg}))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/account?notice=changed", fiber.StatusSeeOther)
}
