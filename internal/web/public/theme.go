package public

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/analysis"
)

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
