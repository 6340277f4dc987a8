package admin

import (
	"encoding/json"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
)

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// placesView is the places section of the analysis page: the density grid
// drawn over the area with its filter and the table of its hot spots.
type placesView struct {
	Map                         template.HTML
	Heat                        analysis.Heat
	Hot                         []hotSpot
	Categories, Origins, Topics []option
	Filtered                    bool
	// AreaJSON is the procedure's area as GeoJSON for the map ("" for none).
	AreaJSON string
	// SubAreas counts contributions per sub-area, drawn as SubAreaChart.
	SubAreas     analysis.SubAreaCounts
	SubAreaChart template.HTML
	// SubAreaJSON is the sub-areas as a GeoJSON FeatureCollection (name,
	// count) for the map to outline ("" for none).
	SubAreaJSON string
}

// newPlacesView reads the filter from heat_category, heat_origin and
// heat_topic and counts the grid.
func (h *Handler) newPlacesView(c *fiber.Ctx, l *content.Localizer, p *model.Procedure, view analysis.View, topics []analysis.Topic) (placesView, error) {
	f := analysis.HeatFilter{Category: c.Query("heat_category"), Origin: c.Query("heat_origin"), Topic: c.Query("heat_topic")}
	heat, err := h.Analysis.Heat(c.UserContext(), p, f)
	if err != nil {
		return placesView{}, err
	}
	subs, err := h.Analysis.SubAreas(c.UserContext(), p)
	if err != nil {
		return placesView{}, err
	}
	v := placesView{Heat: heat, Hot: hotSpots(l, p, heat, topics), Filtered: f != analysis.HeatFilter{}, Map: analysis.HeatMap(l.T("places.chart"), heat, p.Area),
		AreaJSON: areaJSON(p), SubAreas: subs}
	if len(subs.Areas) > 0 {
		bars := make([]analysis.Bar, 0, len(subs.Areas))
		for _, a := range subs.Areas {
			bars = append(bars, analysis.Bar{Label: a.Name, Value: a.Count})
		}
		v.SubAreaChart = analysis.BarChart(l.T("subareas.chart"), bars)
		if v.SubAreaJSON, err = h.subAreaJSON(c, p, subs); err != nil {
			return placesView{}, err
		}
	}
	v.Categories = append(v.Categories, option{"", l.T("places.all"), f.Category == ""})
	for _, cat := range p.Categories {
		v.Categories = append(v.Categories, option{cat.Key, cat.Label.Get(l.Tag), cat.Key == f.Category})
	}
	v.Origins = append(v.Origins, option{"", l.T("places.all"), f.Origin == ""})
	for _, kind := range []string{"online", "table", "letter", "phone", "paper", "import"} {
		v.Origins = append(v.Origins, option{kind, l.T("card.origin_" + kind), kind == f.Origin})
		if kind != "table" {
			continue
		}
		for _, s := range view.Timeline.Series {
			if s.Kind == "contributions" && model.OriginKind(s.Origin) == "table" {
				v.Origins = append(v.Origins, option{s.Origin, l.T("card.origin_table") + " " + strings.TrimPrefix(s.Origin, "table:"), s.Origin == f.Origin})
			}
		}
	}
	v.Topics = append(v.Topics, option{"", l.T("places.all"), f.Topic == ""})
	for _, t := range topics {
		v.Topics = append(v.Topics, option{t.Key, t.Label, t.Key == f.Topic})
	}
	return v, nil
}

// subAreaJSON writes the procedure's sub-areas with their counts as GeoJSON.
func (h *Handler) subAreaJSON(c *fiber.Ctx, p *model.Procedure, counts analysis.SubAreaCounts) (string, error) {
	areas, err := h.Authoring.SubAreas(c.UserContext(), p)
	if err != nil {
		return "", err
	}
	n := map[int64]int{}
	for _, a := range counts.Areas {
		n[a.ID] = a.Count
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		f := geojson.NewFeature(a.Area)
		f.Properties = geojson.Properties{"name": a.Name, "count": n[a.ID]}
		fc.Append(f)
	}
	b, err := json.Marshal(fc)
	return string(b), err
}
