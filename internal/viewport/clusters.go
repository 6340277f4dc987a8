package viewport

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// grid is a viewport filter snapped outward to a cluster grid.
type grid struct {
	filter           store.Filter
	cellLon, cellLat float64
}

// snapToGrid widens f's viewport to whole cells of the cluster grid
// (geo.SnapGrid).
func snapToGrid(f store.Filter) grid {
	b, cellLon, cellLat := geo.SnapGrid(*f.BBox, clusterGrid)
	f.BBox = &b
	return grid{filter: f, cellLon: cellLon, cellLat: cellLat}
}

// clusters answers a viewport holding more than ClusterThreshold
// contributions with grid clusters, so a low-zoom view never ships 100,000
// points; false means the viewport is small enough for features.
func (s *Service) clusters(ctx context.Context, p *model.Procedure, g grid) ([]byte, bool, error) {
	total, err := s.count(ctx, p, g.filter)
	if err != nil || total <= ClusterThreshold {
		return nil, false, err
	}
	cells, err := s.store.Clusters(ctx, g.filter, g.cellLon, g.cellLat)
	if err != nil {
		return nil, false, err
	}
	b, err := clusterCollection(cells, total)
	return b, err == nil, err
}

// unfiltered reports whether f selects by viewport only.
func unfiltered(f store.Filter) bool {
	return f.Category == "" && f.Type == "" && f.GeomType == "" && f.Origin == "" && f.Query == "" && len(f.Statuses) == 0
}

// tileZoom picks the tile zoom at which a viewport spans about clusterGrid
// tiles across.
func tileZoom(b orb.Bound) int {
	return geo.TileZoom(b, clusterGrid, store.MinTileZoom, store.MaxTileZoom)
}

// clusterCollection renders clusters as a GeoJSON FeatureCollection.
func clusterCollection(cells []store.Cluster, total int) ([]byte, error) {
	type clusterProps struct {
		Cluster bool       `json:"cluster"`
		Count   int        `json:"count"`
		BBox    [4]float64 `json:"bbox"`
	}
	type clusterFeature struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties clusterProps    `json:"properties"`
	}
	feats := make([]clusterFeature, 0, len(cells))
	for i, k := range cells {
		feats = append(feats, clusterFeature{Type: "Feature", ID: fmt.Sprintf("cluster-%d", i),
			Geometry: geo.MarshalGeometry(k.Center),
			Properties: clusterProps{Cluster: true, Count: k.Count,
				BBox: [4]float64{k.Bound.Min.Lon(), k.Bound.Min.Lat(), k.Bound.Max.Lon(), k.Bound.Max.Lat()}}})
	}
	return json.Marshal(map[string]any{"type": "FeatureCollection", "clustered": true, "features": feats,
		"numberMatched": total, "numberReturned": len(feats)})
}
