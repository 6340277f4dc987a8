package admin

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/web"
)

// bulkForm is a refused bulk step shown again: its message, the selected
// contributions and the reason typed.
type bulkForm struct {
	Error    string
	Selected map[string]bool
	All      bool
	Reason   string
	// Planning is the planning status chosen for the selection.
	Planning string
}

// bulk publishes or hides the contributions selected in the queue (the
// checkboxes, or "all on this page"), each audited on its own. It works as
// a plain form post; a refused step shows the page again with a message
// and the selection kept.
func (h *Handler) bulk(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	args := c.Request().PostArgs()
	field := "ids"
	all := string(args.Peek("all")) == "on"
	if all {
		field = "page_ids"
	}
	var ids []string
	for _, v := range args.PeekMulti(field) {
		ids = append(ids, string(v)) // string() copies out of the request buffer
	}
	f := bulkForm{Selected: map[string]bool{}, All: all, Reason: utils.CopyString(c.FormValue("reason"))}
	for _, id := range ids {
		f.Selected[id] = true
	}
	if c.FormValue("action") == "planning" {
		return h.bulkPlanning(c, p, ids, f)
	}
	var status model.ContributionStatus
	switch c.FormValue("action") {
	case "publish":
		status = model.Published
	case "hide":
		status = model.Hidden
	default:
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", l.T("admin.bad_action"))
	}
	res, err := h.Moderation.Bulk(c.UserContext(), web.User(c), p.ID, ids, status, f.Reason)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		f.Error = bulkMessage(l, verrs[0])
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderBoard(c, p, f)
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect("/admin/p/"+p.Slug+"?notice=bulk_"+map[model.ContributionStatus]string{model.Published: "published", model.Hidden: "hidden"}[status]+
		"&n="+strconv.Itoa(res.Done)+"&skipped="+strconv.Itoa(res.Skipped), fiber.StatusSeeOther)
}

// bulkPlanning sets the planning status chosen ("" for none) on the
// selected contributions, each by the rule for a single one.
func (h *Handler) bulkPlanning(c *fiber.Ctx, p *model.Procedure, ids []string, f bulkForm) error {
	l := web.Localizer(c)
	key := "\x00" // a form without the field names no status: refused as unknown
	if args := c.Request().PostArgs(); args.Has("planning_status") {
		key = string(args.Peek("planning_status")) // string() copies out of the request buffer
		f.Planning = key
	}
	res, err := h.Moderation.BulkPlanningStatus(c.UserContext(), web.User(c), p, ids, key)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		f.Error = bulkMessage(l, verrs[0])
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderBoard(c, p, f)
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect("/admin/p/"+p.Slug+"?notice=bulk_planning&n="+strconv.Itoa(res.Done)+"&skipped="+strconv.Itoa(res.Skipped), fiber.StatusSeeOther)
}

// bulkMessage says why a bulk step was refused.
func bulkMessage(l *content.Localizer, e model.FieldError) string {
	switch {
	case e.Field == "ids" && e.Code == "required":
		return l.T("modbulk.none_selected")
	case e.Field == "ids":
		return l.T("modbulk.too_many", "Max", moderation.BulkMax)
	case e.Field == "reason" && e.Code == "required":
		return l.T("modbulk.reason_required")
	case e.Field == "planning_status":
		return l.T("modbulk.planning_unknown")
	}
	return l.T("admin.error_reason")
}

// queueMap is the queue's contributions as GeoJSON points for the map
// view (js/queue-map.js): title, category, status and the back-office link.
func queueMap(p *model.Procedure, l *content.Localizer, b *moderation.Board) string {
	type props struct {
		Title    string `json:"title"`
		Category string `json:"category"`
		Label    string `json:"label"`
		Status   string `json:"status"`
		Place    string `json:"place"`
		Reports  int    `json:"reports"`
		URL      string `json:"url"`
	}
	type feat struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties props          `json:"properties"`
	}
	fc := struct {
		Type     string `json:"type"`
		Features []feat `json:"features"`
	}{Type: "FeatureCollection", Features: []feat{}}
	seen := map[string]bool{}
	for _, list := range [][]moderation.Card{b.Reported, b.Waiting, b.Hidden} {
		for _, cd := range list {
			pt, ok := cd.Located()
			if !ok || seen[cd.ID] {
				continue
			}
			seen[cd.ID] = true
			fc.Features = append(fc.Features, feat{Type: "Feature",
				Geometry: map[string]any{"type": "Point", "coordinates": []float64{pt.Lon(), pt.Lat()}},
				Properties: props{Title: cd.Title, Category: cd.Category, Label: p.CategoryLabel(cd.Category, l.Tag),
					Status: l.T("cstatus." + string(cd.Status)), Place: cd.Place, Reports: len(cd.Reports),
					URL: "/admin/p/" + p.Slug + "/contributions/" + cd.ID}})
		}
	}
	out, _ := json.Marshal(fc)
	return string(out)
}
