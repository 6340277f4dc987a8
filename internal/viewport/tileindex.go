package viewport

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/store"
)

// tileIndex is what a viewport keeps of one map tile: its spatial-index
// entries newest first (the page is merged from them) and, for counting
// the matches, four grids of points made of the entries' boxes.
//
// An entry counts in a view when it overlaps the view and the south-west
// corner of where it meets the view lies in the tile's cell (see count).
// Along one axis that is one of two tests on the box's edges: where the
// view begins before the cell, only its west (south) edge decides, lying
// in a range; where the view begins inside the cell, its west edge must
// not lie beyond the view and its east edge must reach it, which is "west
// edge not beyond" minus "east edge before" (a box ending before the view
// begins also begins before it ends). So the count is a sum of at most
// four counts of points in rectangles, the points being (west or east
// edge, south or north edge) of the boxes: a grid over the tile counts the
// cells inside a rectangle from prefix sums and tests only the points of
// the cells its edges cut. At 1,000,000 contributions a street's tile
// holds some 24,000 entries, a quarter of them lines and areas reaching
// across much of it, which the buckets counted before had to test one by
// one wherever the view cut them.
type tileIndex struct {
	es    []store.IndexEntry
	bound orb.Bound
	// grids[i][j] holds the points (box[2i], box[2j+1]): the west (i=0)
	// or east (1) edge with the south (j=0) or north (1) edge.
	grids [2][2]*pointGrid
}

// gridFor is the number of cells across a tile's grids for n entries:
// about six points a cell, at most 64 across.
func gridFor(n int) int {
	return min(max(int(math.Sqrt(float64(n)/6)), 1), 64)
}

// newTileIndex makes the index of es, the entries of the tile with bounds
// tb whose boxes meet it, as the spatial index gives them.
func newTileIndex(es []store.IndexEntry, tb orb.Bound) *tileIndex {
	ti := &tileIndex{es: es, bound: tb}
	g := gridFor(len(es))
	pts := make([][2]float32, len(es))
	for i := range 2 {
		for j := range 2 {
			for k, e := range es {
				pts[k] = [2]float32{e.Box[2*i], e.Box[2*j+1]}
			}
			ti.grids[i][j] = newPointGrid(pts, g)
		}
	}
	return ti
}

// size is what a tile index costs in the cache's budget.
func (ti *tileIndex) size() int {
	n := 120 + len(ti.es)*entrySize
	for i := range 2 {
		for j := range 2 {
			n += ti.grids[i][j].size()
		}
	}
	return n
}

// count returns how many entries overlap the view [minX,maxX]×[minY,maxY]
// (edges included, the index's own test) with the south-west corner of
// where they meet the view in the cell [cw,ce)×[cs,cn).
func (ti *tileIndex) count(minX, minY, maxX, maxY, cw, ce, cs, cn float64) int {
	l, ok := limitsOf(minX, minY, maxX, maxY, cw, ce, cs, cn)
	if !ok {
		return 0
	}
	xs, okX := terms(l.x0lo, l.x0hi, l.x1lo, l.subX)
	ys, okY := terms(l.y0lo, l.y0hi, l.y1lo, l.subY)
	if !okX || !okY {
		return ti.scan(&l)
	}
	total := 0
	for _, x := range xs {
		for _, y := range ys {
			if x.sign == 0 || y.sign == 0 {
				continue
			}
			total += x.sign * y.sign * ti.grids[x.edge][y.edge].count(x.lo, x.hi, y.lo, y.hi)
		}
	}
	return total
}

// term is one count along an axis: boxes whose west (edge 0) or east (1)
// edge lies in [lo, hi], added (sign 1) or taken out (-1).
type term struct {
	edge, sign int
	lo, hi     float32
}

// terms turns the limits of one axis into counts of one edge: the west
// edge in [v0lo, v0hi] where the view begins before the cell (the east
// edge then reaches the view); where it begins inside (sub), the west edge
// not beyond v0hi minus the east edge before v1lo, which holds where a box
// ending before v1lo cannot begin beyond v0hi. ok is false where that
// fails (an inverted view, or one narrower than a float32 step), to be
// counted box by box.
func terms(v0lo, v0hi, v1lo float32, sub bool) (t [2]term, ok bool) {
	if !sub {
		t[0] = term{edge: 0, sign: 1, lo: v0lo, hi: v0hi}
		return t, true
	}
	if v1lo > v0hi {
		return t, false
	}
	inf := float32(math.Inf(1))
	t[0] = term{edge: 0, sign: 1, lo: -inf, hi: v0hi}
	t[1] = term{edge: 1, sign: -1, lo: -inf, hi: math.Nextafter32(v1lo, -inf)}
	return t, true
}

// scan counts box by box.
func (ti *tileIndex) scan(l *limits) int {
	total := 0
	for i := range ti.es {
		b := &ti.es[i].Box
		total += b2i(b[0] >= l.x0lo) & b2i(b[0] <= l.x0hi) & b2i(b[2] >= l.x1lo) &
			b2i(b[1] >= l.y0lo) & b2i(b[1] <= l.y0hi) & b2i(b[3] >= l.y1lo)
	}
	return total
}

// limits are the tests of count on a box's four coordinates, in the
// index's 32-bit floats: its west edge in [x0lo, x0hi] (not east of the
// view, and the corner where it meets the view, max(west edge, view's
// west edge), in the cell), its east edge at least x1lo (not west of the
// view), and the same north–south. Each bound is the float32 nearest the
// float64 test that decides every float32 the same way, so the tests are
// exact. sub is whether the view begins inside the cell along an axis
// (see terms).
type limits struct {
	x0lo, x0hi, x1lo, y0lo, y0hi, y1lo float32
	subX, subY                         bool
}

// limitsOf makes the limits of a view [minX,maxX]×[minY,maxY] and a cell
// [cw,ce)×[cs,cn); ok is false when no box can pass (the view begins at
// or beyond the cell's east or north end).
func limitsOf(minX, minY, maxX, maxY, cw, ce, cs, cn float64) (l limits, ok bool) {
	axis := func(lo, hi, c0, c1 float64) (v0lo, v0hi, v1lo float32, sub bool) {
		// max(v, lo) >= c0 holds for every v when lo >= c0, else for v >= c0;
		// max(v, lo) < c1 holds for v < c1 (lo < c1 is checked below).
		v0lo = float32(math.Inf(-1))
		if lo < c0 {
			v0lo = atLeast32(c0)
		}
		return v0lo, min(atMost32(hi), below32(c1)), atLeast32(lo), lo >= c0
	}
	l.x0lo, l.x0hi, l.x1lo, l.subX = axis(minX, maxX, cw, ce)
	l.y0lo, l.y0hi, l.y1lo, l.subY = axis(minY, maxY, cs, cn)
	return l, minX < ce && minY < cn
}

// atLeast32 is the smallest float32 not below t, atMost32 the largest not
// above it, below32 the largest below it.
func atLeast32(t float64) float32 {
	f := float32(t)
	if float64(f) < t {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

func atMost32(t float64) float32 {
	f := float32(t)
	if float64(f) > t {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func below32(t float64) float32 {
	f := float32(t)
	if float64(f) >= t {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

// b2i is 1 for true, 0 for false (compiled without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
