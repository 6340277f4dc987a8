package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/web"
)

// home lists the procedures the signed-in account acts in (admins and
// unscoped accounts: all) with their lifecycle state and counts.
func (h *Handler) home(c *fiber.Ctx) error {
	rows, err := h.Moderation.Overview(c.UserContext())
	if err != nil {
		return err
	}
	u := web.User(c)
	in, err := accounts.Scope(c.UserContext(), h.Store, u)
	if err != nil {
		return err
	}
	own := make([]moderation.ProcedureCounts, 0, len(rows))
	for _, r := range rows {
		if in(r.P.ID) {
			own = append(own, r)
		}
	}
	l := web.Localizer(c)
	notice := ""
	if c.Query("notice") == "deleted" {
		notice = l.T("lifecycle.notice_deleted")
	}
	views, err := h.RecentViews(c.UserContext())
	if err != nil {
		return err
	}
	return h.Render(c, "admin-home", fiber.Map{"Title": l.T("admin.title"), "User": u,
		"Rows": own, "Formats": export.Formats, "Notice": notice, "Views": views})
}
