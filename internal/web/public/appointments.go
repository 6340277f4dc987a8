package public

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// ics serves the procedure's appointments as an iCalendar file (RFC 5545).
func (h *Handler) ics(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	appts, err := h.Part.Appointments(c.UserContext(), p.ID)
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
