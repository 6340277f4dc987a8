package api

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/mail"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// checkEmail checks a new contribution's optional "email". It returns the
// address to subscribe ("" for none), or refused with the answer written: 422 email_unavailable when this server sends no e-mail (the
// caller asked for something it cannot have, so it is told rather than
// ignored), 422 validation when the value is not an address.
func (h *Handler) checkEmail(c *fiber.Ctx, raw string) (addr string, refused bool, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false, nil
	}
	l := web.Localizer(c)
	if h.Mail == nil {
		return "", true, h.Fail(c, fiber.StatusUnprocessableEntity, "email_unavailable", l.T("mail.unavailable"))
	}
	addr, ok := mail.Address(raw)
	if !ok {
		return "", true, h.FailFields(c, fiber.StatusUnprocessableEntity, "validation", l.T("mail.field.invalid"),
			map[string]string{"email": l.T("mail.field.invalid")})
	}
	return addr, false, nil
}

// subscribe records the wish for news about contribution id (with
// replies: new comments too) and queues
// the confirmation message; it returns the subscription's state for the
// answer ("pending" until the link in the message is followed,
// "limited" when the address has too many unconfirmed ones, "failed" when
// it could not be stored — the contribution stays either way).
func (h *Handler) subscribe(c *fiber.Ctx, id, token, email string, replies bool) string {
	err := h.Mail.Subscribe(c.UserContext(), id, token, email, web.Localizer(c).Tag, replies)
	if errors.Is(err, store.ErrTooMany) {
		return "limited"
	}
	if err != nil {
		h.Log.Error("mail: unable to subscribe", "contribution", id, "error", mail.Redact(err.Error()))
		return "failed"
	}
	return "pending"
}
