package viewport

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/store"
)

// BenchmarkTileIndexCount counts a tile of 18,000 points (a street's tile
// at 1,000,000 contributions) for views covering all of it, half of it and
// a corner, with bounded and unbounded cells.
func BenchmarkTileIndexCount(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	tb := geo.TileBound(69000, 42000, 17)
	w, h := tb.Max.Lon()-tb.Min.Lon(), tb.Max.Lat()-tb.Min.Lat()
	es := make([]store.IndexEntry, 18000)
	for i := range es {
		x, y := float32(tb.Min.Lon()+rng.Float64()*w), float32(tb.Min.Lat()+rng.Float64()*h)
		es[i] = store.IndexEntry{Created: int64(len(es) - i), Seq: int64(i), Box: [4]float32{x, y, x, y}}
	}
	ti := newTileIndex(es, tb)
	views := [][4]float64{
		{tb.Min.Lon() - w, tb.Min.Lat() - h, tb.Max.Lon() + w, tb.Max.Lat() + h},
		{tb.Min.Lon() + 0.25*w, tb.Min.Lat() - h, tb.Min.Lon() + 0.75*w, tb.Max.Lat() + h},
		{tb.Min.Lon() + 0.6*w, tb.Min.Lat() + 0.55*h, tb.Max.Lon() + w, tb.Max.Lat() + h},
	}
	inf := math.Inf(1)
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		v := views[i%len(views)]
		cw, cs := -inf, -inf
		if i%2 == 0 {
			cw, cs = tb.Min.Lon(), tb.Min.Lat()
		}
		n += ti.count(v[0], v[1], v[2], v[3], cw, inf, cs, inf)
	}
	if n == 0 {
		b.Fatal("nothing counted")
	}
}
