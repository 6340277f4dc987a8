package public

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/mail"

	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// The links in residents' e-mail. GET shows a page with one button; only
// the POST acts, so that a mail scanner that follows links confirms or
// ends nothing. The token in the path is the authority (it came in the
// message), so the POSTs carry no CSRF token: the unsubscribe POST is the
// one-click unsubscribe of RFC 8058 that mail clients send themselves
// (List-Unsubscribe-Post: List-Unsubscribe=One-Click).
func (h *Handler) registerMail(app *fiber.App) {
	app.Get("/mail/confirm/:token", web.NoStore, h.mailConfirmPage)
	app.Post("/mail/confirm/:token", web.NoStore, h.WriteLimiter(), h.mailConfirm)
	app.Get("/mail/unsubscribe/:token", web.NoStore, h.mailUnsubscribePage)
	app.Post("/mail/unsubscribe/:token", web.NoStore, h.WriteLimiter(), h.mailUnsubscribe)
}

func (h *Handler) mailPage(c *fiber.Ctx, key string, done bool, action string) error {
	l := web.Localizer(c)
	data := fiber.Map{"Title": l.T("mail.page_" + key + ".title"), "Heading": l.T("mail.page_" + key + ".title"),
		"Text": l.T("mail.page_" + key + ".text"), "Done": done, "Back": "/"}
	if action != "" {
		data["Action"], data["Button"], data["Back"] = action, l.T("mail.page_"+key+".button"), ""
	}
	return h.Render(c, "mail", data)
}

func (h *Handler) mailOff(c *fiber.Ctx) error {
	return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.not_found"))
}

func (h *Handler) mailConfirmPage(c *fiber.Ctx) error {
	if h.Mail == nil {
		return h.mailOff(c)
	}
	sub, err := h.Mail.Subscription(c.UserContext(), c.Params("token"))
	if errors.Is(err, store.ErrNotFound) {
		c.Status(fiber.StatusNotFound)
		return h.mailPage(c, "gone", false, "")
	}
	if err != nil {
		return err
	}
	if sub.State == store.SubscriptionConfirmed {
		return h.mailPage(c, "confirmed", true, "")
	}
	return h.mailPage(c, "confirm", false, "/mail/confirm/"+c.Params("token"))
}

func (h *Handler) mailConfirm(c *fiber.Ctx) error {
	if h.Mail == nil {
		return h.mailOff(c)
	}
	err := h.Mail.Confirm(c.UserContext(), c.Params("token"))
	if errors.Is(err, store.ErrNotFound) {
		c.Status(fiber.StatusNotFound)
		return h.mailPage(c, "gone", false, "")
	}
	if err != nil {
		return err
	}
	return h.mailPage(c, "confirmed", true, "")
}

func (h *Handler) mailUnsubscribePage(c *fiber.Ctx) error {
	if h.Mail == nil {
		return h.mailOff(c)
	}
	_, err := h.Mail.Subscription(c.UserContext(), c.Params("token"))
	if errors.Is(err, store.ErrNotFound) {
		return h.mailPage(c, "unsubscribed", true, "")
	}
	if err != nil {
		return err
	}
	return h.mailPage(c, "unsubscribe", false, "/mail/unsubscribe/"+c.Params("token"))
}

func (h *Handler) mailUnsubscribe(c *fiber.Ctx) error {
	if h.Mail == nil {
		return h.mailOff(c)
	}
	// Unsubscribing twice (a client that retries, a second click) is no
	// error: the address is gone either way.
	if err := h.Mail.Unsubscribe(c.UserContext(), c.Params("token")); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return h.mailPage(c, "unsubscribed", true, "")
}

// formReplies tells whether the form's "Also tell me about new comments"
// box is ticked.
func formReplies(c *fiber.Ctx) bool { return c.FormValue("email_replies") != "" }

// formEmail reads the contribution form's optional address: ("", "")
// without one or without e-mail configured, the address and a message when
// it is not one.
func (h *Handler) formEmail(c *fiber.Ctx) (email, problem string) {
	if h.Mail == nil {
		return "", ""
	}
	raw := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	if raw == "" {
		return "", ""
	}
	if addr, ok := mail.Address(raw); ok {
		return addr, ""
	}
	return raw, web.Localizer(c).T("mail.field.invalid")
}

// subscribe records the wish for news about contribution id (manage token
// token) at email and queues the confirmation message; it reports whether
// it did. A failure here does not undo the stored contribution: it is
// logged (without the address) and the page says nothing about e-mail.
func (h *Handler) subscribe(c *fiber.Ctx, id, token, email string, replies bool) (bool, error) {
	if email == "" || h.Mail == nil {
		return false, nil
	}
	err := h.Mail.Subscribe(c.UserContext(), id, token, email, web.Localizer(c).Tag, replies)
	if errors.Is(err, store.ErrTooMany) {
		return false, nil
	}
	if err != nil {
		h.Log.Error("mail: unable to subscribe", "contribution", id, "error", mail.Redact(err.Error()))
		return false, nil
	}
	return true, nil
}
