package public

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/feedback"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// feedbackPage is the site page that carries the accessibility feedback
// form (BITV 2.0 §7).
const feedbackPage = "barrierefreiheit"

// sendFeedback takes a report from the accessibility statement's form:
// 303 back to the statement with a thank-you, or the statement again with
// the report as written and a message beside each field (422).
func (h *Handler) sendFeedback(c *fiber.Ctx) error {
	l := web.Localizer(c)
	r := feedback.Report{Message: c.FormValue("message"), Page: c.FormValue("page"), Contact: c.FormValue("contact"), Locale: l.Tag}
	err := h.Feedback.Add(c.UserContext(), r)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSitePage(c, feedbackPage, fiber.Map{"Feedback": r, "FeedbackErrors": web.FieldMessages(l, verrs)})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/"+feedbackPage+"?sent=1#feedback", fiber.StatusSeeOther)
}
