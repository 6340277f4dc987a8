package viewport

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/store"
)

// tileIndex is what a viewport keeps of one map tile: its spatial-index
// entries newest first (the page is merged from them) and, for counting
// the matches, the same entries grouped into a grid of buckets by the
// south-west corner of their boxes. A bucket whose boxes all lie inside
// the view (and whose corners all lie in the tile's cell) is counted
// whole, one that none can match is skipped, and only the rest are
// scanned box by box: at 1,000,000 contributions a street's tiles hold
// about 150,000 entries, which a plain scan visited on every request.
type tileIndex struct {
	es      []store.IndexEntry
	bound   orb.Bound
	grid    int
	home    int          // buckets[:home] hold the entries whose corner lies in the tile
	buckets []bucket     // twice level by level (grid, grid/2, …, 1 across), row by row
	boxes   [][4]float32 // the entries' boxes, bucket after bucket, by west edge within one
	// sorted holds each of the four coordinates of the boxes (west, south,
	// east, north), bucket after bucket and ascending within a bucket: a
	// bucket that only one axis of the view cuts (the common case along
	// the view's sides) is then counted by binary search on that axis's
	// coordinates instead of box by box. The west edges are those of boxes
	// in their order, kept apart so that the searches read them packed.
	sorted [4][]float32
	// prefix holds, level by level, the sums of the home buckets' sizes
	// over the rectangles from the grid's south-west corner: (lg+1)²
	// values a level, the first row and column zero. A block of buckets
	// lying inside the view along both axes is counted from four of them.
	prefix []int32
	// levelN counts the boxes of each level (finest first) of the home
	// buckets and of the others: a level without any is not visited.
	// beyond marks the levels where a home box's corner lay on or past
	// the tile's east (x) or north edge and was put into the last column
	// or row, which then cannot be counted whole.
	levelN [2][maxLevels]int32
	beyond [maxLevels][2]bool
}

// maxLevels is the number of grid levels at most (32 buckets across down
// to one, see gridFor).
const maxLevels = 6

// bucket is one cell of a tile's grid: which boxes it holds and bounds on
// them, in the index's 32-bit floats.
type bucket struct {
	start, n int32
	// the union of the boxes, the largest west and south edge (the
	// corners furthest north-east) and the smallest east and north edge
	minX, minY, maxX, maxY, cornerX, cornerY, lowX, lowY float32
}

// gridFor is the number of buckets across a tile of n entries: about 16
// entries a bucket, between 4 and 32 across.
func gridFor(n int) int {
	g := int(math.Sqrt(float64(n) / 16))
	return min(max(g, 4), 32)
}

