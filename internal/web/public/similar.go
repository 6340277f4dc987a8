package public

import (
	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
)

// similarTo is what the confirmation page lists under a new contribution:
// the published ones like it (nearby when it has a place), so a resident
// without scripts, who saw no list while writing, can support them too.
// near tells whether they were looked for around its place. A failure
// leaves the list out; the contribution is stored either way.
func (h *Handler) similarTo(c *fiber.Ctx, p *model.Procedure, ct *model.Contribution) (out []analysis.SimilarContribution, near bool) {
	var pt *orb.Point
	if ct.Geometry != nil {
		centre := ct.Geometry.Bound().Center()
		pt, near = &centre, true
	}
	found, err := h.Analysis.Similar(c.UserContext(), p, ct.Title+"\n"+ct.Text, pt, analysis.SimilarMax+1)
	if err != nil {
		h.Log.Warn("similar contributions", "procedure", p.Slug, "error", err)
		return nil, near
	}
	for _, s := range found {
		if s.ID != ct.ID && len(out) < analysis.SimilarMax {
			out = append(out, s)
		}
	}
	return out, near
}
