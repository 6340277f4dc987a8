// Package public serves the residents' pages: the procedures overview, a
// procedure with map and list, content pages, contribution detail, the
// contribution form with a no-map path, the private manage page, statistics,
// conceptions and appointments.
package public

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// Handler serves the public pages.
type Handler struct{ *web.Server }

// Register adds the public routes. Form posts carry a CSRF token and count
// against the write limit.
func Register(app *fiber.App, s *web.Server) {
	h := &Handler{s}
	csrf := s.CSRF()
	app.Get("/", csrf, h.home)
	app.Get("/p/:slug", csrf, h.procedure)
	app.Get("/p/:slug/pages/:page", csrf, h.page)
	app.Get("/p/:slug/statistics", csrf, h.statistics)
	app.Get("/p/:slug/conceptions", csrf, h.conceptions)
	app.Post("/p/:slug/conceptions/:key/ratings", s.WriteLimiter(), csrf, h.rateConception)
	app.Post("/p/:slug/conceptions/:key/comments", s.WriteLimiter(), csrf, h.commentConception)
	app.Post("/p/:slug/conceptions/:key/flags", s.WriteLimiter(), csrf, h.flagConceptionComment)
	app.Get("/p/:slug/appointments.ics", h.ics)
	app.Get("/p/:slug/feed.atom", h.procedureFeed)
	app.Get("/p/:slug/contributions/:id/feed.atom", h.contributionFeed)
	app.Get("/p/:slug/contribute", csrf, h.contributeForm)
	app.Post("/p/:slug/contribute", s.WriteLimiter(), csrf, h.contribute)
	app.Get("/p/:slug/contributions/:id", csrf, h.contribution)
	app.Post("/p/:slug/contributions/:id/comments", s.WriteLimiter(), csrf, h.comment)
	app.Post("/p/:slug/contributions/:id/ratings", s.WriteLimiter(), csrf, h.rate)
	app.Post("/p/:slug/contributions/:id/flags", s.WriteLimiter(), csrf, h.flag)
	app.Get("/table/:slug", csrf, h.table)
	app.Post("/table/:slug", s.WriteLimiter(), csrf, h.tableSubmit)
	app.Get("/table/:slug/qr.svg", h.tableQR)
	h.registerWall(app)
	app.Get("/manage/:token", web.NoStore, csrf, h.manage)
	app.Post("/manage/:token", web.NoStore, s.WriteLimiter(), csrf, h.manageSave)
	app.Post("/manage/:token/subscription", web.NoStore, s.WriteLimiter(), csrf, h.manageSubscription)
	h.registerErase(app)
	app.Get("/p/:slug/theme.css", h.themeCSS)
	app.Get("/p/:slug/files/:id/:name", h.file)
	h.registerSitePages(app)
	h.registerSignLanguage(app, csrf)
	h.registerMail(app)
}

func (h *Handler) notFound(c *fiber.Ctx, key string) error {
	return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T(key))
}

// procView is what every procedure page shows in its header and navigation.
type procView struct {
	*model.Procedure
	Text    model.ProcedureText
	Status  model.ProcedureStatus
	Open    bool
	Current model.Phase
	Pages   []model.Page
}

func (h *Handler) procView(c *fiber.Ctx, p *model.Procedure) (procView, error) {
	now := h.Now()
	v := procView{Procedure: p, Text: p.Text(web.Localizer(c).Tag), Status: p.Status(now), Open: p.ParticipationOpen(now)}
	v.Current, _ = p.CurrentPhase(now)
	var err error
	v.Pages, err = h.Part.Pages(c.UserContext(), p.ID, web.Localizer(c).Tag)
	return v, err
}

func noticeText(l interface{ T(string, ...any) string }, key string) string {
	switch key {
	case "commented", "comment_pending", "rated", "flagged", "unrated":
		return l.T("notice." + key)
	}
	return ""
}
