package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// registerAuthoring adds the pages that build a procedure: a new one from
// a slug and a title, then its texts, phases, categories, area and map,
// pages, plan variants, appointments and files.
func (h *Handler) registerAuthoring(g fiber.Router, csrf fiber.Handler) {
	may := h.session("manage_procedures")
	g.Get("/procedures/new", csrf, may, h.newProcedureForm)
	g.Post("/procedures/new", csrf, may, h.createProcedure)
	g.Post("/preview", csrf, may, h.preview)
	g.Get("/p/:slug/edit", csrf, may, h.textsForm)
	g.Post("/p/:slug/edit", csrf, may, h.saveTexts)
	g.Get("/p/:slug/phases", csrf, may, h.phasesForm)
	g.Post("/p/:slug/phases", csrf, may, h.savePhases)
	g.Get("/p/:slug/categories", csrf, may, h.categoriesForm)
	g.Post("/p/:slug/categories", csrf, may, h.saveCategories)
	g.Post("/p/:slug/types", csrf, may, h.saveTypes)
	g.Get("/p/:slug/area", csrf, may, h.areaForm)
	g.Post("/p/:slug/area", csrf, may, h.saveArea)
	g.Post("/p/:slug/map", csrf, may, h.saveMap)
	g.Post("/p/:slug/map/test", csrf, may, h.testWMS)
	g.Post("/p/:slug/pages", csrf, may, h.addPage)
	g.Post("/p/:slug/pages/:page/move", csrf, may, h.movePage)
	g.Post("/p/:slug/pages/:page/delete", csrf, may, h.deletePage)
	g.Get("/p/:slug/variants", csrf, may, h.variantsForm)
	g.Post("/p/:slug/variants", csrf, may, h.saveVariant)
	g.Post("/p/:slug/variants/delete", csrf, may, h.deleteVariant)
	g.Post("/p/:slug/variants/translate", csrf, may, h.translateVariant)
	g.Post("/p/:slug/appointments/translate", csrf, may, h.translateAppointment)
	g.Post("/p/:slug/appointments", csrf, may, h.addAppointment)
	g.Post("/p/:slug/appointments/delete", csrf, may, h.deleteAppointment)
	g.Get("/p/:slug/files", csrf, may, h.filesForm)
	g.Post("/p/:slug/files", csrf, may, h.addFile)
	g.Post("/p/:slug/files/delete", csrf, may, h.deleteFile)
	h.AllowUploads(uploadRoute)
}

// uploadRoute reports whether path takes files: attachments, a plan
// variant's image, a planning area as a GeoJSON file.
func uploadRoute(path string) bool {
	if path == "/admin/site/video" {
		return true
	}
	if !strings.HasPrefix(path, "/admin/p/") {
		return false
	}
	for _, s := range []string{"/files", "/variants", "/area", "/subareas", "/video"} {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

// authorLocales are the locales a procedure's texts are written in: the
// interface languages (content.Locales, the one list of them).
var authorLocales = func() []string {
	out := make([]string, len(content.Locales))
	for i, l := range content.Locales {
		out[i] = l.Tag
	}
	return out
}()

func form(c *fiber.Ctx, key string) string { return utils.CopyString(c.FormValue(key)) }

// authorFailed answers a refused authoring step: validation errors show the
// form again (422) through again, with the input kept; a taken slug is 409.
// Steps without a form (delete, move) pass nil for again.
func (h *Handler) authorFailed(c *fiber.Ctx, err error, again func(errs map[string]string) error) error {
	l := web.Localizer(c)
	var verrs model.Errors
	switch {
	case again == nil && errors.As(err, &verrs):
		return h.WriteError(c, err) // a step without a form of its own
	case again == nil && errors.Is(err, store.ErrConflict):
		return h.Fail(c, fiber.StatusConflict, "conflict", l.T("author.slug_taken"))
	case errors.As(err, &verrs):
		c.Status(fiber.StatusUnprocessableEntity)
		return again(web.FieldMessages(l, verrs))
	case errors.Is(err, store.ErrConflict):
		c.Status(fiber.StatusConflict)
		return again(map[string]string{"slug": l.T("author.slug_taken")})
	case errors.Is(err, authoring.ErrForbidden):
		return h.Fail(c, fiber.StatusForbidden, "forbidden", l.T("error.forbidden"))
	case errors.Is(err, store.ErrNotFound):
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("author.not_found"))
	}
	return err
}

// authorPage renders an editor page with what they all show.
func (h *Handler) authorPage(c *fiber.Ctx, page, section string, p *model.Procedure, data fiber.Map) error {
	l := web.Localizer(c)
	data["Title"] = l.T("author."+section) + " – " + p.Title
	data["User"], data["Proc"], data["Section"] = web.User(c), p, section
	if n := c.Query("notice"); n == "saved" || n == "created" || n == "deleted" {
		data["Notice"] = l.T("author.notice_" + n)
	}
	return h.Render(c, page, data)
}

func (h *Handler) newProcedureForm(c *fiber.Ctx) error {
	return h.renderNew(c, "", "", nil)
}

func (h *Handler) renderNew(c *fiber.Ctx, slug, title string, errs map[string]string) error {
	return h.Render(c, "admin-procedure-new", fiber.Map{"Title": web.Localizer(c).T("author.new"), "User": web.User(c),
		"Slug": slug, "ProcTitle": title, "Errors": errs})
}

func (h *Handler) createProcedure(c *fiber.Ctx) error {
	slug, title := strings.TrimSpace(form(c, "slug")), form(c, "title")
	p, err := h.Authoring.Create(c.UserContext(), web.User(c), slug, title)
	if err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error { return h.renderNew(c, slug, title, errs) })
	}
	return c.Redirect("/admin/p/"+p.Slug+"/edit?notice=created", fiber.StatusSeeOther)
}

// preview renders Markdown as the public pages do (the same sanitising
// renderer), for the editor's live preview.
func (h *Handler) preview(c *fiber.Ctx) error {
	md := c.FormValue("md")
	if len(md) > model.PageBodyMax*4 {
		return h.Fail(c, fiber.StatusRequestEntityTooLarge, "too_long", web.Localizer(c).T("validation.too_long", "Max", model.PageBodyMax))
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(string(h.Markdown.Render(md)))
}

func (h *Handler) textsForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	locale := c.Query("locale", "de")
	if !validLocale(locale) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_locale", web.Localizer(c).T("admin.bad_locale"))
	}
	return h.renderTexts(c, p, locale, authoring.TextsOf(p, locale), nil)
}

func validLocale(l string) bool {
	for _, x := range authorLocales {
		if x == l {
			return true
		}
	}
	return false
}

func (h *Handler) renderTexts(c *fiber.Ctx, p *model.Procedure, locale string, t authoring.Texts, errs map[string]string) error {
	return h.authorPage(c, "admin-edit", "texts", p, fiber.Map{"EditLocale": locale, "AuthorLocales": content.Locales,
		"EditLang": content.LocaleOf(locale), "T": t, "Errors": errs})
}

func (h *Handler) saveTexts(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	locale := c.Query("locale", "de")
	if !validLocale(locale) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_locale", web.Localizer(c).T("admin.bad_locale"))
	}
	t := authoring.Texts{Title: form(c, "title"), Summary: form(c, "summary"), Intro: form(c, "intro")}
	if err := h.Authoring.SaveTexts(c.UserContext(), web.User(c), p, locale, t); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error { return h.renderTexts(c, p, locale, t, errs) })
	}
	return c.Redirect("/admin/p/"+p.Slug+"/edit?locale="+locale+"&notice=saved", fiber.StatusSeeOther)
}
