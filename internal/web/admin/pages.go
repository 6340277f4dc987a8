package admin

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// pages lists a procedure's content pages with a link per locale.
func (h *Handler) pages(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderPages(c, p, "", "", nil)
}

// pageForm shows one page in one locale for editing; a locale without its
// own version starts from the German text.
func (h *Handler) pageForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	locale := c.Query("locale", "de")
	if !h.I18n.Has(locale) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_locale", web.Localizer(c).T("admin.bad_locale"))
	}
	pg, err := h.Moderation.Page(c.UserContext(), p.ID, utils.CopyString(c.Params("page")), locale)
	if errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.page_not_found"))
	}
	if err != nil {
		return err
	}
	pg.Locale = locale
	notice := ""
	if c.Query("notice") == "saved" {
		notice = web.Localizer(c).T("admin.page_saved")
	}
	return h.renderPage(c, p, pg, nil, notice)
}

func (h *Handler) renderPage(c *fiber.Ctx, p *model.Procedure, pg model.Page, errs map[string]string, notice string) error {
	return h.Render(c, "admin-page", fiber.Map{"Title": pg.Title + " – " + web.Localizer(c).T("admin.pages"), "User": web.User(c),
		"Proc": p, "Page": pg, "PageLang": content.LocaleOf(pg.Locale), "Errors": errs, "Notice": notice})
}

func (h *Handler) savePage(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	locale := c.Query("locale", "de")
	if !h.I18n.Has(locale) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_locale", l.T("admin.bad_locale"))
	}
	slug := utils.CopyString(c.Params("page"))
	if _, err := h.Moderation.Page(c.UserContext(), p.ID, slug, "de"); errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.page_not_found"))
	} else if err != nil {
		return err
	}
	pg := model.Page{Slug: slug, Locale: locale, Title: utils.CopyString(c.FormValue("title")),
		BodyMD: utils.CopyString(c.FormValue("body")), EasyMD: utils.CopyString(c.FormValue("easy"))}
	err = h.Moderation.SavePage(c.UserContext(), web.User(c), p, pg)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPage(c, p, pg, web.FieldMessages(l, verrs), "")
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/pages/"+url.PathEscape(slug)+"?locale="+url.QueryEscape(locale)+"&notice=saved", fiber.StatusSeeOther)
}
