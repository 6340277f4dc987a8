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
	st, err := h.Part.Statistics(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	var catBars, typeBars []analysis.Bar
	for _, n := range st.ByCategory {
		k, _ := p.Category(n.Key)
		catBars = append(catBars, analysis.Bar{Label: k.Label.Get(l.Tag), Value: n.N, Colour: k.Colour})
	}
	for _, n := range st.ByType {
		t, ok := p.Type(n.Key)
		label := t.Label.Get(l.Tag)
		if !ok {
			label = l.T("stats.no_type")
		}
		typeBars = append(typeBars, analysis.Bar{Label: label, Value: n.N})
	}
	total, err := h.Count(c.UserContext(), p, store.Filter{ProcedureID: p.ID})
	if err != nil {
		return err
	}
	return h.Render(c, "statistics", fiber.Map{"Title": l.T("stats.title") + " – " + v.Text.Title, "P": v, "Total": total,
		"CatChart": analysis.BarChart(l.T("stats.by_category"), catBars), "CatBars": catBars,
		"TypeChart": analysis.BarChart(l.T("stats.by_type"), typeBars), "TypeBars": typeBars,
		"TopComments": st.TopCommented, "TopRated": st.TopRated})
}
