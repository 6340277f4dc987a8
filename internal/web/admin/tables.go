package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/web"
)

// tableLink is one workshop table's kiosk address with its key.
type tableLink struct {
	N    int
	Link string
}

// tables lists the kiosk addresses of tables 1..N with their keys (the
// same links `mitreden table link` prints) and the wall's address. A link
// is a key: who has it can post as that table.
func (h *Handler) tables(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	raw := strings.TrimSpace(c.Query("tables", "8"))
	n, convErr := strconv.Atoi(raw)
	var links []tableLink
	fieldErr := ""
	if convErr != nil || n < 1 || n > 99 {
		fieldErr = l.T("admin.tables_count_invalid")
		c.Status(fiber.StatusUnprocessableEntity)
	} else {
		base := h.BaseURL(c)
		for i := 1; i <= n; i++ {
			links = append(links, tableLink{N: i, Link: base + "/table/" + url.PathEscape(p.Slug) + "?table=" + strconv.Itoa(i) +
				"&key=" + url.QueryEscape(auth.TableKey(h.TableSecret, p.Slug, i))})
		}
	}
	return h.Render(c, "admin-tables", fiber.Map{"Title": l.T("admin.tables") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Count": raw, "CountError": fieldErr, "Links": links,
		"Wall": h.BaseURL(c) + "/wall/" + url.PathEscape(p.Slug)})
}
