package admin

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/poster"
	"github.com/mitreden/mitreden/internal/web"
)

// registerPoster adds the poster page and its downloads (planners, in
// their own procedures, as the other procedure pages).
func (h *Handler) registerPoster(g fiber.Router, csrf fiber.Handler) {
	g.Get("/p/:slug/poster", csrf, h.session("manage_procedures"), h.posterPage)
	g.Get("/p/:slug/poster/download", h.session("manage_procedures"), h.posterDownload)
}

// posterFile is one download: its paper, format and language.
type posterFile struct {
	Size, Format, Href string
}

// posterRow is one language's downloads; PDF is false where the PDF's
// font cannot set the language (SVG only).
type posterRow struct {
	Tag, Name, Lang, Dir string
	Files                []posterFile
	PDF                  bool
}

// posterPage shows the poster in the chosen language and links to every
// paper, format and language.
func (h *Handler) posterPage(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	locales := poster.Locales(p)
	preview := c.Query("locale", locales[0])
	if !slices.Contains(locales, preview) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_locale", l.T("poster.bad_locale", "Locales", strings.Join(locales, ", ")))
	}
	base := "/admin/p/" + url.PathEscape(p.Slug) + "/poster/download?"
	var rows []posterRow
	for _, tag := range locales {
		loc := localeOf(tag)
		row := posterRow{Tag: tag, Name: loc.Name, Lang: loc.Lang, Dir: loc.Dir, PDF: poster.PDFSupports(h.posterDoc(c, p, tag))}
		for _, s := range poster.Sizes {
			for _, f := range poster.Formats {
				if f == "pdf" && !row.PDF {
					continue
				}
				q := url.Values{"size": {s.Name}, "format": {f}, "locale": {tag}}
				row.Files = append(row.Files, posterFile{Size: s.Name, Format: strings.ToUpper(f), Href: base + q.Encode()})
			}
		}
		rows = append(rows, row)
	}
	pq := url.Values{"size": {"A4"}, "format": {"svg"}, "locale": {preview}, "inline": {"1"}}
	return h.Render(c, "admin-poster", fiber.Map{"Title": l.T("poster.page_title") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Rows": rows, "Preview": base + pq.Encode(), "PreviewLocale": preview,
		"PreviewName": localeOf(preview).Name, "Link": h.posterLink(c, p)})
}

// posterDownload answers ?size=A4|A3&format=svg|pdf&locale=TAG with the
// poster file (inline=1 shows it in the browser instead of saving it).
func (h *Handler) posterDownload(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	size, ok := poster.SizeByName(c.Query("size"))
	if !ok {
		return h.Fail(c, fiber.StatusBadRequest, "bad_size", l.T("poster.bad_size"))
	}
	format := strings.ToLower(c.Query("format"))
	if !slices.Contains(poster.Formats, format) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_format", l.T("poster.bad_format"))
	}
	locales := poster.Locales(p)
	locale := c.Query("locale", locales[0])
	if !slices.Contains(locales, locale) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_locale", l.T("poster.bad_locale", "Locales", strings.Join(locales, ", ")))
	}
	d := h.posterDoc(c, p, locale)
	var body []byte
	mime := "image/svg+xml; charset=utf-8"
	if format == "pdf" {
		mime = "application/pdf"
		body, err = poster.PDF(d, size)
		if errors.Is(err, poster.ErrScript) {
			return h.Fail(c, fiber.StatusBadRequest, "pdf_script", l.T("poster.pdf_script"))
		}
	} else {
		body, err = poster.SVG(d, size)
	}
	if err != nil {
		return err
	}
	disposition := "attachment"
	if c.Query("inline") == "1" {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentType, mime)
	c.Set(fiber.HeaderContentDisposition, disposition+`; filename="poster-`+p.Slug+"-"+strings.ToLower(size.Name)+"-"+locale+"."+format+`"`)
	return c.Send(body)
}

// posterDoc gathers the poster of p in locale with that language's messages.
func (h *Handler) posterDoc(c *fiber.Ctx, p *model.Procedure, locale string) poster.Doc {
	pl := h.I18n.Localizer(locale)
	return poster.New(p, locale, pl.T, func(t time.Time) string { return pl.Date(t.In(berlin)) }, h.posterLink(c, p))
}

// posterLink is the address the poster's QR code holds: the procedure's
// page, marked as reached from a poster.
func (h *Handler) posterLink(c *fiber.Ctx, p *model.Procedure) string {
	return h.BaseURL(c) + "/p/" + url.PathEscape(p.Slug) + "?src=poster"
}

func localeOf(tag string) content.Locale {
	for _, l := range content.Locales {
		if l.Tag == tag {
			return l
		}
	}
	return content.Locale{Tag: tag, Name: tag, Lang: tag, Dir: "ltr"}
}
