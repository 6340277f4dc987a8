package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestTileXYAndBound(t *testing.T) {
	for _, p := range []orb.Point{{13.405, 52.52}, {-122.4194, 37.7749}, {0.0001, -0.0001}, {179.99, -84}} {
		for z := 0; z <= 19; z++ {
			x, y := TileXY(p, z)
			if b := TileBound(x, y, z); !b.Contains(p) {
				t.Errorf("z%d: tile %d/%d (%v) does not contain %v", z, x, y, b, p)
			}
		}
	}
	if x, y := TileXY(orb.Point{180, 90}, 3); x != 7 || y != 0 {
		t.Errorf("corner tile = %d/%d, want 7/0", x, y)
	}
}

func TestTileZoomAndSnapGrid(t *testing.T) {
	b := orb.Bound{Min: orb.Point{13.40, 52.50}, Max: orb.Point{13.41, 52.505}}
	if z := TileZoom(b, 8, 10, 19); z != 18 {
		t.Errorf("TileZoom = %d, want 18", z)
	}
	if z := TileZoom(orb.Bound{Max: orb.Point{360, 0}}, 8, 10, 19); z != 10 {
		t.Errorf("TileZoom(world) = %d, want 10", z)
	}
	s, cl, ca := SnapGrid(b, 8)
	if cl > (b.Max.Lon()-b.Min.Lon())/8 || cl*2 <= (b.Max.Lon()-b.Min.Lon())/8 || ca <= 0 {
		t.Errorf("cell %v×%v for width %v", cl, ca, b.Max.Lon()-b.Min.Lon())
	}
	if !s.Contains(b.Min) || !s.Contains(b.Max) {
		t.Errorf("snapped %v does not contain %v", s, b)
	}
}
