// Package public serves the residents' pages: the procedures overview, a
// procedure with map and list, content pages, contribution detail, the
// contribution form with a no-map path, the private manage page, statistics,
// conceptions and appointments.
package public

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
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
	app.Get("/p/:slug/contribute", csrf, h.contributeForm)
	app.Post("/p/:slug/contribute", s.WriteLimiter(), csrf, h.contribute)
	app.Get("/p/:slug/contributions/:id", csrf, h.contribution)
	app.Post("/p/:slug/contributions/:id/comments", s.WriteLimiter(), csrf, h.comment)
	app.Post("/p/:slug/contributions/:id/ratings", s.WriteLimiter(), csrf, h.rate)
	app.Post("/p/:slug/contributions/:id/flags", s.WriteLimiter(), csrf, h.flag)
	app.Get("/table/:slug", csrf, h.table)
	app.Post("/table/:slug", s.WriteLimiter(), csrf, h.tableSubmit)
	app.Get("/wall/:slug", h.wall)
	app.Get("/manage/:token", web.NoStore, csrf, h.manage)
	app.Post("/manage/:token", web.NoStore, s.WriteLimiter(), csrf, h.manageSave)
	app.Get("/p/:slug/theme.css", h.themeCSS)
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
	v.Pages, err = h.Store.Pages(c.UserContext(), p.ID, web.Localizer(c).Tag)
	return v, err
}

func (h *Handler) home(c *fiber.Ctx) error {
	ps, err := h.Store.Procedures(c.UserContext())
	if err != nil {
		return err
	}
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	now := h.Now()
	groups := map[model.ProcedureStatus][]procView{}
	tag := web.Localizer(c).Tag
	for _, p := range ps {
		t := p.Text(tag)
		if q != "" && !strings.Contains(strings.ToLower(t.Title+" "+t.SummaryMD), q) {
			continue
		}
		v := procView{Procedure: p, Text: t, Status: p.Status(now), Open: p.ParticipationOpen(now)}
		v.Current, _ = p.CurrentPhase(now)
		groups[v.Status] = append(groups[v.Status], v)
	}
	return h.Render(c, "home", fiber.Map{"Title": web.Localizer(c).T("home.title"), "Search": c.Query("q"),
		"Running": groups[model.StatusRunning], "Upcoming": groups[model.StatusUpcoming], "Finished": groups[model.StatusFinished],
		"Count": len(groups[model.StatusRunning]) + len(groups[model.StatusUpcoming]) + len(groups[model.StatusFinished])})
}

func (h *Handler) procedure(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	// The page is the same for everyone with the same URL and phase, so it
	// is rendered once per procedure version (see web.RenderCached).
	now := h.Now()
	phase, _ := p.CurrentPhase(now)
	key := fmt.Sprintf("%s|%d|%s", c.Request().URI().QueryString(), phase.ID, p.Status(now))
	return h.RenderCached(c, p, key, "procedure", func() (fiber.Map, error) { return h.procedureData(c, p) })
}

func (h *Handler) procedureData(c *fiber.Ctx, p *model.Procedure) (fiber.Map, error) {
	v, err := h.procView(c, p)
	if err != nil {
		return nil, err
	}
	l := web.Localizer(c)
	f, bad := web.ParseFilter(c, p)
	var filterErr string
	if bad != "" {
		filterErr = l.T(bad)
		f = store.Filter{ProcedureID: p.ID, Sort: store.SortNewest, Limit: 20}
	}
	if c.Query("limit") == "" {
		f.Limit = 20
	}
	list, next, err := h.Store.Contributions(c.UserContext(), f)
	if errors.Is(err, store.ErrBadCursor) {
		filterErr = l.T("validation.bad_cursor")
		f.Cursor = ""
		list, next, err = h.Store.Contributions(c.UserContext(), f)
	}
	if err != nil {
		return nil, err
	}
	count, err := h.Count(c.UserContext(), p, f)
	if err != nil {
		return nil, err
	}
	appts, err := h.Store.Appointments(c.UserContext(), p.ID)
	if err != nil {
		return nil, err
	}
	nextURL := ""
	if next != "" {
		vals := url.Values{}
		for k, val := range c.Queries() {
			vals.Set(k, val)
		}
		vals.Set("cursor", next)
		nextURL = "/p/" + p.Slug + "?" + vals.Encode() + "#list"
	}
	return fiber.Map{"Title": v.Text.Title, "P": v, "List": list, "Count": count, "Filter": f,
		"FilterError": filterErr, "NextURL": nextURL, "Appointments": appts, "Sorts": []string{store.SortNewest, store.SortOldest, store.SortRated, store.SortCommented}}, nil
}