// newTileIndex groups es (the entries of the tile with bounds tb, whose
// boxes meet it, as the spatial index gives them) into buckets. The grid has levels, from gridFor(len(es)) buckets across down
// to one, each half as fine as the one before; an entry goes into the
// finest level whose buckets are at least as large as its box, in the
// bucket of its south-west corner (a loose grid: a bucket's boxes reach at
// most one bucket further), so that a line does not widen the bounds of a
// bucket of points, nor climb to the coarsest level for crossing a line of
// the grid. Entries reaching in from the west or south (their corner in
// another tile) have buckets of their own: they can be counted here only
// where the view begins inside this tile.
func newTileIndex(es []store.IndexEntry, tb orb.Bound) *tileIndex {
	g := gridFor(len(es))
	n := 0
	for lg := g; lg >= 1; lg /= 2 {
		n += lg * lg
	}
	ti := &tileIndex{es: es, bound: tb, grid: g, home: n, buckets: make([]bucket, 2*n), boxes: make([][4]float32, len(es))}
	w, h := tb.Max.Lon()-tb.Min.Lon(), tb.Max.Lat()-tb.Min.Lat()
	// the bucket of a corner, those outside the tile in the nearest one
	cell := func(v float64, x bool, lg int) int { return min(max(ti.cell(v, x, lg), 0), lg-1) }
	of := make([]int32, len(es))
	for i := range es {
		b := &es[i].Box
		first := 0
		if float64(b[0]) < tb.Min.Lon() || float64(b[1]) < tb.Min.Lat() {
			first = n
		}
		set := first / n
		for lg, li := g, 0; ; lg, li = lg/2, li+1 {
			if (float64(b[2]-b[0]) <= w/float64(lg) && float64(b[3]-b[1]) <= h/float64(lg)) || lg == 1 {
				x, y := cell(float64(b[0]), true, lg), cell(float64(b[1]), false, lg)
				of[i] = int32(first + y*lg + x)
				ti.levelN[set][li]++
				if set == 0 {
					ti.beyond[li][0] = ti.beyond[li][0] || ti.cell(float64(b[0]), true, lg) >= lg
					ti.beyond[li][1] = ti.beyond[li][1] || ti.cell(float64(b[1]), false, lg) >= lg
				}
				break
			}
			first += lg * lg
		}
		bk := &ti.buckets[of[i]]
		if bk.n == 0 {
			bk.minX, bk.minY, bk.maxX, bk.maxY, bk.cornerX, bk.cornerY, bk.lowX, bk.lowY = b[0], b[1], b[2], b[3], b[0], b[1], b[2], b[3]
		} else {
			bk.minX, bk.minY = min(bk.minX, b[0]), min(bk.minY, b[1])
			bk.maxX, bk.maxY = max(bk.maxX, b[2]), max(bk.maxY, b[3])
			bk.cornerX, bk.cornerY = max(bk.cornerX, b[0]), max(bk.cornerY, b[1])
			bk.lowX, bk.lowY = min(bk.lowX, b[2]), min(bk.lowY, b[3])
		}
		bk.n++
	}
	next := make([]int32, len(ti.buckets))
	var at int32
	for k := range ti.buckets {
		ti.buckets[k].start, next[k] = at, at
		at += ti.buckets[k].n
	}
	for i := range es {
		ti.boxes[next[of[i]]] = es[i].Box
		next[of[i]]++
	}
	for _, bk := range ti.buckets {
		slices.SortFunc(ti.boxes[bk.start:bk.start+bk.n], func(a, b [4]float32) int { return cmp.Compare(a[0], b[0]) })
	}
	for c := range ti.sorted {
		v := make([]float32, len(ti.boxes))
		for i, b := range ti.boxes {
			v[i] = b[c]
		}
		if c > 0 { // the west edges are in order already, as the boxes are
			for _, bk := range ti.buckets {
				slices.Sort(v[bk.start : bk.start+bk.n])
			}
		}
		ti.sorted[c] = v
	}
	ti.prefix = make([]int32, 0, prefixLen(g))
	first := 0
	for lg := g; lg >= 1; lg /= 2 {
		at := len(ti.prefix)
		ti.prefix = append(ti.prefix, make([]int32, (lg+1)*(lg+1))...)
		p := ti.prefix[at:]
		for r := 0; r < lg; r++ {
			for c := 0; c < lg; c++ {
				p[(r+1)*(lg+1)+c+1] = ti.buckets[first+r*lg+c].n + p[r*(lg+1)+c+1] + p[(r+1)*(lg+1)+c] - p[r*(lg+1)+c]
			}
		}
		first += lg * lg
	}
	return ti
}

// prefixLen is the length of prefix for a grid of g buckets across.
func prefixLen(g int) int {
	n := 0
	for lg := g; lg >= 1; lg /= 2 {
		n += (lg + 1) * (lg + 1)
	}
	return n
}

// size is what a tile index costs in the cache's budget.
func (ti *tileIndex) size() int {
	return 120 + len(ti.es)*entrySize + len(ti.boxes)*32 + len(ti.buckets)*40 + len(ti.prefix)*4
}

