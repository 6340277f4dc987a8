// Package admin serves the planners' back office under /admin: login with
// a session, the procedures overview with exports, the moderation queue
// and the audit log. Its pages are server-rendered forms with CSRF tokens;
// the steps themselves are the moderation service's.
package admin

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// dummyHash is checked for unknown addresses (same cost as a real check).
// It is made on first use: argon2id takes 64 MB and ~50 ms, which every
// command of the binary would otherwise pay at start.
var dummyHash = sync.OnceValue(func() string {
	h, _ := auth.HashPassword("no account has this password")
	return h
})

// Handler serves the back office.
type Handler struct {
	*web.Server
	mu       sync.Mutex
	analyses map[int64]analysisView // by procedure, see analysisOf
}

// Register adds the /admin routes.
func Register(app *fiber.App, s *web.Server) {
	h := &Handler{Server: s, analyses: map[int64]analysisView{}}
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
	g.Get("/p/:slug/search", csrf, h.session("moderate"), h.search)
	g.Get("/p/:slug/contributions/:id", csrf, h.session("moderate"), h.contribution)
	g.Post("/p/:slug/contributions/:id/act", csrf, h.session("moderate"), h.act)
	g.Get("/p/:slug/settings", csrf, h.session("manage_procedures"), h.settingsForm)
	g.Post("/p/:slug/settings", csrf, h.session("manage_procedures"), h.saveSettings)
	g.Get("/p/:slug/pages", csrf, h.session("manage_procedures"), h.pages)
	g.Get("/p/:slug/pages/:page", csrf, h.session("manage_procedures"), h.pageForm)
	g.Post("/p/:slug/pages/:page", csrf, h.session("manage_procedures"), h.savePage)
	g.Get("/p/:slug/analysis", csrf, h.session("moderate"), h.analysis)
	g.Get("/p/:slug/report", csrf, h.session("moderate"), h.report)
	g.Get("/account", csrf, h.session("moderate"), h.account)
	g.Post("/account", s.LoginLimiter(), csrf, h.session("moderate"), h.changePassword)
	g.Get("/audit", csrf, h.session("manage_users"), h.audit)
	g.Get("/users", csrf, h.session("manage_users"), h.users)
	g.Post("/users", csrf, h.session("manage_users"), h.createUser)
	g.Post("/users/token", csrf, h.session("manage_users"), h.createToken)
	g.Post("/users/lock", csrf, h.session("manage_users"), h.lockUser)
	g.Post("/users/reset", csrf, h.session("manage_users"), h.resetPassword)
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
		c.Locals("user", u)
		return c.Next()
	}
}

// next is where a login continues: a local /admin path only.
func next(raw string) string {
	if strings.HasPrefix(raw, "/admin") && !strings.HasPrefix(raw, "//") && !strings.ContainsAny(raw, "\\\r\n") {
		return raw
	}
	return "/admin"
}

