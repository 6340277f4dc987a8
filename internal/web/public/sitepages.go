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
		// The page in the reader's language where it is written, else in
		// German, marked as such (BodyLang).
		bodyLang := l.Lang()
		easyMD, hasEasy := data.SitePage(name, "easy")
		body, ok := data.SitePage(name, l.Tag)
		if !ok || l.Lang() == "de" {
			body, ok = data.SitePage(name, "")
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
		return h.Render(c, "page", fiber.Map{"Title": title, "Page": fiber.Map{"Title": title},
			"Body": withoutTitle(body), "BodyLang": bodyLang, "Easy": easy && hasEasy, "HasEasy": hasEasy})
	}
}