func (h *Handler) page(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	slug := c.Params("page")
	if !model.ValidSlug(slug) {
		return h.notFound(c, "error.page_not_found")
	}
	pg, err := h.Store.Page(c.UserContext(), p.ID, slug, web.Localizer(c).Tag)
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c, "error.page_not_found")
	}
	if err != nil {
		return err
	}
	// Leichte Sprache shows the easy variant unless ?easy=0 asks otherwise;
	// other languages show it on ?easy=1.
	easy := c.Query("easy") == "1"
	if web.Localizer(c).Tag == "de-x-ls" {
		easy = c.Query("easy") != "0"
	}
	body := pg.BodyMD
	if easy && pg.EasyMD != "" {
		body = pg.EasyMD
	}
	body = withoutTitle(body)
	return h.Render(c, "page", fiber.Map{"Title": pg.Title + " – " + v.Text.Title, "P": v, "Page": pg, "Body": body,
		"Easy": easy && pg.EasyMD != "", "HasEasy": pg.EasyMD != ""})
}

// withoutTitle drops a leading level-1 heading from a page's Markdown: the
// page shows its title as the one h1 already.
func withoutTitle(md string) string {
	trimmed := strings.TrimLeft(md, " \t\r\n")
	if !strings.HasPrefix(trimmed, "# ") {
		return md
	}
	if i := strings.IndexByte(trimmed, '\n'); i >= 0 {
		return trimmed[i+1:]
	}
	return ""
}

func (h *Handler) contribution(c *fiber.Ctx) error {
	l := web.Localizer(c)
	ct, p, err := h.Part.Visible(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) {
		return h.removed(c)
	}
	if err == nil && p.Slug != c.Params("slug") {
		return h.notFound(c, "error.contribution_not_found")
	}
	if err != nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	comments, responses, err := h.Store.Discussion(c.UserContext(), ct.ID)
	if err != nil {
		return err
	}
	var related []*model.Contribution
	if ct.Geometry != nil {
		b := ct.Geometry.Bound().Pad(0.003)
		rel, _, err := h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Category: ct.Category, BBox: &b, Limit: 6})
		if err != nil {
			return err
		}
		for _, r := range rel {
			if r.ID != ct.ID && len(related) < 5 {
				related = append(related, r)
			}
		}
	}
	cat, _ := p.Category(ct.Category)
	typ, _ := p.Type(ct.Type)
	return h.Render(c, "contribution", fiber.Map{"Title": ct.Title + " – " + v.Text.Title, "P": v, "C": ct,
		"Category": cat, "Type": typ, "Comments": comments, "Responses": responses, "Related": related,
		"Vote": h.Part.Vote(c.UserContext(), ct.ID, c.Cookies("mitreden_voter")), "Geometry": string(geo.MarshalGeometry(ct.Geometry)),
		"Notice": noticeText(l, c.Query("notice")), "NoticeKey": c.Query("notice"), "Error": c.Query("error"), "ReplyTo": c.QueryInt("reply")})
}

// removed answers the address of a contribution that is no longer public
// with 410 and what happened: hidden with the moderation's public reason,
// merged with a link to the contribution it duplicates, or withdrawn.
func (h *Handler) removed(c *fiber.Ctx) error {
	ct, p, err := h.Part.Removed(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.Slug != c.Params("slug")) {
		return h.notFound(c, "error.contribution_not_found")
	}
	if err != nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	c.Status(fiber.StatusGone)
	return h.Render(c, "removed", fiber.Map{"Title": l.T("removed.title") + " – " + v.Text.Title, "P": v, "C": ct})
}

func noticeText(l interface{ T(string, ...any) string }, key string) string {
	switch key {
	case "commented", "comment_pending", "rated", "flagged", "unrated":
		return l.T("notice." + key)
	}
	return ""
}

// contribForm is what the contribution form posts, read and checked as far
// as the form itself goes; the procedure's rules are the service's.
type contribForm struct {
	In     model.ContributionInput
	Geom   orb.Geometry
	Place  string            // a known place's name, as typed
	Fields map[string]string // messages per field
}

