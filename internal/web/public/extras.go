package public

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) statistics(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	byCat, err := h.Store.CountBy(c.UserContext(), p.ID, "category")
	if err != nil {
		return err
	}
	byType, err := h.Store.CountBy(c.UserContext(), p.ID, "type")
	if err != nil {
		return err
	}
	var catBars, typeBars []analysis.Bar
	for _, n := range byCat {
		k, _ := p.Category(n.Key)
		catBars = append(catBars, analysis.Bar{Label: k.Label.Get(l.Tag), Value: n.N, Colour: k.Colour})
	}
	for _, n := range byType {
		t, ok := p.Type(n.Key)
		label := t.Label.Get(l.Tag)
		if !ok {
			label = l.T("stats.no_type")
		}
		typeBars = append(typeBars, analysis.Bar{Label: label, Value: n.N})
	}
	topComments, _, err := h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Sort: store.SortCommented, Limit: 10})
	if err != nil {
		return err
	}
	topRated, _, err := h.Store.Contributions(c.UserContext(), store.Filter{ProcedureID: p.ID, Sort: store.SortRated, Limit: 10})
	if err != nil {
		return err
	}
	total, err := h.Count(c.UserContext(), p, store.Filter{ProcedureID: p.ID})
	if err != nil {
		return err
	}
	return h.Render(c, "statistics", fiber.Map{"Title": l.T("stats.title") + " – " + v.Text.Title, "P": v, "Total": total,
		"CatChart": analysis.BarChart(l.T("stats.by_category"), catBars), "CatBars": catBars,
		"TypeChart": analysis.BarChart(l.T("stats.by_type"), typeBars), "TypeBars": typeBars,
		"TopComments": topComments, "TopRated": topRated})
}

// conceptionView is a plan variant with its feedback, for the page.
type conceptionView struct {
	model.Conception
	Vote     int
	Comments []model.Comment
}

func (h *Handler) conceptions(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	cs, err := h.Store.Conceptions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	comments, err := h.Store.ConceptionComments(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	voter := c.Cookies("mitreden_voter")
	views := make([]conceptionView, 0, len(cs))
	for _, k := range cs {
		views = append(views, conceptionView{Conception: k, Vote: h.Part.ConceptionVote(c.UserContext(), p, k.Key, voter), Comments: comments[k.Key]})
	}
	l := web.Localizer(c)
	return h.Render(c, "conceptions", fiber.Map{"Title": l.T("conceptions.title") + " – " + v.Text.Title, "P": v,
		"Conceptions": views, "Notice": noticeText(l, c.Query("notice")), "NoticeKey": c.Query("notice"), "Focus": c.Query("k")})
}

func (h *Handler) backToConception(c *fiber.Ctx, slug, key, notice string) error {
	return c.Redirect("/p/"+slug+"/conceptions?notice="+notice+"&k="+url.QueryEscape(key)+"#conc-"+url.QueryEscape(key), fiber.StatusSeeOther)
}

func (h *Handler) rateConception(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	key := utils.CopyString(c.Params("key"))
	value, err := strconv.Atoi(c.FormValue("value"))
	if err != nil {
		return h.WriteError(c, participation.ErrInvalidVote)
	}
	voter := web.VoterKey(c, h.Secure())
	if value != 0 && h.Part.ConceptionVote(c.UserContext(), p, key, voter) == value {
		value = 0 // pressing the same thumb again takes the vote back
	}
	if _, _, err := h.Part.RateConception(c.UserContext(), p, key, voter, value); err != nil {
		return h.WriteError(c, err)
	}
	notice := "rated"
	if value == 0 {
		notice = "unrated"
	}
	return h.backToConception(c, p.Slug, key, notice)
}

func (h *Handler) commentConception(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if c.FormValue("website") != "" {
		return h.Fail(c, fiber.StatusBadRequest, "rejected", web.Localizer(c).T("error.rejected"))
	}
	key := utils.CopyString(c.Params("key"))
	m, err := h.Part.CommentConception(c.UserContext(), p, key, c.FormValue("text"), c.FormValue("author_name"))
	if err != nil {
		return h.WriteError(c, err)
	}
	return h.backToConception(c, p.Slug, key, commentedNotice(m))
}

// flagConceptionComment records a report on a plan-variant comment.
func (h *Handler) flagConceptionComment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	key := utils.CopyString(c.Params("key"))
	id, _ := strconv.ParseInt(c.FormValue("comment_id"), 10, 64)
	err = h.Part.FlagConceptionComment(c.UserContext(), p, key, id, utils.CopyString(c.FormValue("reason")))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c, "error.comment_not_found")
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return h.backToConception(c, p.Slug, key, "flagged")
}

// ics serves the procedure's appointments as an iCalendar file (RFC 5545).
func (h *Handler) ics(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	appts, err := h.Store.Appointments(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICS(s)); b.WriteString("\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Mitreden//Beteiligung//DE")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:" + escICS(p.Title))
	stamp := time.Now().UTC().Format("20060102T150405Z")
	base := h.BaseURL(c)
	host := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	for _, a := range appts {
		line("BEGIN:VEVENT")
		line(fmt.Sprintf("UID:appointment-%d-%s@%s", a.ID, p.Slug, host))
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + a.StartsAt.UTC().Format("20060102T150405Z"))
		line("DTEND:" + a.EndsAt.UTC().Format("20060102T150405Z"))
		line("SUMMARY:" + escICS(a.Title))
		if a.Description != "" {
			line("DESCRIPTION:" + escICS(a.Description))
		}
		if a.Address != "" {
			line("LOCATION:" + escICS(a.Address))
		}
		if a.Location != nil {
			line(fmt.Sprintf("GEO:%.6f;%.6f", a.Location.Lat(), a.Location.Lon()))
		}
		line("URL:" + base + "/p/" + p.Slug)
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+p.Slug+`-termine.ics"`)
	return c.SendString(b.String())
}

func escICS(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

// foldICS folds content lines longer than 75 octets (RFC 5545 3.1).
func foldICS(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rl := len(string(r))
		if n+rl > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += rl
	}
	return b.String()
}

// themeCSS gives each category its colour and icon as a class, so pages need
// no inline styles (the CSP forbids them).
func (h *Handler) themeCSS(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	var b strings.Builder
	for _, k := range p.Categories {
		col := k.Colour
		if !analysis.ValidColour(col) {
			col = "#005ca9"
		}
		icon := ""
		if name := "icons/" + cssIdent(k.Icon) + ".svg"; k.Icon != "" && h.Assets.Has(name) {
			icon = fmt.Sprintf(`;--icon:url("%s")`, h.Assets.URL(name))
		}
		fmt.Fprintf(&b, ".cat-%s{--cat:%s%s}\n", cssIdent(k.Key), col, icon)
	}
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.SendString(b.String())
}

func cssIdent(s string) string {
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
