package api

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/web"
)

// similarJSON is one published contribution like the text asked about:
// no author, only what its card shows.
type similarJSON struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Excerpt string  `json:"excerpt"`
	Score   float64 `json:"score"`
	// DistanceM is from the point asked about, null without one.
	DistanceM  *float64 `json:"distance_m"`
	RatingUp   int      `json:"rating_up"`
	RatingDown int      `json:"rating_down"`
	URL        string   `json:"url"`
}

// similar answers GET /procedures/:slug/similar?text=…&lat=…&lon=…&limit=…
// with the published contributions whose text is like text (within
// analysis.SimilarDistance of the point when one is given), the most
// similar first, at most analysis.SimilarMax.
func (h *Handler) similar(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	text := utils.CopyString(c.Query("text"))
	switch {
	case !utf8.ValidString(text):
		return h.Fail(c, fiber.StatusBadRequest, "invalid_utf8", l.T("validation.invalid_utf8"))
	case strings.TrimSpace(text) == "":
		return h.Fail(c, fiber.StatusBadRequest, "text_required", l.T("similar.error_text"))
	case utf8.RuneCountInString(text) > analysis.SimilarTextMax:
		return h.Fail(c, fiber.StatusBadRequest, "text_too_long", l.T("similar.error_too_long", "Max", analysis.SimilarTextMax))
	}
	var point *orb.Point
	if lat, lon := strings.TrimSpace(c.Query("lat")), strings.TrimSpace(c.Query("lon")); lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		if err1 != nil || err2 != nil || la != la || lo != lo || la < -90 || la > 90 || lo < -180 || lo > 180 {
			return h.Fail(c, fiber.StatusBadRequest, "invalid_point", l.T("similar.error_point"))
		}
		point = &orb.Point{lo, la}
	}
	limit := analysis.SimilarMax
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > analysis.SimilarMax {
			return h.Fail(c, fiber.StatusBadRequest, "invalid_limit", l.T("similar.error_limit", "Max", analysis.SimilarMax))
		}
		limit = n
	}
	found, err := h.Analysis.Similar(c.UserContext(), p, text, point, limit)
	if err != nil {
		return err
	}
	out := make([]similarJSON, 0, len(found))
	for _, s := range found {
		j := similarJSON{ID: s.ID, Title: s.Title, Excerpt: s.Excerpt, Score: s.Score, RatingUp: s.Up, RatingDown: s.Down,
			URL: "/p/" + p.Slug + "/contributions/" + s.ID}
		if s.Distance >= 0 {
			d := s.Distance
			j.DistanceM = &d
		}
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"similar": out})
}
