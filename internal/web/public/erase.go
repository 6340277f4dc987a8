package public

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/web"
)

// registerErase adds the author's erasure (GDPR Art. 17) to the manage
// link: a confirmation page, then the erasure itself.
func (h *Handler) registerErase(app *fiber.App) {
	csrf := h.CSRF()
	app.Get("/manage/:token/erase", web.NoStore, csrf, h.eraseForm)
	app.Post("/manage/:token/erase", web.NoStore, h.WriteLimiter(), csrf, h.erase)
}

// eraseForm asks the author to confirm the erasure.
func (h *Handler) eraseForm(c *fiber.Ctx) error {
	token, ct, p, done, err := h.managed(c)
	if done {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	return h.Render(c, "manage-erase", fiber.Map{"Title": l.T("retention.erase_title"), "P": v, "C": ct,
		"Action": "/manage/" + token + "/erase", "Back": "/manage/" + token})
}

// erase empties the author's contribution (a tombstone stays for the
// counts) and says so; the manage link no longer opens anything.
func (h *Handler) erase(c *fiber.Ctx) error {
	token, _, p, done, err := h.managed(c)
	if done {
		return err
	}
	l := web.Localizer(c)
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.Render(c, "manage-erase", fiber.Map{"Title": l.T("retention.erase_title"), "P": v,
			"Action": "/manage/" + token + "/erase", "Back": "/manage/" + token, "Unconfirmed": true})
	}
	if _, err := h.Retention.EraseOwn(c.UserContext(), p, token); err != nil {
		return h.WriteError(c, err)
	}
	return h.Render(c, "manage-erase", fiber.Map{"Title": l.T("retention.erased_title"), "P": v, "Erased": true})
}
