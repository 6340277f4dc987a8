package public

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/data"
	"github.com/mitreden/mitreden/internal/site"
	"github.com/mitreden/mitreden/internal/web"
)

// registerSitePages adds the site pages a public body must have (Impressum,
// Datenschutz, Barrierefreiheit, Kontakt), one route each, and the
// accessibility statement's feedback form; any other path stays a 404.
func (h *Handler) registerSitePages(app *fiber.App) {
	for _, name := range data.SitePages {
		app.Get("/"+name, h.CSRF(), h.sitePage(name))
	}
	app.Post("/"+feedbackPage+"/feedback", h.WriteLimiter(), h.CSRF(), h.sendFeedback)
}

// sitePage renders one embedded site page like a content page.
func (h *Handler) sitePage(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return h.renderSitePage(c, name, fiber.Map{"FeedbackSent": c.Query("sent") == "1", "FeedbackErrors": map[string]string{}})
	}
}

// renderSitePage renders site page name like a content page: in the
// reader's language where it is written (English), Leichte Sprache in
// de-x-ls unless ?easy=0, the easy variant on ?easy=1 in the other
// languages, and German otherwise, marked as such. extra holds what the page
// shows besides (the feedback form's input and messages).
func (h *Handler) renderSitePage(c *fiber.Ctx, name string, extra fiber.Map) error {
	l := web.Localizer(c)
	easy := c.Query("easy") == "1"
	if l.Tag == "de-x-ls" {
		easy = c.Query("easy") != "0"
	}
	ctx := c.UserContext()
	bodyLang := l.Lang()
	easyMD, _, hasEasy, err := h.Site.Page(ctx, name, "easy")
	if err != nil {
		return err
	}
	body, _, ok, err := h.Site.Page(ctx, name, site.VariantOf(l.Tag))
	if err != nil {
		return err
	}
	if !ok || l.Lang() == "de" {
		if body, _, ok, err = h.Site.Page(ctx, name, ""); err != nil {
			return err
		}
		bodyLang = "de"
	}
	if !ok {
		return h.notFound(c, "error.page_not_found")
	}
	if easy && hasEasy {
		body, bodyLang = easyMD, "de"
	}
	titleKey := "site." + name + ".title"
	if easy && hasEasy {
		titleKey = "site." + name + ".easy_title"
	}
	title := l.T(titleKey)
	page := fiber.Map{"Title": title, "Page": fiber.Map{"Title": title}, "Body": withoutTitle(body),
		"BodyLang": bodyLang, "Easy": easy && hasEasy, "HasEasy": hasEasy, "FeedbackForm": name == feedbackPage}
	for k, v := range extra {
		page[k] = v
	}
	return h.Render(c, "page", page)
}
