package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/export"
)

// analysis answers GET /procedures/:slug/analysis for planners, computed
// once per procedure version like the back office's analysis page, in the
// shape DESIGN.md gives (export.AnalysisDoc; `mitreden analyse --format
// json` writes the same).
func (h *Handler) analysis(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	sum, err := h.Analysis.Summarise(c.UserContext(), p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(export.NewAnalysisDoc(sum))
}
