package api

import (
	"github.com/gofiber/fiber/v2"
)

// analysisJSON is the planners' analysis of a procedure (DESIGN.md): the
// near-duplicate pairs, the frequent words as keywords and the counts.
// Topics are not computed yet and are left out.
type analysisJSON struct {
	Version    int64           `json:"version"`
	Duplicates []duplicateJSON `json:"duplicates"`
	Keywords   []keywordJSON   `json:"keywords"`
	Counts     map[string]int  `json:"counts"`
}

type duplicateJSON struct {
	A     string  `json:"a"` // the older contribution
	B     string  `json:"b"` // the newer one, to be merged into a
	Score float64 `json:"score"`
	// DistanceM is the distance of their places' centres in metres, null
	// when neither has a place.
	DistanceM *float64 `json:"distance_m"`
}

type keywordJSON struct {
	Word    string `json:"word"`
	Count   int    `json:"count"`
	Related int    `json:"related"`
}

// analysis answers GET /procedures/:slug/analysis for planners, computed
// once per procedure version like the back office's analysis page.
func (h *Handler) analysis(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	view, err := h.Analysis.Of(c.UserContext(), p)
	if err != nil {
		return err
	}
	pairs, err := h.Analysis.Duplicates(c.UserContext(), p)
	if err != nil {
		return err
	}
	out := analysisJSON{Version: view.Version, Duplicates: make([]duplicateJSON, 0, len(pairs)),
		Keywords: make([]keywordJSON, 0, len(view.Words)), Counts: map[string]int{"published": view.Texts, "duplicates": len(pairs)}}
	for _, pr := range pairs {
		d := duplicateJSON{A: pr.A, B: pr.B, Score: pr.Score}
		if pr.Distance >= 0 {
			m := pr.Distance
			d.DistanceM = &m
		}
		out.Duplicates = append(out.Duplicates, d)
	}
	for _, w := range view.Words {
		out.Keywords = append(out.Keywords, keywordJSON{Word: w.Word, Count: w.Count, Related: w.Related})
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(out)
}
