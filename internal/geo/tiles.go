package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// TileXY returns the Web Mercator tile of a point at zoom z.
func TileXY(p orb.Point, z int) (x, y int) {
	n := math.Exp2(float64(z))
	lat := math.Max(-85.05112878, math.Min(85.05112878, p.Lat()))
	x = int(math.Floor((p.Lon() + 180) / 360 * n))
	r := lat * math.Pi / 180
	y = int(math.Floor((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n))
	last := int(n) - 1
	return min(max(x, 0), last), min(max(y, 0), last)
}

// TileBound returns the lon/lat bounds of tile x, y at zoom z.
func TileBound(x, y, z int) orb.Bound {
	n := math.Exp2(float64(z))
	lon := func(x int) float64 { return float64(x)/n*360 - 180 }
	lat := func(y int) float64 { return math.Atan(math.Sinh(math.Pi*(1-2*float64(y)/n))) * 180 / math.Pi }
	return orb.Bound{Min: orb.Point{lon(x), lat(y + 1)}, Max: orb.Point{lon(x + 1), lat(y)}}
}

// TileRange returns the tiles at zoom z that b overlaps: columns x0..x1,
// rows y0..y1 (rows count southwards).
func TileRange(b orb.Bound, z int) (x0, y0, x1, y1 int) {
	x0, y0 = TileXY(orb.Point{b.Min.Lon(), b.Max.Lat()}, z)
	x1, y1 = TileXY(orb.Point{b.Max.Lon(), b.Min.Lat()}, z)
	return x0, y0, x1, y1
}

// TileZoom picks the zoom, within lo..hi, at which b spans about across
// tiles from west to east.
func TileZoom(b orb.Bound, across, lo, hi int) int {
	w := b.Max.Lon() - b.Min.Lon()
	z := hi
	if w > 0 {
		z = int(math.Round(math.Log2(360 * float64(across) / w)))
	}
	return min(max(z, lo), hi)
}

// SnapGrid chooses a grid cell for b — a power-of-two fraction of 360°
// about 1/across of its width, square on the ground at b's latitude
// rounded to whole degrees — and widens b to whole cells of the grid
// anchored at -180°/-90°.
func SnapGrid(b orb.Bound, across int) (snapped orb.Bound, cellLon, cellLat float64) {
	cell := 360.0
	for cell > (b.Max.Lon()-b.Min.Lon())/float64(across) && cell > 1e-6 {
		cell /= 2
	}
	lat := math.Round((b.Min.Lat() + b.Max.Lat()) / 2)
	cellLat = cell * math.Cos(lat*math.Pi/180)
	snap := func(v, anchor, size float64, up bool) float64 {
		n := (v - anchor) / size
		if up {
			n = math.Ceil(n)
		} else {
			n = math.Floor(n)
		}
		return anchor + n*size
	}
	b.Min[0], b.Max[0] = snap(b.Min[0], -180, cell, false), snap(b.Max[0], -180, cell, true)
	b.Min[1], b.Max[1] = snap(b.Min[1], -90, cellLat, false), snap(b.Max[1], -90, cellLat, true)
	return b, cell, cellLat
}
