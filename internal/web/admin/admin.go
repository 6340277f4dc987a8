// Package admin serves the planners' back office under /admin: login with
// a session, the procedures overview with exports, the moderation queue
// and the audit log. Its pages are server-rendered forms with CSRF tokens;
// the steps themselves are the moderation service's.
package admin

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/web"
)

// Handler serves the back office.
type Handler struct {
	*web.Server
}

// Register adds the /admin routes.
func Register(app *fiber.App, s *web.Server) {
	h := &Handler{Server: s}
	csrf := s.CSRF()
	g := app.Group("/admin", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
		return c.Next()
	})
	g.Get("/login", csrf, h.loginForm)
	g.Post("/login", s.LoginLimiter(), csrf, h.login)
	g.Post("/logout", csrf, h.logout)
	g.Get("/", csrf, h.session("moderate"), h.home)
	g.Get("/p/:slug", csrf, h.session("moderate"), h.procedure)
	g.Post("/p/:slug/contributions/:id", csrf, h.session("moderate"), h.moderate)
	g.Post("/p/:slug/comments/:id", csrf, h.session("moderate"), h.moderateComment)
	g.Post("/p/:slug/bulk", csrf, h.session("moderate"), h.bulk)
	g.Get("/p/:slug/search", csrf, h.session("moderate"), h.search)
	g.Get("/p/:slug/contributions/:id", csrf, h.session("moderate"), h.contribution)
	g.Post("/p/:slug/contributions/:id/act", csrf, h.session("moderate"), h.act)
	g.Get("/p/:slug/settings", csrf, h.session("manage_procedures"), h.settingsForm)
	g.Post("/p/:slug/settings", csrf, h.session("manage_procedures"), h.saveSettings)
	g.Get("/p/:slug/pages", csrf, h.session("manage_procedures"), h.pages)
	g.Get("/p/:slug/pages/:page", csrf, h.session("manage_procedures"), h.pageForm)
	g.Post("/p/:slug/pages/:page", csrf, h.session("manage_procedures"), h.savePage)
	g.Get("/p/:slug/tables", csrf, h.session("manage_procedures"), h.tables)
	g.Get("/p/:slug/analysis", csrf, h.session("moderate"), h.analysis)
	g.Get("/p/:slug/topics/:key", csrf, h.session("moderate"), h.topic)
	g.Post("/p/:slug/topics/:key", csrf, h.session("export"), h.editTopic)
	g.Get("/p/:slug/report", csrf, h.session("moderate"), h.report)
	g.Get("/p/:slug/lifecycle", csrf, h.session("manage_procedures"), h.lifecyclePage)
	g.Post("/p/:slug/status", csrf, h.session("manage_procedures"), h.setStatus)
	g.Post("/p/:slug/duplicate", csrf, h.session("manage_procedures"), h.duplicate)
	g.Post("/p/:slug/delete", csrf, h.session("manage_users"), h.deleteProcedure)
	g.Get("/account", csrf, h.session("moderate"), h.account)
	g.Post("/account", s.LoginLimiter(), csrf, h.session("moderate"), h.changePassword)
	g.Get("/audit", csrf, h.session("manage_users"), h.audit)
	g.Get("/feedback", csrf, h.session("manage_users"), h.feedbackList)
	g.Post("/feedback/:id/done", csrf, h.session("manage_users"), h.feedbackDone)
	g.Get("/users", csrf, h.session("manage_users"), h.users)
	g.Post("/users", csrf, h.session("manage_users"), h.createUser)
	g.Post("/users/token", csrf, h.session("manage_users"), h.createToken)
	g.Post("/users/lock", csrf, h.session("manage_users"), h.lockUser)
	g.Post("/users/reset", csrf, h.session("manage_users"), h.resetPassword)
	h.registerMail(g)
	h.registerAuthoring(g, csrf)
	h.registerSite(g, csrf)
	g.Post("/users/procedures", csrf, h.session("manage_users"), h.setUserProcedures)
}

// session admits a logged-in account whose role may do action; others go
// to the login page (no session) or get 403 (role).
func (h *Handler) session(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := h.SessionUser(c)
		if u == nil {
			return c.Redirect("/admin/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
		}
		if !auth.Can(u.Role, action) {
			return h.Fail(c, fiber.StatusForbidden, "forbidden", web.Localizer(c).T("error.forbidden"))
		}
		// Planners and moderators act only in their own procedures.
		if ok, err := h.InScope(c, u); err != nil {
			return err
		} else if !ok {
			return h.Fail(c, fiber.StatusForbidden, "forbidden", web.Localizer(c).T("error.forbidden"))
		}
		c.Locals("user", u)
		return c.Next()
	}
}
