package analysis

import (
	"context"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/mitreden/mitreden/internal/model"
)

// SubAreaCount is how many published contributions lie in one sub-area.
type SubAreaCount struct {
	ID    int64
	Name  string
	Count int
}

// SubAreaCounts counts the published contributions per sub-area of the
// procedure: a point by where it is, a line or an area by its centroid
// (planar, in longitude and latitude). A contribution in overlapping
// sub-areas counts in each. Elsewhere counts the placed contributions in
// none of them, Unplaced those without a place.
type SubAreaCounts struct {
	Areas               []SubAreaCount
	Elsewhere, Unplaced int
}

// SubAreas counts the procedure's contributions per sub-area; its Areas is
// empty when the procedure has none.
func (s *Service) SubAreas(ctx context.Context, p *model.Procedure) (SubAreaCounts, error) {
	areas, err := s.st.SubAreas(ctx, p.ID)
	if err != nil || len(areas) == 0 {
		return SubAreaCounts{}, err
	}
	view, err := s.Of(ctx, p)
	if err != nil {
		return SubAreaCounts{}, err
	}
	return countSubAreas(areas, view.docs), nil
}

func countSubAreas(areas []model.SubArea, docs []Doc) SubAreaCounts {
	out := SubAreaCounts{Areas: make([]SubAreaCount, len(areas))}
	bounds := make([]orb.Bound, len(areas))
	for i, a := range areas {
		out.Areas[i] = SubAreaCount{ID: a.ID, Name: a.Name}
		bounds[i] = a.Area.Bound()
	}
	for i := range docs {
		d := &docs[i]
		if !d.Placed {
			out.Unplaced++
			continue
		}
		in := false
		for k, a := range areas {
			if bounds[k].Contains(d.Centroid) && planar.PolygonContains(a.Area, d.Centroid) {
				out.Areas[k].Count++
				in = true
			}
		}
		if !in {
			out.Elsewhere++
		}
	}
	return out
}