// readForm reads the contribution form. The location comes from, in this
// order: "geometry" (GeoJSON the drawing script fills), "lat"/"lon" typed
// by hand, or the name of one of the procedure's known places.
func (h *Handler) readForm(c *fiber.Ctx, p *model.Procedure) (contribForm, error) {
	l := web.Localizer(c)
	f := contribForm{In: model.ContributionInput{Title: utils.CopyString(c.FormValue("title")), Text: utils.CopyString(c.FormValue("text")),
		Category: utils.CopyString(c.FormValue("category")), Type: utils.CopyString(c.FormValue("type")),
		AuthorName: utils.CopyString(c.FormValue("author_name"))},
		Place: strings.TrimSpace(utils.CopyString(c.FormValue("place"))), Fields: map[string]string{}}
	lat, lon := strings.TrimSpace(c.FormValue("lat")), strings.TrimSpace(c.FormValue("lon"))
	switch raw := strings.TrimSpace(c.FormValue("geometry")); {
	case raw != "":
		g, err := geo.ParseGeometry([]byte(raw), geo.DefaultLimits())
		if err != nil {
			f.Fields["geometry"] = l.T("validation." + participation.GeometryError(err).Code)
		}
		f.Geom = g
	case lat != "" || lon != "":
		la, err1 := strconv.ParseFloat(strings.ReplaceAll(lat, ",", "."), 64)
		lo, err2 := strconv.ParseFloat(strings.ReplaceAll(lon, ",", "."), 64)
		if err1 != nil || err2 != nil {
			f.Fields["geometry"] = l.T("validation.geometry_coordinates")
		} else {
			f.Geom = orb.Point{lo, la}
		}
	case f.Place != "":
		pt, ok, err := h.Part.FindPlace(c.UserContext(), p.ID, f.Place)
		if err != nil {
			return f, err
		}
		if ok {
			f.Geom = pt
		} else {
			f.Fields["place"] = l.T("validation.unknown_place")
		}
	}
	return f, nil
}

// geometryView is what the form shows of a geometry: the GeoJSON for the
// drawing script and, for a point, the coordinates for the typed fields.
func geometryView(g orb.Geometry) (string, *orb.Point) {
	if g == nil {
		return "", nil
	}
	var pt *orb.Point
	if q, ok := g.(orb.Point); ok {
		pt = &q
	}
	return string(geo.MarshalGeometry(g)), pt
}

func (h *Handler) contributeForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderContribute(c, p, contribForm{})
}

func (h *Handler) renderContribute(c *fiber.Ctx, p *model.Procedure, f contribForm) error {
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	places, err := h.Part.Places(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	geomJSON, pt := geometryView(f.Geom)
	return h.Render(c, "contribute", fiber.Map{"Title": web.Localizer(c).T("contribute.title") + " – " + v.Text.Title,
		"P": v, "In": f.In, "Errors": f.Fields, "GeometryJSON": geomJSON, "Point": pt, "Places": places, "PlaceName": f.Place,
		"Action": "/p/" + p.Slug + "/contribute"})
}

func (h *Handler) contribute(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	// A honeypot field people never see: bots fill it.
	if c.FormValue("website") != "" {
		return h.Fail(c, fiber.StatusBadRequest, "rejected", l.T("error.rejected"))
	}
	f, ct, token, status, err := h.submitForm(c, p, "")
	if err != nil {
		return err
	}
	if ct == nil {
		c.Status(status)
		return h.renderContribute(c, p, f)
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	c.Set(fiber.HeaderCacheControl, "no-store") // the page carries the manage link
	return h.Render(c, "submitted", fiber.Map{"Title": l.T("submitted.title"), "P": v, "C": ct,
		"ManageURL": h.BaseURL(c) + "/manage/" + token, "URL": "/p/" + p.Slug + "/contributions/" + ct.ID})
}

// submitForm reads the contribution form and stores the contribution with
// origin ("" for online). When the input is refused nothing is stored
// (ct is nil), f.Fields says why and status is the answer's: 422, or 403
// outside the participation phase.
func (h *Handler) submitForm(c *fiber.Ctx, p *model.Procedure, origin string) (f contribForm, ct *model.Contribution, token string, status int, err error) {
	f, err = h.readForm(c, p)
	if err != nil {
		return f, nil, "", 0, err
	}
	if len(f.Fields) > 0 {
		return f, nil, "", fiber.StatusUnprocessableEntity, nil
	}
	f.In.Origin = origin
	ct, token, err = h.Part.Submit(c.UserContext(), p, f.In, f.Geom)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		status = fiber.StatusUnprocessableEntity
		if verrs.Has("phase") {
			status = fiber.StatusForbidden
		}
		f.Fields = web.FieldMessages(web.Localizer(c), verrs)
		return f, nil, "", status, nil
	}
	if err != nil {
		return f, nil, "", 0, err
	}
	h.Metrics.Contributions.Inc()
	return f, ct, token, fiber.StatusCreated, nil
}

func (h *Handler) back(c *fiber.Ctx, slug, id, query string) error {
	return c.Redirect("/p/"+slug+"/contributions/"+id+"?"+query, fiber.StatusSeeOther)
}

func (h *Handler) comment(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("id"))
	parent, _ := strconv.ParseInt(c.FormValue("parent_id"), 10, 64)
	if c.FormValue("website") != "" {
		return h.Fail(c, fiber.StatusBadRequest, "rejected", web.Localizer(c).T("error.rejected"))
	}
	m, err := h.Part.Comment(c.UserContext(), id, parent, c.FormValue("text"), c.FormValue("author_name"))
	if err != nil {
		return h.WriteError(c, err)
	}
	return h.back(c, c.Params("slug"), id, "notice="+commentedNotice(m)+"#comments")
}

