package poster

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// mapDrawing is the area fitted into a box: rings in page millimetres,
// and a scale bar (its length in mm and its label).
type mapDrawing struct {
	Rings    [][][2]float64
	ScaleMM  float64
	ScaleTxt string
}

// drawArea projects area (WGS84) to Web Mercator and fits it into the box
// x, y, w, h (mm, y downwards) with a margin, north up; the scale bar is
// the longest round distance no longer than a third of the box's width.
func drawArea(area orb.Polygon, x, y, w, h float64) (mapDrawing, bool) {
	if len(area) == 0 || len(area[0]) < 3 {
		return mapDrawing{}, false
	}
	var merc []orb.Ring
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, ring := range area {
		var r orb.Ring
		for _, p := range ring {
			q := project.WGS84.ToMercator(p)
			r = append(r, q)
			bound = bound.Extend(q)
		}
		merc = append(merc, r)
	}
	bw, bh := bound.Max[0]-bound.Min[0], bound.Max[1]-bound.Min[1]
	if bw <= 0 || bh <= 0 || math.IsNaN(bw) || math.IsNaN(bh) {
		return mapDrawing{}, false
	}
	pad := 0.08
	k := math.Min(w*(1-2*pad)/bw, h*(1-2*pad)/bh) // mm per Mercator metre
	ox := x + (w-bw*k)/2
	oy := y + (h-bh*k)/2
	var d mapDrawing
	for _, r := range merc {
		var pts [][2]float64
		for _, q := range r {
			pts = append(pts, [2]float64{ox + (q[0]-bound.Min[0])*k, oy + (bound.Max[1]-q[1])*k})
		}
		d.Rings = append(d.Rings, pts)
	}
	// Mercator stretches by 1/cos(latitude): a ground metre at the
	// area's middle latitude is k/cos(lat) mm on the page.
	lat := project.Mercator.ToWGS84(orb.Point{0, (bound.Min[1] + bound.Max[1]) / 2})[1]
	perMetre := k / math.Cos(lat*math.Pi/180)
	for _, m := range []float64{5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1} {
		if m*perMetre <= w/3 {
			d.ScaleMM = m * perMetre
			if m >= 1000 {
				d.ScaleTxt = fmt.Sprintf("%g km", m/1000)
			} else {
				d.ScaleTxt = fmt.Sprintf("%g m", m)
			}
			break
		}
	}
	return d, true
}
