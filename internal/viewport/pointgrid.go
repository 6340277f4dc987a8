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
// holds only points beyond the edge; the same for rows. So in the cut
// cells of an edge's column, in the rows strictly between the rows of the
// edges, only x decides, and these cells lie one after the other in xs
// (column by column): one scan of consecutive floats. Likewise y in an
// edge's row (ys, row by row). Only the corner cells are tested point by
// point. (Scanning cell after cell of a column of the row-major points
// cost a cache miss a cell: a third of the server's work for viewports at
// 1,000,000 contributions.)
type pointGrid struct {
	g      int
	cols   []float32    // the g-1 column bounds, ascending
	rows   []float32    // the g-1 row bounds
	lo, hi [2]float32   // the least and greatest coordinates
	start  []int32      // cell (r,c) holds pts[start[r*g+c]:start[r*g+c+1]], row by row
	pts    [][2]float32 // the points, cell after cell
	ys     []float32    // their y, in the same order
	cstart []int32      // cell (r,c) holds xs[cstart[c*g+r]:cstart[c*g+r+1]], column by column
	xs     []float32    // the points' x, cell after cell
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
	pg.ys = make([]float32, len(pts))
	for i, p := range pg.pts {
		pg.ys[i] = p[1]
	}
	// The same cells column by column, for x.
	pg.cstart = make([]int32, g*g+1)
	for c := range g {
		for r := range g {
			k := c*g + r
			pg.cstart[k+1] = pg.cstart[k] + pg.start[r*g+c+1] - pg.start[r*g+c]
		}
	}
	pg.xs = make([]float32, len(pts))
	for c := range g {
		for r := range g {
			at := pg.cstart[c*g+r]
			for _, p := range pg.pts[pg.start[r*g+c]:pg.start[r*g+c+1]] {
				pg.xs[at] = p[0]
				at++
			}
		}
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
	return 120 + 4*(len(pg.start)+len(pg.cstart)+len(pg.cols)+len(pg.rows)+len(pg.prefix)+len(pg.ys)+len(pg.xs)) + 8*len(pg.pts)
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
	// Every cell from the edges' rows and columns is either an edge's or
	// strictly between them, across and up.
	ra, rb := max(r0+1, 0), min(r1-1, g-1) // rows strictly inside
	ca, cb := max(c0+1, 0), min(c1-1, g-1) // columns strictly inside
	total := 0
	if ra <= rb && ca <= cb {
		p := pg.prefix
		total += int(p[(rb+1)*w+cb+1] - p[ra*w+cb+1] - p[(rb+1)*w+ca] + p[ra*w+ca])
	}
	edges := func(e0, e1 int) (es [2]int, n int) {
		if e0 >= 0 && e0 < g {
			es[n], n = e0, n+1
		}
		if e1 >= 0 && e1 < g && e1 != e0 {
			es[n], n = e1, n+1
		}
		return es, n
	}
	cols, nc := edges(c0, c1)
	rows, nr := edges(r0, r1)
	if ra <= rb {
		for _, c := range cols[:nc] {
			for _, x := range pg.xs[pg.cstart[c*g+ra]:pg.cstart[c*g+rb+1]] {
				total += b2i(x >= x0) & b2i(x <= x1)
			}
		}
	}
	for _, r := range rows[:nr] {
		if ca <= cb {
			for _, y := range pg.ys[pg.start[r*g+ca]:pg.start[r*g+cb+1]] {
				total += b2i(y >= y0) & b2i(y <= y1)
			}
		}
		for _, c := range cols[:nc] {
			for _, p := range pg.pts[pg.start[r*g+c]:pg.start[r*g+c+1]] {
				total += b2i(p[0] >= x0) & b2i(p[0] <= x1) & b2i(p[1] >= y0) & b2i(p[1] <= y1)
			}
		}
	}
	return total
}
