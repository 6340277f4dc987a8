package viewport

import (
	"context"
	"strconv"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// The kept tiles: each tile's index (entries) per geo version and its
// feature bytes per version, and the newest of each kept across versions,
// so that a write makes only the tiles it touched, and of those only the
// contributions it changed, be read again.

// tileEntriesKey names the entries of tile z/x/y of p. They are kept per
// geo version, which only writes to the spatial index change (ratings and
// comments do not); it counts from 0 for every procedure, so the name
// holds the procedure's creation too, lest a new procedure given a
// deleted one's id find the deleted one's tiles.
func tileEntriesKey(p *model.Procedure, z, x, y int) cache.Key {
	return cache.Key{Procedure: p.ID, Version: p.GeoVersion, Name: tileName("entries", p, z, x, y)}
}

// tileName names what of kind a cache keeps of tile z/x/y of p.
func tileName(kind string, p *model.Procedure, z, x, y int) string {
	return kind + "|" + strconv.FormatInt(p.CreatedAt.UnixMilli(), 10) + "|" + strconv.Itoa(z) + "/" + strconv.Itoa(x) + "/" + strconv.Itoa(y)
}

// tileEntries returns the index of tile z/x/y: its entries newest first,
// grouped for counting. A tile's index read at an earlier geo version is
// taken again when the store's changes since then do not touch the tile:
// under steady participation every new place is a geo version, and
// reading every tile again after each (a tile at zoom 14 holds thousands
// of entries) took a third of the server's CPU in the soak.
func (s *Service) tileEntries(ctx context.Context, p *model.Procedure, z, x, y int) (*tileIndex, error) {
	k := tileEntriesKey(p, z, x, y)
	return s.entries.Do(ctx, k, func(ctx context.Context) (*tileIndex, error) {
		tb := geo.TileBound(x, y, z)
		lk := k
		lk.Version = 0
		if last, ok := s.latest.Get(lk); ok && last.geo <= p.GeoVersion {
			changed, err := s.store.GeoChangedIn(ctx, p.ID, last.geo, p.GeoVersion, tb)
			if err != nil {
				return nil, err
			}
			if !changed {
				s.latest.Put(lk, tileAt{geo: p.GeoVersion, index: last.index})
				return last.index, nil
			}
		}
		es, err := s.store.ViewportIndex(ctx, p.ID, tb)
		if err != nil {
			return nil, err
		}
		ti := newTileIndex(es, tb)
		if last, ok := s.latest.Get(lk); !ok || last.geo < p.GeoVersion {
			s.latest.Put(lk, tileAt{geo: p.GeoVersion, index: ti})
		}
		return ti, nil
	})
}

// tileAt is a tile's index as read at a geo version: the newest one read
// of each tile, kept across geo versions (entryBudget) for tileEntries.
type tileAt struct {
	geo   int64
	index *tileIndex
}

// tileFeatures returns the Feature bytes of a tile's entries, in their
// order, kept per procedure version: all of them, or the head of a tile
// too full to keep whole. The bytes read at an earlier version are taken
// again when the tile's entries are the same (the same index, see
// tileEntries) and none of them changed since (Store.FeatureChangesSince):
// every rating is a version, and reading all of a street's feature bytes
// again after each took most of a busy map's time.
func (s *Service) tileFeatures(ctx context.Context, p *model.Procedure, z, x, y int, es []store.IndexEntry) (*packedFeatures, error) {
	if len(es) > maxTileFeatures {
		es = es[:headFeatures]
	}
	k := cache.Key{Procedure: p.ID, Version: p.Version, Name: tileName("features", p, z, x, y)}
	return s.feats.Do(ctx, k, func(ctx context.Context) (*packedFeatures, error) {
		lk := k
		lk.Version = 0
		last, had := s.latestFeats.Get(lk)
		var changed []int64
		var mark int64
		known := false
		if had && last.version <= p.Version {
			var err error
			if changed, mark, known, err = s.store.FeatureChangesSince(ctx, p.ID, last.mark, maxFeatureChanges); err != nil {
				return nil, err
			}
			if known && sameEntries(last.es, es) && !anyOf(changed, es) {
				s.latestFeats.Put(lk, featuresAt{version: p.Version, mark: mark, es: es, pf: last.pf})
				return last.pf, nil
			}
		}
		if !known {
			var err error
			if mark, err = s.store.FeatureMark(ctx); err != nil { // before the bytes: a change after it shows next time
				return nil, err
			}
		}
		fs, err := s.bytesOf(ctx, es, last, known, changed)
		if err != nil {
			return nil, err
		}
		pf := pack(fs)
		pf.version = p.Version
		if last, ok := s.latestFeats.Get(lk); !ok || last.version < p.Version {
			s.latestFeats.Put(lk, featuresAt{version: p.Version, mark: mark, es: es, pf: pf})
		}
		return pf, nil
	})
}

// bytesOf returns the Feature bytes of the entries es, in their order:
// with known changes since last was read, those of last's contributions
// that did not change are taken from last, and only the others (new in
// the tile, changed, gone) are read by seq. A new contribution in a tile
// changes its entries, but not the bytes of the thousands beside it.
func (s *Service) bytesOf(ctx context.Context, es []store.IndexEntry, last featuresAt, known bool, changed []int64) ([][]byte, error) {
	fs := make([][]byte, len(es))
	var need []int64
	var at []int
	var was map[int64]int
	if known && last.pf != nil {
		was = make(map[int64]int, len(last.es))
		for j, e := range last.es {
			was[e.Seq] = j
		}
		for _, q := range changed {
			delete(was, q)
		}
	}
	for i, e := range es {
		if j, ok := was[e.Seq]; ok && j < last.pf.len() {
			if b := last.pf.at(j); len(b) > 0 {
				fs[i] = b
				continue
			}
		}
		need, at = append(need, e.Seq), append(at, i)
	}
	if len(need) == 0 {
		return fs, nil
	}
	got, err := s.store.FeaturesBySeq(ctx, need)
	if err != nil {
		return nil, err
	}
	for k, b := range got {
		fs[at[k]] = b
	}
	return fs, nil
}

// maxFeatureChanges is how many changed contributions since a tile's
// bytes were read are looked at; after more, the bytes are read again.
const maxFeatureChanges = 256

// featuresAt is a tile's feature bytes as read at a version, with the
// feature change mark before the reading and the entries they are of: the
// newest read of each tile, kept across versions (featureBudget).
type featuresAt struct {
	version, mark int64
	es            []store.IndexEntry
	pf            *packedFeatures
}

// sameEntries reports whether a and b are the same entries of the same
// tile index (not merely equal ones).
func sameEntries(a, b []store.IndexEntry) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// anyOf reports whether one of seqs is among the entries es: one pass
// over es, the few seqs in a set.
func anyOf(seqs []int64, es []store.IndexEntry) bool {
	if len(seqs) == 0 {
		return false
	}
	set := make(map[int64]struct{}, len(seqs))
	for _, q := range seqs {
		set[q] = struct{}{}
	}
	for i := range es {
		if _, ok := set[es[i].Seq]; ok {
			return true
		}
	}
	return false
}