// commentedNotice is the notice after a comment: published, or waiting
// for a moderator under pre-moderation.
func commentedNotice(m *model.Comment) string {
	if m.Status == model.Submitted {
		return "comment_pending"
	}
	return "commented"
}

func (h *Handler) rate(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("id"))
	value, err := strconv.Atoi(c.FormValue("value"))
	if err != nil {
		return h.WriteError(c, participation.ErrInvalidVote)
	}
	key := web.VoterKey(c, h.Secure())
	if value != 0 && h.Part.Vote(c.UserContext(), id, key) == value {
		value = 0 // pressing the same thumb again takes the vote back
	}
	if _, _, err := h.Part.Rate(c.UserContext(), id, key, value); err != nil {
		return h.WriteError(c, err)
	}
	notice := "rated"
	if value == 0 {
		notice = "unrated"
	}
	return h.back(c, c.Params("slug"), id, "notice="+notice+"#rating")
}

func (h *Handler) flag(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("id"))
	kind, subject := "contribution", id
	if cid := c.FormValue("comment_id"); cid != "" {
		kind, subject = "comment", cid
	}
	if err := h.Part.Flag(c.UserContext(), kind, id, subject, c.FormValue("reason")); err != nil {
		return h.WriteError(c, err)
	}
	return h.back(c, c.Params("slug"), id, "notice=flagged")
}

func (h *Handler) manage(c *fiber.Ctx) error {
	ct, err := h.Part.ByManageToken(c.UserContext(), c.Params("token"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c, "error.manage_not_found")
	}
	if err != nil {
		return err
	}
	p, err := h.Store.ProcedureByID(c.UserContext(), ct.ProcedureID)
	if err != nil {
		return err
	}
	return h.renderManage(c, p, ct, contribForm{In: model.ContributionInput{Title: ct.Title, Text: ct.Text, Category: ct.Category,
		Type: ct.Type, AuthorName: ct.AuthorName}, Geom: ct.Geometry}, c.Query("notice"))
}

func (h *Handler) renderManage(c *fiber.Ctx, p *model.Procedure, ct *model.Contribution, f contribForm, notice string) error {
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	places, err := h.Part.Places(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	geomJSON, pt := geometryView(f.Geom)
	editable := participation.Editable(p, ct, h.Now())
	l := web.Localizer(c)
	msg := ""
	switch notice {
	case "saved", "withdrawn", "saved_for_review":
		msg = l.T("notice." + notice)
	}
	return h.Render(c, "manage", fiber.Map{"Title": l.T("manage.title"), "P": v, "C": ct, "In": f.In, "Errors": f.Fields,
		"GeometryJSON": geomJSON, "Point": pt, "Places": places, "PlaceName": f.Place, "Editable": editable, "Notice": msg, "NoticeKey": notice,
		"Action": "/manage/" + c.Params("token")})
}

func (h *Handler) manageSave(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	ct, err := h.Part.ByManageToken(c.UserContext(), token)
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c, "error.manage_not_found")
	}
	if err != nil {
		return err
	}
	p, err := h.Store.ProcedureByID(c.UserContext(), ct.ProcedureID)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	if c.FormValue("action") == "withdraw" {
		if _, err := h.Part.Withdraw(c.UserContext(), p, token); err != nil {
			return h.WriteError(c, err)
		}
		return c.Redirect("/manage/"+token+"?notice=withdrawn", fiber.StatusSeeOther)
	}
	f, err := h.readForm(c, p)
	if err != nil {
		return err
	}
	if len(f.Fields) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderManage(c, p, ct, f, "")
	}
	edited, err := h.Part.Edit(c.UserContext(), p, token, f.In, f.Geom)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		c.Status(fiber.StatusUnprocessableEntity)
		f.Fields = web.FieldMessages(l, verrs)
		return h.renderManage(c, p, ct, f, "")
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	if edited.Status == model.Submitted {
		// under pre-moderation the change waits for a moderator
		return c.Redirect("/manage/"+token+"?notice=saved_for_review", fiber.StatusSeeOther)
	}
	return c.Redirect("/manage/"+token+"?notice=saved", fiber.StatusSeeOther)
}
