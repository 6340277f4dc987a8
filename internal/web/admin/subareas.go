package admin

import (
	"encoding/json"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// registerPlaces adds the analysis map's data and the sub-area editor.
func (h *Handler) registerPlaces(g fiber.Router, csrf fiber.Handler) {
	g.Get("/p/:slug/analysis/heat.geojson", h.signedIn, h.session("moderate"), h.heatGeoJSON)
	may := h.session("manage_procedures")
	g.Get("/p/:slug/subareas", csrf, may, h.subAreasForm)
	g.Post("/p/:slug/subareas", csrf, may, h.saveSubArea)
	g.Post("/p/:slug/subareas/delete", csrf, may, h.deleteSubArea)
}

// signedIn refuses a request without a back-office session with 403: a
// script's data has no login page to go to.
func (h *Handler) signedIn(c *fiber.Ctx) error {
	if h.SessionUser(c) == nil {
		return h.Fail(c, fiber.StatusForbidden, "forbidden", web.Localizer(c).T("error.forbidden"))
	}
	return c.Next()
}

// subAreaRow is a sub-area as the editor lists it.
type subAreaRow struct {
	ID       int64
	Name     string
	Vertices int
}

// subAreasForm lists the procedure's sub-areas and offers a form to draw,
// paste, upload or type a new one (or, with ?edit=ID, to change one).
func (h *Handler) subAreasForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	in := authoring.SubAreaInput{Area: authoring.AreaInput{Source: authoring.AreaGeoJSON}}
	if id, _ := strconv.ParseInt(c.Query("edit"), 10, 64); id > 0 {
		areas, err := h.Authoring.SubAreas(c.UserContext(), p)
		if err != nil {
			return err
		}
		for _, a := range areas {
			if a.ID == id {
				b, _ := json.Marshal(geojson.NewGeometry(a.Area))
				in.ID, in.Name, in.Area.Text = a.ID, a.Name, string(b)
			}
		}
	}
	return h.renderSubAreas(c, p, in, nil)
}

func (h *Handler) renderSubAreas(c *fiber.Ctx, p *model.Procedure, in authoring.SubAreaInput, errs map[string]string) error {
	areas, err := h.Authoring.SubAreas(c.UserContext(), p)
	if err != nil {
		return err
	}
	rows := make([]subAreaRow, 0, len(areas))
	for _, a := range areas {
		n := 0
		if len(a.Area) > 0 {
			n = max(0, len(a.Area[0])-1)
		}
		rows = append(rows, subAreaRow{ID: a.ID, Name: a.Name, Vertices: n})
	}
	geom, coords := "", ""
	switch in.Area.Source {
	case authoring.AreaCoords:
		coords = in.Area.Text
	case authoring.AreaGeoJSON:
		geom = in.Area.Text
	}
	return h.authorPage(c, "admin-edit-subareas", "subareas", p, fiber.Map{"SubAreas": rows, "In": in, "Geometry": geom, "Coords": coords,
		"Source": in.Area.Source, "Errors": errs})
}

func (h *Handler) saveSubArea(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	id, _ := strconv.ParseInt(form(c, "id"), 10, 64)
	in := authoring.SubAreaInput{ID: id, Name: form(c, "name"), Area: authoring.AreaInput{Source: form(c, "source")}}
	switch in.Area.Source {
	case authoring.AreaFile:
		u, err := upload(c, "file")
		if err != nil {
			return err
		}
		if u != nil {
			in.Area.File = u.Data
		}
	case authoring.AreaCoords:
		in.Area.Text = form(c, "coords")
	default:
		in.Area.Source, in.Area.Text = authoring.AreaGeoJSON, form(c, "geometry")
	}
	if _, err := h.Authoring.SaveSubArea(c.UserContext(), web.User(c), p, in); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error { return h.renderSubAreas(c, p, in, errs) })
	}
	return c.Redirect("/admin/p/"+p.Slug+"/subareas?notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) deleteSubArea(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	id, _ := strconv.ParseInt(form(c, "id"), 10, 64)
	if err := h.Authoring.DeleteSubArea(c.UserContext(), web.User(c), p, id); err != nil {
		return h.authorFailed(c, err, nil)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/subareas?notice=deleted", fiber.StatusSeeOther)
}
