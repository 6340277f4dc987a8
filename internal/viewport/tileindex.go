package viewport

import (
	"math"

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
	boxes   [][4]float32 // the entries' boxes, bucket after bucket
}

// bucket is one cell of a tile's grid: which boxes it holds and bounds on
// them, in the index's 32-bit floats.
type bucket struct {
	start, n int32
	// the union of the boxes, and the largest west and south edge (the
	// corners furthest north-east)
	minX, minY, maxX, maxY, cornerX, cornerY float32
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
		for lg := g; ; lg /= 2 {
			if (float64(b[2]-b[0]) <= w/float64(lg) && float64(b[3]-b[1]) <= h/float64(lg)) || lg == 1 {
				x, y := cell(float64(b[0]), true, lg), cell(float64(b[1]), false, lg)
				of[i] = int32(first + y*lg + x)
				break
			}
			first += lg * lg
		}
		bk := &ti.buckets[of[i]]
		if bk.n == 0 {
			bk.minX, bk.minY, bk.maxX, bk.maxY, bk.cornerX, bk.cornerY = b[0], b[1], b[2], b[3], b[0], b[1]
		} else {
			bk.minX, bk.minY = min(bk.minX, b[0]), min(bk.minY, b[1])
			bk.maxX, bk.maxY = max(bk.maxX, b[2]), max(bk.maxY, b[3])
			bk.cornerX, bk.cornerY = max(bk.cornerX, b[0]), max(bk.cornerY, b[1])
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
	return ti
}

// size is what a tile index costs in the cache's budget.
func (ti *tileIndex) size() int {
	return 96 + len(ti.es)*entrySize + len(ti.boxes)*16 + len(ti.buckets)*32
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
	total := 0
	for set := 0; set < sets; set++ {
		first := set * ti.home
		for lg := ti.grid; lg >= 1; lg /= 2 {
			// Only the buckets near the view: a bucket's boxes begin in it
			// and reach at most one bucket further east and north (one
			// more on each side for rounding).
			c0, c1 := ti.cell(minX, true, lg)-2, ti.cell(maxX, true, lg)+1
			r0, r1 := ti.cell(minY, false, lg)-2, ti.cell(maxY, false, lg)+1
			for r := max(r0, 0); r <= min(r1, lg-1); r++ {
				row := ti.buckets[first+r*lg : first+(r+1)*lg]
				for c := max(c0, 0); c <= min(c1, lg-1); c++ {
					total += ti.countBucket(&row[c], minX, minY, maxX, maxY, cw, ce, cs, cn)
				}
			}
			first += lg * lg
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

// countBucket is count for the boxes of one bucket.
func (ti *tileIndex) countBucket(bk *bucket, minX, minY, maxX, maxY, cw, ce, cs, cn float64) int {
	if bk.n == 0 ||
		// no box meets the view
		float64(bk.minX) > maxX || float64(bk.maxX) < minX || float64(bk.minY) > maxY || float64(bk.maxY) < minY ||
		// no corner can lie in the cell
		max(float64(bk.cornerX), minX) < cw || max(float64(bk.minX), minX) >= ce ||
		max(float64(bk.cornerY), minY) < cs || max(float64(bk.minY), minY) >= cn {
		return 0
	}
	if float64(bk.minX) >= minX && float64(bk.maxX) <= maxX && float64(bk.minY) >= minY && float64(bk.maxY) <= maxY &&
		float64(bk.minX) >= cw && float64(bk.cornerX) < ce && float64(bk.minY) >= cs && float64(bk.cornerY) < cn {
		// every box inside the view, so the corner is the box's own
		return int(bk.n)
	}
	total := 0
	for _, b := range ti.boxes[bk.start : bk.start+bk.n] {
		// Without branches: which way each box goes is a coin toss along
		// the view's edges, and mispredicted branches cost more than the
		// tests.
		x0, y0 := float64(b[0]), float64(b[1])
		cx, cy := max(x0, minX), max(y0, minY)
		total += b2i(x0 <= maxX) & b2i(float64(b[2]) >= minX) & b2i(y0 <= maxY) & b2i(float64(b[3]) >= minY) &
			b2i(cx >= cw) & b2i(cx < ce) & b2i(cy >= cs) & b2i(cy < cn)
	}
	return total
}

// b2i is 1 for true, 0 for false (compiled without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
