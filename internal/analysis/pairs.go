package analysis

import (
	"container/heap"
	"math"
	"sort"

	"github.com/paulmach/orb/geo"
)

// The search for near-duplicate pairs (see Duplicates).
//
//   - Texts with the same words (the same set of shingles) are one class:
//     every pair of a class scores 1, so its texts are compared by place
//     only, never by text. Residents who copy a text, and generated texts
//     made of a few phrases, give large classes.
//   - A class's texts are grouped by their cell in a grid of
//     DuplicateDistance (texts without a place in a cell of their own): a
//     spot. Two texts within DuplicateDistance lie in the same or
//     neighbouring cells.
//   - The pairs are kept in a bounded heap of the MaxPairs best (most
//     similar, then nearest, then by ids): once it is full, a candidate that
//     cannot beat its worst pair is not looked at further. The pairs within
//     classes (score 1) come first, so in a crowd of identical texts the
//     heap is full of them before any two different texts are compared.
//   - Different classes are compared through MinHash (bands × rows) over
//     the classes' spots that agree in one band and lie in the same or
//     neighbouring cells, each pair of classes only in the first band their
//     signatures share. Before the Jaccard is counted, the sizes of the two
//     classes bound it (differentBound): two different sets of m and n
//     shingles score at most min(m, n)/max(m, n) and at most
//     1 - 1/(m+n). So when the heap is full of pairs scoring 1, different
//     short texts are not compared at all.

// candidate is a pair found: texts i (the older) and j, score and distance
// rounded as in Pair.
type candidate struct {
	i, j  int32
	score float64
	dist  float64
}

// pairHeap keeps the best MaxPairs candidates; its top is the worst.
type pairHeap struct {
	c     []candidate
	texts []dupText
}

// better orders candidates: the most similar, then the nearest, then by the
// ids of the older and the younger text.
func (h *pairHeap) better(a, b *candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.dist != b.dist {
		return a.dist < b.dist
	}
	if ai, bi := h.texts[a.i].id, h.texts[b.i].id; ai != bi {
		return ai < bi
	}
	return h.texts[a.j].id < h.texts[b.j].id
}

func (h *pairHeap) Len() int           { return len(h.c) }
func (h *pairHeap) Less(i, j int) bool { return h.better(&h.c[j], &h.c[i]) }
func (h *pairHeap) Swap(i, j int)      { h.c[i], h.c[j] = h.c[j], h.c[i] }
func (h *pairHeap) Push(x any)         { h.c = append(h.c, x.(candidate)) }
func (h *pairHeap) Pop() any {
	x := h.c[len(h.c)-1]
	h.c = h.c[:len(h.c)-1]
	return x
}

func (h *pairHeap) full() bool { return len(h.c) >= MaxPairs }

// hopeless tells whether no pair scoring at most score can enter.
func (h *pairHeap) hopeless(score float64) bool { return h.full() && score < h.c[0].score }

// offer keeps c if it is among the best.
func (h *pairHeap) offer(c candidate) {
	if !h.full() {
		heap.Push(h, c)
		return
	}
	if h.better(&c, &h.c[0]) {
		h.c[0] = c
		heap.Fix(h, 0)
	}
}

// pair offers texts i and j of the given (rounded) score when they are
// close enough.
func (h *pairHeap) pair(i, j int32, score float64) {
	a, b := &h.texts[i], &h.texts[j]
	if b.created.Before(a.created) || !a.created.Before(b.created) && j < i {
		i, j, a, b = j, i, b, a
	}
	if a.placed != b.placed {
		return
	}
	d := -1.0
	if a.placed {
		if d = geo.Distance(a.centre, b.centre); d > DuplicateDistance {
			return
		}
		d = math.Round(d)
	}
	h.offer(candidate{i: i, j: j, score: score, dist: d})
}

// sorted returns the kept pairs, the best first.
func (h *pairHeap) sorted() []Pair {
	sort.Slice(h.c, func(a, b int) bool { return h.better(&h.c[a], &h.c[b]) })
	out := make([]Pair, len(h.c))
	for k, c := range h.c {
		a, b := &h.texts[c.i], &h.texts[c.j]
		out[k] = Pair{A: a.id, B: b.id, ATitle: a.title, BTitle: b.title, Distance: c.dist, Score: c.score}
	}
	return out
}

// spot is the texts of one class in one cell.
type spot struct {
	class   int32
	cell    dupCell
	members []int32 // at most maxSpot, in the order read
}

// maxSpot bounds the texts of one spot that are compared: identical texts
// cost a distance each, not a comparison of words, so a crowd of them is
// compared as a whole up to this size (some 2 million pairs).
const maxSpot = 2000

// dupClass is the texts with one set of shingles.
type dupClass struct {
	shingles []uint64
	spots    []int32 // its spots, ordered by cell
}

