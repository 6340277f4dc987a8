package geo

import (
	"encoding/binary"
	"errors"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/project"
)

// ErrGeoPackageBinary is returned for a blob that is not a GeoPackage geometry.
var ErrGeoPackageBinary = errors.New("geo: not a GeoPackage geometry")

// ErrUnknownSRS is returned for a coordinate system FromGeoPackage cannot
// bring to EPSG:4326.
var ErrUnknownSRS = errors.New("geo: coordinate system not supported")

// FromGeoPackage decodes a GeoPackage geometry blob (OGC 12-128r18, 2.1.3:
// "GP" header, flags, SRS id, optional envelope, WKB) whose table has the
// SRS srsID, and returns it in EPSG:4326: 4326 as it is, 3857 (web
// Mercator) converted; other systems answer ErrUnknownSRS.
func FromGeoPackage(b []byte, srsID int) (orb.Geometry, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, ErrGeoPackageBinary
	}
	flags := b[3]
	envelope := map[byte]int{0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags>>1)&7]
	if (flags>>1)&7 > 4 || len(b) < 8+envelope {
		return nil, ErrGeoPackageBinary
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&1 == 1 {
		order = binary.LittleEndian
	}
	if id := int32(order.Uint32(b[4:8])); id > 0 {
		srsID = int(id)
	}
	g, err := wkb.Unmarshal(b[8+envelope:])
	if err != nil {
		return nil, ErrGeoPackageBinary
	}
	switch srsID {
	case 4326:
		return g, nil
	case 3857, 900913:
		return project.Geometry(orb.Clone(g), project.Mercator.ToWGS84), nil
	}
	return nil, ErrUnknownSRS
}
