package public

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/data"
	"github.com/mitreden/mitreden/internal/web"
)

// registerSitePages adds the site pages a public body must have (Impressum,
// Datenschutz, Barrierefreiheit, Kontakt), one route each; any other path
// stays a 404.
func (h *Handler) registerSitePages(app *fiber.App) {
	for _, name := range data.SitePages {
		app.Get("/"+name, h.sitePage(name))
	}
}

// sitePage renders one embedded site page like a content page: English in
// English, Leichte Sprache in de-x-ls unless ?easy=0, and the easy variant
// on ?easy=1 in the other languages.
func (h *Handler) sitePage(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		l := web.Localizer(c)
		easy := c.Query("easy") == "1"
		if l.Tag == "de-x-ls" {
			easy = c.Query("easy") != "0"
		}
		variant := ""
		if l.Tag == "en" {
			variant = "en"
		}
		easyMD, hasEasy := data.SitePage(name, "easy")
		body, ok := data.SitePage(name, variant)
		if !ok {
			body, ok = data.SitePage(name, "")
		}
		if !ok {
			return h.notFound(c, "error.page_not_found")
		}
		if easy && hasEasy {
			body = easyMD
		}
		titleKey := "site." + name + ".title"
		if easy && hasEasy {
			titleKey = "site." + name + ".easy_title"
		}
		title := l.T(titleKey)
		return h.Render(c, "page", fiber.Map{"Title": title, "Page": fiber.Map{"Title": title},
			"Body": withoutTitle(body), "Easy": easy && hasEasy, "HasEasy": hasEasy})
	}
}
