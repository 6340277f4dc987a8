package public

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) statistics(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	byCat, err := h.Store.CountBy(c.UserContext(), p.ID, "category")
	if err != nil {
		return err
	}
	byType, err := h.Store.CountBy(c.UserContext(), p.ID, "type")
	if err != nil {
		return err
	}
	var catBars, typeBars []analysis.Bar
	for _, n := range byCat {
		k, _ := p.Category(n.Key)
		catBars = append(catBars, analysis.Bar{Label: k.Label.Get(l.Tag), Value: n.N, Colour: k.Colour})
	}
	for _, n := range byType {
		t, ok := p.Type(n.Key)
		label := t.Label.Get(l.Tag)
		if !ok {
			label = l.T("stats.no_type")
		}
		typeBars = append(typeBars, analysis.Bar{Label: label, Value: n.N})
	}
	topComments, _, err := h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Sort: store.SortCommented, Limit: 10})
	if err != nil {
		return err
	}
	topRated, _, err := h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Sort: store.SortRated, Limit: 10})
	if err != nil {
		return err
	}
	total, err := h.Count(c.UserContext(), p, store.Filter{ProcedureID: p.ID})
	if err != nil {
		return err
	}
	return h.Render(c, "statistics", fiber.Map{"Title": l.T("stats.title") + " – " + v.Text.Title, "P": v, "Total": total,
		"CatChart": analysis.BarChart(l.T("stats.by_category"), catBars), "CatBars": catBars,
		"TypeChart": analysis.BarChart(l.T("stats.by_type"), typeBars), "TypeBars": typeBars,
		"TopComments": topComments, "TopRated": topRated})
}
