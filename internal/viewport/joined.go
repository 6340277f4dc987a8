package viewport

import (
	"context"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/gzipjoin"
	"github.com/mitreden/mitreden/internal/model"
)

// Joined answers. A dense answer is assembled from kept features; when
// the caller asks (Query.Gzip: the client takes gzip and the server is
// busy), its gzip form is joined from the features' pieces (gzipjoin),
// each compressed once, instead of compressing the answer again. At
// 1,000,000 contributions compressing a fresh answer of 100 features
// (63 KB) was half of the server's work for it. A joined answer is larger
// (the pieces cannot refer to each other's bytes: about 40 KB against 10 KB
// for the demo's repetitive texts), which is the right trade only while
// the cores are what clients wait for.
//
// A tile's pieces are made once its features (read at one procedure
// version, serving later ones while unchanged) have been used for
// piecesAfter joined answers, in the background; until
// then, and for features beyond its first maxPieces, answers are
// compressed as before. Tiles whose features change with every write
// (ratings, comments) rarely get that far and cost nothing.

const (
	// pieceBudget bounds the kept pieces across all procedures.
	pieceBudget = 48 << 20
	// maxPieces is how many of a tile's kept features, from the head, get
	// pieces: first pages newest first take their features there.
	maxPieces = 512
)

// piecesAfter: see the package comment above (a variable for tests).
var piecesAfter int32 = 8

// tilePieces returns the pieces of a tile's kept features pf, nil while
// they are not made; the use that reaches piecesAfter starts making them.
func (s *Service) tilePieces(p *model.Procedure, z, x, y int, pf *packedFeatures) *packedFeatures {
	// Keyed by the version the features were read at: they and their
	// pieces may serve later versions (tileFeatures).
	k := cache.Key{Procedure: p.ID, Version: pf.version, Name: tileName("pieces", p, z, x, y)}
	if ps, ok := s.pieces.Get(k); ok {
		return ps
	}
	if pf.uses.Add(1) == piecesAfter {
		go func() {
			_, _ = s.pieces.Do(context.Background(), k, func(context.Context) (*packedFeatures, error) {
				return piecesOf(pf), nil
			})
		}()
	}
	return nil
}

// piecesOf compresses the first maxPieces features of pf, each alone.
func piecesOf(pf *packedFeatures) *packedFeatures {
	n := min(pf.len(), maxPieces)
	ps := &packedFeatures{end: make([]uint32, n)}
	for i := range n {
		ps.buf = gzipjoin.Piece(ps.buf, pf.at(i))
		ps.end[i] = uint32(len(ps.buf))
	}
	return ps
}

// piecesOfPage puts the pieces of the dense page in sc (its features
// feats) into sc.pieces, in page order; false when a feature of the page
// has no piece yet.
func (s *Service) piecesOfPage(p *model.Procedure, sc *scratch, feats [][]byte) bool {
	page := sc.page[:len(feats)]
	// Every tile of the page is asked, so that each counts its use.
	for _, pk := range page {
		if th := &sc.tiles[pk.t]; !th.asked {
			th.pieces, th.asked = s.tilePieces(p, sc.z, th.x, th.y, th.feats), true
		}
	}
	ps := sc.pieces[:0]
	for _, pk := range page {
		tp := sc.tiles[pk.t].pieces
		if tp == nil || pk.j >= tp.len() {
			return false
		}
		ps = append(ps, tp.at(pk.j))
	}
	sc.pieces = ps
	return true
}

// joinedCollection returns the gzip form of collection(feats, total, next)
// for the dense page in sc, appended to dst; nil when a feature of the page
// has no piece yet.
func (s *Service) joinedCollection(p *model.Procedure, sc *scratch, feats [][]byte, total int, next string, dst []byte) []byte {
	if !s.piecesOfPage(p, sc, feats) {
		return nil
	}
	var j gzipjoin.Joiner
	j.Start(dst)
	j.Plain([]byte(collectionHead))
	n := j.List(sc.pieces, feats, comma) // nil: gone since its seq was read
	sc.tail = collectionTail(sc.tail[:0], total, n, next)
	j.Plain(sc.tail)
	return j.Finish()
}

var comma = []byte(",")
