package web

import (
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
)

// MaxLimit caps how many features one answer holds.
const MaxLimit = 1000

// ParseFilter reads the list filters from the query string; it is shared by
// the HTML list. It returns a message key when a parameter is invalid.
func ParseFilter(c *fiber.Ctx, p *model.Procedure) (store.Filter, string) {
	f := store.Filter{ProcedureID: p.ID, Category: c.Query("category"), Type: c.Query("type"),
		GeomType: c.Query("geometry"), Origin: c.Query("origin"), Query: c.Query("q"), Sort: c.Query("sort", store.SortNewest),
		Cursor: c.Query("cursor"), Answered: c.Query("answered") == "1", PlanningStatus: c.Query("planning_status")}
	if v := c.Query("type_geometry"); v != "" {
		f.GeomType = v
	}
	if f.Category != "" {
		if _, ok := p.Category(f.Category); !ok {
			return f, "validation.unknown_category"
		}
	}
	if f.Type != "" {
		if _, ok := p.Type(f.Type); !ok {
			return f, "validation.unknown_type"
		}
	}
	if !moderation.ValidPlanningStatus(p, f.PlanningStatus) {
		return f, "validation.unknown_planning_status"
	}
	switch f.GeomType {
	case "", "Point", "LineString", "Polygon", "none":
	default:
		return f, "validation.unknown_geometry_filter"
	}
	if f.Origin != "" && f.Origin != "table" && !model.ValidOrigin(f.Origin) {
		return f, "validation.unknown_origin"
	}
	if !store.ValidSort(f.Sort) {
		return f, "validation.unknown_sort"
	}
	if !utf8.ValidString(f.Query) || len(f.Query) > 200 {
		return f, "validation.bad_query"
	}
	f.Limit = 50
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, "validation.bad_limit"
		}
		f.Limit = min(n, MaxLimit)
	}
	if v := c.Query("bbox"); v != "" {
		b, err := geo.ParseBBox(v)
		if err != nil {
			return f, "validation.bad_bbox"
		}
		f.BBox = &b
	}
	return f, ""
}
