package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
)

// Lifecycle and roles per procedure, checked here once for every route:
// LoadProcedure hides drafts from everyone but their team and holders of
// the preview link; InScope keeps planners and moderators to their own
// procedures (the rule is accounts.ActsIn).

// PreviewParam is the query parameter of a draft's preview link.
const PreviewParam = "preview"

// PreviewCookie is the cookie that keeps a preview open while its holder
// moves between the draft's pages (and for its API calls and live events).
func PreviewCookie(procedureID int64) string {
	return "mitreden_preview_" + strconv.FormatInt(procedureID, 10)
}

// PreviewKey is the key of p's preview link.
func (s *Server) PreviewKey(p *model.Procedure) string {
	return auth.PreviewKey(s.TableSecret, p.ID, p.Slug, p.CreatedAt.UnixMilli())
}

// PreviewLink is the path of p's preview link (for the back office).
func (s *Server) PreviewLink(p *model.Procedure) string {
	return "/p/" + p.Slug + "?" + PreviewParam + "=" + s.PreviewKey(p)
}

// mayView reports whether the request may see p: every request for a
// public procedure; for a draft only its team (the account of the route's
// token or session, or a back-office session on public pages) and whoever
// opened its preview link.
func (s *Server) mayView(c *fiber.Ctx, p *model.Procedure) (bool, error) {
	if p.Public() {
		return true, nil
	}
	// No shared cache may keep what a draft's viewer was shown.
	c.Locals(draftLocal, true)
	created := p.CreatedAt.UnixMilli()
	if key := c.Query(PreviewParam); key != "" && auth.CheckPreviewKey(s.TableSecret, p.ID, p.Slug, created, key) {
		c.Cookie(&fiber.Cookie{Name: PreviewCookie(p.ID), Value: key, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: s.Secure()})
		return true, nil
	}
	if key := c.Cookies(PreviewCookie(p.ID)); key != "" && auth.CheckPreviewKey(s.TableSecret, p.ID, p.Slug, created, key) {
		return true, nil
	}
	u := User(c)
	if u == nil {
		u = s.SessionUser(c)
	}
	if u == nil {
		return false, nil
	}
	return accounts.ActsIn(c.UserContext(), s.Store, u, p.ID)
}

const draftLocal = "draft"

// privateDrafts marks every answer that showed a draft private, whatever
// the handler set: a shared cache must not hand it to the public.
func (s *Server) privateDrafts(c *fiber.Ctx) error {
	err := c.Next()
	if d, _ := c.Locals(draftLocal).(bool); d {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	return err
}

// InScope reports whether u acts in every procedure the request names:
// the :slug parameter, and on routes of a contribution or comment
// (…/contributions/:id, …/comments/:id) the procedure that one belongs
// to — so that a procedure's slug cannot carry a step on another
// procedure's contribution. Names that do not exist are left to the
// handler (404).
func (s *Server) InScope(c *fiber.Ctx, u *model.User) (bool, error) {
	var n accounts.Named
	if slug := c.Params("slug"); model.ValidSlug(slug) {
		n.Slug = slug
	}
	if id := c.Params("id"); id != "" {
		route := c.Route().Path
		switch {
		case strings.Contains(route, "/contributions/:id"):
			n.Contribution = id
		case strings.Contains(route, "/comments/:id"):
			// Not a number: no comment by that id, left to the handler.
			n.Comment, _ = strconv.ParseInt(id, 10, 64)
		}
	}
	return accounts.ActsInAll(c.UserContext(), s.Store, u, n)
}
