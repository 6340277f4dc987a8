package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/accounts"
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
	notice := ""
	if c.Query("notice") == "reset" {
		notice = web.Localizer(c).T("mail.admin.reset_done")
	}
	return h.Render(c, "admin-login", fiber.Map{"Title": web.Localizer(c).T("admin.login_title"), "Next": next(c.Query("next")),
		"MailOn": h.Mail != nil, "Notice": notice})
}

func (h *Handler) login(c *fiber.Ctx) error {
	l := web.Localizer(c)
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	password := c.FormValue("password")
	u, err := accounts.Login(c.UserContext(), h.Store, email, password)
	if errors.Is(err, accounts.ErrLoginFailed) {
		c.Status(fiber.StatusUnauthorized)
		return h.Render(c, "admin-login", fiber.Map{"Title": l.T("admin.login_title"), "Error": l.T("admin.login_failed"),
			"Email": email, "Next": next(c.FormValue("next")), "MailOn": h.Mail != nil})
	}
	if err != nil {
		return err
	}
	if err := h.StartSession(c, u); err != nil {
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
