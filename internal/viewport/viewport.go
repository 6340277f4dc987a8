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
	"strconv"
	"sync"

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
	// GeoChangedIn reports whether the procedure's spatial index changed
	// within b between two geo versions (true when that is not known).
	GeoChangedIn(ctx context.Context, procedureID, after, upto int64, b orb.Bound) (bool, error)
	// FeatureMark and FeatureChangesSince name the contributions whose
	// Feature bytes changed since a mark.
	FeatureMark(ctx context.Context) (int64, error)
	FeatureChangesSince(ctx context.Context, procedureID, mark int64, limit int) (seqs []int64, next int64, ok bool, err error)
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
// server do (1,000 features were 600 KB, 100 are about 60 KB; docs/benchmarks.md). With
// cluster=1 a view holds at most ClusterThreshold features before it is
// answered with clusters, so there a page may hold up to that many.
const MaxFeatures = 100

// pageLimit is the number of features a page holds for a requested limit.
func pageLimit(limit int, cluster bool) int {
	if cluster {
		return min(limit, ClusterThreshold)
	}
	return min(limit, MaxFeatures)
}

// clusterGrid is about how many cells across the viewport clusters use.
const clusterGrid = 8

// answerBudget bounds the viewport answers kept across all procedures;
// seenEntries bounds the questions remembered as asked once.
const (
	answerBudget = 64 << 20
	seenEntries  = 16384
)

// Service answers viewports.
type Service struct {
	store       Store
	count       CountFunc
	cache       *cache.Cache[[]byte]
	entries     *cache.Cache[*tileIndex]      // per tile, see dense
	latest      *cache.Cache[tileAt]          // per tile, see dense
	latestFeats *cache.Cache[featuresAt]      // per tile, see dense
	feats       *cache.Cache[*packedFeatures] // per tile, see dense
	pieces      *cache.Cache[*packedFeatures] // per tile, see joined.go
	seen        *cache.Cache[struct{}]        // questions asked once, see Answer
}

// New makes the viewport service over st, counting with count.
func New(st Store, count CountFunc) *Service {
	return &Service{store: st, count: count, cache: cache.New(answerBudget, cache.Bytes),
		entries:     cache.New(entryBudget, (*tileIndex).size),
		latest:      cache.New(entryBudget, func(t tileAt) int { return t.index.size() }),
		latestFeats: cache.New(featureBudget, func(f featuresAt) int { return f.pf.size() }),
		feats:       cache.New(featureBudget, (*packedFeatures).size),
		pieces:      cache.New(pieceBudget, (*packedFeatures).size),
		seen:        cache.New[struct{}](seenEntries, nil)}
}

// Query is one viewport question.
type Query struct {
	Filter  store.Filter
	Cluster bool // the map asks for clusters where the view holds many
	// Gzip asks for the answer's gzip form joined from kept pieces too,
	// where it can be (see joined.go): the client takes gzip and the
	// server's cores are busy.
	Gzip bool
	Key  string // names the question exactly (the query string), for the answer cache
}

// Answer is a viewport answer. A kept answer is shared and stays as it
// is; any other is lent from a pool until Release.
type Answer struct {
	Body []byte
	Kept bool
	// Gzip is Body's gzip form, joined from kept pieces, when the query
	// asked for it and the pieces were there; lent like Body.
	Gzip  []byte
	buf   *[]byte
	gzBuf *[]byte
}

// Release returns a lent answer's bytes to the pool; Body and Gzip must
// not be used afterwards. It does nothing for kept answers.
func (a Answer) Release() {
	for _, lent := range []struct {
		buf *[]byte
		b   []byte
	}{{a.buf, a.Body}, {a.gzBuf, a.Gzip}} {
		if lent.buf != nil && cap(lent.b) <= maxPooled {
			*lent.buf = lent.b[:0]
			answerBufs.Put(lent.buf)
		}
	}
}

// maxPooled is the largest answer buffer kept for reuse.
const maxPooled = 1 << 20

// answerBufs lends the buffers of answers that are not kept: most
// viewports of a panning map or a GIS are asked once, and making a fresh
// buffer for each was most of what the server allocated under them.
var answerBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// Kept returns the answer kept for the query string key at p's version,
// if there is one: the same question answered before, after its parameters
// were found good, so the caller may skip parsing them again.
func (s *Service) Kept(p *model.Procedure, key []byte) ([]byte, bool) {
	if bytes.IndexByte(key, '|') >= 0 {
		return nil, false // never one of the service's own names ("tiles|…")
	}
	return s.cacheGet(p, string(key))
}

