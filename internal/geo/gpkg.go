package geo

import (
	"encoding/binary"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// GeoPackageBinary encodes g as a GeoPackage geometry blob (OGC 12-128r18,
// 2.1.3): the "GP" header with version 0, little-endian flags, the SRS id
// and, for anything but a point, the [minx, maxx, miny, maxy] envelope,
// followed by the geometry as little-endian WKB. nil encodes as nil (a
// NULL geometry).
func GeoPackageBinary(g orb.Geometry, srsID int32) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	_, point := g.(orb.Point)
	flags := byte(0x01) // little endian, no envelope
	size := 8
	if !point {
		flags |= 1 << 1 // envelope [minx, maxx, miny, maxy]
		size += 32
	}
	out := make([]byte, size, size+len(body))
	out[0], out[1], out[2], out[3] = 'G', 'P', 0, flags
	binary.LittleEndian.PutUint32(out[4:], uint32(srsID))
	if !point {
		b := g.Bound()
		for i, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
			binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
		}
	}
	return append(out, body...), nil
}
