package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) home(c *fiber.Ctx) error {
	rows, err := h.Moderation.Overview(c.UserContext())
	if err != nil {
		return err
	}
	return h.Render(c, "admin-home", fiber.Map{"Title": web.Localizer(c).T("admin.title"), "User": web.User(c),
		"Rows": rows, "Formats": export.Formats})
}