// Answer returns the FeatureCollection for q over procedure p. A cursor the
// store did not hand out gives store.ErrBadCursor. Clusters are kept at
// once (many views share them); features the second time the same question
// is asked at the same version.
func (s *Service) Answer(ctx context.Context, p *model.Procedure, q Query) (Answer, error) {
	if b, ok := s.cacheGet(p, q.Key); ok {
		return Answer{Body: b, Kept: true}, nil
	}
	f := q.Filter
	f.Limit = pageLimit(f.Limit, q.Cluster)
	if q.Cluster && f.BBox != nil && f.Cursor == "" && unfiltered(f) {
		// Unfiltered views read the tile counts the store keeps per zoom.
		z := tileZoom(*f.BBox)
		x0, y0, x1, y1 := geo.TileRange(*f.BBox, z)
		key := fmt.Sprintf("tiles|%d|%d-%d|%d-%d", z, x0, x1, y0, y1)
		if b, ok := s.cacheGet(p, key); ok {
			return Answer{Body: b, Kept: true}, nil
		}
		cells, total, err := s.store.TileClusters(ctx, p.ID, *f.BBox, z)
		if err != nil {
			return Answer{}, err
		}
		if total > ClusterThreshold {
			out, err := clusterCollection(cells, total)
			if err != nil {
				return Answer{}, err
			}
			s.cachePut(p, key, out)
			return Answer{Body: out, Kept: true}, nil
		}
	} else if q.Cluster && f.BBox != nil && f.Cursor == "" {
		// Clusters are computed for the viewport snapped outward to the
		// grid, so everyone panning within the same cells shares an answer.
		g := snapToGrid(f)
		key := "clusters|" + g.filter.Key()
		if b, ok := s.cacheGet(p, key); ok {
			return Answer{Body: b, Kept: true}, nil
		}
		out, clustered, err := s.clusters(ctx, p, g)
		if err != nil {
			return Answer{}, err
		}
		if clustered {
			s.cachePut(p, key, out)
			return Answer{Body: out, Kept: true}, nil
		}
	}
	name := Name(p, q)
	if _, again := s.seen.Get(name); !again {
		s.seen.Put(name, struct{}{})
		buf := answerBufs.Get().(*[]byte)
		var gzBuf *[]byte
		var gzDst []byte
		if q.Gzip {
			gzBuf = answerBufs.Get().(*[]byte)
			gzDst = *gzBuf
		}
		out, gz, err := s.features(ctx, p, f, *buf, q.Gzip, gzDst)
		if err != nil || gz == nil {
			if gzBuf != nil {
				answerBufs.Put(gzBuf)
				gzBuf = nil
			}
		}
		if err != nil {
			answerBufs.Put(buf)
			return Answer{}, err
		}
		return Answer{Body: out, buf: buf, Gzip: gz, gzBuf: gzBuf}, nil
	}
	out, _, err := s.features(ctx, p, f, nil, false, nil)
	if err != nil {
		return Answer{}, err
	}
	s.cachePut(p, q.Key, out)
	return Answer{Body: out, Kept: true}, nil
}

// Page returns one page of the features f selects over p, as the store's
// Features gives it: the features (each its stored bytes), the cursor of
// the next page ("" on the last) and, on the first page, how many match
// (-1 on later pages). A view of the published contributions alone is
// answered from the kept tile entries, in bounded work however many the
// view holds (the OGC API's items); f.Limit is taken as it is.
func (s *Service) Page(ctx context.Context, p *model.Procedure, f store.Filter) ([][]byte, string, int, error) {
	feats, _, next, total, err := s.page(ctx, p, f, false)
	return feats, next, total, err
}

// PageJoinable is Page with the features' pieces (gzipjoin), one for each
// feature, where the page is dense and the tiles keep pieces of all its
// features (else nil): for an answer joined on a busy server (joined.go).
func (s *Service) PageJoinable(ctx context.Context, p *model.Procedure, f store.Filter) (feats, pieces [][]byte, next string, total int, err error) {
	return s.page(ctx, p, f, true)
}

func (s *Service) page(ctx context.Context, p *model.Procedure, f store.Filter, join bool) (feats, pieces [][]byte, next string, total int, err error) {
	if f.ViewportOnly() {
		sc := scratches.Get().(*scratch)
		defer sc.release()
		page, total, next, ok, err := s.densePage(ctx, p, f, sc)
		if err != nil {
			return nil, nil, "", 0, err
		}
		if ok {
			join = join && s.piecesOfPage(p, sc, page)
			out := make([][]byte, 0, len(page))
			if join {
				pieces = make([][]byte, 0, len(page))
			}
			for i, b := range page {
				if b == nil {
					continue // gone since its seq was read
				}
				out = append(out, b)
				if join {
					pieces = append(pieces, sc.pieces[i])
				}
			}
			if f.Cursor != "" {
				total = -1
			}
			return out, pieces, next, total, nil
		}
	}
	feats, next, total, err = s.store.Features(ctx, f)
	return feats, nil, next, total, err
}

// features renders the page of features f selects, appended to dst; with
// join, also its gzip form joined from kept pieces, appended to gzDst,
// where the page is dense and the pieces are there (else gz is nil).
func (s *Service) features(ctx context.Context, p *model.Procedure, f store.Filter, dst []byte, join bool, gzDst []byte) (out, gz []byte, err error) {
	if f.ViewportOnly() {
		if out, gz, ok, err := s.dense(ctx, p, f, dst, join, gzDst); ok || err != nil {
			return out, gz, err
		}
	}
	feats, next, total, err := s.store.Features(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	if total < 0 {
		if total, err = s.count(ctx, p, f); err != nil {
			return nil, nil, err
		}
	}
	return collection(dst, feats, total, next), nil, nil
}

// collection assembles a FeatureCollection from ready Feature bytes,
// appended to dst (nil: a buffer of the exact size).
func collection(dst []byte, feats [][]byte, total int, next string) []byte {
	if dst == nil {
		size := 128 + len(next)
		for _, b := range feats {
			size += len(b) + 1
		}
		dst = make([]byte, 0, size)
	}
	dst = append(dst, collectionHead...)
	n := 0
	for _, b := range feats {
		if b == nil {
			continue // gone since its seq was read
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, b...)
		n++
	}
	return collectionTail(dst, total, n, next)
}

// collectionHead opens a FeatureCollection's features.
const collectionHead = `{"type":"FeatureCollection","features":[`

// collectionTail closes a FeatureCollection of n features, appended to dst.
func collectionTail(dst []byte, total, n int, next string) []byte {
	dst = append(dst, `],"numberMatched":`...)
	dst = strconv.AppendInt(dst, int64(total), 10)
	dst = append(dst, `,"numberReturned":`...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	if next != "" {
		nb, _ := json.Marshal(next)
		dst = append(dst, `,"next_cursor":`...)
		dst = append(dst, nb...)
	}
	return append(dst, '}')
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
