package admin

import (
	"errors"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/data"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/site"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// The site's own content (BITV 2.0): the site pages' texts in each
// language and the videos in German Sign Language, for the site (admins)
// and for each procedure (its planners).
func (h *Handler) registerSite(g fiber.Router, csrf fiber.Handler) {
	admin := h.session("manage_users")
	g.Get("/site", csrf, admin, h.sitePages)
	g.Get("/site/pages/:name/:variant", csrf, admin, h.sitePageForm)
	g.Post("/site/pages/:name/:variant", csrf, admin, h.saveSitePage)
	g.Post("/site/video", csrf, admin, h.saveSignVideo)
	g.Post("/site/video/delete", csrf, admin, h.deleteSignVideo)
	planner := h.session("manage_procedures")
	g.Get("/p/:slug/video", csrf, planner, h.signVideoForm)
	g.Post("/p/:slug/video", csrf, planner, h.saveSignVideo)
	g.Post("/p/:slug/video/delete", csrf, planner, h.deleteSignVideo)
}

// variantParam is how a site page's variant is written in a path: German
// is "de", the others by their own name.
func variantParam(v string) string {
	if v == "" {
		return "de"
	}
	return v
}

func variantOfParam(s string) string {
	if s == "de" {
		return ""
	}
	return s
}

type sitePageRow struct {
	Name, Title string
	Variants    []siteVariant
}

type siteVariant struct {
	Param, Label string
	Own, Shipped bool
}

func (h *Handler) sitePages(c *fiber.Ctx) error {
	return h.renderSite(c, nil)
}

func (h *Handler) renderSite(c *fiber.Ctx, errs map[string]string) error {
	ctx := c.UserContext()
	l := web.Localizer(c)
	written, err := h.Site.Written(ctx)
	if err != nil {
		return err
	}
	var rows []sitePageRow
	for _, name := range data.SitePages {
		r := sitePageRow{Name: name, Title: l.T("site." + name + ".title")}
		for _, v := range site.Variants {
			_, shipped := data.SitePage(name, v)
			r.Variants = append(r.Variants, siteVariant{Param: variantParam(v), Label: l.T("site_admin.variant_" + variantParam(v)),
				Own: slices.Contains(written[name], v), Shipped: shipped})
		}
		rows = append(rows, r)
	}
	video, err := h.Site.Video(ctx, store.SiteProcedure)
	if err != nil && !errors.Is(err, site.ErrNotFound) {
		return err
	}
	return h.Render(c, "admin-site", fiber.Map{"Title": l.T("site_admin.title"), "User": web.User(c), "Pages": rows,
		"Video": video, "VideoAction": "/admin/site/video", "VideoPublic": "/gebaerdensprache", "Errors": errs,
		"Notice": noticeOf(l, c.Query("notice"))})
}

func noticeOf(l interface{ T(string, ...any) string }, n string) string {
	if n == "saved" || n == "deleted" {
		return l.T("author.notice_" + n)
	}
	return ""
}

func (h *Handler) sitePageForm(c *fiber.Ctx) error {
	name, variant := c.Params("name"), variantOfParam(c.Params("variant"))
	md, _, _, err := h.Site.Page(c.UserContext(), name, variant)
	if err != nil {
		return err
	}
	return h.renderSitePage(c, name, variant, md, nil)
}

func (h *Handler) renderSitePage(c *fiber.Ctx, name, variant, md string, errs map[string]string) error {
	l := web.Localizer(c)
	if !slices.Contains(data.SitePages, name) || !slices.Contains(site.Variants, variant) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.page_not_found"))
	}
	_, own, _, err := h.Site.Page(c.UserContext(), name, variant)
	if err != nil {
		return err
	}
	lang, dir := variantParam(variant), "ltr"
	switch variant {
	case "easy":
		lang = "de"
	case "ar":
		dir = "rtl"
	}
	return h.Render(c, "admin-site-page", fiber.Map{"Title": l.T("site."+name+".title") + " – " + l.T("site_admin.variant_"+variantParam(variant)),
		"User": web.User(c), "Name": name, "Variant": variantParam(variant), "Body": md, "Own": own, "BodyLang": lang, "BodyDir": dir,
		"Errors": errs, "Max": site.MaxBody})
}

func (h *Handler) saveSitePage(c *fiber.Ctx) error {
	name, variant := c.Params("name"), variantOfParam(c.Params("variant"))
	body := form(c, "body")
	if c.FormValue("reset") != "" {
		body = ""
	}
	err := h.Site.SavePage(c.UserContext(), web.User(c), name, variant, body)
	var verrs model.Errors
	switch {
	case errors.Is(err, site.ErrNotFound):
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.page_not_found"))
	case errors.As(err, &verrs):
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSitePage(c, name, variant, body, web.FieldMessages(web.Localizer(c), verrs))
	case err != nil:
		return err
	}
	return c.Redirect("/admin/site?notice=saved", fiber.StatusSeeOther)
}

// videoTarget is the procedure whose video a route changes (its slug's),
// or the site's; ok is false when the answer is written.
func (h *Handler) videoTarget(c *fiber.Ctx) (p *model.Procedure, id int64, ok bool, err error) {
	if c.Params("slug") == "" {
		return nil, store.SiteProcedure, true, nil
	}
	if p, err = h.LoadProcedure(c); p == nil {
		return nil, 0, false, err
	}
	return p, p.ID, true, nil
}

func (h *Handler) signVideoForm(c *fiber.Ctx) error {
	p, _, ok, err := h.videoTarget(c)
	if !ok {
		return err
	}
	return h.renderSignVideo(c, p, nil)
}

func (h *Handler) renderSignVideo(c *fiber.Ctx, p *model.Procedure, errs map[string]string) error {
	if p == nil {
		return h.renderSite(c, errs)
	}
	video, err := h.Site.Video(c.UserContext(), p.ID)
	if err != nil && !errors.Is(err, site.ErrNotFound) {
		return err
	}
	return h.authorPage(c, "admin-sign-video", "video", p, fiber.Map{"Video": video, "Errors": errs,
		"VideoAction": "/admin/p/" + p.Slug + "/video", "VideoPublic": "/p/" + p.Slug + "/gebaerdensprache"})
}

func (h *Handler) saveSignVideo(c *fiber.Ctx) error {
	p, id, ok, err := h.videoTarget(c)
	if !ok {
		return err
	}
	video, err := fileBytes(c, "video", site.MaxVideo)
	if err != nil {
		return err
	}
	captions, err := fileBytes(c, "captions", site.MaxCaptions)
	if err != nil {
		return err
	}
	err = h.Site.SaveVideo(c.UserContext(), web.User(c), id, video, captions)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSignVideo(c, p, web.FieldMessages(web.Localizer(c), verrs))
	}
	if err != nil {
		return err
	}
	return c.Redirect(videoPage(p)+"?notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) deleteSignVideo(c *fiber.Ctx) error {
	p, id, ok, err := h.videoTarget(c)
	if !ok {
		return err
	}
	err = h.Site.DeleteVideo(c.UserContext(), web.User(c), id)
	if errors.Is(err, site.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("dgs.none"))
	}
	if err != nil {
		return err
	}
	return c.Redirect(videoPage(p)+"?notice=deleted", fiber.StatusSeeOther)
}

// videoPage is the back-office page of a procedure's video, or of the
// site's for nil.
func videoPage(p *model.Procedure) string {
	if p == nil {
		return "/admin/site"
	}
	return "/admin/p/" + p.Slug + "/video"
}
