package admin

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// areaForm shows the planning area three ways: a map to draw it on (with
// scripts), a GeoJSON file to upload, and coordinates to type.
func (h *Handler) areaForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderArea(c, p, authoring.AreaInput{Text: areaJSON(p)}, mapInputOf(p), nil)
}

func areaJSON(p *model.Procedure) string {
	if p.Area == nil {
		return ""
	}
	b, _ := json.Marshal(geojson.NewGeometry(p.Area))
	return string(b)
}

func mapInputOf(p *model.Procedure) authoring.MapInput {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return authoring.MapInput{Lat: f(p.Map.Center[1]), Lon: f(p.Map.Center[0]), Zoom: strconv.Itoa(p.Map.Zoom),
		WMSURL: p.Settings.WMSURL, WMSLayers: p.Settings.WMSLayers, WMSAttribute: p.Settings.WMSAttribution,
		BaseMapURL: p.Settings.BaseMapURL, BaseMapAttribution: p.Settings.BaseMapAttribution}
}

// coordsOf writes the area's ring as "latitude, longitude" lines.
func coordsOf(p *model.Procedure) string {
	if len(p.Area) == 0 {
		return ""
	}
	out := ""
	for _, pt := range p.Area[0] {
		out += fmt.Sprintf("%s, %s\n", strconv.FormatFloat(pt[1], 'f', -1, 64), strconv.FormatFloat(pt[0], 'f', -1, 64))
	}
	return out
}

func (h *Handler) renderArea(c *fiber.Ctx, p *model.Procedure, area authoring.AreaInput, m authoring.MapInput, errs map[string]string) error {
	geom, coords := area.Text, coordsOf(p)
	switch area.Source {
	case authoring.AreaCoords:
		geom, coords = areaJSON(p), area.Text
	case authoring.AreaFile:
		geom = areaJSON(p)
	}
	return h.authorPage(c, "admin-edit-area", "area", p, fiber.Map{"Geometry": geom, "Coords": coords, "M": m, "Errors": errs})
}

func (h *Handler) saveArea(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	in := authoring.AreaInput{Source: form(c, "source")}
	switch in.Source {
	case authoring.AreaFile:
		if fh, err := c.FormFile("file"); err == nil {
			f, err := fh.Open()
			if err != nil {
				return err
			}
			in.File, err = io.ReadAll(io.LimitReader(f, authoring.MaxUpload+1))
			f.Close()
			if err != nil {
				return err
			}
		}
	case authoring.AreaCoords:
		in.Text = form(c, "coords")
	default:
		in.Text = form(c, "geometry")
	}
	if err := h.Authoring.SaveArea(c.UserContext(), web.User(c), p, in); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error { return h.renderArea(c, p, in, mapInputOf(p), errs) })
	}
	return c.Redirect("/admin/p/"+p.Slug+"/area?notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) saveMap(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	in := authoring.MapInput{Lat: form(c, "lat"), Lon: form(c, "lon"), Zoom: form(c, "zoom"),
		WMSURL: form(c, "wms_url"), WMSLayers: form(c, "wms_layers"), WMSAttribute: form(c, "wms_attribution"),
		BaseMapURL: form(c, "basemap_url"), BaseMapAttribution: form(c, "basemap_attribution")}
	if err := h.Authoring.SaveMap(c.UserContext(), web.User(c), p, in); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			return h.renderArea(c, p, authoring.AreaInput{Text: areaJSON(p)}, in, errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/area?notice=saved#map-settings", fiber.StatusSeeOther)
}

// testWMS asks the WMS typed in the map form for its capabilities and
// tells whether it answers with the layers named; nothing is saved.
func (h *Handler) testWMS(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	in := authoring.MapInput{Lat: form(c, "lat"), Lon: form(c, "lon"), Zoom: form(c, "zoom"),
		WMSURL: form(c, "wms_url"), WMSLayers: form(c, "wms_layers"), WMSAttribute: form(c, "wms_attribution")}
	names, err := h.Authoring.CheckWMS(c.UserContext(), web.User(c), in.WMSURL, in.WMSLayers)
	if err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			return h.renderArea(c, p, authoring.AreaInput{Text: areaJSON(p)}, in, errs)
		})
	}
	shown := names
	if len(shown) > 12 {
		shown = append(shown[:12:12], "…")
	}
	return h.authorPage(c, "admin-edit-area", "area", p, fiber.Map{"Geometry": areaJSON(p), "Coords": coordsOf(p), "M": in,
		"Notice": l.T("author.wms_ok", "Count", len(names), "Layers", strings.Join(shown, ", "))})
}
