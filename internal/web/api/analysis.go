package api

import (
	"github.com/gofiber/fiber/v2"
)

// analysisJSON is the planners' analysis of a procedure (DESIGN.md): the
// topics with their member ids, the near-duplicate pairs, the frequent
// words as keywords and the counts.
type analysisJSON struct {
	Version    int64           `json:"version"`
	Topics     []topicJSON     `json:"topics"`
	Duplicates []duplicateJSON `json:"duplicates"`
	Keywords   []keywordJSON   `json:"keywords"`
	// PlannerKeywords are the keywords planners gave contributions.
	PlannerKeywords []plannerKeywordJSON `json:"planner_keywords"`
	// Counts holds "published", "duplicates" and "topics" and, when the
	// procedure has sub-areas, "sub_area:NAME" for each (the published
	// contributions in it), "sub_area_elsewhere" and "sub_area_unplaced".
	Counts map[string]int `json:"counts"`
	// SubAreas counts per sub-area with its id (empty without sub-areas).
	SubAreas []subAreaJSON `json:"sub_areas"`
}

type subAreaJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type duplicateJSON struct {
	A     string  `json:"a"` // the older contribution
	B     string  `json:"b"` // the newer one, to be merged into a
	Score float64 `json:"score"`
	// DistanceM is the distance of their places' centres in metres, null
	// when neither has a place.
	DistanceM *float64 `json:"distance_m"`
}

// topicJSON is one topic, with the planners' edits applied.
type topicJSON struct {
	Key           string         `json:"key"` // names the topic in /admin/p/{slug}/topics/{key}
	Label         string         `json:"label"`
	Renamed       bool           `json:"renamed"` // label given by a planner
	Terms         []string       `json:"terms"`
	Size          int            `json:"size"`
	Categories    map[string]int `json:"categories"`
	Origins       map[string]int `json:"origins"`
	Up            int            `json:"up"`
	Down          int            `json:"down"`
	Centre        *[2]float64    `json:"centre"` // [lon, lat] of the placed members, null when none is placed
	Contributions []string       `json:"contributions"`
}

type plannerKeywordJSON struct {
	Keyword       string   `json:"keyword"`
	Contributions []string `json:"contributions"`
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
	sum, err := h.Analysis.Summarise(c.UserContext(), p)
	if err != nil {
		return err
	}
	view, topics, assigned, pairs := sum.View, sum.Topics, sum.Keywords, sum.Duplicates
	out := analysisJSON{Version: view.Version, Topics: make([]topicJSON, 0, len(topics)), Duplicates: make([]duplicateJSON, 0, len(pairs)),
		Keywords: make([]keywordJSON, 0, len(view.Words)), Counts: map[string]int{"published": view.Texts, "duplicates": len(pairs), "topics": len(topics)}}
	for _, t := range topics {
		tj := topicJSON{Key: t.Key, Label: t.Label, Renamed: t.Renamed, Terms: t.Terms, Size: t.Size, Up: t.Up, Down: t.Down,
			Categories: map[string]int{}, Origins: map[string]int{}, Contributions: t.Members}
		for _, s := range t.Categories {
			tj.Categories[s.Key] = s.N
		}
		for _, s := range t.Origins {
			tj.Origins[s.Key] = s.N
		}
		if t.Placed > 0 {
			tj.Centre = &[2]float64{t.Centre[0], t.Centre[1]}
		}
		if tj.Terms == nil {
			tj.Terms = []string{}
		}
		out.Topics = append(out.Topics, tj)
	}
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
	out.PlannerKeywords = make([]plannerKeywordJSON, 0, len(assigned))
	for _, k := range assigned {
		out.PlannerKeywords = append(out.PlannerKeywords, plannerKeywordJSON{Keyword: k.Keyword, Contributions: k.Contributions})
	}
	subs, err := h.Analysis.SubAreas(c.UserContext(), p)
	if err != nil {
		return err
	}
	out.SubAreas = make([]subAreaJSON, 0, len(subs.Areas))
	for _, a := range subs.Areas {
		out.SubAreas = append(out.SubAreas, subAreaJSON{ID: a.ID, Name: a.Name, Count: a.Count})
		out.Counts["sub_area:"+a.Name] += a.Count
	}
	if len(subs.Areas) > 0 {
		out.Counts["sub_area_elsewhere"], out.Counts["sub_area_unplaced"] = subs.Elsewhere, subs.Unplaced
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(out)
}
