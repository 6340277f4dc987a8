package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/web"
)

// report is the printable report of a procedure: counts, the words and
// places of the analysis, and the most agreed-with contributions with the
// official responses. Browsers print it (print styles hide the chrome).
func (h *Handler) report(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	r, err := h.Analysis.Report(c.UserContext(), p)
	if err != nil {
		return err
	}
	views, err := h.RecentViews(c.UserContext())
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	return h.Render(c, "admin-report", fiber.Map{"Title": l.T("admin.report") + " – " + p.Title, "User": web.User(c), "Views": views[p.ID],
		"Proc": p, "Total": r.Total, "ByCategory": r.ByCategory, "ByOrigin": r.ByOrigin, "List": r.List, "Responses": r.Responses,
		"Words": r.Words, "Max": analysis.ReportMax, "Printed": time.Now().In(berlin).Format("02.01.2006 15:04"), "BodyClass": "report"})
}

var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()
