package viewport

import (
	"math"
	"slices"
)

// pointGrid counts points in rectangles: the points sorted into g×g cells
// (g columns of equally many points, g rows of equally many), with the
// number of points in every rectangle of cells from the south-west corner.
// A rectangle's count is that of the cells strictly between the cells of
// its edges, from four prefix sums, plus the points of the cells its edges
// cut, tested one by one: about 2n/g points where an edge cuts the whole
// grid. A point's column is the number of column bounds not above it,
// monotone in its coordinate, so a column beyond the column of an edge
// holds only points beyond the edge; the same for rows.
type pointGrid struct {
	g      int
	cols   []float32    // the g-1 column bounds, ascending
	rows   []float32    // the g-1 row bounds
	lo, hi [2]float32   // the least and greatest coordinates
	start  []int32      // cell c holds pts[start[c]:start[c+1]], row by row
	pts    [][2]float32 // the points, cell after cell
	prefix []int32      // (g+1)², the points in cells [0,c)×[0,r), index r*(g+1)+c
}

func newPointGrid(pts [][2]float32, g int) *pointGrid {
	pg := &pointGrid{g: g, start: make([]int32, g*g+1), pts: make([][2]float32, len(pts))}
	inf := float32(math.Inf(1))
	pg.lo, pg.hi = [2]float32{inf, inf}, [2]float32{-inf, -inf}
	axis := make([]float32, len(pts))
	for a, bounds := range []*[]float32{&pg.cols, &pg.rows} {
		for i, p := range pts {
			axis[i] = p[a]
		}
		slices.Sort(axis)
		if len(axis) > 0 {
			pg.lo[a], pg.hi[a] = axis[0], axis[len(axis)-1]
		}
		*bounds = make([]float32, g-1)
		for k := 1; k < g; k++ {
			(*bounds)[k-1] = axis[k*len(axis)/g]
		}
	}
	cells := make([]int32, len(pts))
	for i, p := range pts {
		c := pg.row(p[1])*g + pg.col(p[0])
		cells[i] = int32(c)
		pg.start[c+1]++
	}
	for c := 1; c <= g*g; c++ {
		pg.start[c] += pg.start[c-1]
	}
	next := make([]int32, g*g)
	copy(next, pg.start[:g*g])
	for i, p := range pts {
		pg.pts[next[cells[i]]] = p
		next[cells[i]]++
	}
	w := g + 1
	pg.prefix = make([]int32, w*w)
	for r := 0; r < g; r++ {
		for c := 0; c < g; c++ {
			n := pg.start[r*g+c+1] - pg.start[r*g+c]
			pg.prefix[(r+1)*w+c+1] = n + pg.prefix[r*w+c+1] + pg.prefix[(r+1)*w+c] - pg.prefix[r*w+c]
		}
	}
	return pg
}

// col and row are the cells of coordinates; ±Inf lie before the first and
// after the last.
func (pg *pointGrid) col(v float32) int { return pg.at(pg.cols, v) }
func (pg *pointGrid) row(v float32) int { return pg.at(pg.rows, v) }

func (pg *pointGrid) at(bounds []float32, v float32) int {
	switch {
	case math.IsInf(float64(v), -1):
		return -1
	case math.IsInf(float64(v), 1):
		return pg.g
	}
	return firstAbove(bounds, v)
}

func (pg *pointGrid) size() int {
	return 120 + 4*(len(pg.start)+len(pg.cols)+len(pg.rows)+len(pg.prefix)) + 8*len(pg.pts)
}

// firstAbove is the index of the first value of v (ascending) above t.
func firstAbove(v []float32, t float32) int {
	lo, hi := 0, len(v)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v[m] <= t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// count returns how many points lie in [x0,x1]×[y0,y1], edges included;
// a bound may be infinite.
func (pg *pointGrid) count(x0, x1, y0, y1 float32) int {
	if x0 > x1 || y0 > y1 || x1 < pg.lo[0] || x0 > pg.hi[0] || y1 < pg.lo[1] || y0 > pg.hi[1] {
		return 0
	}
	// Bounds beyond every point are no bounds: their cells need no test.
	inf := float32(math.Inf(1))
	if x0 <= pg.lo[0] {
		x0 = -inf
	}
	if x1 >= pg.hi[0] {
		x1 = inf
	}
	if y0 <= pg.lo[1] {
		y0 = -inf
	}
	if y1 >= pg.hi[1] {
		y1 = inf
	}
	c0, c1, r0, r1 := pg.col(x0), pg.col(x1), pg.row(y0), pg.row(y1)
	g, w := pg.g, pg.g+1
	total := 0
	// The inner cells: strictly between those of the edges.
	ic0, ic1, ir0, ir1 := c0+1, min(c1, g)-1, r0+1, min(r1, g)-1
	ic0, ir0 = max(ic0, 0), max(ir0, 0)
	inner := ic0 <= ic1 && ir0 <= ir1
	if inner {
		p := pg.prefix
		total += int(p[(ir1+1)*w+ic1+1] - p[ir0*w+ic1+1] - p[(ir1+1)*w+ic0] + p[ir0*w+ic0])
	}
	// The cells the edges cut, point by point.
	cut := func(r, c int) {
		for _, p := range pg.pts[pg.start[r*g+c]:pg.start[r*g+c+1]] {
			total += b2i(p[0] >= x0) & b2i(p[0] <= x1) & b2i(p[1] >= y0) & b2i(p[1] <= y1)
		}
	}
	for r := max(r0, 0); r <= min(r1, g-1); r++ {
		if inner && r >= ir0 && r <= ir1 {
			if c0 >= 0 {
				cut(r, c0)
			}
			if c1 <= g-1 && c1 != c0 {
				cut(r, c1)
			}
			continue
		}
		for c := max(c0, 0); c <= min(c1, g-1); c++ {
			cut(r, c)
		}
	}
	return total
}