func (h *Handler) loginForm(c *fiber.Ctx) error {
	if h.SessionUser(c) != nil {
		return c.Redirect(next(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.Render(c, "admin-login", fiber.Map{"Title": web.Localizer(c).T("admin.login_title"), "Next": next(c.Query("next"))})
}

func (h *Handler) login(c *fiber.Ctx) error {
	l := web.Localizer(c)
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	password := c.FormValue("password")
	u, err := h.Store.UserByEmail(c.UserContext(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Check a password even for an unknown address, so timing does not
	// tell which addresses have accounts.
	// A locked account (no password) takes the same path, so timing does
	// not tell which accounts are locked either.
	var hash string
	if u != nil && !u.Locked {
		hash = u.PasswordHash
	} else {
		hash = dummyHash()
	}
	ok := auth.CheckPassword(hash, password)
	if u == nil || u.Locked || !ok || len(password) > 1000 {
		c.Status(fiber.StatusUnauthorized)
		return h.Render(c, "admin-login", fiber.Map{"Title": l.T("admin.login_title"), "Error": l.T("admin.login_failed"),
			"Email": email, "Next": next(c.FormValue("next"))})
	}
	if err := h.StartSession(c, u); err != nil {
		return err
	}
	if err := h.Store.Audit(c.UserContext(), u.Email, "login", u.Email, nil, nil); err != nil {
		return err
	}
	return c.Redirect(next(c.FormValue("next")), fiber.StatusSeeOther)
}

func (h *Handler) logout(c *fiber.Ctx) error {
	if err := h.EndSession(c); err != nil {
		return err
	}
	return c.Redirect("/admin/login", fiber.StatusSeeOther)
}

// procRow is one procedure in the overview.
type procRow struct {
	P                          *model.Procedure
	Published, Waiting, Hidden int
	Reports                    int
}

func (h *Handler) home(c *fiber.Ctx) error {
	procs, err := h.Store.Procedures(c.UserContext())
	if err != nil {
		return err
	}
	var rows []procRow
	for _, p := range procs {
		counts, err := h.Store.StatusCounts(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		reports, err := h.Store.CountOpenReports(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		rows = append(rows, procRow{P: p, Published: counts[model.Published], Waiting: counts[model.Submitted],
			Hidden: counts[model.Hidden], Reports: reports})
	}
	return h.Render(c, "admin-home", fiber.Map{"Title": web.Localizer(c).T("admin.title"), "User": web.User(c),
		"Rows": rows, "Formats": export.Formats})
}

func (h *Handler) procedure(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	waiting, _, err := h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Statuses: []model.ContributionStatus{model.Submitted}, Sort: store.SortOldest, Limit: 50})
	if err != nil {
		return err
	}
	reports, err := h.Store.Reports(c.UserContext(), p.ID, false, 100)
	if err != nil {
		return err
	}
	hidden, _, err := h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Statuses: []model.ContributionStatus{model.Hidden}, Sort: store.SortNewest, Limit: 50})
	if err != nil {
		return err
	}
	waitingComments, err := h.Store.ModerationComments(c.UserContext(), p.ID, model.Submitted, false, 100)
	if err != nil {
		return err
	}
	// plan variants have no page of their own in the back office: their
	// published comments are listed here, each with a button to hide it
	variantComments, err := h.Store.ModerationComments(c.UserContext(), p.ID, model.Published, true, 100)
	if err != nil {
		return err
	}
	hiddenComments, err := h.Store.ModerationComments(c.UserContext(), p.ID, model.Hidden, false, 100)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	notice := ""
	switch k := c.Query("notice"); k {
	case "published", "hidden", "comment_published", "comment_hidden":
		notice = l.T("admin.notice_" + k)
	}
	return h.Render(c, "admin-procedure", fiber.Map{"Title": l.T("admin.moderation") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Waiting": waiting, "Reports": reports, "Hidden": hidden, "Notice": notice, "Error": c.Query("error"), "Q": "",
		"WaitingComments": waitingComments, "VariantComments": variantComments, "HiddenComments": hiddenComments})
}

// moderateComment publishes or hides a comment of the procedure, on a
// contribution or on a plan variant, and returns to the moderation page.
func (h *Handler) moderateComment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	var status model.ContributionStatus
	switch c.FormValue("action") {
	case "publish":
		status = model.Published
	case "hide":
		status = model.Hidden
	default:
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", l.T("admin.bad_action"))
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err == nil && id > 0 {
		_, err = h.Moderation.ModerateComment(c.UserContext(), web.User(c), p.ID, id, status)
	}
	if errors.Is(err, store.ErrNotFound) || id < 1 {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.comment_not_found"))
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect("/admin/p/"+p.Slug+"?notice=comment_"+map[model.ContributionStatus]string{model.Published: "published", model.Hidden: "hidden"}[status], fiber.StatusSeeOther)
}

func (h *Handler) moderate(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	var status model.ContributionStatus
	switch c.FormValue("action") {
	case "publish":
		status = model.Published
	case "hide":
		status = model.Hidden
	default:
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", web.Localizer(c).T("admin.bad_action"))
	}
	reason := utils.CopyString(c.FormValue("reason"))
	ch := moderation.Change{Status: &status}
	if status == model.Hidden {
		ch.Reason = &reason
	}
	_, err = h.Moderation.Moderate(c.UserContext(), web.User(c), utils.CopyString(c.Params("id")), ch)
	back := "/admin/p/" + p.Slug
	if c.FormValue("back") == "item" {
		back += "/contributions/" + url.PathEscape(c.Params("id"))
	}
	var verrs model.Errors
	if errors.As(err, &verrs) {
		return c.Redirect(back+"?error="+url.QueryEscape(verrs[0].Field), fiber.StatusSeeOther)
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect(back+"?notice="+map[model.ContributionStatus]string{model.Published: "published", model.Hidden: "hidden"}[status], fiber.StatusSeeOther)
}

func (h *Handler) audit(c *fiber.Ctx) error {
	entries, err := h.Store.AuditLog(c.UserContext(), 200)
	if err != nil {
		return err
	}
	return h.Render(c, "admin-audit", fiber.Map{"Title": web.Localizer(c).T("admin.audit"), "User": web.User(c), "Entries": entries})
}

// contribution shows one contribution in any status with its discussion
// and the planners' forms: official response, category, merge, status.
func (h *Handler) contribution(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	ct, err := h.Store.Contribution(c.UserContext(), utils.CopyString(c.Params("id")))
	if errors.Is(err, store.ErrNotFound) || (err == nil && ct.ProcedureID != p.ID) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.contribution_not_found"))
	}
	if err != nil {
		return err
	}
	comments, responses, err := h.Store.Discussion(c.UserContext(), ct.ID)
	if err != nil {
		return err
	}
	notice := ""
	switch k := c.Query("notice"); k {
	case "published", "hidden", "responded", "merged", "recategorised":
		notice = l.T("admin.notice_" + k)
	}
	errMsg := ""
	if f := c.Query("error"); f != "" {
		errMsg = l.T("admin.error_" + map[string]string{"reason": "reason", "text": "text", "into": "into", "category": "category"}[f])
	}
	return h.Render(c, "admin-contribution", fiber.Map{"Title": ct.Title + " – " + l.T("admin.title"), "User": web.User(c),
		"Proc": p, "C": ct, "Comments": comments, "Responses": responses, "Notice": notice, "Error": errMsg,
		"CanRespond": auth.Can(web.User(c).Role, "respond")})
}

// act carries out one form of the contribution page and returns to it.
func (h *Handler) act(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	id := utils.CopyString(c.Params("id"))
	u := web.User(c)
	back := "/admin/p/" + p.Slug + "/contributions/" + url.PathEscape(id)
	if ct, err := h.Store.Contribution(c.UserContext(), id); errors.Is(err, store.ErrNotFound) || (err == nil && ct.ProcedureID != p.ID) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.contribution_not_found"))
	} else if err != nil {
		return err
	}
	var notice string
	switch c.FormValue("action") {
	case "respond":
		_, err = h.Moderation.Respond(c.UserContext(), u, id, utils.CopyString(c.FormValue("text")), utils.CopyString(c.FormValue("author")))
		notice = "responded"
	case "merge":
		_, err = h.Moderation.Merge(c.UserContext(), u, id, strings.TrimSpace(utils.CopyString(c.FormValue("into"))), utils.CopyString(c.FormValue("reason")))
		notice = "merged"
	case "category":
		cat := utils.CopyString(c.FormValue("category"))
		_, err = h.Moderation.Moderate(c.UserContext(), u, id, moderation.Change{Category: &cat})
		notice = "recategorised"
	default:
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", web.Localizer(c).T("admin.bad_action"))
	}
	var verrs model.Errors
	if errors.As(err, &verrs) {
		return c.Redirect(back+"?error="+url.QueryEscape(verrs[0].Field), fiber.StatusSeeOther)
	}
	if errors.Is(err, store.ErrMergeTarget) {
		return c.Redirect(back+"?error=into", fiber.StatusSeeOther)
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect(back+"?notice="+notice, fiber.StatusSeeOther)
}

// search finds contributions of a procedure by text, in every status but
// withdrawn, for the planners' work on single contributions.
func (h *Handler) search(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	var list []*model.Contribution
	if q != "" && len(q) <= 200 {
		list, _, err = h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Query: q, Sort: store.SortNewest, Limit: 50,
			Statuses: []model.ContributionStatus{model.Published, model.Submitted, model.Hidden, model.Merged}})
		if err != nil {
			return err
		}
	}
	return h.Render(c, "admin-search", fiber.Map{"Title": web.Localizer(c).T("admin.search") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Q": q, "List": list, "Searched": q != ""})
}

// settingsForm shows a procedure's switches.
func (h *Handler) settingsForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderSettings(c, p, p.Settings, nil)
}

func (h *Handler) renderSettings(c *fiber.Ctx, p *model.Procedure, st model.Settings, errs map[string]string) error {
	l := web.Localizer(c)
	geom := map[string]bool{}
	for _, g := range st.GeometryTypes {
		geom[g] = true
	}
	notice := ""
	if c.Query("notice") == "saved" {
		notice = l.T("admin.settings_saved")
	}
	return h.Render(c, "admin-settings", fiber.Map{"Title": l.T("admin.settings") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "S": st, "Geom": geom, "Errors": errs, "Notice": notice,
		"Switches":  []model.Switch{model.SwitchOn, model.SwitchReadOnly, model.SwitchOff},
		"GeomTypes": []string{"Point", "LineString", "Polygon", "none"}})
}

// saveSettings stores the switches; the procedure's version moves on, so
// every cached page and answer follows at once.
func (h *Handler) saveSettings(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	st := p.Settings
	st.Moderation = c.FormValue("moderation")
	st.Comments = model.Switch(c.FormValue("comments"))
	st.Ratings = model.Switch(c.FormValue("ratings"))
	st.GeometryTypes = nil
	for _, g := range []string{"Point", "LineString", "Polygon", "none"} {
		if c.FormValue("geometry_"+g) == "on" {
			st.GeometryTypes = append(st.GeometryTypes, g)
		}
	}
	errs := map[string]string{}
	for field, dst := range map[string]*int{"text_min": &st.TextMin, "text_max": &st.TextMax} {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(field)))
		if err != nil {
			errs[field] = l.T("validation.not_a_number")
		}
		*dst = n
	}
	st.WMSURL = strings.TrimSpace(utils.CopyString(c.FormValue("wms_url")))
	st.WMSLayers = strings.TrimSpace(utils.CopyString(c.FormValue("wms_layers")))
	if len(errs) == 0 {
		err = h.Moderation.UpdateSettings(c.UserContext(), web.User(c), p, st)
		var verrs model.Errors
		if errors.As(err, &verrs) {
			errs = web.FieldMessages(l, verrs)
		} else if err != nil {
			return h.WriteError(c, err)
		}
	}
	if len(errs) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderSettings(c, p, st, errs)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/settings?notice=saved", fiber.StatusSeeOther)
}

// users lists the accounts and offers to create one (admins).
func (h *Handler) users(c *fiber.Ctx) error {
	return h.renderUsers(c, fiber.Map{})
}

func (h *Handler) renderUsers(c *fiber.Ctx, data fiber.Map) error {
	list, err := h.Store.Users(c.UserContext())
	if err != nil {
		return err
	}
	data["Title"] = web.Localizer(c).T("admin.users")
	data["User"] = web.User(c)
	data["Users"] = list
	data["Roles"] = []model.Role{model.RoleModerator, model.RolePlanner, model.RoleAdmin}
	return h.Render(c, "admin-users", data)
}

// createUser makes an account with a generated password, shown once.
func (h *Handler) createUser(c *fiber.Ctx) error {
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	role := utils.CopyString(c.FormValue("role"))
	password := auth.NewToken()[:20]
	_, err := accounts.Create(c.UserContext(), h.Store, web.User(c).Email, email, role, password)
	var ie accounts.InputError
	if errors.As(err, &ie) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderUsers(c, fiber.Map{"Error": ie.Msg, "Email": email})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.renderUsers(c, fiber.Map{"Created": email, "Password": password})
}

// createToken makes an API token for an account, shown once.
func (h *Handler) createToken(c *fiber.Ctx) error {
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	tok, _, err := accounts.NewToken(c.UserContext(), h.Store, web.User(c).Email, email)
	var ie accounts.InputError
	if errors.As(err, &ie) {
		c.Status(fiber.StatusUnprocessableEntity)
		msg := ie.Msg
		if ie.Field == "locked" {
			msg = web.Localizer(c).T("admin.token_locked", "Email", email)
		}
		return h.renderUsers(c, fiber.Map{"Error": msg})
	}
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.renderUsers(c, fiber.Map{"TokenFor": email, "Token": tok})
}

// pages lists a procedure's content pages with a link per locale.
func (h *Handler) pages(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	slugs, err := h.Store.PageSlugs(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return h.Render(c, "admin-pages", fiber.Map{"Title": web.Localizer(c).T("admin.pages") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Slugs": slugs, "Locales": h.I18n.Available()})
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
	pg, err := h.Store.Page(c.UserContext(), p.ID, utils.CopyString(c.Params("page")), locale)
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
		"Proc": p, "Page": pg, "Errors": errs, "Notice": notice})
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
	if _, err := h.Store.Page(c.UserContext(), p.ID, slug, "de"); errors.Is(err, store.ErrNotFound) {
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

// analysisView is what the analysis page shows; it is computed once per
// procedure version.
type analysisView struct {
	Version  int64 // the procedure version it was computed for
	Words    []analysis.WordCount
	HotSpots []store.Cluster
	Texts    int
}

// analysis shows the words residents use most and the places where
// contributions gather (tiles of about 150 m), for the planners' reading.
func (h *Handler) analysis(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	view, err := h.analysisOf(c.UserContext(), p)
	if err != nil {
		return err
	}
	bars := make([]analysis.Bar, 0, len(view.Words))
	for _, w := range view.Words[:min(15, len(view.Words))] {
		bars = append(bars, analysis.Bar{Label: w.Word, Value: w.Count})
	}
	l := web.Localizer(c)
	return h.Render(c, "admin-analysis", fiber.Map{"Title": l.T("admin.analysis") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "A": view, "Chart": analysis.BarChart(l.T("admin.words_chart"), bars)})
}

// analysisOf computes a procedure's analysis once per version.
func (h *Handler) analysisOf(ctx context.Context, p *model.Procedure) (analysisView, error) {
	h.mu.Lock()
	view, ok := h.analyses[p.ID]
	h.mu.Unlock()
	if ok && view.Version == p.Version {
		return view, nil
	}
	words := analysis.NewWords()
	n := 0
	err := h.Store.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		words.Add(r.Contribution.Title + " " + r.Contribution.Text)
		n++
		return nil
	})
	if err != nil {
		return view, err
	}
	view = analysisView{Version: p.Version, Words: words.Top(30), Texts: n}
	b := orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}
	if p.Area != nil {
		b = p.Area.Bound()
	}
	cells, _, err := h.Store.TileClusters(ctx, p.ID, b, 17)
	if err != nil {
		return view, err
	}
	sort.Slice(cells, func(i, j int) bool { return cells[i].Count > cells[j].Count })
	view.HotSpots = cells[:min(10, len(cells))]
	h.mu.Lock()
	h.analyses[p.ID] = view
	h.mu.Unlock()
	return view, nil
}

// reportMax is how many contributions the printable report lists; the
// synopsis export holds all of them.
const reportMax = 300

// report is the printable report of a procedure: counts, the words and
// places of the analysis, and the most agreed-with contributions with the
// official responses. Browsers print it (print styles hide the chrome).
func (h *Handler) report(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	ctx := c.UserContext()
	byCat, err := h.Store.CountBy(ctx, p.ID, "category")
	if err != nil {
		return err
	}
	byOrigin, err := h.Store.CountBy(ctx, p.ID, "origin")
	if err != nil {
		return err
	}
	total := 0
	for _, n := range byCat {
		total += n.N
	}
	list, _, err := h.Store.Contributions(ctx, store.Filter{ProcedureID: p.ID, Sort: store.SortRated, Limit: reportMax})
	if err != nil {
		return err
	}
	responses, err := h.Store.ResponsesByContribution(ctx, p.ID)
	if err != nil {
		return err
	}
	words := analysis.NewWords()
	if err := h.Store.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		if r.Contribution.Status == model.Published {
			words.Add(r.Contribution.Title + " " + r.Contribution.Text)
		}
		return nil
	}); err != nil {
		return err
	}
	l := web.Localizer(c)
	return h.Render(c, "admin-report", fiber.Map{"Title": l.T("admin.report") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Total": total, "ByCategory": byCat, "ByOrigin": byOrigin, "List": list, "Responses": responses,
		"Words": words.Top(15), "Max": reportMax, "Printed": time.Now().In(berlin).Format("02.01.2006 15:04"), "BodyClass": "report"})
}

