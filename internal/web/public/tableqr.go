package public

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/qr"
)

// The table's hand-off: "Continue on your phone" shows a QR code for the
// residents' form with the place and category chosen on the table, so a
// person can finish (or keep a link to) the contribution on their own
// phone. The code is drawn by the server as SVG.

// handoffURL is the absolute address of the residents' form with the
// point and category set; a point or category that does not parse (or
// that the procedure does not know) is left out.
func (h *Handler) handoffURL(c *fiber.Ctx, p *model.Procedure) string {
	q := url.Values{}
	if lat, lon, ok := queryPoint(c); ok {
		q.Set("lat", strconv.FormatFloat(lat, 'f', 6, 64))
		q.Set("lon", strconv.FormatFloat(lon, 'f', 6, 64))
	}
	if k := c.Query("category"); k != "" {
		if _, ok := p.Category(k); ok {
			q.Set("category", k)
		}
	}
	u := h.BaseURL(c) + "/p/" + p.Slug + "/contribute"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// queryPoint reads ?lat=…&lon=… (WGS84 degrees); ok is false when either
// is missing, not a number or out of range.
func queryPoint(c *fiber.Ctx) (lat, lon float64, ok bool) {
	la, err1 := strconv.ParseFloat(strings.TrimSpace(c.Query("lat")), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(c.Query("lon")), 64)
	if err1 != nil || err2 != nil || la != la || lo != lo || la < -90 || la > 90 || lo < -180 || lo > 180 {
		return 0, 0, false
	}
	return la, lo, true
}

// tableQR answers GET /table/:slug/qr.svg?table=N&key=K&lat=…&lon=…&category=…
// with the hand-off code as SVG (the table's key is needed as for the page).
func (h *Handler) tableQR(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if _, _, ok, err := h.tableAccess(c, p); !ok {
		return err
	}
	target := h.handoffURL(c, p)
	svg, err := qrSVG(target)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Mitreden-Target", target)
	return c.SendString(svg)
}

// qrSVG draws the QR code of s as SVG (internal/qr).
func qrSVG(s string) (string, error) { return qr.SVG(s) }
