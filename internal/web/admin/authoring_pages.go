package admin

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// renderPages lists a procedure's content pages with a link per locale,
// buttons to move and delete each, and the form that adds one.
func (h *Handler) renderPages(c *fiber.Ctx, p *model.Procedure, slug, title string, errs map[string]string) error {
	slugs, err := h.Moderation.PageSlugs(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	data := fiber.Map{"Title": l.T("admin.pages") + " – " + p.Title, "User": web.User(c), "Section": "pages",
		"Proc": p, "Slugs": slugs, "Locales": h.I18n.Available(), "NewSlug": slug, "NewTitle": title, "Errors": errs}
	if n := c.Query("notice"); n == "saved" || n == "deleted" {
		data["Notice"] = l.T("author.notice_" + n)
	}
	return h.Render(c, "admin-pages", data)
}

func (h *Handler) addPage(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	slug, title := form(c, "page_slug"), form(c, "page_title")
	if err := h.Authoring.AddPage(c.UserContext(), web.User(c), p, slug, title); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			if m, ok := errs["slug"]; ok {
				errs = map[string]string{"page-slug": m}
			}
			return h.renderPages(c, p, slug, title, errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/pages/"+url.PathEscape(slug)+"?locale=de", fiber.StatusSeeOther)
}

func (h *Handler) movePage(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	by := 1
	if c.FormValue("dir") == "up" {
		by = -1
	}
	if err := h.Authoring.MovePage(c.UserContext(), web.User(c), p, utils.CopyString(c.Params("page")), by); err != nil {
		return h.authorFailed(c, err, nil)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/pages?notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) deletePage(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if err := h.Authoring.DeletePage(c.UserContext(), web.User(c), p, utils.CopyString(c.Params("page"))); err != nil {
		return h.authorFailed(c, err, nil)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/pages?notice=deleted", fiber.StatusSeeOther)
}
