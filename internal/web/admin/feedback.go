package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/feedback"
	"github.com/mitreden/mitreden/internal/web"
)

// feedbackList shows the reports on the site's accessibility (admins).
func (h *Handler) feedbackList(c *fiber.Ctx) error {
	return h.renderFeedback(c, "")
}

func (h *Handler) renderFeedback(c *fiber.Ctx, notice string) error {
	list, err := h.Feedback.List(c.UserContext())
	if err != nil {
		return err
	}
	return h.Render(c, "admin-feedback", fiber.Map{"Title": web.Localizer(c).T("feedback.admin_title"), "User": web.User(c),
		"Reports": list, "Notice": notice})
}

// feedbackDone marks a report as dealt with; its contact is erased.
func (h *Handler) feedbackDone(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("feedback.admin_not_found"))
	}
	err = h.Feedback.Done(c.UserContext(), id, web.User(c).Email)
	if errors.Is(err, feedback.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("feedback.admin_not_found"))
	}
	if err != nil {
		return err
	}
	return h.renderFeedback(c, web.Localizer(c).T("feedback.admin_notice_done"))
}
