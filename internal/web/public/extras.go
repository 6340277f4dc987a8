package public

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/analysis"
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
	byCat, err := h.Store.CountBy(c.Context(), p.ID, "category")
	if err != nil {
		return err
	}
	byType, err := h.Store.CountBy(c.Context(), p.ID, "type")
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
	topComments, _, err := h.Store.Contributions(c.Context(), store.Filter{ProcedureID: p.ID, Sort: store.SortCommented, Limit: 10})
	if err != nil {
		return err
	}
	topRated, _, err := h.Store.Contributions(c.Context(), store.Filter{ProcedureID: p.ID, Sort: store.SortRated, Limit: 10})
	if err != nil {
		return err
	}
	total, err := h.Store.CountContributions(c.Context(), store.Filter{ProcedureID: p.ID})
	if err != nil {
		return err
	}
	return h.Render(c, "statistics", fiber.Map{"Title": l.T("stats.title") + " – " + v.Text.Title, "P": v, "Total": total,
		"CatChart": analysis.BarChart(l.T("stats.by_category"), catBars), "CatBars": catBars,
		"TypeChart": analysis.BarChart(l.T("stats.by_type"), typeBars), "TypeBars": typeBars,
		"TopComments": topComments, "TopRated": topRated})
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
	cs, err := h.Store.Conceptions(c.Context(), p.ID)
	if err != nil {
		return err
	}
	return h.Render(c, "conceptions", fiber.Map{"Title": web.Localizer(c).T("conceptions.title") + " – " + v.Text.Title, "P": v, "Conceptions": cs})
}

// ics serves the procedure's appointments as an iCalendar file (RFC 5545).
func (h *Handler) ics(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	appts, err := h.Store.Appointments(c.Context(), p.ID)
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
	host := strings.TrimPrefix(strings.TrimPrefix(h.Config.BaseURL, "https://"), "http://")
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
		line("URL:" + h.Config.BaseURL + "/p/" + p.Slug)
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

// themeCSS gives each category its colour as a class, so pages need no
// inline styles (the CSP forbids them).
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
		fmt.Fprintf(&b, ".cat-%s{--cat:%s}\n", cssIdent(k.Key), col)
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