// count returns how many entries overlap the view [minX,maxX]×[minY,maxY]
// (edges included, the index's own test) with the south-west corner of
// where they meet the view in the cell [cw,ce)×[cs,cn).
func (ti *tileIndex) count(minX, minY, maxX, maxY, cw, ce, cs, cn float64) int {
	sets := 2
	if minX < cw && minY < cs && cw >= ti.bound.Min.Lon() && cs >= ti.bound.Min.Lat() {
		// The view begins west and south of the cell, which begins in the
		// tile, so an entry whose corner lies west or south of the tile
		// has the corner where it meets the view there too: none of them
		// counts here.
		sets = 1
	}
	l, ok := limitsOf(minX, minY, maxX, maxY, cw, ce, cs, cn)
	if !ok {
		return 0
	}
	// The home buckets strictly between those of the view's (or cell's)
	// edges hold only boxes whose corner lies inside both: a box's bucket
	// is the floor of a monotone function of its corner, so a bucket
	// beyond that of an edge holds corners beyond the edge. Those buckets
	// are counted whole from the prefix sums. The last column (row) is
	// among them only where no corner past the tile's edge was put into
	// it; no home corner lies west or south of the tile.
	inW, inE, inS, inN := max(minX, cw), min(maxX, ce), max(minY, cs), min(maxY, cn)
	total := 0
	for set := 0; set < sets; set++ {
		first := set * ti.home
		pfx := 0
		for lg, li := ti.grid, 0; lg >= 1; lg, li = lg/2, li+1 {
			if ti.levelN[set][li] == 0 {
				first += lg * lg
				pfx += (lg + 1) * (lg + 1)
				continue
			}
			// Only the buckets near the view: a bucket's boxes begin in it
			// and reach at most one bucket further east and north (one
			// more on each side for rounding).
			c0, c1 := max(ti.cell(minX, true, lg)-2, 0), min(ti.cell(maxX, true, lg)+1, lg-1)
			r0, r1 := max(ti.cell(minY, false, lg)-2, 0), min(ti.cell(maxY, false, lg)+1, lg-1)
			// The inner block, empty where it has no column or row.
			ic0, ic1 := max(ti.cell(inW, true, lg)+1, 0), min(ti.cell(inE, true, lg), lg)-1
			ir0, ir1 := max(ti.cell(inS, false, lg)+1, 0), min(ti.cell(inN, false, lg), lg)-1
			if ti.beyond[li][0] {
				ic1 = min(ic1, lg-2)
			}
			if ti.beyond[li][1] {
				ir1 = min(ir1, lg-2)
			}
			inner := set == 0 && ic0 <= ic1 && ir0 <= ir1
			if inner {
				p, w := ti.prefix[pfx:], lg+1
				total += int(p[(ir1+1)*w+ic1+1] - p[ir0*w+ic1+1] - p[(ir1+1)*w+ic0] + p[ir0*w+ic0])
			}
			for r := r0; r <= r1; r++ {
				row := ti.buckets[first+r*lg : first+(r+1)*lg]
				if inner && r >= ir0 && r <= ir1 {
					for c := c0; c < ic0; c++ {
						total += ti.countBucket(&row[c], &l)
					}
					for c := ic1 + 1; c <= c1; c++ {
						total += ti.countBucket(&row[c], &l)
					}
					continue
				}
				last := c1
				if set == 1 && r > 0 {
					// Boxes with their corner west or south of the tile
					// are in its first row or column.
					last = min(c1, 0)
				}
				for c := c0; c <= last; c++ {
					total += ti.countBucket(&row[c], &l)
				}
			}
			first += lg * lg
			pfx += (lg + 1) * (lg + 1)
		}
	}
	return total
}

// cell is the column (x) or row of v in a grid of lg buckets across the
// tile, unclamped.
func (ti *tileIndex) cell(v float64, x bool, lg int) int {
	lo, hi := ti.bound.Min.Lat(), ti.bound.Max.Lat()
	if x {
		lo, hi = ti.bound.Min.Lon(), ti.bound.Max.Lon()
	}
	return int(math.Floor((v - lo) / (hi - lo) * float64(lg)))
}

// limits are the tests of count on a box's four coordinates, in the
// index's 32-bit floats: its west edge in [x0lo, x0hi] (not east of the
// view, and the corner where it meets the view, max(west edge, view's
// west edge), in the cell), its east edge at least x1lo (not west of the
// view), and the same north–south. Each bound is the float32 nearest the
// float64 test that decides every float32 the same way, so the tests are
// exact. sorted is whether passingAxis may count along an axis (the view
// not inverted on it), sub which boxes it takes out (see there).
type limits struct {
	x0lo, x0hi, x1lo, y0lo, y0hi, y1lo float32
	sortedX, sortedY, subX, subY       bool
}