// findPairs returns the pairs of texts that are similar (DuplicateScore)
// and close enough (DuplicateDistance), the MaxPairs best.
func findPairs(texts []dupText) []Pair {
	classes, classOf := dupClasses(texts)
	cells := dupCells(texts)
	spots := dupSpots(classes, classOf, cells)
	h := &pairHeap{texts: texts}

	// The pairs within classes: the same words, so a score of 1.
	for c := range classes {
		cs := classes[c].spots
		for x, si := range cs {
			s := &spots[si]
			for a := 0; a < len(s.members); a++ {
				for b := a + 1; b < len(s.members); b++ {
					h.pair(s.members[a], s.members[b], 1)
				}
			}
			if !s.cell.placed {
				continue
			}
			// The neighbouring cells after this one: the class's spots are
			// ordered by cell, so they follow it.
			for _, sj := range cs[x+1:] {
				o := &spots[sj]
				if o.cell.x > s.cell.x+1 {
					break
				}
				if !neighbours(s.cell, o.cell) {
					continue
				}
				for _, i := range s.members {
					for _, j := range o.members {
						h.pair(i, j, 1)
					}
				}
			}
		}
	}
	if len(classes) < 2 || h.hopeless(bestDifferent(classes)) {
		return h.sorted()
	}

	// The pairs of different classes, through MinHash over the spots.
	sigs := make([][bands * rows]uint64, len(classes))
	for c := range classes {
		sigs[c] = minhash(classes[c].shingles)
	}
	compare := func(b int, s, o *spot) {
		if s.class == o.class { // its own class's spot in a neighbouring cell: done above
			return
		}
		ca, cb := &classes[s.class], &classes[o.class]
		if h.hopeless(differentBound(len(ca.shingles), len(cb.shingles))) || firstBand(&sigs[s.class], &sigs[o.class]) != b {
			return
		}
		j := jaccard(ca.shingles, cb.shingles)
		if j < DuplicateScore {
			return
		}
		score := math.Round(j*100) / 100
		if h.hopeless(score) {
			return
		}
		for _, x := range s.members {
			for _, y := range o.members {
				h.pair(x, y, score)
			}
		}
	}
	buckets := map[dupKey][]int32{}
	for b := 0; b < bands; b++ {
		clear(buckets)
		for si := range spots {
			k := dupKey{cell: spots[si].cell}
			copy(k.sig[:], sigs[spots[si].class][b*rows:(b+1)*rows])
			buckets[k] = append(buckets[k], int32(si))
		}
		for k, members := range buckets {
			members = members[:min(len(members), maxBucket)]
			for x := 0; x < len(members); x++ {
				for y := x + 1; y < len(members); y++ {
					compare(b, &spots[members[x]], &spots[members[y]])
				}
			}
			if !k.cell.placed {
				continue
			}
			for _, d := range [4][2]int32{{1, -1}, {1, 0}, {1, 1}, {0, 1}} {
				nk := k
				nk.cell.x, nk.cell.y = k.cell.x+d[0], k.cell.y+d[1]
				others := buckets[nk]
				others = others[:min(len(others), maxBucket)]
				for _, i := range members {
					for _, j := range others {
						compare(b, &spots[i], &spots[j])
					}
				}
			}
		}
	}
	return h.sorted()
}

// neighbours tells whether two placed cells touch (or are one).
func neighbours(a, b dupCell) bool {
	return a.x-b.x <= 1 && b.x-a.x <= 1 && a.y-b.y <= 1 && b.y-a.y <= 1
}

// differentBound is the highest score two different sets of m and n
// shingles can have: they share at most min(m, n) of at least max(m, n)
// shingles, and, being different, at most all but one of their union
// (at most m+n).
func differentBound(m, n int) float64 {
	j := min(float64(min(m, n))/float64(max(m, n)), 1-1/float64(m+n))
	return math.Round(j*100) / 100
}

// bestDifferent is the highest score any two different classes can have.
func bestDifferent(classes []dupClass) float64 {
	a, b := 0, 0 // the two largest sizes
	for c := range classes {
		n := len(classes[c].shingles)
		if n > a {
			a, b = n, a
		} else if n > b {
			b = n
		}
	}
	return math.Round((1-1/float64(a+b))*100) / 100
}

// dupClasses groups the texts by their set of shingles; classOf is each
// text's class.
func dupClasses(texts []dupText) ([]dupClass, []int32) {
	var classes []dupClass
	classOf := make([]int32, len(texts))
	byHash := make(map[uint64]int32, len(texts)/4)
	for i := range texts {
		sh := texts[i].shingles
		h := uint64(len(sh))
		for _, x := range sh {
			h = mix(h ^ x)
		}
		for {
			c, ok := byHash[h]
			if !ok {
				c = int32(len(classes))
				classes = append(classes, dupClass{shingles: sh})
				byHash[h] = c
			} else if !equalShingles(classes[c].shingles, sh) {
				h++ // another set with the same hash: probe on
				continue
			}
			classOf[i] = c
			break
		}
	}
	return classes, classOf
}

func equalShingles(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// dupSpots groups each class's texts by cell, keeping the first maxSpot
// texts of a spot, and lists each class's spots in the order of their cells.
func dupSpots(classes []dupClass, classOf []int32, cells []dupCell) []spot {
	order := make([]int32, len(classOf))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if classOf[i] != classOf[j] {
			return classOf[i] < classOf[j]
		}
		if ci, cj := cells[i], cells[j]; ci != cj {
			return cellLess(ci, cj)
		}
		return i < j
	})
	var spots []spot
	for _, i := range order {
		c := classOf[i]
		if n := len(spots); n > 0 && spots[n-1].class == c && spots[n-1].cell == cells[i] {
			if len(spots[n-1].members) < maxSpot {
				spots[n-1].members = append(spots[n-1].members, i)
			}
			continue
		}
		classes[c].spots = append(classes[c].spots, int32(len(spots)))
		spots = append(spots, spot{class: c, cell: cells[i], members: []int32{i}})
	}
	return spots
}

// cellLess orders cells: the unplaced first, then by x, then by y.
func cellLess(a, b dupCell) bool {
	if a.placed != b.placed {
		return !a.placed
	}
	if a.x != b.x {
		return a.x < b.x
	}
	return a.y < b.y
}
