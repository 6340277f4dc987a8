package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/mail"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// registerMail adds the back office's e-mail pages: the password reset by
// e-mail (before login), the digest choice on the account page and the
// outbox's state for admins.
func (h *Handler) registerMail(g fiber.Router) {
	csrf := h.CSRF()
	g.Get("/forgot", csrf, h.forgotForm)
	g.Post("/forgot", h.LoginLimiter(), csrf, h.forgot)
	g.Get("/reset/:token", web.NoStore, csrf, h.resetForm)
	g.Post("/reset/:token", web.NoStore, h.LoginLimiter(), csrf, h.reset)
	g.Post("/account/digest", csrf, h.session("moderate"), h.saveDigest)
	g.Get("/outbox", csrf, h.session("manage_users"), h.outbox)
}

// accountMail adds the digest choice to the account page's data.
func (h *Handler) accountMail(c *fiber.Ctx, data fiber.Map) fiber.Map {
	if h.Mail == nil {
		return data
	}
	f, err := h.Mail.Digest(c.UserContext(), web.User(c).ID)
	if err != nil {
		f = "off"
	}
	data["MailOn"], data["Digest"], data["Frequencies"] = true, f, store.DigestFrequencies
	if c.Query("notice") == "digest" {
		data["Notice"] = web.Localizer(c).T("mail.admin.digest_saved")
	}
	return data
}

func (h *Handler) saveDigest(c *fiber.Ctx) error {
	if h.Mail == nil {
		return fiber.ErrNotFound
	}
	err := h.Mail.SetDigest(c.UserContext(), web.User(c).ID, utils.CopyString(c.FormValue("frequency")))
	if errors.Is(err, mail.ErrFrequency) {
		return h.Fail(c, fiber.StatusUnprocessableEntity, "validation", web.Localizer(c).T("mail.admin.digest_invalid"))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/account?notice=digest", fiber.StatusSeeOther)
}

func (h *Handler) forgotForm(c *fiber.Ctx) error {
	if h.Mail == nil {
		return fiber.ErrNotFound
	}
	return h.Render(c, "admin-forgot", fiber.Map{"Title": web.Localizer(c).T("mail.admin.forgot_title")})
}

// forgot queues a reset message when the address is an account's; the
// answer is the same whether it is or not.
func (h *Handler) forgot(c *fiber.Ctx) error {
	if h.Mail == nil {
		return fiber.ErrNotFound
	}
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	if err := h.Mail.RequestReset(c.UserContext(), email); err != nil {
		return err
	}
	l := web.Localizer(c)
	return h.Render(c, "admin-forgot", fiber.Map{"Title": l.T("mail.admin.forgot_title"), "Sent": true})
}

func (h *Handler) resetForm(c *fiber.Ctx) error {
	if h.Mail == nil {
		return fiber.ErrNotFound
	}
	l := web.Localizer(c)
	if _, err := h.Mail.ResetAccount(c.UserContext(), c.Params("token")); errors.Is(err, store.ErrNotFound) {
		c.Status(fiber.StatusNotFound)
		return h.Render(c, "admin-reset", fiber.Map{"Title": l.T("mail.admin.reset_title"), "Gone": true})
	} else if err != nil {
		return err
	}
	return h.Render(c, "admin-reset", fiber.Map{"Title": l.T("mail.admin.reset_title"), "Token": c.Params("token")})
}

func (h *Handler) reset(c *fiber.Ctx) error {
	if h.Mail == nil {
		return fiber.ErrNotFound
	}
	l := web.Localizer(c)
	token := c.Params("token")
	data := fiber.Map{"Title": l.T("mail.admin.reset_title"), "Token": token}
	if c.FormValue("password") != c.FormValue("password2") {
		c.Status(fiber.StatusUnprocessableEntity)
		data["Error"] = l.T("admin.password_mismatch")
		return h.Render(c, "admin-reset", data)
	}
	err := h.Mail.CompleteReset(c.UserContext(), token, c.FormValue("password"))
	switch {
	case errors.Is(err, auth.ErrWeakPassword):
		c.Status(fiber.StatusUnprocessableEntity)
		data["Error"] = l.T("admin.password_weak", "Min", auth.MinPasswordLength)
		return h.Render(c, "admin-reset", data)
	case errors.Is(err, store.ErrNotFound):
		c.Status(fiber.StatusNotFound)
		return h.Render(c, "admin-reset", fiber.Map{"Title": l.T("mail.admin.reset_title"), "Gone": true})
	case err != nil:
		return err
	}
	return c.Redirect("/admin/login?notice=reset", fiber.StatusSeeOther)
}

// outbox shows the outbox's state: counts and the latest messages with
// their last error, never an address. Without e-mail configured it says so.
func (h *Handler) outbox(c *fiber.Ctx) error {
	st := store.OutboxStats{Counts: map[string]int{}}
	if h.Mail != nil {
		var err error
		if st, err = h.Mail.Outbox(c.UserContext(), 50); err != nil {
			return err
		}
	}
	return h.Render(c, "admin-outbox", fiber.Map{"Title": web.Localizer(c).T("mail.admin.outbox"), "User": web.User(c),
		"MailOn": h.Mail != nil, "Counts": st.Counts, "States": []string{"queued", "sending", "sent", "failed", "cancelled"}, "Recent": st.Recent})
}
