package public

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// The workshop table: a touch screen at a public event. It shows the
// contribution form full-screen with big targets, tags every contribution
// with its table, never shows a private manage link (the next person
// would see it), and starts over after a spell without input. The wall is
// the live projection of what comes in. Both share the residents' form
// code, which is why they live in this package (DESIGN names web/table).

// tableNumber reads ?table=N (1–999); ok is false otherwise.
func tableNumber(c *fiber.Ctx) (int, bool) {
	n, err := strconv.Atoi(c.Query("table"))
	return n, err == nil && model.ValidOrigin("table:"+strconv.Itoa(n))
}

// tableAccess reads and checks ?table=N&key=K, the kiosk's link (mitreden
// table link). The page and its form posts carry both, so only who was
// given the link can tag a contribution with the table; without a valid
// key it has answered 403 (400 for a bad number) and ok is false.
func (h *Handler) tableAccess(c *fiber.Ctx, p *model.Procedure) (n int, key string, ok bool, err error) {
	l := web.Localizer(c)
	n, ok = tableNumber(c)
	if !ok {
		return 0, "", false, h.Fail(c, fiber.StatusBadRequest, "bad_table", l.T("error.table_number"))
	}
	key = c.Query("key")
	if !auth.CheckTableKey(h.TableSecret, p.Slug, n, key) {
		return 0, "", false, h.Fail(c, fiber.StatusForbidden, "bad_table_key", l.T("error.table_key"))
	}
	return n, key, true, nil
}

func (h *Handler) tableData(c *fiber.Ctx, p *model.Procedure, n int, key string, f contribForm) (fiber.Map, error) {
	v, err := h.procView(c, p)
	if err != nil {
		return nil, err
	}
	places, err := h.Part.Places(c.UserContext(), p.ID)
	if err != nil {
		return nil, err
	}
	geomJSON, pt := geometryView(f.Geom)
	self := "/table/" + p.Slug + "?table=" + strconv.Itoa(n) + "&key=" + url.QueryEscape(key)
	return fiber.Map{"Title": web.Localizer(c).T("table.title", "Table", n) + " – " + v.Text.Title, "P": v, "Table": n, "Key": key,
		"In": f.In, "Errors": f.Fields, "ErrorList": errorSummary(web.Localizer(c), f.Fields), "GeometryJSON": geomJSON, "Point": pt, "Places": places, "PlaceName": f.Place,
		"Action": self, "Reset": self, "Idle": h.Config.TableIdle, "BodyClass": "kiosk"}, nil
}

func (h *Handler) table(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	n, key, ok, err := h.tableAccess(c, p)
	if !ok {
		return err
	}
	data, err := h.tableData(c, p, n, key, contribForm{})
	if err != nil {
		return err
	}
	return h.Render(c, "table", data)
}

func (h *Handler) tableSubmit(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	n, key, ok, err := h.tableAccess(c, p)
	if !ok {
		return err
	}
	if c.FormValue("website") != "" {
		return h.Fail(c, fiber.StatusBadRequest, "rejected", l.T("error.rejected"))
	}
	f, ct, _, status, err := h.submitForm(c, p, "table:"+strconv.Itoa(n))
	if err != nil {
		return err
	}
	data, err := h.tableData(c, p, n, key, f)
	if err != nil {
		return err
	}
	if ct == nil {
		c.Status(status)
		return h.Render(c, "table", data)
	}
	c.Status(fiber.StatusCreated)
	return h.Render(c, "table-thanks", data)
}
