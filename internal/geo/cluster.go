package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// maxGridLevel bounds the grid refinement (2^30 cells per axis, about 4 cm).
const maxGridLevel = 30

// Cell is one non-empty grid cell of a Clusterer.
type Cell struct {
	Count  int       // number of points in the cell
	Bound  orb.Bound // the cell's extent in lon/lat (may extend beyond the view)
	Center orb.Point // mean of the points added to the cell
}

// Clusterer counts points on a square Web Mercator grid, for showing many
// contributions on a zoomed-out map.
//
// The grid is anchored at the Web Mercator origin and its cell size is
// 1/2^k of the world width, with k chosen so that the view holds about n×n
// cells. Because cells do not depend on the exact view position, clusters
// stay put while the map is panned at the same zoom.
type Clusterer struct {
	view  orb.Bound
	level int     // k: the world is 2^k cells wide
	size  float64 // cell size in Web Mercator metres
	cells map[[2]int]*cellAcc
}

type cellAcc struct {
	count      int
	sumX, sumY float64
}

// NewClusterer returns a Clusterer for the lon/lat bounding box view whose
// grid has about n×n cells in view. n < 1 counts as 1.
func NewClusterer(view orb.Bound, n int) *Clusterer {
	n = max(n, 1)
	lo, hi := ToWebMercator(view.Min), ToWebMercator(view.Max)
	w, h := math.Abs(hi[0]-lo[0]), math.Abs(hi[1]-lo[1])
	target := math.Sqrt(w*h) / float64(n) // cells of this size tile the view n×n
	if !(target > 0) {
		target = math.Max(w, h) / float64(n) // a line-shaped view
	}
	level := maxGridLevel
	if target > 0 && finite(target) {
		l := math.Round(math.Log2(2 * mercatorHalfWorld / target))
		level = int(math.Max(0, math.Min(maxGridLevel, l)))
	}
	return &Clusterer{
		view:  view,
		level: level,
		size:  2 * mercatorHalfWorld / float64(int(1)<<level),
		cells: make(map[[2]int]*cellAcc),
	}
}

// Add counts p in its cell. Points outside the view (or not finite) are
// ignored.
func (c *Clusterer) Add(p orb.Point) {
	if !finite(p[0]) || !finite(p[1]) || !c.view.Contains(p) {
		return
	}
	m := ToWebMercator(p)
	last := 1<<c.level - 1
	ix := min(max(int(math.Floor((m[0]+mercatorHalfWorld)/c.size)), 0), last)
	iy := min(max(int(math.Floor((m[1]+mercatorHalfWorld)/c.size)), 0), last)
	key := [2]int{ix, iy}
	acc := c.cells[key]
	if acc == nil {
		acc = &cellAcc{}
		c.cells[key] = acc
	}
	acc.count++
	acc.sumX += p[0]
	acc.sumY += p[1]
}

// Cells returns the non-empty cells ordered from south to north, then west
// to east.
func (c *Clusterer) Cells() []Cell {
	keys := make([][2]int, 0, len(c.cells))
	for k := range c.cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][1] != keys[j][1] {
			return keys[i][1] < keys[j][1]
		}
		return keys[i][0] < keys[j][0]
	})
	out := make([]Cell, 0, len(keys))
	for _, k := range keys {
		acc := c.cells[k]
		x0 := float64(k[0])*c.size - mercatorHalfWorld
		y0 := float64(k[1])*c.size - mercatorHalfWorld
		b := orb.Bound{
			Min: FromWebMercator(orb.Point{x0, y0}),
			Max: FromWebMercator(orb.Point{x0 + c.size, y0 + c.size}),
		}
		out = append(out, Cell{
			Count:  acc.count,
			Bound:  b,
			Center: orb.Point{acc.sumX / float64(acc.count), acc.sumY / float64(acc.count)},
		})
	}
	return out
}
