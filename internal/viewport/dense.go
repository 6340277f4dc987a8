package viewport

import (
	"context"
	"math"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Dense viewports. A page of the newest features in a bbox needs every
// match in it ordered by time, which the spatial index cannot give without
// visiting them all: at 100,000 contributions a street holds thousands.
// Instead the index entries of each map tile (time, seq and box: 32 bytes
// each, no feature bytes) are read once per procedure version and kept;
// a viewport merges the entries of the few tiles it covers, keeps those
// inside its bbox, and reads only the features of the page by seq. The
// answer is the same as the store's — order, cursor, numberMatched — at
// the cost of the page, not of everything the view holds.

const (
	// tilesAcross is about how many tiles a viewport spans from west to
	// east; it covers at most (tilesAcross+2)² tiles.
	tilesAcross = 2
	// minDenseZoom is the lowest tile zoom answered from tile entries;
	// wider views ask the store (a map asks them with cluster=1).
	minDenseZoom = 14
	// maxDenseZoom is the highest: smaller views share its tiles, so that
	// a street's features are kept once, not once per zoom.
	maxDenseZoom = 17
	// entryBudget bounds the kept tile entries across all procedures.
	entryBudget = 128 << 20
	entrySize   = 32
	// featureBudget bounds the kept Feature bytes across all procedures;
	// tiles with more than maxTileFeatures entries keep those of their
	// newest headFeatures only: a first page newest first takes a view's
	// newest matches, which lie at the head of every covered tile (at
	// 1,000,000 contributions a tile of 18,000 entries gives a page of 100
	// from its first few dozen), while keeping all of them would take
	// 600 MB. Deeper features (later pages, oldest first) are read by seq.
	featureBudget = 96 << 20
	// The tiles' newest indexes and feature bytes are kept across
	// versions too (tileEntries, tileFeatures), each within the budget
	// above: they are mostly the very objects kept for the current
	// version, so mostly no memory of their own (at most doubling both).
)

// maxTileFeatures and headFeatures: see featureBudget (variables so that
// tests can reach the full tiles' path with few entries).
var (
	maxTileFeatures = 4000
	headFeatures    = 512
)

// denseTiles returns the tile zoom and range for a viewport, ok false when
// it is too wide for tile entries.
func denseTiles(b orb.Bound) (z, x0, y0, x1, y1 int, ok bool) {
	z = geo.TileZoom(b, tilesAcross, minDenseZoom, maxDenseZoom)
	if b.Max.Lon()-b.Min.Lon() > 360/float64(int(1)<<z)*(tilesAcross+1) {
		return 0, 0, 0, 0, 0, false
	}
	x0, y0, x1, y1 = geo.TileRange(b, z)
	if (x1-x0+1)*(y1-y0+1) > (tilesAcross+2)*(tilesAcross+2) {
		return 0, 0, 0, 0, 0, false
	}
	return z, x0, y0, x1, y1, true
}

// packedFeatures are a tile's Feature bytes in one buffer: two objects
// for the garbage collector to look at instead of one per feature (at
// 100,000 contributions the kept tiles held 130,000 of them, and marking
// them stretched every collection).
type packedFeatures struct {
	buf  []byte
	end  []uint32     // feature i is buf[end[i-1]:end[i]]; empty: gone since its seq was read
	uses atomic.Int32 // joined answers asked of these features, see tilePieces
	// version is the procedure version the bytes were read at; they may
	// serve later versions too (tileFeatures), and so do their pieces.
	version int64
}

func pack(fs [][]byte) *packedFeatures {
	n := 0
	for _, b := range fs {
		n += len(b)
	}
	pf := &packedFeatures{buf: make([]byte, 0, n), end: make([]uint32, len(fs))}
	for i, b := range fs {
		pf.buf = append(pf.buf, b...)
		pf.end[i] = uint32(len(pf.buf))
	}
	return pf
}

// at returns feature i, nil when it is gone.
func (pf *packedFeatures) at(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = pf.end[i-1]
	}
	if start == pf.end[i] {
		return nil
	}
	return pf.buf[start:pf.end[i]:pf.end[i]]
}

