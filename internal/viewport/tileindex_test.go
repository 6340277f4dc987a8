package viewport

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/store"
)

// The bucketed count agrees with visiting every entry (of those meeting
// the tile, as the index gives them), for points, short lines and long ones
// reaching out of the tile, corners on its east and north edge, views
// inside, across, beside and over the tile, and cells bounded or reaching
// out on any side.
func TestTileIndexCountsLikeAScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	// A tile, and a box whose edges are float32 values (so that corners
	// lie exactly on its east and north edge).
	for _, tb := range []orb.Bound{geo.TileBound(69000, 42000, 17), {Min: orb.Point{9.9375, 53.5}, Max: orb.Point{9.9453125, 53.50390625}}} {
		testTileIndexCounts(t, rng, tb)
	}
}

func testTileIndexCounts(t *testing.T, rng *rand.Rand, tb orb.Bound) {
	w, h := tb.Max.Lon()-tb.Min.Lon(), tb.Max.Lat()-tb.Min.Lat()
	at := func(fx, fy float64) (float32, float32) {
		return float32(tb.Min.Lon() + fx*w), float32(tb.Min.Lat() + fy*h)
	}
	for _, n := range []int{0, 1, 50, 3000, 20000} {
		es := make([]store.IndexEntry, n)
		for i := range es {
			x, y := at(rng.Float64()*1.2-0.1, rng.Float64()*1.2-0.1)
			e := store.IndexEntry{Created: int64(n - i), Seq: int64(i), Box: [4]float32{x, y, x, y}}
			switch i % 7 {
			case 0: // a short line
				e.Box[2], e.Box[3] = x+float32(w*0.05*rng.Float64()), y+float32(h*0.05*rng.Float64())
			case 1: // a long one
				e.Box[0], e.Box[3] = x-float32(w*0.8*rng.Float64()), y+float32(h*0.9*rng.Float64())
			case 3: // on the tile's east or north edge (or just past it)
				if i%2 == 0 {
					e.Box[0] = float32(tb.Max.Lon())
				} else {
					e.Box[1] = float32(tb.Max.Lat())
				}
				if i%3 == 0 {
					e.Box[0], e.Box[1] = math.Nextafter32(e.Box[0], 200), math.Nextafter32(e.Box[1], 200)
				}
				e.Box[2], e.Box[3] = max(e.Box[0], e.Box[2]), max(e.Box[1], e.Box[3])
			case 2: // on the grid's lines
				g := float64(gridFor(n))
				e.Box[0], e.Box[1] = at(math.Floor(rng.Float64()*g)/g, math.Floor(rng.Float64()*g)/g)
				e.Box[2], e.Box[3] = e.Box[0], e.Box[1]
			}
			es[i] = e
		}
		// Only what the index gives for the tile: boxes meeting it.
		kept := es[:0]
		for _, e := range es {
			if float64(e.Box[0]) <= tb.Max.Lon() && float64(e.Box[2]) >= tb.Min.Lon() && float64(e.Box[1]) <= tb.Max.Lat() && float64(e.Box[3]) >= tb.Min.Lat() {
				kept = append(kept, e)
			}
		}
		es = kept
		ti := newTileIndex(es, tb)
		for v := 0; v < 600; v++ {
			x0, y0 := rng.Float64()*1.4-0.2, rng.Float64()*1.4-0.2
			vw, vh := rng.Float64()*0.8, rng.Float64()*0.8
			minX, minY := tb.Min.Lon()+x0*w, tb.Min.Lat()+y0*h
			maxX, maxY := minX+vw*w, minY+vh*h
			if v%10 == 0 && len(es) > 0 { // the view on an entry's corner
				minX, minY = float64(es[0].Box[0]), float64(es[0].Box[1])
			}
			switch v % 10 {
			case 3, 9: // views covering the tile, or all but an edge of it
				minX, minY = tb.Min.Lon()-rng.Float64()*0.2*w, tb.Min.Lat()-rng.Float64()*0.2*h
				maxX, maxY = tb.Max.Lon()+(rng.Float64()-0.1)*0.2*w, tb.Max.Lat()+(rng.Float64()-0.1)*0.2*h
			case 5: // inverted views: the count still agrees with the tests box by box
				minX, maxX = maxX, minX
			case 7:
				minY, maxY = maxY, minY
			}
			cw, ce, cs, cn := math.Inf(-1), math.Inf(1), math.Inf(-1), math.Inf(1)
			if v%2 == 0 {
				cw, cs = tb.Min.Lon(), tb.Min.Lat()
			}
			if v%3 == 0 {
				ce, cn = tb.Max.Lon(), tb.Max.Lat()
			}
			if len(es) > 0 && v%4 == 1 {
				// Edges through entries' corners: equal values decide.
				pick := func() [4]float32 { return es[rng.IntN(len(es))].Box }
				a, b, c, d := pick(), pick(), pick(), pick()
				cw, ce = float64(min(a[0], b[0])), float64(max(a[0], b[0]))
				cs, cn = float64(min(c[1], d[1])), float64(max(c[1], d[1]))
				if v%8 == 1 {
					minX, minY, maxX, maxY = float64(a[0]), float64(c[1]), float64(b[2]), float64(d[3])
					if minX > maxX {
						minX, maxX = maxX, minX
					}
					if minY > maxY {
						minY, maxY = maxY, minY
					}
				}
			}
			want := 0
			for _, e := range es {
				b := e.Box
				if float64(b[0]) <= maxX && float64(b[2]) >= minX && float64(b[1]) <= maxY && float64(b[3]) >= minY {
					cx, cy := max(float64(b[0]), minX), max(float64(b[1]), minY)
					if cx >= cw && cx < ce && cy >= cs && cy < cn {
						want++
					}
				}
			}
			if got := ti.count(minX, minY, maxX, maxY, cw, ce, cs, cn); got != want {
				t.Fatalf("%d entries, view %d: counted %d, a scan finds %d", n, v, got, want)
			}
		}
	}
}
