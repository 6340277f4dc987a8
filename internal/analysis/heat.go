package analysis

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/mitreden/mitreden/internal/model"
)

// Places. The density of published contributions over the procedure's area
// as a grid of square cells (HeatColumns across the area's width), counted
// by the centre of each contribution's place, filtered by category, origin
// and topic; the densest cells are the hot spots.

// HeatColumns is how many cells the grid has across.
const HeatColumns = 24

// maxHeatRows bounds the cells down a tall area.
const maxHeatRows = 60

// HeatFilter chooses the contributions of a heat grid; empty fields choose
// all. Origin is an origin ("table:2") or a kind of origin ("table").
type HeatFilter struct {
	Category, Origin, Topic string
}

// Heat is a density grid.
type Heat struct {
	Cols, Rows int
	Bound      orb.Bound
	CellM      float64 // a cell's side in metres (about)
	Cells      []int   // row-major, row 0 in the north
	Max, Total int     // the densest cell's count and all counted
	Outside    int     // chosen contributions placed outside the area
	Hot        []HotCell
}

// HotCell is one of the densest cells.
type HotCell struct {
	Rank            int // 1 for the densest
	Row, Col, Count int
	Centre          orb.Point
	// Category and Topic are the most frequent category and topic key
	// among the cell's contributions ("" when none has one); Members are
	// the first maxHotMembers of them, newest last.
	Category, Topic string
	Members         []HotMember
}

// HotMember is a contribution of a hot spot.
type HotMember struct {
	ID, Title string
}

// maxHotMembers is how many contributions a hot spot names.
const maxHotMembers = 10

// Heat returns the density grid of the procedure's published contributions
// that f chooses. It reads the kept analysis; only the counting runs per call.
func (s *Service) Heat(ctx context.Context, p *model.Procedure, f HeatFilter) (Heat, error) {
	view, err := s.Of(ctx, p)
	if err != nil {
		return Heat{}, err
	}
	ts, err := s.Topics(ctx, p)
	if err != nil {
		return Heat{}, err
	}
	topicOf := map[string]string{}
	for _, t := range ts {
		for _, id := range t.Members {
			topicOf[id] = t.Key
		}
	}
	var pts []orb.Point
	var chosen []*Doc
	for i := range view.docs {
		d := &view.docs[i]
		if !d.Placed || f.Category != "" && d.Category != f.Category ||
			f.Origin != "" && d.Origin != f.Origin && model.OriginKind(d.Origin) != f.Origin || f.Topic != "" && topicOf[d.ID] != f.Topic {
			continue
		}
		pts = append(pts, d.Centre)
		chosen = append(chosen, d)
	}
	var b orb.Bound
	switch {
	case p.Area != nil:
		b = p.Area.Bound()
	case len(pts) > 0:
		b = orb.MultiPoint(pts).Bound().Pad(0.001)
	default:
		return Heat{}, nil
	}
	h := grid(b, pts)
	describeHot(&h, chosen, topicOf)
	return h, nil
}

// cellOf is the index of the cell pt lies in, false outside the grid.
func (h *Heat) cellOf(pt orb.Point) (int, bool) {
	b := h.Bound
	if h.Cols == 0 || !b.Contains(pt) {
		return 0, false
	}
	dLon, dLat := b.Max.Lon()-b.Min.Lon(), b.Max.Lat()-b.Min.Lat()
	c := min(h.Cols-1, int((pt.Lon()-b.Min.Lon())/dLon*float64(h.Cols)))
	r := min(h.Rows-1, int((b.Max.Lat()-pt.Lat())/dLat*float64(h.Rows)))
	return r*h.Cols + c, true
}

// describeHot names each hot spot's contributions and their most frequent
// category and topic (ties go to the first key in order).
func describeHot(h *Heat, docs []*Doc, topicOf map[string]string) {
	if len(h.Hot) == 0 {
		return
	}
	hotAt := map[int]int{}
	for i, hc := range h.Hot {
		hotAt[hc.Row*h.Cols+hc.Col] = i
	}
	cats := make([]map[string]int, len(h.Hot))
	topics := make([]map[string]int, len(h.Hot))
	for _, d := range docs {
		cell, ok := h.cellOf(d.Centre)
		i, hot := hotAt[cell]
		if !ok || !hot {
			continue
		}
		if cats[i] == nil {
			cats[i], topics[i] = map[string]int{}, map[string]int{}
		}
		if d.Category != "" {
			cats[i][d.Category]++
		}
		if k := topicOf[d.ID]; k != "" {
			topics[i][k]++
		}
		if len(h.Hot[i].Members) < maxHotMembers {
			h.Hot[i].Members = append(h.Hot[i].Members, HotMember{ID: d.ID, Title: d.Title})
		}
	}
	for i := range h.Hot {
		h.Hot[i].Category, h.Hot[i].Topic = most(cats[i]), most(topics[i])
	}
}