// len is the number of features kept.
func (pf *packedFeatures) len() int { return len(pf.end) }

// size is what a tile's features cost in the cache's budget.
func (pf *packedFeatures) size() int { return 64 + len(pf.buf) + 4*len(pf.end) }

// tileHits walks the entries of one covered tile in answer order.
type tileHits struct {
	x, y   int
	loaded bool // feats asked for
	es     []store.IndexEntry
	feats  *packedFeatures // those of the first entries; the others are read by seq
	pieces *packedFeatures // the pieces of feats, for a joined answer
	asked  bool            // pieces asked for
	asc    bool
	head   int // the next position in answer order not yet taken
}

// pick is an entry of the page: tile t's entry j.
type pick struct{ t, j int }

// scratch is what a dense answer works in, lent from scratches: varied
// viewports each made it anew.
type scratch struct {
	z      int // the tiles' zoom
	tail   []byte
	tiles  []tileHits
	heads  []int
	page   []pick
	feats  [][]byte
	pieces [][]byte // of feats, see piecesOfPage
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// release forgets what the answer referred to (tile entries, feature
// bytes) and lends the scratch again.
func (sc *scratch) release() {
	clear(sc.tiles[:cap(sc.tiles)])
	clear(sc.feats[:cap(sc.feats)])
	clear(sc.pieces[:cap(sc.pieces)])
	if cap(sc.page) <= 4096 && cap(sc.feats) <= 4096 {
		scratches.Put(sc)
	}
}

// at returns the position of the k-th entry in answer order in es.
func (th *tileHits) at(k int) int {
	if th.asc {
		return len(th.es) - 1 - k
	}
	return k
}

// dense answers a viewport-only filter from tile entries, appended to dst;
// ok is false when the viewport is too wide for them.
//
// Counting: an entry overlapping several covered tiles is in each of their
// entries; it is counted once, in the tile whose cell holds the south-west
// corner of where the entry's box meets the view. The cells are the tiles
// cut at their shared edges (west and south edge inside, east and north
// outside), the outer ones reaching out without bound, so each corner lies
// in exactly one cell and the entry is in that tile's entries (its box
// reaches the corner). No set of seen entries is needed.
//
// The page: each tile's entries are in answer order already, so the page is
// a merge of the tiles' entries that overlap the view and come after the
// cursor (found by binary search), walked only as far as the page needs.
//
// With join, gz is the answer's gzip form joined from kept pieces,
// appended to gzDst (nil where the pieces are not there; see joined.go).
func (s *Service) dense(ctx context.Context, p *model.Procedure, f store.Filter, dst []byte, join bool, gzDst []byte) (out, gz []byte, ok bool, err error) {
	sc := scratches.Get().(*scratch)
	defer sc.release()
	feats, total, next, ok, err := s.densePage(ctx, p, f, sc)
	if !ok || err != nil {
		return nil, nil, ok, err
	}
	out = collection(dst, feats, total, next)
	if join {
		gz = s.joinedCollection(p, sc, feats, total, next, gzDst)
	}
	return out, gz, true, nil
}

// densePage is the page of dense: the features (in sc, valid until it is
// released; nil for one gone since its seq was read), how many match and
// the next page's cursor. ok is false for a view too wide for tiles.
func (s *Service) densePage(ctx context.Context, p *model.Procedure, f store.Filter, sc *scratch) (feats [][]byte, total int, cursor string, ok bool, err error) {
	z, x0, y0, x1, y1, ok := denseTiles(*f.BBox)
	if !ok {
		return nil, 0, "", false, nil
	}
	var cv, cseq int64
	if f.Cursor != "" {
		if cv, cseq, err = store.DecodeCursor(f.Cursor); err != nil {
			return nil, 0, "", true, err
		}
	}
	asc := f.Sort == store.SortOldest
	// before reports whether a comes before c in the answer's order.
	before := func(a, c store.IndexEntry) bool {
		if a.Created != c.Created {
			return (a.Created < c.Created) == asc
		}
		return a.Seq != c.Seq && (a.Seq < c.Seq) == asc
	}
	cur := store.IndexEntry{Created: cv, Seq: cseq}
	b := *f.BBox
	minLon, minLat, maxLon, maxLat := b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()
	// overlaps is the index's own test: boxes overlap, edges included.
	overlaps := func(e *store.IndexEntry) bool {
		return float64(e.Box[0]) <= maxLon && float64(e.Box[2]) >= minLon &&
			float64(e.Box[1]) <= maxLat && float64(e.Box[3]) >= minLat
	}
	sc.z = z
	tiles := sc.tiles[:0]
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			ti, err := s.tileEntries(ctx, p, z, x, y)
			if err != nil {
				return nil, 0, "", true, err
			}
			es := ti.es
			// The tile's cell; outer cells reach out without bound.
			tb := geo.TileBound(x, y, z)
			cw, ce, cs, cn := math.Inf(-1), math.Inf(1), math.Inf(-1), math.Inf(1)
			if x > x0 {
				cw = tb.Min.Lon()
			}
			if x < x1 {
				ce = tb.Max.Lon()
			}
			if y < y1 { // rows count southwards
				cs = tb.Min.Lat()
			}
			if y > y0 {
				cn = tb.Max.Lat()
			}
			total += ti.count(minLon, minLat, maxLon, maxLat, cw, ce, cs, cn)
			th := tileHits{x: x, y: y, es: es, asc: asc}
			if f.Cursor != "" {
				th.head = sort.Search(len(es), func(k int) bool { return before(cur, es[th.at(k)]) })
			}
			tiles = append(tiles, th)
		}
	}
	sc.tiles = tiles
	// next returns the position in es of the tile's next hit, -1 when none
	// is left.
	next := func(th *tileHits) int {
		for ; th.head < len(th.es); th.head++ {
			if j := th.at(th.head); overlaps(&th.es[j]) {
				return j
			}
		}
		return -1
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	// Merge the tiles' hits until the page and one more are found.
	page := sc.page[:0]
	heads := sc.heads[:0]
	for t := range tiles {
		heads = append(heads, next(&tiles[t]))
	}
	sc.heads = heads
	lastSeq := int64(-1)
	for len(page) <= limit {
		best := -1
		for t := range tiles {
			if heads[t] >= 0 && (best < 0 || before(tiles[t].es[heads[t]], tiles[best].es[heads[best]])) {
				best = t
			}
		}
		if best < 0 {
			break
		}
		j := heads[best]
		tiles[best].head++
		heads[best] = next(&tiles[best])
		if e := tiles[best].es[j]; e.Seq != lastSeq { // the same entry from another tile comes next to itself
			page = append(page, pick{best, j})
			lastSeq = e.Seq
		}
	}
	sc.page = page
	nextCursor := ""
	if len(page) > limit {
		page = page[:limit]
		last := tiles[page[limit-1].t].es[page[limit-1].j]
		nextCursor = store.EncodeCursor(last.Created, last.Seq)
	}
	// Feature bytes: from the kept tile features, else by seq.
	feats = append(sc.feats[:0], make([][]byte, len(page))...)
	sc.feats = feats
	var missing []int64
	var at []int
	for i, pk := range page {
		th := &tiles[pk.t]
		if !th.loaded {
			if th.feats, err = s.tileFeatures(ctx, p, z, th.x, th.y, th.es); err != nil {
				return nil, 0, "", true, err
			}
			th.loaded = true
		}
		if pk.j < th.feats.len() {
			feats[i] = th.feats.at(pk.j)
			continue
		}
		missing = append(missing, th.es[pk.j].Seq)
		at = append(at, i)
	}
	if len(missing) > 0 {
		got, err := s.store.FeaturesBySeq(ctx, missing)
		if err != nil {
			return nil, 0, "", true, err
		}
		for k, fb := range got {
			feats[at[k]] = fb
		}
	}
	return feats, total, nextCursor, true, nil
}
