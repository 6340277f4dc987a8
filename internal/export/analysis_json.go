package export

import (
	"encoding/json"
	"io"

	"github.com/mitreden/mitreden/internal/analysis"
)

// AnalysisDoc is the planners' analysis of a procedure as JSON (DESIGN.md:
// GET /api/v1/procedures/{slug}/analysis, and `mitreden analyse --format
// json`): the topics with their member ids, the near-duplicate pairs, the
// frequent words as keywords and the counts.
type AnalysisDoc struct {
	Version    int64          `json:"version"`
	Topics     []TopicDoc     `json:"topics"`
	Duplicates []DuplicateDoc `json:"duplicates"`
	Keywords   []KeywordDoc   `json:"keywords"`
	// PlannerKeywords are the keywords planners gave contributions.
	PlannerKeywords []PlannerKeywordDoc `json:"planner_keywords"`
	// Counts holds "published", "duplicates" and "topics" and, when the
	// procedure has sub-areas, "sub_area:NAME" for each (the published
	// contributions in it), "sub_area_elsewhere" and "sub_area_unplaced".
	Counts map[string]int `json:"counts"`
	// SubAreas counts per sub-area with its id (empty without sub-areas).
	SubAreas []SubAreaDoc `json:"sub_areas"`
}

// SubAreaDoc is one sub-area's count.
type SubAreaDoc struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// DuplicateDoc is a near-duplicate pair.
type DuplicateDoc struct {
	A     string  `json:"a"` // the older contribution
	B     string  `json:"b"` // the newer one, to be merged into a
	Score float64 `json:"score"`
	// DistanceM is the distance of their places' centres in metres, null
	// when neither has a place.
	DistanceM *float64 `json:"distance_m"`
}

// TopicDoc is one topic, with the planners' edits applied.
type TopicDoc struct {
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

// PlannerKeywordDoc is a planner's keyword and the contributions that carry it.
type PlannerKeywordDoc struct {
	Keyword       string   `json:"keyword"`
	Contributions []string `json:"contributions"`
}

// KeywordDoc is a frequent word.
type KeywordDoc struct {
	Word    string `json:"word"`
	Count   int    `json:"count"`
	Related int    `json:"related"`
}

// NewAnalysisDoc shapes a summary of the analyses as JSON.
func NewAnalysisDoc(sum analysis.Summary) AnalysisDoc {
	view, topics, assigned, pairs := sum.View, sum.Topics, sum.Keywords, sum.Duplicates
	out := AnalysisDoc{Version: view.Version, Topics: make([]TopicDoc, 0, len(topics)), Duplicates: make([]DuplicateDoc, 0, len(pairs)),
		Keywords: make([]KeywordDoc, 0, len(view.Words)), Counts: map[string]int{"published": view.Texts, "duplicates": len(pairs), "topics": len(topics)}}
	for _, t := range topics {
		tj := TopicDoc{Key: t.Key, Label: t.Label, Renamed: t.Renamed, Terms: t.Terms, Size: t.Size, Up: t.Up, Down: t.Down,
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
		if tj.Contributions == nil {
			tj.Contributions = []string{}
		}
		out.Topics = append(out.Topics, tj)
	}
	for _, pr := range pairs {
		d := DuplicateDoc{A: pr.A, B: pr.B, Score: pr.Score}
		if pr.Distance >= 0 {
			m := pr.Distance
			d.DistanceM = &m
		}
		out.Duplicates = append(out.Duplicates, d)
	}
	for _, w := range view.Words {
		out.Keywords = append(out.Keywords, KeywordDoc{Word: w.Word, Count: w.Count, Related: w.Related})
	}
	out.PlannerKeywords = make([]PlannerKeywordDoc, 0, len(assigned))
	for _, k := range assigned {
		out.PlannerKeywords = append(out.PlannerKeywords, PlannerKeywordDoc{Keyword: k.Keyword, Contributions: k.Contributions})
	}
	out.SubAreas = make([]SubAreaDoc, 0, len(sum.SubAreas.Areas))
	for _, a := range sum.SubAreas.Areas {
		out.SubAreas = append(out.SubAreas, SubAreaDoc{ID: a.ID, Name: a.Name, Count: a.Count})
		out.Counts["sub_area:"+a.Name] += a.Count
	}
	if len(sum.SubAreas.Areas) > 0 {
		out.Counts["sub_area_elsewhere"], out.Counts["sub_area_unplaced"] = sum.SubAreas.Elsewhere, sum.SubAreas.Unplaced
	}
	return out
}

func writeAnalysisJSON(a *Analysis, w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(NewAnalysisDoc(a.Summary))
}
