package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/web"
)

// maxPairs is how many near-duplicate pairs the analysis page lists.
const maxPairs = 100

// analysis shows the words residents use most, the places where
// contributions gather (tiles of about 150 m) and the near-duplicates with
// a button each that merges the newer into the older, for the planners'
// and moderators' reading.
func (h *Handler) analysis(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	computing, err := h.Analysis.Computing(c.UserContext(), p)
	if err != nil {
		return err
	}
	if computing {
		return h.Render(c, "admin-analysis-computing", fiber.Map{"Title": l.T("admin.analysis") + " – " + p.Title, "User": web.User(c), "Proc": p})
	}
	sum, err := h.Analysis.Summarise(c.UserContext(), p)
	if err != nil {
		return err
	}
	view, topics, keywords, pairs := sum.View, sum.Topics, sum.Keywords, sum.Duplicates
	bars := make([]analysis.Bar, 0, len(view.Words))
	for _, w := range view.Words[:min(15, len(view.Words))] {
		bars = append(bars, analysis.Bar{Label: w.Word, Value: w.Count})
	}
	places, err := h.newPlacesView(c, l, p, view, topics)
	if err != nil {
		return err
	}
	topicBars := make([]analysis.Bar, 0, len(topics))
	for _, t := range topics {
		topicBars = append(topicBars, analysis.Bar{Label: t.Label, Value: t.Size})
	}
	return h.Render(c, "admin-analysis", fiber.Map{"Topics": topics, "TopicChart": analysis.BarChart(l.T("topics.chart"), topicBars), "Notice": c.Query("notice"), "Time": newTimelineView(l, view.Timeline), "Places": places, "Keywords": keywords, "Title": l.T("admin.analysis") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "A": view, "Pairs": pairs[:min(maxPairs, len(pairs))], "MorePairs": len(pairs) > maxPairs, "Chart": analysis.BarChart(l.T("admin.words_chart"), bars),
		"Downloads": analysisDownloads(c, p.Slug)})
}
