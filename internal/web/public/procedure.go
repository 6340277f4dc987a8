package public

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) home(c *fiber.Ctx) error {
	ps, err := h.Part.Procedures(c.UserContext())
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
		switch p.State() {
		case model.LifecycleArchived:
			// listed apart, after everything else
			v.Status = "archived"
		case model.LifecycleClosed:
			// closed before its phases ended: finished all the same
			v.Status = model.StatusFinished
		}
		groups[v.Status] = append(groups[v.Status], v)
	}
	return h.Render(c, "home", fiber.Map{"Title": web.Localizer(c).T("home.title"), "Search": c.Query("q"),
		"Running": groups[model.StatusRunning], "Upcoming": groups[model.StatusUpcoming], "Finished": groups[model.StatusFinished],
		"Archived": groups["archived"], "Count": len(groups[model.StatusRunning]) + len(groups[model.StatusUpcoming]) + len(groups[model.StatusFinished]) + len(groups["archived"])})
}

func (h *Handler) procedure(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	h.CountView(p)
	// The page is the same for everyone with the same URL and phase, so it
	// is rendered once per procedure version (see web.RenderCached).
	now := h.Now()
	phase, _ := p.CurrentPhase(now)
	// The hour is in the key too: appointments are marked as past, so the
	// page is rendered anew at least once an hour.
	key := fmt.Sprintf("%s|%d|%s|%d", c.Request().URI().QueryString(), phase.ID, p.Status(now), now.Unix()/3600)
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
	list, next, err := h.Part.Contributions(c.UserContext(), f)
	if errors.Is(err, store.ErrBadCursor) {
		filterErr = l.T("validation.bad_cursor")
		f.Cursor = ""
		list, next, err = h.Part.Contributions(c.UserContext(), f)
	}
	if err != nil {
		return nil, err
	}
	count, err := h.Count(c.UserContext(), p, f)
	if err != nil {
		return nil, err
	}
	answered, err := h.Part.Answered(c.UserContext(), list)
	if err != nil {
		return nil, err
	}
	appts, err := h.Part.Appointments(c.UserContext(), p.ID)
	if err != nil {
		return nil, err
	}
	files, err := h.downloads(c, p, "")
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
	return fiber.Map{"Title": v.Text.Title, "P": v, "List": list, "Count": count, "Filter": f, "Answered": answered,
		"Filtered": filtered(c), "FilterError": filterErr, "PlanningOptions": moderation.PlanningOptions(l, p), "NextURL": nextURL, "Downloads": files, "Appointments": appts, "Now": h.Now(), "Sorts": []string{store.SortNewest, store.SortOldest, store.SortRated, store.SortCommented}}, nil
}

// filtered reports whether the list's query narrows what it shows, so that
// an empty result can offer to reset the filters.
func filtered(c *fiber.Ctx) bool {
	for _, k := range []string{"q", "category", "type", "geometry", "type_geometry", "origin", "answered", "planning_status", "cursor"} {
		if c.Query(k) != "" {
			return true
		}
	}
	return false
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
	pg, err := h.Part.Page(c.UserContext(), p.ID, slug, web.Localizer(c).Tag)
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
	body, bodyLang := pg.BodyMD, pg.Locale
	if easy && pg.EasyMD != "" {
		body, bodyLang = pg.EasyMD, "de"
	}
	if strings.HasPrefix(bodyLang, "de") {
		bodyLang = "de"
	}
	body = withoutTitle(body)
	files, err := h.downloads(c, p, slug)
	if err != nil {
		return err
	}
	return h.Render(c, "page", fiber.Map{"Title": pg.Title + " – " + v.Text.Title, "P": v, "Page": pg, "Body": body,
		"BodyLang": bodyLang, "Easy": easy && pg.EasyMD != "", "HasEasy": pg.EasyMD != "", "Downloads": files})
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
