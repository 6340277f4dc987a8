package authoring

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
)

// SubAreaMaxVertices bounds a sub-area's outline.
const SubAreaMaxVertices = AreaMaxVertices

// SubAreaInput is a sub-area as the planner gave it: its name and its
// polygon drawn, pasted or uploaded as GeoJSON (Area.Source AreaGeoJSON or
// AreaFile), or typed as coordinates (AreaCoords). ID 0 adds a new one.
type SubAreaInput struct {
	ID   int64
	Name string
	Area AreaInput
}

// SaveSubArea checks and keeps a sub-area of p: a name of one line and one
// polygon without holes whose ring does not cross itself (the planning
// area's rules). Errors are on the field "subarea-name" and on the
// polygon's field: "geometry", "file" or "coords" by its source. It returns
// the sub-area's id.
func (s *Service) SaveSubArea(ctx context.Context, actor *model.User, p *model.Procedure, in SubAreaInput) (int64, error) {
	if err := allowed(actor); err != nil {
		return 0, err
	}
	a := model.SubArea{ID: in.ID, Name: model.Normalize(in.Name)}
	errs := checkLine("subarea-name", a.Name, true, model.SubAreaNameMax)
	field := map[string]string{AreaFile: "file", AreaCoords: "coords"}[in.Area.Source]
	if field == "" {
		field = "geometry"
	}
	code := ""
	if in.Area.Source == AreaFile && IsGeoPackage(in.Area.File) {
		in.Area.Geometry, code = s.geoPackageArea(ctx, in.Area.File)
	}
	if code != "" {
		errs = append(errs, model.FieldError{Field: field, Code: code})
	} else {
		poly, perrs := ParseArea(in.Area)
		for _, e := range perrs {
			e.Field = field
			errs = append(errs, e)
		}
		a.Area = poly
	}
	if len(errs) > 0 {
		return 0, errs
	}
	action := "sub_area.add"
	if a.ID != 0 {
		action = "sub_area.update"
	}
	return s.Store.SaveSubArea(ctx, p.ID, a, audited(actor, action))
}

// DeleteSubArea removes a sub-area of p.
func (s *Service) DeleteSubArea(ctx context.Context, actor *model.User, p *model.Procedure, id int64) error {
	if err := allowed(actor); err != nil {
		return err
	}
	return s.Store.DeleteSubArea(ctx, p.ID, id, audited(actor, "sub_area.delete"))
}

// SubAreas lists the sub-areas of p in the order they were drawn.
func (s *Service) SubAreas(ctx context.Context, p *model.Procedure) ([]model.SubArea, error) {
	return s.Store.SubAreas(ctx, p.ID)
}
