package admin

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// maxRows bounds the rows of the timeline, categories and types editors.
const maxRows = 30

// rowCount is how many rows a posted editor form says it has.
func rowCount(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.FormValue("rows"))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, maxRows)
}

func (h *Handler) phasesForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if _, ok, err := h.editLocale(c); !ok {
		return err
	}
	var rows []authoring.PhaseRow
	for _, ph := range p.Phases {
		rows = append(rows, authoring.RowOf(ph))
	}
	return h.renderPhases(c, p, rows, nil)
}

func (h *Handler) renderPhases(c *fiber.Ctx, p *model.Procedure, rows []authoring.PhaseRow, errs map[string]string) error {
	for len(rows) < 4 || !rows[len(rows)-1].Empty() {
		rows = append(rows, authoring.PhaseRow{})
	}
	locale := c.Query("locale", "de")
	if !validLocale(locale) {
		locale = "de"
	}
	return h.authorPage(c, "admin-edit-phases", "phases", p, localeData(fiber.Map{"Rows": numbered(rows), "Count": len(rows), "Errors": errs,
		"Kinds": []model.PhaseKind{model.PhaseInformation, model.PhaseParticipation, model.PhaseEvaluation, model.PhaseResults}},
		"/admin/p/"+p.Slug+"/phases", locale))
}

func (h *Handler) savePhases(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	var rows []authoring.PhaseRow
	for i := 1; i <= rowCount(c); i++ {
		f := func(s string) string { return form(c, fmt.Sprintf("phase-%d-%s", i, s)) }
		rows = append(rows, authoring.PhaseRow{Kind: f("kind"), Title: f("title"), Start: f("start"), End: f("end"), Titles: phaseTitles(c, i)})
	}
	if err := h.Authoring.SavePhases(c.UserContext(), web.User(c), p, rows); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error { return h.renderPhases(c, p, rows, errs) })
	}
	locale := c.Query("locale", "de")
	if !validLocale(locale) {
		locale = "de"
	}
	return c.Redirect("/admin/p/"+p.Slug+"/phases?locale="+locale+"&notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) categoriesForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	var cats, types []authoring.CategoryRow
	for i, k := range p.Categories {
		cats = append(cats, authoring.CategoryRow{Key: k.Key, Label: k.Label, Colour: k.Colour, Icon: k.Icon, Order: strconv.Itoa((i + 1) * 10)})
	}
	for i, t := range p.Types {
		types = append(types, authoring.CategoryRow{Key: t.Key, Label: t.Label, Order: strconv.Itoa((i + 1) * 10)})
	}
	return h.renderCategories(c, p, cats, types, nil)
}

func (h *Handler) renderCategories(c *fiber.Ctx, p *model.Procedure, cats, types []authoring.CategoryRow, errs map[string]string) error {
	for len(cats) < 2 || cats[len(cats)-1].Key != "" {
		cats = append(cats, authoring.CategoryRow{Colour: "#005CA9", Order: strconv.Itoa((len(cats) + 1) * 10)})
	}
	for len(types) < 1 || types[len(types)-1].Key != "" {
		types = append(types, authoring.CategoryRow{Order: strconv.Itoa((len(types) + 1) * 10)})
	}
	return h.authorPage(c, "admin-edit-categories", "categories", p, fiber.Map{"Cats": numbered(cats), "CatCount": len(cats),
		"Types": numbered(types), "TypeCount": len(types), "Errors": errs,
		"Icons": h.Assets.Names("icons/", ".svg"), "LabelLocales": content.Locales})
}

func readRows(c *fiber.Ctx, what string) []authoring.CategoryRow {
	var rows []authoring.CategoryRow
	for i := 1; i <= rowCount(c); i++ {
		f := func(s string) string { return form(c, fmt.Sprintf("%s-%d-%s", what, i, s)) }
		labels := model.Labels{}
		for _, l := range authorLocales {
			labels[l] = f("label-" + l)
		}
		rows = append(rows, authoring.CategoryRow{Key: f("key"), Label: labels, Colour: f("colour"), Icon: f("icon"),
			Order: f("order"), Delete: f("delete") == "on"})
	}
	return rows
}

func (h *Handler) saveCategories(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	rows := readRows(c, "category")
	if err := h.Authoring.SaveCategories(c.UserContext(), web.User(c), p, rows, h.Assets.Names("icons/", ".svg")); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			return h.renderCategories(c, p, rows, typeRows(p), errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/categories?notice=saved", fiber.StatusSeeOther)
}

func typeRows(p *model.Procedure) []authoring.CategoryRow {
	var out []authoring.CategoryRow
	for i, t := range p.Types {
		out = append(out, authoring.CategoryRow{Key: t.Key, Label: t.Label, Order: strconv.Itoa((i + 1) * 10)})
	}
	return out
}

func (h *Handler) saveTypes(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	rows := readRows(c, "type")
	if err := h.Authoring.SaveTypes(c.UserContext(), web.User(c), p, rows); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			var cats []authoring.CategoryRow
			for i, k := range p.Categories {
				cats = append(cats, authoring.CategoryRow{Key: k.Key, Label: k.Label, Colour: k.Colour, Icon: k.Icon, Order: strconv.Itoa((i + 1) * 10)})
			}
			return h.renderCategories(c, p, cats, rows, errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/categories?notice=saved", fiber.StatusSeeOther)
}

// numberedRow is an editor row with its number (from 1), which names its
// fields ("phase-2-start").
type numberedRow[T any] struct {
	N int
	R T
}

func numbered[T any](rows []T) []numberedRow[T] {
	out := make([]numberedRow[T], len(rows))
	for i, r := range rows {
		out[i] = numberedRow[T]{i + 1, r}
	}
	return out
}