var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()

// account lets the signed-in person change their password.
func (h *Handler) account(c *fiber.Ctx) error {
	l := web.Localizer(c)
	notice := ""
	if c.Query("notice") == "changed" {
		notice = l.T("admin.password_changed")
	}
	return h.Render(c, "admin-account", fiber.Map{"Title": l.T("admin.account"), "User": web.User(c), "Notice": notice})
}

func (h *Handler) changePassword(c *fiber.Ctx) error {
	l := web.Localizer(c)
	if c.FormValue("password") != c.FormValue("password2") {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.Render(c, "admin-account", fiber.Map{"Title": l.T("admin.account"), "User": web.User(c), "Error": l.T("admin.password_mismatch")})
	}
	err := accounts.ChangePassword(c.UserContext(), h.Store, web.User(c), c.FormValue("current"), c.FormValue("password"), h.SessionHash(c))
	var ie accounts.InputError
	if errors.As(err, &ie) {
		c.Status(fiber.StatusUnprocessableEntity)
		msg := l.T("admin.password_current_wrong")
		if ie.Field == "password" {
			msg = l.T("admin.password_weak", "Min", auth.MinPasswordLength)
		}
		return h.Render(c, "admin-account", fiber.Map{"Title": l.T("admin.account"), "User": web.User(c), "Error": msg})
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/account?notice=changed", fiber.StatusSeeOther)
}

// lockUser shuts an account out (password, tokens, sessions); an admin
// cannot lock themself out.
func (h *Handler) lockUser(c *fiber.Ctx) error {
	l := web.Localizer(c)
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	u, err := h.Store.UserByEmail(c.UserContext(), email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.ID == web.User(c).ID) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderUsers(c, fiber.Map{"Error": l.T("admin.lock_refused")})
	}
	if err != nil {
		return err
	}
	if err := h.Store.LockUser(c.UserContext(), u.ID, store.Audited{Actor: web.User(c).Email, Action: "user.lock"}); err != nil {
		return err
	}
	return h.renderUsers(c, fiber.Map{"Locked": email})
}

// resetPassword gives an account a new generated password, shown once.
func (h *Handler) resetPassword(c *fiber.Ctx) error {
	l := web.Localizer(c)
	email := strings.TrimSpace(utils.CopyString(c.FormValue("email")))
	u, err := h.Store.UserByEmail(c.UserContext(), email)
	if errors.Is(err, store.ErrNotFound) {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderUsers(c, fiber.Map{"Error": l.T("admin.lock_refused")})
	}
	if err != nil {
		return err
	}
	password, err := accounts.ResetPassword(c.UserContext(), h.Store, web.User(c).Email, u)
	if err != nil {
		return err
	}
	return h.renderUsers(c, fiber.Map{"Created": email, "Password": password, "Reset": true})
}
