// Package viewport answers the map's question: the contributions of a
// procedure inside a bounding box, as a GeoJSON FeatureCollection of
// features or, where a view holds too many, of grid clusters. It owns the
// cache of rendered answers, kept per procedure version.
package viewport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what the viewports need of the store.
type Store interface {
	// Features returns the ready Feature bytes matching f, the next page's
	// cursor and, on a first page, the number of matches (-1: unknown).
	Features(ctx context.Context, f store.Filter) ([][]byte, string, int, error)
	// TileClusters returns the kept tile counts at zoom z overlapping b.
	TileClusters(ctx context.Context, procedureID int64, b orb.Bound, z int) ([]store.Cluster, int, error)
	// Clusters groups the matches of f into grid cells.
	Clusters(ctx context.Context, f store.Filter, cellLon, cellLat float64) ([]store.Cluster, error)
	// ViewportIndex returns the spatial index entries of the published
	// contributions of a procedure overlapping b, newest first.
	ViewportIndex(ctx context.Context, procedureID int64, b orb.Bound) ([]store.IndexEntry, error)
	// FeaturesBySeq returns the Feature bytes of the contributions seqs.
	FeaturesBySeq(ctx context.Context, seqs []int64) ([][]byte, error)
}

var _ Store = (*store.Store)(nil)

// CountFunc counts the contributions of a procedure matching a filter
// (paging ignored); web.Server.Count remembers them per version.
type CountFunc func(ctx context.Context, p *model.Procedure, f store.Filter) (int, error)

// ClusterThreshold is how many contributions a viewport may hold before a
// map asking with cluster=1 gets grid clusters instead of features.
const ClusterThreshold = 500

// MaxFeatures is the most features one answer holds when the client does
// not ask for clusters; a larger limit is lowered to it, and next_cursor
// leads on. Assembling and sending a page is the cost of a viewport that
// the tiles cannot take away, so this bounds what one request can make the
// server do (1,000 features were 600 KB; docs/benchmarks.md). With
// cluster=1 a view holds at most ClusterThreshold features before it is
// answered with clusters, so there a page may hold up to that many.
const MaxFeatures = 200

// PageLimit is the number of features a page holds for a requested limit.
func PageLimit(limit int, cluster bool) int {
	if cluster {
		return min(limit, ClusterThreshold)
	}
	return min(limit, MaxFeatures)
}

// clusterGrid is about how many cells across the viewport clusters use.
const clusterGrid = 8

// answerBudget bounds the viewport answers kept across all procedures.
const answerBudget = 64 << 20

// Service answers viewports.
type Service struct {
	store   Store
	count   CountFunc
	cache   *cache.Cache[[]byte]
	entries *cache.Cache[[]store.IndexEntry] // per tile, see dense
	feats   *cache.Cache[[][]byte]           // per tile, see dense
}

// New makes the viewport service over st, counting with count.
func New(st Store, count CountFunc) *Service {
	return &Service{store: st, count: count, cache: cache.New(answerBudget, cache.Bytes),
		entries: cache.New(entryBudget, func(es []store.IndexEntry) int { return len(es)*entrySize + 64 }),
		feats: cache.New(featureBudget, func(fs [][]byte) int {
			n := 64
			for _, b := range fs {
				n += len(b) + 24
			}
			return n
		})}
}

// Query is one viewport question.
type Query struct {
	Filter  store.Filter
	Cluster bool   // the map asks for clusters where the view holds many
	Key     string // names the question exactly (the query string), for the answer cache
}

// Answer returns the FeatureCollection for q over procedure p. A cursor the
// store did not hand out gives store.ErrBadCursor.
func (s *Service) Answer(ctx context.Context, p *model.Procedure, q Query) ([]byte, error) {
	if b, ok := s.cacheGet(p, q.Key); ok {
		return b, nil
	}
	f := q.Filter
	f.Limit = PageLimit(f.Limit, q.Cluster)
	if q.Cluster && f.BBox != nil && f.Cursor == "" && unfiltered(f) {
		// Unfiltered views read the tile counts the store keeps per zoom.
		z := tileZoom(*f.BBox)
		x0, y0, x1, y1 := geo.TileRange(*f.BBox, z)
		key := fmt.Sprintf("tiles|%d|%d-%d|%d-%d", z, x0, x1, y0, y1)
		if b, ok := s.cacheGet(p, key); ok {
			return b, nil
		}
		cells, total, err := s.store.TileClusters(ctx, p.ID, *f.BBox, z)
		if err != nil {
			return nil, err
		}
		if total > ClusterThreshold {
			out, err := clusterCollection(cells, total)
			if err != nil {
				return nil, err
			}
			s.cachePut(p, key, out)
			return out, nil
		}
	} else if q.Cluster && f.BBox != nil && f.Cursor == "" {
		// Clusters are computed for the viewport snapped outward to the
		// grid, so everyone panning within the same cells shares an answer.
		g := snapToGrid(f)
		key := "clusters|" + g.filter.Key()
		if b, ok := s.cacheGet(p, key); ok {
			return b, nil
		}
		out, clustered, err := s.clusters(ctx, p, g)
		if err != nil {
			return nil, err
		}
		if clustered {
			s.cachePut(p, key, out)
			return out, nil
		}
	}
	out, err := s.features(ctx, p, f)
	if err != nil {
		return nil, err
	}
	s.cachePut(p, q.Key, out)
	return out, nil
}

// features renders the page of features f selects.
func (s *Service) features(ctx context.Context, p *model.Procedure, f store.Filter) ([]byte, error) {
	if f.ViewportOnly() {
		if out, ok, err := s.dense(ctx, p, f); ok || err != nil {
			return out, err
		}
	}
	feats, next, total, err := s.store.Features(ctx, f)
	if err != nil {
		return nil, err
	}
	if total < 0 {
		if total, err = s.count(ctx, p, f); err != nil {
			return nil, err
		}
	}
	return collection(feats, total, next), nil
}

// collection assembles a FeatureCollection from ready Feature bytes.
func collection(feats [][]byte, total int, next string) []byte {
	var buf bytes.Buffer
	size := 128 + len(next)
	for _, b := range feats {
		size += len(b) + 1
	}
	buf.Grow(size)
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	n := 0
	for _, b := range feats {
		if b == nil {
			continue // gone since its seq was read
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
		n++
	}
	fmt.Fprintf(&buf, `],"numberMatched":%d,"numberReturned":%d`, total, n)
	if next != "" {
		nb, _ := json.Marshal(next)
		buf.WriteString(`,"next_cursor":`)
		buf.Write(nb)
	}
	buf.WriteString(`}`)
	return buf.Bytes()
}

// Name names the answer to q over p exactly: the same name never names
// two different answers.
func Name(p *model.Procedure, q Query) cache.Key {
	return cache.Key{Procedure: p.ID, Version: p.Version, Name: q.Key}
}

func (s *Service) cacheGet(p *model.Procedure, key string) ([]byte, bool) {
	return s.cache.Get(cache.Key{Procedure: p.ID, Version: p.Version, Name: key})
}

func (s *Service) cachePut(p *model.Procedure, key string, b []byte) {
	s.cache.Put(cache.Key{Procedure: p.ID, Version: p.Version, Name: key}, b)
}
