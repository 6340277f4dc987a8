package viewport

import (
	"context"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/cache"
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
	// tiles with more than maxTileFeatures entries keep none (their page
	// is read by seq).
	featureBudget   = 96 << 20
	maxTileFeatures = 4000
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

func tileEntriesKey(z, x, y int) string {
	return "entries|" + strconv.Itoa(z) + "/" + strconv.Itoa(x) + "/" + strconv.Itoa(y)
}

// tileEntries returns the index entries of tile z/x/y, newest first.
func (s *Service) tileEntries(ctx context.Context, p *model.Procedure, z, x, y int) ([]store.IndexEntry, error) {
	k := cache.Key{Procedure: p.ID, Version: p.Version, Name: tileEntriesKey(z, x, y)}
	return s.entries.Do(ctx, k, func(ctx context.Context) ([]store.IndexEntry, error) {
		return s.store.ViewportIndex(ctx, p.ID, geo.TileBound(x, y, z))
	})
}

// tileFeatures returns the Feature bytes of a tile's entries, in their
// order, kept per procedure version; nil for tiles too full to keep.
func (s *Service) tileFeatures(ctx context.Context, p *model.Procedure, z, x, y int, es []store.IndexEntry) ([][]byte, error) {
	if len(es) > maxTileFeatures {
		return nil, nil
	}
	k := cache.Key{Procedure: p.ID, Version: p.Version, Name: "features|" + strconv.Itoa(z) + "/" + strconv.Itoa(x) + "/" + strconv.Itoa(y)}
	return s.feats.Do(ctx, k, func(ctx context.Context) ([][]byte, error) {
		seqs := make([]int64, len(es))
		for i, e := range es {
			seqs[i] = e.Seq
		}
		return s.store.FeaturesBySeq(ctx, seqs)
	})
}

// tileHits are the entries of one covered tile inside the viewport, in
// answer order, as indexes into the tile's entries.
type tileHits struct {
	x, y   int
	loaded bool // feats asked for
	es     []store.IndexEntry
	feats  [][]byte // nil: read the page's features by seq
	idx    []int
}

// dense answers a viewport-only filter from tile entries; ok is false when
// the viewport is too wide for them.
func (s *Service) dense(ctx context.Context, p *model.Procedure, f store.Filter) (out []byte, ok bool, err error) {
	z, x0, y0, x1, y1, ok := denseTiles(*f.BBox)
	if !ok {
		return nil, false, nil
	}
	var cv, cseq int64
	if f.Cursor != "" {
		if cv, cseq, err = store.DecodeCursor(f.Cursor); err != nil {
			return nil, true, err
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
	total := 0
	var spanning map[int64]bool // entries touching a tile's edge may come from several tiles
	var tiles []tileHits
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			es, err := s.tileEntries(ctx, p, z, x, y)
			if err != nil {
				return nil, true, err
			}
			tb := geo.TileBound(x, y, z)
			th := tileHits{x: x, y: y, es: es}
			for j := range es {
				if asc {
					j = len(es) - 1 - j
				}
				e := es[j]
				// The index's own test: boxes overlap, edges included.
				if !(float64(e.Box[0]) <= b.Max.Lon() && float64(e.Box[2]) >= b.Min.Lon() &&
					float64(e.Box[1]) <= b.Max.Lat() && float64(e.Box[3]) >= b.Min.Lat()) {
					continue
				}
				if float64(e.Box[0]) > tb.Min.Lon() && float64(e.Box[2]) < tb.Max.Lon() &&
					float64(e.Box[1]) > tb.Min.Lat() && float64(e.Box[3]) < tb.Max.Lat() {
					total++ // strictly inside this tile: in no other tile's entries
				} else {
					if spanning == nil {
						spanning = map[int64]bool{}
					}
					spanning[e.Seq] = true
				}
				if f.Cursor == "" || before(cur, e) {
					th.idx = append(th.idx, j)
				}
			}
			if len(th.idx) > 0 {
				tiles = append(tiles, th)
			}
		}
	}
	total += len(spanning)
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	// Merge the tiles' hits until the page and one more are found.
	type pick struct{ t, j int }
	var page []pick
	heads := make([]int, len(tiles))
	lastSeq := int64(-1)
	for len(page) <= limit {
		best := -1
		for t := range tiles {
			if heads[t] < len(tiles[t].idx) && (best < 0 ||
				before(tiles[t].es[tiles[t].idx[heads[t]]], tiles[best].es[tiles[best].idx[heads[best]]])) {
				best = t
			}
		}
		if best < 0 {
			break
		}
		j := tiles[best].idx[heads[best]]
		heads[best]++
		if e := tiles[best].es[j]; e.Seq != lastSeq { // the same entry from another tile comes next to itself
			page = append(page, pick{best, j})
			lastSeq = e.Seq
		}
	}
	next := ""
	if len(page) > limit {
		page = page[:limit]
		last := tiles[page[limit-1].t].es[page[limit-1].j]
		next = store.EncodeCursor(last.Created, last.Seq)
	}
	// Feature bytes: from the kept tile features, else by seq.
	feats := make([][]byte, len(page))
	var missing []int64
	var at []int
	for i, pk := range page {
		th := &tiles[pk.t]
		if !th.loaded {
			if th.feats, err = s.tileFeatures(ctx, p, z, th.x, th.y, th.es); err != nil {
				return nil, true, err
			}
			th.loaded = true
		}
		if th.feats != nil {
			feats[i] = th.feats[pk.j]
			continue
		}
		missing = append(missing, th.es[pk.j].Seq)
		at = append(at, i)
	}
	if len(missing) > 0 {
		got, err := s.store.FeaturesBySeq(ctx, missing)
		if err != nil {
			return nil, true, err
		}
		for k, fb := range got {
			feats[at[k]] = fb
		}
	}
	return collection(feats, total, next), true, nil
}
