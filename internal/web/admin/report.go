package admin

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// reportMax is how many contributions the printable report lists; the
// synopsis export holds all of them.
const reportMax = 300

// report is the printable report of a procedure: counts, the words and
// places of the analysis, and the most agreed-with contributions with the
// official responses. Browsers print it (print styles hide the chrome).
func (h *Handler) report(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	ctx := c.UserContext()
	byCat, err := h.Store.CountBy(ctx, p.ID, "category")
	if err != nil {
		return err
	}
	byOrigin, err := h.Store.CountBy(ctx, p.ID, "origin")
	if err != nil {
		return err
	}
	total := 0
	for _, n := range byCat {
		total += n.N
	}
	list, _, err := h.Store.Contributions(ctx, store.Filter{ProcedureID: p.ID, Sort: store.SortRated, Limit: reportMax})
	if err != nil {
		return err
	}
	responses, err := h.Store.ResponsesByContribution(ctx, p.ID)
	if err != nil {
		return err
	}
	words := analysis.NewWords()
	if err := h.Store.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		if r.Contribution.Status == model.Published {
			words.Add(r.Contribution.Title + " " + r.Contribution.Text)
		}
		return nil
	}); err != nil {
		return err
	}
	l := web.Localizer(c)
	return h.Render(c, "admin-report", fiber.Map{"Title": l.T("admin.report") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Total": total, "ByCategory": byCat, "ByOrigin": byOrigin, "List": list, "Responses": responses,
		"Words": words.Top(15), "Max": reportMax, "Printed": time.Now().In(berlin).Format("02.01.2006 15:04"), "BodyClass": "report"})
}

var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()
