package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// procRow is one procedure in the overview.
type procRow struct {
	P                          *model.Procedure
	Published, Waiting, Hidden int
	Reports                    int
}

func (h *Handler) home(c *fiber.Ctx) error {
	procs, err := h.Store.Procedures(c.UserContext())
	if err != nil {
		return err
	}
	var rows []procRow
	for _, p := range procs {
		counts, err := h.Store.StatusCounts(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		reports, err := h.Store.CountOpenReports(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		rows = append(rows, procRow{P: p, Published: counts[model.Published], Waiting: counts[model.Submitted],
			Hidden: counts[model.Hidden], Reports: reports})
	}
	return h.Render(c, "admin-home", fiber.Map{"Title": web.Localizer(c).T("admin.title"), "User": web.User(c),
		"Rows": rows, "Formats": export.Formats})
}