// most is the key counted most often ("" for none), the smallest key on a tie.
func most(counts map[string]int) string {
	best, n := "", 0
	for k, c := range counts {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}

// grid counts the points in square cells over b.
func grid(b orb.Bound, pts []orb.Point) Heat {
	mid := (b.Min.Lat() + b.Max.Lat()) / 2
	width := geo.Distance(orb.Point{b.Min.Lon(), mid}, orb.Point{b.Max.Lon(), mid})
	height := geo.Distance(orb.Point{b.Min.Lon(), b.Min.Lat()}, orb.Point{b.Min.Lon(), b.Max.Lat()})
	if width <= 0 || height <= 0 {
		return Heat{}
	}
	h := Heat{Cols: HeatColumns, Bound: b, CellM: width / HeatColumns}
	h.Rows = min(maxHeatRows, max(1, int(math.Ceil(height/h.CellM))))
	h.Cells = make([]int, h.Cols*h.Rows)
	dLon, dLat := b.Max.Lon()-b.Min.Lon(), b.Max.Lat()-b.Min.Lat()
	for _, pt := range pts {
		cell, ok := h.cellOf(pt)
		if !ok {
			h.Outside++
			continue
		}
		h.Cells[cell]++
		h.Total++
	}
	for i, n := range h.Cells {
		h.Max = max(h.Max, n)
		if n > 0 {
			r, c := i/h.Cols, i%h.Cols
			h.Hot = append(h.Hot, HotCell{Row: r, Col: c, Count: n, Centre: orb.Point{
				b.Min.Lon() + (float64(c)+0.5)*dLon/float64(h.Cols), b.Max.Lat() - (float64(r)+0.5)*dLat/float64(h.Rows)}})
		}
	}
	sort.SliceStable(h.Hot, func(i, j int) bool { return h.Hot[i].Count > h.Hot[j].Count })
	h.Hot = h.Hot[:min(10, len(h.Hot))]
	for i := range h.Hot {
		h.Hot[i].Rank = i + 1
	}
	return h
}

// HeatMap draws a density grid as inline SVG over the area's outline: the
// more contributions in a cell, the stronger its colour; the hot spots are
// numbered as in the page's table.
func HeatMap(title string, h Heat, area orb.Polygon) template.HTML {
	if h.Cols == 0 {
		return ""
	}
	const width = 640
	height := max(120, min(900, width*h.Rows/h.Cols))
	cw, ch := float64(width)/float64(h.Cols), float64(height)/float64(h.Rows)
	b := h.Bound
	x := func(lon float64) float64 { return (lon - b.Min.Lon()) / (b.Max.Lon() - b.Min.Lon()) * width }
	y := func(lat float64) float64 { return (b.Max.Lat() - lat) / (b.Max.Lat() - b.Min.Lat()) * float64(height) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart heat" role="img" aria-labelledby="%s" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, id(title), width, height)
	fmt.Fprintf(&sb, `<title id="%s">%s</title>`, id(title), template.HTMLEscapeString(title))
	fmt.Fprintf(&sb, `<rect x="0" y="0" width="%d" height="%d" fill="#f5f5f5"></rect>`, width, height)
	for i, n := range h.Cells {
		if n == 0 {
			continue
		}
		r, c := i/h.Cols, i%h.Cols
		fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#c62828" fill-opacity="%.2f"></rect>`,
			float64(c)*cw, float64(r)*ch, cw, ch, 0.15+0.75*float64(n)/float64(max(h.Max, 1)))
	}
	for _, ring := range area {
		var d strings.Builder
		for i, pt := range ring {
			cmd := "L"
			if i == 0 {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%.1f %.1f ", cmd, x(pt.Lon()), y(pt.Lat()))
		}
		fmt.Fprintf(&sb, `<path d="%sZ" fill="none" stroke="#005ca9" stroke-width="2"></path>`, d.String())
	}
	for _, hc := range h.Hot {
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.1f" text-anchor="middle" class="chart-value">%d</text>`,
			(float64(hc.Col)+0.5)*cw, (float64(hc.Row)+0.5)*ch+4, hc.Rank)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) //nolint:gosec // only numbers and the escaped title
}

// CellBound is the bound of the cell in row r and column c.
func (h Heat) CellBound(r, c int) orb.Bound {
	b := h.Bound
	dLon, dLat := (b.Max.Lon()-b.Min.Lon())/float64(h.Cols), (b.Max.Lat()-b.Min.Lat())/float64(h.Rows)
	return orb.Bound{Min: orb.Point{b.Min.Lon() + float64(c)*dLon, b.Max.Lat() - float64(r+1)*dLat},
		Max: orb.Point{b.Min.Lon() + float64(c+1)*dLon, b.Max.Lat() - float64(r)*dLat}}
}