// limitsOf makes the limits of a view [minX,maxX]×[minY,maxY] and a cell
// [cw,ce)×[cs,cn); ok is false when no box can pass (the view begins at
// or beyond the cell's east or north end).
func limitsOf(minX, minY, maxX, maxY, cw, ce, cs, cn float64) (l limits, ok bool) {
	axis := func(lo, hi, c0, c1 float64) (v0lo, v0hi, v1lo float32, sorted, sub bool) {
		// max(v, lo) >= c0 holds for every v when lo >= c0, else for v >= c0;
		// max(v, lo) < c1 holds for v < c1 (lo < c1 is checked below).
		v0lo = float32(math.Inf(-1))
		if lo < c0 {
			v0lo = atLeast32(c0)
		}
		return v0lo, min(atMost32(hi), below32(c1)), atLeast32(lo), lo <= hi, lo >= c0
	}
	l.x0lo, l.x0hi, l.x1lo, l.sortedX, l.subX = axis(minX, maxX, cw, ce)
	l.y0lo, l.y0hi, l.y1lo, l.sortedY, l.subY = axis(minY, maxY, cs, cn)
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

// countBucket is count for the boxes of one bucket. The bucket's ranges of
// the four coordinates decide the tests for all its boxes or for none, and
// when those of one axis alone stay open, the sorted coordinates of that
// axis give the count (passingAxis); only buckets open along both axes are
// tested box by box.
func (ti *tileIndex) countBucket(bk *bucket, l *limits) int {
	if bk.n == 0 ||
		// no box meets the view or has its corner in the cell
		bk.cornerX < l.x0lo || bk.minX > l.x0hi || bk.maxX < l.x1lo ||
		bk.cornerY < l.y0lo || bk.minY > l.y0hi || bk.maxY < l.y1lo {
		return 0
	}
	// whether every box passes along each axis
	allX := bk.minX >= l.x0lo && bk.cornerX <= l.x0hi && bk.lowX >= l.x1lo
	allY := bk.minY >= l.y0lo && bk.cornerY <= l.y0hi && bk.lowY >= l.y1lo
	start, end := bk.start, bk.start+bk.n
	switch {
	case allX && allY:
		return int(bk.n)
	case allY && l.sortedX:
		return passingAxis(ti.sorted[0][start:end], ti.sorted[2][start:end], l.x0lo, l.x0hi, l.x1lo, l.subX)
	case allX && l.sortedY:
		return passingAxis(ti.sorted[1][start:end], ti.sorted[3][start:end], l.y0lo, l.y0hi, l.y1lo, l.subY)
	}
	// The boxes are in the order of their west edges: those whose west
	// edge passes are one run, and only they are tested.
	x0 := ti.sorted[0][start:end]
	i, j := firstAtLeast(x0, l.x0lo), firstAbove(x0, l.x0hi)
	total := 0
	for _, b := range ti.boxes[start+int32(i) : start+int32(max(i, j))] {
		// Without branches: which way each box goes is a coin toss along
		// the view's edges, and mispredicted branches cost more than the
		// tests.
		total += b2i(b[2] >= l.x1lo) & b2i(b[1] >= l.y0lo) & b2i(b[1] <= l.y0hi) & b2i(b[3] >= l.y1lo)
	}
	return total
}

// passingAxis counts the boxes of a bucket that pass along one axis, given
// their west edges v0 and east edges v1 (each ascending) and the limits on
// that axis. Boxes whose west edge lies in [lo, hi] are one run of v0; of
// them, those ending before the view begins (east edge below v1lo) are
// taken out. When the view begins in the cell (sub), those are all boxes
// ending before it: their west edge lies west of the view too, so it
// passes (the view must not be inverted). Otherwise such a box's corner lies west of the
// cell and its west edge failed already.
func passingAxis(v0, v1 []float32, lo, hi, v1lo float32, sub bool) int {
	n := firstAbove(v0, hi) - firstAtLeast(v0, lo)
	if sub {
		n -= firstAtLeast(v1, v1lo)
	}
	return max(n, 0)
}

// firstAtLeast is the index of the first value of v (ascending) not below
// t, firstAbove of the first above t.
func firstAtLeast(v []float32, t float32) int {
	lo, hi := 0, len(v)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v[m] < t {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

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

// b2i is 1 for true, 0 for false (compiled without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
