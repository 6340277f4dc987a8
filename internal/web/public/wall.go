package public

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// The wall: the live projection of a procedure at a workshop, full screen
// on a projector (1920×1080 or 3840×2160) without the site's header and
// footer. A map of the area with the contributions as pins, counters by
// category and by origin, the newest contributions rotating in large type
// and a QR code to join online; js/wall.js keeps it current through the
// event stream and asks counts.json again after every change.

// wallNewest is how many of the newest contributions the wall rotates.
const wallNewest = 12

func (h *Handler) registerWall(app *fiber.App) {
	app.Get("/wall/:slug", h.wall)
	app.Get("/wall/:slug/counts.json", h.wallCountsJSON)
	app.Get("/wall/:slug/qr.svg", h.wallQR)
}

// wallCount is one counter: a category or an origin with its label.
type wallCount struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Lang  string `json:"lang,omitempty"` // "de" where German stands in for the reader's language
	N     int    `json:"n"`
}

// wallCounts are the wall's counters.
type wallCounts struct {
	Total      int         `json:"total"`
	TotalText  string      `json:"total_text"`
	Categories []wallCount `json:"categories"`
	Origins    []wallCount `json:"origins"`
}

// originOrder sorts origins as the wall shows them: online, the tables by
// number, then letter, phone, paper and import.
func originOrder(o string) (int, int) {
	if model.OriginKind(o) == "table" {
		n, _ := strconv.Atoi(strings.TrimPrefix(o, "table:"))
		return 1, n
	}
	return map[string]int{"online": 0, "letter": 2, "phone": 3, "paper": 4, "import": 5}[o], 0
}

func originLabel(l *content.Localizer, o string) string {
	if model.OriginKind(o) == "table" {
		return l.T("wall.origin_table", "Table", strings.TrimPrefix(o, "table:"))
	}
	return l.T("origin." + model.OriginKind(o))
}

// countWall tallies p's published contributions: every category of the
// procedure (none counted shows 0), every origin that occurs, and online,
// letter, phone and paper always.
func (h *Handler) countWall(c *fiber.Ctx, p *model.Procedure) (wallCounts, error) {
	byCat, byOrigin, err := h.Part.Tally(c.UserContext(), p.ID)
	if err != nil {
		return wallCounts{}, err
	}
	l := web.Localizer(c)
	n := func(list []store.Count, key string) int {
		for _, x := range list {
			if x.Key == key {
				return x.N
			}
		}
		return 0
	}
	var w wallCounts
	for _, k := range p.Categories {
		w.Categories = append(w.Categories, wallCount{Key: k.Key, Label: k.Label.Get(l.Tag), Lang: k.Label.LangFor(l.Tag), N: n(byCat, k.Key)})
	}
	seen := map[string]bool{}
	for _, o := range []string{"online", "letter", "phone", "paper"} {
		seen[o] = true
		w.Origins = append(w.Origins, wallCount{Key: o, Label: originLabel(l, o), N: n(byOrigin, o)})
	}
	for _, x := range byOrigin {
		if !seen[x.Key] && model.OriginKind(x.Key) != "" {
			w.Origins = append(w.Origins, wallCount{Key: x.Key, Label: originLabel(l, x.Key), N: x.N})
		}
	}
	sort.SliceStable(w.Origins, func(i, j int) bool {
		a1, a2 := originOrder(w.Origins[i].Key)
		b1, b2 := originOrder(w.Origins[j].Key)
		return a1 < b1 || a1 == b1 && a2 < b2
	})
	for _, x := range byOrigin {
		w.Total += x.N
	}
	w.TotalText = l.TN("procedure.count", w.Total)
	return w, nil
}

// joinURL is the procedure's address, which the wall's QR code holds.
func (h *Handler) joinURL(c *fiber.Ctx, p *model.Procedure) string {
	return h.BaseURL(c) + "/p/" + p.Slug
}

// wall is the projection page.
func (h *Handler) wall(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	list, err := h.Part.Newest(c.UserContext(), p.ID, wallNewest)
	if err != nil {
		return err
	}
	counts, err := h.countWall(c, p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	labels := map[string]string{}
	for _, k := range p.Categories {
		labels[k.Key] = k.Label.Get(l.Tag)
	}
	lj, _ := json.Marshal(labels)
	join := h.joinURL(c, p)
	short := join
	if i := strings.Index(short, "://"); i >= 0 {
		short = short[i+3:]
	}
	return h.Render(c, "wall", fiber.Map{"Title": l.T("wall.title") + " – " + v.Text.Title, "P": v,
		"List": list, "Labels": string(lj), "Counts": counts, "Join": join, "JoinShort": short, "Newest": wallNewest,
		"BodyClass": "wall", "Bare": true})
}

// wallCountsJSON answers GET /wall/:slug/counts.json with the counters,
// labelled in the reader's language.
func (h *Handler) wallCountsJSON(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	counts, err := h.countWall(c, p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(counts)
}

// wallQR answers GET /wall/:slug/qr.svg with the QR code of the
// procedure's address.
func (h *Handler) wallQR(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	target := h.joinURL(c, p)
	svg, err := qrSVG(target)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Mitreden-Target", target)
	return c.SendString(svg)
}
