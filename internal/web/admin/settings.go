package admin

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// settingsForm shows a procedure's switches.
func (h *Handler) settingsForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderSettings(c, p, p.Settings, nil)
}

func (h *Handler) renderSettings(c *fiber.Ctx, p *model.Procedure, st model.Settings, errs map[string]string) error {
	l := web.Localizer(c)
	geom := map[string]bool{}
	for _, g := range st.GeometryTypes {
		geom[g] = true
	}
	notice := ""
	if c.Query("notice") == "saved" {
		notice = l.T("admin.settings_saved")
	}
	return h.Render(c, "admin-settings", fiber.Map{"Title": l.T("admin.settings") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "S": st, "Geom": geom, "Errors": errs, "Notice": notice,
		"Switches":  []model.Switch{model.SwitchOn, model.SwitchReadOnly, model.SwitchOff},
		"GeomTypes": []string{"Point", "LineString", "Polygon", "none"}})
}

// saveSettings stores the switches; the procedure's version moves on, so
// every cached page and answer follows at once.
func (h *Handler) saveSettings(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	st := p.Settings
	st.Moderation = c.FormValue("moderation")
	st.Comments = model.Switch(c.FormValue("comments"))
	st.Ratings = model.Switch(c.FormValue("ratings"))
	st.GeometryTypes = nil
	for _, g := range []string{"Point", "LineString", "Polygon", "none"} {
		if c.FormValue("geometry_"+g) == "on" {
			st.GeometryTypes = append(st.GeometryTypes, g)
		}
	}
	errs := map[string]string{}
	for field, dst := range map[string]*int{"text_min": &st.TextMin, "text_max": &st.TextMax} {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(field)))
		if err != nil {
			errs[field] = l.T("validation.not_a_number")
		}
		*dst = n
	}
	if v := strings.TrimSpace(c.FormValue("retention_days")); v != "" {
		st.RetentionDays = retentionDays(v)
	}
	st.WMSURL = strings.TrimSpace(utils.CopyString(c.FormValue("wms_url")))
	st.WMSLayers = strings.TrimSpace(utils.CopyString(c.FormValue("wms_layers")))
	if len(errs) == 0 {
		err = h.Moderation.UpdateSettings(c.UserContext(), web.User(c), p, st)
		var verrs model.Errors
		if errors.As(err, &verrs) {
			errs = web.FieldMessages(l, verrs)
		} else if err != nil {
			return h.WriteError(c, err)
		}
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSettings(c, p, st, errs)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/settings?notice=saved", fiber.StatusSeeOther)
}

// retentionDays reads the retention field; what is not a number of days
// (or fewer than one) becomes -1, which the settings' validation refuses.
func retentionDays(v string) int {
	if n, err := strconv.Atoi(v); err == nil && n >= 1 {
		return n
	}
	return -1
}
