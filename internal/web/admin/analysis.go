package admin

import (
	"context"
	"sort"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// analysisView is what the analysis page shows; it is computed once per
// procedure version.
type analysisView struct {
	Version  int64 // the procedure version it was computed for
	Words    []analysis.WordCount
	HotSpots []store.Cluster
	Texts    int
}

// analysis shows the words residents use most and the places where
// contributions gather (tiles of about 150 m), for the planners' reading.
func (h *Handler) analysis(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	view, err := h.analysisOf(c.UserContext(), p)
	if err != nil {
		return err
	}
	bars := make([]analysis.Bar, 0, len(view.Words))
	for _, w := range view.Words[:min(15, len(view.Words))] {
		bars = append(bars, analysis.Bar{Label: w.Word, Value: w.Count})
	}
	l := web.Localizer(c)
	return h.Render(c, "admin-analysis", fiber.Map{"Title": l.T("admin.analysis") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "A": view, "Chart": analysis.BarChart(l.T("admin.words_chart"), bars)})
}

// analysisOf computes a procedure's analysis once per version.
func (h *Handler) analysisOf(ctx context.Context, p *model.Procedure) (analysisView, error) {
	h.mu.Lock()
	view, ok := h.analyses[p.ID]
	h.mu.Unlock()
	if ok && view.Version == p.Version {
		return view, nil
	}
	words := analysis.NewWords()
	n := 0
	err := h.Store.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		words.Add(r.Contribution.Title + " " + r.Contribution.Text)
		n++
		return nil
	})
	if err != nil {
		return view, err
	}
	view = analysisView{Version: p.Version, Words: words.Top(30), Texts: n}
	b := orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}
	if p.Area != nil {
		b = p.Area.Bound()
	}
	cells, _, err := h.Store.TileClusters(ctx, p.ID, b, 17)
	if err != nil {
		return view, err
	}
	sort.Slice(cells, func(i, j int) bool { return cells[i].Count > cells[j].Count })
	view.HotSpots = cells[:min(10, len(cells))]
	h.mu.Lock()
	h.analyses[p.ID] = view
	h.mu.Unlock()
	return view, nil
}
