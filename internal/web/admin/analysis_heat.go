package admin

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// hotSpot is a hot spot as the page's table and the map's popup name it.
type hotSpot struct {
	Rank, Count           int
	Lat, Lon              float64
	Category, Topic       string // labels in the page's language ("" for none)
	CategoryKey, TopicKey string
	Members               []analysis.HotMember
	MoreMembers           int // counted but not named
}

// hotSpots names the grid's hot spots in the page's language.
func hotSpots(l *content.Localizer, p *model.Procedure, heat analysis.Heat, topics []analysis.Topic) []hotSpot {
	label := map[string]string{}
	for _, t := range topics {
		label[t.Key] = t.Label
	}
	out := make([]hotSpot, 0, len(heat.Hot))
	for _, hc := range heat.Hot {
		hs := hotSpot{Rank: hc.Rank, Count: hc.Count, Lat: hc.Centre.Lat(), Lon: hc.Centre.Lon(), CategoryKey: hc.Category, TopicKey: hc.Topic,
			Topic: label[hc.Topic], Members: hc.Members, MoreMembers: hc.Count - len(hc.Members)}
		if hc.Category != "" {
			hs.Category = p.CategoryLabel(hc.Category, l.Tag)
			if hs.Category == "" {
				hs.Category = hc.Category
			}
		}
		out = append(out, hs)
	}
	return out
}

// heatFilter reads a density grid's filter from the query: category,
// origin and topic, or the analysis page's heat_category, heat_origin and
// heat_topic.
func heatFilter(c *fiber.Ctx) analysis.HeatFilter {
	q := func(k string) string {
		if v := c.Query(k); v != "" {
			return v
		}
		return c.Query("heat_" + k)
	}
	return analysis.HeatFilter{Category: q("category"), Origin: q("origin"), Topic: q("topic")}
}

// heatGeoJSON answers GET /admin/p/:slug/analysis/heat.geojson: the density
// grid's counted cells as polygons (kind "cell") and its hot spots as
// points (kind "hot") with what the analysis page's map shows in their
// popups, filtered as the page's form filters; the collection carries the
// page's texts for the table of hot spots (caption, column heads, the
// notice when nothing is counted).
func (h *Handler) heatGeoJSON(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	f := heatFilter(c)
	heat, err := h.Analysis.Heat(c.UserContext(), p, f)
	if err != nil {
		return err
	}
	topics, err := h.Analysis.Topics(c.UserContext(), p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	fc := geojson.NewFeatureCollection()
	for i, n := range heat.Cells {
		if n == 0 {
			continue
		}
		r, col := i/heat.Cols, i%heat.Cols
		ft := geojson.NewFeature(heat.CellBound(r, col).ToPolygon())
		ft.Properties = geojson.Properties{"kind": "cell", "count": n, "share": float64(n) / float64(max(heat.Max, 1)),
			"label": l.TN("places.map_cell", n)}
		fc.Append(ft)
	}
	for _, hs := range hotSpots(l, p, heat, topics) {
		members := make([]map[string]string, 0, len(hs.Members))
		for _, m := range hs.Members {
			members = append(members, map[string]string{"id": m.ID, "title": m.Title, "url": "/admin/p/" + p.Slug + "/contributions/" + m.ID})
		}
		ft := geojson.NewFeature(orb.Point{hs.Lon, hs.Lat})
		ft.Properties = geojson.Properties{"kind": "hot", "rank": hs.Rank, "count": hs.Count, "category": hs.CategoryKey, "category_label": hs.Category,
			"topic": hs.TopicKey, "topic_label": hs.Topic, "contributions": members, "more": hs.MoreMembers,
			"place": fmt.Sprintf("%.5f, %.5f", hs.Lat, hs.Lon)}
		fc.Append(ft)
	}
	none := l.T("places.none")
	if f != (analysis.HeatFilter{}) {
		none = l.T("places.none_filtered")
	}
	fc.ExtraMembers = geojson.Properties{"total": heat.Total, "max": heat.Max, "outside": heat.Outside, "cell_m": heat.CellM,
		"caption": l.T("places.caption", "Total", heat.Total, "Cell", fmt.Sprintf("%.0f", heat.CellM)),
		"head":    []string{l.T("places.rank"), l.T("admin.place"), l.T("admin.count"), l.T("field.category"), l.T("topics.topic"), l.T("places.map_contributions")},
		"none":    none}
	if heat.Outside > 0 {
		fc.ExtraMembers["outside_text"] = l.TN("places.outside", heat.Outside)
	}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.Send(b)
}
